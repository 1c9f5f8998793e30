using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Threshold.Web.Tests.Browser;

/// <summary>The dashboard in a real browser: real clicks and typing on every page, screenshots as artifacts.</summary>
[Collection(nameof(SharedBrowser))]
public sealed partial class DashboardBrowserTests(LiveServer server)
{
    private const string Header = "date,between_ports,coastal,ports_of_entry,uc_noncontiguous_between_ports,uc_noncontiguous_ports\n";

    [Fact]
    public async Task Monitor_ShowsTheShadedSuspensionPeriod_TheModeledLabel_AndWhatWouldChangeIt()
    {
        var page = await server.NewPageAsync();
        await page.GotoAsync("/");
        await page.Locator("#monitor-chart .shapelayer path").First.WaitForAsync();
        Assert.True(await page.Locator("#monitor-chart .shapelayer path").CountAsync() >= 1);
        Assert.Equal("2024-06-05", await page.Locator("[data-testid=suspension-periods] tbody tr td").First.InnerTextAsync());
        await Assertions.Expect(page.GetByText("MODELED DATA").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("projection")).ToContainTextAsync("If the 7-day average holds");
        await Assertions.Expect(page.GetByText("[V]").First).ToBeVisibleAsync();

        // Hovering a transition marker shows its explanation with its citation (the counts' subplot, xy; the law's
        // events sit on an overlaid one, xy2).
        var marker = page.Locator("#monitor-chart .overplot > .xy .scatterlayer .trace").Last.Locator("path.point").First;
        await marker.HoverAsync(new LocatorHoverOptions { Force = true });
        await Assertions.Expect(page.Locator("#monitor-chart .hoverlayer")).ToContainTextAsync("12:01", new() { Timeout = 10_000 });
        await LiveServer.ScreenshotAsync(page, "monitor");

        // Choosing another policy replays the same series under it.
        await page.GetByLabel("Policy").SelectOptionAsync("senate-border-act-2024");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("in-force");
        await page.GetByLabel("In force from").FillAsync("2024-01-01");
        await page.GetByLabel("In force from").PressAsync("Tab");
        await Assertions.Expect(page.GetByTestId("last-status")).ToBeVisibleAsync();
        await LiveServer.ScreenshotAsync(page, "monitor-senate");
    }

    [Fact]
    public async Task AnOpenPage_LosesItsRole_SoonAfterItsKeyIsRevoked()
    {
        var created = server.Keys.Create("browser revoked", Threshold.Record.ApiRole.Analyst, "tests");
        var page = await server.NewPageAsync();
        await LiveServer.SignInAsync(page, created.Secret, "browser revoked");
        await page.GotoAsync("/screen");
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToContainTextAsync("browser revoked (analyst)");

        // The page is pre-rendered first; what is tested is the open live connection, so wait until it is open (the
        // form's controls are enabled only then).
        await Assertions.Expect(page.GetByLabel("Case id")).ToBeEnabledAsync(new() { Timeout = 60_000 });

        // No navigation and no new request: the open connection itself re-checks the key.
        server.Keys.Revoke(created.Key.KeyId, "tests");
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToHaveCountAsync(0, new() { Timeout = 30_000 });
    }

