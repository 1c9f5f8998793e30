using System.Globalization;
using NodaTime;

namespace Threshold.Synthesis;

/// <summary>
/// Derives the MODELED daily series 2024-01-01 .. 2025-01-19 from real monthly totals
/// (see <c>docs/data-synthesis.md</c>). Deterministic: the same sources and parameters always
/// give the same series.
/// </summary>
/// <remarks>
/// Method, per column: each month's total is spread over its days with a continuous,
/// mass-preserving piecewise-linear shape (levels at month boundaries are the mean of the two
/// neighbouring months' daily rates; a mid-month level is solved so the month sums to its total),
/// then turned into integers by largest-remainder rounding, so every complete month sums exactly
/// to its real total. between_ports has a regime break on 2024-06-05 (Proclamation 10773): it holds
/// a pre-proclamation level on 1–4 June and decays exponentially from 5 June towards the July level,
/// the decay rate being solved so June sums exactly.
/// </remarks>
public static class DailySeriesSynthesizer
{
    /// <summary>Proclamation 10773 took effect at 00:01 EDT on this day.</summary>
    public static readonly LocalDate ProclamationEffective = new(2024, 6, 5);

    /// <summary>Proclamation 10888 took effect on this day; the series stops the day before.</summary>
    public static readonly LocalDate Proclamation10888Effective = new(2025, 1, 20);

    internal const string BetweenPortsColumn = "between_ports";
    internal const string CoastalColumn = "coastal";
    internal const string PortsOfEntryColumn = "ports_of_entry";
    internal const string UcBetweenColumn = "uc_noncontiguous_between_ports";
    internal const string UcPortsColumn = "uc_noncontiguous_ports";

    private static readonly YearMonth December2023 = new(2023, 12);
    private static readonly YearMonth May2024 = new(2024, 5);
    private static readonly YearMonth June2024 = new(2024, 6);
    private static readonly YearMonth July2024 = new(2024, 7);
    private static readonly YearMonth November2024 = new(2024, 11);
    private static readonly YearMonth December2024 = new(2024, 12);
    private static readonly YearMonth January2025 = new(2025, 1);
    private static readonly YearMonth February2025 = new(2025, 2);

    /// <summary>Synthesises the series with <see cref="SynthesisParameters.Default"/>.</summary>
    public static SynthesizedSeries Synthesize(MonthlySources sources) =>
        Synthesize(sources, SynthesisParameters.Default);

