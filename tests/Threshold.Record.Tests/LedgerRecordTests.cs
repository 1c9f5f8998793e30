using NodaTime;
using NodaTime.Testing;
using Threshold.Returns;

namespace Threshold.Record.Tests;

public abstract class LedgerRecordTests(Backend backend)
{
    private static ReturnRequest Ve(string id, int day, bool child = false) => new(id, "VE", RecordFixtures.June(day), child);

    [Fact]
    public void Allocate_CapBoundary_FifthGoesToMexicoSixthOverflows()
    {
        using var record = new TempRecord(backend);
        var ledger = new LedgerRecord(record.Store, RecordFixtures.SmallCaps, record.Clock);

        var events = Enumerable.Range(1, 6).Select(i => ledger.Allocate(Ve($"ve-{i}", 10))).ToArray();

        Assert.All(events[..5], e => Assert.Equal(("MX", false, "what-if-venezuela-5"), (e.Destination, e.Overflow, e.ArrangementId)));
        Assert.Equal(("VE", true, "what-if-venezuela-5"), (events[5].Destination, events[5].Overflow, events[5].ArrangementId));
        Assert.Equal(new YearMonth(2024, 6), events[5].Month);
        Assert.Equal([1L, 2, 3, 4, 5, 6], events.Select(e => e.Sequence));

        // Children, Mexicans and another month do not touch June's cap.
        var child = ledger.Allocate(Ve("child", 11, child: true));
        Assert.Equal(("VE", false, (string?)null), (child.Destination, child.Overflow, child.ArrangementId));
        var mexican = ledger.Allocate(new ReturnRequest("mx", "MX", RecordFixtures.June(11), false));
        Assert.Equal(("MX", false, (string?)null), (mexican.Destination, mexican.Overflow, mexican.ArrangementId));
        var july = ledger.Allocate(new ReturnRequest("july", "VE", RecordFixtures.June(30).Plus(Duration.FromDays(2)), false));
        Assert.Equal(("MX", false, "mexico-chnv-30000"), (july.Destination, july.Overflow, july.ArrangementId));

        var report = ledger.Current().Report();
        var june = Assert.Single(report.Arrangements, l => l.ArrangementId == "what-if-venezuela-5");
        Assert.Equal((5L, 1L, 0), (june.AllocatedToMexico, june.Overflow, june.RemainingCapacity ?? -1));
        Assert.Equal(9, record.Store.Audit.Entries().Count(e => e.Kind == "ledger-allocation"));
        Assert.True(record.Store.Audit.Verify().IsValid);
    }

    [Fact]
    public void Allocate_SameRequestsAsInMemoryLedger_SameAllocationsAndReport()
    {
        using var record = new TempRecord(backend);
        var ledger = new LedgerRecord(record.Store, RecordFixtures.SmallCaps, record.Clock);
        var memory = new ReturnsLedger(RecordFixtures.SmallCaps, recordEvents: true);
        string[] countries = ["VE", "EC", "EC", "EC", "EC", "MX", "CU", "GT", "IN", "HT"];
        var random = new Random(4);
        var requests = Enumerable.Range(0, 400).Select(i => new ReturnRequest(
            $"r{i}",
            countries[random.Next(countries.Length)],
            Instant.FromUtc(2024, 5, 25, 0, 0).Plus(Duration.FromHours(random.Next(24 * 50))),
            random.Next(10) == 0)).ToArray();

        var recorded = new List<RecordedAllocation>();
        for (var i = 0; i < requests.Length;)
        {
            var size = random.Next(1, 40);
            recorded.AddRange(size == 1 ? [ledger.Allocate(requests[i])] : ledger.AllocateMany(requests.Skip(i).Take(size)));
            i += size;
        }

        Assert.Equal(requests.Length, recorded.Count);
        for (var i = 0; i < requests.Length; i++)
        {
            var expected = memory.Allocate(requests[i]);
            Assert.True(recorded[i].Matches(expected), $"request {i}: database {recorded[i]} but memory {expected}");
        }

        Assert.Contains(recorded, r => r.Overflow && r.ArrangementId == "what-if-venezuela-5");
        Assert.Contains(recorded, r => r.Overflow && r.ArrangementId == "what-if-ecuador-50");
        var snapshot = ledger.Current();
        Assert.Equal(recorded, snapshot.Allocations);
        Assert.Equal(memory.Report(), snapshot.Report());
        Assert.Equal(memory.Events, snapshot.Ledger.Events);
        Assert.Equal(memory.Report(), ReturnsLedger.Replay(RecordFixtures.SmallCaps, snapshot.Ledger.Events, recordEvents: false).Report());
    }

