using System.Globalization;
using NodaTime;

using Threshold.Sources;

namespace Threshold.Synthesis.Tests;

/// <summary>
/// Refreshing from a newer CBP release (issue 16, part 1): a file in the Southwest Land Border Encounters layout dropped
/// into the source folder, under any name, extends the series to its last month and revises the months it covers.
/// The release here is a TEST FIXTURE: its figures are made up (the 2025-26 USBP months are the real ones, August 2026
/// is revised and September-October 2026 are invented).
/// </summary>
public sealed class RefreshTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "threshold-refresh-" + Guid.NewGuid().ToString("N"));

    public RefreshTests()
    {
        Directory.CreateDirectory(folder);
        foreach (var name in new[] { MonthlySources.UsbpSwbFile, MonthlySources.KhsmRegionFile, MonthlySources.UcContiguityFile, MonthlySources.SboEncountersFile })
        {
            File.Copy(Path.Combine(TestData.SourceDirectory, name), Path.Combine(folder, name));
        }
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>One USBP row (single adults, a UAC row for the children) and one OFO row per month, Sep 2025 .. Oct 2026.</summary>
    private static string NewerRelease(Func<YearMonth, int> usbp)
    {
        var lines = new List<string> { MonthlySources.SboHeader };
        string[] abbreviations = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
        for (var m = new YearMonth(2025, 9); m <= new YearMonth(2026, 10); m = m.PlusMonths(1))
        {
            var fiscal = m.Month >= 10 ? m.Year + 1 : m.Year;
            var fy = fiscal == 2027 ? "2027 (FYTD)" : fiscal.ToString(CultureInfo.InvariantCulture);
            var month = abbreviations[m.Month - 1];
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{fy},FYTD,{month},U.S. Border Patrol,Single Adults,Mexico,Title 8,Apprehensions,{usbp(m) - 100}"));
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{fy},FYTD,{month},U.S. Border Patrol,UAC,Other,Title 8,Apprehensions,100"));
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{fy},FYTD,{month},Office of Field Operations,Single Adults,Other,Title 8,Inadmissibles,{3000 + m.Month}"));
        }

        return string.Join('\n', lines) + "\n";
    }

    [Fact]
    public void ANewerReleaseDroppedIn_ExtendsTheSeriesToItsLastMonth_AndItsFiguresWinForTheMonthsItCovers()
    {
        var real = TestData.Sources.BetweenPorts;
        int Usbp(YearMonth m) => m == new YearMonth(2026, 8) ? 9_000 : m > new YearMonth(2026, 8) ? 8_000 + m.Month : real[m];
        File.WriteAllText(Path.Combine(folder, "southwest_land_border_encounters_fy23_fy27_oct.csv"), NewerRelease(Usbp));

        var sources = MonthlySources.Load(folder);
        Assert.Equal(new LocalDate(2026, 10, 31), DailySeriesSynthesizer.LatestLastDay(sources));
        var series = DailySeriesSynthesizer.Synthesize(sources);
        Assert.Equal(new LocalDate(2026, 10, 31), series.Days[^1].Date);
        var months = series.Days.GroupBy(d => d.Date.ToYearMonth()).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(9_000, months[new YearMonth(2026, 8)].Sum(d => d.BetweenPorts)); // revised by the newer release
        Assert.Equal(8_009, months[new YearMonth(2026, 9)].Sum(d => d.BetweenPorts));
        Assert.Equal(8_010, months[new YearMonth(2026, 10)].Sum(d => d.BetweenPorts));
        Assert.Equal(3_009, months[new YearMonth(2026, 9)].Sum(d => d.PortsOfEntry)); // reported now, no longer filled
        Assert.Equal(100, months[new YearMonth(2026, 10)].Sum(d => d.UcNoncontiguousBetweenPorts));
        Assert.Equal(real[new YearMonth(2024, 6)], months[new YearMonth(2024, 6)].Sum(d => d.BetweenPorts)); // older months keep their release
        Assert.Null(series.Assumptions.Fills.Single(f => f.Column == "ports_of_entry").FirstFilledMonth);
        Assert.Equal(new YearMonth(2024, 12), series.Assumptions.Fills.Single(f => f.Column == "coastal").FirstFilledMonth);
    }

    [Fact]
    public void ANewerReleaseWithABadCount_IsRefusedNamingItsFileAndLine()
    {
        var text = NewerRelease(m => 5_000).Replace(",4900\n", ",49x0\n", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(folder, "newer.csv"), text);
        var e = Assert.Throws<SourceDataException>(() => MonthlySources.Load(folder));
        Assert.Equal("newer.csv", e.FileName);
        Assert.Equal(2, e.LineNumber);
    }

    [Fact]
    public void AFileInAnotherLayout_IsNotARelease()
    {
        File.WriteAllText(Path.Combine(folder, "notes.csv"), "a,b\n1,2\n");
        Assert.Equal(TestData.Latest.Days[^1].Date, DailySeriesSynthesizer.LatestLastDay(MonthlySources.Load(folder)));
    }
}
