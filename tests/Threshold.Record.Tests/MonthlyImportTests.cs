using System.Text.Json.Nodes;
using NodaTime;
using Threshold.Engine;

using Threshold.Sources;

namespace Threshold.Record.Tests;

public abstract class MonthlyImportTests(Backend backend)
{
    private const string SboAug = "cbp_sbo_encounters_fy22_fy25_aug.csv";
    private const string SboTableau = "cbp_sbo_encounters_fy20_fy23feb_tableau_scrape.csv";
    private const string KhsmRegion = "usbp_khsm_monthly_region_fy2000_fy2025nov.csv";
    private const string KhsmSector = "usbp_khsm_monthly_region_sector_fy2000_fy2025nov.csv";
    private const string KhsmFamily = "usbp_khsm_monthly_region_family_status_fy2000_fy2025nov.csv";
    private const string KhsmCitizenship = "usbp_khsm_monthly_region_citizenship_fy2000_fy2025nov.csv";

    private static readonly Lazy<string> LazySourceDirectory = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Threshold.sln")))
            {
                return Path.Combine(dir.FullName, "data", "source");
            }
        }

        throw new InvalidOperationException("Threshold.sln not found above " + AppContext.BaseDirectory);
    });

    /// <summary>A real file of data/source by name (shared with the other record tests that import monthly files).</summary>
    internal static string Source(string name) => Path.Combine(LazySourceDirectory.Value, name);

    private static int DataRows(string path) => File.ReadAllLines(path).Skip(1).Count(l => l.Trim().Length > 0);

    private static long Rows(TempRecord record, string table) => record.Scalar($"SELECT COUNT(*) FROM {table}");

    [Theory]
    [InlineData(SboAug, "cbp_sbo_monthly", "cbp-sbo")]
    [InlineData(SboTableau, "cbp_sbo_monthly", "cbp-sbo-tableau")]
    [InlineData(KhsmRegion, "khsm_monthly", "khsm-region")]
    [InlineData(KhsmSector, "khsm_monthly", "khsm-region-sector")]
    [InlineData(KhsmFamily, "khsm_monthly", "khsm-region-family-status")]
    [InlineData(KhsmCitizenship, "khsm_monthly", "khsm-region-citizenship")]
    public void Import_RealFile_StoresEveryRowWithOneAuditEntry_AndReimportIsUnchanged(string name, string table, string layout)
    {
        using var record = new TempRecord(backend);
        var path = Source(name);
        var expected = DataRows(path);

        var result = name.StartsWith("cbp_", StringComparison.Ordinal)
            ? MonthlyImports.ImportCbpSbo(record.Store, path, record.Clock)
            : MonthlyImports.ImportKhsm(record.Store, path, record.Clock);

        Assert.Equal(ImportOutcome.Recorded, result.Outcome);
        Assert.Equal(table, result.Table);
        Assert.Equal(layout, result.Layout);
        Assert.Equal(expected, result.RowCount);
        Assert.Equal(expected, result.NewRowCount);
        Assert.Equal(0, result.RevisedRowCount);
        Assert.Equal(expected, Rows(record, table));

        var entries = record.Store.Audit.Entries();
        var entry = Assert.Single(entries);
        Assert.Equal("monthly-import", entry.Kind);
        Assert.Equal(result.AuditSeq, entry.Seq);
        var payload = JsonNode.Parse(entry.Payload)!.AsObject();
        Assert.Equal(name, payload["file"]!.GetValue<string>());
        Assert.Equal(result.ContentSha256, payload["sha256"]!.GetValue<string>());
        Assert.Equal(expected, payload["rowCount"]!.GetValue<int>());
        Assert.Equal(table, payload["table"]!.GetValue<string>());

        var again = name.StartsWith("cbp_", StringComparison.Ordinal)
            ? MonthlyImports.ImportCbpSbo(record.Store, path, record.Clock)
            : MonthlyImports.ImportKhsm(record.Store, path, record.Clock);
        Assert.Equal(ImportOutcome.Unchanged, again.Outcome);
        Assert.Null(again.ImportId);
        Assert.Equal(expected, again.RowCount);
        Assert.Equal(expected, Rows(record, table));
        Assert.Single(record.Store.Audit.Entries());
        Assert.Single(MonthlyImports.ImportHistory(record.Store));
        Assert.True(record.Store.Audit.Verify().IsValid);
    }

    [Fact]
    public void Totals_RealFiles_MatchPublishedCbpFigures()
    {
        using var record = new TempRecord(backend);
        MonthlyImports.ImportCbpSbo(record.Store, Source(SboAug), record.Clock);
        MonthlyImports.ImportKhsm(record.Store, Source(KhsmRegion), record.Clock);
        MonthlyImports.ImportKhsm(record.Store, Source(KhsmSector), record.Clock);
        var now = record.Clock.GetCurrentInstant();

        // usbp_swb_monthly_encounters_2017_2026_cbp_published.csv: 2023-12 = 249,740 and 2024-07 = 56,400 (USBP SW border).
        var december = MonthlyImports.CbpSboTotalsByComponent(record.Store, new YearMonth(2023, 12), now);
        Assert.Equal([new MonthlyTotal("Office of Field Operations", 52241), new MonthlyTotal("U.S. Border Patrol", 249740)], december);
        var july = MonthlyImports.CbpSboTotalsByComponent(record.Store, new YearMonth(2024, 7), now);
        Assert.Equal(56400, july.Single(t => t.Name == "U.S. Border Patrol").Total);

        var regions = MonthlyImports.KhsmTotalsByRegion(record.Store, new YearMonth(2024, 7), now);
        Assert.Equal([new MonthlyTotal("Coastal Border", 220), new MonthlyTotal("Northern Land Border", 3040), new MonthlyTotal("Southwest Land Border", 56400)], regions);
        var bySector = MonthlyImports.KhsmTotalsByRegion(record.Store, new YearMonth(2024, 7), now, "Sector");
        Assert.Equal(56390, bySector.Single(t => t.Name == "Southwest Land Border").Total); // rounded to 10 per sector
        Assert.Empty(MonthlyImports.KhsmTotalsByRegion(record.Store, new YearMonth(2024, 7), now, "Citizenship"));
        Assert.Empty(MonthlyImports.CbpSboTotalsByComponent(record.Store, new YearMonth(2024, 7), Instant.FromUtc(2000, 1, 1, 0, 0)));
    }

    [Fact]
    public void Import_TableauThenRelease_KeepsOneCellPerMonthAndAddsRevisionsOnly()
    {
        using var record = new TempRecord(backend);
        MonthlyImports.ImportCbpSbo(record.Store, Source(SboTableau), record.Clock);
        var afterTableau = record.Clock.GetCurrentInstant();
        var release = MonthlyImports.ImportCbpSbo(record.Store, Source(SboAug), record.Clock);

        // FY2022 cells are in both files (UAC was "UC / Single Minors"): the release revises them, it does not add a second copy.
        Assert.True(release.RevisedRowCount > 0);
        Assert.Equal(release.RowCount, release.NewRowCount + release.RevisedRowCount);
        var now = record.Clock.GetCurrentInstant();
        var march2022 = MonthlyImports.CbpSboTotalsByComponent(record.Store, new YearMonth(2022, 3), now);
        Assert.Equal([new MonthlyTotal("Office of Field Operations", 11393), new MonthlyTotal("U.S. Border Patrol", 211181)], march2022);

        // Feb 2023 was preliminary in the scrape; the release's final figure replaces it, the old one is still known as of before.
        var preliminary = MonthlyImports.CbpSboTotalsByComponent(record.Store, new YearMonth(2023, 2), afterTableau);
        var final = MonthlyImports.CbpSboTotalsByComponent(record.Store, new YearMonth(2023, 2), now);
        Assert.True(final.Single(t => t.Name == "U.S. Border Patrol").Total > preliminary.Single(t => t.Name == "U.S. Border Patrol").Total);
    }

    [Theory]
    [InlineData(SboAug, "cbp_sbo_monthly", 8, "Encounter Count '12x' is not a whole number")]
    [InlineData(KhsmSector, "khsm_monthly", 4, "Quantity '12x' is not a whole number")]
    public void Import_CorruptedRow_ReportsFileAndLine_AndStoresNothing(string name, string table, int column, string problem)
    {
        using var record = new TempRecord(backend);
        // Something already recorded, so "nothing stored" is checked against a non-empty table and chain.
        if (table == "cbp_sbo_monthly")
        {
            MonthlyImports.ImportCbpSbo(record.Store, Source(SboTableau), record.Clock);
        }
        else
        {
            MonthlyImports.ImportKhsm(record.Store, Source(KhsmRegion), record.Clock);
        }

        var rowsBefore = Rows(record, table);
        var head = record.Store.Audit.Verify();
        var path = WriteCopy(record, name, lines => lines[99] = ReplaceField(lines[99], column, "12x"));

        var e = Assert.Throws<SourceDataException>(() => table == "cbp_sbo_monthly"
            ? MonthlyImports.ImportCbpSbo(record.Store, path, record.Clock)
            : MonthlyImports.ImportKhsm(record.Store, path, record.Clock));

        Assert.Equal($"{path}:100: {problem}", e.Message);
        Assert.Equal(rowsBefore, Rows(record, table));
        Assert.Equal(1, record.Scalar("SELECT COUNT(*) FROM monthly_import"));
        var after = record.Store.Audit.Verify();
        Assert.True(after.IsValid);
        Assert.Equal(head.EntryCount, after.EntryCount);
        Assert.Equal(head.HeadHash, after.HeadHash);
    }

    [Theory]
    [InlineData(SboAug, 100, 8, "-5", "Encounter Count is negative (-5)")]
    [InlineData(SboAug, 100, 2, "APRIL", "Month (abbv) 'APRIL' is not a month code (JAN … DEC)")]
    [InlineData(SboAug, 100, 0, "FY22", "Fiscal Year 'FY22' is not a year or 'YYYY (FYTD)'")]
    [InlineData(SboAug, 100, 1, "Later", "Month Grouping 'Later' is not FYTD or Remaining")]
    [InlineData(KhsmSector, 100, 1, "05 March", "Month '05 March' is not a fiscal month label ('01 October' … '12 September')")]
    [InlineData(KhsmSector, 100, 6, "3", "Calendar Year/Month 2000-3 does not match FY2000 '05 February' (2000-02)")]
    [InlineData(KhsmSector, 100, 3, "", "Sector is empty")]
    public void Import_BadCell_IsReportedWithItsLine(string name, int line, int column, string value, string problem)
    {
        using var record = new TempRecord(backend);
        var path = WriteCopy(record, name, lines => lines[line - 1] = ReplaceField(lines[line - 1], column, value));

        var e = Assert.Throws<SourceDataException>(() => name.StartsWith("cbp_", StringComparison.Ordinal)
            ? MonthlyImports.ImportCbpSbo(record.Store, path, record.Clock)
            : MonthlyImports.ImportKhsm(record.Store, path, record.Clock));

        Assert.Equal($"{path}:{line}: {problem}", e.Message);
        Assert.Empty(record.Store.Audit.Entries());
        Assert.Equal(0, record.Scalar("SELECT COUNT(*) FROM monthly_import"));
    }

    [Fact]
    public void Import_WrongHeaderOrDuplicateCell_IsRefused()
    {
        using var record = new TempRecord(backend);
        var renamed = WriteCopy(record, KhsmRegion, lines => lines[0] = lines[0].Replace("Quantity", "Count", StringComparison.Ordinal));
        var e = Assert.Throws<SourceDataException>(() => MonthlyImports.ImportKhsm(record.Store, renamed, record.Clock));
        Assert.StartsWith($"{renamed}:1: header does not match the KHSM monthly layout", e.Message, StringComparison.Ordinal);

        // A KHSM file is not a CBP file.
        e = Assert.Throws<SourceDataException>(() => MonthlyImports.ImportCbpSbo(record.Store, Source(KhsmRegion), record.Clock));
        Assert.Contains(":1: header does not match the CBP Southwest Land Border Encounters layout", e.Message, StringComparison.Ordinal);

        var duplicated = WriteCopy(record, KhsmRegion, lines => lines[50] = lines[10]);
        e = Assert.Throws<SourceDataException>(() => MonthlyImports.ImportKhsm(record.Store, duplicated, record.Clock));
        Assert.StartsWith($"{duplicated}:51: the same cell (", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("appears twice (first on line 11)", e.Message, StringComparison.Ordinal);
        Assert.Empty(record.Store.Audit.Entries());
    }

    [Fact]
    public void Import_RevisedCopy_AddsOnlyRevisions_AndAsKnownOnReturnsTheEarlierValue()
    {
        using var record = new TempRecord(backend);
        var original = MonthlyImports.ImportKhsm(record.Store, Source(KhsmRegion), record.Clock);
        var beforeRevision = record.Clock.GetCurrentInstant();

        // Line 2 is FY2000 "01 October", Coastal Border, 740 (1999-10).
        var path = WriteCopy(record, KhsmRegion, lines => lines[1] = ReplaceField(lines[1], 3, "750"));
        var revised = MonthlyImports.ImportKhsm(record.Store, path, record.Clock);

        Assert.Equal(ImportOutcome.Recorded, revised.Outcome);
        Assert.Equal(0, revised.NewRowCount);
        Assert.Equal(1, revised.RevisedRowCount);
        Assert.Equal(original.RowCount + 1, Rows(record, "khsm_monthly"));
        Assert.Equal(2, record.Store.Audit.Entries().Count);

        var october = new YearMonth(1999, 10);
        var then = MonthlyImports.KhsmTotalsByRegion(record.Store, october, beforeRevision);
        var now = MonthlyImports.KhsmTotalsByRegion(record.Store, october, record.Clock.GetCurrentInstant());
        Assert.Equal(740, then.Single(t => t.Name == "Coastal Border").Total);
        Assert.Equal(750, now.Single(t => t.Name == "Coastal Border").Total);
        Assert.Equal(then.Single(t => t.Name == "Southwest Land Border"), now.Single(t => t.Name == "Southwest Land Border"));

        // Re-importing the revised copy, or the original again after it, adds nothing new that was already current.
        Assert.Equal(ImportOutcome.Unchanged, MonthlyImports.ImportKhsm(record.Store, path, record.Clock).Outcome);
        var back = MonthlyImports.ImportKhsm(record.Store, Source(KhsmRegion), record.Clock);
        Assert.Equal(1, back.RevisedRowCount);
        Assert.Equal(740, MonthlyImports.KhsmTotalsByRegion(record.Store, october, record.Clock.GetCurrentInstant()).Single(t => t.Name == "Coastal Border").Total);
        Assert.True(record.Store.Audit.Verify().IsValid);
    }

    private static string WriteCopy(TempRecord record, string name, Action<string[]> edit)
    {
        var lines = File.ReadAllLines(Source(name));
        edit(lines);
        var path = Path.Combine(record.Directory, "edited-" + name);
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
        return path;
    }

    /// <summary>Replaces one comma-separated field, respecting double quotes (the sector names contain commas).</summary>
    private static string ReplaceField(string line, int index, string value)
    {
        var fields = new List<string>();
        var start = 0;
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '"')
            {
                quoted = !quoted;
            }
            else if (line[i] == ',' && !quoted)
            {
                fields.Add(line[start..i]);
                start = i + 1;
            }
        }

        fields.Add(line[start..]);
        fields[index] = value;
        return string.Join(",", fields);
    }
}

public sealed class MonthlyImportTestsOnSqlite() : MonthlyImportTests(Backend.Sqlite);

public sealed class MonthlyImportTestsOnPostgres() : MonthlyImportTests(Backend.Postgres);
