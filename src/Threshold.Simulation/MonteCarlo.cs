using NodaTime;
using Threshold.Engine;
using Threshold.Population;
using Threshold.Screening;

namespace Threshold.Simulation;

/// <summary>The real data a run needs: the calibration and the nationality and family mix (both from <c>data/source</c>).</summary>
public sealed record SimulationInputs(Calibration Calibration, PopulationMix Mix)
{
    /// <summary>Loads both from <paramref name="sourceDirectory"/> for the scenario's mix month.</summary>
    /// <remarks>The two only read the source files and share nothing else, so they load side by side; a problem in the calibration's files is still the one reported.</remarks>
    public static SimulationInputs Load(string sourceDirectory, YearMonth mixMonth)
    {
        var mix = Task.Run(() => PopulationMix.Load(sourceDirectory, mixMonth));
        var calibration = Calibration.Load(sourceDirectory);
        return new(calibration, mix.GetAwaiter().GetResult());
    }

    /// <summary>
    /// <see cref="Load"/> through the cache the environment names (<see cref="SimulationInputsCache.FromEnvironment"/>),
    /// or without one when it is off: the same inputs either way, about a quarter of a second sooner from the cache.
    /// </summary>
    public static SimulationInputs LoadCached(string sourceDirectory, YearMonth mixMonth) =>
        SimulationInputsCache.FromEnvironment() is { } cache ? cache.Load(sourceDirectory, mixMonth) : Load(sourceDirectory, mixMonth);
}

/// <summary>How to run: threads, whether to keep the daily and monthly bands, and parameter values that replace the scenario's (the sensitivity swings).</summary>
public sealed record SimulationOptions
{
    /// <summary>Worker threads; null for every core. The results do not depend on it.</summary>
    public int? Threads { get; init; }

    /// <summary>Keep the daily 7-day-average bands and the monthly returns bands (the fan charts).</summary>
    public bool Bands { get; init; } = true;

    /// <summary>Fixed values that replace the scenario's settings, by parameter name.</summary>
    public IReadOnlyDictionary<string, double> Fixed { get; init; } = new Dictionary<string, double>();

    /// <summary>
    /// The kernel that runs the paths, or null for <see cref="KernelFor"/> the run's paths. The results do not depend on
    /// it: tests prove the lane kernel gives every path exactly what the scalar kernel gives it.
    /// </summary>
    internal SimulationKernel? Kernel { get; init; }

    /// <summary>Paths run side by side by the lane kernel (1 to 64); the results do not depend on it.</summary>
    /// <remarks>32 was the fastest of 8, 16, 32 and 64 in the whole command (docs/performance.md §Sixth round).</remarks>
    internal int Lanes { get; init; } = 32;

    /// <summary>
    /// The fewest paths a process runs for which <see cref="KernelFor"/> picks the lane kernel. Its code is compiled when
    /// first called (the ReadyToRun image leaves its vector code to the JIT), about 20 ms, which it repays from about
    /// 2,500 paths on the reference machine (docs/performance.md §Sixth round).
    /// </summary>
    internal const int LaneKernelFromPaths = 4_096;

    /// <summary>
    /// The kernel for a process that runs <paramref name="paths"/> paths in all (a sweep's cells together): the lane
    /// kernel from <see cref="LaneKernelFromPaths"/>, else the scalar one, which starts sooner.
    /// </summary>
    internal static SimulationKernel KernelFor(long paths) => paths >= LaneKernelFromPaths ? SimulationKernel.Lanes : SimulationKernel.Scalar;

    /// <summary>Lanes per vector operation (1, 4 or 8; null for the widest the machine accelerates); the results do not depend on it.</summary>
    internal int? LaneWidth { get; init; }
}

/// <summary>How <see cref="MonteCarlo"/> runs the paths.</summary>
internal enum SimulationKernel
{
    /// <summary>Each path alone, day by day through the engine's day-at-a-time replay (<see cref="FlowModel.Run"/>).</summary>
    Scalar,

