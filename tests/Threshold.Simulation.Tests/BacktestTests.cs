using System.Globalization;
using NodaTime;
using Threshold.Simulation;
using Threshold.Synthesis;

namespace Threshold.Simulation.Tests;

/// <summary>
/// The two backtests run by the real code: their measured figures are the ones docs/simulation.md reports (at
/// <see cref="Paths"/> paths; the 1,000-path figures there come from the CLI), and no month inside a window moves its
/// forecast.
/// </summary>
public class BacktestTests
{
    /// <summary>Paths per test run: the figures below are for exactly this count and <see cref="Backtest.DefaultSeed"/>.</summary>
    private const int Paths = 200;

    private static BacktestReport Run(BacktestWindow window, string source, int paths = Paths) =>
        Backtest.Run(window, source, paths, Backtest.DefaultSeed, threads: null, progress: null, cancellationToken: default);

    private static BacktestReport Rolling(BacktestWindow window, string source, int paths = Paths) =>
        Backtest.Run(window, BacktestOrigin.Rolling, source, paths, Backtest.DefaultSeed, threads: null, progress: null, rule: null, cancellationToken: default);

    [Fact]
    public void Backtest_June2024_MeasuresWhatTheDocsReport()
    {
        var report = Run(Backtest.June2024, TestData.Source);
        Assert.Equal(8, report.Months.Count);
        Assert.Equal("27.6%", Percent(report.MeanAbsoluteRelativeError));
        Assert.Equal(8, report.MonthsWithinBand);
        Assert.Equal(2.55, Math.Round(report.MedianBandRatio, 2));

        // Calibrated before June 2024: the 2023 analogue of the deterrence, not the May → July 2024 fall.
        Assert.Contains(report.Run.Parameters, p => p.Name == ModelParameters.DeterrenceEffect && p.Origin.Contains("June 2023", StringComparison.Ordinal));
    }

