using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Threshold.Record;
using Threshold.Web.Hosting;
using Threshold.Web.Tests.Security;

namespace Threshold.Web.Tests.Apis;

/// <summary>
/// The MODELED and SYNTHETIC labels through the API (issue 16, part 5): every bulk screening line says whether its
/// series is modeled (single policy, in-force, recorded), the returns report labels a modeled series and generated
/// cases, and a series imported without a <c># modeled</c> line gives no MODELED label anywhere.
/// </summary>
public sealed class ScreeningAndReturnsLabelApiTests : IDisposable
{
    private const string RealSeries = "real-daily";

    private readonly ThresholdFactory factory = new();
    private readonly HttpClient analyst;
    private readonly HttpClient op;

    public ScreeningAndReturnsLabelApiTests()
    {
        analyst = factory.ClientWithRole(ApiRole.Analyst);
        op = factory.ClientWithRole(ApiRole.Operator);
    }

    public void Dispose() => factory.Dispose();

    private static string Cases(string prefix) => string.Join('\n',
        $$"""{"id":"{{prefix}}-cu","enteredAt":"2024-07-15T10:00:00-04:00","place":"between-ports","citizenship":"CU"}""",
        $$"""{"id":"{{prefix}}-mx","enteredAt":"2024-07-15T10:00:00-04:00","place":"between-ports","citizenship":"MX"}""",
        $$"""{"id":"{{prefix}}-gt","enteredAt":"2024-07-16T10:00:00-04:00","place":"between-ports","citizenship":"GT","manifestsFear":true}""");

    private static StringContent Jsonl(string text) => new(text, Encoding.UTF8, "application/x-ndjson");

    /// <summary>Imports June and July 2024 as a series without a <c># modeled</c> line: a real count, as far as the tool knows.</summary>
    private async Task ImportRealSeries()
    {
        var csv = "# source: a daily count kept by hand for this test\ndate,between_ports,coastal,ports_of_entry,uc_noncontiguous_between_ports,uc_noncontiguous_ports\n"
            + string.Concat(Enumerable.Range(0, 61).Select(d => $"{new DateOnly(2024, 6, 1).AddDays(d):yyyy-MM-dd},1000,10,1500,100,20\n"));
        var response = await op.PostAsync($"/api/v1/series/{RealSeries}", RoleBoundaryTests.Csv(csv));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<List<JsonElement>> Lines(HttpResponseMessage response, int count = 3)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(count, lines.Count);
        return lines;
    }

    [Theory]
    [InlineData("inline")]
    [InlineData("shared")]
    public async Task Bulk_ModeledOrRealSeries_EveryLineSaysWhich(string trace)
    {
        await ImportRealSeries();
        var modeled = await Lines(await analyst.PostAsync($"/api/v1/screen/bulk?policy=proclamation-10773&trace={trace}", Jsonl(Cases("m"))));
        var real = await Lines(await analyst.PostAsync($"/api/v1/screen/bulk?policy=proclamation-10773&series={RealSeries}&trace={trace}", Jsonl(Cases("r"))));
        Assert.All(modeled, l => Assert.True(l.GetProperty("modeledEncounters").GetBoolean(), l.ToString()));
        Assert.All(real, l => Assert.False(l.GetProperty("modeledEncounters").GetBoolean(), l.ToString()));

        // The contract's fields are all still there beside the marker.
        foreach (var l in modeled.Concat(real))
        {
            foreach (var field in new[] { "id", "policy", "suspensionApplies", "exception", "exceptions", "asylumLimitationApplies", "exceptionallyCompelling", "fearReferral", "screeningStandard", "returnDestination", "overflow", "removal", "entry", "decidedOn" })
            {
                Assert.True(l.TryGetProperty(field, out _), $"'{field}' missing: {l}");
            }
        }
    }

