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
}
