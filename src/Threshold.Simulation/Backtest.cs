using System.Globalization;
using System.Text;
using System.Text.Json;
using nietras.SeparatedValues;
using NodaTime;
using NodaTime.Text;
using Threshold.Engine;
using Threshold.Law;
using Threshold.Sources;
using Threshold.Synthesis;

namespace Threshold.Simulation;

/// <summary>How each month of a backtest is forecast (docs/simulation.md §Backtests).</summary>
public enum BacktestOrigin
{
    /// <summary>Every month from one origin before the window (1 to 19 months ahead): the published default.</summary>
    Fixed,

    /// <summary>Every month one month ahead, from the real months up to the month before it (time-series cross-validation).</summary>
    Rolling,
}

/// <summary>One month of the backtest: the real USBP southwest total, the MODELED band, and the MODELED returns to Mexico under an arrangement (no real monthly series of those is bundled).</summary>
public sealed record BacktestMonth(YearMonth Month, long Actual, Band Modeled, Band ModeledReturnsUnderArrangement)
{
    /// <summary>The last real month the forecast of <see cref="Month"/> read.</summary>
    public YearMonth LastRealMonthRead { get; init; }

    public bool WithinBand => Actual >= Modeled.P10 && Actual <= Modeled.P90;

    /// <summary>(P50 − actual) ÷ actual.</summary>
    public double RelativeError => (Modeled.P50 - Actual) / Actual;
}

/// <summary>
/// One published statement compared with the MODELED daily bands: the bound it states ("under 2,400"), the modeled
/// P10/P50/P90 of the 7-day average on its day (or, when only the month is known, the range of daily medians in the
/// month), and whether the median meets the bound.
/// </summary>
public sealed record BacktestStatement(string ReferenceDate, string Metric, string Qualifier, double Value, string SourceType, string Window, double P10, double P50, double P90, bool MedianMeetsBound, string Note);

/// <summary>
/// A backtest window: the months compared (<see cref="Start"/> to <see cref="End"/>, both days included), the built-in
/// policy in force over them, and the caveat its outputs carry. Everything the run is calibrated on lies before
/// <see cref="Start"/> (docs/simulation.md §Backtests).
/// </summary>
/// <param name="Id">The name on the command line (<c>--window</c>) and in file headers.</param>
/// <param name="MixMonth">The month of the nationality and family mix (before the window).</param>
/// <param name="SuspensionFrom">The day the real timeline's suspension (with its deterrence) came into force: a dated structural input of the rolling origin.</param>
public sealed record BacktestWindow(string Id, LocalDate Start, LocalDate End, string PolicyId, YearMonth MixMonth, string Description, string Caveat, LocalDate SuspensionFrom)
{
    /// <summary>The last real month the calibration may read.</summary>
    public YearMonth LastKnownMonth => Start.ToYearMonth().PlusMonths(-1);
}

/// <summary>The backtest: fit against the real monthly totals and the published statements, with the run it came from.</summary>
public sealed record BacktestReport(
    YearMonth First,
    YearMonth Last,
    double MexicoShare,
    string MexicoShareDerivation,
    IReadOnlyList<BacktestMonth> Months,
    IReadOnlyList<BacktestStatement> Statements,
    SimulationResult Run,
    BacktestWindow Window)
{
    /// <summary>How each month was forecast.</summary>
    public BacktestOrigin Origin { get; init; }

    /// <summary>Mean absolute relative error of the monthly medians.</summary>
    public double MeanAbsoluteRelativeError => Months.Average(m => Math.Abs(m.RelativeError));

    public int MonthsWithinBand => Months.Count(m => m.WithinBand);

    /// <summary>Mean absolute error of the medians within <see cref="Backtest.TargetMeanAbsoluteError"/>.</summary>
    public bool MeetsErrorTarget => MeanAbsoluteRelativeError <= Backtest.TargetMeanAbsoluteError;

    /// <summary>Every real month inside its P10–P90 band.</summary>
    public bool MeetsCoverageTarget => MonthsWithinBand == Months.Count;

    /// <summary>The median over the months of P90 ÷ P10: how wide the bands that the coverage is measured with are.</summary>
    public double MedianBandRatio
    {
        get
        {
            var ratios = Months.Select(m => m.Modeled.P90 / m.Modeled.P10).Order().ToArray();
            return ratios.Length % 2 == 1 ? ratios[ratios.Length / 2] : (ratios[(ratios.Length / 2) - 1] + ratios[ratios.Length / 2]) / 2;
        }
    }
}

