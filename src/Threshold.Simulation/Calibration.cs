using System.Globalization;
using NodaTime;
using Threshold.Population;
using Threshold.Sources;
using Threshold.Synthesis;

namespace Threshold.Simulation;

/// <summary>
/// The figures the flow model takes from the REAL monthly USBP southwest series in <c>data/source</c>: seasonality,
/// persistent noise, the northbound level behind the border and the deterrence the 2024 fall implies. Immutable;
/// <see cref="Provenance"/> says how each was derived. Method: docs/simulation.md §Calibration.
/// </summary>
public sealed class Calibration
{
    /// <summary>First and last fiscal years of the seasonality and noise window (pre-pandemic, stable reporting).</summary>
    public const int SeasonFirstFiscalYear = 2010;

    public const int SeasonLastFiscalYear = 2019;

    /// <summary>How the provenance line of the fixed Q1 2024 level starts (a scenario with an anchored level replaces that line).</summary>
    public const string FixedLevelLabel = "level: Q1 2024";

    /// <summary>How the provenance line of the derived deterrence default starts (left out when a scenario sets the deterrence).</summary>
    public const string DeterrenceLabel = "deterrence (derived default):";

    /// <summary>The months the level is taken from: Q1 2024, the quarter of Mexico's reported near-tripling (its share is <see cref="ModelParameters.MexicoPresets"/> "2024").</summary>
    public static readonly YearMonth[] LevelMonths = [new(2024, 1), new(2024, 2), new(2024, 3)];

    internal Calibration(double[] seasonal, double persistence, double noiseSd, double borderLevel, double northboundLevel, double deterrence, IReadOnlyDictionary<YearMonth, int> usbpMonthly, IReadOnlyList<string> provenance)
    {
        Seasonal = seasonal;
        NoisePersistence = persistence;
        NoiseSd = noiseSd;
        BorderLevelPerDay = borderLevel;
        NorthboundLevelPerDay = northboundLevel;
        Deterrence = deterrence;
        UsbpMonthly = usbpMonthly;
        Provenance = provenance;
    }

    /// <summary>Multiplicative seasonal factor of each calendar month (index 0 = January); their mean is 1.</summary>
    public IReadOnlyList<double> Seasonal { get; }

    /// <summary>Daily AR(1) coefficient of log attempts (from the monthly lag-1 autocorrelation, ρ_month^(12/365.25)).</summary>
    public double NoisePersistence { get; }

    /// <summary>Stationary standard deviation of log attempts.</summary>
    public double NoiseSd { get; }

    /// <summary>Deseasonalised USBP southwest encounters a day in <see cref="LevelMonths"/>.</summary>
    public double BorderLevelPerDay { get; }

    /// <summary>Deseasonalised northbound migrants a day before Mexico's enforcement: <see cref="BorderLevelPerDay"/> ÷ (1 − the 2024 share).</summary>
    public double NorthboundLevelPerDay { get; }

    /// <summary>Deterrence implied by the May→July 2024 fall net of seasonality.</summary>
    public double Deterrence { get; }

    /// <summary>The real monthly USBP southwest totals (CBP published), for backtests and calibration checks.</summary>
    public IReadOnlyDictionary<YearMonth, int> UsbpMonthly { get; }

    /// <summary>One line per derived figure: value, method and file.</summary>
    public IReadOnlyList<string> Provenance { get; }

    public double SeasonalFactor(LocalDate date) => Seasonal[date.Month - 1];

