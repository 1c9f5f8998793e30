using BenchmarkDotNet.Attributes;
using NodaTime;
using Threshold.Engine;
using Threshold.Law;

namespace Threshold.Benchmarks;

/// <summary>
/// Where the time of one <c>Replay_10773</c> goes, phase by phase, through the engine's internal entry points
/// (InternalsVisibleTo). The state-machine loop itself is private; its cost is Run minus the phases before it.
/// <list type="bullet">
/// <item><c>RequireColumns</c>: the column check Run starts with.</item>
/// <item><c>Counts</c>: <see cref="ReplayCounts"/> (CountInto and RollingSums per distinct counting rule) plus the
/// 28-day streak array v2 builds on its first use.</item>
/// <item><c>OutputArrays</c>: allocating the per-day DayStatus[] and LocalDate?[] the timeline keeps.</item>
/// <item><c>Run_NoEvents</c>: the whole replay of a series that stays above 2,500 a day (active throughout, one
/// in-force transition, no determination): per-day cost without per-event cost.</item>
/// </list>
/// </summary>
[Config(typeof(ReplayConfig))]
public class ReplayPhaseBenchmarks
{
    private CompiledPolicy proclamation = null!;
    private EncounterSeries series = null!;
    private EncounterSeries quiet = null!;
    private long streakLevel;

    [Params(365, 36_500)]
    public int Days { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        proclamation = CompiledPolicy.Compile(BuiltInPolicies.Get("proclamation-10773"));
        series = SyntheticSeries.Build(ReplayBenchmarks.SeriesStart, Days, SyntheticSeries.Proclamation10773, 10773);
        quiet = SyntheticSeries.Build(ReplayBenchmarks.SeriesStart, Days, new SyntheticSeries.Bands(3500, 3600, 3500, 3600, 3500, 3600), 1);
        var v2 = proclamation.Versions[1];
        streakLevel = v2.SumThreshold(v2.DeactivationLevel(v2.ActivateThreshold));
        ReplayBenchmarks.Describe("10773 quiet", SuspensionReplay.Run(proclamation, quiet));
    }

    [Benchmark(Baseline = true)]
    public SuspensionTimeline Run() => SuspensionReplay.Run(proclamation, series);

    [Benchmark]
    public SuspensionTimeline Run_NoEvents() => SuspensionReplay.Run(proclamation, quiet);

    [Benchmark]
    public void RequireColumns() => SuspensionReplay.RequireColumns(proclamation, series);

    [Benchmark]
    public int[] Counts() => new ReplayCounts(proclamation, series).Streak(1, streakLevel);

    [Benchmark]
    public LocalDate?[] OutputArrays()
    {
        var status = new DayStatus[Days];
        var pending = new LocalDate?[Days];
        status[^1] = DayStatus.Active;
        return pending;
    }
}
