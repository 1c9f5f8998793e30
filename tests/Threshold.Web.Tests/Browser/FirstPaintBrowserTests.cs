using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Threshold.Web.Tests.Browser;

/// <summary>
/// The dashboard's first paint is pre-rendered: with its live connection blocked a page still shows its content, its
/// controls wait (disabled) and a notice says in plain words what happened. Also the /monitor route and the favicon.
/// </summary>
[Collection(nameof(SharedBrowser))]
public sealed partial class FirstPaintBrowserTests(LiveServer server)
{
    private static readonly string[] Pages = ["/", "/monitor", "/law-timeline", "/compare", "/simulate", "/screen", "/returns", "/data", "/audit"];

    [Fact]
    public async Task EveryPage_ShowsItsPrerenderedContent_AndSaysSo_WhenTheLiveConnectionCannotBeOpened()
    {
        var page = await server.NewPageAsync();

        // The live connection's negotiation and its WebSocket are refused, as a proxy that drops them would.
        var blocked = 0;
        await page.RouteAsync(new Regex("/_blazor"), async route =>
        {
            Interlocked.Increment(ref blocked);
            await route.AbortAsync();
        });

        foreach (var path in Pages)
        {
            await page.GotoAsync(path);
            await Assertions.Expect(page.Locator("h1")).ToBeVisibleAsync();
            var notice = page.GetByTestId("live-connection-failed");
            await Assertions.Expect(notice).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Assertions.Expect(notice).ToContainTextAsync("The live connection to the server could not be opened; the page shows what was pre-rendered");
            await Assertions.Expect(notice.GetByRole(AriaRole.Link, new() { Name = "Reload" })).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByTestId("prerendered")).ToHaveAttributeAsync("disabled", string.Empty);
        }

        Assert.True(blocked > 0, "the live connection was never attempted");

        // The Monitor's answer is there without the connection: its status, its periods and its reasoning.
        await page.GotoAsync("/monitor");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Monitor: does the suspension apply in the loaded data?");
        await Assertions.Expect(page.GetByTestId("last-status")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=suspension-periods] tbody tr td").First).ToHaveTextAsync("2024-06-05");
        await Assertions.Expect(page.GetByLabel("Policy")).ToBeDisabledAsync();
        await LiveServer.ScreenshotAsync(page, "monitor-without-live-connection");
    }

    [Fact]
    public async Task APage_IsPrerendered_ThenItsControlsWork_OnceTheConnectionOpens()
    {
        var page = await server.NewPageAsync();

        // The HTML itself, before any script: the page's answer is in the first response.
        var html = await (await page.APIRequest.GetAsync("/")).TextAsync();
        Assert.Contains("Monitor: does the suspension apply in the loaded data?", html, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"suspension-periods\"", html, StringComparison.Ordinal);

        await page.GotoAsync("/");
        await page.Locator("#monitor-chart .shapelayer path").First.WaitForAsync(); // the connection is up and Plotly drew
        await Assertions.Expect(page.GetByTestId("prerendered")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByLabel("Policy")).ToBeEnabledAsync();
        await Assertions.Expect(page.GetByTestId("live-connection-failed")).ToBeHiddenAsync();
        await page.GetByLabel("Policy").SelectOptionAsync("proclamation-10888");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"policy=proclamation-10888"));
    }

    [Fact]
    public async Task Monitor_AnswersAtSlashMonitor_AndTheFaviconLoads_WithNoFailedRequest()
    {
        var page = await server.NewPageAsync();
        var failed = new List<string>();
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                failed.Add($"{response.Status} {response.Url}");
            }
        };
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };

        var response = await page.GotoAsync("/monitor");
        Assert.Equal(200, response!.Status);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Monitor: does the suspension apply in the loaded data?");
        await page.Locator("#monitor-chart .shapelayer path").First.WaitForAsync();

        var icon = await page.Locator("link[rel=icon]").GetAttributeAsync("href");
        Assert.NotNull(icon);
        var served = await page.APIRequest.GetAsync(icon!);
        Assert.Equal(200, served.Status);
        Assert.StartsWith("image/svg+xml", served.Headers["content-type"], StringComparison.Ordinal);

        Assert.True(failed.Count == 0, string.Join("\n", failed));
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public async Task Compare_DrawsEachScenarioAsAStepStrip_At0Or1_OnItsOwnAxis()
    {
        var page = await server.NewPageAsync();
        await page.GotoAsync("/compare");
        await page.Locator("#compare-chart .scatterlayer .trace").First.WaitForAsync();

        // Plotly's own figure: every trace a step line (hv) of whole 0s and 1s, each on an axis of its own.
        var traces = await page.EvaluateAsync<TraceShape[]>("""
            Array.from(document.getElementById('compare-chart').data, t => ({
                shape: t.line.shape,
                axis: t.yaxis || 'y',
                values: Array.from(new Set(t.y)).sort()
            }))
            """);
        Assert.Equal(4, traces.Length);
        Assert.All(traces, t => Assert.Equal("hv", t.Shape));
        Assert.All(traces, t => Assert.Subset(new HashSet<double> { 0, 1 }, t.Values.ToHashSet()));
        Assert.Equal(4, traces.Select(t => t.Axis).Distinct().Count());
        Assert.Contains(traces, t => t.Values.Contains(1));

        // Each strip reads "applies" or "no" on its own axis, and names its scenario.
        await Assertions.Expect(page.Locator("#compare-chart .yaxislayer-above text").Filter(new() { HasText = "applies" })).ToHaveCountAsync(4);
        await Assertions.Expect(page.Locator("#compare-chart .annotation-text").Filter(new() { HasText = "Senate Border Act" })).ToHaveCountAsync(1);
        await LiveServer.ScreenshotAsync(page, "compare-strips");
    }

    [Fact]
    public async Task EmptyTables_SayNothingHere_AndWhy()
    {
        var page = await server.NewPageAsync();

        // Compare with one scenario: nothing to differ from it.
        await page.GotoAsync("/compare?include=amended");
        await Assertions.Expect(page.GetByTestId("compare-differences").GetByTestId("empty-row")).ToContainTextAsync("Nothing here: only one scenario is chosen");

        // Compare with none ticked.
        await page.GetByLabel("Proclamation 10773 as amended by 10817").UncheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Compare" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("compare-empty")).ToContainTextAsync("Nothing here: no scenario is chosen");

        // The law timeline with every instrument unticked.
        await page.GotoAsync("/law-timeline?instrument=");
        await Assertions.Expect(page.GetByTestId("law-events").GetByTestId("empty-row")).ToContainTextAsync("Nothing here: no instrument is chosen above");

        // The audit log filtered to a time before any entry.
        await page.GotoAsync("/audit?to=2000-01-01T00:00:00Z");
        await Assertions.Expect(page.GetByTestId("audit-entries").GetByTestId("empty-row")).ToContainTextAsync("Nothing here: no audit entry matches");

        // The Monitor under H.R. 2 as if in force only from 2030, after the data end: no day applies, nothing is proposed.
        await page.GotoAsync("/?policy=hr2-2023&inForce=2030-01-01");
        await Assertions.Expect(page.GetByTestId("suspension-periods").GetByTestId("empty-row")).ToContainTextAsync("Nothing here: the suspension applies on no day");
        await Assertions.Expect(page.GetByTestId("markers-empty")).ToContainTextAsync("Nothing here");
    }

    /// <summary>One Plotly trace as read back from the page.</summary>
    private sealed class TraceShape
    {
        public string Shape { get; set; } = string.Empty;

        public string Axis { get; set; } = string.Empty;

        public double[] Values { get; set; } = [];
    }
}
