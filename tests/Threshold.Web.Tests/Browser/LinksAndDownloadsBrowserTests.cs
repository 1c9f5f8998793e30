using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Threshold.Law;
using Threshold.Web.Tests.Dashboard;

namespace Threshold.Web.Tests.Browser;

/// <summary>
/// Issue 16, parts 4 and 5 in a real browser: the Law timeline (an event opens to its citation and mark), Monitor's
/// standing events and official timeline, a labelled CSV download from every page that re-parses, a chart saved as
/// SVG and PNG with its label, shared links opened in a fresh browser context, and a bad link read without a crash.
/// </summary>
[Collection(nameof(SharedBrowser))]
public sealed partial class LinksAndDownloadsBrowserTests(LiveServer server)
{
    private static readonly LocatorAssertionsToContainTextOptions Long = new() { Timeout = 30_000 };

    [Fact]
    public async Task LawTimeline_AnEventOpensToItsCitationAndMark_AndTheLinkKeepsItOpen()
    {
        var page = await server.NewPageAsync();
        await page.GotoAsync("/law-timeline");
        await page.Locator("#law-timeline-chart .scatterlayer .trace path.point").First.WaitForAsync(new() { Timeout = 30_000 });

        var vacatur = page.GetByTestId("event-las-americas-2025-vacatur");
        await Assertions.Expect(vacatur).ToHaveAttributeAsync("aria-expanded", "false");
        await vacatur.ClickAsync();
        var detail = page.GetByTestId("event-detail-las-americas-2025-vacatur");
        await Assertions.Expect(detail).ToContainTextAsync("Las Americas v. DHS", Long);
        await Assertions.Expect(detail).ToContainTextAsync("the event vacates, made 2025-05-09");
        await Assertions.Expect(detail.Locator(".mark-s").First).ToHaveTextAsync("[S]");
        await Assertions.Expect(vacatur).ToHaveAttributeAsync("aria-expanded", "true");
        await Assertions.Expect(page).ToHaveURLAsync(VacaturOpen(), new() { Timeout = 20_000 });

        var amended = page.GetByTestId("event-proclamation-10773-amended-2024-10-01");
        await amended.ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(AmendedOpen(), new() { Timeout = 20_000 });
        var amendment = page.GetByTestId("event-detail-proclamation-10773-amended-2024-10-01");
        await Assertions.Expect(amendment).ToContainTextAsync("89 FR 81156", Long);
        await Assertions.Expect(amendment.Locator(".mark-v").First).ToHaveTextAsync("[V]");
        // Writing the link does not move the reader: the opened event is still in view, not scrolled to the top.
        await Assertions.Expect(amendment).ToBeInViewportAsync();
        Assert.True(await page.EvaluateAsync<double>("window.scrollY") > 0);
        await LiveServer.ScreenshotAsync(page, "law-timeline");

        // A click on a diamond opens its event: the first [V] one is 10773's entry into force.
        await page.Locator("#law-timeline-chart .scatterlayer .trace").First.Locator("path.point").First.ClickAsync(new() { Force = true });
        await Assertions.Expect(page.GetByTestId("event-detail-proclamation-10773-in-force-2024-06-05")).ToContainTextAsync("89 FR 48487", Long);

        // The link, opened elsewhere, opens the same events.
        var other = await server.NewPageAsync();
        await other.GotoAsync(page.Url);
        await Assertions.Expect(other.GetByTestId("event-detail-las-americas-2025-vacatur")).ToContainTextAsync("Las Americas v. DHS", Long);
        await Assertions.Expect(other.GetByTestId("event-detail-proclamation-10773-amended-2024-10-01")).ToContainTextAsync("89 FR 81156");
    }