/// <summary>
/// Runs the model over a past window under the real policy timeline and compares it with the real monthly USBP totals
/// and the published 7-day statements. Two windows: June 2024 – January 2025 under Proclamation 10773 (the 10817
/// amendments from October 1, 2024), and February 2025 – August 2026 under Proclamation 10888.
/// </summary>
/// <remarks>
/// Nothing inside a window is read to calibrate it: the level, its trend and its uncertainty come from the months before
/// (<see cref="LevelForecast"/>); dated regime breaks inside or at the start of a window are structural inputs whose size
/// is estimated before the window or taken from a marked analogue. A test perturbs every month of each window and
/// checks that the modeled bands do not move.
/// </remarks>
public static class Backtest
{
    public const int DefaultPaths = 1000;

    public const ulong DefaultSeed = 20240605;

    /// <summary>12:01 a.m. EDT June 5, 2024: Proclamation 10773's suspension in force; it stayed active until 10888 replaced it on January 20, 2025, which suspends entry too.</summary>
    public static readonly LocalDate Proclamation10773InForce = new(2024, 6, 5);

    /// <summary>The June 2024 – January 2025 window (the first backtest; <c>--backtest</c> alone runs it).</summary>
    public static readonly BacktestWindow June2024 = new(
        "2024-06-to-2025-01",
        new LocalDate(2024, 6, 1),
        new LocalDate(2025, 1, 31),
        "proclamation-10773",
        new YearMonth(2024, 5),
        "Proclamation 10773 from 12:01 a.m. EDT June 5, 2024, with the 10817 amendments from October 1, 2024, as built in",
        "calibrated on months up to May 2024 only; the deterrence of 10773 and the size of the January 20, 2025 break are analogues marked [U] (docs/simulation.md §Backtests); the policy stays 10773 after January 20, 2025",
        Proclamation10773InForce);

    /// <summary>The February 2025 – August 2026 window, under Proclamation 10888.</summary>
    public static readonly BacktestWindow February2025 = new(
        "2025-02-to-2026-08",
        new LocalDate(2025, 2, 1),
        new LocalDate(2026, 8, 31),
        "proclamation-10888",
        new YearMonth(2024, 11),
        "Proclamation 10888 in force from January 20, 2025, as built in",
        "calibrated on months up to January 2025 only; the January 20, 2025 level shift is estimated from January 2025 alone (its 12 days under 10888), so its size is uncertain (docs/simulation.md §Backtests)",
        Proclamation10773InForce);

    /// <summary>Every window, the first being the default.</summary>
    public static IReadOnlyList<BacktestWindow> Windows { get; } = [June2024, February2025];

    /// <summary>First day of the default window (kept for callers of the first backtest).</summary>
    public static LocalDate Start => June2024.Start;

    /// <summary>Last day of the default window.</summary>
    public static LocalDate End => June2024.End;

    /// <summary>The day Proclamation 10888 took effect, and with it the end of CBP One (LEGAL-SPEC §8 row 34).</summary>
    public static readonly LocalDate Regime2025 = new(2025, 1, 20);

    /// <summary>Why appointments are 0 from January 20, 2025: a dated structural input, not a fit.</summary>
    public const string EndOfCbpOne = "CBP One appointments ended on January 20, 2025 (EO 14165 §7(a), 90 FR 8467 [V]; LEGAL-SPEC §8 row 34)";

