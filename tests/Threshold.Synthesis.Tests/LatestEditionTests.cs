using System.Globalization;
using NodaTime;

namespace Threshold.Synthesis.Tests;

/// <summary>The latest edition (2024-01-01 through the last month of the between-ports figures): issue 16, part 1.</summary>
public class LatestEditionTests
{
    private static readonly LocalDate Inauguration = DailySeriesSynthesizer.Proclamation10888Effective;

    /// <summary>The committed file's rows, read as text: date → the five counts.</summary>
    private static Dictionary<LocalDate, int[]> CommittedRows()
    {
        var path = Path.Combine(TestData.RepositoryRoot, SynthesizedSeriesCsv.PathFor(TestData.Latest.Days[^1].Date));
        return File.ReadLines(path)
            .Where(l => l.Length > 0 && !l.StartsWith('#') && !l.StartsWith("date,", StringComparison.Ordinal))
            .Select(l => l.Split(','))
            .ToDictionary(
                f => LocalDate.FromDateTime(DateTime.ParseExact(f[0], "yyyy-MM-dd", CultureInfo.InvariantCulture)),
                f => f.Skip(1).Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray());
    }

    [Fact]
    public void CommittedFile_EveryMonthOfBetweenPorts_SumsToTheCbpPublishedTotal_ReadFromTheSourceFile()
    {
        // The source file read directly, without the synthesis' reader: month → usbp_swb_encounters.
        var source = File.ReadLines(Path.Combine(TestData.SourceDirectory, MonthlySources.UsbpSwbFile)).Skip(1)
            .Select(l => l.Split(','))
            .ToDictionary(f => f[0], f => int.Parse(f[2], CultureInfo.InvariantCulture));
        var rows = CommittedRows();
        var months = rows.GroupBy(r => r.Key.ToYearMonth()).ToList();
        Assert.Equal(32, months.Count); // 2024-01 .. 2026-08
        foreach (var month in months)
        {
            var key = string.Create(CultureInfo.InvariantCulture, $"{month.Key.Year:D4}-{month.Key.Month:D2}");
            Assert.Equal(CalendarSystem.Iso.GetDaysInMonth(month.Key.Year, month.Key.Month), month.Count());
            Assert.True(source[key] == month.Sum(r => r.Value[0]), $"between_ports {key}: source {source[key]}, series {month.Sum(r => r.Value[0])}");
        }
    }

    [Fact]
    public void CommittedFile_OtherColumns_SumToTheirSourcesThroughTheirLastMonth_ThenToTheDocumentedFill()
    {
        var rows = CommittedRows();
        var s = TestData.Sources;
        IReadOnlyDictionary<YearMonth, int>[] sources = [s.Coastal, s.PortsOfEntry, s.UcNoncontiguousBetweenPorts, s.UcNoncontiguousPorts];
        string[] names = ["coastal", "ports_of_entry", "uc_noncontiguous_between_ports", "uc_noncontiguous_ports"];
        for (var c = 0; c < sources.Length; c++)
        {
            var fill = TestData.Latest.Assumptions.Fills.Single(f => f.Column == names[c]);
            Assert.NotNull(fill.FirstFilledMonth);
            foreach (var month in rows.GroupBy(r => r.Key.ToYearMonth()))
            {
                var expected = month.Key <= fill.LastReportedMonth
                    ? sources[c][month.Key]
                    : (int)Math.Round(fill.DailyRate * month.Count(), MidpointRounding.AwayFromZero);
                Assert.True(expected == month.Sum(r => r.Value[c + 1]), $"{names[c]} {month.Key}: expected {expected}, got {month.Sum(r => r.Value[c + 1])}");
            }
        }

        Assert.Equal(new YearMonth(2024, 11), TestData.Latest.Assumptions.Fills.Single(f => f.Column == "coastal").LastReportedMonth);
        Assert.Equal(new YearMonth(2025, 8), TestData.Latest.Assumptions.Fills.Single(f => f.Column == "ports_of_entry").LastReportedMonth);
    }

