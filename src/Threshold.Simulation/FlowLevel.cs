using System.Globalization;
using NodaTime;
using Threshold.Synthesis;

namespace Threshold.Simulation;

/// <summary>
/// A dated, multiplicative change of the northbound level (a regime break), with where its size comes from. It applies
/// from 12:01 a.m. Eastern on <see cref="From"/> (the engine's day boundary) to the end of the horizon.
/// </summary>
/// <param name="From">First day at the new level.</param>
/// <param name="Factor">New level ÷ old level (greater than 0).</param>
/// <param name="Derivation">The method, the months read and the mark ([U] when the size is an assumption).</param>
public sealed record LevelShift(LocalDate From, double Factor, string Derivation);

/// <summary>
/// A forecasting rule for the deseasonalised monthly level: a log-linear fit over the last <see cref="Months"/> real
/// months, extrapolated with a trend damped by <see cref="Damping"/> a month (<see cref="LevelForecast"/>). It is
/// chosen, and its errors measured, on months before the forecast's first month only.
/// </summary>
/// <param name="Months">Months the level and slope are fitted on.</param>
/// <param name="Damping">φ: the trend adds slope × (φ + φ² + … + φ^h) by h months ahead; 0 is no trend, 1 a straight line.</param>
/// <param name="MeanAbsoluteLogError">The rule's mean |log(real ÷ forecast)| over every origin and horizon it was scored on.</param>
/// <param name="RootMeanSquareLogError">By horizon (index 0 = one month ahead): the rule's root mean square log error.</param>
/// <param name="Origins">How many forecast origins were scored.</param>
public sealed record LevelRule(int Months, double Damping, double MeanAbsoluteLogError, IReadOnlyList<double> RootMeanSquareLogError, int Origins)
{
    /// <summary>True when the caller chose the rule with <see cref="LevelForecast.Select"/> before passing it in (not imposed).</summary>
    public bool Chosen { get; init; }

    /// <summary>When set, the level is re-anchored every month of the span, one month ahead (<see cref="RollingOrigin"/>); null for one fixed anchor.</summary>
    public RollingOrigin? Rolling { get; init; }
}

/// <summary>
/// A rolling-origin evaluation (time-series cross-validation): every month from <see cref="First"/> to
/// <see cref="Last"/> is forecast one month ahead from the real months up to the month before it, with the same rule
/// (docs/simulation.md §Backtests).
/// </summary>
/// <param name="SuspensionFrom">The day a suspension with deterrence came into force in the real timeline (a dated
/// structural input): months from then on are divided by <c>1 − deterrence</c> (in proportion to their days under it)
/// before the fit, so that the model, which deters again when its engine says active, reproduces them.</param>
public sealed record RollingOrigin(YearMonth First, YearMonth Last, LocalDate SuspensionFrom);

/// <summary>One month's level in a rolling-origin run.</summary>
/// <param name="Month">The month forecast.</param>
/// <param name="LastRealMonth">The last real month read for it (the month before).</param>
/// <param name="NorthboundPerDay">Deseasonalised northbound migrants a day, before the shifts dated after <see cref="LastRealMonth"/>.</param>
/// <param name="Sd">Extra log-sd of the level: the rule's one-month-ahead error up to <see cref="LastRealMonth"/>, less the model's noise.</param>
/// <param name="FitMonths">The months the level was fitted on (fewer than the rule's when a dated break is nearer).</param>
/// <param name="Shifts">Dated shifts after <see cref="LastRealMonth"/> (the data up to it cannot show them yet).</param>
public sealed record RollingLevel(YearMonth Month, YearMonth LastRealMonth, double NorthboundPerDay, double Sd, int FitMonths, IReadOnlyList<LevelShift> Shifts);