    public const string StatementsFile = "reported_daily_and_7day_avg_figures_2023_2025.csv";

    /// <summary>Runs the default window (June 2024 – January 2025).</summary>
    public static BacktestReport Run(string sourceDirectory, int paths, ulong seed, int? threads, IProgress<int>? progress, CancellationToken cancellationToken) =>
        Run(June2024, sourceDirectory, paths, seed, threads, progress, cancellationToken);

    /// <summary>Runs <paramref name="window"/>, calibrated on the real months before it.</summary>
    public static BacktestReport Run(BacktestWindow window, string sourceDirectory, int paths, ulong seed, int? threads, IProgress<int>? progress, CancellationToken cancellationToken) =>
        Run(window, sourceDirectory, paths, seed, threads, progress, null, cancellationToken);

    /// <summary>
    /// Runs <paramref name="window"/> with the level rule (months, damping) imposed instead of chosen: how much the
    /// choice matters (docs/simulation.md §Backtests). The outputs say the rule was imposed.
    /// </summary>
    public static BacktestReport Run(BacktestWindow window, string sourceDirectory, int paths, ulong seed, int? threads, IProgress<int>? progress, (int Months, double Damping)? rule, CancellationToken cancellationToken) =>
        Run(window, BacktestOrigin.Fixed, sourceDirectory, paths, seed, threads, progress, rule, cancellationToken);

    /// <summary>
    /// Runs <paramref name="window"/> from a fixed origin before it, or with a rolling origin: each month one month
    /// ahead from the real months before it, by the rule chosen on one-month-ahead errors before the window.
    /// </summary>
    public static BacktestReport Run(BacktestWindow window, BacktestOrigin origin, string sourceDirectory, int paths, ulong seed, int? threads, IProgress<int>? progress, (int Months, double Damping)? rule, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        var inputs = SimulationInputs.LoadCached(sourceDirectory, window.MixMonth);
        var calibration = inputs.Calibration;
        var mexico = ModelParameters.Get(ModelParameters.MexicoEnforcement);
        var (share, shareSource) = ModelParameters.MexicoPresets["2024"];
        var shareDerivation = "the Q1 2024 preset: " + shareSource + "; with an anchored level it only divides the northbound flow between Mexico and the border, the border level is the real one";
        var settings = new Dictionary<string, ParameterSetting> { [mexico.Name] = ParameterSetting.Fixed(mexico, share, shareDerivation) };
        LevelSpec level;
        if (window == June2024)
        {
            var deterrence = ModelParameters.Get(ModelParameters.DeterrenceEffect);
            var (effect, derivation) = DeterrenceAnalogue2023(calibration);
            settings[deterrence.Name] = ParameterSetting.Fixed(deterrence, effect, derivation);
            level = new LevelSpec(window.LastKnownMonth, SuspensionActive: false, [Title42Analogue(calibration)]) { Rule = RuleFor(calibration, window, origin, window.LastKnownMonth, rule) };
        }
        else
        {
            // The anchor is December 2024, the last whole month of the old regime (10773 active throughout); January
            // 2025 is read only to size the break.
            var anchor = window.LastKnownMonth.PlusMonths(-1);
            var imposed = RuleFor(calibration, window, origin, anchor, rule);
            level = new LevelSpec(anchor, SuspensionActive: true, [JanuarySplit(calibration, window.End, imposed)]) { Rule = imposed };
            var appointments = ModelParameters.Get(ModelParameters.Appointments);
            settings[appointments.Name] = ParameterSetting.Fixed(appointments, 0, EndOfCbpOne);
        }

        var scenario = new Scenario(
            "backtest-" + window.Id,
            $"The model over {window.Start:yyyy-MM} to {window.End:yyyy-MM} under the real policy timeline ({window.Description}), calibrated on the months before",
            "backtest (built in)",
            seed,
            paths,
            window.Start,
            window.End,
            window.MixMonth,
            [new ScenarioPolicy(window.PolicyId, BuiltInPolicies.Get(window.PolicyId), ReplayOptions.Default)],
            settings,
            null)
        {
            Level = level,
        };
        var result = MonteCarlo.Run(scenario, inputs, new SimulationOptions { Threads = threads }, progress, cancellationToken);
        var p = result.Policies[0];
        var months = new List<BacktestMonth>();
        for (var m = 0; m < p.MonthlyEncounters.Count; m++)
        {
            var month = window.Start.ToYearMonth().PlusMonths(m);
            var read = origin == BacktestOrigin.Rolling ? month.PlusMonths(-1) : window.LastKnownMonth;
            months.Add(new BacktestMonth(month, calibration.UsbpMonthly[month], p.MonthlyEncounters[m], p.MonthlyUnderCaps[m]) { LastRealMonthRead = read });
        }

        return new BacktestReport(window.Start.ToYearMonth(), window.End.ToYearMonth(), share, shareDerivation, months, Statements(sourceDirectory, result, months), result, window) { Origin = origin };
    }