    [Fact]
    public void MethodNotes_LabelEveryFillAsAnAssumption_AndTheBreakAndHeldDaysWithTheirMarks()
    {
        var notes = TestData.Latest.MethodNotes;
        Assert.All(notes, n => Assert.StartsWith("modeled:", n, StringComparison.Ordinal));
        foreach (var column in new[] { "coastal =", "ports_of_entry =", "uc_noncontiguous_between_ports =", "uc_noncontiguous_ports =" })
        {
            Assert.Contains(notes, n => n.Contains(column, StringComparison.Ordinal) && n.Contains("an assumption [U], not data", StringComparison.Ordinal));
        }

        Assert.Contains(notes, n => n.Contains("2025-01-20 (Proclamation 10888)", StringComparison.Ordinal) && n.Contains("[S]", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.Contains("2025-06-28 = 136 [S]", StringComparison.Ordinal) && n.Contains("2025-07-20 = 88 [V-off]", StringComparison.Ordinal));
    }

    [Fact]
    public void January2025_HoldsItsLevelTo19January_ThenDecaysTowardsFebruary_AndTheMonthSumsExactly()
    {
        var days = TestData.Latest.Days;
        var january = days.Where(d => d.Date.ToYearMonth() == new YearMonth(2025, 1)).ToList();
        Assert.Equal(TestData.Sources.BetweenPorts[new YearMonth(2025, 1)], january.Sum(d => d.BetweenPorts));
        var j = TestData.Latest.Assumptions.January2025Break!;
        Assert.All(january.Take(19), d => Assert.InRange(d.BetweenPorts, Math.Floor(j.PreLevel), Math.Ceiling(j.PreLevel)));
        for (var i = 19; i < january.Count; i++)
        {
            Assert.True(january[i].BetweenPorts < january[i - 1].BetweenPorts, $"{january[i].Date} does not decline");
        }

        // The ports step on the day CBP One appointments ended: the February rate from 20 January.
        var februaryRate = TestData.Sources.PortsOfEntry[new YearMonth(2025, 2)] / 28.0;
        Assert.All(january.Skip(19), d => Assert.InRange(d.PortsOfEntry, Math.Floor(februaryRate), Math.Ceiling(februaryRate)));
        var thirty = days.Where(d => d.Date >= Inauguration && d.Date < Inauguration.PlusDays(30)).Sum(d => d.BetweenPorts + d.PortsOfEntry);
        Assert.InRange(thirty, 15_700 - 20, 15_700 + 20);
    }

    [Fact]
    public void ReportedLows_AreHeldExactly_AndAreTheLowestDaysOfTheirMonths()
    {
        var days = TestData.Latest.Days;
        foreach (var held in SynthesisParameters.Default.ReportedDays)
        {
            var month = days.Where(d => d.Date.ToYearMonth() == held.Date.ToYearMonth()).ToList();
            Assert.Equal(held.Value, month.Single(d => d.Date == held.Date).BetweenPorts);
            Assert.All(month.Where(d => d.Date != held.Date), d => Assert.True(d.BetweenPorts > held.Value, d.ToString()));
            Assert.Equal(TestData.Sources.BetweenPorts[held.Date.ToYearMonth()], month.Sum(d => d.BetweenPorts));
        }
    }

    [Fact]
    public void The2024Part_IsTheEarlierEditionsExceptDecember2024_WhichNowLeadsIntoTheModelledJanuary()
    {
        var earlier = TestData.Series.Days.ToDictionary(d => d.Date);
        foreach (var d in TestData.Latest.Days.Where(d => d.Date < new LocalDate(2024, 12, 1)))
        {
            Assert.Equal(earlier[d.Date], d);
        }
    }

    [Fact]
    public void DaylightSavingChanges_2025And2026_OneRowPerCalendarDay()
    {
        var dates = TestData.Latest.Days.Select(d => d.Date).ToList();
        for (var i = 1; i < dates.Count; i++)
        {
            Assert.Equal(dates[i - 1].PlusDays(1), dates[i]);
        }

        foreach (var change in new[] { new LocalDate(2025, 3, 9), new LocalDate(2025, 11, 2), new LocalDate(2026, 3, 8) })
        {
            Assert.Single(dates, d => d == change);
        }

        Assert.Equal(new LocalDate(2026, 8, 31), dates[^1]);
    }

    [Fact]
    public void Synthesize_ThroughAnyMonthEnd_IsAPrefixOfNothingButSumsEveryMonth_AndABadLastDayIsRefused()
    {
        var shorter = DailySeriesSynthesizer.Synthesize(TestData.Sources, SynthesisParameters.Default, new LocalDate(2025, 12, 31));
        Assert.Equal(new LocalDate(2025, 12, 31), shorter.Days[^1].Date);
        foreach (var month in shorter.Days.GroupBy(d => d.Date.ToYearMonth()))
        {
            Assert.Equal(TestData.Sources.BetweenPorts[month.Key], month.Sum(d => d.BetweenPorts));
        }

        var notMonthEnd = Assert.Throws<ArgumentOutOfRangeException>(() => DailySeriesSynthesizer.Synthesize(TestData.Sources, SynthesisParameters.Default, new LocalDate(2025, 12, 30)));
        Assert.Contains("2025-12-30 is neither", notMonthEnd.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => DailySeriesSynthesizer.Synthesize(TestData.Sources, SynthesisParameters.Default, new LocalDate(2026, 9, 30)));
    }

    [Fact]
    public void ConsecutiveDays_MoveSmoothly_ExceptAtTheBreaksAndTheHeldDays()
    {
        var days = TestData.Latest.Days;
        var exempt = new HashSet<LocalDate> { DailySeriesSynthesizer.ProclamationEffective, Inauguration };
        foreach (var held in SynthesisParameters.Default.ReportedDays)
        {
            exempt.Add(held.Date);
            exempt.Add(held.Date.PlusDays(1));
        }

        for (var i = 1; i < days.Count; i++)
        {
            if (exempt.Contains(days[i].Date) || days[i].Date < new LocalDate(2025, 1, 1))
            {
                continue;
            }

            // 2025-26 levels are about 100-330 a day, so the bound is looser than 2024's 7.5% (one unit is ~0.5%),
            // and the decay after the inauguration falls faster: 20% a day there.
            int a = days[i - 1].BetweenPorts, b = days[i].BetweenPorts;
            var relative = days[i].Date < Inauguration.PlusDays(12) ? 0.20 : 0.075;
            Assert.True(Math.Abs(a - b) <= 2 + (relative * Math.Max(a, b)), $"between_ports {days[i - 1].Date}->{days[i].Date}: {a}->{b}");
        }
    }
}
