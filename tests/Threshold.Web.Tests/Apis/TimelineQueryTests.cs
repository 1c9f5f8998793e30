using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Threshold.Record;
using Threshold.Web.Tests.Security;

namespace Threshold.Web.Tests.Apis;

/// <summary>
/// <c>timeline=official|proposed</c> on the timeline and explain endpoints, and the determinations diff out of the box:
/// on a series past January 2025 with low counts, 10773's official timeline stays active while the proposed one lifts.
/// </summary>
public sealed class TimelineQueryTests : IDisposable
{
    private const string Policy = "policy=proclamation-10773";
    private readonly ThresholdFactory factory = new();
    private readonly HttpClient op;
    private readonly string pastJanuary2025;

    public TimelineQueryTests()
    {
        op = factory.ClientWithRole(ApiRole.Operator);
        // 3,000 a day between ports to 2024-12-15, then 500: the 28-day streak of 10817 is met on 2025-01-16.
        var start = new DateOnly(2024, 5, 1);
        var rows = Enumerable.Range(0, new DateOnly(2025, 3, 31).DayNumber - start.DayNumber + 1).Select(start.AddDays)
            .Select(d => string.Create(CultureInfo.InvariantCulture, $"{d:yyyy-MM-dd},{(d <= new DateOnly(2024, 12, 15) ? 3000 : 500)},0,0,0,0"));
        pastJanuary2025 = "date,between_ports,coastal,ports_of_entry,uc_noncontiguous_between_ports,uc_noncontiguous_ports\n" + string.Join('\n', rows) + "\n";
    }

    public void Dispose()
    {
        factory.Dispose();
        GC.SuppressFinalize(this);
    }

    private static string StatusOn(JsonElement doc, string date) =>
        doc.GetProperty("days").EnumerateArray().Single(d => d.GetProperty("date").GetString() == date).GetProperty("status").GetString()!;

    private async Task<JsonElement> Upload(string query)
    {
        var response = await op.PostAsync($"/api/v1/timeline?{Policy}{query}", RoleBoundaryTests.Csv(pastJanuary2025));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task UploadedTimeline_Official_StaysActivePastFebruary2025_WhileProposedLifts()
    {
        var official = await Upload("&timeline=official");
        Assert.Equal("official", official.GetProperty("timeline").GetString());
        Assert.Equal("active", StatusOn(official, "2025-02-15"));
        Assert.Equal("law/determinations/proclamation-10773.yaml", official.GetProperty("official").GetProperty("source").GetString());

        var proposed = await Upload(string.Empty);
        Assert.Equal("proposed", proposed.GetProperty("timeline").GetString());
        Assert.Contains("not determinations that were made", proposed.GetProperty("timelineNote").GetString(), StringComparison.Ordinal);
        Assert.Equal("inactive", StatusOn(proposed, "2025-02-15"));
    }

    [Fact]
    public async Task StoredTimelineAndExplain_SayWhichTimeline()
    {
        var client = factory.CreateClient();
        var official = await client.GetFromJsonAsync<JsonElement>($"/api/v1/timeline?{Policy}&timeline=official");
        Assert.Equal("official", official.GetProperty("timeline").GetString());
        var proposed = await client.GetFromJsonAsync<JsonElement>($"/api/v1/timeline?{Policy}&timeline=proposed");
        Assert.Equal("proposed", proposed.GetProperty("timeline").GetString());

        var explainOfficial = await client.GetFromJsonAsync<JsonElement>($"/api/v1/explain?{Policy}&date=2024-10-02&timeline=official");
        Assert.StartsWith("OFFICIAL timeline:", explainOfficial.GetProperty("steps")[0].GetProperty("statement").GetString(), StringComparison.Ordinal);
        var explainProposed = await client.GetFromJsonAsync<JsonElement>($"/api/v1/explain?{Policy}&date=2024-10-02");
        var steps = explainProposed.GetProperty("steps").EnumerateArray().ToList();
        Assert.StartsWith("PROPOSED timeline:", steps[0].GetProperty("statement").GetString(), StringComparison.Ordinal);
        Assert.Contains(steps, s => s.GetProperty("citation") is { ValueKind: JsonValueKind.Object } c && c.GetProperty("source").GetString() is { } source
            && source.StartsWith("LEGAL-REVIEW-2026-12 C4", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/api/v1/timeline?policy=proclamation-10773&timeline=sideways", "must be official or proposed")]
    [InlineData("/api/v1/explain?policy=proclamation-10773&date=2024-10-02&timeline=Official", "must be official or proposed")]
    [InlineData("/api/v1/determinations/diff?policy=proclamation-10773&timeline=official", "compares the official and the proposed timelines")]
    public async Task Timeline_BadOrMisplaced_IsA400NamingTheParameter(string url, string detail)
    {
        var response = await op.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("timeline", problem.GetProperty("field").GetString());
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeterminationsDiff_OutOfTheBox_ThenWithARecordedDetermination_TheOfficialTimelineFollowsIt()
    {
        Assert.Equal(HttpStatusCode.OK, (await op.PostAsync("/api/v1/series/past-january-2025", RoleBoundaryTests.Csv(pastJanuary2025))).StatusCode);
        var query = $"{Policy}&series=past-january-2025";
        var diff = (await op.GetFromJsonAsync<JsonElement>($"/api/v1/determinations/diff?{query}")).GetProperty("result");
        var row = diff.GetProperty("rows").EnumerateArray().Single();
        Assert.Equal(("proposed-not-recorded", "2025-01-17"), (row.GetProperty("status").GetString(), row.GetProperty("date").GetString()));
        var part = diff.GetProperty("statusDifferences").EnumerateArray().Single();
        Assert.Equal(("2025-01-31", "active", "inactive"), (part.GetProperty("from").GetString(), part.GetProperty("official").GetString(), part.GetProperty("proposed").GetString()));
        Assert.Equal("U", diff.GetProperty("official").GetProperty("noneFound").GetProperty("citation").GetProperty("status").GetString());

        // Warm the official timeline's cache, then record the same determination as official: the cache must not hide it.
        Assert.Equal("active", StatusOn(await op.GetFromJsonAsync<JsonElement>($"/api/v1/timeline?{query}&timeline=official"), "2025-02-15"));
        var recorded = await op.PostAsJsonAsync("/api/v1/determinations", new { date = "2025-01-17", kind = "deactivation", windowStart = "2025-01-10", windowEnd = "2025-01-16", by = "test operator" });
        Assert.Equal(HttpStatusCode.Created, recorded.StatusCode);
        var official = await op.GetFromJsonAsync<JsonElement>($"/api/v1/timeline?{query}&timeline=official");
        Assert.Equal(("active", "inactive"), (StatusOn(official, "2025-01-30"), StatusOn(official, "2025-01-31")));
        Assert.Equal("official", official.GetProperty("determinations")[0].GetProperty("trigger").GetString());

        var agreed = (await op.GetFromJsonAsync<JsonElement>($"/api/v1/determinations/diff?{query}")).GetProperty("result");
        Assert.Equal("agree", agreed.GetProperty("rows").EnumerateArray().Single().GetProperty("status").GetString());
        Assert.Empty(agreed.GetProperty("statusDifferences").EnumerateArray());
    }
}