    [Fact]
    public async Task Bulk_CsvBody_EveryLineSaysModeled()
    {
        var csv = "id,enteredAt,place,citizenship\nx1,2024-07-15T10:00:00-04:00,between-ports,CU\nx2,2024-07-15T11:00:00-04:00,port-of-entry,GT\n";
        var lines = await Lines(await analyst.PostAsync("/api/v1/screen/bulk?policy=proclamation-10773", RoleBoundaryTests.Csv(csv)), 2);
        Assert.All(lines, l => Assert.True(l.GetProperty("modeledEncounters").GetBoolean()));
    }

    [Fact]
    public async Task Bulk_Recorded_EveryLineSaysModeled_AndTheLedgerCountsSyntheticCases()
    {
        var cases = Cases("rec") + "\n" + """{"id":"synthetic-2024-07-000001","enteredAt":"2024-07-15T10:00:00-04:00","place":"between-ports","citizenship":"VE"}""";
        var lines = await Lines(await op.PostAsync("/api/v1/screen/bulk?policy=proclamation-10773&record=true", Jsonl(cases)), 4);
        Assert.All(lines, l => Assert.True(l.GetProperty("modeledEncounters").GetBoolean()));

        var ledger = await op.GetFromJsonAsync<JsonElement>("/api/v1/returns/ledger");
        Assert.Equal(3, ledger.GetProperty("events").GetInt32()); // the Guatemalan who manifested fear is not removed
        Assert.Equal(1, ledger.GetProperty("syntheticCases").GetInt64());
        Assert.Contains("MODELED", ledger.GetProperty("seriesNote").GetString(), StringComparison.Ordinal);
        Assert.True(ledger.GetProperty("modeledEncounters").GetBoolean(), ledger.ToString());
        Assert.Equal(3, ledger.GetProperty("modeledAllocations").GetInt64());
        Assert.Contains("MODELED", ledger.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        foreach (var field in new[] { "engineVersion", "ruleSetVersion", "asOf", "report" })
        {
            Assert.True(ledger.TryGetProperty(field, out _), $"'{field}' missing: {ledger}");
        }
    }

    [Fact]
    public async Task BulkInForce_ProposedTimeline_ModeledOrReal_EveryLineSaysWhich()
    {
        await ImportRealSeries();
        var modeled = await Lines(await analyst.PostAsync("/api/v1/screen/bulk?policy=in-force&timeline=proposed", Jsonl(Cases("m"))));
        var real = await Lines(await analyst.PostAsync($"/api/v1/screen/bulk?policy=in-force&timeline=proposed&series={RealSeries}", Jsonl(Cases("r"))));
        Assert.All(modeled, l => Assert.True(l.GetProperty("modeledEncounters").GetBoolean(), l.ToString()));
        Assert.All(real, l => Assert.False(l.GetProperty("modeledEncounters").GetBoolean(), l.ToString()));
    }

    [Fact]
    public async Task ReturnsReport_ModeledSeriesAndSyntheticCases_LabelsBoth_RealOnesNeither()
    {
        await ImportRealSeries();
        var generated = Cases("g") + "\n" + """{"id":"synthetic-2024-07-000001","enteredAt":"2024-07-15T10:00:00-04:00","place":"between-ports","citizenship":"VE"}""";
        var labelled = await (await analyst.PostAsync("/api/v1/returns/report?policy=proclamation-10773", Jsonl(generated))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["MODELED", "SYNTHETIC"], labelled.GetProperty("labels").EnumerateArray().Select(l => l.GetString()!));
        Assert.True(labelled.GetProperty("modeledEncounters").GetBoolean());
        Assert.Equal(1, labelled.GetProperty("syntheticCases").GetInt64());
        Assert.Equal(4, labelled.GetProperty("casesScreened").GetInt64());
        Assert.Equal(Threshold.Law.RuleSetVersion.Current, labelled.GetProperty("ruleSetVersion").GetString());

        var real = await (await analyst.PostAsync($"/api/v1/returns/report?policy=proclamation-10773&series={RealSeries}", Jsonl(Cases("r")))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Empty(real.GetProperty("labels").EnumerateArray());
        Assert.False(real.GetProperty("modeledEncounters").GetBoolean());
        Assert.DoesNotContain("MODELED", real.ToString(), StringComparison.Ordinal);
    }
}
