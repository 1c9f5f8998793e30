using NodaTime;

namespace Threshold.Synthesis.Tests;

public class SynthesisTests
{
    /// <summary>
    /// Documented continuity bound: between consecutive days a column moves by at most
    /// 1 + 7.5% of the larger of the two values (the steepest slope is between_ports in the first half
    /// of January 2024, ~7.0%/day; the +1 covers integer rounding of small columns). 2024-06-05 is exempt.
    /// </summary>
    private const double ContinuityRelativeBound = 0.075;

    private static readonly Func<SynthesizedDay, int>[] Columns =
    [
        d => d.BetweenPorts, d => d.Coastal, d => d.PortsOfEntry, d => d.UcNoncontiguousBetweenPorts, d => d.UcNoncontiguousPorts,
    ];

    private static readonly string[] ColumnNames =
        ["between_ports", "coastal", "ports_of_entry", "uc_noncontiguous_between_ports", "uc_noncontiguous_ports"];

    private static IReadOnlyDictionary<YearMonth, int>[] MonthlyColumns(MonthlySources s) =>
        [s.BetweenPorts, s.Coastal, s.PortsOfEntry, s.UcNoncontiguousBetweenPorts, s.UcNoncontiguousPorts];

    private static int CoastalFill(int days)
    {
        var s = TestData.Sources.Coastal;
        var rate = (s[new YearMonth(2024, 9)] + s[new YearMonth(2024, 10)] + s[new YearMonth(2024, 11)]) / 91.0;
        return (int)Math.Round(rate * days, MidpointRounding.AwayFromZero);
    }

    [Fact]
    public void Synthesize_RealSources_OneRowPerDayFrom2024_01_01To2025_01_19()
    {
        var days = TestData.Series.Days;
        Assert.Equal(new LocalDate(2024, 1, 1), days[0].Date);
        Assert.Equal(new LocalDate(2025, 1, 19), days[^1].Date);
        Assert.Equal(366 + 19, days.Count);
        for (var i = 1; i < days.Count; i++)
        {
            Assert.Equal(days[i - 1].Date.PlusDays(1), days[i].Date);
        }
    }

    [Fact]
    public void Synthesize_EveryCompleteMonthAndColumn_SumsExactlyToMonthlyTotal()
    {
        var monthly = MonthlyColumns(TestData.Sources);
        for (var m = 1; m <= 12; m++)
        {
            var month = new YearMonth(2024, m);
            var days = TestData.Series.Days.Where(d => d.Date.ToYearMonth() == month).ToList();
            Assert.Equal(CalendarSystem.Iso.GetDaysInMonth(2024, m), days.Count);
            for (var c = 0; c < Columns.Length; c++)
            {
                var expected = c == 1 && m == 12 ? CoastalFill(31) : monthly[c][month];
                Assert.True(expected == days.Sum(Columns[c]), $"{ColumnNames[c]} {month}: expected {expected}, got {days.Sum(Columns[c])}");
            }
        }
    }

    [Fact]
    public void Synthesize_CoastalDecember2024_IsMeanDailyRateOfSepToNov2024()
    {
        Assert.Equal(300, CoastalFill(31));
        Assert.Equal(300, TestData.Series.Assumptions.CoastalDecember2024Fill);
    }

    [Fact]
    public void Synthesize_January2025_SubtotalIsMonthTotalMinusFebruaryRateTimes12()
    {
        var monthly = MonthlyColumns(TestData.Sources);
        var january = TestData.Series.Days.Where(d => d.Date.ToYearMonth() == new YearMonth(2025, 1)).ToList();
        Assert.Equal(19, january.Count);
        Assert.Equal(new LocalDate(2025, 1, 19), january[^1].Date);
        for (var c = 0; c < Columns.Length; c++)
        {
            int expected;
            if (c == 1)
            {
                expected = CoastalFill(19);
            }
            else
            {
                var tail = (int)Math.Round(monthly[c][new YearMonth(2025, 2)] / 28.0 * 12, MidpointRounding.AwayFromZero);
                expected = monthly[c][new YearMonth(2025, 1)] - tail;
            }

            Assert.Equal(expected, january.Sum(Columns[c]));
            var split = TestData.Series.Assumptions.January2025.Single(s => s.Column == ColumnNames[c]);
            Assert.Equal(expected, split.January1To19);
            Assert.Equal(split.MonthTotal, split.January1To19 + split.AssumedJanuary20To31);
        }

        // The documented subtotals (docs/data-synthesis.md).
        Assert.Equal(25527, january.Sum(d => d.BetweenPorts));
        Assert.Equal(184, january.Sum(d => d.Coastal));
        Assert.Equal(30901, january.Sum(d => d.PortsOfEntry));
        Assert.Equal(1678, january.Sum(d => d.UcNoncontiguousBetweenPorts));
        Assert.Equal(339, january.Sum(d => d.UcNoncontiguousPorts));
    }