    /// <summary>
    /// The level rule: with a fixed origin, the imposed one or null (chosen by <see cref="LevelForecast.Anchored"/>);
    /// with a rolling one, the imposed or chosen rule scored one month ahead on the months to <paramref name="anchor"/>,
    /// told to re-anchor every month of the window.
    /// </summary>
    private static LevelRule? RuleFor(Calibration calibration, BacktestWindow window, BacktestOrigin origin, YearMonth anchor, (int Months, double Damping)? rule)
    {
        if (origin == BacktestOrigin.Fixed)
        {
            return Imposed(calibration, anchor, window.End, rule);
        }

        var scored = rule is { } r
            ? LevelForecast.Score(calibration, anchor, 1, r.Months, r.Damping) ?? throw Calibration.UsbpFileError($"too few months before {anchor.ToString("yyyy-MM", CultureInfo.InvariantCulture)} to score the level rule")
            : LevelForecast.Select(calibration, anchor, 1) with { Chosen = true };
        return scored with { Rolling = new RollingOrigin(window.Start.ToYearMonth(), window.End.ToYearMonth(), window.SuspensionFrom) };
    }

    /// <summary>Months from <paramref name="anchor"/> to <paramref name="end"/>'s month, at most <see cref="MonteCarlo.MaxLevelMonths"/>.</summary>
    private static int MonthsAhead(YearMonth anchor, LocalDate end) => Math.Min(MonteCarlo.MaxLevelMonths, ((end.Year - anchor.Year) * 12) + end.Month - anchor.Month);

    /// <summary>The imposed rule scored on the months to <paramref name="anchor"/>, or null when none is imposed.</summary>
    private static LevelRule? Imposed(Calibration calibration, YearMonth anchor, LocalDate end, (int Months, double Damping)? rule) =>
        rule is { } r ? LevelForecast.Score(calibration, anchor, MonthsAhead(anchor, end), r.Months, r.Damping) : null;

    /// <summary>Per day, deseasonalised: the real total of <paramref name="month"/> ÷ its days ÷ its seasonal factor.</summary>
    private static double Deseasonalised(Calibration calibration, YearMonth month) => Math.Exp(LevelForecast.LogDeseasonalised(calibration, month));

    /// <summary>
    /// The deterrence of 10773 from before June 2024: the fall from May to June 2023 net of season, when the
    /// Circumvention of Lawful Pathways rule (in force May 11, 2023), the rule 10773 was modeled on, replaced Title 42.
    /// </summary>
    internal static (double Effect, string Derivation) DeterrenceAnalogue2023(Calibration calibration)
    {
        var (may, june) = (new YearMonth(2023, 5), new YearMonth(2023, 6));
        var effect = 1 - (Deseasonalised(calibration, june) / Deseasonalised(calibration, may));
        return (effect, string.Create(CultureInfo.InvariantCulture, $"analogue before the window: 1 − deseasonalised June 2023 ÷ May 2023 USBP a day = {effect:0.000}, the fall when the Circumvention of Lawful Pathways rule (the model of 10773's asylum limit) took effect on May 11, 2023 ({MonthlySources.UsbpSwbFile}) [U: an analogue; Title 42 ended the same day]"));
    }

