using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Threshold.Record;

namespace Threshold.Web.Tests.Apis;

/// <summary>
/// <c>GET /api/v1/monthly</c> and <c>/api/v1/monthly/{table}</c> read back what <c>POST /api/v1/monthly</c> (or
/// <c>store import-monthly</c>) recorded, as known at an instant, as the CLI's <c>store monthly</c> does (issue 16).
/// </summary>
public sealed class MonthlyApiTests : IDisposable
{
    private readonly ThresholdFactory factory = new();

    public void Dispose() => factory.Dispose();

    [Fact]
    public async Task Monthly_RecordedFile_IsListedAndReadBackAsCsvAndJson_AsKnownOnAnInstant()
    {
        var source = Path.Combine(ApiBehaviourTests.RepositoryRoot(), "data", "source", "usbp_khsm_monthly_region_fy2000_fy2025nov.csv");
        var before = factory.Record.Clock.GetCurrentInstant();
        using var op = factory.ClientWithRole(ApiRole.Operator);
        var imported = await op.PostAsync("/api/v1/monthly?layout=khsm&source=khsm.csv", new StringContent(await File.ReadAllTextAsync(source), Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);

        using var viewer = factory.ClientWithRole(ApiRole.Viewer);
        var list = await viewer.GetFromJsonAsync<JsonElement>("/api/v1/monthly");
        var import = list.GetProperty("result").GetProperty("imports").EnumerateArray().Single();
        Assert.Equal("khsm_monthly", import.GetProperty("table").GetString());
        var rows = File.ReadAllLines(source).Skip(1).Count(l => l.Trim().Length > 0);
        Assert.Equal(rows, import.GetProperty("rowCount").GetInt32());

        var csv = await viewer.GetAsync("/api/v1/monthly/khsm_monthly");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(rows + 1, lines.Length);
        Assert.StartsWith("breakdown,region,breakdown_value,year_month,", lines[0], StringComparison.Ordinal);

        var json = await viewer.GetFromJsonAsync<JsonElement>("/api/v1/monthly/khsm_monthly?format=json");
        Assert.Equal(rows, json.GetProperty("result").GetProperty("rows").GetArrayLength());
        Assert.Contains("quantity", json.GetProperty("result").GetProperty("columns").EnumerateArray().Select(c => c.GetString()));

        var earlier = NodaTime.Text.InstantPattern.ExtendedIso.Format(before);
        var empty = await viewer.GetFromJsonAsync<JsonElement>($"/api/v1/monthly?asKnownOn={Uri.EscapeDataString(earlier)}");
        Assert.Empty(empty.GetProperty("result").GetProperty("imports").EnumerateArray());
    }

    [Fact]
    public async Task DataPageMonthlyView_SumsTheLatestRevisionOfEveryCell_ToTheSourcesMonthlyFigure()
    {
        Assert.Empty(Threshold.Web.Dashboard.MonthlyView.AsKnownOn(factory.Record.Store, factory.Record.Clock.GetCurrentInstant()).Lines);
        var source = Path.Combine(ApiBehaviourTests.RepositoryRoot(), "data", "source", "usbp_khsm_monthly_region_fy2000_fy2025nov.csv");
        using var op = factory.ClientWithRole(ApiRole.Operator);
        Assert.Equal(HttpStatusCode.OK, (await op.PostAsync("/api/v1/monthly?layout=khsm&source=khsm.csv", new StringContent(await File.ReadAllTextAsync(source), Encoding.UTF8, "text/csv"))).StatusCode);

        var view = Threshold.Web.Dashboard.MonthlyView.AsKnownOn(factory.Record.Store, factory.Record.Clock.GetCurrentInstant());
        var southwest = view.Lines.Single(l => l.Name == "USBP, Southwest Land Border (OHSS KHSM)");
        var july2024 = File.ReadAllLines(source).Skip(1).Select(l => l.Split(',')).Single(f => f[2] == "Southwest Land Border" && f[4] == "2024" && f[5] == "7");
        Assert.Equal(long.Parse(july2024[3], System.Globalization.CultureInfo.InvariantCulture), southwest.Points.Single(p => p.Month == "2024-07").Total);
        Assert.Equal(southwest.Points.OrderBy(p => p.Month, StringComparer.Ordinal).Select(p => p.Month), southwest.Points.Select(p => p.Month));
        var (data, _) = Threshold.Web.Dashboard.Charts.Monthly(view);
        Assert.Equal(view.Lines.Count, data.Count);
    }

    [Theory]
    [InlineData("/api/v1/monthly/nope", "table")]
    [InlineData("/api/v1/monthly/khsm_monthly?format=xml", "format")]
    [InlineData("/api/v1/monthly?asKnownOn=yesterday", "asKnownOn")]
    public async Task Monthly_BadParameters_Are400NamingTheField(string url, string field)
    {
        using var viewer = factory.ClientWithRole(ApiRole.Viewer);
        var response = await viewer.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
    }
}
