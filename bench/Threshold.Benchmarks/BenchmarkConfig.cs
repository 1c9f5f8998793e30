using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Threshold.Benchmarks;

/// <summary>
/// One short job (3 warm-up and 10 measured iterations, one launch) so the whole suite runs in a few minutes on a
/// 2-core machine; the memory diagnoser; the median; and two derived columns computed from the median: day-steps per
/// second and the ratio to the class's baseline measured in the same run.
/// </summary>
public sealed class ReplayConfig : ManualConfig
{
    public ReplayConfig()
    {
        AddJob(InProcessIfAsked(Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(10).WithId("Short")));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(StatisticColumn.Median, PerSecondColumn.DaySteps, new MedianRatioColumn());
    }

    /// <summary>
    /// <paramref name="job"/> in the host process when <c>THRESHOLD_BENCH_INPROCESS=1</c>: no generated project is built,
    /// which on this 2-core machine under other builds took longer than BenchmarkDotNet's build timeout. The job's
    /// warm-ups, iterations and statistics are the same; only the process isolation differs.
    /// </summary>
    internal static Job InProcessIfAsked(Job job) =>
        Environment.GetEnvironmentVariable(BenchmarkJobs.InProcessVariable) == "1" ? job.WithToolchain(InProcessEmitToolchain.Instance) : job;
}

/// <summary>Choices shared by the benchmark configurations.</summary>
internal static class BenchmarkJobs
{
    /// <summary>The environment variable that runs the benchmarks in the host process (see <see cref="ReplayConfig.InProcessIfAsked"/>).</summary>
    public const string InProcessVariable = "THRESHOLD_BENCH_INPROCESS";
}

/// <summary>
/// Work per second from the median time of one operation: <c>unitsPerOperation</c> (from the case's parameters; null
/// when it cannot be told) ÷ the median, shown divided by <c>scale</c> in <c>format</c> with <c>suffix</c>. One class
/// for every rate column (day-steps, cases, rows, path-days), so they all read the median the same way.
/// </summary>
internal sealed class PerSecondColumn(string columnName, string legend, Func<BenchmarkCase, double?> unitsPerOperation, string format = "N0", double scale = 1, string suffix = "") : IColumn
{
    /// <summary>Day-steps per second: a day-step is one day of one series under one policy, so Days = n is n day-steps.</summary>
    public static PerSecondColumn DaySteps { get; } = new(
        "Day-steps/s (median)", "Days ÷ median time of one operation: day-steps per second on one core",
        c => Parameter(c, "Days"), "N1", 1e6, " M");

    public string Id => "PerSecond:" + columnName;

    public string ColumnName => columnName;

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => legend;

    /// <summary>A numeric benchmark parameter of the case, or null.</summary>
    public static double? Parameter(BenchmarkCase benchmarkCase, string name) =>
        benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == name)?.Value is { } value ? Convert.ToDouble(value, CultureInfo.InvariantCulture) : null;

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
        summary[benchmarkCase]?.ResultStatistics?.Median is { } ns && ns > 0 && unitsPerOperation(benchmarkCase) is { } units
            ? (units / (ns * 1e-9) / scale).ToString(format, CultureInfo.InvariantCulture) + suffix
            : "NA";

    public override string ToString() => ColumnName;
}

/// <summary>
/// Median of this benchmark ÷ median of the baseline of the same class with the same parameters, from the same run.
/// BenchmarkDotNet's own Ratio column is the mean of per-iteration ratios; on a noisy machine the medians are steadier.
/// </summary>
internal sealed class MedianRatioColumn : IColumn
{
    public string Id => nameof(MedianRatioColumn);

    public string ColumnName => "Median ÷ baseline";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 1;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Median time ÷ median time of the baseline benchmark with the same parameters (same run)";

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var baseline = summary.BenchmarksCases.FirstOrDefault(c =>
            c.Descriptor.Baseline
            && c.Descriptor.Type == benchmarkCase.Descriptor.Type
            && c.Job.DisplayInfo == benchmarkCase.Job.DisplayInfo
            && c.Parameters.DisplayInfo == benchmarkCase.Parameters.DisplayInfo);
        var mine = summary[benchmarkCase]?.ResultStatistics?.Median;
        var theirs = baseline is null ? null : summary[baseline]?.ResultStatistics?.Median;
        return mine is { } a && theirs is { } b && b > 0
            ? (a / b).ToString("0.00", CultureInfo.InvariantCulture) + "×"
            : "NA";
    }

    public override string ToString() => ColumnName;
}
