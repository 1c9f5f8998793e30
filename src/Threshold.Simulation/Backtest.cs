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

/// <summary>One month of the backtest: the real USBP southwest total and the MODELED band.</summary>
public sealed record BacktestMonth(YearMonth Month, long Actual, Band Modeled)
{
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

/// <summary>The backtest: fit against the real monthly totals and the published statements, with the run it came from.</summary>
public sealed record BacktestReport(
    YearMonth First,
    YearMonth Last,
    double MexicoShare,
    string MexicoShareDerivation,
    IReadOnlyList<BacktestMonth> Months,
    IReadOnlyList<BacktestStatement> Statements,
    SimulationResult Run)
{
    /// <summary>Mean absolute relative error of the monthly medians.</summary>
    public double MeanAbsoluteRelativeError => Months.Average(m => Math.Abs(m.RelativeError));

    public int MonthsWithinBand => Months.Count(m => m.WithinBand);
}

/// <summary>
/// Runs the model over June 2024 to January 2025 under the real policy timeline (Proclamation 10773 in force from
/// 12:01 a.m. EDT June 5, 2024; the 10817 amendments from October 1, 2024, as the built-in policy encodes them) and
/// compares it with the real monthly USBP totals and the published 7-day statements.
/// </summary>
/// <remarks>
/// Mexico's enforcement is a lever of its own: encounters fell from February to May 2024, before the proclamation.
/// It is fitted on the months BEFORE the horizon only: the share that makes the model's deseasonalised May 2024 level
/// equal the real one. Nothing after May 2024 is used to fit anything, so June 2024 – January 2025 is out of sample
/// (except the default deterrence, which is derived from May→July 2024: the backtest says so).
/// </remarks>
public static class Backtest
{
    public const int DefaultPaths = 1000;

    public const ulong DefaultSeed = 20240605;

    public static readonly LocalDate Start = new(2024, 6, 1);

    public static readonly LocalDate End = new(2025, 1, 31);

    public const string StatementsFile = "reported_daily_and_7day_avg_figures_2023_2025.csv";

    public static BacktestReport Run(string sourceDirectory, int paths, ulong seed, int? threads, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        var mixMonth = new YearMonth(2024, 7);
        var inputs = SimulationInputs.Load(sourceDirectory, mixMonth);
        var calibration = inputs.Calibration;
        var may = new YearMonth(2024, 5);
        var mayPerDay = (double)calibration.UsbpMonthly[may] / may.ToDateInterval().Length;
        var share = 1 - (mayPerDay / calibration.SeasonalFactor(may.OnDayOfMonth(1)) / calibration.NorthboundLevelPerDay);
        var derivation = string.Create(CultureInfo.InvariantCulture, $"fitted before the horizon: 1 − (May 2024 USBP {mayPerDay:0}/day ÷ seasonal {calibration.SeasonalFactor(may.OnDayOfMonth(1)):0.000}) ÷ northbound level {calibration.NorthboundLevelPerDay:0}/day = {share:0.000} ({MonthlySources.UsbpSwbFile}); against 0.472 in Q1 2024");
        var parameter = ModelParameters.Get(ModelParameters.MexicoEnforcement);
        var policy = new ScenarioPolicy("proclamation-10773", BuiltInPolicies.Get("proclamation-10773"), ReplayOptions.Default);
        var scenario = new Scenario(
            "backtest-2024-06-to-2025-01",
            "The model over June 2024 – January 2025 under the real policy timeline, Mexico's enforcement fitted to May 2024",
            "backtest (built in)",
            seed,
            paths,
            Start,
            End,
            mixMonth,
            [policy],
            new Dictionary<string, ParameterSetting> { [parameter.Name] = ParameterSetting.Fixed(parameter, share, derivation) },
            null);
        var result = MonteCarlo.Run(scenario, inputs, new SimulationOptions { Threads = threads }, progress, cancellationToken);
        var p = result.Policies[0];
        var months = new List<BacktestMonth>();
        for (var m = 0; m < p.MonthlyEncounters.Count; m++)
        {
            var month = Start.ToYearMonth().PlusMonths(m);
            months.Add(new BacktestMonth(month, calibration.UsbpMonthly[month], p.MonthlyEncounters[m]));
        }

        return new BacktestReport(Start.ToYearMonth(), End.ToYearMonth(), share, derivation, months, Statements(sourceDirectory, result, months), result);
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
        sb.Append(f, $"Backtest {report.First:yyyy-MM} to {report.Last:yyyy-MM} (MODELED), {report.Run.Paths:N0} paths; Mexico's enforcement {report.MexicoShareDerivation}\n");
        sb.Append("month    real     P10      P50      P90      P50 error\n");
        foreach (var m in report.Months)
        {
            sb.Append(f, $"{m.Month:yyyy-MM}  {m.Actual,7:N0}  {m.Modeled.P10,7:N0}  {m.Modeled.P50,7:N0}  {m.Modeled.P90,7:N0}  {m.RelativeError,8:P1}{(m.WithinBand ? string.Empty : "  outside P10–P90")}\n");
        }

        sb.Append(f, $"mean absolute error of the medians {report.MeanAbsoluteRelativeError:P1}; {report.MonthsWithinBand} of {report.Months.Count} real months inside P10–P90\n");
        foreach (var s in report.Statements)
        {
            sb.Append(f, $"{s.ReferenceDate} {s.Qualifier} {s.Value:N0} ({s.SourceType}): modeled {s.P10:0}/{s.P50:0}/{s.P90:0} [{s.Window}] → {(s.MedianMeetsBound ? "meets" : "does not meet")}\n");
        }

        return sb.ToString();
    }

    public static string MonthlyCsv(BacktestReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var f = CultureInfo.InvariantCulture;
        var sb = ResultFormats.CsvStart($"backtest; real = CBP published USBP southwest monthly total ({MonthlySources.UsbpSwbFile})");
        sb.Append("month,real,modeled_p10,modeled_p50,modeled_p90,p50_relative_error,real_within_p10_p90,modeled\n");
        foreach (var m in report.Months)
        {
            sb.Append(f, $"{m.Month:yyyy-MM},{m.Actual},{m.Modeled.P10:0},{m.Modeled.P50:0},{m.Modeled.P90:0},{m.RelativeError:0.0000},{(m.WithinBand ? "true" : "false")},true\n");
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
            w.WriteString("backtest", $"{report.First:yyyy-MM} to {report.Last:yyyy-MM}, Proclamation 10773 (with the 10817 amendments from 2024-10-01) as built in");
            w.WriteNumber("paths", report.Run.Paths);
            w.WriteNumber("seed", report.Run.Seed);
            w.WriteNumber("mexicoShare", Math.Round(report.MexicoShare, 4));
            w.WriteString("mexicoShareDerivation", report.MexicoShareDerivation);
            w.WriteNumber("meanAbsoluteRelativeErrorOfMedians", Math.Round(report.MeanAbsoluteRelativeError, 4));
            w.WriteNumber("monthsWithinP10P90", report.MonthsWithinBand);
            w.WriteString("caveat", "January 2025 includes the change of administration (Proclamation 10888 and the end of CBP One on January 20, 2025; LEGAL-SPEC §3.2, §8 rows 32 and 34), which the model does not represent; the default deterrence is derived from May→July 2024 and so is not out of sample");
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