/// <summary>
/// The northbound level of every day, before Mexico's enforcement (docs/simulation.md §Level): the deseasonalised
/// level of <see cref="AnchorMonth"/>, a damped local trend after it, the dated <see cref="Shifts"/>, and a level
/// uncertainty that grows with the months ahead (one normal draw per path, the same under every policy). Immutable.
/// </summary>
/// <remarks>
/// Days up to the end of the anchor month have the anchor's level; a day h months after it has
/// <c>level × exp(slope × (φ + … + φ^h) + z × sd_h)</c> times every shift begun by then. The uncertainty is a median-one
/// factor (no mean correction): the rule forecasts the log level, so its errors are measured in logs.
/// </remarks>
/// <param name="AnchorMonth">The last real month the level is fitted on.</param>
/// <param name="NorthboundPerDay">Deseasonalised northbound migrants a day at the anchor, before Mexico's enforcement.</param>
/// <param name="Rule">The rule that gave the level and trend, with its measured errors.</param>
/// <param name="MonthlyLogSlope">The fitted trend, in log units a month.</param>
/// <param name="Shifts">Dated regime breaks, in date order.</param>
/// <param name="LevelSd">Extra log-sd of the level h months after the anchor (index 0 = one month); the last value holds beyond.</param>
/// <param name="Derivation">One line per figure: value, method, months read, mark.</param>
public sealed record FlowLevel(
    YearMonth AnchorMonth,
    double NorthboundPerDay,
    LevelRule Rule,
    double MonthlyLogSlope,
    IReadOnlyList<LevelShift> Shifts,
    IReadOnlyList<double> LevelSd,
    IReadOnlyList<string> Derivation)
{
    /// <summary>With a rolling origin, the level of each month it covers (the anchor's forecast holds for the other days); empty otherwise.</summary>
    public IReadOnlyList<RollingLevel> Rolling { get; init; } = [];

    /// <summary>Months from the anchor to <paramref name="date"/>'s month (0 or less: the anchor's month or before).</summary>
    public int MonthsAhead(LocalDate date) => ((date.Year - AnchorMonth.Year) * 12) + date.Month - AnchorMonth.Month;

    /// <summary>The level of <paramref name="date"/> with no level uncertainty (the path's median level).</summary>
    public double NorthboundOn(LocalDate date)
    {
        if (RollingOn(date) is { } rolling)
        {
            var re = rolling.NorthboundPerDay;
            foreach (var shift in rolling.Shifts)
            {
                re *= date >= shift.From ? shift.Factor : 1;
            }

            return re;
        }

        var h = MonthsAhead(date);
        var level = NorthboundPerDay * Math.Exp(MonthlyLogSlope * LevelForecast.DampedSum(Rule.Damping, h));
        foreach (var shift in Shifts)
        {
            level *= date >= shift.From ? shift.Factor : 1;
        }

        return level;
    }

    /// <summary>The extra log-sd of the level on <paramref name="date"/> (0 up to the end of the anchor month).</summary>
    public double SdOn(LocalDate date)
    {
        if (RollingOn(date) is { } rolling)
        {
            return rolling.Sd;
        }

        var h = MonthsAhead(date);
        return h <= 0 || LevelSd.Count == 0 ? 0 : LevelSd[Math.Min(h, LevelSd.Count) - 1];
    }

    private RollingLevel? RollingOn(LocalDate date)
    {
        if (Rolling.Count == 0)
        {
            return null;
        }

        // The months are consecutive from the first.
        var i = ((date.Year - Rolling[0].Month.Year) * 12) + date.Month - Rolling[0].Month.Month;
        return i >= 0 && i < Rolling.Count ? Rolling[i] : null;
    }
}

/// <summary>
/// The level estimator (docs/simulation.md §Level): fits the deseasonalised USBP southwest series, chooses the
/// forecasting rule on earlier months, and turns the rule's past errors into the level's uncertainty.
/// </summary>
public static class LevelForecast
{
    /// <summary>First month of the CBP published series the rules are scored on (<see cref="MonthlySources.UsbpSwbFile"/> starts in January 2017).</summary>
    public static readonly YearMonth FirstScoredMonth = new(2017, 1);

    /// <summary>The rules tried, in order (a tie keeps the earlier): fit months × damping.</summary>
    public static readonly IReadOnlyList<(int Months, double Damping)> Grid =
        [.. new[] { 3, 6, 12 }.SelectMany(k => new[] { 0.0, 0.5, 0.8, 0.9, 1.0 }.Select(phi => (k, phi)))];

    /// <summary>φ + φ² + … + φ^h (0 when h ≤ 0).</summary>
    public static double DampedSum(double damping, int monthsAhead)
    {
        double sum = 0, power = 1;
        for (var k = 1; k <= monthsAhead; k++)
        {
            power *= damping;
            sum += power;
        }

        return sum;
    }