    [Fact]
    public void AllocateMany_ThrowsMidway_LeavesNothingAndChainStillVerifies()
    {
        using var record = new TempRecord(backend);
        var ledger = new LedgerRecord(record.Store, RecordFixtures.SmallCaps, record.Clock);
        ledger.Allocate(Ve("first", 3));

        IEnumerable<ReturnRequest> Failing()
        {
            yield return Ve("a", 3);
            yield return Ve("b", 3);
            throw new InvalidOperationException("mid-batch");
        }

        Assert.Throws<InvalidOperationException>(() => ledger.AllocateMany(Failing()));
        Assert.Throws<ArgumentException>(() => ledger.AllocateMany([Ve("c", 3), new ReturnRequest("bad", "ve", RecordFixtures.June(3), false)]));

        Assert.Equal(["first"], ledger.Events().Select(e => e.Request.CaseId));
        Assert.Equal(1, record.Store.Audit.Verify().EntryCount);
        Assert.True(record.Store.Audit.Verify().IsValid);
        Assert.Equal(2, ledger.Allocate(Ve("next", 3)).Sequence);
        Assert.ThrowsAny<System.Data.Common.DbException>(() => record.Sql("UPDATE ledger_event SET overflow = 1"));
        Assert.ThrowsAny<System.Data.Common.DbException>(() => record.Sql("DELETE FROM ledger_event"));
    }

    [Fact]
    public void LedgerAsOf_ReturnsTheAllocationsRecordedByThen()
    {
        using var record = new TempRecord(backend);
        var ledger = new LedgerRecord(record.Store, RecordFixtures.SmallCaps, record.Clock);
        var before = record.Clock.GetCurrentInstant();
        var early = ledger.AllocateMany([Ve("a", 2), Ve("b", 2), Ve("c", 2)]);
        var between = record.Clock.GetCurrentInstant();
        ledger.AllocateMany([Ve("d", 2), Ve("e", 2), Ve("f", 2), Ve("g", 2)]);

        Assert.Empty(ledger.LedgerAsOf(before).Allocations);
        var then = ledger.LedgerAsOf(between);
        Assert.Equal(early, then.Allocations);
        Assert.Equal(3, then.Report().Totals.UnderCaps);
        Assert.Equal(0, then.Report().Totals.OverflowToCitizenship);
        Assert.Equal(early, ledger.LedgerAsOf(early[0].RecordedAt).Allocations);

        var now = ledger.Current().Report().Totals;
        Assert.Equal((5L, 2L), (now.UnderCaps, now.OverflowToCitizenship));
    }