    /// <summary>Reads <paramref name="sourceDirectory"/> (the path of <c>data/source</c>) and derives every figure; throws <see cref="SourceDataException"/> naming the file when one is missing or short.</summary>
    public static Calibration Load(string sourceDirectory)
    {
        var monthly = MonthlySources.Load(sourceDirectory).BetweenPorts;
        var khsm = PopulationSources.ReadRegionTotals(sourceDirectory).Region;
        var series = new List<(YearMonth Month, double Value)>();
        for (var month = new YearMonth(SeasonFirstFiscalYear - 1, 10); month <= new YearMonth(SeasonLastFiscalYear, 9); month = month.PlusMonths(1))
        {
            if (!khsm.TryGetValue((PopulationSources.SouthwestRegion, month), out var value) || value <= 0)
            {
                throw new SourceDataException(PopulationMix.RegionFile, 0, $"no Southwest Land Border total for {month.ToString("yyyy-MM", CultureInfo.InvariantCulture)}; the seasonality window FY{SeasonFirstFiscalYear}–FY{SeasonLastFiscalYear} needs every month");
            }

            series.Add((month, value));
        }

        // Centred 2×12 moving average: the trend each month is compared with (classical decomposition).
        var n = series.Count;
        var trend = new double[n];
        for (var i = 6; i < n - 6; i++)
        {
            var sum = (series[i - 6].Value + series[i + 6].Value) / 2;
            for (var k = -5; k <= 5; k++)
            {
                sum += series[i + k].Value;
            }

            trend[i] = sum / 12;
        }

        var logRatioSum = new double[12];
        var logRatioCount = new int[12];
        for (var i = 6; i < n - 6; i++)
        {
            var m = series[i].Month.Month - 1;
            logRatioSum[m] += Math.Log(series[i].Value / trend[i]);
            logRatioCount[m]++;
        }

        var seasonal = new double[12];
        for (var m = 0; m < 12; m++)
        {
            seasonal[m] = Math.Exp(logRatioSum[m] / logRatioCount[m]);
        }

        var mean = seasonal.Average();
        for (var m = 0; m < 12; m++)
        {
            seasonal[m] /= mean;
        }

        // Residual log noise after trend and season: its spread and its month-to-month persistence.
        var residuals = new List<double>();
        for (var i = 6; i < n - 6; i++)
        {
            residuals.Add(Math.Log(series[i].Value / (trend[i] * seasonal[series[i].Month.Month - 1])));
        }

        var residualMean = residuals.Average();
        var variance = residuals.Sum(r => (r - residualMean) * (r - residualMean)) / (residuals.Count - 1);
        var covariance = 0.0;
        for (var i = 1; i < residuals.Count; i++)
        {
            covariance += (residuals[i] - residualMean) * (residuals[i - 1] - residualMean);
        }

        var rhoMonth = Math.Clamp(covariance / (residuals.Count - 1) / variance, 0.01, 0.99);
        var persistence = Math.Pow(rhoMonth, 12 / 365.25);
        var noiseSd = Math.Sqrt(variance);

        double PerDay(YearMonth m) => monthly.TryGetValue(m, out var v)
            ? (double)v / m.ToDateInterval().Length
            : throw new SourceDataException(MonthlySources.UsbpSwbFile, 0, $"no USBP southwest total for {m.ToString("yyyy-MM", CultureInfo.InvariantCulture)}, which the calibration needs");

        var levelDays = LevelMonths.Sum(m => m.ToDateInterval().Length);
        var borderLevel = LevelMonths.Sum(m => PerDay(m) * m.ToDateInterval().Length / seasonal[m.Month - 1]) / levelDays;
        var mexico2024 = ModelParameters.MexicoPresets["2024"].Share;
        var northbound = borderLevel / (1 - mexico2024);
        var may = new YearMonth(2024, 5);
        var july = new YearMonth(2024, 7);
        var deterrence = 1 - (PerDay(july) / PerDay(may) / (seasonal[6] / seasonal[4]));

        var f = CultureInfo.InvariantCulture;
        IReadOnlyList<string> provenance =
        [
            string.Create(f, $"seasonality: geometric mean of month ÷ centred 2×12 moving average, FY{SeasonFirstFiscalYear}–FY{SeasonLastFiscalYear}, USBP Southwest Land Border ({PopulationMix.RegionFile}); Jan..Dec = {string.Join(" ", seasonal.Select(s => s.ToString("0.000", f)))}"),
            string.Create(f, $"noise: residual log deviation sd {noiseSd:0.000}, monthly lag-1 autocorrelation {rhoMonth:0.000} → daily AR(1) coefficient {persistence:0.0000} ({PopulationMix.RegionFile})"),
            string.Create(f, $"{FixedLevelLabel} USBP southwest {BorderLevel(monthly):N0} encounters, deseasonalised {borderLevel:0} a day ({MonthlySources.UsbpSwbFile}); northbound before Mexico's enforcement {northbound:0} a day at the 2024 share {mexico2024:0.000}"),
            string.Create(f, $"{DeterrenceLabel} 1 − (July 2024 {PerDay(july):0}/day ÷ May 2024 {PerDay(may):0}/day) ÷ (seasonal July {seasonal[6]:0.000} ÷ May {seasonal[4]:0.000}) = {deterrence:0.000} ({MonthlySources.UsbpSwbFile}) [U: the whole residual fall is attributed to the suspension]"),
        ];
        return new Calibration(seasonal, persistence, noiseSd, borderLevel, northbound, deterrence, monthly, provenance);
    }

    /// <summary>The error for a month of the USBP southwest file that a derivation needs and cannot use (no line: the month is absent).</summary>
    internal static SourceDataException UsbpFileError(string problem) => new(MonthlySources.UsbpSwbFile, 0, problem);

    private static long BorderLevel(IReadOnlyDictionary<YearMonth, int> monthly) => LevelMonths.Sum(m => (long)monthly[m]);

    /// <summary>The catalogue with the calibrated defaults filled in (noise, deterrence); other defaults unchanged.</summary>
    public IReadOnlyList<ModelParameter> CalibratedCatalogue() => ModelParameters.Catalogue.Select(p => p.Name switch
    {
        ModelParameters.NoisePersistence => p with { Default = Math.Round(NoisePersistence, 4) },
        ModelParameters.NoiseSd => p with { Default = Math.Round(NoiseSd, 4) },
        ModelParameters.DeterrenceEffect => p with { Default = Math.Round(Deterrence, 3) },
        _ => p,
    }).ToArray();
}
