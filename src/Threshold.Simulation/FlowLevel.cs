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
public sealed record LevelRule(int Months, double Damping, double MeanAbsoluteLogError, IReadOnlyList<double> RootMeanSquareLogError, int Origins);

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
    /// <summary>Months from the anchor to <paramref name="date"/>'s month (0 or less: the anchor's month or before).</summary>
    public int MonthsAhead(LocalDate date) => ((date.Year - AnchorMonth.Year) * 12) + date.Month - AnchorMonth.Month;

    /// <summary>The level of <paramref name="date"/> with no level uncertainty (the path's median level).</summary>
    public double NorthboundOn(LocalDate date)
    {
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
        var h = MonthsAhead(date);
        return h <= 0 || LevelSd.Count == 0 ? 0 : LevelSd[Math.Min(h, LevelSd.Count) - 1];
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
        var xBar = (months - 1) / 2.0;
        double yBar = 0;
        var y = new double[months];
        for (var i = 0; i < months; i++)
        {
            y[i] = LogDeseasonalised(calibration, last.PlusMonths(i - months + 1));
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
        var chosen = rule is null;
        rule ??= Select(calibration, anchor, horizonMonths);
        var (logLevel, slope) = Fit(calibration, anchor, rule.Months);
        var border = Math.Exp(logLevel);
        var northbound = border / (1 - mexicoShare) / (suspensionActive ? 1 - deterrence : 1);
        var extra = ExtraSd(rule, calibration.NoiseSd);
        var f = CultureInfo.InvariantCulture;
        var first = anchor.PlusMonths(1 - rule.Months);
        List<string> derivation =
        [
            string.Create(f, $"level rule: least-squares log-linear fit over the last {rule.Months} months, trend damped by φ = {rule.Damping:0.0#} a month; {(chosen ? string.Create(f, $"chosen from {Grid.Count} rules (3, 6 or 12 months × φ 0, 0.5, 0.8, 0.9, 1) by") : "IMPOSED (not chosen); its")} mean absolute log error {rule.MeanAbsoluteLogError:0.000} over {rule.Origins} origins, 1–{horizonMonths} months ahead, {FirstScoredMonth:yyyy-MM} to {anchor:yyyy-MM} ({MonthlySources.UsbpSwbFile})"),
            string.Create(f, $"level: USBP southwest {first:yyyy-MM} to {anchor:yyyy-MM}, deseasonalised, fitted {border:0} a day at {anchor:yyyy-MM}, trend {slope:+0.000;-0.000} log a month; northbound {northbound:0} a day = {border:0} ÷ (1 − Mexico's share {mexicoShare:0.000}){(suspensionActive ? string.Create(f, $" ÷ (1 − deterrence {deterrence:0.000}): the anchor months were under an active suspension") : string.Empty)}"),
            string.Create(f, $"level uncertainty: the rule's past root mean square log error by months ahead, less the model's monthly noise sd {calibration.NoiseSd:0.000}: {string.Join(" ", extra.Take(Math.Min(extra.Length, 24)).Select(s => s.ToString("0.00", f)))} [U: the past errors include the 2019–2024 swings, so the band is wide]"),
        ];
        derivation.AddRange(shifts.Select(s => string.Create(f, $"level shift from {s.From:yyyy-MM-dd}: × {s.Factor:0.000}; {s.Derivation}")));
        return new FlowLevel(anchor, northbound, rule, slope, shifts, extra, derivation);
    }
}