    /// <summary>Blocks of paths side by side (<see cref="Lanes.LaneFlowModel"/> over the engine's lane replay).</summary>
    Lanes,
}

/// <summary>One output of the model: its key, what it counts, and how to read it from a path's outcome.</summary>
internal sealed record OutputDefinition(string Key, string Description, OutcomeReader Read);

/// <summary>Reads one output from a path's outcome (by reference: the outcome is a large struct, read 14 times a path and policy).</summary>
internal delegate long OutcomeReader(in PathOutcome outcome);

/// <summary>
/// Runs a scenario's paths under every policy: each path's random future (<see cref="PathDraw"/>) is drawn once and
/// run under each policy (common random numbers). Per-path results stream into fixed histograms
/// (<see cref="LogHistogram"/>), so memory does not grow with the number of paths; worker histograms merge by integer
/// addition, so results are identical for any number of threads.
/// </summary>
public static class MonteCarlo
{
    internal static readonly IReadOnlyList<OutputDefinition> Outputs =
    [
        new("days_active", "days in the horizon on which the suspension applied (status active)", (in PathOutcome o) => o.DaysActive),
        new("transitions", "changes of status by determination or cap in the horizon", (in PathOutcome o) => o.Transitions),
        new("cap_binding_days", "days the year's cap of active days was used up (status cap-reached; Senate authority)", (in PathOutcome o) => o.CapBindingDays),
        new("encounters_between_ports", "encounters between ports of entry and on the southern coast (people)", (in PathOutcome o) => o.EncountersBetweenPorts),
        new("encounters_ports_of_entry", "inadmissibles at southwest ports of entry, appointments included (people)", (in PathOutcome o) => o.EncountersPorts),
        new("people_subject", "people to whom the suspension applied (screened by the real screener)", (in PathOutcome o) => o.Subject),
        new("fear_referrals", "people subject to the suspension referred to a fear screening", (in PathOutcome o) => o.FearReferrals),
        new("returned_to_mexico_under_arrangement", "removals to Mexico under an arrangement (within its cap)", (in PathOutcome o) => o.ReturnedUnderArrangement),
        new("overflow_to_citizenship", "removals of an arrangement's nationalities over Mexico's monthly cap, sent to the country of citizenship", (in PathOutcome o) => o.Overflow),
        new("mexican_nationals_returned", "Mexican nationals removed to Mexico (outside any cap)", (in PathOutcome o) => o.MexicanNationalsReturned),
        new("removed_to_citizenship", "removals to the country of citizenship (no arrangement took them)", (in PathOutcome o) => o.RemovedToCitizenship),
        new("contiguous_returns", "returns to contiguous territory pending proceedings (H.R. 2 as summarised)", (in PathOutcome o) => o.ContiguousReturns),
        new("max_monthly_returns_under_arrangement", "largest monthly number returned to Mexico under an arrangement (from 2023-05-12 the only one is capped at 30,000 a month)", (in PathOutcome o) => o.MaxMonthlyUnderCaps),
        new("months_at_mexico_cap", "months in which the ledger sent someone over a monthly cap (overflow), i.e. the cap was used up", (in PathOutcome o) => o.CapBindingMonths),
    ];

    /// <summary>Runs <paramref name="scenario"/>; <paramref name="progress"/> receives the number of paths finished.</summary>
    public static SimulationResult Run(Scenario scenario, SimulationInputs inputs, SimulationOptions? options = null, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(inputs);
        options ??= new SimulationOptions();
        var prepared = Prepare(scenario, inputs);
        return Run(prepared, options, progress, cancellationToken);
    }

    /// <summary>The per-policy work that does not depend on the paths (compiling, screening tables); reused by sensitivity runs.</summary>
    internal sealed record Prepared(Scenario Scenario, SimulationInputs Inputs, FlowModel Model, IReadOnlyList<PolicyContext> Policies, IReadOnlyList<ModelParameter> Catalogue, FlowLevel? Level);

