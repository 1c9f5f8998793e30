using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Threshold.Web.Tests.Browser;

/// <summary>
/// The Simulate page's sweep (issue 18) in a real browser: an analyst sets a 3 × 2 grid, runs it with progress, reads
/// a heat map per policy (inline SVG, MODELED) and the table, downloads the CSV, and the link restores the grid.
/// </summary>
[Collection(nameof(SharedBrowser))]
public sealed partial class SweepBrowserTests(LiveServer server)
{
    [Fact]
    public async Task Simulate_AnAnalystSweepsTwoAssumptions_ReadsTheHeatMapsAndTheTable_AndTheLinkKeepsTheGrid()
    {
        var page = await server.NewPageAsync();
        await LiveServer.SignInAsync(page, server.AnalystKey, "browser analyst");
        await page.GotoAsync("/simulate");

        await page.GetByLabel("Swept assumption", new() { Exact = true }).SelectOptionAsync("deterrence.effect");
        await page.Locator("#sweep-steps-0").FillAsync("3");
        await page.Locator("#sweep-steps-0").PressAsync("Tab");
        await page.GetByLabel("Second swept assumption").SelectOptionAsync("flow.level_scale");
        // A newly chosen assumption starts at its plausible range.
        await Assertions.Expect(page.Locator("#sweep-low-1")).ToHaveValueAsync("0.75");
        await page.Locator("#sweep-steps-1").FillAsync("2");
        await page.Locator("#sweep-steps-1").PressAsync("Tab");
        await page.GetByLabel("Output charted").SelectOptionAsync("people_subject");
        await page.GetByLabel("Sweep paths per cell").FillAsync("6");
        await page.GetByLabel("Sweep paths per cell").PressAsync("Tab");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run the sweep" }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("sweep-progress")).ToContainTextAsync("Finished 6 cells of 6 paths", new() { Timeout = 120_000 });
        var results = page.GetByTestId("sweep-results");
        await Assertions.Expect(results).ToContainTextAsync("MODELED");
        foreach (var policy in new[] { "proclamation-10773", "senate-border-act" })
        {
            var chart = page.GetByTestId($"sweep-chart-{policy}").Locator("svg");
            await Assertions.Expect(chart).ToBeVisibleAsync();
            await Assertions.Expect(chart).ToHaveAttributeAsync("aria-label", new Regex($"^{policy}: P50 of people_subject .*MODELED"));
            await Assertions.Expect(chart).ToContainTextAsync("MODELED");
            var table = page.GetByTestId($"sweep-table-{policy}");
            await Assertions.Expect(table.Locator("tbody tr")).ToHaveCountAsync(2);
            await Assertions.Expect(table.Locator("thead th")).ToHaveTextAsync(["flow.level_scale ↓ / deterrence.effect →", "0.25", "0.425", "0.6"]);
        }

        var csv = page.GetByTestId("sweep-downloads").GetByRole(AriaRole.Link, new() { Name = "sweep.csv" });
        await Assertions.Expect(csv).ToHaveAttributeAsync("download", "sweep.csv");
        await Assertions.Expect(csv).ToHaveAttributeAsync("href", new Regex("^data:text/csv;"));
        var download = await page.RunAndWaitForDownloadAsync(() => csv.ClickAsync());
        var text = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.StartsWith("# MODELED", text, StringComparison.Ordinal);
        Assert.Contains("cell,deterrence.effect,flow.level_scale,policy,output", text, StringComparison.Ordinal);
        await LiveServer.ScreenshotAsync(page, "simulate-sweep");

        // The link holds the grid: opened elsewhere, the form is the same.
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("sweep=flow.level_scale"), new() { Timeout = 20_000 });
        var other = await server.NewPageAsync();
        await other.GotoAsync(page.Url);
        await Assertions.Expect(other.Locator("#sweep-param-1")).ToHaveValueAsync("flow.level_scale");
        await Assertions.Expect(other.Locator("#sweep-steps-0")).ToHaveValueAsync("3");
        await Assertions.Expect(other.GetByLabel("Output charted")).ToHaveValueAsync("people_subject");
        await Assertions.Expect(other.GetByLabel("Sweep paths per cell")).ToHaveValueAsync("6");
    }

    [Fact]
    public async Task Simulate_AViewerSeesTheSweepFormButNotItsRunButton()
    {
        var page = await server.NewPageAsync(); // anonymous on loopback: a viewer
        await page.GotoAsync("/simulate");
        await Assertions.Expect(page.GetByTestId("needs-role-analyst-sweep")).ToContainTextAsync("Running a sweep needs the analyst role");
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Run the sweep" }).CountAsync());
    }
}
