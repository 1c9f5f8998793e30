using System.Globalization;
using NodaTime;

namespace Threshold.Synthesis;

/// <summary>
/// Derives a MODELED daily series from real monthly totals (see <c>docs/data-synthesis.md</c>): from 2024-01-01
/// through the last month of CBP's published between-ports figures (an edition), or through 2025-01-19 (the earlier
/// edition that stops the day before Proclamation 10888). Deterministic: the same sources, parameters and last day
/// always give the same series.
/// </summary>
/// <remarks>
/// Method, per column: each month's total is spread over its days with a continuous, mass-preserving
/// piecewise-linear shape (levels at month boundaries are the mean of the two neighbouring months' daily rates; a
/// mid-month level is solved so the month sums to its total), then turned into integers by largest-remainder
/// rounding, so every complete month sums exactly to its real (or documented fill) total. Regime breaks:
/// between_ports on 2024-06-05 (Proclamation 10773: a held pre level, then exponential decay towards the July level)
/// and, in editions that cover it, on 2025-01-20 (Proclamation 10888: the same decay towards the February 2025 level,
/// its pre level solved so the 30 days from 20 January carry the reported total); the port and child columns step
/// to their February 2025 rate on 2025-01-20. Reported single days (the 2025 lows) are held at their reported value.
/// Columns whose source ends before the series does are filled at the mean daily rate of their last reported months.
/// </remarks>
public static class DailySeriesSynthesizer
{
    /// <summary>Proclamation 10773 took effect at 00:01 EDT on this day.</summary>
    public static readonly LocalDate ProclamationEffective = new(2024, 6, 5);

    /// <summary>Proclamation 10888 took effect on this day; the earlier edition stops the day before.</summary>
    public static readonly LocalDate Proclamation10888Effective = new(2025, 1, 20);

    /// <summary>The last day of the earlier edition (2024-01-01 .. 2025-01-19): the day before Proclamation 10888.</summary>
    public static readonly LocalDate Before10888LastDay = new(2025, 1, 19);

    /// <summary>First day of every edition.</summary>
    public static readonly LocalDate FirstDay = new(2024, 1, 1);

    internal const string BetweenPortsColumn = "between_ports";
    internal const string CoastalColumn = "coastal";
    internal const string PortsOfEntryColumn = "ports_of_entry";
    internal const string UcBetweenColumn = "uc_noncontiguous_between_ports";
    internal const string UcPortsColumn = "uc_noncontiguous_ports";

    private static readonly YearMonth December2023 = new(2023, 12);
    private static readonly YearMonth May2024 = new(2024, 5);
    private static readonly YearMonth July2024 = new(2024, 7);
    private static readonly YearMonth January2025 = new(2025, 1);
    private static readonly YearMonth February2025 = new(2025, 2);

    /// <summary>The last day the sources support: the last day of between_ports' last month.</summary>
    public static LocalDate LatestLastDay(MonthlySources sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        return LastContiguousMonth(sources.BetweenPorts, December2023).OnDayOfMonth(1).PlusMonths(1).PlusDays(-1);
    }

    /// <summary>Synthesises the latest edition (through <see cref="LatestLastDay"/>) with <see cref="SynthesisParameters.Default"/>.</summary>
    public static SynthesizedSeries Synthesize(MonthlySources sources) =>
        Synthesize(sources, SynthesisParameters.Default);

    /// <summary>Synthesises the latest edition with the given shape parameters.</summary>
    public static SynthesizedSeries Synthesize(MonthlySources sources, SynthesisParameters parameters) =>
        Synthesize(sources, parameters, LatestLastDay(sources));