    /// <summary>Most months ahead a level rule is scored on; later months keep the last one's uncertainty.</summary>
    public const int MaxLevelMonths = 36;

    /// <param name="reuse">
    /// An earlier preparation of the same policies, horizon and inputs whose compiled policies and screening tables are
    /// taken as they are (a sweep cell that changes only model parameters); null to build them.
    /// </param>
    internal static Prepared Prepare(Scenario scenario, SimulationInputs inputs, Prepared? reuse = null)
    {
        var first = scenario.Start.PlusDays(-Scenario.WarmUpDays);
        var days = Scenario.WarmUpDays + scenario.HorizonDays;
        var between = inputs.Mix.For(EntryPlace.BetweenPorts).Share;
        var coastal = inputs.Mix.For(EntryPlace.Coastal).Share;
        var catalogue = inputs.Calibration.CalibratedCatalogue();
        var level = scenario.Level is { } spec
            ? LevelForecast.Anchored(
                inputs.Calibration,
                spec.Anchor,
                Math.Clamp(((scenario.End.Year - spec.Anchor.Year) * 12) + scenario.End.Month - spec.Anchor.Month, 1, MaxLevelMonths),
                scenario.Setting(ModelParameters.MexicoEnforcement, catalogue).Midpoint,
                scenario.Setting(ModelParameters.DeterrenceEffect, catalogue).Midpoint,
                spec.SuspensionActive,
                spec.Shifts,
                spec.Rule)
            : null;
        var model = new FlowModel(inputs.Calibration, first, days, Scenario.WarmUpDays, level) { CoastalShare = coastal / (between + coastal) };
        var zeros = new Dictionary<EncounterColumn, int[]>();
        foreach (var column in EncounterColumns.All)
        {
            zeros[column] = new int[days];
        }

        var probe = new EncounterSeries("screening probe", first, days, zeros, null, ["modeled: screening probe"]);
        if (reuse is not null && (reuse.Inputs != inputs || reuse.Model.First != first || reuse.Model.Days != days || !reuse.Scenario.Policies.SequenceEqual(scenario.Policies)))
        {
            throw new ArgumentException("a preparation can only be reused for the same policies, horizon and inputs", nameof(reuse));
        }

        var policies = reuse is not null
            ? reuse.Policies.Select(p => new PolicyContext(p.Policy, p.Compiled, p.Table, p.Index) { DayEnds = model.DayEnds(p.Table) }).ToArray()
            : scenario.Policies.Select((p, index) =>
            {
                var compiled = p.Compile();
                var screener = new CaseScreener(SuspensionReplay.Run(compiled, probe));
                var table = ScreeningTable.Build(screener, inputs.Mix, first, days);
                return new PolicyContext(p, compiled, table, index) { DayEnds = model.DayEnds(table) };
            }).ToArray();
        return new Prepared(scenario, inputs, model, policies, catalogue, level);
    }