    [Fact]
    public void LedgerAsOf_UnderOtherArrangements_RefusesEventsTheyWouldNotProduce()
    {
        using var record = new TempRecord(backend);
        var ledger = new LedgerRecord(record.Store, RecordFixtures.SmallCaps, record.Clock);
        ledger.AllocateMany(Enumerable.Range(0, 6).Select(i => Ve($"v{i}", 9)));

        var builtIn = new LedgerRecord(record.Store, ArrangementSet.BuiltIn, record.Clock);
        var e = Assert.Throws<RecordException>(() => builtIn.Current());
        Assert.Contains("ledger event 1", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Two writers, each with its OWN RecordStore and connections to the same file (threads in one process: SQLite's
    /// file locks and busy handling work per connection, exactly as between processes), allocate N requests each of the
    /// capped EC arrangement in the same month at once. Every allocation reads the month's use inside BEGIN IMMEDIATE.
    /// </summary>
    [Fact]
    public void Allocate_TwoConcurrentWriters_CapHeldExactlyAndNothingLost()
    {
        const int n = 60;
        const int cap = 50;
        using var record = new TempRecord(backend);
        var clock = new FakeClock(Instant.FromUtc(2025, 2, 1, 0, 0), Duration.FromMilliseconds(1)); // shared, thread-safe
        var seed = new LedgerRecord(record.Store, RecordFixtures.SmallCaps, clock);
        var early = seed.AllocateMany([new ReturnRequest("early-1", "EC", RecordFixtures.June(1), false), new ReturnRequest("early-2", "MX", RecordFixtures.June(1), false)]);
        var beforeRace = clock.GetCurrentInstant();

        var writers = new[] { "A", "B" }.Select(name => new LedgerRecord(RecordStore.Open(record.NewDatabase(), clock), RecordFixtures.SmallCaps, clock)).ToArray();
        using var start = new Barrier(writers.Length);
        var results = new List<RecordedAllocation>[writers.Length];
        var threads = writers.Select((writer, w) => new Thread(() =>
        {
            var mine = new List<RecordedAllocation>();
            start.SignalAndWait();
            for (var i = 0; i < n; i++)
            {
                mine.Add(writer.Allocate(new ReturnRequest($"w{w}-{i}", "EC", RecordFixtures.June(15), false)));
            }

            results[w] = mine;
        })).ToArray();
        foreach (var t in threads)
        {
            t.Start();
        }

        foreach (var t in threads)
        {
            t.Join();
        }

        var raced = results.SelectMany(r => r).ToArray();
        Assert.Equal(2 * n, raced.Length);
        Assert.Equal(cap - 1, raced.Count(r => !r.Overflow)); // "early-1" took one place in June
        Assert.Equal((2 * n) - (cap - 1), raced.Count(r => r.Overflow));

        var all = seed.Events();
        Assert.Equal((2 * n) + 2, all.Count); // no lost events
        Assert.Equal(Enumerable.Range(1, all.Count).Select(i => (long)i), all.Select(e => e.Sequence));
        Assert.Equal(cap, all.Count(e => e.ArrangementId == "what-if-ecuador-50" && !e.Overflow));
        Assert.All(all.Where(e => e.Overflow), e => Assert.Equal("EC", e.Destination));
        // In sequence order, every under-cap EC allocation precedes every overflow one: decisions used committed state.
        var ec = all.Where(e => e.ArrangementId == "what-if-ecuador-50").ToArray();
        Assert.All(ec.Take(cap), e => Assert.False(e.Overflow));
        Assert.All(ec.Skip(cap), e => Assert.True(e.Overflow));

        var verification = record.Store.Audit.Verify();
        Assert.True(verification.IsValid, verification.Reason);
        Assert.Equal(all.Count, verification.EntryCount);

        var current = seed.Current();
        var line = Assert.Single(current.Report().Arrangements, l => l.ArrangementId == "what-if-ecuador-50");
        Assert.Equal((cap, (2L * n) - (cap - 1)), ((int)line.AllocatedToMexico, line.Overflow));

        var then = seed.LedgerAsOf(beforeRace);
        Assert.Equal(early, then.Allocations);
        Assert.Equal(1, Assert.Single(then.Report().Arrangements).AllocatedToMexico);
    }
}

public sealed class LedgerRecordTestsOnSqlite() : LedgerRecordTests(Backend.Sqlite);

public sealed class LedgerRecordTestsOnPostgres() : LedgerRecordTests(Backend.Postgres);
