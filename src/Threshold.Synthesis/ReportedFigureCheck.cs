using System.Globalization;
using NodaTime;

namespace Threshold.Synthesis;

/// <summary>
/// The outcome of comparing the MODELED series with one published statement from
/// <c>data/source/reported_daily_and_7day_avg_figures_2023_2025.csv</c>.
/// </summary>
/// <param name="StatementDate">Date of the statement as given in the source file (<c>yyyy-MM-dd</c> or <c>yyyy-MM</c>).</param>
/// <param name="Claim">The published claim, quoted or paraphrased from the source.</param>
/// <param name="Criterion">How the claim is evaluated against the series (window, column, bound).</param>
/// <param name="ComputedValue">The series' value for the criterion (a 7-day mean per day, a percentage or a total).</param>
/// <param name="Passed">Whether the modeled series satisfies the criterion.</param>
/// <param name="SourceUrl">Where the statement was published.</param>
public sealed record ReportedFigureResult(
    string StatementDate,
    string Claim,
    string Criterion,
    double ComputedValue,
    bool Passed,
    string SourceUrl);

/// <summary>A 7-day mean and the last day of its window.</summary>
/// <param name="WindowEnd">Last day of the 7-day window.</param>
/// <param name="Average">Mean per day over the 7 days ending on <paramref name="WindowEnd"/>.</param>
public sealed record SevenDayAverage(LocalDate WindowEnd, double Average);

/// <summary>
/// Checks the MODELED series against the published 2024 daily and 7-day statements. The
/// statements of Dec 2023 and Feb 2025 fall outside the series and are not evaluated.
/// </summary>
public static class ReportedFigureCheck
{
    private const string Abc7Url = "https://abc7.com/post/border-encounters-numbers-heres-what-data-shows/14945373/";
    private const string DhsJune25Url = "https://dhs.gov/archive/news/2024/06/25/fact-sheet-president-bidens-presidential-proclamation-and-joint-dhs-doj-interim";
    private const string CbpJuneUpdateUrl = "https://landscapers.focusongroup.com/fon_industryinsiders/june-2024-a-significant-decline-in-migrant-encounters/?edition=";
    private const string CbpBelow1900Url = "https://walls-work.org/bidens-presidential-proclamation-yields-significant-decline-in-border-crossings/";
    private const string CbsRuleCountUrl = "https://worldreportnetwork.com/migrant-crossings-continue-to-plunge-approaching-levels-that-will-lift-bidens-border";
    private const string DhsJuly24Url = "https://dhs.gov/news/2024/07/24/fact-sheet-president-bidens-presidential-proclamation-and-joint-dhs-doj-interim";
    private const string IsacsonUrl = "https://adamisacson.com/daily-border-links-october-1-2024/";

    /// <summary>All source URLs cited by the checks (each appears in the reported-figures file).</summary>
    public static IReadOnlyList<string> SourceUrls { get; } =
        [Abc7Url, DhsJune25Url, CbpJuneUpdateUrl, CbpBelow1900Url, CbsRuleCountUrl, DhsJuly24Url, IsacsonUrl];

    /// <summary>Evaluates every 2024 statement against <paramref name="series"/>.</summary>
    public static IReadOnlyList<ReportedFigureResult> Evaluate(SynthesizedSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        return Evaluate(series.Days);
    }