    internal static SimulationResult Run(Prepared prepared, SimulationOptions options, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        var scenario = prepared.Scenario;
        var catalogue = prepared.Catalogue;
        RequireInRange(options.Fixed, catalogue);
        var settings = catalogue.Select(p => options.Fixed.TryGetValue(p.Name, out var v)
            ? ParameterSetting.Fixed(p, v, "sensitivity swing")
            : scenario.Setting(p.Name, catalogue)).ToArray();
        var fear = settings[ParameterIndex.Of(ModelParameters.FearManifestation)];
        var officer = settings[ParameterIndex.Of(ModelParameters.OfficerExceptionShare)];
        var fixedWeights = !fear.IsRange && !officer.IsRange;
        var weights = prepared.Policies.Select(p => fixedWeights ? p.Table.Weigh(fear.Low, officer.Low) : null).ToArray();
        var model = prepared.Model;
        var horizonMonths = model.HorizonMonths;
        var done = 0;
        var kernel = options.Kernel ?? SimulationOptions.KernelFor(scenario.Paths);
        // A chunk is one block of lanes for the lane kernel (16 paths a chunk for the scalar one).
        var chunk = kernel == SimulationKernel.Scalar ? 16 : Math.Clamp(options.Lanes, 1, Engine.LaneSuspensionReplay.MaxLanes);
        var chunks = (scenario.Paths + chunk - 1) / chunk;
        // Exactly one worker (workspace and histograms) per thread, taking chunks of paths from a shared counter, so
        // memory is (threads × histograms) whatever the number of paths.
        var threads = Math.Max(1, Math.Min(options.Threads ?? Environment.ProcessorCount, chunks));
        // Each worker's histograms (megabytes) are allocated by its own thread when it starts, so in parallel.
        var workers = Enumerable.Range(0, threads).Select(_ => new Worker(
            () => new Accumulator(prepared.Policies.Count, scenario.HorizonDays, horizonMonths, options.Bands),
            new FlowModel.Workspace(model.Days, prepared.Policies.Max(p => p.Table.RemovalKinds.Count), prepared.Policies.Select(p => new DailySuspensionReplay(p.Compiled, model.First, model.Days)).ToArray())
            {
                MonthlyUnderCaps = new long[horizonMonths],
                MonthlyBetweenPorts = new long[horizonMonths],
                MonthlyUnderArrangement = new long[horizonMonths],
                MonthlyOverflow = new long[horizonMonths],
                Plans = [.. prepared.Policies.Select(p => new Returns.ReturnBatchPlan(Returns.ArrangementSet.BuiltIn, p.LedgerKinds))],
            },
            kernel == SimulationKernel.Scalar ? null : new Lanes.LaneWorkspace(model, prepared.Policies, chunk, options.LaneWidth, horizonMonths))).ToArray();
        var firstTimelines = new SuspensionTimeline?[prepared.Policies.Count];
        var nextChunk = -1;
        void Work(Worker worker)
        {
            int c;
            while ((c = Interlocked.Increment(ref nextChunk)) < chunks)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var end = Math.Min(scenario.Paths, (c + 1) * chunk);
                if (worker.Lanes is { } lanes)
                {
                    RunBlock(prepared, settings, weights, options.Bands, worker, lanes, c * chunk, end - (c * chunk), firstTimelines);
                }
                else
                {
                    for (var path = c * chunk; path < end; path++)
                    {
                        RunPath(prepared, settings, weights, options.Bands, worker, path, firstTimelines);
                    }
                }

                progress?.Report(Interlocked.Add(ref done, end - (c * chunk)));
            }
        }

        void WorkOrStop(Worker worker)
        {
            try
            {
                Work(worker);
            }
            catch
            {
                // Let the other workers stop after their current chunk.
                Interlocked.Exchange(ref nextChunk, chunks);
                throw;
            }
        }

