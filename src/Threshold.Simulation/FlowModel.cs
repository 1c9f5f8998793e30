using System.Runtime.Intrinsics;
using NodaTime;
using Threshold.Engine;
using Threshold.Population;
using Threshold.Returns;
using Threshold.Screening;

namespace Threshold.Simulation;

/// <summary>One policy of a scenario, prepared once: compiled by the engine and with its screening table.</summary>
internal sealed class PolicyContext(ScenarioPolicy policy, CompiledPolicy compiled, ScreeningTable table, int index)
{
    /// <summary>Position in the scenario's policies (selects the worker's day-at-a-time replay).</summary>
    public int Index { get; } = index;

    public ScenarioPolicy Policy { get; } = policy;

    public CompiledPolicy Compiled { get; } = compiled;

    public ScreeningTable Table { get; } = table;

    /// <summary><see cref="ScreeningTable.RemovalKinds"/> as the ledger's kinds, in the same order, for each batch's allocation.</summary>
    public ReturnKind[] LedgerKinds { get; } = [.. table.RemovalKinds.Select(k => new ReturnKind(k.Citizenship, k.UnaccompaniedChild))];

    /// <summary>What ends with each day under this policy (<see cref="FlowModel.DayEnds"/>).</summary>
    public byte[] DayEnds { get; init; } = [];

    /// <summary>The weights when the fear and officer shares are fixed (null when a path draws them).</summary>
    public Weights? FixedWeights { get; set; }
}

/// <summary>What one path produced under one policy, over the horizon days only.</summary>
internal struct PathOutcome
{
    public int DaysActive;
    public int Transitions;
    public int CapBindingDays;
    public long EncountersBetweenPorts;
    public long EncountersPorts;
    public long Subject;
    public long FearReferrals;
    public long ReturnedUnderArrangement;
    public long Overflow;
    public long MexicanNationalsReturned;
    public long RemovedToCitizenship;
    public long ContiguousReturns;
    public long MaxMonthlyUnderCaps;
    public int CapBindingMonths;
}

/// <summary>
/// The flow model of one path under one policy (docs/simulation.md §Model). Each day: northbound migrants (the
/// calibrated level × season × weekday × exp(noise)); Mexico removes its share; people returned to Mexico earlier try
/// again; while the suspension applied <c>deterrence.lag_days</c> ago a share is deterred and part of that is
/// displaced to port-of-entry appointments, up to capacity. The day's counts go to the REAL engine
/// (<see cref="DailySuspensionReplay"/>, the batch replay's kernel fed one day at a time), its people through the REAL screening answers (<see cref="ScreeningTable"/>) and
/// their removals through the REAL returns ledger (<see cref="ReturnsLedger.AllocateCounts(ReturnBatchPlan, LocalDate, ReadOnlySpan{long}, Span{ReturnCountAllocation})"/>, one call per batch).
/// </summary>
/// <remarks>
/// Attempts depend on past statuses and statuses on past counts. Every dependence is delayed: a day's status depends
/// only on earlier days' counts (a determination takes effect the next day at the earliest), and a re-attempt comes
/// after its removal batch closes. So one forward pass, asking the engine for each day's status before computing that
/// day's flows and then giving it the day's counts, is the exact causal solution: no iteration, nothing to converge.
/// </remarks>
internal sealed class FlowModel
{
    private readonly Calibration calibration;
    private readonly LocalDate first;
    private readonly int days;
    private readonly int warmUp;
    private readonly int horizonStartMonthKey;
    private readonly bool[] weekend;
    private readonly double[] season;
    private readonly LocalDate[] dates;
    private readonly int[] monthOfDay;
    private readonly bool[] batchEnds;

    /// <summary>Each day's median northbound level and level log-sd (<see cref="FlowLevel"/>); null for the fixed calibrated level.</summary>
    private readonly double[]? levelOfDay;
    private readonly double[]? levelSdOfDay;