    [Fact]
    public void Backtest_February2025_MeasuresWhatTheDocsReport()
    {
        var report = Run(Backtest.February2025, TestData.Source);
        Assert.Equal(19, report.Months.Count);
        Assert.Equal(new YearMonth(2026, 8), report.Months[^1].Month);
        Assert.Equal(8_870, report.Months[^1].Actual);
        Assert.Equal("29.3%", Percent(report.MeanAbsoluteRelativeError));
        Assert.Equal(19, report.MonthsWithinBand);
        Assert.Equal(8.36, Math.Round(report.MedianBandRatio, 2));

        // Under 10888 the only arrangement for non-Mexicans is the 2025 humanitarian one, capped at 1,000 a month [U].
        Assert.All(report.Months, m => Assert.InRange(m.ModeledReturnsUnderArrangement.P50, 0, 1_000));
        Assert.Contains(report.Run.CalibrationProvenance, l => l.StartsWith("level shift from 2025-01-20", StringComparison.Ordinal));
        Assert.Contains("2025-02-to-2026-08", Backtest.MonthlyCsv(report), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2024-06-to-2025-01")]
    [InlineData("2025-02-to-2026-08")]
    public void Backtest_MonthsInsideTheWindowTripled_ForecastUnchanged(string id)
    {
        var window = Backtest.Windows.Single(w => w.Id == id);
        var original = Run(window, TestData.Source, paths: 48);
        using var inWindow = new PerturbedSource(m => m >= window.Start.ToYearMonth() && m <= window.End.ToYearMonth());
        var perturbed = Run(window, inWindow.Directory, paths: 48);
        Assert.Equal(original.Months.Select(m => m.Modeled), perturbed.Months.Select(m => m.Modeled));
        Assert.Equal(original.Months.Select(m => m.ModeledReturnsUnderArrangement), perturbed.Months.Select(m => m.ModeledReturnsUnderArrangement));
        Assert.Equal(original.Run.CalibrationProvenance, perturbed.Run.CalibrationProvenance);
        Assert.NotEqual(original.Months.Select(m => m.Actual), perturbed.Months.Select(m => m.Actual));

        // The check can fail: tripling the last month before the window moves the forecast.
        using var before = new PerturbedSource(m => m == window.LastKnownMonth);
        Assert.NotEqual(original.Months.Select(m => m.Modeled), Run(window, before.Directory, paths: 48).Months.Select(m => m.Modeled));
    }

    [Fact]
    public void Backtest_RollingOrigin_MeasuresWhatTheDocsReport()
    {
        var june = Rolling(Backtest.June2024, TestData.Source);
        Assert.Equal(BacktestOrigin.Rolling, june.Origin);
        Assert.Equal("15.1%", Percent(june.MeanAbsoluteRelativeError));
        Assert.Equal(5, june.MonthsWithinBand);
        Assert.Equal(1.58, Math.Round(june.MedianBandRatio, 2));
        Assert.All(june.Months, m => Assert.Equal(m.Month.PlusMonths(-1), m.LastRealMonthRead));

        var february = Rolling(Backtest.February2025, TestData.Source);
        Assert.Equal("19.1%", Percent(february.MeanAbsoluteRelativeError));
        Assert.Equal(15, february.MonthsWithinBand);
        Assert.Equal(1.87, Math.Round(february.MedianBandRatio, 2));
        Assert.False(february.MeetsErrorTarget);

        // The returns to Mexico are still produced, at the 2025 humanitarian acceptance's cap of 1,000 a month [U].
        Assert.All(february.Months, m => Assert.InRange(m.ModeledReturnsUnderArrangement.P50, 1, 1_000));

        // The rule is chosen on one-month-ahead errors before the window; March 2025 is fitted on February alone (the
        // first whole month after the January 20 break), May 2025 on three months.
        Assert.Contains(february.Run.CalibrationProvenance, l => l.Contains("chosen from 15 rules", StringComparison.Ordinal) && l.Contains("1–1 months ahead", StringComparison.Ordinal));
        Assert.Contains(february.Run.CalibrationProvenance, l => l.StartsWith("level, rolling 2025-03: from 1 months to 2025-02", StringComparison.Ordinal));
        Assert.Contains(february.Run.CalibrationProvenance, l => l.StartsWith("level, rolling 2025-05: from 3 months to 2025-04", StringComparison.Ordinal));
        Assert.Contains("\"origin\": \"rolling\"", Backtest.Json(february), StringComparison.Ordinal);
        Assert.Contains("\n2025-03,7179,", Backtest.MonthlyCsv(february), StringComparison.Ordinal);
        Assert.EndsWith(",2025-02", Backtest.MonthlyCsv(february).Split('\n').Single(l => l.StartsWith("2025-03,", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    /// <summary>
    /// The rolling origin's guarantee: a month's forecast reads only the real months before it, so tripling every real
    /// month from <c>k</c> on leaves the forecasts of every month up to <c>k</c> identical, and moves that of the month
    /// after (so the check can fail).
    /// </summary>
    [Theory]
    [InlineData("2024-06-to-2025-01", "2024-09")]
    [InlineData("2025-02-to-2026-08", "2025-04")]
    [InlineData("2025-02-to-2026-08", "2025-12")]
    public void Backtest_RollingOrigin_MonthsFromAnOriginOnTripled_EarlierForecastsUnchanged(string id, string from)
    {
        var window = Backtest.Windows.Single(w => w.Id == id);
        var k = NodaTime.Text.YearMonthPattern.Iso.Parse(from).Value;
        var original = Rolling(window, TestData.Source, paths: 48);
        using var perturbedSource = new PerturbedSource(m => m >= k);
        var perturbed = Rolling(window, perturbedSource.Directory, paths: 48);
        var upToK = original.Months.Count(m => m.Month <= k);
        Assert.Equal(original.Months.Take(upToK).Select(m => m.Modeled), perturbed.Months.Take(upToK).Select(m => m.Modeled));
        Assert.Equal(original.Months.Take(upToK).Select(m => m.ModeledReturnsUnderArrangement), perturbed.Months.Take(upToK).Select(m => m.ModeledReturnsUnderArrangement));
        Assert.NotEqual(original.Months[upToK - 1].Actual, perturbed.Months[upToK - 1].Actual);
        Assert.NotEqual(original.Months[upToK].Modeled, perturbed.Months[upToK].Modeled);
    }

    [Fact]
    public void Backtest_ImposingTheChosenRule_SameBandsButSaysImposed()
    {
        var window = Backtest.February2025;
        var chosen = Run(window, TestData.Source, paths: 32);
        var imposed = Backtest.Run(window, TestData.Source, 32, Backtest.DefaultSeed, threads: null, progress: null, rule: (6, 0.5), cancellationToken: default);
        Assert.Equal(chosen.Months.Select(m => m.Modeled), imposed.Months.Select(m => m.Modeled));
        Assert.Contains(chosen.Run.CalibrationProvenance, l => l.Contains("chosen from 15 rules", StringComparison.Ordinal));
        Assert.Contains(imposed.Run.CalibrationProvenance, l => l.Contains("IMPOSED (not chosen)", StringComparison.Ordinal));
    }

    [Fact]
    public void Baseline2026_AnchoredOnAugust2026_UnderTheLevelAndTheCounterfactuals()
    {
        var scenario = ScenarioYamlReader.ReadFile(Path.Combine(TestData.RepositoryRoot, "scenarios", "baseline-2026.yaml")).WithRun(48, null);
        Assert.Equal(new LocalDate(2026, 9, 1), scenario.Start);
        Assert.Equal(new YearMonth(2026, 8), scenario.Level?.Anchor);
        Assert.True(scenario.Level?.SuspensionActive);
        var result = MonteCarlo.Run(scenario, SimulationInputs.Load(TestData.Source, scenario.MixMonth));
        Assert.Contains(result.CalibrationProvenance, l => l.StartsWith("level: USBP southwest", StringComparison.Ordinal) && l.Contains("2026-08", StringComparison.Ordinal));

        // 10888 has no threshold: active every day. The first month's median is near the anchor's real level
        // (August 2026: 8,870, about 286 a day), well inside the month's band.
        var p10888 = result.Policy("proclamation-10888");
        Assert.Equal(scenario.HorizonDays, p10888.Output("days_active").Band.P50);
        var september = p10888.MonthlyEncounters[0];
        Assert.InRange(september.P50 / 30, 200, 400);
        Assert.True(september.P10 < september.P50 && september.P50 < september.P90);

        // The cap in force from January 20, 2025 is the 1,000 of the humanitarian acceptance, not the 30,000 of 2023.
        Assert.Contains(ResultFormats.MonthlyReturnsCsv(result).Split('\n'), l => l.StartsWith("proclamation-10888,2026-09,", StringComparison.Ordinal) && l.Split(',')[5] == "1000");
        Assert.Contains("\"fromMonth\": \"2026-09\",\n", ResultFormats.Json(result), StringComparison.Ordinal);
    }

    [Fact]
    public void CapIn_ChangesOnJanuary20_2025()
    {
        Assert.Equal(30_000, SimulationResult.CapIn(new YearMonth(2024, 12)));
        Assert.Equal(30_000, SimulationResult.CapIn(new YearMonth(2025, 1)));
        Assert.Equal(1_000, SimulationResult.CapIn(new YearMonth(2025, 2)));
        Assert.Equal(1_000, SimulationResult.CapIn(new YearMonth(2026, 9)));
    }

    [Fact]
    public void Level_AnchorNotBeforeTheHorizon_RefusedNamingTheKey()
    {
        var e = Assert.Throws<ScenarioFileException>(() => TestData.Read("""
            name: bad-level
            horizon: { start: 2026-09-01, years: 1 }
            level: { anchor: 2026-09, suspension_active: true }
            policies:
              - id: proclamation-10888
            """));
        Assert.Contains("level.anchor", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Level_UnknownKey_Refused()
    {
        var e = Assert.Throws<ScenarioFileException>(() => TestData.Read("""
            name: bad-level
            horizon: { start: 2026-09-01, years: 1 }
            level: { anchor: 2026-08, trend: 0.1 }
            policies:
              - id: proclamation-10888
            """));
        Assert.Contains("trend", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LevelForecast_DampedSum_IsTheGeometricSeries()
    {
        Assert.Equal(0, LevelForecast.DampedSum(0.5, 0));
        Assert.Equal(0.5 + 0.25 + 0.125, LevelForecast.DampedSum(0.5, 3), 12);
        Assert.Equal(4, LevelForecast.DampedSum(1, 4), 12);
        Assert.Equal(0, LevelForecast.DampedSum(0, 12));
    }

    private static string Percent(double value) => value.ToString("P1", CultureInfo.InvariantCulture).Replace(" ", string.Empty, StringComparison.Ordinal);

    /// <summary>A copy of data/source with the USBP southwest total of every month the filter picks tripled; deleted on dispose.</summary>
    private sealed class PerturbedSource : IDisposable
    {
        public PerturbedSource(Func<YearMonth, bool> perturb)
        {
            Directory = Path.Combine(Path.GetTempPath(), "threshold-backtest-" + Guid.NewGuid().ToString("N"));
            System.IO.Directory.CreateDirectory(Directory);
            foreach (var file in System.IO.Directory.GetFiles(TestData.Source))
            {
                File.Copy(file, Path.Combine(Directory, Path.GetFileName(file)));
            }

            var path = Path.Combine(Directory, MonthlySources.UsbpSwbFile);
            var lines = File.ReadAllLines(path);
            var header = lines[0].Split(',');
            var monthColumn = Array.IndexOf(header, "month");
            var totalColumn = Array.IndexOf(header, "usbp_swb_encounters");
            for (var i = 1; i < lines.Length; i++)
            {
                var cells = lines[i].Split(',');
                if (cells.Length > totalColumn && NodaTime.Text.YearMonthPattern.Iso.Parse(cells[monthColumn]) is { Success: true } month && perturb(month.Value))
                {
                    cells[totalColumn] = (3 * int.Parse(cells[totalColumn], CultureInfo.InvariantCulture)).ToString(CultureInfo.InvariantCulture);
                    lines[i] = string.Join(',', cells);
                }
            }

            File.WriteAllLines(path, lines);
        }

        public string Directory { get; }

        public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
    }
}
