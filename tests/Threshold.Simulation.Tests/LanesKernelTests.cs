using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Threshold.Engine;
using Threshold.Simulation.Lanes;
using Threshold.TestSupport;

namespace Threshold.Simulation.Tests;

/// <summary>
/// The lane kernel (<see cref="LaneFlowModel"/> over the engine's <see cref="LaneSuspensionReplay"/>) against the scalar
/// one (<see cref="FlowModel.Run"/> over <see cref="DailySuspensionReplay"/>), path by path and day by day: statuses,
/// the five counts, the 7-day averages, the monthly figures, every output, the determinations and the transitions; for
/// every built-in policy (Proclamation 10888 and H.R. 2 included), with a court order, a reform, rule-version
/// switches, deterrence lags drawn from 0 to 90 and random seeds. And whole runs: the result files are byte-identical
/// to the scalar kernel's for any thread count, block of lanes and lane width.
/// </summary>
public sealed class LanesKernelTests
{
    /// <summary>Every built-in policy: 10773 (crossing its October 1, 2024 version switch) plain, under a court order and reformed; the Senate authority; H.R. 2 with dated determinations; Proclamation 10888.</summary>
    private static Scenario MakeScenario(int seed, int paths, string start, int lagHigh, string courtOrder, bool sharedWeights = false) => TestData.Read($$"""
        name: lanes
        seed: {{seed}}
        paths: {{paths}}
        horizon: { start: {{start}}, years: 1 }
        policies:
          - id: proclamation-10773
          - id: proclamation-10773
            label: p10773-court-order
            court_orders: { streak-enjoined: {{courtOrder}} }
          - id: proclamation-10773
            label: p10773-deactivate-2000
            set: { deactivate.threshold: 2000 }
          - id: senate-border-act-2024
            label: senate
            in_force: {{start}}
          - id: hr2-2023
            in_force: {{start}}
            determinations: { 2024-10-02: active, 2025-01-06: inactive }
          - id: proclamation-10888
        parameters:
          mexico.enforcement_share: { preset: "2023" }
          deterrence.lag_days: { low: 0, high: {{lagHigh}} }
          deterrence.effect: { low: 0.2, high: 0.6 }
          {{(sharedWeights ? "fear.manifestation_share: 0.37" : "fear.manifestation_share: { low: 0.24, high: 0.55 }")}}
          reencounter.mean_delay_days: { low: 14, high: 60 }
        """);

    /// <summary>What one path gave under one policy, day by day, as text (so a difference names the day).</summary>
    private static List<string> Describe(PathOutcome o, Func<int, (DayStatus Status, int B, int C, int P, int Ub, int Up)> day, int days, double[]? average, long[] monthlyUnderCaps, long[] monthlyBetween, IReadOnlyList<Transition> transitions)
    {
        var lines = new List<string>
        {
            $"outcome {o.DaysActive} {o.Transitions} {o.CapBindingDays} {o.EncountersBetweenPorts} {o.EncountersPorts} {o.Subject} {o.FearReferrals} {o.ReturnedUnderArrangement} {o.Overflow} {o.MexicanNationalsReturned} {o.RemovedToCitizenship} {o.ContiguousReturns} {o.MaxMonthlyUnderCaps} {o.CapBindingMonths}",
            "months under caps " + string.Join(",", monthlyUnderCaps),
            "months between ports " + string.Join(",", monthlyBetween),
        };
        lines.AddRange(transitions.Select(t => $"transition {t.EffectiveDate} {t.ToActive} {t.Cause} {t.DeterminationDate} {t.Citation.Text}"));
        for (var t = 0; t < days; t++)
        {
            var d = day(t);
            lines.Add($"day {t} {d.Status} {d.B} {d.C} {d.P} {d.Ub} {d.Up} {(average is null || t < Scenario.WarmUpDays ? "" : BitConverter.DoubleToInt64Bits(average[t]).ToString(System.Globalization.CultureInfo.InvariantCulture))}");
        }

        return lines;
    }

