using NodaTime;
using Threshold.Engine;
using Threshold.Law;

namespace Threshold.Record.Tests;

public abstract class EncounterRecordTests(Backend backend)
{
    private static readonly LocalDate Start = new(2024, 6, 1);

    private static int[] Days(int count, int value) => Enumerable.Repeat(value, count).ToArray();

    [Fact]
    public void Import_NewFile_RecordsEveryDayAndOneAuditEntry()
    {
        using var record = new TempRecord(backend);
        var path = record.WriteCsv("a.csv", Start, Days(10, 3000));
        var result = record.Store.Encounters.ImportFile("daily", path);
        Assert.Equal(ImportOutcome.Recorded, result.Outcome);
        Assert.Equal(10, result.DayCount);
        Assert.Equal(10, result.NewDayCount);
        Assert.Equal(0, result.RevisedDayCount);
        Assert.Equal(10, record.Scalar("SELECT COUNT(*) FROM encounter_day"));
        var entry = Assert.Single(record.Store.Audit.Entries());
        Assert.Equal("import", entry.Kind);
        Assert.Contains($"\"sha256\":\"{result.ContentSha256}\"", entry.Payload, StringComparison.Ordinal);
        Assert.Contains("\"source\":\"a.csv\"", entry.Payload, StringComparison.Ordinal);
        Assert.Contains("\"dayCount\":10", entry.Payload, StringComparison.Ordinal);
        Assert.Contains("\"revisedDayCount\":0", entry.Payload, StringComparison.Ordinal);
        Assert.Equal(["daily"], record.Store.Encounters.SeriesNames());
    }

    [Fact]
    public void FirstSeriesName_IsTheSeriesImportedFirst_WhateverTheNamesImportedLater()
    {
        using var record = new TempRecord(backend);
        Assert.Null(record.Store.Encounters.FirstSeriesName());
        record.Store.Encounters.ImportFile("zulu", record.WriteCsv("z.csv", Start, Days(5, 3000)));
        record.Clock.AdvanceSeconds(1);
        record.Store.Encounters.ImportFile("alpha", record.WriteCsv("a.csv", Start, Days(5, 1000)));
        record.Clock.AdvanceSeconds(1);
        record.Store.Encounters.ImportFile("zulu", record.WriteCsv("z2.csv", Start, Days(6, 3100)));
        Assert.Equal(["alpha", "zulu"], record.Store.Encounters.SeriesNames());
        Assert.Equal("zulu", record.Store.Encounters.FirstSeriesName());
    }

    [Fact]
    public void Import_IdenticalFileAgain_IsUnchanged()
    {
        using var record = new TempRecord(backend);
        var path = record.WriteCsv("a.csv", Start, Days(10, 3000));
        record.Store.Encounters.ImportFile("daily", path);
        var again = record.Store.Encounters.ImportFile("daily", path);
        Assert.Equal(ImportOutcome.Unchanged, again.Outcome);
        Assert.Null(again.ImportId);
        Assert.Equal(10, record.Scalar("SELECT COUNT(*) FROM encounter_day"));
        Assert.Equal(1, record.Scalar("SELECT COUNT(*) FROM encounter_import"));
        Assert.Single(record.Store.Audit.Entries());
    }

    [Fact]
    public void Import_RevisingFile_AddsRevisionsOnlyForChangedDaysAndKeepsOldOnes()
    {
        using var record = new TempRecord(backend);
        record.Store.Encounters.ImportFile("daily", record.WriteCsv("a.csv", Start, Days(10, 3000)));
        var revised = Days(12, 3000);
        revised[2] = 3100;
        revised[5] = 2900;
        var result = record.Store.Encounters.ImportFile("daily", record.WriteCsv("b.csv", Start, revised));
        Assert.Equal(ImportOutcome.Recorded, result.Outcome);
        Assert.Equal(12, result.DayCount);
        Assert.Equal(2, result.RevisedDayCount);
        Assert.Equal(2, result.NewDayCount);
        Assert.Equal(14, record.Scalar("SELECT COUNT(*) FROM encounter_day"));
        Assert.Equal(2, record.Scalar("SELECT COUNT(*) FROM encounter_day WHERE day = '2024-06-03'"));
        Assert.Equal(2, record.Store.Audit.Entries().Count);
        Assert.True(record.Store.Audit.Verify().IsValid);
        Assert.Equal(2, record.Store.Encounters.ImportHistory("daily").Count);
    }