    [Fact]
    public void Synthesize_EveryDay_SubsetsNeverExceedTotalsAndAllNonNegative()
    {
        foreach (var d in TestData.Series.Days)
        {
            Assert.True(d.UcNoncontiguousBetweenPorts <= d.BetweenPorts + d.Coastal, d.ToString());
            Assert.True(d.UcNoncontiguousPorts <= d.PortsOfEntry, d.ToString());
            Assert.All(Columns, c => Assert.True(c(d) >= 0, d.ToString()));
        }
    }

    [Fact]
    public void Synthesize_ConsecutiveDays_NoJumpAboveBoundExceptAtProclamation()
    {
        var days = TestData.Series.Days;
        for (var i = 1; i < days.Count; i++)
        {
            if (days[i].Date == DailySeriesSynthesizer.ProclamationEffective)
            {
                continue;
            }

            for (var c = 0; c < Columns.Length; c++)
            {
                int a = Columns[c](days[i - 1]), b = Columns[c](days[i]);
                var bound = 1 + (ContinuityRelativeBound * Math.Max(a, b));
                Assert.True(Math.Abs(a - b) <= bound, $"{ColumnNames[c]} {days[i - 1].Date}->{days[i].Date}: {a}->{b} exceeds {bound:F1}");
            }
        }
    }

    [Fact]
    public void Synthesize_June2024_HoldsPreLevelThenDecaysMonotonicallyFromJune5()
    {
        var june = TestData.Series.Days.Where(d => d.Date.ToYearMonth() == new YearMonth(2024, 6)).ToList();
        var pre = TestData.Series.Assumptions.PreProclamationLevel;
        Assert.All(june.Take(4), d => Assert.InRange(d.BetweenPorts, Math.Floor(pre), Math.Ceiling(pre)));
        for (var i = 4; i < june.Count; i++)
        {
            Assert.True(june[i].BetweenPorts < june[i - 1].BetweenPorts, $"{june[i].Date} does not decline");
        }

        Assert.InRange(TestData.Series.Assumptions.JuneDecayRatePerDay, 0.12, 0.125);
    }

    [Fact]
    public void Synthesize_TwoRuns_ProduceIdenticalSeriesAndCsv()
    {
        var first = DailySeriesSynthesizer.Synthesize(MonthlySources.Load(TestData.SourceDirectory));
        var second = DailySeriesSynthesizer.Synthesize(MonthlySources.Load(TestData.SourceDirectory));
        Assert.Equal(first.Days, second.Days);
        Assert.Equal(first.MethodNotes, second.MethodNotes);
        Assert.Equal(SynthesizedSeriesCsv.ToCsvString(first), SynthesizedSeriesCsv.ToCsvString(second));
    }

    [Fact]
    public void Synthesize_MethodNotes_EveryNoteSaysModeled()
    {
        Assert.Equal(SynthesizedSeries.ProvenanceLine, TestData.Series.MethodNotes[0]);
        Assert.All(TestData.Series.MethodNotes, n => Assert.StartsWith("modeled:", n, StringComparison.Ordinal));
    }

    [Fact]
    public void Synthesize_UnsolvableDecayParameters_ThrowsInvalidOperation()
    {
        var parameters = SynthesisParameters.Default with { PreProclamationFactor = 0.5 };
        var ex = Assert.Throws<InvalidOperationException>(() => DailySeriesSynthesizer.Synthesize(TestData.Sources, parameters));
        Assert.Contains("2024-06-05", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RuleCountV1_SevenDayAveragesJune11ToSeptember30_NeverBelow1500()
    {
        // Informational agreement with reporting that the v1 average never fell below 1,500 (not forced).
        var lowest = ReportedFigureCheck.LowestSevenDayAverage(
            TestData.Series.Days, d => d.RuleCountV1, new LocalDate(2024, 6, 11), new LocalDate(2024, 9, 30));
        Assert.True(lowest.Average >= 1500, lowest.ToString());
    }
}