        var tasks = workers.Skip(1).Select(worker => Task.Factory.StartNew(() => WorkOrStop(worker), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        Exception? failure = null;
        try
        {
            WorkOrStop(workers[0]);
        }
        catch (Exception e)
        {
            failure = e;
        }

        try
        {
            Task.WaitAll(tasks, CancellationToken.None);
        }
        catch (AggregateException e)
        {
            failure ??= e.InnerExceptions[0];
        }

        if (failure is not null)
        {
            // The failure itself (e.g. a rule error the CLI turns into exit 2), not a wrapper.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }

        // Integer addition: the merge order cannot change the result. The first worker's histograms take the others'.
        var total = workers[0].Totals;
        foreach (var worker in workers.Skip(1))
        {
            total.Merge(worker.Totals);
        }

        // A reform that changed nothing the replay evaluated is an error, as in ./threshold replay.
        foreach (var timeline in firstTimelines)
        {
            if (timeline is not null)
            {
                OverlayEvaluation.RequireEffect(timeline);
            }
        }

        return SimulationResult.From(prepared, settings, total);
    }

    /// <summary>
    /// Fixed values obey the ranges a scenario file must (the flow model relies on them, e.g. every share in [0, 1]).
    /// </summary>
    /// <exception cref="ArgumentException">A name is not a parameter of the model.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside the parameter's range, or not a number.</exception>
    private static void RequireInRange(IReadOnlyDictionary<string, double> values, IReadOnlyList<ModelParameter> catalogue)
    {
        foreach (var (name, value) in values)
        {
            var parameter = catalogue.FirstOrDefault(p => p.Name == name) ?? throw new ArgumentException($"'{name}' is not a parameter of the flow model", nameof(values));
            if (!parameter.Allows(value))
            {
                throw new ArgumentOutOfRangeException(nameof(values), value, parameter.RangeRule);
            }
        }
    }

    /// <summary>
    /// One path under every policy, into the worker's histograms (a method of its own, called path after path, so the
    /// runtime compiles it fully optimised instead of leaving it in the loop of a method that runs once per worker).
    /// </summary>
    private static void RunPath(Prepared prepared, ParameterSetting[] settings, Weights?[] weights, bool bands, Worker worker, int path, SuspensionTimeline?[] firstTimelines)
    {
        var model = prepared.Model;
        var draw = PathDraw.Create(prepared.Scenario.Seed, path, settings, model.Days, worker.Noise, prepared.Level is not null);
        worker.Noise = draw.Noise;
        model.Northbound(draw, worker.Space);
        for (var p = 0; p < prepared.Policies.Count; p++)
        {
            var policy = prepared.Policies[p];
            var w = weights[p] ?? policy.Table.Weigh(draw[ModelParameters.FearManifestation], draw[ModelParameters.OfficerExceptionShare]);
            var outcome = default(PathOutcome);
            model.Run(policy, worker.Space, ref outcome, w, bands);
            if (path == 0)
            {
                firstTimelines[p] = model.Timeline(policy, worker.Space);
            }

            worker.Totals.Add(p, outcome, worker.Space, Scenario.WarmUpDays);
        }
    }

    /// <summary>
    /// Paths <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> − 1 side by side, one a lane,
    /// under every policy (the lane kernel, <see cref="Lanes.LaneFlowModel"/>): each path's draw is its own, as in
    /// <see cref="RunPath"/>, and each lane's outcome goes to the histograms exactly as that path's would.
    /// </summary>
    private static void RunBlock(Prepared prepared, ParameterSetting[] settings, Weights?[] weights, bool bands, Worker worker, Lanes.LaneWorkspace lanes, int first, int count, SuspensionTimeline?[] firstTimelines)
    {
        var model = prepared.Model;
        for (var l = 0; l < count; l++)
        {
            var draw = PathDraw.Create(prepared.Scenario.Seed, first + l, settings, model.Days, worker.Noise, prepared.Level is not null);
            worker.Noise = draw.Noise;
            lanes.SetPath(model, l, draw);
        }

        var horizonDays = prepared.Scenario.HorizonDays;
        for (var p = 0; p < prepared.Policies.Count; p++)
        {
            var policy = prepared.Policies[p];
            for (var l = 0; l < count; l++)
            {
                var draw = lanes.Draws[l]!;
                lanes.Weights[l] = weights[p] ?? policy.Table.Weigh(draw[ModelParameters.FearManifestation], draw[ModelParameters.OfficerExceptionShare]);
            }

            Lanes.LaneFlowModel.Run(model, policy, lanes, count, bands);
            if (first == 0)
            {
                firstTimelines[p] = Lanes.LaneFlowModel.Timeline(model, policy, lanes, 0);
            }

            for (var l = 0; l < count; l++)
            {
                worker.Totals.Add(p, lanes.Outcomes[l], lanes.Average7[l].AsSpan(Scenario.WarmUpDays, horizonDays), lanes.MonthlyUnderCaps[l], lanes.MonthlyBetweenPorts[l]);
            }
        }
    }

    private sealed class Worker(Func<Accumulator> histograms, FlowModel.Workspace space, Lanes.LaneWorkspace? lanes)
    {
        /// <summary>The lane kernel's arrays; null when the worker runs the scalar kernel.</summary>
        public Lanes.LaneWorkspace? Lanes { get; } = lanes;

        private Accumulator? totals;

        /// <summary>The worker's histograms, made on first use (by the worker's own thread).</summary>
        public Accumulator Totals => totals ??= histograms();

        public FlowModel.Workspace Space { get; } = space;

        public double[]? Noise { get; set; }
    }
}

/// <summary>The histograms of a run (or of one worker's share of it), per policy.</summary>
internal sealed class Accumulator
{
    /// <summary>A path's monthly figures as the histograms take them (scratch, reused).</summary>
    private readonly double[] monthValues;

    public Accumulator(int policies, int horizonDays, int horizonMonths, bool bands)
    {
        monthValues = new double[horizonMonths];
        Outputs = new LogHistogram[policies][];
        Daily = new LogHistogram[policies][];
        Monthly = new LogHistogram[policies][];
        MonthlyEncounters = new LogHistogram[policies][];
        for (var p = 0; p < policies; p++)
        {
            Outputs[p] = MonteCarlo.Outputs.Select(_ => LogHistogram.ForCounts()).ToArray();
            Daily[p] = bands ? LogHistogram.Series(horizonDays, 6, 17, wholeNumbers: false) : [];
            Monthly[p] = bands ? LogHistogram.Series(horizonMonths, 8, 24, wholeNumbers: true) : [];
            MonthlyEncounters[p] = bands ? LogHistogram.Series(horizonMonths, 9, 27, wholeNumbers: true) : [];
        }
    }

    public LogHistogram[][] Outputs { get; }

    /// <summary>Per policy, per horizon day: the 7-day average of the policy's own count.</summary>
    public LogHistogram[][] Daily { get; }

    /// <summary>Per policy, per horizon month: returns to Mexico under capped arrangements.</summary>
    public LogHistogram[][] Monthly { get; }

    /// <summary>Per policy, per horizon month: encounters between ports of entry (horizon days only).</summary>
    public LogHistogram[][] MonthlyEncounters { get; }

    public void Add(int policy, in PathOutcome outcome, FlowModel.Workspace space, int warmUp) =>
        Add(policy, outcome, space.Average7.AsSpan(warmUp, Daily[policy].Length), space.MonthlyUnderCaps, space.MonthlyBetweenPorts);

    /// <summary>A path's outcome, its horizon days' 7-day averages and its monthly figures.</summary>
    public void Add(int policy, in PathOutcome outcome, ReadOnlySpan<double> average7, long[] monthlyUnderCaps, long[] monthlyBetweenPorts)
    {
        var outputs = Outputs[policy];
        for (var i = 0; i < outputs.Length; i++)
        {
            outputs[i].Add(MonteCarlo.Outputs[i].Read(outcome));
        }

        var daily = Daily[policy];
        if (daily.Length > 0)
        {
            LogHistogram.AddEach(daily, average7[..daily.Length]);
        }

        if (Monthly[policy].Length > 0)
        {
            AddMonths(Monthly[policy], monthlyUnderCaps);
            AddMonths(MonthlyEncounters[policy], monthlyBetweenPorts);
        }
    }

    /// <summary>A path's monthly figures to a monthly series at once (as doubles: whole numbers far below 2^53, so exact).</summary>
    private void AddMonths(LogHistogram[] series, long[] figures)
    {
        var values = monthValues.AsSpan(0, series.Length);
        for (var m = 0; m < values.Length; m++)
        {
            values[m] = figures[m];
        }

        LogHistogram.AddEach(series, values);
    }

    public void Merge(Accumulator other)
    {
        for (var p = 0; p < Outputs.Length; p++)
        {
            for (var i = 0; i < Outputs[p].Length; i++)
            {
                Outputs[p][i].Merge(other.Outputs[p][i]);
            }

            LogHistogram.MergeEach(Daily[p], other.Daily[p]);
            LogHistogram.MergeEach(Monthly[p], other.Monthly[p]);
            LogHistogram.MergeEach(MonthlyEncounters[p], other.MonthlyEncounters[p]);
        }
    }
}