    /// <summary>Evaluates every 2024 statement against the daily rows (they must cover 2024-05-29 .. 2024-09-30).</summary>
    public static IReadOnlyList<ReportedFigureResult> Evaluate(IReadOnlyList<SynthesizedDay> days)
    {
        ArgumentNullException.ThrowIfNull(days);
        var byDate = days.ToDictionary(d => d.Date);
        static int Bp(SynthesizedDay d) => d.BetweenPorts;
        static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

        var announcement = Mean(byDate, new LocalDate(2024, 6, 4), 7, Bp);
        var beforeJune25 = Mean(byDate, new LocalDate(2024, 6, 24), 7, Bp);
        var endOfJune = Mean(byDate, new LocalDate(2024, 6, 30), 7, Bp);
        var dropTo25 = 100 * (1 - (beforeJune25 / announcement));
        var dropToEnd = 100 * (1 - (endOfJune / announcement));
        var earlyJuly = Lowest(byDate, Bp, new LocalDate(2024, 7, 1), new LocalDate(2024, 7, 15));
        var ruleWindows = Range(byDate, d => d.RuleCountV1, new LocalDate(2024, 7, 14), new LocalDate(2024, 7, 28));
        var closestRule = ruleWindows.MinBy(w => Math.Abs(w.Average - 1650))!;
        var beforeJuly24 = Mean(byDate, new LocalDate(2024, 7, 23), 7, Bp);
        var june = Sum(byDate, new LocalDate(2024, 6, 1), new LocalDate(2024, 6, 30), Bp);
        var julySep = Mean(byDate, new LocalDate(2024, 9, 30), 92, Bp);

        return
        [
            new("2024-06-13",
                "latest figures before the proclamation 'far higher, at about 4,000 daily' (USBP)",
                "7-day mean of between_ports, 2024-05-29..2024-06-04, within ±10% of 4,000",
                announcement, Math.Abs(announcement - 4000) <= 400, Abc7Url),
            new("2024-06-25",
                "'Border Patrol's 7-day encounter average has decreased ... to under 2,400 encounters per day'",
                "7-day mean of between_ports, 2024-06-18..2024-06-24, < 2,400",
                beforeJune25, beforeJune25 < 2400, DhsJune25Url),
            new("2024-06-25",
                "'Border Patrol's 7-day encounter average has decreased more than 40 percent'",
                "% drop of the 7-day mean of between_ports from 2024-05-29..06-04 to 2024-06-18..06-24, > 40",
                dropTo25, dropTo25 > 40, DhsJune25Url),
            new("2024-07",
                "'a more than 50% drop in the seven day average from the announcement to the end of the month' (CBP June 2024 update)",
                "% drop of the 7-day mean of between_ports from 2024-05-29..06-04 (announcement 4 June) to 2024-06-24..06-30, > 50",
                dropToEnd, dropToEnd > 50, CbpJuneUpdateUrl),
            new("2024-07",
                "'The Border Patrol's seven-day average has decreased to below 1,900 encounters per day' (CBP June 2024 update)",
                F($"lowest 7-day mean of between_ports for windows ending 2024-07-01..2024-07-15 (lowest ends {earlyJuly.WindowEnd:yyyy-MM-dd}), < 1,900"),
                earlyJuly.Average, earlyJuly.Average < 1900, CbpBelow1900Url),
            new("2024-07",
                "average daily crossings as counted under the rule (non-contiguous UCs excluded) about 1,650 for the week before the CBS report",
                F($"7-day mean of between_ports + coastal - uc_noncontiguous_between_ports closest to 1,650 among windows ending 2024-07-14..2024-07-28 (ends {closestRule.WindowEnd:yyyy-MM-dd}; range {ruleWindows.Min(w => w.Average):F0}..{ruleWindows.Max(w => w.Average):F0}), within ±10% of 1,650"),
                closestRule.Average, Math.Abs(closestRule.Average - 1650) <= 165, CbsRuleCountUrl),
            new("2024-07-24",
                "USBP 7-day average below 1,800 encounters per day (most recent 7 days before the fact sheet)",
                "7-day mean of between_ports, 2024-07-17..2024-07-23, < 1,800",
                beforeJuly24, beforeJuly24 < 1800, DhsJuly24Url),
            new("2024-07-24",
                "June 2024 USBP encounters between ports of entry 83,536 (later CBP CSV: 83,532)",
                "sum of between_ports over June 2024, within 10 of 83,536",
                june, Math.Abs(june - 83536) <= 10, DhsJuly24Url),
            new("2024-09-30",
                "USBP apprehensions July-September 2024 averaged 1,831 per day (Sept preliminary; analyst)",
                "mean of between_ports 2024-07-01..2024-09-30, within ±1% of 1,831",
                julySep, Math.Abs(julySep - 1831) <= 18.31, IsacsonUrl),
        ];
    }

    /// <summary>
    /// The lowest 7-day mean of <paramref name="value"/> over windows ending from
    /// <paramref name="firstWindowEnd"/> to <paramref name="lastWindowEnd"/> (all 7 days must be in <paramref name="days"/>).
    /// </summary>
    public static SevenDayAverage LowestSevenDayAverage(
        IReadOnlyList<SynthesizedDay> days, Func<SynthesizedDay, int> value, LocalDate firstWindowEnd, LocalDate lastWindowEnd)
    {
        ArgumentNullException.ThrowIfNull(days);
        ArgumentNullException.ThrowIfNull(value);
        return Lowest(days.ToDictionary(d => d.Date), value, firstWindowEnd, lastWindowEnd);
    }

    /// <summary>Every 7-day mean of <paramref name="value"/> for windows ending from <paramref name="firstWindowEnd"/> to <paramref name="lastWindowEnd"/>.</summary>
    public static IReadOnlyList<SevenDayAverage> SevenDayAverages(
        IReadOnlyList<SynthesizedDay> days, Func<SynthesizedDay, int> value, LocalDate firstWindowEnd, LocalDate lastWindowEnd)
    {
        ArgumentNullException.ThrowIfNull(days);
        ArgumentNullException.ThrowIfNull(value);
        return Range(days.ToDictionary(d => d.Date), value, firstWindowEnd, lastWindowEnd);
    }

    private static SevenDayAverage Lowest(
        Dictionary<LocalDate, SynthesizedDay> byDate, Func<SynthesizedDay, int> value, LocalDate first, LocalDate last) =>
        Range(byDate, value, first, last).MinBy(w => w.Average)!;

    private static List<SevenDayAverage> Range(
        Dictionary<LocalDate, SynthesizedDay> byDate, Func<SynthesizedDay, int> value, LocalDate first, LocalDate last)
    {
        if (last < first)
        {
            throw new ArgumentException("The last window end is before the first.", nameof(last));
        }

        var result = new List<SevenDayAverage>();
        for (var end = first; end <= last; end = end.PlusDays(1))
        {
            result.Add(new SevenDayAverage(end, Mean(byDate, end, 7, value)));
        }

        return result;
    }

    private static double Mean(Dictionary<LocalDate, SynthesizedDay> byDate, LocalDate end, int length, Func<SynthesizedDay, int> value) =>
        (double)Sum(byDate, end.PlusDays(1 - length), end, value) / length;

    private static long Sum(Dictionary<LocalDate, SynthesizedDay> byDate, LocalDate first, LocalDate last, Func<SynthesizedDay, int> value)
    {
        long total = 0;
        for (var d = first; d <= last; d = d.PlusDays(1))
        {
            if (!byDate.TryGetValue(d, out var day))
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"The series has no row for {d:yyyy-MM-dd}, needed by a reported-figure check."),
                    nameof(byDate));
            }

            total += value(day);
        }

        return total;
    }
}
