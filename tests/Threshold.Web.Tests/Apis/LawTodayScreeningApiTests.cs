using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Threshold.Record;
using Threshold.Web.Hosting;
using Threshold.Web.Tests.Security;

namespace Threshold.Web.Tests.Apis;

/// <summary>
/// The law as it stands today through the API: policy=in-force, Proclamation 10888 without a series, decidedOn=today
/// read from the injected clock, later orders, and bad query parameters named in the API's words.
/// </summary>
public sealed class LawTodayScreeningApiTests : IDisposable
{
    /// <summary>The server's "now": 2026-12-15 07:00 Eastern (12:00 UTC).</summary>
    private static readonly Instant Now = Instant.FromUtc(2026, 12, 15, 12, 0);

    private const string March2025 = """{"id":"client-0310","enteredAt":"2025-03-10T14:00:00-04:00","place":"between-ports","citizenship":"VE","manifestsFear":true}""";

    private const string July2024 = """{"id":"client-0701","enteredAt":"2024-07-01T10:00:00-04:00","place":"between-ports","citizenship":"VE","manifestsFear":true}""";

    private readonly ThresholdFactory factory = new() { Log = new CapturedLog() };
    private readonly WebApplicationFactory<Program> server;
    private readonly HttpClient analyst;

    public LawTodayScreeningApiTests()
    {
        server = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IClock>(new FixedClock(Now))));
        var key = server.Services.GetRequiredService<RecordHolder>().Keys.Create("law-today analyst", ApiRole.Analyst, "tests");
        analyst = server.CreateClient();
        analyst.DefaultRequestHeaders.Add("X-Api-Key", key.Secret);
    }

    public void Dispose()
    {
        analyst.Dispose();
        server.Dispose();
        factory.Dispose();
    }

    [Fact]
    public async Task InForce_March2025BetweenPorts_10888Answers_SummaryNames10888ForRepatriation()
    {
        var doc = await Ok(await analyst.PostAsync("/api/v1/screen?policy=in-force", RoleBoundaryTests.Json(March2025)));
        Assert.Equal("in-force", doc.GetProperty("policy").GetString());
        Assert.Equal("client-0310", doc.GetProperty("id").GetString());
        Assert.Equal(Threshold.Law.RuleSetVersion.Current, doc.GetProperty("ruleSetVersion").GetString());
        Assert.False(doc.GetProperty("modeledEncounters").GetBoolean()); // only 10888 answered, without counts
        var answered = doc.GetProperty("instruments").EnumerateArray().ToList();
        var p10888 = Assert.Single(answered, i => i.GetProperty("policy").GetString() == "proclamation-10888");
        Assert.True(p10888.GetProperty("suspensionApplies").GetBoolean());
        Assert.Equal("repatriation", p10888.GetProperty("removal").GetProperty("path").GetString());

        // On the official timeline (the default for in-force) 10773 needs no counts: no §2 determination was ever made [U],
        // so it still applies; both instruments answer.
        var p10773 = Assert.Single(answered, i => i.GetProperty("policy").GetString() == "proclamation-10773");
        Assert.True(p10773.GetProperty("suspensionApplies").GetBoolean());
        Assert.Empty(doc.GetProperty("unanswered").EnumerateArray());
        var summary = doc.GetProperty("summary");
        Assert.True(summary.GetProperty("complete").GetBoolean());

        // On the proposed timeline 10773 reads the stored series, which ends on 2025-01-19: it cannot answer and says why.
        var proposed = await Ok(await analyst.PostAsync("/api/v1/screen?policy=in-force&timeline=proposed", RoleBoundaryTests.Json(March2025)));
        Assert.Equal("proclamation-10773", proposed.GetProperty("unanswered")[0].GetProperty("policy").GetString());
        Assert.False(proposed.GetProperty("summary").GetProperty("complete").GetBoolean());
        Assert.Equal("repatriation", summary.GetProperty("removal").GetProperty("path").GetString());
        Assert.Equal(["proclamation-10888"], summary.GetProperty("removal").GetProperty("by").EnumerateArray().Select(b => b.GetString()!));
        Assert.Contains("proclamation-10888", summary.GetProperty("withholdingCat").GetProperty("by").EnumerateArray().Select(b => b.GetString()));
        Assert.Contains("[U]", summary.GetProperty("note").GetString(), StringComparison.Ordinal);
        Assert.Contains(summary.GetProperty("laterOrders").EnumerateArray(), l => l.GetProperty("id").GetString() == "raices-2025-partial-stay" && l.GetProperty("instrument").GetString() == "proclamation-10888");
    }

    [Fact]
    public async Task Proclamation10888_WithoutASeries_ScreensA2025EntryOverItsDaysWithoutCounts()
    {
        var doc = await Ok(await analyst.PostAsync("/api/v1/screen?policy=proclamation-10888", RoleBoundaryTests.Json(March2025)));
        Assert.False(doc.GetProperty("modeledEncounters").GetBoolean());
        var result = doc.GetProperty("result");
        Assert.True(result.GetProperty("suspensionApplies").GetBoolean());
        Assert.True(result.GetProperty("withholdingCatBarred").GetBoolean());
        Assert.Equal("2025-03-10", result.GetProperty("decidedOn").GetString());
        Assert.Equal("in-force", result.GetProperty("standing").GetProperty("atEntry").GetProperty("state").GetString());
        Assert.Contains(result.GetProperty("laterOrders").EnumerateArray(), l => l.GetProperty("id").GetString() == "raices-2025-partial-stay" && l.GetProperty("status").GetString() == "S");

        // Naming the stored series replays it instead: it ends before the entry.
        var named = await analyst.PostAsync("/api/v1/screen?policy=proclamation-10888&series=" + Uri.EscapeDataString(server.Services.GetRequiredService<RecordHolder>().Store.Encounters.FirstSeriesName()!), RoleBoundaryTests.Json(March2025));
        Assert.Equal("enteredAt", (await Problem(named)).GetProperty("field").GetString());
    }

    [Fact]
    public async Task DecidedOnToday_ReadsTheInjectedClockInEasternTime_AndTheLaterOrderIsGone()
    {
        var onEntry = (await Ok(await analyst.PostAsync("/api/v1/screen?policy=proclamation-10773", RoleBoundaryTests.Json(July2024)))).GetProperty("result");
        Assert.True(onEntry.GetProperty("asylumLimitationApplies").GetBoolean());
        var vacatur = Assert.Single(onEntry.GetProperty("laterOrders").EnumerateArray(), l => l.GetProperty("id").GetString() == "las-americas-2025-vacatur");
        Assert.Equal("2025-05-09", vacatur.GetProperty("date").GetString());
        Assert.Contains("asylumLimitationApplies", vacatur.GetProperty("fields").EnumerateArray().Select(f => f.GetString()));

        var today = (await Ok(await analyst.PostAsync("/api/v1/screen?policy=proclamation-10773&decidedOn=today", RoleBoundaryTests.Json(July2024)))).GetProperty("result");
        Assert.Equal("2026-12-15", today.GetProperty("decidedOn").GetString());
        Assert.False(today.GetProperty("asylumLimitationApplies").GetBoolean());
        Assert.Empty(today.GetProperty("laterOrders").EnumerateArray());
        Assert.Equal("2026-12-15", today.GetProperty("standing").GetProperty("onDecision").GetProperty("date").GetString());

        var inForce = await Ok(await analyst.PostAsync("/api/v1/screen?policy=in-force&decidedOn=today", RoleBoundaryTests.Json(March2025)));
        Assert.Equal("2026-12-15", inForce.GetProperty("instruments")[0].GetProperty("decidedOn").GetString());
        Assert.Empty(inForce.GetProperty("summary").GetProperty("laterOrders").EnumerateArray());
    }

    [Fact]
    public async Task DecidedOnToday_JustAfterMidnightUtc_IsStillYesterdayInEastern()
    {
        using var late = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IClock>(new FixedClock(Instant.FromUtc(2026, 12, 16, 3, 0)))));
        var key = late.Services.GetRequiredService<RecordHolder>().Keys.Create("late analyst", ApiRole.Analyst, "tests");
        using var client = late.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key.Secret);
        var result = (await Ok(await client.PostAsync("/api/v1/screen?policy=proclamation-10888&decidedOn=today", RoleBoundaryTests.Json(March2025)))).GetProperty("result");
        Assert.Equal("2026-12-15", result.GetProperty("decidedOn").GetString());
    }

    [Theory]
    [InlineData("/api/v1/screen?policy=in-force&withoutOrder=raices-2099", "withoutOrder", "raices-2099")]
    [InlineData("/api/v1/screen?policy=proclamation-10888&withoutOrder=raices-2099", "withoutOrder", "raices-2099")]
    [InlineData("/api/v1/screen?policy=in-force&decidedOn=yesterday", "decidedOn", "yesterday")]
    [InlineData("/api/v1/screen?policy=proclamation-10773&decidedOn=2025-13-01", "decidedOn", "2025-13-01")]
    [InlineData("/api/v1/screen?policy=in-force&set=deactivate.threshold%3D2000", "set", "policy=in-force")]
    [InlineData("/api/v1/screen?policy=in-force&courtOrder=streak-enjoined%3D2024-11-01", "courtOrder", "policy=in-force")]
    [InlineData("/api/v1/screen?policy=in-force&inForce=2024-01-01", "inForce", "policy=in-force")]
    [InlineData("/api/v1/screen?policy=in-force&determination=2025-06-01%3Dinactive", "determination", "policy=in-force")]
    [InlineData("/api/v1/screen?policy=in-force&determinationLag=2", "determinationLag", "policy=in-force")]
    [InlineData("/api/v1/screen/bulk?policy=in-force&record=true", "record", "policy=in-force")]
    [InlineData("/api/v1/screen/bulk?policy=in-force&trace=shared", "trace", "policy=in-force")]
    [InlineData("/api/v1/screen/bulk?policy=in-force&withoutOrder=raices-2099", "withoutOrder", "raices-2099")]
    public async Task BadQueryParameter_IsA400ProblemNamingIt_InTheApisWords(string url, string field, string mentioned)
    {
        var body = url.Contains("/bulk", StringComparison.Ordinal) ? new StringContent(March2025, Encoding.UTF8, "application/x-ndjson") : RoleBoundaryTests.Json(March2025);
        var problem = await Problem(await analyst.PostAsync(url, body));
        Assert.Equal(field, problem.GetProperty("field").GetString());
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains(mentioned, detail, StringComparison.Ordinal);
        Assert.DoesNotContain("--", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutOrder_OneEvent_WhatIfTheStayHadNotBeenGranted()
    {
        var with = (await Ok(await analyst.PostAsync("/api/v1/screen?policy=proclamation-10888&decidedOn=2026-12-06", RoleBoundaryTests.Json(March2025)))).GetProperty("result");
        var without = (await Ok(await analyst.PostAsync("/api/v1/screen?policy=proclamation-10888&decidedOn=2026-12-06&withoutOrder=raices-2025-partial-stay", RoleBoundaryTests.Json(March2025)))).GetProperty("result");
        Assert.True(with.GetProperty("asylumLimitationApplies").GetBoolean());
        Assert.False(without.GetProperty("asylumLimitationApplies").GetBoolean());
    }

    [Fact]
    public async Task BulkInForce_OneCompactAnswerALine_AsTheSingleAnswer_AndABadLineIsA400BeforeAnyOutput()
    {
        var cases = string.Join('\n', March2025, July2024, March2025.Replace("client-0310", "client-0311", StringComparison.Ordinal).Replace("\"VE\"", "\"CU\"", StringComparison.Ordinal));
        var response = await analyst.PostAsync("/api/v1/screen/bulk?policy=in-force", new StringContent(cases, Encoding.UTF8, "application/x-ndjson"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.All(lines, l => Assert.DoesNotContain("\n  ", l, StringComparison.Ordinal));
        var docs = lines.Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(["client-0310", "client-0701", "client-0311"], docs.Select(d => d.GetProperty("id").GetString()!));
        Assert.All(docs, d => Assert.Equal("in-force", d.GetProperty("policy").GetString()));

        // The July 2024 entry is under 10773 alone, which answers on its official timeline, reading no counts.
        Assert.Equal(["proclamation-10773"], docs[1].GetProperty("instruments").EnumerateArray().Select(i => i.GetProperty("policy").GetString()!));
        Assert.False(docs[1].GetProperty("modeledEncounters").GetBoolean());
        Assert.True(docs[1].GetProperty("summary").GetProperty("complete").GetBoolean());

        // One removal a person: the summary's destination, allocated once, is the one every instrument's removal shows.
        var cuban = docs[2];
        Assert.Equal("repatriation", cuban.GetProperty("summary").GetProperty("removal").GetProperty("path").GetString());
        Assert.NotNull(cuban.GetProperty("summary").GetProperty("removal").GetProperty("returnDestination").GetString());

        // A line is the single answer for the same case, compact.
        var single = await Ok(await analyst.PostAsync("/api/v1/screen?policy=in-force", RoleBoundaryTests.Json(March2025)));
        Assert.Equal(JsonSerializer.Serialize(single), JsonSerializer.Serialize(docs[0]));

        var bad = string.Join('\n', March2025, """{"id":"x","enteredAt":"yesterday","place":"between-ports","citizenship":"VE"}""");
        var problem = await Problem(await analyst.PostAsync("/api/v1/screen/bulk?policy=in-force", new StringContent(bad, Encoding.UTF8, "application/x-ndjson")));
        Assert.Equal(2, problem.GetProperty("line").GetInt64());
        Assert.Equal("enteredAt", problem.GetProperty("field").GetString());
    }

    [Fact]
    public async Task BulkInForce_AcceptsCsv()
    {
        const string csv = "id,enteredAt,place,citizenship\nclient-0310,2025-03-10T14:00:00-04:00,between-ports,VE\n";
        var response = await analyst.PostAsync("/api/v1/screen/bulk?policy=in-force", RoleBoundaryTests.Csv(csv));
        Assert.True(response.StatusCode == HttpStatusCode.OK, factory.Log!.Text);
        var line = Assert.Single((await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(JsonDocument.Parse(line).RootElement.GetProperty("instruments").EnumerateArray(), i => i.GetProperty("policy").GetString() == "proclamation-10888");
    }

    private static async Task<JsonElement> Ok(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    private static async Task<JsonElement> Problem(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private sealed class FixedClock(Instant now) : IClock
    {
        public Instant GetCurrentInstant() => now;
    }
}
