using System.Globalization;
using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Threshold.Simulation;

namespace Threshold.Benchmarks;

/// <summary>
/// The simulator's target workload (issue 6): scenarios/baseline-2024.yaml with 10,000 paths, 3 years of daily steps
/// (1,095 days) under 3 policies, about 33 million path-days, each with counting, the real engine and the real ledger,
/// on 1 and then 2 worker threads. Data loading and the screening tables (<c>MonteCarlo.Prepare</c>) are outside the
/// timed operation; everything per path is inside. One operation takes about a second: 2 warm-ups and 5 measured
/// iterations, one invocation each, the median reported (on this shared machine single iterations vary by ±10%). Both
/// kernels run in the same run (issue 18): the lane kernel (blocks of 32 paths, what <c>simulate</c> runs from 4,096
/// paths) and the scalar one it is proven equal to.
/// </summary>
[Config(typeof(SimulationConfig))]
public class SimulationBenchmarks
{
    private MonteCarlo.Prepared prepared = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [Params(10_000)]
    public int Paths { get; set; }

    /// <summary>The lane kernel (what <c>simulate</c> runs from 4,096 paths) or the scalar one (each path alone, its reference), measured in the same run.</summary>
    [Params("lanes", "scalar")]
    public string Kernel { get; set; } = "lanes";

    [GlobalSetup]
    public void Setup()
    {
        var root = RepositoryRoot();
        var scenario = ScenarioYamlReader.ReadFile(Path.Combine(root, "scenarios", "baseline-2024.yaml")).WithRun(Paths, null);
        var inputs = SimulationInputs.Load(Path.Combine(root, "data", "source"), scenario.MixMonth);
        prepared = MonteCarlo.Prepare(scenario, inputs);
    }

    [Benchmark]
    public SimulationResult Simulate() => MonteCarlo.Run(prepared, new SimulationOptions { Threads = Threads, Kernel = Kernel == "lanes" ? SimulationKernel.Lanes : SimulationKernel.Scalar }, null, default);

    private static string RepositoryRoot([CallerFilePath] string source = "")
    {
        for (var dir = new DirectoryInfo(Path.GetDirectoryName(source) ?? Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Threshold.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (Threshold.sln)");
    }
}

/// <summary>Monitoring runs (no pilot, one invocation an iteration), the median and path-day-steps per second.</summary>
public sealed class SimulationConfig : ManualConfig
{
    public SimulationConfig()
    {
        AddJob(ReplayConfig.InProcessIfAsked(Job.Default.WithStrategy(RunStrategy.Monitoring).WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(5).WithInvocationCount(1).WithUnrollFactor(1).WithId("Simulation")));
        AddColumn(StatisticColumn.Median, new PerSecondColumn(
            "Path-day-steps/s (median)", "paths × 1,095 days × 3 policies ÷ median time of one operation",
            c => PerSecondColumn.Parameter(c, "Paths") * 1095.0 * 3));
    }
}

