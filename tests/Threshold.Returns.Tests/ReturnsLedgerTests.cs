using System.Diagnostics;
using NodaTime;

namespace Threshold.Returns.Tests;

public sealed class ReturnsLedgerTests
{
    private const string SmallCaps = """
        id: small-caps
        title: Small caps for testing
        arrangements:
          - id: what-if-ecuador-3
            title: Mexico accepts 3 Ecuadorians a month
            from: 2024-01-01
            nationalities: [EC]
            monthly_cap: 3
            citation: { instrument: What-if, status: U }
            note: A hypothetical.
        """;

    private static readonly ArrangementSet Set = ArrangementSet.WithBuiltIns(ArrangementYamlReader.Read(SmallCaps, "small-caps.yaml"));

    private static Instant At(int y, int m, int d, int hourUtc = 16) => Instant.FromUtc(y, m, d, hourUtc, 0);

    private static ReturnRequest[] MixedRequests()
    {
        string[] nationalities = ["EC", "VE", "MX", "GT", "CO", "CU"];
        var requests = new List<ReturnRequest>();
        for (var i = 0; i < 200; i++)
        {
            var month = 1 + (i % 4);
            requests.Add(new ReturnRequest($"c{i}", nationalities[i % nationalities.Length], At(2024, month, 1 + (i % 28)), UnaccompaniedChild: i % 11 == 0));
        }

        return [.. requests];
    }

    [Fact]
    public void Events_NotRecorded_Throws()
    {
        var ledger = new ReturnsLedger(Set, recordEvents: false);
        ledger.Allocate(new ReturnRequest("a", "VE", At(2024, 1, 1), false));
        Assert.False(ledger.RecordsEvents);
        Assert.Equal(1, ledger.Count);
        Assert.Throws<InvalidOperationException>(() => ledger.Events);
    }

    [Theory]
    [InlineData("ve")]
    [InlineData("VEN")]
    [InlineData("")]
    [InlineData("V1")]
    public void Allocate_CitizenshipNotAlpha2_Throws(string citizenship)
    {
        var ledger = new ReturnsLedger(Set, recordEvents: true);
        var e = Assert.Throws<ArgumentException>(() => ledger.Allocate(new ReturnRequest("case-7", citizenship, At(2024, 1, 1), false)));
        Assert.Contains("case case-7", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, ledger.Count);
        Assert.Empty(ledger.Events);
        Assert.Empty(ledger.Report().MexicoBurden);
    }

    [Fact]
    public void Events_RecordSequenceRequestAndAllocationInCallOrder()
    {
        var ledger = new ReturnsLedger(Set, recordEvents: true);
        var requests = MixedRequests();
        var allocations = requests.Select(ledger.Allocate).ToArray();
        Assert.Equal(requests.Length, ledger.Events.Count);
        for (var i = 0; i < requests.Length; i++)
        {
            Assert.Equal(i + 1, ledger.Events[i].Sequence);
            Assert.Same(requests[i], ledger.Events[i].Request);
            Assert.Same(allocations[i], ledger.Events[i].Allocation);
        }
    }

    [Fact]
    public void Replay_Events_ReproduceReportAndEvents()
    {
        var ledger = new ReturnsLedger(Set, recordEvents: true);
        foreach (var r in MixedRequests())
        {
            ledger.Allocate(r);
        }

        var replayed = ReturnsLedger.Replay(Set, ledger.Events, recordEvents: true);
        Assert.Equal(ledger.Report(), replayed.Report());
        Assert.Equal(ledger.Events, replayed.Events);
        Assert.Equal(ledger.Count, replayed.Count);

        // Without keeping events, the state is the same.
        var streamed = ReturnsLedger.Replay(Set, ledger.Events, recordEvents: false);
        Assert.Equal(ledger.Report(), streamed.Report());

        // And the rebuilt ledger continues exactly where the original would.
        var next = new ReturnRequest("next", "EC", At(2024, 4, 28), false);
        Assert.Equal(ledger.Allocate(next), replayed.Allocate(next));
        Assert.Equal(ledger.Report(), replayed.Report());
    }