    public FlowModel(Calibration calibration, LocalDate first, int days, int warmUp, FlowLevel? level = null)
    {
        // The first horizon day's 7-day window and the deterrence lag read warm-up days.
        ArgumentOutOfRangeException.ThrowIfLessThan(warmUp, 7);
        this.calibration = calibration;
        this.first = first;
        this.days = days;
        this.warmUp = warmUp;
        weekend = new bool[days];
        season = new double[days];
        dates = new LocalDate[days];
        for (var t = 0; t < days; t++)
        {
            var date = first.PlusDays(t);
            dates[t] = date;
            weekend[t] = date.DayOfWeek is IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday;
            season[t] = calibration.SeasonalFactor(date);
        }

        if (level is not null)
        {
            levelOfDay = [.. dates.Select(level.NorthboundOn)];
            levelSdOfDay = [.. dates.Select(level.SdOn)];
        }

        var start = first.PlusDays(warmUp);
        horizonStartMonthKey = (start.Year * 12) + start.Month - 1;
        monthOfDay = dates.Select(d => (d.Year * 12) + d.Month - 1 - horizonStartMonthKey).ToArray();

        // Removal batches end on Sundays, before a new month, before the horizon starts, and around every arrangement
        // date, so one batch never spans two cap months or two arrangement regimes.
        var boundaries = ArrangementSet.BuiltIn.Arrangements.SelectMany(a => a.To is { } to ? new[] { a.From, to.PlusDays(1) } : [a.From]).ToHashSet();
        batchEnds = new bool[days];
        for (var t = 0; t < days; t++)
        {
            var next = first.PlusDays(t + 1);
            batchEnds[t] = t == days - 1 || dates[t].DayOfWeek == IsoDayOfWeek.Sunday || next.Day == 1 || t + 1 == warmUp || boundaries.Contains(next);
        }
    }

    public int Days => days;

    /// <summary>Days of warm-up before the horizon's first day.</summary>
    internal int WarmUp => warmUp;

    /// <summary>Each day's month, counted from the horizon's first month (negative in the warm-up).</summary>
    internal int[] MonthOfDay => monthOfDay;

    /// <summary>The date of each day.</summary>
    internal LocalDate[] Dates => dates;

    public LocalDate First => first;

    /// <summary>Scratch arrays of one worker thread, reused path after path (nothing per path is kept).</summary>
    internal sealed class Workspace(int days, int removalKinds, IReadOnlyList<DailySuspensionReplay> replays)
    {
        /// <summary>The engine's day-at-a-time replay of each policy, reset for every path.</summary>
        public readonly IReadOnlyList<DailySuspensionReplay> Replays = replays;

        public readonly int[] BetweenPorts = new int[days];
        public readonly int[] Coastal = new int[days];
        public readonly int[] Ports = new int[days];
        public readonly int[] UcBetween = new int[days];
        public readonly int[] UcPorts = new int[days];
        public readonly double[] Carry = new double[removalKinds];

        /// <summary>The open batch's people by (status, flow), four flows a status.</summary>
        public readonly double[] BatchSums = new double[StatusCount * 4];

        /// <summary>The whole people of each removal kind that a batch hands to the ledger.</summary>
        public readonly long[] BatchCounts = new long[removalKinds];
        public readonly DayStatus[] Status = new DayStatus[days];

        /// <summary>The policy's own count averaged over the 7 days ending each horizon day (warm-up days are not written).</summary>
        public readonly double[] Average7 = new double[days];

        /// <summary>Returns to Mexico under capped arrangements in each month from the horizon's first month.</summary>
        public long[] MonthlyUnderCaps = [];

        /// <summary>Encounters between ports of entry (the USBP southwest figure, coast excluded) in each horizon month, horizon days only.</summary>
        public long[] MonthlyBetweenPorts = [];

        /// <summary>Returns to Mexico under an arrangement, and overflow, in each horizon month (horizon batches only).</summary>
        public long[] MonthlyUnderArrangement = [];

        public long[] MonthlyOverflow = [];

        /// <summary>The path's northbound migrants a day (<see cref="FlowModel.Northbound(PathDraw, Workspace)"/>).</summary>
        public readonly double[] Northbound = new double[days];

        /// <summary>The worker's ledger, cleared before each path and policy (one future at a time).</summary>
        public readonly ReturnsLedger Ledger = ReturnsLedger.WithoutLines(ArrangementSet.BuiltIn);

        /// <summary>Each policy's removal kinds as the worker's own batch plan over the ledger's arrangements (by <see cref="PolicyContext.Index"/>).</summary>
        public ReturnBatchPlan[] Plans { get; init; } = [];

        /// <summary>The path's parameter values (<see cref="PathDraw.Values"/>).</summary>
        public double[] Values = [];
    }

    /// <summary>Number of calendar months the horizon touches.</summary>
    public int HorizonMonths
    {
        get
        {
            var last = first.PlusDays(days - 1);
            return (last.Year * 12) + last.Month - 1 - horizonStartMonthKey + 1;
        }
    }

