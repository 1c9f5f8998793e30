using NodaTime;
using Threshold.Returns;
using Threshold.Screening;

namespace Threshold.Record.Tests;

/// <summary>
/// The recorded ledger says whether its allocations rest on a MODELED series: each recorded screening batch states its
/// series in its audit entry, and allocations are matched with the decisions stored beside them.
/// </summary>
public abstract class RecordedSeriesTests(Backend backend)
{
    private static CaseScreener Screener(string name, bool modeled)
    {
        var screener = RecordFixtures.ScreenerOver(name, modeled ? ["modeled: a test series synthesised for this test"] : []);
        Assert.Equal(modeled, screener.ModeledEncounters);
        return screener;
    }

    private static void Screen(TempRecord record, CaseScreener screener, params ScreeningCase[] cases)
    {
        using var sink = new MemoryStream();
        var lines = new CaseDecisionLineWriter(screener, new ReturnsLedger(RecordFixtures.SmallCaps, recordEvents: false), sink, null);
        RecordedScreening.Run(record.Store, record.Clock, screener, RecordFixtures.SmallCaps, () => cases.Select((c, i) => ((long)i + 1, c)), "cases.jsonl", lines);
        lines.Flush();
    }

    [Fact]
    public void EmptyRecord_NoAllocations_StatesFalse()
    {
        using var record = new TempRecord(backend);
        var series = RecordedSeries.Read(record.Store, null);
        Assert.Equal((0L, false), (series.Allocations, series.ModeledEncounters ?? true));
        Assert.Contains("no allocations", series.Note(), StringComparison.Ordinal);
    }

    [Fact]
    public void RealThenModeledThenUnbatched_EachInstantSaysWhatItRestsOn()
    {
        using var record = new TempRecord(backend);
        Screen(record, Screener("official-daily", modeled: false), RecordFixtures.Case("r-1", "VE", 10), RecordFixtures.Case("r-2", "EC", 11));
        var afterReal = record.Clock.GetCurrentInstant();
        var real = RecordedSeries.Read(record.Store, afterReal);
        Assert.Equal((2L, 0L, 2L, 0L), (real.Allocations, real.Modeled, real.Real, real.Unstated));
        Assert.False(real.ModeledEncounters);
        Assert.Equal(["official-daily"], real.Series);
        Assert.Contains("not MODELED", real.Note(), StringComparison.Ordinal);

        record.Clock.Advance(Duration.FromMinutes(5));
        Screen(record, Screener("modeled-daily", modeled: true), RecordFixtures.Case("m-1", "VE", 12));
        var both = RecordedSeries.Read(record.Store, null);
        Assert.Equal((3L, 1L, 2L), (both.Allocations, both.Modeled, both.Real));
        Assert.True(both.ModeledEncounters);
        Assert.Equal(["modeled-daily", "official-daily"], both.Series);
        Assert.StartsWith("1 of the 3 allocations were screened under a MODELED", both.Note(), StringComparison.Ordinal);

        // As known before the MODELED batch, the record still says what it said then.
        Assert.False(RecordedSeries.Read(record.Store, afterReal).ModeledEncounters);

        // An allocation outside any screening batch states no series.
        var onlyReal = RecordedSeries.Read(record.Store, afterReal);
        record.Clock.Advance(Duration.FromMinutes(5));
        new LedgerRecord(record.Store, RecordFixtures.SmallCaps, record.Clock).Allocate(new ReturnRequest("loose", "VE", RecordFixtures.June(13), false));
        var loose = RecordedSeries.Read(record.Store, null);
        Assert.Equal((4L, 1L), (loose.Allocations, loose.Unstated));
        Assert.True(loose.ModeledEncounters);
        Assert.Contains("without their series", loose.Note(), StringComparison.Ordinal);
        Assert.False(onlyReal.ModeledEncounters);

        // The statement is in the hash-chained entries, and the decision facts still verify.
        Assert.True(record.Store.Audit.Verify().IsValid);
        Assert.Null(new DecisionRecord(record.Store, record.Clock).VerifyFacts());
        var entry = System.Text.Json.Nodes.JsonNode.Parse(record.Store.Audit.Entries().First(e => e.Kind == DecisionRecord.BatchKind).Payload)!;
        Assert.Equal("official-daily", (string?)entry[ScreenedUnder.SeriesMember]);
        Assert.False((bool?)entry[ScreenedUnder.ModeledMember]);
    }

    [Fact]
    public void RealSeriesThenUnbatched_NothingModeled_SaysUnknown()
    {
        using var record = new TempRecord(backend);
        Screen(record, Screener("official-daily", modeled: false), RecordFixtures.Case("r-1", "VE", 10));
        record.Clock.Advance(Duration.FromMinutes(1));
        new LedgerRecord(record.Store, RecordFixtures.SmallCaps, record.Clock).Allocate(new ReturnRequest("loose", "VE", RecordFixtures.June(13), false));
        var series = RecordedSeries.Read(record.Store, null);
        Assert.Null(series.ModeledEncounters);
        Assert.Contains(ProvenanceLabels.RecordedSeriesNote, series.Note(), StringComparison.Ordinal);
    }
}

public sealed class RecordedSeriesTestsOnSqlite() : RecordedSeriesTests(Backend.Sqlite);

public sealed class RecordedSeriesTestsOnPostgres() : RecordedSeriesTests(Backend.Postgres);