    [Fact]
    public async Task Monitor_MarksTheStandingEvents_AndShowsTheOfficialTimelineBesideTheProposed()
    {
        var page = await server.NewPageAsync();
        await page.GotoAsync("/");
        await page.Locator("#monitor-chart .legendtext", new() { HasText = "Standing and court-order events" }).WaitForAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#monitor-chart .legendtext", new() { HasText = "Official timeline" })).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("official-note")).ToContainTextAsync("OFFICIAL timeline", Long);
        await Assertions.Expect(page.GetByTestId("timeline-note")).ToContainTextAsync("PROPOSED");
        await Assertions.Expect(page.Locator("[data-testid=official-periods] tbody tr td").First).ToHaveTextAsync("2024-06-05");
        await Assertions.Expect(page.GetByTestId("standing-events")).ToContainTextAsync("amended by Proclamation 10817");

        // The standing events' squares, on the overlaid 0-1 axis (Plotly's xy2 subplot): the first is 10773's entry into force.
        var square = page.Locator("#monitor-chart .overplot > .xy2 .scatterlayer .trace").First.Locator("path.point").First;
        await square.HoverAsync(new LocatorHoverOptions { Force = true });
        await Assertions.Expect(page.Locator("#monitor-chart .hoverlayer")).ToContainTextAsync("proclamation-10773", new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#monitor-chart .hoverlayer")).ToContainTextAsync("[V]");
        await Assertions.Expect(page.Locator("#monitor-chart .annotation-text").First).ToContainTextAsync(RuleSetVersion.Current);
        await LiveServer.ScreenshotAsync(page, "monitor-standing");
    }

    [Fact]
    public async Task Monitor_DownloadsItsChartAsCsvSvgAndPng_EachWithItsLabel()
    {
        var page = await server.NewPageAsync();
        await page.GotoAsync("/");
        await page.Locator("#monitor-chart .scatterlayer .trace").First.WaitForAsync(new() { Timeout = 30_000 });
        var (comments, header, rows) = await DownloadCsvAsync(page, "download-monitor-chart-csv", "MODELED");
        Assert.Equal(["date", "counted", "average_7_day"], header.Take(3));
        Assert.Equal("official_status", header[^1]);
        Assert.Equal("2024-01-01", rows[0][0]);
        Assert.Contains(comments, c => c.StartsWith("view: ", StringComparison.Ordinal));

        var svg = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("download-monitor-chart-svg").ClickAsync(), new() { Timeout = 60_000 });
        Assert.Equal("monitor-chart.modeled.svg", svg.SuggestedFilename);
        var svgText = await File.ReadAllTextAsync((await svg.PathAsync())!);
        Assert.Contains("MODELED", svgText, StringComparison.Ordinal);
        Assert.Contains(RuleSetVersion.Current, svgText, StringComparison.Ordinal);

        var png = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("download-monitor-chart-png").ClickAsync(), new() { Timeout = 60_000 });
        Assert.Equal("monitor-chart.modeled.png", png.SuggestedFilename);
        var bytes = await File.ReadAllBytesAsync((await png.PathAsync())!);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes.Take(4));
    }

    [Fact]
    public async Task EveryViewerPage_DownloadsALabelledCsvThatReParses()
    {
        var page = await server.NewPageAsync();

        await page.GotoAsync("/compare");
        await page.Locator("#compare-chart .scatterlayer .trace").First.WaitForAsync(new() { Timeout = 30_000 });
        var compare = await DownloadCsvAsync(page, "download-compare-summary-csv", "MODELED");
        Assert.Equal(["scenario", "days_active", "transitions", "first_transition"], compare.Header);
        Assert.Equal(4, compare.Rows.Count);

        await page.GotoAsync("/law-timeline");
        var law = await DownloadCsvAsync(page, "download-law-events-csv", "LAW");
        Assert.Contains(law.Rows, r => r.Contains("las-americas-2025-vacatur") && r.Contains("S"));

        await page.GotoAsync("/returns");
        await Assertions.Expect(page.GetByTestId("note-mexico-chnv-30000")).ToContainTextAsync("carried forward", Long);
        await Assertions.Expect(page.GetByTestId("note-mexico-chnv-30000").Locator(".mark-u").First).ToHaveTextAsync("[U]");
        var returns = await DownloadCsvAsync(page, "download-returns-arrangements-csv", "LAW");
        var chnv = Assert.Single(returns.Rows, r => r[0] == "mexico-chnv-30000");
        Assert.Equal("30000", chnv[returns.Header.IndexOf("monthly_cap")]);
        Assert.Contains("[U]", chnv[returns.Header.IndexOf("note")], StringComparison.Ordinal);
        Assert.Equal("U", chnv[returns.Header.IndexOf("to_citation")][^2..^1]);
        var ledger = await DownloadCsvAsync(page, "download-returns-months-csv", "RECORD");
        Assert.Equal("month", ledger.Header[0]);

        await page.GotoAsync("/data");
        var imports = await DownloadCsvAsync(page, "download-data-imports-csv", "RECORD");
        Assert.Contains(imports.Rows, r => r[0] == "daily_encounters_2024-01-01_2025-01-19.modeled");
        var diff = await DownloadCsvAsync(page, "download-data-diff-csv", "MODELED");
        Assert.Equal("where", diff.Header[0]);

        await page.GotoAsync("/audit");
        var audit = await DownloadCsvAsync(page, "download-audit-entries-csv", "RECORD");
        Assert.Equal(["seq", "kind", "recorded_at", "prev_hash", "hash"], audit.Header);
        Assert.NotEmpty(audit.Rows);
    }

    [Fact]
    public async Task ScreenAndSimulate_AnAnalystDownloadsTheAnswerAndTheBands_Labelled()
    {
        var page = await server.NewPageAsync();
        await LiveServer.SignInAsync(page, server.AnalystKey, "browser analyst");
        await page.GotoAsync("/screen");
        await page.GetByRole(AriaRole.Button, new() { Name = "Screen this case" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("suspensionApplies")).ToContainTextAsync("yes", Long);
        var answer = await DownloadCsvAsync(page, "download-screen-answer-csv", "MODELED");
        Assert.Contains(answer.Rows, r => r[0] == "proclamation-10773" && r[1] == "suspensionApplies" && r[2] == "yes");
        Assert.Contains(answer.Rows, r => r[1].StartsWith("rule:", StringComparison.Ordinal) && r[4].Length > 0);

        await page.GotoAsync("/simulate?paths=20&seed=7");
        await Assertions.Expect(page.GetByTestId("paths-value")).ToHaveTextAsync("20");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run the simulation" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("simulate-progress")).ToContainTextAsync("Finished 20 paths", new() { Timeout = 90_000 });
        var bands = await DownloadCsvAsync(page, "download-simulate-bands-csv", "MODELED");
        Assert.Contains(bands.Rows, r => r.Contains("days_active"));
    }

    [Fact]
    public async Task SharedLinks_OpenTheSameViewInAFreshBrowser()
    {
        // Monitor with a reform: the link names it, and a fresh context shows the same inputs and the same result.
        var page = await server.NewPageAsync();
        await page.GotoAsync("/");
        await Assertions.Expect(page.GetByTestId("last-status")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await page.GetByLabel("Overrides NAME=VALUE").FillAsync("deactivate.threshold=2000");
        await page.GetByLabel("Overrides NAME=VALUE").PressAsync("Tab");
        await Assertions.Expect(page).ToHaveURLAsync(ReformInLink(), new() { Timeout = 20_000 });
        await Assertions.Expect(page.GetByTestId("suspension-periods")).ToBeVisibleAsync();
        var status = await page.GetByTestId("last-status").TextContentAsync();
        var periods = await page.GetByTestId("suspension-periods").TextContentAsync();
        var projection = await page.GetByTestId("projection").TextContentAsync();

        var fresh = await server.NewPageAsync();
        await fresh.GotoAsync(page.Url);
        await Assertions.Expect(fresh.GetByLabel("Overrides NAME=VALUE")).ToHaveValueAsync("deactivate.threshold=2000", new() { Timeout = 30_000 });
        await Assertions.Expect(fresh.GetByTestId("last-status")).ToHaveTextAsync(status!);
        await Assertions.Expect(fresh.GetByTestId("suspension-periods")).ToHaveTextAsync(periods!);
        await Assertions.Expect(fresh.GetByTestId("projection")).ToHaveTextAsync(projection!);
        await LiveServer.ScreenshotAsync(fresh, "shared-monitor");

        // Compare with a different choice of scenarios and a reform.
        await page.GotoAsync("/compare");
        await page.Locator("#compare-chart .scatterlayer .trace").First.WaitForAsync(new() { Timeout = 30_000 });
        await page.GetByLabel("Reform overrides").FillAsync("deactivate.threshold=1800");
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "A reform of 10773 (your overrides)" }).CheckAsync();
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Senate Border Act authority (a bill, never law)" }).UncheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Compare" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(IncludeInLink(), new() { Timeout = 20_000 });
        await Assertions.Expect(page.Locator("[data-testid=compare-summary] tbody tr")).ToHaveCountAsync(4);
        var summary = await page.GetByTestId("compare-summary").TextContentAsync();

        var freshCompare = await server.NewPageAsync();
        await freshCompare.GotoAsync(page.Url);
        await Assertions.Expect(freshCompare.GetByTestId("compare-summary")).ToHaveTextAsync(summary!, new() { Timeout = 30_000 });
        await Assertions.Expect(freshCompare.GetByLabel("Reform overrides")).ToHaveValueAsync("deactivate.threshold=1800");
        Assert.False(await freshCompare.GetByRole(AriaRole.Checkbox, new() { Name = "Senate Border Act authority (a bill, never law)" }).IsCheckedAsync());

        // Screen: an analyst's answer, opened by another analyst signed in elsewhere, is screened again.
        var analyst = await server.NewPageAsync();
        await LiveServer.SignInAsync(analyst, server.AnalystKey, "browser analyst");
        await analyst.GotoAsync("/screen");
        await analyst.GetByLabel("Case id").FillAsync("client-link");
        await analyst.GetByLabel("manifests or expresses fear").CheckAsync();
        await analyst.GetByRole(AriaRole.Button, new() { Name = "Screen this case" }).ClickAsync();
        await Assertions.Expect(analyst.GetByTestId("screen-result")).ToContainTextAsync("Answer for client-link", Long);
        await Assertions.Expect(analyst).ToHaveURLAsync(FearInLink(), new() { Timeout = 20_000 });
        var answer = await analyst.GetByTestId("screen-result").TextContentAsync();

        var colleague = await server.NewPageAsync();
        await LiveServer.SignInAsync(colleague, server.AnalystKey, "browser analyst");
        await colleague.GotoAsync(analyst.Url);
        await Assertions.Expect(colleague.GetByTestId("screen-result")).ToHaveTextAsync(answer!, new() { Timeout = 30_000 });
        await Assertions.Expect(colleague.GetByLabel("Case id")).ToHaveValueAsync("client-link");
        await Assertions.Expect(colleague.GetByLabel("manifests or expresses fear")).ToBeCheckedAsync();
    }

    [Fact]
    public async Task ABadLink_IsReadWithAMessageNamingEachParameter_AndThePageStillWorks()
    {
        var page = await server.NewPageAsync();
        await page.GotoAsync("/?policy=nope&inForce=2024-13-01&polcy=x");
        var problems = page.GetByTestId("query-problems");
        await Assertions.Expect(problems).ToContainTextAsync("policy: 'nope' is not one of", Long);
        await Assertions.Expect(problems).ToContainTextAsync("inForce: '2024-13-01' is not a date");
        await Assertions.Expect(problems).ToContainTextAsync("polcy is not a parameter of this page");
        await Assertions.Expect(page.GetByTestId("last-status")).ToBeVisibleAsync();

        await page.GotoAsync("/law-timeline?event=nope&from=2026-01-01&to=2025-01-01");
        await Assertions.Expect(page.GetByTestId("query-problems")).ToContainTextAsync("event: 'nope'", Long);
        await Assertions.Expect(page.GetByTestId("query-problems")).ToContainTextAsync("to (2025-01-01) is before from (2026-01-01)");
        await Assertions.Expect(page.GetByTestId("law-events")).ToContainTextAsync("las-americas", Long);

        await page.GotoAsync("/simulate?paths=5&mexico.enforcement_share=7");
        await Assertions.Expect(page.GetByTestId("query-problems")).ToContainTextAsync("paths: '5' is not a whole number", Long);
        await Assertions.Expect(page.GetByTestId("query-problems")).ToContainTextAsync("mexico.enforcement_share: '7' is not a number");
    }

    /// <summary>Clicks a CSV download, re-parses the file, and checks its label (first line) and rule-set version.</summary>
    private static async Task<(List<string> Comments, List<string> Header, List<List<string>> Rows)> DownloadCsvAsync(IPage page, string testId, string label)
    {
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId(testId).ClickAsync(), new() { Timeout = 60_000 });
        Assert.EndsWith($".{label.ToLowerInvariant()}.csv", download.SuggestedFilename, StringComparison.Ordinal);
        var parsed = DownloadedCsv.Parse(await File.ReadAllTextAsync((await download.PathAsync())!));
        Assert.StartsWith($"{label}: ", parsed.Comments[0], StringComparison.Ordinal);
        Assert.Contains(parsed.Comments, c => c.Contains(RuleSetVersion.Current, StringComparison.Ordinal));
        return parsed;
    }

    [GeneratedRegex("event=las-americas-2025-vacatur")]
    private static partial Regex VacaturOpen();

    [GeneratedRegex("event=proclamation-10773-amended-2024-10-01")]
    private static partial Regex AmendedOpen();

    [GeneratedRegex("set=deactivate.threshold%3D2000")]
    private static partial Regex ReformInLink();

    [GeneratedRegex("include=")]
    private static partial Regex IncludeInLink();

    [GeneratedRegex("fact=manifestsFear")]
    private static partial Regex FearInLink();
}
