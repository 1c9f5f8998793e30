using NodaTime;

namespace Threshold.Sources.Tests;

/// <summary>
/// The one reader of the monthly source files (issue 16, part 2): every real file of <c>data/source</c> it serves is
/// read whole, and a defect in any of them is refused naming the file and the line.
/// </summary>
public sealed class MonthlyCsvTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "threshold-sources-" + Guid.NewGuid().ToString("N"));

    public MonthlyCsvTests() => Directory.CreateDirectory(folder);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static string SourceDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "data", "source", "README.md")))
                {
                    return Path.Combine(dir.FullName, "data", "source");
                }
            }

            throw new InvalidOperationException("data/source not found above " + AppContext.BaseDirectory);
        }
    }

    [Theory]
    [InlineData("cbp_sbo_encounters_fy22_fy25_aug.csv", "cbp-sbo", "2025-08")]
    [InlineData("cbp_sbo_encounters_fy20_fy23feb_tableau_scrape.csv", "cbp-sbo-tableau", "2023-02")]
    [InlineData("usbp_khsm_monthly_region_fy2000_fy2025nov.csv", "khsm-region", "2024-11")]
    [InlineData("usbp_khsm_monthly_region_citizenship_fy2000_fy2025nov.csv", "khsm-region-citizenship", "2024-11")]
    [InlineData("usbp_khsm_monthly_region_family_status_fy2000_fy2025nov.csv", "khsm-region-family-status", "2024-11")]
    [InlineData("usbp_khsm_monthly_region_sector_fy2000_fy2025nov.csv", "khsm-region-sector", "2024-11")]
    public void EveryRealReleaseAndKhsmTable_IsReadWhole(string file, string layout, string lastMonth)
    {
        var read = MonthlyCsv.ReadFile(SourceDirectory, file, layout.StartsWith("khsm", StringComparison.Ordinal) ? MonthlyCsv.ReadKhsm : MonthlyCsv.ReadCbpSbo);
        Assert.Equal(layout, read.Layout);
        var dataLines = File.ReadLines(Path.Combine(SourceDirectory, file)).Skip(1).Count(l => l.Trim().Length > 0);
        Assert.Equal(dataLines, read.Rows.Count);
        Assert.Equal(lastMonth, read.Rows.Max(r => r.Month).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void ThePublishedMonthFiles_AreReadByTheirMonthAndTheAskedColumns()
    {
        var usbp = MonthlyCsv.ReadFile(SourceDirectory, "usbp_swb_monthly_encounters_2017_2026_cbp_published.csv", MonthlyCsv.Published("usbp_swb_encounters"));
        Assert.Equal(83_532L, usbp.Rows.Single(r => r.Month == new YearMonth(2024, 6)).Values[0]);
        Assert.Equal(new YearMonth(2026, 8), usbp.Rows.Max(r => r.Month));
        var uc = MonthlyCsv.ReadFile(SourceDirectory, "usbp_swb_monthly_uc_by_contiguity_fy2020_fy2025aug.csv", MonthlyCsv.Published("uc_total", "uc_other_noncontiguous"));
        Assert.All(uc.Rows, r => Assert.True((long)r.Values[0]! >= (long)r.Values[1]!));
    }

    [Theory]
    [InlineData("month,n\n2024-01,5\n2024-13,6\n", 3, "is not a month")]
    [InlineData("month,n\n2024-01,5\n2024-01,6\n", 3, "appears twice (first on line 2)")]
    [InlineData("month,n\n2024-01,-5\n", 2, "n is negative")]
    [InlineData("month,n\n2024-01,5x\n", 2, "n '5x' is not a whole number")]
    [InlineData("month,n\n2024-01\n", 2, "row has 1 fields; the header has 2")]
    [InlineData("month,count\n2024-01,5\n", 1, "header has no column 'n'")]
    [InlineData("month,n\n", 1, "no data rows")]
    public void APublishedFileWithADefect_IsRefusedNamingItsLine(string text, long line, string problem)
    {
        File.WriteAllText(Path.Combine(folder, "bad.csv"), text);
        var e = Assert.Throws<SourceDataException>(() => MonthlyCsv.ReadFile(folder, "bad.csv", MonthlyCsv.Published("n")));
        Assert.Equal("bad.csv", e.FileName);
        Assert.Equal(line, e.Line);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingFile_IsRefusedAtLineZeroNamingIt()
    {
        var e = Assert.Throws<SourceDataException>(() => MonthlyCsv.ReadFile(folder, "absent.csv", MonthlyCsv.ReadCbpSbo));
        Assert.Equal("absent.csv", e.FileName);
        Assert.Equal(0, e.Line);
    }

    /// <summary>No other code parses these files: the only CSV readers left in src/ are the daily series' and the cases'.</summary>
    [Fact]
    public void NoOtherReaderOfTheMonthlyFiles_RemainsInSrc()
    {
        var src = Path.GetFullPath(Path.Combine(SourceDirectory, "..", "..", "src"));
        var readers = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f) is var text && text.Contains("Sep.New(", StringComparison.Ordinal) && text.Contains(".Reader(", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(src, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(["Threshold.Engine/EncounterCsvReader.cs", "Threshold.Screening/CaseCsvReader.cs", "Threshold.Sources/MonthlyCsv.cs"], readers);
    }
}