    /// <summary>Synthesises the series with the given shape parameters.</summary>
    public static SynthesizedSeries Synthesize(MonthlySources sources, SynthesisParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.CoastalFillMonths < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(parameters), "CoastalFillMonths must be at least 1.");
        }

        var january19 = SynthesizedSeries.LastDay.Day;
        var januaryTail = DaysIn(January2025) - january19;

        // Coastal fill: mean daily rate of the last CoastalFillMonths reported KHSM months.
        var fillFirst = November2024.PlusMonths(1 - parameters.CoastalFillMonths);
        long fillSum = 0;
        var fillDays = 0;
        for (var m = fillFirst; m <= November2024; m = m.PlusMonths(1))
        {
            fillSum += Get(sources.Coastal, m, CoastalColumn);
            fillDays += DaysIn(m);
        }

        var coastalFillRate = (double)fillSum / fillDays;
        var coastalDecember = RoundToInt(coastalFillRate * DaysIn(December2024));
        var coastalJanuary = RoundToInt(coastalFillRate * DaysIn(January2025));
        var coastalJanuary1To19 = RoundToInt(coastalFillRate * january19);

        var splits = new List<January2025Split>
        {
            SplitJanuary(BetweenPortsColumn, sources.BetweenPorts, januaryTail),
            new(CoastalColumn, coastalJanuary, coastalJanuary - coastalJanuary1To19, coastalJanuary1To19),
            SplitJanuary(PortsOfEntryColumn, sources.PortsOfEntry, januaryTail),
            SplitJanuary(UcBetweenColumn, sources.UcNoncontiguousBetweenPorts, januaryTail),
            SplitJanuary(UcPortsColumn, sources.UcNoncontiguousPorts, januaryTail),
        };

        var pre = parameters.PreProclamationFactor * Rate(sources.BetweenPorts, May2024, BetweenPortsColumn);
        var post = parameters.PostProclamationFactor * Rate(sources.BetweenPorts, July2024, BetweenPortsColumn);
        var regimeBreak = new RegimeBreak(ProclamationEffective, pre, post);

        var betweenPorts = SynthesizeColumn(BetweenPortsColumn, sources.BetweenPorts, null, splits[0], regimeBreak, out var decayRate);
        var coastal = SynthesizeColumn(CoastalColumn, sources.Coastal, coastalDecember, splits[1], null, out _);
        var ports = SynthesizeColumn(PortsOfEntryColumn, sources.PortsOfEntry, null, splits[2], null, out _);
        var ucBetween = SynthesizeColumn(UcBetweenColumn, sources.UcNoncontiguousBetweenPorts, null, splits[3], null, out _);
        var ucPorts = SynthesizeColumn(UcPortsColumn, sources.UcNoncontiguousPorts, null, splits[4], null, out _);

        var days = new List<SynthesizedDay>(betweenPorts.Length);
        var date = SynthesizedSeries.FirstDay;
        for (var i = 0; i < betweenPorts.Length; i++, date = date.PlusDays(1))
        {
            var day = new SynthesizedDay(date, betweenPorts[i], coastal[i], ports[i], ucBetween[i], ucPorts[i]);
            if (day.UcNoncontiguousBetweenPorts > day.BetweenPorts + day.Coastal || day.UcNoncontiguousPorts > day.PortsOfEntry)
            {
                throw new InvalidOperationException(
                    $"Synthesis produced a subset larger than its total on {day.Date:yyyy-MM-dd}: {day}.");
            }

            days.Add(day);
        }

        var assumptions = new SynthesisAssumptions(
            parameters, pre, post, decayRate, coastalFillRate, coastalDecember, splits.AsReadOnly());
        return new SynthesizedSeries(days.AsReadOnly(), BuildNotes(sources, assumptions).AsReadOnly(), assumptions);
    }

    private static January2025Split SplitJanuary(string column, IReadOnlyDictionary<YearMonth, int> monthly, int tailDays)
    {
        var total = Get(monthly, January2025, column);
        var tail = RoundToInt(Rate(monthly, February2025, column) * tailDays);
        if (tail > total)
        {
            throw new InvalidOperationException(
                $"{column}: the assumed 20–31 January 2025 count ({tail}) exceeds the January total ({total}).");
        }

        return new January2025Split(column, total, tail, total - tail);
    }

    internal sealed record Segment(LocalDate Start, int Days, int Total)
    {
        public double Rate => (double)Total / Days;
    }

    internal sealed record RegimeBreak(LocalDate Effective, double PreLevel, double PostLevel);

    private static int[] SynthesizeColumn(
        string column,
        IReadOnlyDictionary<YearMonth, int> monthly,
        int? december2024Override,
        January2025Split january,
        RegimeBreak? regimeBreak,
        out double decayRate)
    {
        var segments = new List<Segment>();
        for (var m = new YearMonth(2024, 1); m <= December2024; m = m.PlusMonths(1))
        {
            var total = m == December2024 && december2024Override is { } fill ? fill : Get(monthly, m, column);
            segments.Add(new Segment(m.OnDayOfMonth(1), DaysIn(m), total));
        }

        segments.Add(new Segment(January2025.OnDayOfMonth(1), SynthesizedSeries.LastDay.Day, january.January1To19));
        var values = Shape(segments, Rate(monthly, December2023, column), regimeBreak, out decayRate);

        var result = new int[values.Length];
        var offset = 0;
        foreach (var segment in segments)
        {
            var allocated = LargestRemainder(values.AsSpan(offset, segment.Days), segment.Total);
            allocated.CopyTo(result, offset);
            offset += segment.Days;
        }

        return result;
    }

    /// <summary>Real-valued daily shape for consecutive segments; each segment's values sum to its total.</summary>
    internal static double[] Shape(IReadOnlyList<Segment> segments, double previousRate, RegimeBreak? regimeBreak, out double decayRate)
    {
        var count = segments.Count;
        var boundaries = new double[count + 1];
        boundaries[0] = (previousRate + segments[0].Rate) / 2;
        for (var i = 1; i < count; i++)
        {
            boundaries[i] = (segments[i - 1].Rate + segments[i].Rate) / 2;
        }

        // The last segment has no known successor: its end level is its own daily rate.
        boundaries[count] = segments[count - 1].Rate;

        decayRate = 0;
        var breakIndex = -1;
        double[]? breakValues = null;
        if (regimeBreak is not null)
        {
            for (var i = 0; i < count; i++)
            {
                var s = segments[i];
                if (s.Start <= regimeBreak.Effective && regimeBreak.Effective < s.Start.PlusDays(s.Days))
                {
                    breakIndex = i;
                }
            }

            if (breakIndex < 0)
            {
                throw new InvalidOperationException("The regime break date lies outside the segments.");
            }

            breakValues = DecaySegment(segments[breakIndex], regimeBreak, out decayRate, out var endLevel);
            boundaries[breakIndex] = regimeBreak.PreLevel;
            boundaries[breakIndex + 1] = endLevel;
        }

        var values = new List<double>();
        for (var i = 0; i < count; i++)
        {
            values.AddRange(i == breakIndex ? breakValues! : LinearSegment(segments[i], boundaries[i], boundaries[i + 1]));
        }

        return [.. values];
    }

    /// <summary>
    /// Piecewise-linear through (0, start), (n/2, mid), (n, end), sampled at day centres; mid is
    /// solved so the samples sum to the segment total. Negative samples (never produced by the
    /// shipped data) would be clamped to 0 and the rest rescaled.
    /// </summary>
    internal static double[] LinearSegment(Segment segment, double start, double end)
    {
        var n = segment.Days;
        var half = n / 2.0;
        double At(double t, double mid) =>
            t <= half ? start + ((mid - start) * t / half) : mid + ((end - mid) * (t - half) / half);

        double a = 0, b = 0;
        for (var j = 0; j < n; j++)
        {
            a += At(j + 0.5, 0);
            b += At(j + 0.5, 1);
        }

        var mid = (segment.Total - a) / (b - a);
        var values = new double[n];
        var clamped = false;
        for (var j = 0; j < n; j++)
        {
            values[j] = At(j + 0.5, mid);
            if (values[j] < 0)
            {
                values[j] = 0;
                clamped = true;
            }
        }

        if (clamped)
        {
            var sum = values.Sum();
            for (var j = 0; j < n; j++)
            {
                values[j] = sum > 0 ? values[j] * segment.Total / sum : (double)segment.Total / n;
            }
        }

        return values;
    }

    /// <summary>
    /// Days before the break stay at the pre level; from the break day the level is
    /// post + (pre − post)·exp(−k·t) at day centres t = 0.5, 1.5, …, with k solved by bisection so the
    /// segment sums to its total.
    /// </summary>
    internal static double[] DecaySegment(Segment segment, RegimeBreak regimeBreak, out double k, out double endLevel)
    {
        var before = Period.Between(segment.Start, regimeBreak.Effective, PeriodUnits.Days).Days;
        var after = segment.Days - before;
        var pre = regimeBreak.PreLevel;
        var post = regimeBreak.PostLevel;
        var target = segment.Total - (before * pre);
        var mean = target / after;
        if (!(mean < Math.Max(pre, post) && mean > Math.Min(pre, post)))
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"Cannot solve the {regimeBreak.Effective:yyyy-MM-dd} decay: the mean after the break ({mean:F1}/day) must lie strictly between the pre level ({pre:F1}) and the post level ({post:F1}). Adjust the SynthesisParameters factors."));
        }

        double SumAfter(double rate)
        {
            double s = 0;
            for (var j = 0; j < after; j++)
            {
                s += post + ((pre - post) * Math.Exp(-rate * (j + 0.5)));
            }

            return s;
        }

        // SumAfter moves monotonically from after·pre (k = 0) towards after·post (k → ∞).
        double lo = 0, hi = 50;
        var falling = pre > post;
        for (var iteration = 0; iteration < 200; iteration++)
        {
            var midRate = (lo + hi) / 2;
            var tooMuch = SumAfter(midRate) > target;
            if (tooMuch == falling)
            {
                lo = midRate;
            }
            else
            {
                hi = midRate;
            }
        }

        k = (lo + hi) / 2;
        endLevel = post + ((pre - post) * Math.Exp(-k * after));
        var values = new double[segment.Days];
        for (var j = 0; j < segment.Days; j++)
        {
            values[j] = j < before ? pre : post + ((pre - post) * Math.Exp(-k * (j - before + 0.5)));
        }

        return values;
    }

    /// <summary>
    /// Integer allocation of <paramref name="total"/> proportional to <paramref name="weights"/>:
    /// floors, then the remaining units go to the largest fractional parts (earlier day first on ties).
    /// </summary>
    internal static int[] LargestRemainder(ReadOnlySpan<double> weights, int total)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        var n = weights.Length;
        var sum = 0.0;
        foreach (var w in weights)
        {
            if (w < 0 || double.IsNaN(w) || double.IsInfinity(w))
            {
                throw new ArgumentException("Weights must be finite and non-negative.", nameof(weights));
            }

            sum += w;
        }

        var result = new int[n];
        var fractions = new double[n];
        long assigned = 0;
        for (var i = 0; i < n; i++)
        {
            var exact = sum > 0 ? weights[i] * total / sum : (double)total / n;
            var floor = Math.Floor(exact);
            result[i] = (int)floor;
            fractions[i] = exact - floor;
            assigned += result[i];
        }

        var remainder = total - assigned;
        var order = Enumerable.Range(0, n).ToArray();
        if (remainder > 0)
        {
            Array.Sort(order, (x, y) => fractions[x] != fractions[y] ? fractions[y].CompareTo(fractions[x]) : x.CompareTo(y));
            for (var i = 0; remainder > 0; i = (i + 1) % n, remainder--)
            {
                result[order[i]]++;
            }
        }
        else if (remainder < 0)
        {
            // Only reachable through floating-point error: take units back from the smallest fractions.
            Array.Sort(order, (x, y) => fractions[x] != fractions[y] ? fractions[x].CompareTo(fractions[y]) : y.CompareTo(x));
            for (var i = 0; remainder < 0; i = (i + 1) % n)
            {
                if (result[order[i]] > 0)
                {
                    result[order[i]]--;
                    remainder++;
                }
            }
        }

        return result;
    }

    private static int Get(IReadOnlyDictionary<YearMonth, int> monthly, YearMonth month, string column)
    {
        if (!monthly.TryGetValue(month, out var value))
        {
            throw new ArgumentException($"{column}: no monthly figure for {MonthlySources.Format(month)}.", nameof(monthly));
        }

        if (value < 0)
        {
            throw new ArgumentException($"{column}: negative monthly figure for {MonthlySources.Format(month)}.", nameof(monthly));
        }

        return value;
    }

    private static double Rate(IReadOnlyDictionary<YearMonth, int> monthly, YearMonth month, string column) =>
        (double)Get(monthly, month, column) / DaysIn(month);

    private static int DaysIn(YearMonth month) => CalendarSystem.Iso.GetDaysInMonth(month.Year, month.Month);

    private static int RoundToInt(double value) => checked((int)Math.Round(value, MidpointRounding.AwayFromZero));

    private static List<string> BuildNotes(MonthlySources sources, SynthesisAssumptions a)
    {
        string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
        var p = a.Parameters;
        var splitText = string.Join("; ", a.January2025.Select(s =>
            F($"{s.Column} {s.MonthTotal:N0} = {s.January1To19:N0} (1-19 Jan) + {s.AssumedJanuary20To31:N0} (20-31 Jan)")));
        return
        [
            SynthesizedSeries.ProvenanceLine,
            "modeled: no public daily encounter series exists; every daily value below is an estimate spread from monthly totals and must not be cited as a CBP/DHS daily figure",
            "modeled: period 2024-01-01..2025-01-19 (stops the day before Proclamation 10888 took effect on 2025-01-20); method and checks in docs/data-synthesis.md",
            F($"modeled: between_ports = USBP southwest land border encounters (all ages), monthly totals from data/source/{MonthlySources.UsbpSwbFile} column usbp_swb_encounters (CBP published)"),
            F($"modeled: coastal = USBP Coastal Border region, monthly totals from data/source/{MonthlySources.KhsmRegionFile} (DHS OHSS KHSM, rounded to 10, ends Nov 2024); Dec 2024 = {a.CoastalDecember2024Fill} and Jan 2025 = {a.CoastalFillDailyRate:F3}/day, the mean daily rate of the last {p.CoastalFillMonths} reported months (Sep-Nov 2024)"),
            F($"modeled: ports_of_entry = OFO southwest encounters, sum of Encounter Count for Component 'Office of Field Operations' per month in data/source/{MonthlySources.SboEncountersFile} (CBP; FY2025 months preliminary)"),
            F($"modeled: uc_noncontiguous_between_ports = USBP southwest UCs not from Mexico, data/source/{MonthlySources.UcContiguityFile} column uc_other_noncontiguous; coastal UCs (0-20/month in KHSM, citizenship unknown) are counted as 0, i.e. not subtracted"),
            F($"modeled: uc_noncontiguous_ports = OFO UCs (Demographic 'UAC') whose Citizenship Grouping is not 'Mexico', from data/source/{MonthlySources.SboEncountersFile}"),
            "modeled: within-month shape = continuous piecewise-linear curve through month-boundary levels (mean of the two neighbouring months' daily rates; Dec 2023 is the left neighbour of Jan 2024) and a mid-month level solved so each month sums exactly; no day-of-week pattern (no public daily data to justify one)",
            F($"modeled: regime break for between_ports at 2024-06-05 (Proclamation 10773, effective 00:01 EDT): pre-proclamation level {a.PreProclamationLevel:F1}/day ({p.PreProclamationFactor:0.###} x May 2024 daily rate) is the May/June boundary level and is held on 1-4 June; from 5 June the level is post + (pre - post) x exp(-k t) (t = days since 5 June 00:00, day centres) with post = {a.PostProclamationLevel:F1}/day ({p.PostProclamationFactor:0.###} x July 2024 daily rate) and k = {a.JuneDecayRatePerDay:F4}/day solved so June sums exactly (July starts from the decay curve's 30 June end level); other columns have no break (OFO and UCs were not subject to the suspension; coastal is too small and rounded)"),
            F($"modeled: January 2025 real totals cover 31 days; 20-31 Jan assumed to run at the February 2025 daily rate of the same column, the remainder is spread over 1-19 Jan: {splitText}"),
            "modeled: integers by largest-remainder rounding within each month (ties to the earlier day), so every complete month Jan-Dec 2024 sums exactly to its monthly total",
        ];
    }
}