    /// <summary>Runs every path of <paramref name="scenario"/> through both kernels and compares them path by path.</summary>
    private static void AssertPathByPath(Scenario scenario, int lanes, int? width)
    {
        var prepared = MonteCarlo.Prepare(scenario, TestData.Inputs);
        var model = prepared.Model;
        var settings = prepared.Catalogue.Select(p => scenario.Setting(p.Name, prepared.Catalogue)).ToArray();
        var policies = prepared.Policies;
        var scalar = new FlowModel.Workspace(model.Days, policies.Max(p => p.Table.RemovalKinds.Count), policies.Select(p => new DailySuspensionReplay(p.Compiled, model.First, model.Days)).ToArray())
        {
            MonthlyUnderCaps = new long[model.HorizonMonths],
            MonthlyBetweenPorts = new long[model.HorizonMonths],
            MonthlyUnderArrangement = new long[model.HorizonMonths],
            MonthlyOverflow = new long[model.HorizonMonths],
            Plans = [.. policies.Select(p => new Returns.ReturnBatchPlan(Returns.ArrangementSet.BuiltIn, p.LedgerKinds))],
        };
        var ws = new LaneWorkspace(model, policies, lanes, width, model.HorizonMonths);
        for (var first = 0; first < scenario.Paths; first += lanes)
        {
            var count = Math.Min(lanes, scenario.Paths - first);
            var draws = Enumerable.Range(first, count).Select(path => PathDraw.Create(scenario.Seed, path, settings, model.Days, null, prepared.Level is not null)).ToArray();
            for (var l = 0; l < count; l++)
            {
                ws.SetPath(model, l, draws[l]);
            }

            foreach (var policy in policies)
            {
                // One set of weights per pair of shares, as the simulator shares one set when the shares are fixed.
                var sets = new Dictionary<(double, double), Weights>();
                var weights = draws.Select(d => (d[ModelParameters.FearManifestation], d[ModelParameters.OfficerExceptionShare]))
                    .Select(shares => sets.TryGetValue(shares, out var w) ? w : sets[shares] = policy.Table.Weigh(shares.Item1, shares.Item2)).ToArray();
                weights.CopyTo(ws.Weights, 0);
                LaneFlowModel.Run(model, policy, ws, count, keepDaily: true);
                var replay = ws.Replays[policy.Index];
                for (var l = 0; l < count; l++)
                {
                    model.Northbound(draws[l], scalar);
                    var outcome = default(PathOutcome);
                    model.Run(policy, scalar, ref outcome, weights[l], keepDaily: true);
                    var expected = Describe(outcome, t => (scalar.Status[t], scalar.BetweenPorts[t], scalar.Coastal[t], scalar.Ports[t], scalar.UcBetween[t], scalar.UcPorts[t]), model.Days, scalar.Average7, scalar.MonthlyUnderCaps, scalar.MonthlyBetweenPorts, scalar.Replays[policy.Index].Transitions);
                    var lane = l;
                    var actual = Describe(ws.Outcomes[l], t => (ws.Status[(t * lanes) + lane], ws.Between[(t * lanes) + lane], ws.Coastal[(t * lanes) + lane], ws.Ports[(t * lanes) + lane], ws.UcBetween[(t * lanes) + lane], ws.UcPorts[(t * lanes) + lane]), model.Days, ws.Average7[l], ws.MonthlyUnderCaps[l], ws.MonthlyBetweenPorts[l], replay.Transitions(l));
                    Assert.Equal(expected, actual);
                    Assert.Equal(scalar.Replays[policy.Index].Determinations.Select(d => $"{d.Date} {d.Kind} {d.Trigger} {d.WindowSum} {d.EffectiveDate} {d.Rule}"), replay.Determinations(l).Select(d => $"{d.Date} {d.Kind} {d.Trigger} {d.WindowSum} {d.EffectiveDate} {d.Rule}"));
                    Assert.Equal(scalar.Replays[policy.Index].CountedOnDay.ToArray(), Enumerable.Range(0, model.Days).Select(t => replay.CountedOnDay(t, lane)).ToArray());
                }
            }
        }
    }

    [Property(MaxTest = 12)]
    public Property LaneKernel_RandomScenarios_SameAsTheScalarKernelPathByPathAndDayByDay() => Prop.ForAll(
        Gen.Choose(1, 1_000_000).Zip(Gen.Choose(1, 45)).ToArbitrary(),
        Gen.Elements("2024-06-05", "2024-09-20", "2024-05-01").Zip(Gen.Elements(0, 1, 7, 30, 90)).ToArbitrary(),
        Gen.Elements(1, 5, 8, 16, 64).Zip(Gen.Elements(false, true)).ToArbitrary(),
        (run, calendar, block) =>
        {
            // Shared weights: the fear share fixed, so every lane has the same set (as the simulator gives them).
            var (lanes, shared) = block;
            var scenario = MakeScenario(run.Item1, run.Item2, calendar.Item1, calendar.Item2, "2024-11-01", shared);
            foreach (var width in LaneWidths.Accelerated())
            {
                AssertPathByPath(scenario, lanes, width);
            }
        });

    /// <summary>
    /// Lags beyond the 63 days a lane's history of Active days holds: a block with such a lag reads the statuses
    /// themselves, and must give what the scalar kernel gives.
    /// </summary>
    [Fact]
    public void LaneKernel_DeterrenceLagsBeyondTheHistory_SameAsTheScalarKernel()
    {
        var scenario = MakeScenario(64, 24, "2024-06-05", 90, "2024-11-01");
        foreach (var width in LaneWidths.Accelerated())
        {
            AssertPathByPath(scenario, 8, width);
        }
    }