    /// <summary>
    /// Synthesises 2024-01-01 .. <paramref name="lastDay"/> (inclusive), which must be 2025-01-19 (the earlier edition)
    /// or the last day of a month from January 2025 to between_ports' last month.
    /// </summary>
    public static SynthesizedSeries Synthesize(MonthlySources sources, SynthesisParameters parameters, LocalDate lastDay)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.CoastalFillMonths < 1 || parameters.SourceFillMonths < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(parameters), "CoastalFillMonths and SourceFillMonths must be at least 1.");
        }

        var latest = LatestLastDay(sources);
        var isMonthEnd = lastDay.PlusDays(1).Day == 1;
        if (lastDay != Before10888LastDay && !(isMonthEnd && lastDay >= January2025.OnDayOfMonth(31) && lastDay <= latest))
        {
            throw new ArgumentOutOfRangeException(nameof(lastDay), string.Create(CultureInfo.InvariantCulture,
                $"the series can end on {Before10888LastDay:yyyy-MM-dd} (the day before Proclamation 10888) or on the last day of a month from 2025-01 to {latest:yyyy-MM} (the last month of {MonthlySources.UsbpSwbFile}); {lastDay:yyyy-MM-dd} is neither"));
        }

        return new Edition(sources, parameters, lastDay).Build();
    }

    /// <summary>One synthesis run: the monthly totals (with fills), the segments and breaks of each column, the days.</summary>
    private sealed class Edition(MonthlySources sources, SynthesisParameters p, LocalDate lastDay)
    {
        private readonly bool partialJanuary = lastDay == Before10888LastDay;
        private readonly List<SourceFill> fills = [];

        /// <summary>The last month the series covers in full (December 2024 for the earlier edition).</summary>
        private YearMonth LastFullMonth => partialJanuary ? new YearMonth(2024, 12) : lastDay.ToYearMonth();

        /// <summary>The last month whose total is needed: the series' last, and February 2025 for the January rates.</summary>
        private YearMonth LastNeededMonth => LastFullMonth > February2025 ? LastFullMonth : February2025;

        public SynthesizedSeries Build()
        {
            var betweenPorts = Monthly(BetweenPortsColumn, sources.BetweenPorts, MonthlySources.UsbpSwbFile, null);
            var coastal = Monthly(CoastalColumn, sources.Coastal, MonthlySources.KhsmRegionFile, p.CoastalFillMonths);
            var ports = Monthly(PortsOfEntryColumn, sources.PortsOfEntry, MonthlySources.SboEncountersFile, p.SourceFillMonths);
            var ucBetween = Monthly(UcBetweenColumn, sources.UcNoncontiguousBetweenPorts, MonthlySources.UcContiguityFile, p.SourceFillMonths);
            var ucPorts = Monthly(UcPortsColumn, sources.UcNoncontiguousPorts, MonthlySources.SboEncountersFile, p.SourceFillMonths);

            var splits = partialJanuary
                ? new List<January2025Split>
                {
                    SplitJanuary(BetweenPortsColumn, betweenPorts), SplitJanuary(CoastalColumn, coastal), SplitJanuary(PortsOfEntryColumn, ports),
                    SplitJanuary(UcBetweenColumn, ucBetween), SplitJanuary(UcPortsColumn, ucPorts),
                }
                : null;

            var pre = p.PreProclamationFactor * Rate(betweenPorts, May2024, BetweenPortsColumn);
            var post = p.PostProclamationFactor * Rate(betweenPorts, July2024, BetweenPortsColumn);
            var june = new RegimeBreak(ProclamationEffective, pre, post, BreakKind.Decay);

            // The port and child columns step on 2025-01-20: CBP One appointments ended that day and children are
            // not counted against any threshold, so no decay is modelled for them.
            double[] Column(string column, Dictionary<YearMonth, int> monthly, params RegimeBreak[] breaks) =>
                Shape(Segments(column, monthly, splits), Rate(monthly, December2023, column), breaks, out _);
            RegimeBreak[] Step(string column, Dictionary<YearMonth, int> monthly) =>
                partialJanuary ? [] : [StepBreak(column, monthly)];

            var portsShape = Column(PortsOfEntryColumn, ports, Step(PortsOfEntryColumn, ports));
            var ucBetweenShape = Column(UcBetweenColumn, ucBetween, Step(UcBetweenColumn, ucBetween));
            var ucPortsShape = Column(UcPortsColumn, ucPorts, Step(UcPortsColumn, ucPorts));
            var coastalShape = Column(CoastalColumn, coastal);

            January2025Break? inauguration = null;
            RegimeBreak[] betweenBreaks = [june];
            if (!partialJanuary)
            {
                inauguration = SolveJanuary2025(betweenPorts, portsShape, june);
                betweenBreaks = [june, new RegimeBreak(Proclamation10888Effective, inauguration.PreLevel, inauguration.PostLevel, BreakKind.Decay)];
            }

            var betweenShape = Shape(Segments(BetweenPortsColumn, betweenPorts, splits), Rate(betweenPorts, December2023, BetweenPortsColumn), betweenBreaks, out var decayRates);
            if (inauguration is not null)
            {
                inauguration = inauguration with { DecayRatePerDay = decayRates[1] };
            }

            var anchors = p.ReportedDays.Where(a => a.Date >= FirstDay && a.Date <= lastDay).ToList();
            var bpDays = Integers(BetweenPortsColumn, betweenShape, betweenPorts, splits, anchors);
            var coastalDays = Integers(CoastalColumn, coastalShape, coastal, splits, []);
            var portDays = Integers(PortsOfEntryColumn, portsShape, ports, splits, []);
            var ucBetweenDays = Integers(UcBetweenColumn, ucBetweenShape, ucBetween, splits, []);
            var ucPortDays = Integers(UcPortsColumn, ucPortsShape, ucPorts, splits, []);

            var days = new List<SynthesizedDay>(bpDays.Length);
            var date = FirstDay;
            for (var i = 0; i < bpDays.Length; i++, date = date.PlusDays(1))
            {
                var day = new SynthesizedDay(date, bpDays[i], coastalDays[i], portDays[i], ucBetweenDays[i], ucPortDays[i]);
                if (day.UcNoncontiguousBetweenPorts > day.BetweenPorts + day.Coastal || day.UcNoncontiguousPorts > day.PortsOfEntry)
                {
                    throw new InvalidOperationException($"Synthesis produced a subset larger than its total on {day.Date:yyyy-MM-dd}: {day}.");
                }

                days.Add(day);
            }

            var coastalFill = fills.Single(f => f.Column == CoastalColumn);
            var assumptions = new SynthesisAssumptions(
                p, pre, post, decayRates[0], coastalFill.DailyRate, coastal[new YearMonth(2024, 12)], (splits ?? []).AsReadOnly())
            {
                LastDay = lastDay,
                Fills = fills.AsReadOnly(),
                January2025Break = inauguration,
                ReportedDays = anchors.AsReadOnly(),
            };
            return new SynthesizedSeries(days.AsReadOnly(), BuildNotes(assumptions).AsReadOnly(), assumptions);
        }

        /// <summary>
        /// The column's monthly totals from December 2023 to <see cref="LastNeededMonth"/>: the source's figures through
        /// its last contiguous month, then (when <paramref name="fillMonths"/> is given) the mean daily rate of its last
        /// <paramref name="fillMonths"/> months times each later month's days.
        /// </summary>
        private Dictionary<YearMonth, int> Monthly(string column, IReadOnlyDictionary<YearMonth, int> source, string file, int? fillMonths)
        {
            var last = LastContiguousMonth(source, December2023);
            var result = new Dictionary<YearMonth, int>();
            for (var m = December2023; m <= last && m <= LastNeededMonth; m = m.PlusMonths(1))
            {
                result[m] = Get(source, m, column);
            }

            if (last >= LastNeededMonth)
            {
                if (fillMonths is not null)
                {
                    fills.Add(new SourceFill(column, file, last, null, 0, 0));
                }

                return result;
            }

            if (fillMonths is not { } n)
            {
                throw new ArgumentException($"{column}: {file} ends in {MonthlySources.Format(last)}; the series needs {MonthlySources.Format(LastNeededMonth)}.", nameof(source));
            }

            long sum = 0;
            var dayCount = 0;
            for (var m = last.PlusMonths(1 - n); m <= last; m = m.PlusMonths(1))
            {
                sum += Get(source, m, column);
                dayCount += DaysIn(m);
            }

            var rate = (double)sum / dayCount;
            for (var m = last.PlusMonths(1); m <= LastNeededMonth; m = m.PlusMonths(1))
            {
                result[m] = RoundToInt(rate * DaysIn(m));
            }

            fills.Add(new SourceFill(column, file, last, last.PlusMonths(1), rate, n));
            return result;
        }

        private bool IsFilled(string column, YearMonth month) =>
            fills.SingleOrDefault(f => f.Column == column) is { FirstFilledMonth: { } first } && month >= first;

        /// <summary>The earlier edition's January: 20–31 January at the February rate (a fill: the fill rate), the rest on 1–19.</summary>
        private January2025Split SplitJanuary(string column, Dictionary<YearMonth, int> monthly)
        {
            var total = Get(monthly, January2025, column);
            var tailDays = DaysIn(January2025) - Before10888LastDay.Day;
            if (IsFilled(column, January2025))
            {
                var rate = fills.Single(f => f.Column == column).DailyRate;
                var head = RoundToInt(rate * Before10888LastDay.Day);
                return new January2025Split(column, total, total - head, head);
            }

            var tail = RoundToInt(Rate(monthly, February2025, column) * tailDays);
            if (tail > total)
            {
                throw new InvalidOperationException($"{column}: the assumed 20–31 January 2025 count ({tail}) exceeds the January total ({total}).");
            }

            return new January2025Split(column, total, tail, total - tail);
        }

        private List<Segment> Segments(string column, Dictionary<YearMonth, int> monthly, List<January2025Split>? splits)
        {
            var segments = new List<Segment>();
            for (var m = new YearMonth(2024, 1); m <= LastFullMonth; m = m.PlusMonths(1))
            {
                segments.Add(new Segment(m.OnDayOfMonth(1), DaysIn(m), Get(monthly, m, column)));
            }

            if (splits is not null)
            {
                segments.Add(new Segment(January2025.OnDayOfMonth(1), Before10888LastDay.Day, splits.Single(s => s.Column == column).January1To19));
            }

            return segments;
        }

        /// <summary>A step on 2025-01-20 to the column's February 2025 daily rate; 1–19 January carry the rest of the month.</summary>
        private static RegimeBreak StepBreak(string column, Dictionary<YearMonth, int> monthly)
        {
            var post = Rate(monthly, February2025, column);
            var before = Proclamation10888Effective.Day - 1;
            var pre = (Get(monthly, January2025, column) - ((DaysIn(January2025) - before) * post)) / before;
            if (pre < 0)
            {
                throw new InvalidOperationException($"{column}: 20–31 January 2025 at the February rate exceed the January total.");
            }

            return new RegimeBreak(Proclamation10888Effective, pre, post, BreakKind.Step);
        }

        /// <summary>
        /// The 2025-01-20 break of between_ports: a level held on 1–19 January, then decay towards the February 2025
        /// rate. The held level is solved by bisection so that between_ports plus ports_of_entry over the 30 days from
        /// 20 January equal the reported 30-day total; the decay rate is then solved so January sums exactly.
        /// </summary>
        private January2025Break SolveJanuary2025(Dictionary<YearMonth, int> betweenPorts, double[] portsShape, RegimeBreak june)
        {
            var total = Get(betweenPorts, January2025, BetweenPortsColumn);
            var post = p.PostProclamation10888Factor * Rate(betweenPorts, February2025, BetweenPortsColumn);
            var before = Proclamation10888Effective.Day - 1;
            var after = DaysIn(January2025) - before;
            var reported = p.ThirtyDaysFrom10888;
            var first = Period.Between(FirstDay, Proclamation10888Effective, PeriodUnits.Days).Days;
            var windowDays = Math.Min(30, Period.Between(Proclamation10888Effective, lastDay, PeriodUnits.Days).Days + 1);
            var segments = Segments(BetweenPortsColumn, betweenPorts, null);
            var previous = Rate(betweenPorts, December2023, BetweenPortsColumn);
            double ThirtyDays(double preLevel)
            {
                var shape = Shape(segments, previous, [june, new RegimeBreak(Proclamation10888Effective, preLevel, post, BreakKind.Decay)], out _);
                double s = 0;
                for (var i = first; i < first + windowDays; i++)
                {
                    s += shape[i] + portsShape[i];
                }

                return s;
            }

            // The decay needs the mean after the break strictly between the held level and the February rate: the held
            // level lies between the month's mean (no break) and the level that leaves 20–31 January at the February rate.
            var lowest = ((double)total / DaysIn(January2025)) + 1e-6;
            var highest = ((total - (after * post)) / before) - 1e-6;
            double lo = lowest, hi = highest;
            var most = ThirtyDays(lo);
            var least = ThirtyDays(hi);
            if (windowDays < 30 || reported > most || reported < least)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"Cannot fit the 2025-01-20 break: the reported 30-day total {reported:N0} must lie between {least:N0} and {most:N0} (between_ports + ports_of_entry, 2025-01-20..2025-02-18), and the series must cover those 30 days."));
            }

            for (var iteration = 0; iteration < 200; iteration++)
            {
                var mid = (lo + hi) / 2;
                if (ThirtyDays(mid) > reported)
                {
                    lo = mid;
                }
                else
                {
                    hi = mid;
                }
            }

            var level = (lo + hi) / 2;
            return new January2025Break(level, post, 0, reported, total - (level * before));
        }

        /// <summary>
        /// Integers per segment by largest remainder; a reported day inside a segment is held at its reported value and
        /// the rest of the segment's total is spread over its other days by the same shape.
        /// </summary>
        private int[] Integers(string column, double[] values, Dictionary<YearMonth, int> monthly, List<January2025Split>? splits, List<ReportedDay> anchors)
        {
            var result = new int[values.Length];
            var offset = 0;
            foreach (var segment in Segments(column, monthly, splits))
            {
                var held = anchors.Where(a => a.Date >= segment.Start && a.Date < segment.Start.PlusDays(segment.Days)).ToList();
                var weights = values.AsSpan(offset, segment.Days).ToArray();
                var remaining = segment.Total;
                foreach (var a in held)
                {
                    var index = Period.Between(segment.Start, a.Date, PeriodUnits.Days).Days;
                    weights[index] = 0;
                    remaining -= a.Value;
                }

                if (remaining < 0)
                {
                    throw new InvalidOperationException($"{column}: the reported days of {segment.Start:yyyy-MM} exceed its total ({segment.Total}).");
                }

                var allocated = LargestRemainder(weights, remaining);
                foreach (var a in held)
                {
                    allocated[Period.Between(segment.Start, a.Date, PeriodUnits.Days).Days] = a.Value;
                }

                allocated.CopyTo(result, offset);
                offset += segment.Days;
            }

            return result;
        }
    }

    private static YearMonth LastContiguousMonth(IReadOnlyDictionary<YearMonth, int> values, YearMonth from)
    {
        if (!values.ContainsKey(from))
        {
            throw new ArgumentException($"no monthly figure for {MonthlySources.Format(from)}", nameof(values));
        }

        var last = from;
        while (values.ContainsKey(last.PlusMonths(1)))
        {
            last = last.PlusMonths(1);
        }

        return last;
    }

    internal sealed record Segment(LocalDate Start, int Days, int Total)
    {
        public double Rate => (double)Total / Days;
    }

    internal enum BreakKind
    {
        /// <summary>Held pre level before the break day, then post + (pre − post)·e^(−k t), k solved so the segment sums.</summary>
        Decay,

        /// <summary>Held pre level before the break day, the post level from it.</summary>
        Step,
    }

    internal sealed record RegimeBreak(LocalDate Effective, double PreLevel, double PostLevel, BreakKind Kind = BreakKind.Decay);

    /// <summary>
    /// Real-valued daily shape for consecutive segments; each segment's values sum to its total. A segment holding a
    /// break starts from the break's pre level (the previous segment ends there) and hands its end level to the next.
    /// </summary>
    internal static double[] Shape(IReadOnlyList<Segment> segments, double previousRate, IReadOnlyList<RegimeBreak> breaks, out double[] decayRates)
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

        decayRates = new double[breaks.Count];
        var broken = new Dictionary<int, double[]>();
        for (var b = 0; b < breaks.Count; b++)
        {
            var regimeBreak = breaks[b];
            var index = -1;
            for (var i = 0; i < count; i++)
            {
                var s = segments[i];
                if (s.Start <= regimeBreak.Effective && regimeBreak.Effective < s.Start.PlusDays(s.Days))
                {
                    index = i;
                }
            }

            if (index < 0)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"The regime break {regimeBreak.Effective:yyyy-MM-dd} lies outside the segments."));
            }

            double endLevel;
            if (regimeBreak.Kind == BreakKind.Step)
            {
                broken[index] = StepSegment(segments[index], regimeBreak);
                endLevel = regimeBreak.PostLevel;
            }
            else
            {
                broken[index] = DecaySegment(segments[index], regimeBreak, out decayRates[b], out endLevel);
            }

            boundaries[index] = regimeBreak.PreLevel;
            boundaries[index + 1] = endLevel;
        }

        var values = new List<double>();
        for (var i = 0; i < count; i++)
        {
            values.AddRange(broken.TryGetValue(i, out var v) ? v : LinearSegment(segments[i], boundaries[i], boundaries[i + 1]));
        }

        return [.. values];
    }

    /// <summary>The pre level on the days before the break, the post level from it (the caller makes them sum).</summary>
    private static double[] StepSegment(Segment segment, RegimeBreak regimeBreak)
    {
        var before = Period.Between(segment.Start, regimeBreak.Effective, PeriodUnits.Days).Days;
        var values = new double[segment.Days];
        for (var j = 0; j < segment.Days; j++)
        {
            values[j] = j < before ? regimeBreak.PreLevel : regimeBreak.PostLevel;
        }

        return values;
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

    private static List<string> BuildNotes(SynthesisAssumptions a)
    {
        string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
        var p = a.Parameters;
        var between = F($"modeled: between_ports = USBP southwest land border encounters (all ages), monthly totals from data/source/{MonthlySources.UsbpSwbFile} column usbp_swb_encounters (CBP published)");
        var shape = "modeled: within-month shape = continuous piecewise-linear curve through month-boundary levels (mean of the two neighbouring months' daily rates; Dec 2023 is the left neighbour of Jan 2024) and a mid-month level solved so each month sums exactly; no day-of-week pattern (no public daily data to justify one)";
        string June(string others) => F($"modeled: regime break for between_ports at 2024-06-05 (Proclamation 10773, effective 00:01 EDT): pre-proclamation level {a.PreProclamationLevel:F1}/day ({p.PreProclamationFactor:0.###} x May 2024 daily rate) is the May/June boundary level and is held on 1-4 June; from 5 June the level is post + (pre - post) x exp(-k t) (t = days since 5 June 00:00, day centres) with post = {a.PostProclamationLevel:F1}/day ({p.PostProclamationFactor:0.###} x July 2024 daily rate) and k = {a.JuneDecayRatePerDay:F4}/day solved so June sums exactly (July starts from the decay curve's 30 June end level); {others}");
        if (a.LastDay == Before10888LastDay)
        {
            var splitText = string.Join("; ", a.January2025.Select(s =>
                F($"{s.Column} {s.MonthTotal:N0} = {s.January1To19:N0} (1-19 Jan) + {s.AssumedJanuary20To31:N0} (20-31 Jan)")));
            return
            [
                SynthesizedSeries.ProvenanceLine,
                "modeled: no public daily encounter series exists; every daily value below is an estimate spread from monthly totals and must not be cited as a CBP/DHS daily figure",
                "modeled: period 2024-01-01..2025-01-19 (stops the day before Proclamation 10888 took effect on 2025-01-20); method and checks in docs/data-synthesis.md",
                between,
                F($"modeled: coastal = USBP Coastal Border region, monthly totals from data/source/{MonthlySources.KhsmRegionFile} (DHS OHSS KHSM, rounded to 10, ends Nov 2024); Dec 2024 = {a.CoastalDecember2024Fill} and Jan 2025 = {a.CoastalFillDailyRate:F3}/day, the mean daily rate of the last {p.CoastalFillMonths} reported months (Sep-Nov 2024)"),
                F($"modeled: ports_of_entry = OFO southwest encounters, sum of Encounter Count for Component 'Office of Field Operations' per month in data/source/{MonthlySources.SboEncountersFile} (CBP; FY2025 months preliminary)"),
                F($"modeled: uc_noncontiguous_between_ports = USBP southwest UCs not from Mexico, data/source/{MonthlySources.UcContiguityFile} column uc_other_noncontiguous; coastal UCs (0-20/month in KHSM, citizenship unknown) are counted as 0, i.e. not subtracted"),
                F($"modeled: uc_noncontiguous_ports = OFO UCs (Demographic 'UAC') whose Citizenship Grouping is not 'Mexico', from data/source/{MonthlySources.SboEncountersFile}"),
                shape,
                June("other columns have no break (OFO and UCs were not subject to the suspension; coastal is too small and rounded)"),
                F($"modeled: January 2025 real totals cover 31 days; 20-31 Jan assumed to run at the February 2025 daily rate of the same column, the remainder is spread over 1-19 Jan: {splitText}"),
                "modeled: integers by largest-remainder rounding within each month (ties to the earlier day), so every complete month Jan-Dec 2024 sums exactly to its monthly total",
            ];
        }

        string Fill(string column, string scope)
        {
            var f = a.Fills.Single(x => x.Column == column);
            return f.FirstFilledMonth is { } first
                ? F($"{scope}; reported through {MonthlySources.Format(f.LastReportedMonth)}, and from {MonthlySources.Format(first)} each month is filled at {f.DailyRate:F3}/day, the mean daily rate of its last {f.FromMonths} reported months (an assumption [U], not data)")
                : F($"{scope}; reported for every month of the series");
        }

        var j = a.January2025Break!;
        var last = a.LastDay.ToYearMonth();
        var held = string.Join("; ", a.ReportedDays.Select(d => F($"{d.Date:yyyy-MM-dd} = {d.Value} {d.Mark} ({d.Source})")));
        return
        [
            SynthesizedSeries.ProvenanceLine,
            "modeled: no public daily encounter series exists; every daily value below is an estimate spread from monthly totals and must not be cited as a CBP/DHS daily figure",
            F($"modeled: period 2024-01-01..{a.LastDay:yyyy-MM-dd} (through the last month of CBP's published between-ports figures; Proclamation 10888 in effect from 2025-01-20); method and checks in docs/data-synthesis.md"),
            between,
            "modeled: " + Fill(CoastalColumn, F($"coastal = USBP Coastal Border region, monthly totals from data/source/{MonthlySources.KhsmRegionFile} (DHS OHSS KHSM, rounded to 10)")),
            "modeled: " + Fill(PortsOfEntryColumn, F($"ports_of_entry = OFO southwest encounters, sum of Encounter Count for Component 'Office of Field Operations' per month in data/source/{MonthlySources.SboEncountersFile} (CBP; FY2025 months preliminary)")),
            "modeled: " + Fill(UcBetweenColumn, F($"uc_noncontiguous_between_ports = USBP southwest UCs not from Mexico, data/source/{MonthlySources.UcContiguityFile} column uc_other_noncontiguous; coastal UCs (0-20/month in KHSM, citizenship unknown) are counted as 0, i.e. not subtracted")),
            "modeled: " + Fill(UcPortsColumn, F($"uc_noncontiguous_ports = OFO UCs (Demographic 'UAC') whose Citizenship Grouping is not 'Mexico', from data/source/{MonthlySources.SboEncountersFile}")),
            shape,
            June("the other columns have no 2024 break (OFO and UCs were not subject to the suspension; coastal is too small and rounded)"),
            F($"modeled: regime break at 2025-01-20 (Proclamation 10888): between_ports is held at {j.PreLevel:F1}/day on 1-19 Jan, then post + (pre - post) x exp(-k t) with post = {j.PostLevel:F1}/day ({p.PostProclamation10888Factor:0.###} x February 2025 daily rate) and k = {j.DecayRatePerDay:F4}/day solved so January sums exactly (February starts from the curve's 31 January level); the held level is solved so between_ports + ports_of_entry over 2025-01-20..2025-02-18 total {j.ThirtyDayTotal:N0}, the reported 30-day CBP southwest total after the inauguration ('around 15,700' [S]); ports_of_entry and both UC columns step on 2025-01-20 to their February 2025 daily rate (CBP One appointments ended that day), 1-19 Jan carrying the rest of the month; coastal has no break"),
            F($"modeled: between_ports is held at the reported single days {held}; the rest of each such month is spread by the same shape"),
            F($"modeled: integers by largest-remainder rounding within each month (ties to the earlier day), so every month 2024-01..{MonthlySources.Format(last)} of every column sums exactly to its monthly total (a filled month to its fill)"),
        ];
    }
}
