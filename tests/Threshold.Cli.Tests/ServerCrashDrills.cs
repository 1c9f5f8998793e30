using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Threshold.Cli.Tests;

/// <summary>
/// Fault drills (issue 7): <c>./threshold serve</c> killed with SIGKILL while a write transaction is open — a recorded
/// bulk screening with its ledger allocations against a cap that binds, and a monthly import. After a restart nothing
/// committed is lost, nothing half-written is visible, the chain verifies, the cap holds, and a rerun completes to
/// exactly the record one uninterrupted run makes. The screening drill runs on both backends, the import drill on SQLite.
/// </summary>
public abstract class ServerCrashDrills(Backend backend) : RecordCommandTest(backend)
{
    private const int Cases = 3_000;
    private const int Cap = 40;
    private const string Bulk = "/api/v1/screen/bulk?policy=proclamation-10773&record=true";

    /// <summary>
    /// Killed while a batch's transaction allocates the ledger (on PostgreSQL: a statement on <c>ledger_event</c> is
    /// running; on SQLite: the write lock is held), which is also mid-way through the bulk screening.
    /// </summary>
    [Fact]
    public async Task RecordedBulkScreening_ServerKilledDuringALedgerAllocation_WholeBatchesOnly_CapHolds_RerunCompletes()
    {
        const string table = "ledger_event";
        var caps = Temp.Write("caps.yaml", $$"""
            id: drill-caps
            title: A small cap for the crash drill
            arrangements:
              - id: what-if-ecuador-{{Cap}}
                title: Mexico accepts {{Cap}} Ecuadorians a month
                from: 2024-01-01
                nationalities: [EC]
                monthly_cap: {{Cap}}
                citation: { instrument: What-if, status: U }
                note: A hypothetical for the drill.
            """);
        string[] options = [.. Target.Args, "--arrangements", caps];
        var key = ServerProcess.CreateKey(Target.Args, "operator"); // creates the record: audit entry 1
        // Every case is removable (an Ecuadorian between ports in July 2024, no exception): each gets a ledger allocation.
        var body = string.Join('\n', Enumerable.Range(0, Cases).Select(i =>
            $$"""{"id":"case-{{i}}","enteredAt":"2024-07-{{1 + (i % 28):00}}T12:00:00-04:00","place":"between-ports","citizenship":"EC"}"""));

        bool caught;
        string before;
        using (var server = ServerProcess.StartReady(options))
        using (var client = server.Client(key))
        {
            before = EntryCount(); // the key, and the bundled series the server imported on its first start
            var request = client.PostAsync(new Uri(Bulk, UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/x-ndjson"));
            caught = Target.WaitForOpenWriteTransaction(() => !request.IsCompleted, table);
            server.Kill();
            await IgnoreCutResponse(request);
        }

        Assert.True(caught, $"the request finished before a write transaction on {table} was seen open; raise Cases");
        AssertChainVerifies();

        using (var server = ServerProcess.StartReady(options))
        using (var client = server.Client(key))
        {
            var (events, toMexico) = await Ledger(client);
            Assert.True(events % Threshold.Record.RecordedScreening.BatchSize == 0, $"{events} allocations survived the kill: not whole batches");
            Assert.True(toMexico <= Cap, $"{toMexico} allocated to Mexico against a cap of {Cap}");

            // The rerun skips what is stored and records the rest: exactly one decision and one allocation per case.
            using var rerun = await client.PostAsync(new Uri(Bulk, UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/x-ndjson"));
            Assert.Equal(HttpStatusCode.OK, rerun.StatusCode);
            Assert.Equal(Cases - events, (await rerun.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            Assert.Equal((Cases, Cap), await Ledger(client));
        }

        // One entry per batch of decisions and one per allocation: nothing lost, nothing twice.
        Assert.StartsWith($"verified: {long.Parse(before, CultureInfo.InvariantCulture) + (Cases / Threshold.Record.RecordedScreening.BatchSize) + Cases} entries", AssertChainVerifies(), StringComparison.Ordinal);
    }

    /// <summary>The number of audit entries, from a verification that passed.</summary>
    protected string EntryCount() => System.Text.RegularExpressions.Regex.Match(AssertChainVerifies(), @"^verified: (\d+) entries").Groups[1].Value;

    protected string AssertChainVerifies()
    {
        var verify = Cli.Run(["audit", "verify", .. Target.Args]);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        return verify.Stdout;
    }

    /// <summary>Ledger allocations recorded, and those to Mexico under the drill's cap.</summary>
    private static async Task<(int Events, long ToMexico)> Ledger(HttpClient client)
    {
        var ledger = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/v1/returns/ledger", UriKind.Relative));
        var toMexico = ledger.GetProperty("report").GetProperty("arrangements").EnumerateArray()
            .Where(a => a.GetProperty("arrangementId").GetString() == $"what-if-ecuador-{Cap}")
            .Sum(a => a.GetProperty("allocatedToMexico").GetInt64());
        return (ledger.GetProperty("events").GetInt32(), toMexico);
    }

    /// <summary>A request to a server that was killed under it ends with a cut connection; that is the expected outcome.</summary>
    protected static async Task IgnoreCutResponse(Task<HttpResponseMessage> request)
    {
        try
        {
            using var response = await request;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
        {
            // the server died mid-response
        }
    }
}

public sealed class ServerCrashDrillsOnSqlite() : ServerCrashDrills(Backend.Sqlite)
{
    /// <summary>
    /// On SQLite only, to keep CI time down: the CLI's <see cref="CrashSafetyTests"/> kill the same import transaction
    /// on both backends.
    /// </summary>
    [Fact]
    public async Task MonthlyImport_ServerKilledWhileWriting_StoresAllOrNothing_AndTheRetryStoresTheFile()
    {
        var key = ServerProcess.CreateKey(Target.Args, "operator");
        var file = CrashSafetyTests.LongKhsmFile();
        var rows = file.Split('\n').Skip(1).Count(l => l.Trim().Length > 0);
        const string Import = "/api/v1/monthly?layout=khsm&source=khsm-x8.csv";

        bool caught;
        long before;
        using (var server = ServerProcess.StartReady(Target.Args))
        using (var client = server.Client(key))
        {
            before = long.Parse(EntryCount(), CultureInfo.InvariantCulture);
            var request = client.PostAsync(new Uri(Import, UriKind.Relative), new StringContent(file, Encoding.UTF8, "text/csv"));
            caught = Target.WaitForOpenWriteTransaction(() => !request.IsCompleted, "khsm_monthly");
            server.Kill();
            await IgnoreCutResponse(request);
        }

        Assert.True(caught, "the import finished before its write transaction was seen open");
        var afterKill = long.Parse(EntryCount(), CultureInfo.InvariantCulture);
        Assert.True(afterKill == before || afterKill == before + 1, $"{before} entries before the import, {afterKill} after the kill"); // the file's one entry or none

        using (var server = ServerProcess.StartReady(Target.Args))
        using (var client = server.Client(key))
        {
            using var retry = await client.PostAsync(new Uri(Import, UriKind.Relative), new StringContent(file, Encoding.UTF8, "text/csv"));
            Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
            var result = (await retry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result");
            if (afterKill == before + 1)
            {
                Assert.Equal("unchanged", result.GetProperty("outcome").GetString()); // it had committed before the kill
            }
            else
            {
                Assert.Equal(rows, result.GetProperty("newRows").GetInt32()); // nothing survived the kill
            }
        }

        Assert.Equal((before + 1).ToString(CultureInfo.InvariantCulture), EntryCount());
    }
}

public sealed class ServerCrashDrillsOnPostgres() : ServerCrashDrills(Backend.Postgres);