    [Fact]
    public void Replay_TamperedAllocation_IsAnErrorNamingTheEvent()
    {
        var ledger = new ReturnsLedger(Set, recordEvents: true);
        foreach (var r in MixedRequests())
        {
            ledger.Allocate(r);
        }

        var events = ledger.Events.ToArray();
        events[5] = events[5] with { Allocation = events[5].Allocation with { Destination = "ZZ" } };
        var e = Assert.Throws<InvalidDataException>(() => ReturnsLedger.Replay(Set, events, recordEvents: true));
        Assert.StartsWith("event 6 (case c5): replay allocates", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_UnderDifferentArrangements_IsAnError()
    {
        var ledger = new ReturnsLedger(Set, recordEvents: true);
        ledger.Allocate(new ReturnRequest("ec", "EC", At(2024, 2, 1), false));
        var e = Assert.Throws<InvalidDataException>(() => ReturnsLedger.Replay(ArrangementSet.BuiltIn, ledger.Events, recordEvents: true));
        Assert.Contains("the arrangements differ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_GapInSequence_IsAnError()
    {
        var ledger = new ReturnsLedger(Set, recordEvents: true);
        foreach (var r in MixedRequests().Take(3))
        {
            ledger.Allocate(r);
        }

        var e = Assert.Throws<InvalidDataException>(() => ReturnsLedger.Replay(Set, [ledger.Events[0], ledger.Events[2]], recordEvents: true));
        Assert.StartsWith("event 3 (case c2): expected sequence number 2", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A continuing ledger (the record's, inside its write transaction) told that earlier allocations took places of a
    /// cap decides as the ledger that made them: the cap's next places, then overflow; it asks once per (month, capped
    /// arrangement in force), never for uncapped or out-of-date arrangements.
    /// </summary>
    [Fact]
    public void Continuing_WithCapUsedBefore_DecidesAsTheLedgerThatMadeThoseAllocations()
    {
        var earlier = new ReturnsLedger(Set, recordEvents: false);
        ReturnRequest[] before = [new("e1", "EC", At(2024, 3, 1), false), new("e2", "EC", At(2024, 3, 2), false)];
        ReturnRequest[] after = [new("e3", "EC", At(2024, 3, 3), false), new("e4", "EC", At(2024, 3, 4), false), new("e5", "EC", At(2024, 4, 1), false)];
        foreach (var r in before)
        {
            earlier.Allocate(r);
        }

        var committed = earlier.Report().Arrangements;
        var asked = new List<(string, YearMonth)>();
        var continuing = ReturnsLedger.Continuing(Set, (a, month) =>
        {
            asked.Add((a.Id, month));
            return committed.Where(l => l.ArrangementId == a.Id && l.Month == month).Sum(l => l.AllocatedToMexico);
        });
        Assert.Equal(after.Select(earlier.Allocate).ToArray(), after.Select(continuing.Allocate).ToArray());
        Assert.Equal([("mexico-chnv-30000", new YearMonth(2024, 3)), ("what-if-ecuador-3", new YearMonth(2024, 3)), ("mexico-chnv-30000", new YearMonth(2024, 4)), ("what-if-ecuador-3", new YearMonth(2024, 4))], asked);
        Assert.False(continuing.RecordsEvents);

        var negative = ReturnsLedger.Continuing(Set, (_, _) => -1);
        Assert.Throws<InvalidOperationException>(() => negative.Allocate(after[0]));
    }

    [Fact]
    public void Report_Empty_HasNoLinesAndZeroTotals()
    {
        var report = new ReturnsLedger(Set, recordEvents: false).Report();
        Assert.Empty(report.Arrangements);
        Assert.Empty(report.MexicoBurden);
        Assert.Equal(new LedgerTotals(0, 0, 0, 0, 0, 0, 0m, 0), report.Totals);
    }

    [Fact]
    public void Report_UtilisationIsAnExactFractionAndLinesAreOrderedByMonth()
    {
        var ledger = new ReturnsLedger(Set, recordEvents: false);
        ledger.Allocate(new ReturnRequest("b", "EC", At(2024, 3, 1), false));
        ledger.Allocate(new ReturnRequest("a", "EC", At(2024, 2, 1), false));
        ledger.Allocate(new ReturnRequest("v", "VE", At(2024, 2, 1), false));
        var report = ledger.Report();
        Assert.Equal(
            [(new YearMonth(2024, 2), "mexico-chnv-30000"), (new YearMonth(2024, 2), "what-if-ecuador-3"), (new YearMonth(2024, 3), "what-if-ecuador-3")],
            report.Arrangements.Select(l => (l.Month, l.ArrangementId)));
        var feb = report.Arrangements[1];
        Assert.Equal(1m / 3m, feb.Utilisation);
        Assert.Equal(2, feb.RemainingCapacity);
        Assert.Equal(new NationalityCount("EC", 1, 0), Assert.Single(feb.ByNationality));
        Assert.Equal(new LedgerTotals(3, 3, 3, 0, 0, 0, 1m, 0), report.Totals);
    }

    [Fact]
    public void Report_BurdenShare_IsToMexicoOverAllRemovals()
    {
        var ledger = new ReturnsLedger(Set, recordEvents: false);
        foreach (var (c, i) in new[] { "MX", "EC", "CO", "CN" }.Select((c, i) => (c, i)))
        {
            ledger.Allocate(new ReturnRequest($"r{i}", c, At(2024, 5, 2), false));
        }

        var burden = Assert.Single(ledger.Report().MexicoBurden);
        Assert.Equal(new MexicoBurdenLine(new YearMonth(2024, 5), 1, 0, 1, 0, 2, 0, 0, 4, 0.5m, 0), burden);
    }

    [Fact]
    public void Allocate_SameOutcome_ReusesTheReasonText()
    {
        // No per-call formatting: the reason of an outcome is built once and shared.
        var ledger = new ReturnsLedger(Set, recordEvents: false);
        var a = ledger.Allocate(new ReturnRequest("a", "VE", At(2024, 5, 2), false));
        var b = ledger.Allocate(new ReturnRequest("b", "VE", At(2024, 6, 9), false));
        Assert.Same(a.Reason, b.Reason);
        Assert.Same(a.Destination, b.Destination);
    }

    [Fact]
    public void Allocate_OverflowReason_SaysWhichCapAndWhere()
    {
        var ledger = new ReturnsLedger(Set, recordEvents: false);
        ReturnAllocation? last = null;
        for (var i = 0; i < 4; i++)
        {
            last = ledger.Allocate(new ReturnRequest($"e{i}", "EC", At(2024, 5, 2), false));
        }

        Assert.Equal(
            "EC national: the cap of 3 a month under arrangement what-if-ecuador-3 was used up for the Eastern month of the encounter; overflow, returned to the country of citizenship, EC.",
            last!.Reason);
        Assert.Equal(("EC", true, "what-if-ecuador-3"), (last.Destination, last.Overflow, last.ArrangementId));
    }

    [Fact]
    public void Allocate_EasternDateAcrossDaylightSavingChanges_MatchesTheZone()
    {
        // Instants on both sides of the 2024 spring-forward and fall-back transitions, in and out of order.
        var ledger = new ReturnsLedger(ArrangementSet.BuiltIn, recordEvents: false);
        Instant[] instants =
        [
            Instant.FromUtc(2024, 3, 10, 6, 59), Instant.FromUtc(2024, 3, 10, 7, 0), Instant.FromUtc(2024, 11, 3, 5, 59),
            Instant.FromUtc(2024, 11, 3, 6, 0), Instant.FromUtc(2024, 3, 1, 4, 59), Instant.FromUtc(2024, 3, 1, 5, 0),
            Instant.FromUtc(2024, 11, 1, 3, 59), Instant.FromUtc(2024, 11, 1, 4, 0), Instant.FromUtc(2024, 12, 1, 4, 59), Instant.FromUtc(2024, 12, 1, 5, 0),
        ];
        foreach (var instant in instants)
        {
            var allocation = ledger.Allocate(new ReturnRequest("x", "CO", instant, false));
            Assert.Equal(instant.InZone(ReturnsLedger.Eastern).Date.ToYearMonth(), allocation.Month);
        }
    }

    [Fact]
    public void Streaming_OneMillionRequestsWithoutEvents_CountsExactly()
    {
        var ledger = new ReturnsLedger(ArrangementSet.BuiltIn, recordEvents: false);
        string[] nationalities = ["VE", "CU", "HT", "NI", "MX", "GT", "CO", "CN"];
        var start = Instant.FromUtc(2024, 1, 1, 0, 0);
        const int n = 1_000_000;
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < n; i++)
        {
            ledger.Allocate(new ReturnRequest("s", nationalities[i & 7], start + Duration.FromSeconds(i * 31L), (i % 97) == 0));
        }

        stopwatch.Stop();
        var report = ledger.Report();
        Assert.Equal(n, ledger.Count);
        Assert.Equal(n, report.Totals.AllRemovals);
        Assert.All(report.Arrangements, l => Assert.True(l.Cap is null || l.AllocatedToMexico <= l.Cap));
        Assert.Contains(report.Arrangements, l => l.Overflow > 0);
        Assert.Equal(report.Totals.UnderCaps + report.Totals.UnderUncappedArrangements + report.Totals.MexicanNationals, report.Totals.TotalToMexico);
    }
}