    /// <summary>
    /// The size of the January 20, 2025 break as seen from before June 2024: the last wholesale suspension of entry by
    /// order, Title 42 from March 21, 2020 (deseasonalised April 2020 ÷ February 2020).
    /// </summary>
    internal static LevelShift Title42Analogue(Calibration calibration)
    {
        var factor = Deseasonalised(calibration, new YearMonth(2020, 4)) / Deseasonalised(calibration, new YearMonth(2020, 2));
        return new LevelShift(Regime2025, factor, string.Create(CultureInfo.InvariantCulture, $"analogue before the window: deseasonalised April 2020 ÷ February 2020 USBP a day = {factor:0.000}, the fall after the Title 42 order suspended entry from March 21, 2020 ({MonthlySources.UsbpSwbFile}) [U: an analogue; COVID-19 closures fell in the same weeks]"));
    }

    /// <summary>
    /// The size of the January 20, 2025 break from January 2025 alone: its real total less January 1–19 at the old
    /// regime's one-month forecast (the level rule on months to December 2024), over the 12 days from January 20.
    /// </summary>
    /// <param name="end">The window's last day (the rule is chosen for that many months ahead).</param>
    /// <param name="imposed">A rule imposed instead of the chosen one, or null.</param>
    internal static LevelShift JanuarySplit(Calibration calibration, LocalDate end, LevelRule? imposed)
    {
        var (december, january) = (new YearMonth(2024, 12), new YearMonth(2025, 1));
        var rule = imposed ?? LevelForecast.Select(calibration, december, MonthsAhead(december, end));
        var seasonal = calibration.Seasonal[0];
        var oldPerDay = Math.Exp(LevelForecast.Forecast(calibration, december, rule.Months, rule.Damping, 1)) * seasonal;
        var oldDays = Period.DaysBetween(january.OnDayOfMonth(1), Regime2025);
        var newDays = january.ToDateInterval().Length - oldDays;
        var remainder = calibration.UsbpMonthly[january] - (oldDays * oldPerDay);
        if (remainder <= 0)
        {
            throw Calibration.UsbpFileError(string.Create(CultureInfo.InvariantCulture, $"January 2025's total {calibration.UsbpMonthly[january]:N0} is below the old regime's forecast for January 1–19 ({oldDays * oldPerDay:N0}): the break cannot be sized"));
        }

        var factor = remainder / newDays / oldPerDay;
        return new LevelShift(Regime2025, factor, string.Create(CultureInfo.InvariantCulture, $"January 2025 {calibration.UsbpMonthly[january]:N0} − {oldDays} days × {oldPerDay:0} a day (the old regime's one-month forecast, rule {rule.Months} months, φ {rule.Damping:0.0#}) = {remainder:N0} over {newDays} days = {remainder / newDays:0} a day ({MonthlySources.UsbpSwbFile}); the size moves with the forecast of January 1–19: ±5% on it moves the shift by ±{0.05 * oldDays * oldPerDay / remainder:P0} [U]"));
    }