    /// <summary>Marks of <see cref="DayEnds"/>: the day ends a removal batch.</summary>
    internal const byte BatchEnd = 1;

    /// <summary>Marks of <see cref="DayEnds"/>: the next day is in another screening regime.</summary>
    internal const byte RegimeEnd = 2;

    /// <summary>
    /// For each day, what ends with it under <paramref name="table"/>: a removal batch (<see cref="BatchEnd"/>), the
    /// screening regime (<see cref="RegimeEnd"/>), both, or nothing (0); so the day loop reads one mark a day.
    /// </summary>
    public byte[] DayEnds(ScreeningTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var regimes = table.RegimeOfDay;
        var ends = new byte[days];
        for (var t = 0; t < days; t++)
        {
            ends[t] = (byte)((batchEnds[t] ? BatchEnd : 0) | (t + 1 < days && regimes[t + 1] != regimes[t] ? RegimeEnd : 0));
        }

        return ends;
    }

    /// <summary>Runs one path under one policy in a single forward pass and fills <paramref name="outcome"/>.</summary>
    /// <param name="ws">The worker's workspace, with the path's <see cref="Northbound(PathDraw, Workspace)"/> already filled in.</param>
    /// <remarks>The day's counts stay in the workspace's columns until the next run (for <see cref="Timeline"/>).</remarks>
    public void Run(PolicyContext policy, Workspace ws, ref PathOutcome outcome, Weights weights, bool keepDaily)
    {
        outcome = default;
        var replay = ws.Replays[policy.Index];
        Pass(policy, replay, ws, weights, ref outcome);
        HorizonSums(ws, replay.CountedOnDay, keepDaily, ref outcome);
        Summarise(replay, ws, ref outcome);
    }

    /// <summary>
    /// The engine's timeline of the path just run under <paramref name="policy"/>, over copies of its counts (for the
    /// checks that need a whole timeline, e.g. that a reform changed something the replay evaluated).
    /// </summary>
    /// <remarks>Call it before the workspace runs anything else.</remarks>
    public SuspensionTimeline Timeline(PolicyContext policy, Workspace ws)
    {
        var series = new EncounterSeries(
            "simulated path (MODELED)",
            first,
            days,
            new Dictionary<EncounterColumn, int[]>
            {
                [EncounterColumn.BetweenPorts] = (int[])ws.BetweenPorts.Clone(),
                [EncounterColumn.Coastal] = (int[])ws.Coastal.Clone(),
                [EncounterColumn.PortsOfEntry] = (int[])ws.Ports.Clone(),
                [EncounterColumn.UcNoncontiguousBetweenPorts] = (int[])ws.UcBetween.Clone(),
                [EncounterColumn.UcNoncontiguousPorts] = (int[])ws.UcPorts.Clone(),
            },
            null,
            ["modeled: scenario simulator path"]);
        return ws.Replays[policy.Index].ToTimeline(series);
    }

    /// <summary>
    /// The path's northbound migrants each day before Mexico's enforcement: the calibrated level × level scale × month
    /// factor × weekday factor × exp(noise). The same for every policy and pass, so computed once per path.
    /// </summary>
    public void Northbound(PathDraw draw, Workspace ws)
    {
        ws.Values = draw.Values;
        Northbound(draw, ws.Northbound.AsSpan(0, days));
    }