    [Fact]
    public void AsKnownOn_BetweenImports_RebuildsTheEarlierSeries()
    {
        using var record = new TempRecord(backend);
        var first = record.Store.Encounters.ImportFile("daily", record.WriteCsv("a.csv", Start, Days(10, 3000)));
        record.Clock.Advance(Duration.FromDays(3));
        var revised = Days(12, 3000);
        revised[2] = 3100;
        var second = record.Store.Encounters.ImportFile("daily", record.WriteCsv("b.csv", Start, revised, comment: "modeled: revised"));

        var before = record.Store.Encounters.AsKnownOn("daily", first.RecordedAt!.Value.Plus(Duration.FromDays(1)))!;
        Assert.Equal(10, before.Length);
        Assert.Equal(3000, before.Value(EncounterColumn.BetweenPorts, 2));
        Assert.Equal(10, before.Value(EncounterColumn.Coastal, 2));
        Assert.Equal(["modeled: test series"], before.Provenance);
        Assert.True(before.IsModeled);

        var after = record.Store.Encounters.AsKnownOn("daily", second.RecordedAt!.Value)!;
        Assert.Equal(12, after.Length);
        Assert.Equal(3100, after.Value(EncounterColumn.BetweenPorts, 2));
        Assert.Equal(["modeled: revised"], after.Provenance);

        Assert.Null(record.Store.Encounters.AsKnownOn("daily", first.RecordedAt!.Value.Minus(Duration.FromTicks(10))));
        Assert.Null(record.Store.Encounters.AsKnownOn("other", second.RecordedAt!.Value));
    }

    [Fact]
    public void AsKnownOn_BundledSeries_ReplaysAsTheFileDoes()
    {
        var bundled = Path.Combine(RepoRoot(), "data", "modeled", "daily_encounters_2024-01-01_2025-01-19.modeled.csv");
        using var record = new TempRecord(backend);
        var result = record.Store.Encounters.ImportFile("bundled", bundled);
        var policy = CompiledPolicy.Compile(BuiltInPolicies.Get("proclamation-10773"));
        var fromFile = SuspensionReplay.Run(policy, EncounterCsvReader.ReadFile(bundled));
        var fromRecord = SuspensionReplay.Run(policy, record.Store.Encounters.AsKnownOn("bundled", result.RecordedAt!.Value)!);
        Assert.Equal(fromFile.Statuses.ToArray(), fromRecord.Statuses.ToArray());
        Assert.Equal(fromFile.Transitions.Select(t => t.EffectiveDate), fromRecord.Transitions.Select(t => t.EffectiveDate));
        Assert.Equal(fromFile.Series.IsModeled, fromRecord.Series.IsModeled);
    }

    [Fact]
    public void AsKnownOn_SeriesWithGap_KeepsTheGapMissing()
    {
        using var record = new TempRecord(backend);
        var path = record.WriteCsv("gap.csv", Start, Days(5, 3000));
        var lines = File.ReadAllLines(path).Where(l => !l.StartsWith("2024-06-03", StringComparison.Ordinal));
        File.WriteAllLines(path, lines);
        var result = record.Store.Encounters.ImportFile("daily", path, allowGaps: true);
        Assert.Equal(4, result.DayCount);
        var series = record.Store.Encounters.AsKnownOn("daily", result.RecordedAt!.Value)!;
        Assert.Equal(5, series.Length);
        Assert.True(series.IsMissing(2));
        Assert.Null(series.Value(EncounterColumn.BetweenPorts, 2));
    }

    [Fact]
    public void Import_FailureAfterDaysWritten_LeavesStoreAsItWas()
    {
        using var record = new TempRecord(backend);
        record.Store.Encounters.ImportFile("daily", record.WriteCsv("a.csv", Start, Days(10, 3000)));
        var encounters = (EncounterRecord)record.Store.Encounters;
        encounters.AfterDaysWritten = () => throw new InvalidOperationException("injected");
        var revised = Days(12, 3100);
        Assert.Throws<InvalidOperationException>(() => encounters.ImportFile("daily", record.WriteCsv("b.csv", Start, revised)));
        encounters.AfterDaysWritten = null;
        AssertOnlyFirstImport(record);
    }

    [Fact]
    public void Import_RowRejectedByCheckConstraint_LeavesStoreAsItWas()
    {
        using var record = new TempRecord(backend);
        record.Store.Encounters.ImportFile("daily", record.WriteCsv("a.csv", Start, Days(10, 3000)));
        // The CSV reader refuses negatives, so build the series by hand: the last day breaks CHECK (between_ports >= 0).
        var values = Days(12, 3100);
        values[^1] = -1;
        var bad = new EncounterSeries("bad", Start, 12, new Dictionary<EncounterColumn, int[]> { [EncounterColumn.BetweenPorts] = values }, null, []);
        Assert.ThrowsAny<System.Data.Common.DbException>(() => record.Store.Encounters.Import("daily", bad, "bad.csv", new string('a', 64)));
        AssertOnlyFirstImport(record);
    }

    private static void AssertOnlyFirstImport(TempRecord record)
    {
        Assert.Equal(10, record.Scalar("SELECT COUNT(*) FROM encounter_day"));
        Assert.Equal(1, record.Scalar("SELECT COUNT(*) FROM encounter_import"));
        Assert.Single(record.Store.Audit.Entries());
        Assert.True(record.Store.Audit.Verify().IsValid);
        var series = record.Store.Encounters.AsKnownOn("daily", record.Clock.GetCurrentInstant())!;
        Assert.Equal(10, series.Length);
        Assert.Equal(3000, series.Value(EncounterColumn.BetweenPorts, 9));
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Directory.Packages.props")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}

public sealed class EncounterRecordTestsOnSqlite() : EncounterRecordTests(Backend.Sqlite);

public sealed class EncounterRecordTestsOnPostgres() : EncounterRecordTests(Backend.Postgres);
