using NodaTime;

namespace Threshold.Returns.Tests;

/// <summary>
/// <see cref="ReturnsLedger.AllocateCounts(LocalDate, ReadOnlySpan{ReturnKind}, ReadOnlySpan{long}, Span{ReturnCountAllocation})"/> (a batch of removal kinds at once): cap order within a batch and argument
/// checks. Its equality with per-kind and per-person allocation is a property in <see cref="LedgerPropertyTests"/>.
/// </summary>
public sealed class BatchAllocationTests
{
    [Fact]
    public void AllocateCounts_CapInKindOrder_TheLaterKindOverflows()
    {
        // law/arrangements/mexico-returns.yaml: one cap of 30,000 a month for CU, HT, NI and VE together.
        var ledger = new ReturnsLedger(ArrangementSet.BuiltIn, recordEvents: false);
        var day = new LocalDate(2024, 7, 10);
        ledger.AllocateCount(day, "CU", false, 29_990);
        var byKind = new ReturnCountAllocation[4];
        var total = ledger.AllocateCounts(day, [new("VE", false), new("HT", false), new("MX", true), new("GT", false)], [6, 9, 3, 2], byKind);
        Assert.Equal(new ReturnCountAllocation(6, 0, 0, 0), byKind[0]);
        Assert.Equal(new ReturnCountAllocation(4, 5, 0, 0), byKind[1]);
        Assert.Equal(new ReturnCountAllocation(0, 0, 3, 0), byKind[2]);
        Assert.Equal(new ReturnCountAllocation(0, 0, 0, 2), byKind[3]);
        Assert.Equal(new ReturnCountAllocation(10, 5, 3, 2), total);
    }

    [Fact]
    public void AllocateCounts_BadArguments_RefusedBeforeAnythingIsAllocated()
    {
        var ledger = new ReturnsLedger(ArrangementSet.BuiltIn, recordEvents: false);
        var day = new LocalDate(2024, 7, 10);
        ReturnKind[] kinds = [new("VE", false), new("GT", false)];
        Assert.Throws<ArgumentException>(() => ledger.AllocateCounts(day, kinds, [1]));
        Assert.Throws<ArgumentException>(() => ledger.AllocateCounts(day, kinds, [1, 1], new ReturnCountAllocation[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ledger.AllocateCounts(day, kinds, [5, -1]));
        Assert.Throws<ArgumentException>(() => ledger.AllocateCounts(day, [new("VE", false), default], [5, 1]));
        Assert.Equal(0, ledger.Count);
        Assert.Equal(new ReturnsLedger(ArrangementSet.BuiltIn, recordEvents: false).Report(), ledger.Report());
        Assert.Throws<ArgumentException>(() => new ReturnKind("ve", false));
        Assert.Throws<InvalidOperationException>(() => new ReturnsLedger(ArrangementSet.BuiltIn, recordEvents: true).AllocateCounts(day, kinds, [1, 1]));
        var otherArrangements = ArrangementSet.FromDocuments(BuiltInArrangements.Documents);
        Assert.Throws<ArgumentException>(() => ledger.AllocateCounts(new ReturnBatchPlan(otherArrangements, kinds), day, [1, 1]));
    }

    /// <summary>
    /// Batches are summed four kinds at a time when every count is at most 2^48; any larger or negative count sends the
    /// whole batch the exact way (one kind at a time, the total checked), so the errors and sums are those of one at a time.
    /// </summary>
    [Fact]
    public void AllocateCounts_CountsBeyondTheFastRange_SummedExactlyOrRefused()
    {
        var day = new LocalDate(2024, 7, 10);
        ReturnKind[] kinds = [new("GT", false), new("HN", false), new("MX", false), new("SV", false), new("CO", false), new("MX", true), new("EC", true)];
        var plan = new ReturnBatchPlan(ArrangementSet.BuiltIn, kinds);

        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => new ReturnsLedger(ArrangementSet.BuiltIn, recordEvents: false).AllocateCounts(plan, day, [1, 2, 3, 4, 5, -6, 7]));
        Assert.Contains("kind 5 (MX)", negative.Message, StringComparison.Ordinal);

        // Two counts that each fit a long but whose sum does not: the checked total refuses them.
        var half = (long.MaxValue / 2) + 1;
        var overflowing = new ReturnsLedger(ArrangementSet.BuiltIn, recordEvents: false);
        Assert.Throws<OverflowException>(() => overflowing.AllocateCounts(plan, day, [half, 0, half, 0, 0, 0, 0]));
        Assert.Equal(0, overflowing.Count);

        // Counts above 2^48 that still add up within a long: the same destinations as small ones.
        const long Big = (1L << 50) + 3;
        var ledger = new ReturnsLedger(ArrangementSet.BuiltIn, recordEvents: false);
        var total = ledger.AllocateCounts(plan, day, [Big, 1, Big, 2, 3, Big, Big]);
        Assert.Equal(new ReturnCountAllocation(0, 0, (2 * Big), Big + 1 + 2 + 3 + Big), total);
        Assert.Equal((4 * Big) + 6, ledger.Count);
    }
}