    /// <summary>The path's northbound migrants a day (as <see cref="Northbound(PathDraw, Workspace)"/>) into <paramref name="northbound"/>.</summary>
    public void Northbound(PathDraw draw, Span<double> northbound)
    {
        var v = draw.Values;
        var level = calibration.NorthboundLevelPerDay * v[ParameterIndex.Of(ModelParameters.LevelScale)];
        var weekendFactor = v[ParameterIndex.Of(ModelParameters.WeekendFactor)];
        // Normalised so a week's mean factor is 1 whatever the weekend factor.
        var weekdayScale = 7 / (5 + (2 * weekendFactor));
        var noise = draw.Noise;
        // exp(noise) four days at a time (the runtime's vector exp), the rest one at a time.
        northbound = northbound[..days];
        var t = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; t + 4 <= days; t += 4)
            {
                Vector256.Exp(Vector256.Create(noise.AsSpan(t, 4))).CopyTo(northbound.Slice(t, 4));
            }
        }

        for (; t < days; t++)
        {
            northbound[t] = Math.Exp(noise[t]);
        }

        if (levelOfDay is null || levelSdOfDay is null)
        {
            for (t = 0; t < days; t++)
            {
                northbound[t] *= level * season[t] * (weekend[t] ? weekendFactor * weekdayScale : weekdayScale);
            }

            return;
        }

        // An anchored level: the day's own level, and the path's level draw scaled by the day's uncertainty.
        var scale = v[ParameterIndex.Of(ModelParameters.LevelScale)];
        var shock = draw.LevelShock;
        for (t = 0; t < days; t++)
        {
            northbound[t] *= levelOfDay[t] * scale * Math.Exp(shock * levelSdOfDay[t]) * season[t] * (weekend[t] ? weekendFactor * weekdayScale : weekdayScale);
        }
    }

    /// <summary>
    /// The path day by day: the engine gives the day's status, the flows follow from it and from earlier statuses and
    /// returns, and the day's counts go back to the engine (<see cref="DailySuspensionReplay.Run{TModel}"/> drives the
    /// days through <see cref="DayModel"/>). Removals reach the ledger in weekly batches (Monday to Sunday, cut at month
    /// ends, at the horizon start and at arrangement start and end dates), dated the batch's last day: the cap's month
    /// and the arrangement in force are those of every day of the batch, and a re-attempt follows the batch [U:
    /// processing takes days].
    /// </summary>
    private void Pass(PolicyContext policy, DailySuspensionReplay replay, Workspace ws, Weights weights, ref PathOutcome o)
    {
        var v = ws.Values;
        var capacity = v[ParameterIndex.Of(ModelParameters.Appointments)];
        var table = policy.Table;
        ws.Ledger.Clear();
        replay.Reset();
        Array.Clear(ws.Carry);
        Array.Clear(ws.MonthlyUnderArrangement);
        Array.Clear(ws.MonthlyOverflow);
        Array.Clear(ws.BatchSums);
        var model = new DayModel
        {
            Flows = this,
            Ws = ws,
            Plan = ws.Plans[policy.Index],
            Weights = weights,
            KindCount = policy.LedgerKinds.Length,
            Northbound = ws.Northbound,
            Status = ws.Status,
            Between = ws.BetweenPorts,
            Coastal = ws.Coastal,
            Ports = ws.Ports,
            UcBetween = ws.UcBetween,
            UcPorts = ws.UcPorts,
            DayEnds = policy.DayEnds,
            Sums = ws.BatchSums,
            NotStopped = 1 - v[ParameterIndex.Of(ModelParameters.MexicoEnforcement)],
            Deterrence = v[ParameterIndex.Of(ModelParameters.DeterrenceEffect)],
            Lag = (int)v[ParameterIndex.Of(ModelParameters.DeterrenceLag)],
            Displacement = v[ParameterIndex.Of(ModelParameters.DisplacementShare)],
            Capacity = capacity,
            BaseUse = v[ParameterIndex.Of(ModelParameters.AppointmentBaselineUse)] * capacity,
            Unscheduled = v[ParameterIndex.Of(ModelParameters.UnscheduledPoe)],
            Reencounter = v[ParameterIndex.Of(ModelParameters.ReencounterShare)],
            Leave = 1 / v[ParameterIndex.Of(ModelParameters.ReencounterDelay)],
            CoastalShare = CoastalShare,
            NotCoastal = 1 - CoastalShare,
            UcBetweenShare = table.UcNoncontiguousShare[0],
            UcCoastalShare = table.UcNoncontiguousShare[1],
            UcAppointmentShare = table.UcNoncontiguousShare[2],
            UcUnscheduledShare = table.UcNoncontiguousShare[3],
        };
        replay.Run(ref model);
        o = model.Outcome;
        Finish(in model.Totals, ref o);
    }

    /// <summary>The screened totals of a path as whole people in its outcome (either kernel).</summary>
    internal static void Finish(in ScreenedTotals totals, ref PathOutcome o)
    {
        o.Subject = (long)Math.Round(totals.Subject);
        o.FearReferrals = (long)Math.Round(totals.Fear);
        o.ContiguousReturns = (long)Math.Round(totals.Contiguous);
    }

    /// <summary>
    /// One pass's day step for the engine's loop: the day's flows from its status (and the status
    /// <c>deterrence.lag_days</c> earlier), its whole-people counts, its flows added to the open batch by status, and the
    /// batch closed (or the screening regime changed) when the day ends one. Everything a day reads is a field here.
    /// </summary>
    private struct DayModel : IDailyCountModel
    {
        public FlowModel Flows;
        public Workspace Ws;
        public ReturnBatchPlan Plan;
        public Weights Weights;
        public int KindCount;
        public double[] Northbound;
        public DayStatus[] Status;
        public int[] Between;
        public int[] Coastal;
        public int[] Ports;
        public int[] UcBetween;
        public int[] UcPorts;
        public byte[] DayEnds;

        /// <summary>The open batch's people by (status, flow), four flows a status.</summary>
        public double[] Sums;

        public double NotStopped;
        public double Deterrence;
        public int Lag;
        public double Displacement;
        public double Capacity;
        public double BaseUse;
        public double Unscheduled;
        public double Reencounter;
        public double Leave;
        public double CoastalShare;
        public double NotCoastal;
        public double UcBetweenShare;
        public double UcCoastalShare;
        public double UcAppointmentShare;
        public double UcUnscheduledShare;

        /// <summary>People returned to Mexico who have not tried again yet.</summary>
        public double Pool;

        /// <summary>Bit s set when a day of the open batch had status s.</summary>
        public int Seen;

        public ScreenedTotals Totals;
        public PathOutcome Outcome;

        public DayCounts Day(int t, DayStatus today)
        {
            unchecked
            {
                // Unchecked: the index arithmetic stays below the arrays' lengths; counts are range-checked below.
                Status[t] = today;
                var again = Pool * Leave;
                Pool -= again;
                var attempts = (Northbound[t] * NotStopped) + again;
                var deterred = t >= Lag && Status[t - Lag] == DayStatus.Active ? Deterrence * attempts : 0;
                var crossing = attempts - deterred;
                var flowBetween = crossing * NotCoastal;
                var flowCoastal = crossing * CoastalShare;
                var flowAppointments = Math.Min(Capacity, BaseUse + (Displacement * deterred));
                // Every share and factor is in [0, 1] and every level is at least 0 (the parameters' ranges), so each of
                // the day's five flows lies between 0 and attempts + capacity + unscheduled: one test of that bound (a
                // NaN fails it too) covers all five conversions.
                if (!(attempts + Capacity + Unscheduled <= int.MaxValue))
                {
                    throw OutOfRange("a day's attempts", attempts);
                }

                var b = Between[t] = People(flowBetween);
                var c = Coastal[t] = People(flowCoastal);
                var p = Ports[t] = People(flowAppointments + Unscheduled);
                var ub = UcBetween[t] = People((flowBetween * UcBetweenShare) + (flowCoastal * UcCoastalShare));
                var up = UcPorts[t] = People((flowAppointments * UcAppointmentShare) + (Unscheduled * UcUnscheduledShare));
                var cell = 4 * (int)today;
                Seen |= 1 << (int)today;
                var sums = Sums;
                sums[cell] += flowBetween;
                sums[cell + 1] += flowCoastal;
                sums[cell + 2] += flowAppointments;
                sums[cell + 3] += Unscheduled;
                var end = DayEnds[t];
                if (end != 0)
                {
                    EndOfDay(t, end);
                }

                return new DayCounts(b, c, p, ub, up);
            }
        }

        /// <summary>
        /// The day ends the screening regime (its batch's weights applied) or a batch (closed through the ledger, its
        /// returns to the re-attempt pool). The horizon starts on a batch boundary, so a whole batch is in it or out of it.
        /// </summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private void EndOfDay(int t, byte end)
        {
            var inHorizon = t >= Flows.warmUp;
            if (end == RegimeEnd)
            {
                ApplyWeights(Weights, Weights.RegimeOf(t), Sums, Seen, Ws.Carry, inHorizon, ref Totals);
            }
            else
            {
                var batch = new BatchSpace(Ws.Ledger, Ws.Carry, Ws.BatchCounts, Ws.MonthlyUnderArrangement, Ws.MonthlyOverflow);
                Pool += Flows.CloseBatch(in batch, Plan, Weights, Weights.RegimeOf(t), Sums, Seen, t, inHorizon, KindCount, Reencounter, ref Totals, ref Outcome);
            }

            Seen = 0;
        }
    }

    /// <summary>
    /// The horizon's encounters (in all and by month) and its days active and at the cap, from the pass's columns and
    /// statuses; with <paramref name="averages"/>, each horizon day's 7-day average of <paramref name="counted"/> (the
    /// policy's own count, under the rule version in force each day) into the workspace.
    /// </summary>
    private void HorizonSums(Workspace ws, ReadOnlySpan<int> counted, bool averages, ref PathOutcome o)
    {
        var monthly = ws.MonthlyBetweenPorts;
        Array.Clear(monthly);
        var between = ws.BetweenPorts.AsSpan(0, days);
        var coastal = ws.Coastal.AsSpan(0, days);
        var ports = ws.Ports.AsSpan(0, days);
        var status = ws.Status.AsSpan(0, days);
        var month = monthOfDay.AsSpan(0, days);
        var average = ws.Average7.AsSpan(0, days);
        long encountersBetween = 0, encountersPorts = 0;
        int daysActive = 0, capBindingDays = 0;
        unchecked
        {
            // Unchecked: at most 3,653 days of int counts cannot overflow a long. The warm-up is longer than a week, so
            // the window ending on the horizon's first day is whole; its sum is exact whatever the order of the terms.
            long sum7 = 0;
            for (var t = warmUp - 6; t < warmUp; t++)
            {
                sum7 += counted[t];
            }

            // Each month's encounters are summed in a register and stored when the month ends (a store per day into the
            // same cell would wait for the previous day's).
            var currentMonth = warmUp < between.Length ? month[warmUp] : 0;
            long monthSum = 0;
            for (var t = warmUp; t < between.Length; t++)
            {
                var b = between[t];
                encountersBetween += b + (long)coastal[t];
                encountersPorts += ports[t];
                if (month[t] != currentMonth)
                {
                    monthly[currentMonth] += monthSum;
                    (currentMonth, monthSum) = (month[t], 0);
                }

                monthSum += b;
                daysActive += status[t] == DayStatus.Active ? 1 : 0;
                capBindingDays += status[t] == DayStatus.CapReached ? 1 : 0;
                if (averages)
                {
                    sum7 += counted[t];
                    average[t] = sum7 / 7.0;
                    sum7 -= counted[t - 6];
                }
            }

            if (warmUp < between.Length)
            {
                monthly[currentMonth] += monthSum;
            }
        }

        o.EncountersBetweenPorts = encountersBetween;
        o.EncountersPorts = encountersPorts;
        o.DaysActive = daysActive;
        o.CapBindingDays = capBindingDays;
    }

    /// <summary>
    /// Closes the batch ending on day <paramref name="t"/>: its screened weights, its whole removals by kind through the
    /// ledger, and the path's outcome and monthly returns. Returns the people who go back to the re-encounter pool. Out
    /// of the day loop, which runs about seven times as often and compiles better without it.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    internal double CloseBatch(in BatchSpace space, ReturnBatchPlan plan, Weights weights, int regime, Span<double> sums, int seen, int t, bool inHorizon, int kindCount, double reencounter, ref ScreenedTotals totals, ref PathOutcome o)
    {
        var carry = space.Carry;
        var batchCounts = space.BatchCounts;
        ApplyWeights(weights, regime, sums, seen, carry, inHorizon, ref totals);
        ReturnCountAllocation a = default;
        if (totals.CarryPending)
        {
            TakeWholePeople(carry.AsSpan(0, kindCount), batchCounts.AsSpan(0, kindCount));
            a = space.Ledger.AllocateCounts(plan, dates[t], batchCounts.AsSpan(0, kindCount));
            totals.CarryPending = false;
        }

        // Otherwise nothing was added to the carry since it was last taken: every kind's carry is at most one half, so
        // none would be taken, and a batch of no one leaves the ledger as it is.
        if (inHorizon)
        {
            var month = monthOfDay[t];
            o.ReturnedUnderArrangement += a.UnderArrangement;
            o.Overflow += a.Overflow;
            o.MexicanNationalsReturned += a.MexicanNationals;
            o.RemovedToCitizenship += a.ToCitizenship;
            space.MonthlyUnderArrangement[month] += a.UnderArrangement;
            space.MonthlyOverflow[month] += a.Overflow;
        }

        var back = reencounter * (a.ToMexico + totals.ContiguousBatch);
        totals.ContiguousBatch = 0;
        return back;
    }

    /// <summary>One path's batch state for <see cref="CloseBatch"/>: its ledger, its carried fractions, the batch's whole people by kind (scratch) and its monthly returns.</summary>
    internal readonly record struct BatchSpace(ReturnsLedger Ledger, double[] Carry, long[] BatchCounts, long[] MonthlyUnderArrangement, long[] MonthlyOverflow);

    /// <summary>What the screening weights gave a path so far: the open batch's contiguous returns, and the horizon's people subject, fear referrals and contiguous returns.</summary>
    internal struct ScreenedTotals
    {
        /// <summary>The weights added to the carry since its whole people were last taken.</summary>
        public bool CarryPending;

        public double ContiguousBatch;
        public double Subject;
        public double Fear;
        public double Contiguous;
    }

    /// <summary>
    /// A day's flow rounded (to even) to whole people; the caller has checked it is in range, so the processor's own
    /// conversion is exact (the language's conversion adds a saturating fix-up for NaN and out-of-range values).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static int People(double flow) => double.ConvertToIntegerNative<int>(Math.Round(flow));

    /// <summary>The error for a count out of range, built out of line so the hot loops do not carry its formatting.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    internal static OverflowException OutOfRange(string what, double value) => new($"{what} of {value} people is out of range");

    internal static readonly int StatusCount = Enum.GetValues<DayStatus>().Length;

    /// <summary>
    /// Turns the summed flows of a batch (by status) into its contiguous returns, its removals by kind (into
    /// <paramref name="carry"/>) and, in the horizon, its people subject and fear referrals; then clears the sums.
    /// </summary>
    /// <param name="seen">Bit s set when a day of the batch had status s (the other statuses' sums are zero).</param>
    /// <remarks>
    /// Every sum gets its terms in the same order, flow 0 to 3 of each status: <c>carry[k]</c> takes
    /// <c>n_0 × w_0[k]</c>, then <c>n_1 × w_1[k]</c> and so on, one multiply and one add each (no fused multiply-add),
    /// several k at a time.
    /// </remarks>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    internal static void ApplyWeights(Weights weights, int regime, Span<double> sums, int seen, double[] carry, bool inHorizon, ref ScreenedTotals totals)
    {
        var stride = weights.Stride;
        var kinds = stride - Weights.FirstRemoval;
        var weighed = weights.Weighed(regime);
        var (contiguousBatch, subject, fear, contiguous) = (totals.ContiguousBatch, totals.Subject, totals.Fear, totals.Contiguous);
        for (; seen != 0; seen &= seen - 1)
        {
            var s = System.Numerics.BitOperations.TrailingZeroCount(seen);
            var cell = sums.Slice(s * 4, 4);
            var (n0, n1, n2, n3) = (cell[0], cell[1], cell[2], cell[3]);
            if (n0 == 0 && n1 == 0 && n2 == 0 && n3 == 0)
            {
                continue;
            }

            if ((weighed & (1 << s)) == 0)
            {
                // Every coefficient is zero: each sum below would add n × 0 = +0 to a total that is not −0 (all start at
                // +0 and add products of non-negative numbers), which leaves it as it is.
                cell.Clear();
                continue;
            }

            totals.CarryPending = true;

            var w = weights.For(regime, (DayStatus)s);
            for (var f = 0; f < 4; f++)
            {
                var n = cell[f];
                var row = w.Slice(f * stride, stride);
                var c = n * row[Weights.Contiguous];
                contiguousBatch += c;
                if (inHorizon)
                {
                    subject += n * row[Weights.Subject];
                    fear += n * row[Weights.Fear];
                    contiguous += c;
                }
            }

            AddScaled(carry.AsSpan(0, kinds), n0, n1, n2, n3, w.Slice(Weights.FirstRemoval, kinds), w.Slice(stride + Weights.FirstRemoval, kinds), w.Slice((2 * stride) + Weights.FirstRemoval, kinds), w.Slice((3 * stride) + Weights.FirstRemoval, kinds));
            cell.Clear();
        }

        (totals.ContiguousBatch, totals.Subject, totals.Fear, totals.Contiguous) = (contiguousBatch, subject, fear, contiguous);
    }

    /// <summary>
    /// <c>carry[k] += n0 × w0[k]; carry[k] += n1 × w1[k]; ...</c> for every k, in that order, several k at a time: each
    /// element gets the same multiplies and adds as one flow after another (no fused multiply-add), so the same bits.
    /// </summary>
    private static void AddScaled(Span<double> carry, double n0, double n1, double n2, double n3, ReadOnlySpan<double> w0, ReadOnlySpan<double> w1, ReadOnlySpan<double> w2, ReadOnlySpan<double> w3)
    {
        var k = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var (s0, s1, s2, s3) = (Vector256.Create(n0), Vector256.Create(n1), Vector256.Create(n2), Vector256.Create(n3));
            for (; k + Vector256<double>.Count <= carry.Length; k += Vector256<double>.Count)
            {
                var c = Vector256.Create(carry.Slice(k, Vector256<double>.Count));
                c += s0 * Vector256.Create(w0.Slice(k, Vector256<double>.Count));
                c += s1 * Vector256.Create(w1.Slice(k, Vector256<double>.Count));
                c += s2 * Vector256.Create(w2.Slice(k, Vector256<double>.Count));
                c += s3 * Vector256.Create(w3.Slice(k, Vector256<double>.Count));
                c.CopyTo(carry.Slice(k, Vector256<double>.Count));
            }
        }

        for (; k < carry.Length; k++)
        {
            var c = carry[k];
            c += n0 * w0[k];
            c += n1 * w1[k];
            c += n2 * w2[k];
            c += n3 * w3[k];
            carry[k] = c;
        }
    }

    /// <summary>
    /// Each kind's whole people for the ledger: the carry rounded (to even), taken when at least one, the fraction kept
    /// for the next batch. Four kinds at a time without a branch per kind (whether a kind has a whole person flips from
    /// batch to batch); each element gets the same round, compare and subtract as one at a time, so the same bits.
    /// NaN and counts beyond a long still throw.
    /// </summary>
    internal static void TakeWholePeople(Span<double> carry, Span<long> counts)
    {
        var k = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var one = Vector256.Create(1.0);
            var limit = Vector256.Create(9.2233720368547758E18);
            for (; k + Vector256<double>.Count <= carry.Length; k += Vector256<double>.Count)
            {
                var c = Vector256.Create(carry.Slice(k, Vector256<double>.Count));
                var whole = Vector256.Round(c);
                var take = Vector256.GreaterThanOrEqual(whole, one);
                // A lane neither taken nor below one is NaN; a taken lane must fit a long. The masks are compared as bits:
                // compared as doubles, all-ones lanes are NaNs and never equal.
                var fine = (take | Vector256.LessThan(whole, one)) & (~take | Vector256.LessThan(whole, limit));
                if (fine.AsUInt64() != Vector256<ulong>.AllBitsSet)
                {
                    break;
                }

                var taken = Vector256.ConditionalSelect(take, whole, Vector256<double>.Zero);
                (c - taken).CopyTo(carry.Slice(k, Vector256<double>.Count));
                Vector256.ConvertToInt64(taken).CopyTo(counts.Slice(k, Vector256<double>.Count));
            }
        }

        // The rest one at a time (and any group with a NaN or a huge count, to throw the error).
        for (; k < carry.Length; k++)
        {
            var whole = Math.Round(carry[k]);
            if (whole < 1)
            {
                counts[k] = 0;
                continue;
            }

            carry[k] -= whole;
            // An explicit range test: the checked conversion is an out-of-line call (NaN and overflow still throw).
            counts[k] = whole < 9.2233720368547758E18 ? unchecked((long)whole) : throw OutOfRange("a batch of removals", whole);
        }
    }

    /// <summary>The coastal share of people crossing outside ports (from the mix); set by the simulator.</summary>
    public double CoastalShare { get; init; }

    private void Summarise(DailySuspensionReplay replay, Workspace ws, ref PathOutcome o) =>
        Summarise(replay.Transitions, ws.MonthlyUnderArrangement, ws.MonthlyOverflow, ws.MonthlyUnderCaps, ref o);

    /// <summary>A path's transitions in the horizon and its monthly returns figures (into <paramref name="monthlyUnderCaps"/>), for either kernel.</summary>
    internal void Summarise(IReadOnlyList<Transition> transitions, long[] monthlyUnderArrangement, long[] monthlyOverflow, long[] monthlyUnderCaps, ref PathOutcome o)
    {
        var start = first.PlusDays(warmUp);
        for (var i = 0; i < transitions.Count; i++)
        {
            var tr = transitions[i];
            if (!tr.AfterSeriesEnd && tr.Cause is TransitionCause.Determination or TransitionCause.CapReached && tr.EffectiveDate >= start)
            {
                o.Transitions++;
            }
        }

        for (var m = 0; m < monthlyUnderArrangement.Length; m++)
        {
            monthlyUnderCaps[m] = monthlyUnderArrangement[m];
            o.MaxMonthlyUnderCaps = Math.Max(o.MaxMonthlyUnderCaps, monthlyUnderArrangement[m]);
            // The ledger overflows only once a monthly cap is used up: a month with overflow is a month at the cap.
            o.CapBindingMonths += monthlyOverflow[m] > 0 ? 1 : 0;
        }
    }
}