    /// <summary>
    /// Lanes that share one set of screening weights (the fear share fixed, as in the scenarios shipped) must each get
    /// exactly what the scalar kernel gives its path, with blocks of whole vectors and a partial last block.
    /// </summary>
    [Fact]
    public void LaneKernel_SharedWeights_SameAsTheScalarKernel()
    {
        var scenario = MakeScenario(8, 37, "2024-09-20", 30, "2024-11-01", sharedWeights: true);
        foreach (var width in LaneWidths.Accelerated())
        {
            foreach (var lanes in new[] { 8, 16 })
            {
                AssertPathByPath(scenario, lanes, width);
            }
        }
    }

    /// <summary>Every file the command writes from a result, as one text.</summary>
    private static string Files(SimulationResult result) =>
        ResultFormats.Json(result) + ResultFormats.SummaryCsv(result) + ResultFormats.DailyCsv(result) + ResultFormats.MonthlyReturnsCsv(result) + ResultFormats.ParametersCsv(result);

    [Fact]
    public void LaneKernel_WholeRuns_ByteIdenticalToTheScalarKernelForAnyThreadsLanesAndWidth()
    {
        var scenario = MakeScenario(20240605, 150, "2024-06-05", 30, "2024-11-01");
        var reference = Files(MonteCarlo.Run(scenario, TestData.Inputs, new SimulationOptions { Threads = 1, Kernel = SimulationKernel.Scalar }));
        foreach (var width in LaneWidths.Accelerated())
        {
            foreach (var (threads, lanes) in new[] { (1, 32), (2, 32), (2, 7), (1, 64), (2, 1) })
            {
                var run = Files(MonteCarlo.Run(scenario, TestData.Inputs, new SimulationOptions { Threads = threads, Kernel = SimulationKernel.Lanes, Lanes = lanes, LaneWidth = width }));
                Assert.True(reference == run, $"width {width}, {threads} thread(s), {lanes} lanes: the result files differ from the scalar kernel's");
            }
        }
    }

    [Fact]
    public void LaneKernel_BaselineScenario_ByteIdenticalToTheScalarKernel()
    {
        var scenario = ScenarioYamlReader.ReadFile(Path.Combine(TestData.RepositoryRoot, "scenarios", "baseline-2024.yaml")).WithRun(300, null);
        var reference = Files(MonteCarlo.Run(scenario, TestData.Inputs, new SimulationOptions { Threads = 2, Kernel = SimulationKernel.Scalar }));
        Assert.Equal(reference, Files(MonteCarlo.Run(scenario, TestData.Inputs, new SimulationOptions { Threads = 2, Kernel = SimulationKernel.Lanes })));
        Assert.Equal(reference, Files(MonteCarlo.Run(scenario, TestData.Inputs, new SimulationOptions { Threads = 1, Kernel = SimulationKernel.Lanes, LaneWidth = 1, Lanes = 13 })));
    }

    [Fact]
    public void TheKernel_IsTheLaneKernelFrom4096Paths_AndTheFilesAreTheScalarKernelsEitherWay()
    {
        const int From = SimulationOptions.LaneKernelFromPaths;
        Assert.Equal(4_096, From);
        Assert.Equal(SimulationKernel.Scalar, SimulationOptions.KernelFor(From - 1));
        Assert.Equal(SimulationKernel.Lanes, SimulationOptions.KernelFor(From));
        foreach (var paths in new[] { From - 1, From })
        {
            var scenario = TestData.Small(paths);
            var reference = Files(MonteCarlo.Run(scenario, TestData.Inputs, new SimulationOptions { Threads = 1, Kernel = SimulationKernel.Scalar }));
            var reports = new ProgressReports();
            var chosen = MonteCarlo.Run(scenario, TestData.Inputs, new SimulationOptions { Threads = 1, Lanes = 13 }, reports);

            // One thread reports after each chunk: a block of 13 lanes for the lane kernel, 16 paths for the scalar one.
            Assert.Equal(paths >= From ? 13 : 16, reports.First);
            Assert.True(reference == Files(chosen), $"{paths} paths: the result files differ from the scalar kernel's");
        }
    }

    [Fact]
    public void ASweep_ChoosesTheKernelForAllItsCellsPaths()
    {
        // Two cells of 2,048 paths are 4,096 paths in one process: the lane kernel (blocks of 32); two of 2,047 are not.
        var spec = new SweepSpec([SweepAxis.Parse("deterrence.effect=0.2..0.4:2")]);
        foreach (var (paths, block) in new[] { (2_048, 32), (2_047, 16) })
        {
            var reports = new ProgressReports();
            Sweep.Run(TestData.Small(paths), TestData.Inputs, spec, threads: 1, progress: reports);
            Assert.Equal(block, reports.First);
        }
    }

    /// <summary>The paths done, as reported (synchronously, on the thread that ran them).</summary>
    private sealed class ProgressReports : IProgress<int>
    {
        public int First { get; private set; } = -1;

        public void Report(int value)
        {
            if (First < 0)
            {
                First = value;
            }
        }
    }
}
