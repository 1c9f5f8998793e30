using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using RulesEngine.Models;
using Threshold.Engine;
using Threshold.Screening;

namespace Threshold.Benchmarks;

/// <summary>
/// Case screening side by side with Microsoft RulesEngine, the same rules, in one run (see docs/performance.md,
/// "Screening: side by side with Microsoft RulesEngine").
/// <list type="bullet">
/// <item><c>Threshold_Classify</c> (baseline): <see cref="CaseScreener.Classify"/>, the no-trace fast path, over all
/// 1,000,000 generated cases, on the timeline of the shipped Proclamation 10773 replayed once in setup. It does the
/// period lookup (entry instant to 12:01 a.m. Eastern day), the labelled rules, the court-order overlay and the
/// asylum limitation for every case.</item>
/// <item><c>RulesEngine_Tuned</c>: the same rules as one RulesEngine workflow (<see cref="RulesEngineScreening"/>),
/// one <c>ExecuteAllRulesAsync</c> per case, with <see cref="RulesEngineScreening.Settings"/>, over 20,000 of the
/// cases (every 50th, so the slice spans the whole period and mix). Its period status is an input computed in
/// setup. <c>RulesEngine_Defaults</c> and <c>RulesEngine_FastExpressionCompiler</c> run the same workflow with
/// <c>new ReSettings()</c> and with the tuned settings plus FastExpressionCompiler, to show the tuned row is the
/// fastest of the three.</item>
/// </list>
/// Every benchmark declares its case count as OperationsPerInvoke, so every time is per case and the ratio column
/// compares like with like. The setup of the Threshold case first checks all 1,000,000 cases through Classify and
/// the tuned workflow (<see cref="ScreeningCheck"/>); each RulesEngine case checks its own engine on its slice.
/// Either throws on any difference.
/// </summary>
[Config(typeof(ScreeningConfig))]
public class ScreeningBenchmarks
{
    public const int ThresholdCases = ScreeningWorkload.CaseCount;

    public const int RulesEngineCases = 20_000;

    private ScreeningCase[] cases = [];
    private ReCase[] rulesEngineInputs = [];
    private CaseScreener screener = null!;
    private RulesEngineScreening rulesEngine = null!;

    [GlobalSetup(Target = nameof(Threshold_Classify))]
    public void SetupThreshold()
    {
        var timeline = Common();
        ScreeningCheck.Run("all cases, tuned RulesEngine", cases, screener, timeline, new RulesEngineScreening());
    }

    [GlobalSetup(Target = nameof(RulesEngine_Tuned))]
    public void SetupTuned() => SetupRulesEngine("tuned", RulesEngineScreening.Settings());

    [GlobalSetup(Target = nameof(RulesEngine_Defaults))]
    public void SetupDefaults() => SetupRulesEngine("default ReSettings", new ReSettings());

    [GlobalSetup(Target = nameof(RulesEngine_FastExpressionCompiler))]
    public void SetupFastExpressionCompiler() => SetupRulesEngine("tuned + FastExpressionCompiler", RulesEngineScreening.Settings(fastExpressionCompiler: true));

    [Benchmark(Baseline = true, OperationsPerInvoke = ThresholdCases, Description = "Threshold CaseScreener.Classify (1,000,000 cases)")]
    public int Threshold_Classify()
    {
        var sum = 0;
        foreach (var c in cases)
        {
            var o = screener.Classify(c);
            sum += (o.SuspensionApplies ? 1 : 0) + (o.AsylumLimitationApplies ? 2 : 0) + (o.FearReferral ? 4 : 0) + o.DecisiveRule;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = RulesEngineCases, Description = "RulesEngine 6.0.1, tuned ReSettings (20,000 cases)")]
    public int RulesEngine_Tuned() => RunRulesEngine();

    [Benchmark(OperationsPerInvoke = RulesEngineCases, Description = "RulesEngine 6.0.1, default ReSettings (20,000 cases)")]
    public int RulesEngine_Defaults() => RunRulesEngine();

    [Benchmark(OperationsPerInvoke = RulesEngineCases, Description = "RulesEngine 6.0.1, tuned + FastExpressionCompiler (20,000 cases)")]
    public int RulesEngine_FastExpressionCompiler() => RunRulesEngine();

    /// <summary>Every (N ÷ 20,000)-th case: the RulesEngine slice, spread over the whole period and the whole mix.</summary>
    internal static ScreeningCase[] Slice(ScreeningCase[] all)
    {
        var step = all.Length / RulesEngineCases;
        return Enumerable.Range(0, RulesEngineCases).Select(i => all[i * step]).ToArray();
    }

    private int RunRulesEngine()
    {
        var sum = 0;
        foreach (var c in rulesEngineInputs)
        {
            var o = rulesEngine.Evaluate(c);
            sum += (o.SuspensionApplies ? 1 : 0) + (o.AsylumLimitationApplies ? 2 : 0) + (o.FearReferral ? 4 : 0) + (o.FirstException?.Length ?? 0);
        }

        return sum;
    }

    private void SetupRulesEngine(string label, ReSettings settings)
    {
        var timeline = Common();
        rulesEngine = new RulesEngineScreening(settings);
        var slice = Slice(cases);
        ScreeningCheck.Run($"RulesEngine slice, {label}", slice, screener, timeline, rulesEngine);
        rulesEngineInputs = slice.Select(c => RulesEngineScreening.Input(c, timeline)).ToArray();
    }

    private SuspensionTimeline Common()
    {
        var timeline = ScreeningWorkload.Timeline();
        ReplayBenchmarks.Describe("screening series", timeline);
        screener = new CaseScreener(timeline);
        cases = ScreeningWorkload.Cases();
        return timeline;
    }
}

/// <summary>
/// The short job of <see cref="ReplayConfig"/> (one launch, 3 warm-up and 10 measured iterations), the memory
/// diagnoser, the median, cases per second from the median, and the median ratio to the baseline.
/// </summary>
public sealed class ScreeningConfig : ManualConfig
{
    public ScreeningConfig()
    {
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(10).WithId("Short"));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(StatisticColumn.Median, new PerSecondColumn(
            "Cases/s per core (median)", "1 s ÷ median time per case: cases screened per second on one core", _ => 1), new MedianRatioColumn());
    }
}

