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
/// <param name="Mark">The statement's verification mark: [V-off] for an official release or its repost, [S] for a press or analyst report.</param>
public sealed record ReportedFigureResult(
    string StatementDate,
    string Claim,
    string Criterion,
    double ComputedValue,
    bool Passed,
    string SourceUrl,
    string Mark = "[S]");

/// <summary>A published statement whose window the series does not cover, so it was not evaluated.</summary>
/// <param name="StatementDate">Date of the statement.</param>
/// <param name="Claim">The claim.</param>
/// <param name="Window">The days the check needs (inclusive).</param>
public sealed record ReportedFigureSkipped(string StatementDate, string Claim, string Window);

/// <summary>A 7-day mean and the last day of its window.</summary>
/// <param name="WindowEnd">Last day of the 7-day window.</param>
/// <param name="Average">Mean per day over the 7 days ending on <paramref name="WindowEnd"/>.</param>
public sealed record SevenDayAverage(LocalDate WindowEnd, double Average);

/// <summary>
/// Checks the MODELED series against the published daily, 7-day, 30-day and monthly statements of 2024 and 2025
/// (after Proclamation 10888: the 30-day total from 2025-01-20, the record lows of June and July 2025, the July 2025
/// daily average, the FY2025 total). A statement whose window the series does not cover is not evaluated
/// (<see cref="Skipped"/>). The December 2023 statements fall before every edition.
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
    private const string ThirtyDayUrl = "https://updatem.com/category/politics/page/2846";
    private const string February2025Url = "https://kpax.com/politics/immigration/trump-administration-highlights-decline-in-border-apprehensions";
    private const string June2025Url = "https://www.finanznachrichten.de/nachrichten-2025-07/65921296-cbp-reports-major-border-enforcement-wins-in-june-020.htm";
    private const string July2025Url = "https://www.einpresswire.com/article/836280126/history-made-again-trump-administration-crushes-border-records-in-july";
    private const string Fy2025Url = "https://www.cbsnews.com/colorado/news/illegal-crossings-immigration-us-mexico-southern-border-lowest-level-1970-trump-dhs/";

    /// <summary>All source URLs cited by the checks (each appears in the reported-figures file).</summary>
    public static IReadOnlyList<string> SourceUrls { get; } =
        [Abc7Url, DhsJune25Url, CbpJuneUpdateUrl, CbpBelow1900Url, CbsRuleCountUrl, DhsJuly24Url, IsacsonUrl, ThirtyDayUrl, February2025Url, June2025Url, July2025Url, Fy2025Url];

    /// <summary>Evaluates every 2024 statement against <paramref name="series"/>.</summary>
    public static IReadOnlyList<ReportedFigureResult> Evaluate(SynthesizedSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        return Evaluate(series.Days);
    }

    /// <summary>
    /// Evaluates every statement whose window the daily rows cover; throws when they cover none. The 2024 statements
    /// need 2024-05-29 .. 2024-09-30, the 2025 ones their own windows.
    /// </summary>
    public static IReadOnlyList<ReportedFigureResult> Evaluate(IReadOnlyList<SynthesizedDay> days)
    {
        ArgumentNullException.ThrowIfNull(days);
        var byDate = days.ToDictionary(d => d.Date);
        var results = Statements.Where(c => Covers(byDate, c)).Select(c => c.Evaluate(byDate)).ToList();
        if (results.Count == 0)
        {
            throw new ArgumentException("The series covers the window of none of the published statements (2024-05-29 .. 2024-09-30, or 2025-01-20 .. 2025-09-30).", nameof(days));
        }

        return results;
    }

    /// <summary>The statements whose windows the daily rows do not cover.</summary>
    public static IReadOnlyList<ReportedFigureSkipped> Skipped(IReadOnlyList<SynthesizedDay> days)
    {
        ArgumentNullException.ThrowIfNull(days);
        var byDate = days.ToDictionary(d => d.Date);
        return [.. Statements.Where(c => !Covers(byDate, c)).Select(c => new ReportedFigureSkipped(c.StatementDate, c.Claim, $"{c.First:yyyy-MM-dd}..{c.Last:yyyy-MM-dd}"))];
    }

    private static bool Covers(Dictionary<LocalDate, SynthesizedDay> byDate, Statement c) =>
        byDate.ContainsKey(c.First) && byDate.ContainsKey(c.Last);

    /// <summary>A published statement: the days it needs (inclusive; the rows are contiguous) and how it is checked.</summary>
    private sealed record Statement(string StatementDate, string Claim, LocalDate First, LocalDate Last, Func<Dictionary<LocalDate, SynthesizedDay>, ReportedFigureResult> Evaluate);

    private static readonly Statement[] Statements = [.. Statements2024(), .. Statements2025()];

    private static IEnumerable<Statement> Statements2024()
    {
        static int Bp(SynthesizedDay d) => d.BetweenPorts;
        static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
        LocalDate first = new(2024, 5, 29), last = new(2024, 9, 30);
        Statement S(string date, string claim, Func<Dictionary<LocalDate, SynthesizedDay>, ReportedFigureResult> evaluate) => new(date, claim, first, last, evaluate);
        double Announcement(Dictionary<LocalDate, SynthesizedDay> b) => Mean(b, new LocalDate(2024, 6, 4), 7, Bp);

        const string About4000 = "latest figures before the proclamation 'far higher, at about 4,000 daily' (USBP)";
        yield return S("2024-06-13", About4000, b =>
        {
            var v = Announcement(b);
            return new("2024-06-13", About4000, "7-day mean of between_ports, 2024-05-29..2024-06-04, within ±10% of 4,000", v, Math.Abs(v - 4000) <= 400, Abc7Url, "[S]");
        });
        const string Under2400 = "'Border Patrol's 7-day encounter average has decreased ... to under 2,400 encounters per day'";
        yield return S("2024-06-25", Under2400, b =>
        {
            var v = Mean(b, new LocalDate(2024, 6, 24), 7, Bp);
            return new("2024-06-25", Under2400, "7-day mean of between_ports, 2024-06-18..2024-06-24, < 2,400", v, v < 2400, DhsJune25Url, "[V-off]");
        });
        const string Drop40 = "'Border Patrol's 7-day encounter average has decreased more than 40 percent'";
        yield return S("2024-06-25", Drop40, b =>
        {
            var v = 100 * (1 - (Mean(b, new LocalDate(2024, 6, 24), 7, Bp) / Announcement(b)));
            return new("2024-06-25", Drop40, "% drop of the 7-day mean of between_ports from 2024-05-29..06-04 to 2024-06-18..06-24, > 40", v, v > 40, DhsJune25Url, "[V-off]");
        });
        const string Drop50 = "'a more than 50% drop in the seven day average from the announcement to the end of the month' (CBP June 2024 update)";
        yield return S("2024-07", Drop50, b =>
        {
            var v = 100 * (1 - (Mean(b, new LocalDate(2024, 6, 30), 7, Bp) / Announcement(b)));
            return new("2024-07", Drop50, "% drop of the 7-day mean of between_ports from 2024-05-29..06-04 (announcement 4 June) to 2024-06-24..06-30, > 50", v, v > 50, CbpJuneUpdateUrl, "[V-off]");
        });
        const string Below1900 = "'The Border Patrol's seven-day average has decreased to below 1,900 encounters per day' (CBP June 2024 update)";
        yield return S("2024-07", Below1900, b =>
        {
            var w = Lowest(b, Bp, new LocalDate(2024, 7, 1), new LocalDate(2024, 7, 15));
            return new("2024-07", Below1900, F($"lowest 7-day mean of between_ports for windows ending 2024-07-01..2024-07-15 (lowest ends {w.WindowEnd:yyyy-MM-dd}), < 1,900"), w.Average, w.Average < 1900, CbpBelow1900Url, "[V-off]");
        });
        const string Rule1650 = "average daily crossings as counted under the rule (non-contiguous UCs excluded) about 1,650 for the week before the CBS report";
        yield return S("2024-07", Rule1650, b =>
        {
            var windows = Range(b, d => d.RuleCountV1, new LocalDate(2024, 7, 14), new LocalDate(2024, 7, 28));
            var closest = windows.MinBy(w => Math.Abs(w.Average - 1650))!;
            return new("2024-07", Rule1650, F($"7-day mean of between_ports + coastal - uc_noncontiguous_between_ports closest to 1,650 among windows ending 2024-07-14..2024-07-28 (ends {closest.WindowEnd:yyyy-MM-dd}; range {windows.Min(w => w.Average):F0}..{windows.Max(w => w.Average):F0}), within ±10% of 1,650"), closest.Average, Math.Abs(closest.Average - 1650) <= 165, CbsRuleCountUrl, "[S]");
        });
        const string Below1800 = "USBP 7-day average below 1,800 encounters per day (most recent 7 days before the fact sheet)";
        yield return S("2024-07-24", Below1800, b =>
        {
            var v = Mean(b, new LocalDate(2024, 7, 23), 7, Bp);
            return new("2024-07-24", Below1800, "7-day mean of between_ports, 2024-07-17..2024-07-23, < 1,800", v, v < 1800, DhsJuly24Url, "[V-off]");
        });
        const string June83536 = "June 2024 USBP encounters between ports of entry 83,536 (later CBP CSV: 83,532)";
        yield return S("2024-07-24", June83536, b =>
        {
            var v = Sum(b, new LocalDate(2024, 6, 1), new LocalDate(2024, 6, 30), Bp);
            return new("2024-07-24", June83536, "sum of between_ports over June 2024, within 10 of 83,536", v, Math.Abs(v - 83536) <= 10, DhsJuly24Url, "[V-off]");
        });
        const string JulySep = "USBP apprehensions July-September 2024 averaged 1,831 per day (Sept preliminary; analyst)";
        yield return S("2024-09-30", JulySep, b =>
        {
            var v = Mean(b, new LocalDate(2024, 9, 30), 92, Bp);
            return new("2024-09-30", JulySep, "mean of between_ports 2024-07-01..2024-09-30, within ±1% of 1,831", v, Math.Abs(v - 1831) <= 18.31, IsacsonUrl, "[S]");
        });
    }

    private static IEnumerable<Statement> Statements2025()
    {
        static int Bp(SynthesizedDay d) => d.BetweenPorts;
        static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

        const string Thirty = "CBP southwest encounters over the 30 days after the 2025-01-20 inauguration 'around 15,700', the lowest 30-day total since April 2017";
        LocalDate from10888 = new(2025, 1, 20), day30 = new(2025, 2, 18);
        yield return new("2025-02-19", Thirty, from10888, day30, b =>
        {
            var v = Sum(b, from10888, day30, d => d.BetweenPorts + d.PortsOfEntry);
            return new("2025-02-19", Thirty, "sum of between_ports + ports_of_entry 2025-01-20..2025-02-18, within ±10% of 15,700 (the series' 2025-01-20 break is solved to this figure: a fit, not an independent check)", v, Math.Abs(v - 15700) <= 1570, ThirtyDayUrl, "[S]");
        });
        const string February = "February 2025 USBP southwest apprehensions 'just over 8,000'";
        LocalDate feb1 = new(2025, 2, 1), feb28 = new(2025, 2, 28);
        yield return new("2025-03", February, feb1, feb28, b =>
        {
            var v = Sum(b, feb1, feb28, Bp);
            return new("2025-03", February, "sum of between_ports over February 2025, 8,000 to 8,500", v, v is >= 8000 and <= 8500, February2025Url, "[S]");
        });
        const string Low136 = "single-day low of 136 USBP apprehensions on 2025-06-28 (CBP June 2025 update, as reported)";
        LocalDate june1 = new(2025, 6, 1), june30 = new(2025, 6, 30), june28 = new(2025, 6, 28);
        yield return new("2025-07", Low136, june1, june30, b =>
        {
            var low = Lowest(b, june1, june30, Bp);
            return new("2025-07", Low136, F($"between_ports on 2025-06-28 is 136 and the lowest day of June 2025 (lowest: {low.Date:yyyy-MM-dd}, {low.Value}; held at the reported value: a fit)"), b[june28].BetweenPorts, b[june28].BetweenPorts == 136 && low.Date == june28, June2025Url, "[S]");
        });
        const string Low88 = "single-day low of 88 USBP apprehensions on 2025-07-20 (DHS July 2025 release)";
        LocalDate july1 = new(2025, 7, 1), july31 = new(2025, 7, 31), july20 = new(2025, 7, 20);
        yield return new("2025-08", Low88, july1, july31, b =>
        {
            var low = Lowest(b, july1, july31, Bp);
            return new("2025-08", Low88, F($"between_ports on 2025-07-20 is 88 and the lowest day of July 2025 (lowest: {low.Date:yyyy-MM-dd}, {low.Value}; held at the reported value: a fit)"), b[july20].BetweenPorts, b[july20].BetweenPorts == 88 && low.Date == july20, July2025Url, "[V-off]");
        });
        const string July148 = "July 2025 USBP apprehensions averaged 148 a day (DHS preliminary 4,598)";
        yield return new("2025-08", July148, july1, july31, b =>
        {
            var v = Mean(b, july31, 31, Bp);
            return new("2025-08", July148, "mean of between_ports over July 2025, within ±1 of 148", v, Math.Abs(v - 148) <= 1, July2025Url, "[V-off]");
        });
        const string Fy2025 = "FY2025 USBP southwest apprehensions 237,565, the lowest since FY1970";
        LocalDate fyFirst = new(2024, 10, 1), fyLast = new(2025, 9, 30);
        yield return new("2025-10", Fy2025, fyFirst, fyLast, b =>
        {
            var v = Sum(b, fyFirst, fyLast, Bp);
            return new("2025-10", Fy2025, "sum of between_ports 2024-10-01..2025-09-30, within 0.1% of 237,565 (the monthly file sums to 237,538)", v, Math.Abs(v - 237565) <= 237.565, Fy2025Url, "[V-off]");
        });
    }

    private static (LocalDate Date, int Value) Lowest(Dictionary<LocalDate, SynthesizedDay> byDate, LocalDate first, LocalDate last, Func<SynthesizedDay, int> value)
    {
        var lowest = (Date: first, Value: int.MaxValue);
        for (var d = first; d <= last; d = d.PlusDays(1))
        {
            var v = value(byDate[d]);
            if (v < lowest.Value)
            {
                lowest = (d, v);
            }
        }

        return lowest;
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