    /// <summary>Log of <paramref name="month"/>'s USBP southwest encounters a day ÷ its seasonal factor.</summary>
    public static double LogDeseasonalised(Calibration calibration, YearMonth month)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        return calibration.UsbpMonthly.TryGetValue(month, out var total) && total > 0
            ? Math.Log((double)total / month.ToDateInterval().Length / calibration.Seasonal[month.Month - 1])
            : throw Calibration.UsbpFileError($"no positive USBP southwest total for {month.ToString("yyyy-MM", CultureInfo.InvariantCulture)}, which the level estimate needs");
    }

    /// <summary>Least-squares line through the log deseasonalised months ending <paramref name="last"/>: its value at <paramref name="last"/> and its slope a month.</summary>
    public static (double LogLevel, double Slope) Fit(Calibration calibration, YearMonth last, int months)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(months, 2);
        var y = new double[months];
        for (var i = 0; i < months; i++)
        {
            y[i] = LogDeseasonalised(calibration, last.PlusMonths(i - months + 1));
        }

        return Line(y);
    }

    /// <summary>Least-squares line through <paramref name="y"/> (one value a month): its value at the last month and its slope.</summary>
    private static (double LogLevel, double Slope) Line(double[] y)
    {
        var months = y.Length;
        var xBar = (months - 1) / 2.0;
        double yBar = 0;
        for (var i = 0; i < months; i++)
        {
            yBar += y[i] / months;
        }

        double sxy = 0, sxx = 0;
        for (var i = 0; i < months; i++)
        {
            sxy += (i - xBar) * (y[i] - yBar);
            sxx += (i - xBar) * (i - xBar);
        }

        var slope = sxy / sxx;
        return (yBar + (slope * (months - 1 - xBar)), slope);
    }

    /// <summary>The log deseasonalised level <paramref name="monthsAhead"/> months after <paramref name="last"/> by rule (<paramref name="months"/>, <paramref name="damping"/>).</summary>
    public static double Forecast(Calibration calibration, YearMonth last, int months, double damping, int monthsAhead)
    {
        var (level, slope) = Fit(calibration, last, months);
        return level + (slope * DampedSum(damping, monthsAhead));
    }

    /// <summary>
    /// Scores every rule of <see cref="Grid"/> on the months from <see cref="FirstScoredMonth"/> to
    /// <paramref name="lastKnown"/> (<see cref="Score"/>) and returns the one with the smallest mean absolute log error.
    /// </summary>
    /// <remarks>No month after <paramref name="lastKnown"/> is read: the rule of a backtest is chosen before its window.</remarks>
    public static LevelRule Select(Calibration calibration, YearMonth lastKnown, int horizonMonths)
    {
        LevelRule? best = null;
        foreach (var (k, phi) in Grid)
        {
            if (Score(calibration, lastKnown, horizonMonths, k, phi) is { } rule && (best is null || rule.MeanAbsoluteLogError < best.MeanAbsoluteLogError))
            {
                best = rule;
            }
        }

        return best ?? throw Calibration.UsbpFileError($"too few months before {lastKnown.ToString("yyyy-MM", CultureInfo.InvariantCulture)} to choose a level rule");
    }

    /// <summary>
    /// How rule (<paramref name="months"/>, <paramref name="damping"/>) forecast the past: from every origin from
    /// <see cref="FirstScoredMonth"/> on, 1 to <paramref name="horizonMonths"/> months ahead, targets up to
    /// <paramref name="lastKnown"/> only; null when no target is that early.
    /// </summary>
    public static LevelRule? Score(Calibration calibration, YearMonth lastKnown, int horizonMonths, int months, double damping)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        ArgumentOutOfRangeException.ThrowIfLessThan(horizonMonths, 1);
        var squares = new double[horizonMonths];
        var counts = new int[horizonMonths];
        double absolute = 0;
        var n = 0;
        var origins = 0;
        for (var origin = FirstScoredMonth.PlusMonths(months - 1); origin < lastKnown; origin = origin.PlusMonths(1))
        {
            var (level, slope) = Fit(calibration, origin, months);
            origins++;
            for (var h = 1; h <= horizonMonths && origin.PlusMonths(h) <= lastKnown; h++)
            {
                var error = LogDeseasonalised(calibration, origin.PlusMonths(h)) - (level + (slope * DampedSum(damping, h)));
                absolute += Math.Abs(error);
                squares[h - 1] += error * error;
                counts[h - 1]++;
                n++;
            }
        }

        if (n == 0)
        {
            return null;
        }

        // A horizon no origin reached keeps the longest measured one's error.
        var rmse = new double[horizonMonths];
        for (var h = 0; h < horizonMonths; h++)
        {
            rmse[h] = counts[h] > 0 ? Math.Sqrt(squares[h] / counts[h]) : rmse[Math.Max(0, h - 1)];
        }

        return new LevelRule(months, damping, absolute / n, rmse, origins);
    }

    /// <summary>
    /// The level uncertainty by months ahead: the rule's past root mean square log error, less the month-to-month
    /// noise the flow model already draws (<paramref name="noiseSd"/>), so the two together spread as the rule's past
    /// errors did.
    /// </summary>
    public static double[] ExtraSd(LevelRule rule, double noiseSd)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return [.. rule.RootMeanSquareLogError.Select(r => Math.Sqrt(Math.Max(0, (r * r) - (noiseSd * noiseSd))))];
    }

    /// <summary>
    /// The level anchored on the real months ending <paramref name="anchor"/>, by the rule chosen on those months for
    /// <paramref name="horizonMonths"/> months ahead. The border level becomes a northbound level by undoing Mexico's
    /// share and, when the anchor months were under an active suspension, the deterrence.
    /// </summary>
    /// <param name="rule">The rule to use instead of the chosen one (for the docs' table of how much the choice matters); null to choose.</param>
    public static FlowLevel Anchored(Calibration calibration, YearMonth anchor, int horizonMonths, double mexicoShare, double deterrence, bool suspensionActive, IReadOnlyList<LevelShift> shifts, LevelRule? rule = null)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        ArgumentNullException.ThrowIfNull(shifts);
        var chosen = rule is null || rule.Chosen;
        rule ??= Select(calibration, anchor, horizonMonths);
        var (logLevel, slope) = Fit(calibration, anchor, rule.Months);
        var border = Math.Exp(logLevel);
        var northbound = border / (1 - mexicoShare) / (suspensionActive ? 1 - deterrence : 1);
        var extra = ExtraSd(rule, calibration.NoiseSd);
        var f = CultureInfo.InvariantCulture;
        var first = anchor.PlusMonths(1 - rule.Months);
        List<string> derivation =
        [
            string.Create(f, $"level rule: least-squares log-linear fit over the last {rule.Months} months, trend damped by φ = {rule.Damping:0.0#} a month; {(chosen ? string.Create(f, $"chosen from {Grid.Count} rules (3, 6 or 12 months × φ 0, 0.5, 0.8, 0.9, 1) by") : "IMPOSED (not chosen); its")} mean absolute log error {rule.MeanAbsoluteLogError:0.000} over {rule.Origins} origins, 1–{rule.RootMeanSquareLogError.Count} months ahead, {FirstScoredMonth:yyyy-MM} to {anchor:yyyy-MM} ({MonthlySources.UsbpSwbFile})"),
            string.Create(f, $"level: USBP southwest {first:yyyy-MM} to {anchor:yyyy-MM}, deseasonalised, fitted {border:0} a day at {anchor:yyyy-MM}, trend {slope:+0.000;-0.000} log a month; northbound {northbound:0} a day = {border:0} ÷ (1 − Mexico's share {mexicoShare:0.000}){(suspensionActive ? string.Create(f, $" ÷ (1 − deterrence {deterrence:0.000}): the anchor months were under an active suspension") : string.Empty)}"),
            string.Create(f, $"level uncertainty: the rule's past root mean square log error by months ahead, less the model's monthly noise sd {calibration.NoiseSd:0.000}: {string.Join(" ", extra.Take(Math.Min(extra.Length, 24)).Select(s => s.ToString("0.00", f)))} [U: the past errors include the 2019–2024 swings, so the band is wide]"),
        ];
        derivation.AddRange(shifts.Select(s => string.Create(f, $"level shift from {s.From:yyyy-MM-dd}: × {s.Factor:0.000}; {s.Derivation}")));
        if (rule.Rolling is not { } rolling)
        {
            return new FlowLevel(anchor, northbound, rule, slope, shifts, extra, derivation);
        }

        var months = RollingSchedule(calibration, rule, rolling, mexicoShare, deterrence, shifts);
        derivation.Add(string.Create(f, $"level, rolling origin: every month {rolling.First:yyyy-MM} to {rolling.Last:yyyy-MM} forecast one month ahead by the same rule from the real months to the month before; a fit never reaches back past a dated shift (fewer than 3 months of the new regime: their mean, no trend); months from {rolling.SuspensionFrom:yyyy-MM-dd} (the suspension in force) ÷ (1 − deterrence {deterrence:0.000}) by their share of days under it; a month whose last real month holds a shift keeps the anchor's forecast"));
        derivation.AddRange(months.Select(r => string.Create(f, $"level, rolling {r.Month:yyyy-MM}: from {r.FitMonths} months to {r.LastRealMonth:yyyy-MM}, northbound {r.NorthboundPerDay:0} a day, extra log-sd {r.Sd:0.00}{(r.Shifts.Count > 0 ? string.Concat(r.Shifts.Select(s => string.Create(f, $", × {s.Factor:0.000} from {s.From:yyyy-MM-dd}"))) : string.Empty)}")));
        return new FlowLevel(anchor, northbound, rule, slope, shifts, extra, derivation) { Rolling = months };
    }

    /// <summary>
    /// The rolling-origin levels (<see cref="RollingOrigin"/>): month m from the real months up to m − 1 only. A month
    /// whose last real month holds a shift's first day (its data mixes two regimes) is left out: the anchor's
    /// forecast, with the shift, holds for it.
    /// </summary>
    public static IReadOnlyList<RollingLevel> RollingSchedule(Calibration calibration, LevelRule rule, RollingOrigin rolling, double mexicoShare, double deterrence, IReadOnlyList<LevelShift> shifts)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(rolling);
        ArgumentNullException.ThrowIfNull(shifts);
        var list = new List<RollingLevel>();
        for (var month = rolling.First; month <= rolling.Last; month = month.PlusMonths(1))
        {
            var last = month.PlusMonths(-1);
            var lastDay = last.ToDateInterval().End;

            // The first whole month after the latest shift the data already shows: a fit starts there at the earliest.
            var shown = shifts.Where(s => s.From <= lastDay).Select(s => s.From).DefaultIfEmpty().Max();
            var floor = shown == default ? (YearMonth?)null : shown.Day == 1 ? shown.ToYearMonth() : shown.ToYearMonth().PlusMonths(1);
            if (floor is { } first && first > last)
            {
                // The last real month mixes the two regimes; no whole month of the new one is known yet.
                if (list.Count > 0)
                {
                    throw new InvalidOperationException("a rolling month after a re-anchored one cannot fall back to the anchor's forecast");
                }

                continue;
            }

            var available = floor is { } f0 ? ((last.Year - f0.Year) * 12) + last.Month - f0.Month + 1 : int.MaxValue;
            var n = Math.Min(rule.Months, available);
            var y = new double[n];
            for (var i = 0; i < n; i++)
            {
                var m = last.PlusMonths(i - n + 1);
                y[i] = LogDeseasonalised(calibration, m) - Math.Log(1 - (deterrence * ShareOfDaysFrom(m, rolling.SuspensionFrom)));
            }

            var (logLevel, slope) = n >= 3 ? Line(y) : (y.Average(), 0);
            var border = Math.Exp(logLevel + (slope * DampedSum(rule.Damping, 1)));
            var score = Score(calibration, last, 1, rule.Months, rule.Damping) ?? throw Calibration.UsbpFileError($"too few months before {last.ToString("yyyy-MM", CultureInfo.InvariantCulture)} to score the level rule");
            var sd = ExtraSd(score, calibration.NoiseSd)[0];
            list.Add(new RollingLevel(month, last, border / (1 - mexicoShare), sd, n, [.. shifts.Where(s => s.From > lastDay)]));
        }

        return list;
    }

    /// <summary>The share of <paramref name="month"/>'s days on or after <paramref name="from"/>.</summary>
    private static double ShareOfDaysFrom(YearMonth month, LocalDate from)
    {
        var interval = month.ToDateInterval();
        return from <= interval.Start ? 1 : from > interval.End ? 0 : (double)(Period.DaysBetween(from, interval.End) + 1) / interval.Length;
    }
}