    private static List<BacktestStatement> Statements(string sourceDirectory, SimulationResult result, IReadOnlyList<BacktestMonth> months)
    {
        var path = Path.Combine(sourceDirectory, StatementsFile);
        if (!File.Exists(path))
        {
            throw new SourceDataException(StatementsFile, 0, "file not found; the backtest compares the model with its statements");
        }

        var daily = result.Policies[0].DailyAverage;
        var list = new List<BacktestStatement>();
        using var reader = Sep.Reader(o => o with { Unescape = true }).FromFile(path);
        foreach (var row in reader)
        {
            var reference = row["reference_date"].ToString();
            var metric = row["metric"].ToString();
            var qualifier = row["qualifier"].ToString();
            var source = row["source_type"].ToString();
            if (!double.TryParse(row["value"].ToString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                continue;
            }

            var isSevenDay = metric.Contains("7-day average", StringComparison.OrdinalIgnoreCase) || metric.Contains("as counted under the rule", StringComparison.OrdinalIgnoreCase);
            var isPeriodAverage = metric.Contains("per day (average)", StringComparison.OrdinalIgnoreCase);
            if (!(isSevenDay || isPeriodAverage) || metric.Contains("change", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var below = qualifier is "under" or "below";
            if (isPeriodAverage)
            {
                // "July–September 2024 average per day": the months' medians summed over their days.
                var covered = months.Where(m => m.Month >= new YearMonth(2024, 7) && m.Month <= new YearMonth(2024, 9)).ToArray();
                if (covered.Length != 3 || !reference.StartsWith("2024-09", StringComparison.Ordinal))
                {
                    continue;
                }

                var days = covered.Sum(m => m.Month.ToDateInterval().Length);
                double Per(Func<Band, double> f) => covered.Sum(m => f(m.Modeled)) / days;
                list.Add(new BacktestStatement(reference, metric, qualifier, value, source, "July–September 2024, monthly bands ÷ 92 days", Per(b => b.P10), Per(b => b.P50), Per(b => b.P90),
                    Math.Abs(Per(b => b.P50) - value) / value <= 0.10, "an average, not a bound: 'meets' means the median is within 10%"));
                continue;
            }

            var full = LocalDatePattern.Iso.Parse(reference);
            if (full.Success)
            {
                var d = Period.DaysBetween(result.Start, full.Value);
                if (d < 0 || d >= daily.Count)
                {
                    continue;
                }

                // "The most recent 7 days before the statement": the window ending the day before it.
                var b = daily[Math.Max(0, d - 1)];
                list.Add(new BacktestStatement(reference, metric, qualifier, value, source, $"7 days ending {result.Start.PlusDays(Math.Max(0, d - 1)):yyyy-MM-dd}", b.P10, b.P50, b.P90,
                    below ? b.P50 < value : Math.Abs(b.P50 - value) / value <= 0.10, Note(metric, below)));
                continue;
            }

            var month = YearMonthPattern.Iso.Parse(reference);
            if (month.Success)
            {
                var interval = month.Value.ToDateInterval();
                var idx = Enumerable.Range(Period.DaysBetween(result.Start, interval.Start), interval.Length).Where(i => i >= 0 && i < daily.Count).ToArray();
                if (idx.Length == 0)
                {
                    continue;
                }

                var medians = idx.Select(i => daily[i].P50).ToArray();
                var meets = below ? medians.Any(m => m < value) : medians.Any(m => Math.Abs(m - value) / value <= 0.10);
                list.Add(new BacktestStatement(reference, metric, qualifier, value, source, $"exact days not stated: the daily medians of {reference} range {medians.Min():0} to {medians.Max():0}", idx.Min(i => daily[i].P10), medians.Min(), idx.Max(i => daily[i].P90),
                    meets, Note(metric, below) + "; 'meets' means some day of the month does"));
            }
        }

        return list;
    }

    private static string Note(string metric, bool below) =>
        (metric.Contains("under the rule", StringComparison.OrdinalIgnoreCase)
            ? "the rule's own count (non-contiguous unaccompanied children excluded), as the model's"
            : "DHS/CBP quote the Border Patrol 7-day average; the model's is the rule's count (LEGAL-SPEC §7 caveat)")
        + (below ? "; a bound: 'meets' means the median is below it" : "; 'about': 'meets' means within 10%");

    public static string Summary(BacktestReport report)
    {
        var sb = new StringBuilder();
        var f = CultureInfo.InvariantCulture;
        sb.Append(f, $"Backtest {report.First:yyyy-MM} to {report.Last:yyyy-MM} (MODELED), {report.Window.Description}; {OriginText(report.Origin)}; {report.Run.Paths:N0} paths, seed {report.Run.Seed}\n");
        foreach (var line in report.Run.CalibrationProvenance.Where(l => l.StartsWith("level", StringComparison.Ordinal)))
        {
            sb.Append("  ").Append(line).Append('\n');
        }

        foreach (var p in SetByTheBacktest(report))
        {
            sb.Append(f, $"  {p.Name} = {ModelParameter.Format(p.Low)}: {p.Origin}\n");
        }

        sb.Append("month    real     P10      P50      P90      P50 error   returns to Mexico under the arrangement P50 (MODELED)\n");
        foreach (var m in report.Months)
        {
            sb.Append(f, $"{m.Month:yyyy-MM}  {m.Actual,7:N0}  {m.Modeled.P10,7:N0}  {m.Modeled.P50,7:N0}  {m.Modeled.P90,7:N0}  {m.RelativeError,8:P1}  {m.ModeledReturnsUnderArrangement.P50,7:N0}{(m.WithinBand ? string.Empty : "  outside P10–P90")}\n");
        }

        sb.Append(f, $"mean absolute error of the medians {report.MeanAbsoluteRelativeError:P1}; {report.MonthsWithinBand} of {report.Months.Count} real months inside P10–P90; median P90 ÷ P10 {report.MedianBandRatio:0.00}\n");
        sb.Append(f, $"targets (≤ {TargetMeanAbsoluteError:P0}, every month inside P10–P90): {(report.MeetsErrorTarget ? "error met" : "error NOT met")}, {(report.MeetsCoverageTarget ? "coverage met" : "coverage NOT met")}\n");

        foreach (var s in report.Statements)
        {
            sb.Append(f, $"{s.ReferenceDate} {s.Qualifier} {s.Value:N0} ({s.SourceType}): modeled {s.P10:0}/{s.P50:0}/{s.P90:0} [{s.Window}] → {(s.MedianMeetsBound ? "meets" : "does not meet")}\n");
        }

        return sb.ToString();
    }

    /// <summary>The target of issue 16 for both windows: mean absolute error of the monthly medians at most 12%, with every real month inside P10–P90.</summary>
    public const double TargetMeanAbsoluteError = 0.12;

    /// <summary>How the outputs name <paramref name="origin"/>.</summary>
    public static string OriginText(BacktestOrigin origin) => origin == BacktestOrigin.Rolling
        ? "rolling origin: each month one month ahead from the real months before it"
        : "fixed origin: every month from the months before the window";

    /// <summary>The parameters the backtest fixes itself (the others keep their calibrated defaults).</summary>
    private static IEnumerable<ParameterUse> SetByTheBacktest(BacktestReport report) => report.Run.Parameters.Where(p => p.Origin != "default");

    public static string MonthlyCsv(BacktestReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var f = CultureInfo.InvariantCulture;
        var sb = ResultFormats.CsvStart($"backtest {report.Window.Id}; real = CBP published USBP southwest monthly total ({MonthlySources.UsbpSwbFile})");
        sb.Append("month,real,modeled_p10,modeled_p50,modeled_p90,p50_relative_error,real_within_p10_p90,modeled,modeled_returns_under_arrangement_p10,modeled_returns_under_arrangement_p50,modeled_returns_under_arrangement_p90,last_real_month_read\n");
        foreach (var m in report.Months)
        {
            var r = m.ModeledReturnsUnderArrangement;
            sb.Append(f, $"{m.Month:yyyy-MM},{m.Actual},{m.Modeled.P10:0},{m.Modeled.P50:0},{m.Modeled.P90:0},{m.RelativeError:0.0000},{(m.WithinBand ? "true" : "false")},true,{r.P10:0},{r.P50:0},{r.P90:0},{m.LastRealMonthRead:yyyy-MM}\n");
        }

        return sb.ToString();
    }

    public static string StatementsCsv(BacktestReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var f = CultureInfo.InvariantCulture;
        var sb = ResultFormats.CsvStart($"published statements from {StatementsFile}");
        sb.Append("reference_date,qualifier,value,source_type,window,modeled_p10,modeled_p50,modeled_p90,median_meets,note,modeled\n");
        foreach (var s in report.Statements)
        {
            sb.Append(f, $"{s.ReferenceDate},{s.Qualifier},{s.Value},{ResultFormats.Quote(s.SourceType)},{ResultFormats.Quote(s.Window)},{s.P10:0},{s.P50:0},{s.P90:0},{(s.MedianMeetsBound ? "true" : "false")},{ResultFormats.Quote(s.Note)},true\n");
        }

        return sb.ToString();
    }

    public static string Json(BacktestReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return ResultFormats.JsonText(w =>
        {
            w.WriteString("backtest", $"{report.First:yyyy-MM} to {report.Last:yyyy-MM}, {report.Window.Description}");
            w.WriteString("window", report.Window.Id);
            w.WriteNumber("paths", report.Run.Paths);
            w.WriteNumber("seed", report.Run.Seed);
            w.WriteNumber("mexicoShare", Math.Round(report.MexicoShare, 4));
            w.WriteString("mexicoShareDerivation", report.MexicoShareDerivation);
            w.WriteNumber("meanAbsoluteRelativeErrorOfMedians", Math.Round(report.MeanAbsoluteRelativeError, 4));
            w.WriteNumber("monthsWithinP10P90", report.MonthsWithinBand);
            w.WriteNumber("medianP90OverP10", Math.Round(report.MedianBandRatio, 3));
            w.WriteString("origin", report.Origin == BacktestOrigin.Rolling ? "rolling" : "fixed");
            w.WriteString("originDescription", OriginText(report.Origin));
            w.WriteNumber("targetMeanAbsoluteRelativeError", TargetMeanAbsoluteError);
            w.WriteBoolean("meanAbsoluteRelativeErrorTargetMet", report.MeetsErrorTarget);
            w.WriteBoolean("everyMonthWithinP10P90", report.MeetsCoverageTarget);
            w.WriteString("caveat", report.Window.Caveat);
            ResultFormats.Strings(w, "calibration", report.Run.CalibrationProvenance);
            ResultFormats.Parameters(w, "parametersSet", SetByTheBacktest(report));
            w.WriteStartArray("months");
            foreach (var m in report.Months)
            {
                w.WriteStartObject();
                w.WriteString("month", m.Month.ToString("yyyy-MM", CultureInfo.InvariantCulture));
                w.WriteNumber("real", m.Actual);
                w.WriteNumber("p10", m.Modeled.P10);
                w.WriteNumber("p50", m.Modeled.P50);
                w.WriteNumber("p90", m.Modeled.P90);
                w.WriteNumber("p50RelativeError", Math.Round(m.RelativeError, 4));
                w.WriteNumber("returnsUnderArrangementP10", m.ModeledReturnsUnderArrangement.P10);
                w.WriteNumber("returnsUnderArrangementP50", m.ModeledReturnsUnderArrangement.P50);
                w.WriteNumber("returnsUnderArrangementP90", m.ModeledReturnsUnderArrangement.P90);
                w.WriteString("lastRealMonthRead", m.LastRealMonthRead.ToString("yyyy-MM", CultureInfo.InvariantCulture));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("statements");
            foreach (var s in report.Statements)
            {
                w.WriteStartObject();
                w.WriteString("referenceDate", s.ReferenceDate);
                w.WriteString("metric", s.Metric);
                w.WriteString("qualifier", s.Qualifier);
                w.WriteNumber("value", s.Value);
                w.WriteString("sourceType", s.SourceType);
                w.WriteString("window", s.Window);
                w.WriteNumber("p10", Math.Round(s.P10, 1));
                w.WriteNumber("p50", Math.Round(s.P50, 1));
                w.WriteNumber("p90", Math.Round(s.P90, 1));
                w.WriteBoolean("medianMeets", s.MedianMeetsBound);
                w.WriteString("note", s.Note);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
    }
}
