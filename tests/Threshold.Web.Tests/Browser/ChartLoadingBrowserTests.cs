using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace Threshold.Web.Tests.Browser;

/// <summary>
/// Issue 17 (Lighthouse performance): the dashboard's charts are drawn with the app's own Plotly bundle
/// (wwwroot/lib/plotly-threshold.min.js, core with scatter and bar), fetched only by a page that has a chart and only
/// once its pre-rendered content is painted; a page without a chart fetches no Plotly at all, and Plotly.Blazor's own
/// bundle is never fetched by these pages.
/// </summary>
[Collection(nameof(SharedBrowser))]
public sealed class ChartLoadingBrowserTests(LiveServer server)
{
    [Fact]
    public async Task ChartPages_FetchTheAppsOwnPlotlyBundle_AndDrawWithIt_WhilePagesWithoutAChartFetchNoPlotly()
    {
        var page = await server.NewPageAsync();
        var requests = new ConcurrentQueue<string>();
        page.Request += (_, request) => requests.Enqueue(new Uri(request.Url).AbsolutePath);

        // Pages without a chart.
        foreach (var path in new[] { "/screen", "/audit" })
        {
            await page.GotoAsync(path);
            await Assertions.Expect(page.Locator("h1")).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByTestId("prerendered")).ToHaveCountAsync(0, new() { Timeout = 30_000 }); // live
        }

        Assert.DoesNotContain(requests, p => p.Contains("plotly", StringComparison.OrdinalIgnoreCase));

        foreach (var (path, chart) in new[] { ("/", "monitor-chart"), ("/law-timeline", "law-timeline-chart"), ("/compare", "compare-chart") })
        {
            await page.GotoAsync(path);
            await page.Locator($"#{chart} .scatterlayer .trace").First.WaitForAsync(new() { Timeout = 60_000 });

            // The chart element holds Plotly's figure, with the data label and rule-set version stamped on it.
            var annotations = await page.EvaluateAsync<string[]>($"() => (document.getElementById('{chart}').layout.annotations || []).map(a => a.text)");
            Assert.Contains(annotations, a => a.Contains(Threshold.Law.RuleSetVersion.Current, StringComparison.Ordinal));
        }

        var plotly = requests.Where(p => p.Contains("plotly", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.NotEmpty(plotly);
        Assert.All(plotly, p => Assert.Matches(@"^/lib/plotly-threshold\.min(\.[a-z0-9]+)?\.js$", p));

        // At most once a page (a fingerprinted file, so the browser may keep it between pages).
        Assert.True(plotly.Count <= 3, $"Plotly's bundle was fetched {plotly.Count} times over three pages");
    }
}
