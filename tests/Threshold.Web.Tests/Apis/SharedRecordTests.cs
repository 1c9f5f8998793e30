using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Threshold.Record;
using Microsoft.Extensions.DependencyInjection;

namespace Threshold.Web.Tests.Apis;

/// <summary>
/// Two server instances over one record, recording screenings at the same time: the monthly cap of a return
/// arrangement holds exactly and no allocation is lost (issue 4, "two server instances"; on PostgreSQL the shared
/// deployment, on SQLite two servers over one data folder).
/// </summary>
public abstract class SharedRecordTests(Backend backend) : IDisposable
{
    private const int PerServer = 150;
    private const int Cap = 40;
    private readonly string caps = Path.Combine(Path.GetTempPath(), $"threshold-caps-{Guid.NewGuid():N}.yaml");

    public void Dispose()
    {
        File.Delete(caps);
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task TwoServers_RecordingAtOnce_CapHoldsExactly_AndNothingIsLost()
    {
        await WriteCapsAsync(caps, Cap);
        (string, string?) arrangements = ("Threshold:ArrangementFiles:0", caps);
        using var first = new ThresholdFactory(backend, arrangements);
        using var second = ThresholdFactory.SharingRecordOf(first, arrangements);
        var clients = new[] { first.ClientWithRole(ApiRole.Operator), second.ClientWithRole(ApiRole.Operator) };

        static string Cases(string prefix) => string.Join('\n', Enumerable.Range(0, PerServer).Select(i =>
            $$"""{"id":"{{prefix}}{{i}}","enteredAt":"2024-07-{{1 + (i % 28):00}}T12:00:00-04:00","place":"between-ports","citizenship":"EC"}"""));
        var responses = await Task.WhenAll(clients.Select((client, n) =>
            client.PostAsync("/api/v1/screen/bulk?policy=proclamation-10773&record=true", new StringContent(Cases($"server{n}-"), Encoding.UTF8, "application/x-ndjson"))));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        var results = new List<JsonElement>();
        foreach (var response in responses)
        {
            results.AddRange((await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()));
        }

        Assert.Equal(2 * PerServer, results.Count);
        Assert.Equal(Cap, results.Count(r => r.GetProperty("returnDestination").GetString() == "MX"));
        Assert.Equal((2 * PerServer) - Cap, results.Count(r => r.GetProperty("overflow").GetBoolean()));

        // Either server reads the same ledger from the record.
        foreach (var client in clients)
        {
            var ledger = await client.GetFromJsonAsync<JsonElement>("/api/v1/returns/ledger");
            Assert.Equal(2 * PerServer, ledger.GetProperty("events").GetInt32());
            var line = ledger.GetProperty("report").GetProperty("arrangements").EnumerateArray().Single(a => a.GetProperty("arrangementId").GetString() == $"what-if-ecuador-{Cap}");
            Assert.Equal(Cap, line.GetProperty("allocatedToMexico").GetInt64());
        }

        Assert.True(first.Record.Store.Verify().IsValid);
    }

    /// <summary>
    /// Issue 15's drill: two servers over one record with different arrangement files once sent 100 people to Mexico
    /// against a cap of 40. Now the second is refused (409, both digests named) before it answers, and nothing is stored.
    /// </summary>
    [Fact]
    public async Task TwoServers_WithDifferentArrangements_TheSecondIsRefusedNamingBothDigests()
    {
        await WriteCapsAsync(caps, Cap);
        using var first = new ThresholdFactory(backend, ("Threshold:ArrangementFiles:0", caps));
        var otherCaps = caps + ".other.yaml";
        await WriteCapsAsync(otherCaps, 100); // the same arrangement with another cap
        using var second = ThresholdFactory.SharingRecordOf(first, ("Threshold:ArrangementFiles:0", otherCaps)); // the same file with another cap
        static StringContent Cases(string prefix) => new(string.Join('\n', Enumerable.Range(0, 50).Select(i =>
            $$"""{"id":"{{prefix}}{{i}}","enteredAt":"2024-07-{{1 + (i % 28):00}}T12:00:00-04:00","place":"between-ports","citizenship":"EC"}""")), Encoding.UTF8, "application/x-ndjson");
        int Events() => new LedgerRecord(first.Record.Store, Threshold.Returns.ArrangementSet.BuiltIn, NodaTime.SystemClock.Instance).Events().Count;

        var recorded = await first.ClientWithRole(ApiRole.Operator).PostAsync("/api/v1/screen/bulk?policy=proclamation-10773&record=true", Cases("first-"));
        Assert.Equal(HttpStatusCode.OK, recorded.StatusCode);
        await recorded.Content.ReadAsStringAsync();
        var before = Events();
        Assert.True(before > 0);

        var refused = await second.ClientWithRole(ApiRole.Operator).PostAsync("/api/v1/screen/bulk?policy=proclamation-10773&record=true", Cases("second-"));
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        var recordedSet = problem.GetProperty("recordedArrangementsSha256").GetString()!;
        var serverSet = problem.GetProperty("serverArrangementsSha256").GetString()!;
        Assert.NotEqual(recordedSet, serverSet);
        Assert.Equal(second.Services.GetRequiredService<Threshold.Web.Apis.ScreeningService>().Arrangements.AllocationSha256, serverSet);
        Assert.Equal(first.Services.GetRequiredService<Threshold.Web.Apis.ScreeningService>().Arrangements.AllocationSha256, recordedSet);
        File.Delete(otherCaps);
        Assert.Contains(recordedSet, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, Events());
        Assert.True(first.Record.Store.Verify().IsValid);
    }

    /// <summary>An arrangement file of one hypothetical capped arrangement for Ecuadorians (the id keeps the test's cap).</summary>
    private static Task WriteCapsAsync(string path, int cap) => File.WriteAllTextAsync(path, $"""
        id: two-server-caps
        title: A small cap for the two-server test
        arrangements:
          - id: what-if-ecuador-{Cap}
            title: Mexico accepts {cap} Ecuadorians a month
            from: 2024-01-01
            nationalities: [EC]
            monthly_cap: {cap}
            citation: {"{"} instrument: What-if, status: U {"}"}
            note: A hypothetical for the test.
        """);
}

public sealed class SharedRecordTestsOnSqlite() : SharedRecordTests(Backend.Sqlite);

public sealed class SharedRecordTestsOnPostgres() : SharedRecordTests(Backend.Postgres);
