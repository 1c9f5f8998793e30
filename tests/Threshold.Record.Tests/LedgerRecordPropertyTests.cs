using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Threshold.Returns;

namespace Threshold.Record.Tests;

/// <summary>
/// The record cannot diverge from the in-memory ledger: any requests, recorded in any split into transactions (single
/// allocations and batches) by two writers on their own handles, are allocated exactly as one <see cref="ReturnsLedger"/>
/// allocates them in sequence order, overflow included, and the recorded ledger reports the same.
/// </summary>
public abstract class LedgerRecordPropertyTests(Backend backend)
{
    // Caps of 2 and 3 so that short random sequences overflow them, across a month boundary and a priority change, and
    // one third-country destination.
    private const string TinyCapsYaml = """
        id: tiny-caps
        title: Tiny caps for the record's property tests
        arrangements:
          - id: what-if-ecuador-2
            title: Mexico accepts 2 Ecuadorians a month
            from: 2024-01-01
            nationalities: [EC]
            monthly_cap: 2
            citation: { instrument: What-if, status: U }
            note: A hypothetical.
          - id: what-if-chnv-3
            title: Mexico accepts 3 CHNV nationals a month from July 2024
            from: 2024-07-01
            to: 2024-07-31
            nationalities: [CU, HT, NI, VE]
            monthly_cap: 3
            priority: 1
            citation: { instrument: What-if, status: U }
            note: A hypothetical.
          - id: what-if-costa-rica-2
            title: Costa Rica accepts 2 Guatemalans a month
            from: 2024-06-01
            destination: CR
            nationalities: [GT]
            monthly_cap: 2
            citation: { instrument: What-if, status: U }
            note: A hypothetical third-country destination.
        """;

    private static readonly ArrangementSet TinyCaps = ArrangementSet.WithBuiltIns(ArrangementYamlReader.Read(TinyCapsYaml, "tiny-caps.yaml"));

    private static readonly string[] Nationalities = ["EC", "EC", "VE", "CU", "HT", "MX", "GT", "CO"];

    // June 27 to July 4, 2024 (Eastern): both months, and the CHNV what-if starting on July 1.
    private static readonly Instant Start = Instant.FromUtc(2024, 6, 27, 0, 0);

    /// <summary>Requests with, for each, how many more join its transaction (0: a single Allocate) and which writer records it.</summary>
    private static Arbitrary<(ReturnRequest Request, int Batch, int Writer)[]> Requests() =>
        Gen.Choose(0, Nationalities.Length - 1)
            .Zip(Gen.Choose(0, 8 * 24 * 60))
            .Zip(Gen.Choose(0, 9))
            .Zip(Gen.Choose(0, 4).Zip(Gen.Choose(0, 1)))
            .ListOf()
            .Select(list => list.Select((x, i) => (
                new ReturnRequest($"r{i}", Nationalities[x.Item1.Item1.Item1], Start + Duration.FromMinutes(x.Item1.Item1.Item2), x.Item1.Item2 == 0),
                x.Item2.Item1,
                x.Item2.Item2)).ToArray())
            .ToArbitrary();

    [Property(MaxTest = 40)]
    public Property RecordedAllocations_EqualTheInMemoryLedgers_InAnySplitByAnyWriter() => Prop.ForAll(Requests(), requests =>
    {
        using var record = new TempRecord(backend);
        LedgerRecord[] writers = [new(record.Store, TinyCaps, record.Clock), new(record.Reopen(), TinyCaps, record.Clock)];
        var recorded = new List<RecordedAllocation>();
        for (var i = 0; i < requests.Length;)
        {
            var (request, batch, writer) = requests[i];
            var take = Math.Min(batch + 1, requests.Length - i);
            recorded.AddRange(take == 1
                ? [writers[writer].Allocate(request)]
                : writers[writer].AllocateMany(requests.Skip(i).Take(take).Select(r => r.Request)));
            i += take;
        }

        var memory = new ReturnsLedger(TinyCaps, recordEvents: true);
        var mismatches = requests.Select((r, i) => (i, Memory: memory.Allocate(r.Request))).Where(x => !recorded[x.i].Matches(x.Memory)).ToArray();
        var snapshot = writers[0].Current();
        return (mismatches.Length == 0).Label($"first mismatch: {(mismatches.Length == 0 ? "none" : $"{recorded[mismatches[0].i]} vs {mismatches[0].Memory}")}")
            .And(snapshot.Report().Equals(memory.Report()).Label("the recorded ledger reports as the in-memory one"))
            .And(snapshot.Ledger.Events.SequenceEqual(memory.Events).Label("its replayed events are the in-memory events"));
    });

    /// <summary>An arrangement's cap fills in sequence order across transactions, and the next one overflows.</summary>
    [Fact]
    public void CapUseCommittedByEarlierTransactions_IsCountedByTheNext()
    {
        using var record = new TempRecord(backend);
        var ledger = new LedgerRecord(record.Store, TinyCaps, record.Clock);
        var july = Instant.FromUtc(2024, 7, 2, 16, 0);
        ledger.Allocate(new ReturnRequest("ve-1", "VE", july, false));
        ledger.AllocateMany([new ReturnRequest("cu-1", "CU", july, false), new ReturnRequest("ht-1", "HT", july, false)]);
        var over = new LedgerRecord(record.Reopen(), TinyCaps, record.Clock).Allocate(new ReturnRequest("ni-1", "NI", july, false));
        Assert.Equal(("NI", true, "what-if-chnv-3"), (over.Destination, over.Overflow, over.ArrangementId));
    }
}

public sealed class LedgerRecordPropertyTestsOnSqlite() : LedgerRecordPropertyTests(Backend.Sqlite);

public sealed class LedgerRecordPropertyTestsOnPostgres() : LedgerRecordPropertyTests(Backend.Postgres);