    [Fact]
    public async Task Screen_AnAnalystFillsTheCaseForm_AndReadsTheAnswer()
    {
        var page = await server.NewPageAsync();
        await LiveServer.SignInAsync(page, server.AnalystKey, "browser analyst");
        await page.GotoAsync("/screen");
        await page.GetByLabel("Case id").FillAsync("client-7");
        await page.GetByLabel("Entered at").FillAsync("2024-07-01T10:00:00-04:00");
        await page.GetByLabel("Place of entry").SelectOptionAsync("between-ports");
        await page.GetByLabel("Citizenship").FillAsync("VE");
        await page.GetByLabel("manifests or expresses fear").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Screen this case" }).ClickAsync();
        var result = page.GetByTestId("screen-result");
        await Assertions.Expect(result).ToContainTextAsync("Answer for client-7");
        await Assertions.Expect(page.GetByTestId("suspensionApplies")).ToContainTextAsync("yes");
        await Assertions.Expect(page.GetByTestId("screeningStandard")).ToHaveTextAsync("reasonable-probability");
        await Assertions.Expect(page.GetByTestId("fearReferral")).ToHaveTextAsync("yes");
        await Assertions.Expect(result.GetByText("[V]").First).ToBeVisibleAsync();
        await LiveServer.ScreenshotAsync(page, "screen-answer");

        await page.GetByLabel("Entered at").FillAsync("2024-07-01 10:00");
        await page.GetByRole(AriaRole.Button, new() { Name = "Screen this case" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("screen-error")).ToContainTextAsync("enteredAt");
    }

    [Fact]
    public async Task Data_AnOperatorUploadsCsv_SeesALineNumberedError_RecordsADetermination_AndVerifiesTheChain()
    {
        var page = await server.NewPageAsync();
        await LiveServer.SignInAsync(page, server.OperatorKey, "browser operator");
        await page.GotoAsync("/data");
        await page.GetByLabel("Series name").FillAsync("browser-upload");

        var good = Header + string.Concat(Enumerable.Range(1, 10).Select(d => $"2024-08-{d:00},1200,5,0,0,0\n"));
        await page.GetByLabel("CSV file").SetInputFilesAsync(new FilePayload { Name = "good.csv", MimeType = "text/csv", Buffer = System.Text.Encoding.UTF8.GetBytes(good) });
        await page.GetByRole(AriaRole.Button, new() { Name = "Import the file" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("upload-result")).ToContainTextAsync("recorded 10 days");
        await Assertions.Expect(page.GetByTestId("imports")).ToContainTextAsync("browser-upload");

        var bad = Header + "2024-09-01,1200,5,0,0,0\n2024-09-02,1200,5,0,0,0\n2024-09-03,many,5,0,0,0\n";
        await page.GetByLabel("CSV file").SetInputFilesAsync(new FilePayload { Name = "bad.csv", MimeType = "text/csv", Buffer = System.Text.Encoding.UTF8.GetBytes(bad) });
        await page.GetByRole(AriaRole.Button, new() { Name = "Import the file" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("upload-result")).ToHaveTextAsync(LineFour());
        await LiveServer.ScreenshotAsync(page, "data-bad-csv");

        await page.GetByLabel("Date made").FillAsync("2024-12-20");
        await page.GetByLabel("Kind").SelectOptionAsync("deactivation");
        await page.GetByLabel("Window start").FillAsync("2024-12-13");
        await page.GetByLabel("Window end").FillAsync("2024-12-19");
        await page.GetByLabel("Recorded by").FillAsync("Browser Operator");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record the determination" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("determination-result")).ToContainTextAsync("Recorded the deactivation determination of 2024-12-20");
        await Assertions.Expect(page.GetByTestId("diff")).ToContainTextAsync("Browser Operator");
        await LiveServer.ScreenshotAsync(page, "data-determination");

        await page.GotoAsync("/audit");
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify the audit chain" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("verify-result")).ToContainTextAsync("The chain verifies");
        await Assertions.Expect(page.GetByTestId("audit-entries")).ToContainTextAsync("determination");
        await LiveServer.ScreenshotAsync(page, "audit-verified");
    }

    [Fact]
    public async Task Viewer_CannotReachOperatorOrAnalystActions()
    {
        var page = await server.NewPageAsync(); // anonymous on loopback: a viewer
        await page.GotoAsync("/data");
        await Assertions.Expect(page.GetByTestId("needs-role-operator").First).ToContainTextAsync("Importing data needs the operator role");
        Assert.Equal(0, await page.GetByLabel("CSV file").CountAsync());
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Record the determination" }).CountAsync());
        await page.GotoAsync("/screen");
        await Assertions.Expect(page.GetByTestId("needs-role-analyst")).ToBeVisibleAsync();
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Screen this case" }).CountAsync());
        await page.GotoAsync("/simulate");
        await Assertions.Expect(page.GetByTestId("needs-role-analyst")).ToContainTextAsync("Running a simulation needs the analyst role");
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Run the simulation" }).CountAsync());
        await LiveServer.ScreenshotAsync(page, "viewer-data");

        var denied = await page.APIRequest.PostAsync("/api/v1/series/sneaky", new() { Data = Header, Headers = new Dictionary<string, string> { ["Content-Type"] = "text/csv" } });
        Assert.Equal(403, denied.Status);
    }

    [Fact]
    public async Task Compare_AndReturns_RenderTheirChartsAndTables()
    {
        var page = await server.NewPageAsync();
        await page.GotoAsync("/compare");
        await page.Locator("#compare-chart .scatterlayer .trace").First.WaitForAsync();
        Assert.Equal(4, await page.Locator("[data-testid=compare-summary] tbody tr").CountAsync()); // 10773, its fallbacks, the Senate Act, 10888
        await page.GetByLabel("Reform overrides").FillAsync("deactivate.threshold=2000");
        await page.GetByText("A reform of 10773").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Compare" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=compare-summary] tbody tr")).ToHaveCountAsync(5);
        await LiveServer.ScreenshotAsync(page, "compare");

        await page.GotoAsync("/returns");
        await Assertions.Expect(page.GetByText("The recorded ledger now")).ToBeVisibleAsync();
        await LiveServer.ScreenshotAsync(page, "returns");
    }

    [Fact]
    public async Task Simulate_AnAnalystMovesASlider_Runs_AndReadsTheModeledBands()
    {
        var page = await server.NewPageAsync();
        await LiveServer.SignInAsync(page, server.AnalystKey, "browser analyst");
        await page.GotoAsync("/simulate");
        await Assertions.Expect(page.GetByTestId("simulate-modeled")).ToContainTextAsync("MODELED");
        await Assertions.Expect(page.Locator("#param-mexico-enforcement_share-source")).ToContainTextAsync("[S]");

        // Few paths over one year, so the run takes a moment; Mexico's enforcement moved down towards its 2023 level.
        await page.GetByLabel("Random futures (paths)").FillAsync("20");
        await page.GetByLabel("Mexico's enforcement").FillAsync("0.3");
        await Assertions.Expect(page.GetByTestId("param-mexico-enforcement_share-value")).ToHaveTextAsync("0.3");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run the simulation" }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("simulate-progress")).ToContainTextAsync("Finished 20 paths", new() { Timeout = 60_000 });
        var bands = page.GetByTestId("simulate-bands");
        await Assertions.Expect(bands.Locator("thead th")).ToHaveTextAsync(["Output", "proclamation-10773", "senate-border-act"]);
        await Assertions.Expect(page.GetByTestId("band-senate-border-act-days_active")).ToHaveTextAsync(BandText());
        await page.Locator("#fan-proclamation-10773 .scatterlayer .trace").First.WaitForAsync();
        await page.Locator("#days-active-chart .barlayer .trace").First.WaitForAsync();
        await Assertions.Expect(page.GetByTestId("simulate-downloads").GetByRole(AriaRole.Link, new() { Name = "result.json" })).ToHaveAttributeAsync("download", "result.json");
        await Assertions.Expect(page.GetByTestId("simulate-yaml")).ToContainTextAsync("\"mexico.enforcement_share\": 0.3");
        await LiveServer.ScreenshotAsync(page, "simulate");
    }

    [Fact]
    public async Task Simulate_ALongRunShowsItsProgress_AndStops()
    {
        var page = await server.NewPageAsync();
        await LiveServer.SignInAsync(page, server.AnalystKey, "browser analyst");
        await page.GotoAsync("/simulate");
        // The most this server allows over the longest horizon (minutes of work), so the run is still going when Stop is pressed.
        await page.GetByLabel("Random futures (paths)").FillAsync(LiveServer.LongRunPaths.ToString(CultureInfo.InvariantCulture));
        await page.GetByLabel("Horizon length").SelectOptionAsync("3");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run the simulation" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Progressbar)).ToBeVisibleAsync(new() { Timeout = 30_000 });
        // The first paths come after the run loads the monthly data and builds its tables: seconds on a busy machine.
        await Assertions.Expect(page.GetByTestId("progress-count")).ToHaveTextAsync(SomeOfTheLongRunsPaths(), new() { Timeout = 30_000 });
        await page.GetByRole(AriaRole.Button, new() { Name = "Stop" }).ClickAsync(new() { Timeout = 5_000 });
        await Assertions.Expect(page.GetByTestId("simulate-progress")).ToContainTextAsync("Stopped");
        await LiveServer.ScreenshotAsync(page, "simulate-stopped");
        Assert.Equal(0, await page.GetByTestId("simulate-results").CountAsync());
    }

    // Some paths done, but not all of them: 1 to 999,999 of the 1,000,000 asked for.
    [GeneratedRegex(@"^[1-9]\d{0,2}(,\d{3})? of 1,000,000 paths$")]
    private static partial Regex SomeOfTheLongRunsPaths();

    [GeneratedRegex(@"^[\d,]+ \([\d,]+–[\d,]+\)$")]
    private static partial Regex BandText();

    [GeneratedRegex("line 4")]
    private static partial Regex LineFour();
}

/// <summary>One live server and browser for all browser tests, which run one after another.</summary>
[CollectionDefinition(nameof(SharedBrowser))]
public sealed class SharedBrowser : ICollectionFixture<LiveServer>;
