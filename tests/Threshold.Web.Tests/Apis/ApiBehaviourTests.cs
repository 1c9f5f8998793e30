using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NodaTime;
using NodaTime.Text;
using Threshold.Record;
using Threshold.Web.Hosting;
using Threshold.Web.Tests.Security;

namespace Threshold.Web.Tests.Apis;

/// <summary>The API answers as the CLI contracts do, stamps its provenance, and names the line or field of bad input.</summary>
public abstract class ApiBehaviourTests : IDisposable
{
    private const string Policy = "policy=proclamation-10773";

    private readonly ThresholdFactory factory;
    private readonly HttpClient analyst;
    private readonly HttpClient op;

    protected ApiBehaviourTests(Backend backend)
    {
        factory = new ThresholdFactory(backend);
        analyst = factory.ClientWithRole(ApiRole.Analyst);
        op = factory.ClientWithRole(ApiRole.Operator);
    }

    public void Dispose()
    {
        factory.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Health_AnswersReadyWithTheBundledSeries_AndEveryResponseCarriesVersions()
    {
        var response = await factory.CreateClient().GetAsync("/health");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("ready", body.GetProperty("status").GetString());
        // Every bundled series is imported: the earlier edition and the latest.
        var bundled = Directory.GetFiles(Path.Combine(RepositoryRoot(), "data", "modeled"), "daily_encounters_*.modeled.csv").Length;
        Assert.True(bundled >= 2, $"{bundled} bundled series");
        Assert.Equal(bundled, body.GetProperty("series").GetInt32());
        Assert.Equal(Threshold.Law.RuleSetVersion.Current, response.Headers.GetValues(Provenance.RuleSetVersionHeader).Single());
        Assert.Equal(Threshold.Law.RuleSetVersion.EngineVersion, response.Headers.GetValues(Provenance.EngineVersionHeader).Single());

        var error = await factory.CreateClient().GetAsync("/api/v1/timeline?policy=no-such-policy");
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal(Threshold.Law.RuleSetVersion.Current, error.Headers.GetValues(Provenance.RuleSetVersionHeader).Single());
    }

    [Fact]
    public async Task Timeline_OfTheBundledSeries_IsModeledAndActiveFromJune5()
    {
        var doc = await factory.CreateClient().GetFromJsonAsync<JsonElement>($"/api/v1/timeline?{Policy}");
        Assert.True(doc.GetProperty("series").GetProperty("modeled").GetBoolean());
        var days = doc.GetProperty("days").EnumerateArray().ToList();
        Assert.Equal("not-in-force", days.Single(d => d.GetProperty("date").GetString() == "2024-06-04").GetProperty("status").GetString());
        Assert.Equal("active", days.Single(d => d.GetProperty("date").GetString() == "2024-06-05").GetProperty("status").GetString());
        Assert.Equal("2024-06-05T00:01:00-04:00", doc.GetProperty("transitions")[0].GetProperty("effective").GetString());
    }

    [Fact]
    public async Task Timeline_OverrideThatChangesNothing_IsA400()
    {
        var response = await factory.CreateClient().GetAsync($"/api/v1/timeline?{Policy}&set=no.such.parameter=5");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("no.such.parameter", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UploadedTimeline_BadRow_NamesTheLine_AndLeaksNoServerPath()
    {
        var csv = "date,between_ports,coastal,ports_of_entry,uc_noncontiguous_between_ports,uc_noncontiguous_ports\n2024-06-01,100,1,1,0,0\n2024-06-02,lots,1,1,0,0\n";
        var response = await analyst.PostAsync($"/api/v1/timeline?{Policy}", RoleBoundaryTests.Csv(csv));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal(3, problem.GetProperty("line").GetInt64());
        Assert.DoesNotContain(factory.DataDirectory, text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_ADay_GivesTheWindowAndCitedSteps()
    {
        var doc = await factory.CreateClient().GetFromJsonAsync<JsonElement>($"/api/v1/explain?{Policy}&date=2024-12-20");
        Assert.Equal("2024-12-20", doc.GetProperty("date").GetString());
        Assert.Equal(7, doc.GetProperty("window").GetArrayLength());
        Assert.Contains(doc.GetProperty("steps").EnumerateArray(), s => s.GetProperty("citation").ValueKind == JsonValueKind.Object && s.GetProperty("citation").GetProperty("status").GetString() == "V");
        var missing = await factory.CreateClient().GetAsync($"/api/v1/explain?{Policy}");
        Assert.Equal("date", (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
    }

    [Fact]
    public async Task ScreenOne_BetweenPortsDuringSuspension_IsSubjectWithReasonableProbability()
    {
        var response = await analyst.PostAsync($"/api/v1/screen?{Policy}", RoleBoundaryTests.Json("""{"id":"c1","enteredAt":"2024-07-01T10:00:00-04:00","place":"between-ports","citizenship":"VE","manifestsFear":true}"""));
        var result = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result");
        Assert.True(result.GetProperty("suspensionApplies").GetBoolean());
        Assert.True(result.GetProperty("asylumLimitationApplies").GetBoolean());
        Assert.True(result.GetProperty("fearReferral").GetBoolean());
        Assert.Equal("reasonable-probability", result.GetProperty("screeningStandard").GetString());
        Assert.NotEmpty(result.GetProperty("trace").EnumerateArray());
    }

    [Fact]
    public async Task ScreenOne_UnknownField_IsA400NamingTheField()
    {
        var response = await analyst.PostAsync($"/api/v1/screen?{Policy}", RoleBoundaryTests.Json("""{"id":"c1","enteredAt":"2024-07-01T10:00:00-04:00","place":"between-ports","citizenship":"VE","colour":"blue"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("colour", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScreenMany_StreamsOneLinePerCaseInOrder_AndABadLineIsA400WithItsNumber()
    {
        var lines = string.Join('\n', Enumerable.Range(1, 50).Select(i => $$"""{"id":"c{{i}}","enteredAt":"2024-07-0{{1 + (i % 9)}}T10:00:00-04:00","place":"between-ports","citizenship":"CU"}"""));
        var response = await analyst.PostAsync($"/api/v1/screen/bulk?{Policy}", new StringContent(lines, Encoding.UTF8, "application/x-ndjson"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(50, results.Length);
        Assert.Equal("c50", JsonDocument.Parse(results[49]).RootElement.GetProperty("id").GetString());

        var bad = lines.Replace("\"c3\",\"enteredAt\":\"2024-07-04T10:00:00-04:00\"", "\"c3\",\"enteredAt\":\"yesterday\"", StringComparison.Ordinal);
        var refused = await analyst.PostAsync($"/api/v1/screen/bulk?{Policy}", new StringContent(bad, Encoding.UTF8, "application/x-ndjson"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(3, problem.GetProperty("line").GetInt64());
        Assert.Equal("enteredAt", problem.GetProperty("field").GetString());
    }

    [Fact]
    public async Task ScreenMany_TraceShared_NamesEachExplanationOnce_AndResolvesToTheInlineLines()
    {
        var lines = string.Join('\n', Enumerable.Range(1, 40).Select(i => $$"""{"id":"s{{i}}","enteredAt":"2024-07-0{{1 + (i % 9)}}T10:00:00-04:00","place":"between-ports","citizenship":"{{(i % 3 == 0 ? "MX" : "CU")}}"{{(i % 4 == 0 ? ",\"manifestsFear\":true" : "")}}}"""));
        async Task<string[]> Screen(string trace) =>
            (await (await analyst.PostAsync($"/api/v1/screen/bulk?{Policy}{trace}", new StringContent(lines, Encoding.UTF8, "application/x-ndjson"))).EnsureSuccessStatusCode()
                .Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var inline = await Screen(string.Empty);
        Assert.Equal(inline, await Screen("&trace=inline"));
        var shared = await Screen("&trace=shared");
        Assert.Equal(inline.Length, shared.Length);

        var explanations = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        for (var k = 0; k < shared.Length; k++)
        {
            var line = JsonNode.Parse(shared[k])!.AsObject();
            var id = line["explanationId"]!.GetValue<string>();
            if (line["explanation"] is JsonObject whole)
            {
                Assert.True(explanations.TryAdd(id, (JsonObject)whole.DeepClone()), $"explanation {id} is carried twice");
            }

            // Resolved in place of explanationId and explanation, the line is the inline line.
            var resolved = new JsonObject();
            foreach (var (name, value) in line)
            {
                if (name == "explanationId")
                {
                    foreach (var (member, part) in explanations[id])
                    {
                        resolved[member] = part?.DeepClone();
                    }
                }
                else if (name != "explanation")
                {
                    resolved[name] = value?.DeepClone();
                }
            }

            Assert.Equal(inline[k], resolved.ToJsonString(Threshold.Returns.CaseDecisionJson.Compact));
        }

        Assert.InRange(explanations.Count, 2, shared.Length - 1);
        var refused = await analyst.PostAsync($"/api/v1/screen/bulk?{Policy}&trace=short", new StringContent(lines, Encoding.UTF8, "application/x-ndjson"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("trace", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
    }

    [Fact]
    public async Task ScreenMany_Recorded_StoresDecisionsAndAllocations_OperatorOnly_AndARerunResumes()
    {
        var lines = string.Join('\n', Enumerable.Range(1, 30).Select(i => $$"""{"id":"rec{{i}}","enteredAt":"2024-07-02T10:00:00-04:00","place":"between-ports","citizenship":"{{(i % 2 == 0 ? "VE" : "MX")}}"}"""));
        HttpContent Body() => new StringContent(lines, Encoding.UTF8, "application/x-ndjson");
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.PostAsync($"/api/v1/screen/bulk?{Policy}&record=true", Body())).StatusCode);

        var first = await op.PostAsync($"/api/v1/screen/bulk?{Policy}&record=true", Body());
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(30, (await first.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        var ledger = await op.GetFromJsonAsync<JsonElement>("/api/v1/returns/ledger");
        Assert.Equal(30, ledger.GetProperty("events").GetInt32());

        var again = await op.PostAsync($"/api/v1/screen/bulk?{Policy}&record=true", Body());
        Assert.Empty((await again.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(30, (await op.GetFromJsonAsync<JsonElement>("/api/v1/returns/ledger")).GetProperty("events").GetInt32());
        Assert.True(factory.Record.Store.Verify().IsValid);
    }

    [Fact]
    public async Task MonthlyImport_RealKhsmFile_IsRecordedOnce_AndABadRowStoresNothingNamingItsLine()
    {
        var text = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "data", "source", "usbp_khsm_monthly_region_fy2000_fy2025nov.csv"));
        var first = await op.PostAsync("/api/v1/monthly?layout=khsm&source=usbp_khsm_monthly_region_fy2000_fy2025nov.csv", RoleBoundaryTests.Csv(text));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var result = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result");
        Assert.Equal("recorded", result.GetProperty("outcome").GetString());
        Assert.Equal(File.ReadAllLines(Path.Combine(RepositoryRoot(), "data", "source", "usbp_khsm_monthly_region_fy2000_fy2025nov.csv")).Length - 1, result.GetProperty("rows").GetInt32());
        var again = (await (await op.PostAsync("/api/v1/monthly?layout=khsm&source=again.csv", RoleBoundaryTests.Csv(text))).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result");
        Assert.Equal("unchanged", again.GetProperty("outcome").GetString());

        var lines = text.Split('\n');
        lines[2] = lines[2].Replace(",1250,", ",lots,", StringComparison.Ordinal);
        var bad = await op.PostAsync("/api/v1/monthly?layout=khsm&source=bad.csv", RoleBoundaryTests.Csv(string.Join('\n', lines)));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = await bad.Content.ReadAsStringAsync();
        Assert.Equal(3, JsonDocument.Parse(problem).RootElement.GetProperty("line").GetInt64());
        Assert.DoesNotContain(Path.GetTempPath(), problem, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.PostAsync("/api/v1/monthly?layout=khsm", RoleBoundaryTests.Csv(text))).StatusCode);
    }

    [Fact]
    public async Task Import_Revision_KeepsTheOldValues_AndAsKnownOnReadsThem()
    {
        var header = "date,between_ports,coastal,ports_of_entry,uc_noncontiguous_between_ports,uc_noncontiguous_ports\n";
        var rows = string.Concat(Enumerable.Range(0, 20).Select(i => $"2024-06-{i + 1:00},3000,0,0,0,0\n"));
        var first = await op.PostAsync("/api/v1/series/test-series", RoleBoundaryTests.Csv(header + rows));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var firstAt = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result").GetProperty("recordedAt").GetString()!;
        var again = await (await op.PostAsync("/api/v1/series/test-series", RoleBoundaryTests.Csv(header + rows))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("unchanged", again.GetProperty("result").GetProperty("outcome").GetString());

        await Task.Delay(5);
        var revised = await (await op.PostAsync("/api/v1/series/test-series", RoleBoundaryTests.Csv(header + rows.Replace("2024-06-10,3000", "2024-06-10,100", StringComparison.Ordinal)))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, revised.GetProperty("result").GetProperty("revisedDays").GetInt32());

        var viewer = factory.ClientWithRole(ApiRole.Viewer);
        int? Counted(JsonElement doc) => doc.GetProperty("days").EnumerateArray().Single(d => d.GetProperty("date").GetString() == "2024-06-10").GetProperty("counted").GetInt32();
        var now = await viewer.GetFromJsonAsync<JsonElement>($"/api/v1/timeline?{Policy}&series=test-series");
        var then = await viewer.GetFromJsonAsync<JsonElement>($"/api/v1/timeline?{Policy}&series=test-series&asKnownOn={Uri.EscapeDataString(firstAt)}");
        Assert.Equal(100, Counted(now));
        Assert.Equal(3000, Counted(then));

        var series = await viewer.GetFromJsonAsync<JsonElement>("/api/v1/series");
        Assert.Equal(2, series.GetProperty("result").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "test-series").GetProperty("imports").GetArrayLength());
    }

    [Fact]
    public async Task Determinations_RecordedAndDiffed_AndTheChainVerifiesAndExports()
    {
        var bad = await op.PostAsJsonAsync("/api/v1/determinations", new { date = "2024-12-20", kind = "deactivation", windowStart = "2024-12-19", windowEnd = "2024-12-13", by = "x" });
        Assert.Equal("windowEnd", (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());

        var recorded = await op.PostAsJsonAsync("/api/v1/determinations", new { date = "2024-06-20", kind = "deactivation", windowStart = "2024-06-12", windowEnd = "2024-06-18", by = "test operator", note = "unsupported on purpose" });
        Assert.Equal(HttpStatusCode.Created, recorded.StatusCode);
        var diff = await op.GetFromJsonAsync<JsonElement>($"/api/v1/determinations/diff?{Policy}");
        Assert.Contains(diff.GetProperty("result").GetProperty("rows").EnumerateArray(), r => r.GetProperty("date").GetString() == "2024-06-20" && r.GetProperty("status").GetString() == "recorded-not-supported");

        var verify = await op.GetFromJsonAsync<JsonElement>("/api/v1/audit/verify");
        Assert.True(verify.GetProperty("result").GetProperty("valid").GetBoolean());
        var export = (await op.GetStringAsync("/api/v1/audit/export")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var head = JsonDocument.Parse(export[^1]).RootElement;
        Assert.Equal("chain-head", head.GetProperty("type").GetString());
        Assert.Equal(verify.GetProperty("result").GetProperty("headHash").GetString(), head.GetProperty("headHash").GetString());
        Assert.Contains(export, l => l.Contains("\"kind\":\"determination\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReturnsReport_CountsCappedReturnsByMonth()
    {
        var cases = string.Join('\n', Enumerable.Range(1, 5).Select(i => $$"""{"id":"r{{i}}","enteredAt":"2024-07-02T10:00:00-04:00","place":"between-ports","citizenship":"VE"}"""));
        var doc = await (await analyst.PostAsync($"/api/v1/returns/report?{Policy}", new StringContent(cases, Encoding.UTF8, "application/x-ndjson"))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(5, doc.GetProperty("casesScreened").GetInt64());
        var july = doc.GetProperty("report").GetProperty("arrangements").EnumerateArray().Single(a => a.GetProperty("month").GetString() == "2024-07" && a.GetProperty("cap").ValueKind == JsonValueKind.Number);
        Assert.Equal(5, july.GetProperty("allocatedToMexico").GetInt64());
        Assert.Equal(29_995, july.GetProperty("remainingCapacity").GetInt64());
    }

    [Fact]
    public async Task Policies_ListEveryParameterWithCitationAndMark()
    {
        var doc = await factory.CreateClient().GetFromJsonAsync<JsonElement>("/api/v1/policies/proclamation-10773");
        var parameter = doc.GetProperty("policies")[0].GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "activate.threshold");
        Assert.Equal("2500", parameter.GetProperty("values")[0].GetProperty("value").GetString());
        Assert.Equal("V", parameter.GetProperty("values")[0].GetProperty("citation").GetProperty("status").GetString());
        var missing = await factory.CreateClient().GetAsync("/api/v1/policies/nope");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        var problem = await missing.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("No such policy", problem.GetProperty("title").GetString());
        Assert.Contains("proclamation-10888", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var badDay = await factory.CreateClient().GetAsync("/api/v1/policies?on=someday");
        Assert.Equal(HttpStatusCode.BadRequest, badDay.StatusCode);
        Assert.Equal("application/problem+json", badDay.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task OpenApi_DocumentIsServed_AndTheCommittedCopyListsTheSamePaths()
    {
        var served = await factory.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var committedPath = Path.Combine(RepositoryRoot(), "src", "Threshold.Web", "openapi", "Threshold.Web.json");
        var committed = JsonDocument.Parse(File.ReadAllText(committedPath)).RootElement;
        var servedPaths = served.GetProperty("paths").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Contains("/api/v1/screen/bulk", servedPaths);
        Assert.Equal(servedPaths, committed.GetProperty("paths").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList());
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Threshold.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Threshold.sln not found above the test folder");
    }

    internal static string Iso(Instant instant) => InstantPattern.ExtendedIso.Format(instant);
}

public sealed class ApiBehaviourTestsOnSqlite() : ApiBehaviourTests(Backend.Sqlite);

public sealed class ApiBehaviourTestsOnPostgres() : ApiBehaviourTests(Backend.Postgres);
