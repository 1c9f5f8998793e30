using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Threshold.Engine;
using Threshold.Returns;
using Threshold.Screening;

namespace Threshold.Simulation.Lanes;

/// <summary>
/// One worker's arrays for a block of paths run side by side (the lanes): everything a day reads is a structure of
/// arrays, element <c>t × Lanes + l</c> for day t of lane l, so one vector holds the same quantity of several paths.
/// Reused block after block; nothing per day is allocated.
/// </summary>
internal sealed class LaneWorkspace
{
    public LaneWorkspace(FlowModel model, IReadOnlyList<PolicyContext> policies, int lanes, int? width, int horizonMonths)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lanes, LaneSuspensionReplay.MaxLanes);
        var days = model.Days;
        Lanes = lanes;
        Width = LaneWidth.Resolve(width);
        Northbound = new double[days * lanes];
        Between = new int[days * lanes];
        Coastal = new int[days * lanes];
        Ports = new int[days * lanes];
        UcBetween = new int[days * lanes];
        UcPorts = new int[days * lanes];
        Status = new DayStatus[days * lanes];
        PathNorthbound = new double[days];
        var kinds = policies.Max(p => p.Table.RemovalKinds.Count);
        Cells = FlowModel.StatusCount * 4;
        Sums = new double[lanes * Cells];
        Carry = [.. Enumerable.Range(0, lanes).Select(_ => new double[kinds])];
        BatchCounts = new long[kinds];
        MonthlyUnderArrangement = [.. Enumerable.Range(0, lanes).Select(_ => new long[horizonMonths])];
        MonthlyOverflow = [.. Enumerable.Range(0, lanes).Select(_ => new long[horizonMonths])];
        MonthlyUnderCaps = [.. Enumerable.Range(0, lanes).Select(_ => new long[horizonMonths])];
        MonthlyBetweenPorts = [.. Enumerable.Range(0, lanes).Select(_ => new long[horizonMonths])];
        Average7 = [.. Enumerable.Range(0, lanes).Select(_ => new double[days])];
        Ledgers = [.. Enumerable.Range(0, lanes).Select(_ => ReturnsLedger.WithoutLines(ArrangementSet.BuiltIn))];
        Replays = [.. policies.Select(p => new LaneSuspensionReplay(p.Compiled, model.First, days, lanes, Width))];
        Plans = [.. policies.Select(p => new ReturnBatchPlan(ArrangementSet.BuiltIn, p.LedgerKinds))];
    }

    public int Lanes { get; }

    /// <summary>Lanes per vector operation: 8, 4 or 1 (<see cref="LaneWidth"/>).</summary>
    public int Width { get; }

    /// <summary>Elements of <see cref="Sums"/> per lane: four flows for each status.</summary>
    public int Cells { get; }

    public readonly double[] Northbound;
    public readonly int[] Between;
    public readonly int[] Coastal;
    public readonly int[] Ports;
    public readonly int[] UcBetween;
    public readonly int[] UcPorts;
    public readonly DayStatus[] Status;

    /// <summary>One path's northbound migrants (scratch, before they go to their lane).</summary>
    public readonly double[] PathNorthbound;

    // A path's parameters, one element a lane.
    public readonly double[] NotStopped = new double[LaneSuspensionReplay.MaxLanes];
    public readonly double[] Deterrence = new double[LaneSuspensionReplay.MaxLanes];
    public readonly int[] Lag = new int[LaneSuspensionReplay.MaxLanes];
    public readonly double[] Displacement = new double[LaneSuspensionReplay.MaxLanes];
    public readonly double[] Capacity = new double[LaneSuspensionReplay.MaxLanes];
    public readonly double[] BaseUse = new double[LaneSuspensionReplay.MaxLanes];
    public readonly double[] Unscheduled = new double[LaneSuspensionReplay.MaxLanes];
    public readonly double[] Reencounter = new double[LaneSuspensionReplay.MaxLanes];
    public readonly double[] Leave = new double[LaneSuspensionReplay.MaxLanes];

    /// <summary>The path's draws (parameter values and the screening weights' shares), one a lane.</summary>
    public readonly PathDraw?[] Draws = new PathDraw?[LaneSuspensionReplay.MaxLanes];

    // The day's state, one element a lane.
    public readonly double[] Pool = new double[LaneSuspensionReplay.MaxLanes];
    public readonly long[] DeterredMask = new long[LaneSuspensionReplay.MaxLanes];
    public readonly double[] FlowBetween = new double[LaneSuspensionReplay.MaxLanes];
    public readonly double[] FlowCoastal = new double[LaneSuspensionReplay.MaxLanes];
    public readonly double[] FlowAppointments = new double[LaneSuspensionReplay.MaxLanes];

    /// <summary>Each lane's open batch by (status, flow): [lane × <see cref="Cells"/> + 4 × status + flow].</summary>
    public readonly double[] Sums;

    /// <summary>Bit s set when a day of the lane's open batch had status s.</summary>
    public readonly int[] Seen = new int[LaneSuspensionReplay.MaxLanes];

    public readonly double[][] Carry;
    public readonly long[] BatchCounts;
    public readonly long[][] MonthlyUnderArrangement;
    public readonly long[][] MonthlyOverflow;
    public readonly long[][] MonthlyUnderCaps;
    public readonly long[][] MonthlyBetweenPorts;
    public readonly double[][] Average7;
    public readonly ReturnsLedger[] Ledgers;
    public readonly FlowModel.ScreenedTotals[] Totals = new FlowModel.ScreenedTotals[LaneSuspensionReplay.MaxLanes];
    public readonly PathOutcome[] Outcomes = new PathOutcome[LaneSuspensionReplay.MaxLanes];
    public readonly Weights?[] Weights = new Weights?[LaneSuspensionReplay.MaxLanes];

    /// <summary>Each policy's lane replay (by <see cref="PolicyContext.Index"/>).</summary>
    public readonly LaneSuspensionReplay[] Replays;

    /// <summary>Each policy's removal kinds as a batch plan over the ledgers' arrangements.</summary>
    public readonly ReturnBatchPlan[] Plans;

    /// <summary>Puts path <paramref name="draw"/> in lane <paramref name="lane"/>: its northbound migrants and its parameters.</summary>
    public void SetPath(FlowModel model, int lane, PathDraw draw)
    {
        model.Northbound(draw, PathNorthbound);
        var days = model.Days;
        for (var t = 0; t < days; t++)
        {
            Northbound[(t * Lanes) + lane] = PathNorthbound[t];
        }

        var v = draw.Values;
        var capacity = v[ParameterIndex.Of(ModelParameters.Appointments)];
        NotStopped[lane] = 1 - v[ParameterIndex.Of(ModelParameters.MexicoEnforcement)];
        Deterrence[lane] = v[ParameterIndex.Of(ModelParameters.DeterrenceEffect)];
        Lag[lane] = (int)v[ParameterIndex.Of(ModelParameters.DeterrenceLag)];
        Displacement[lane] = v[ParameterIndex.Of(ModelParameters.DisplacementShare)];
        Capacity[lane] = capacity;
        BaseUse[lane] = v[ParameterIndex.Of(ModelParameters.AppointmentBaselineUse)] * capacity;
        Unscheduled[lane] = v[ParameterIndex.Of(ModelParameters.UnscheduledPoe)];
        Reencounter[lane] = v[ParameterIndex.Of(ModelParameters.ReencounterShare)];
        Leave[lane] = 1 / v[ParameterIndex.Of(ModelParameters.ReencounterDelay)];
        Draws[lane] = draw;
    }
}

/// <summary>
/// The flow model (<see cref="FlowModel"/>, docs/simulation.md §Model) for a block of paths at once: each day, the
/// statuses of every lane from the engine's lane replay (<see cref="LaneSuspensionReplay"/>), the flows of every lane
/// in vectors (re-attempts, Mexico's enforcement, deterrence, displacement, whole people), the lanes' counts back to the
/// replay, and on a batch's last day each lane's batch through the same screening weights and the same ledger call as
/// the scalar model (<see cref="FlowModel.CloseBatch"/>). Each lane gets exactly the numbers the scalar model gives its
/// path: every lane takes the same multiplies and adds in the same order (no fused multiply-add), and whole people
/// are rounded half to even as <see cref="Math.Round(double)"/> does.
/// </summary>
internal static class LaneFlowModel
{
    /// <summary>1.5 × 2^52: added to a double in [−2^51, 2^51] it leaves the nearest integer (ties to even) in the low bits.</summary>
    private const double Magic = 6755399441055744.0;

    /// <summary>
    /// Runs lanes 0 to <paramref name="n"/> − 1 (paths set with <see cref="LaneWorkspace.SetPath"/>, weights in
    /// <see cref="LaneWorkspace.Weights"/>) under <paramref name="policy"/>, into <see cref="LaneWorkspace.Outcomes"/>,
    /// the monthly figures and (with <paramref name="keepDaily"/>) the 7-day averages.
    /// </summary>
    public static void Run(FlowModel model, PolicyContext policy, LaneWorkspace ws, int n, bool keepDaily)
    {
        var replay = ws.Replays[policy.Index];
        var plan = ws.Plans[policy.Index];
        var lanes = ws.Lanes;
        var days = model.Days;
        var warmUp = model.WarmUp;
        var cells = ws.Cells;
        var kindCount = policy.LedgerKinds.Length;
        replay.Reset(n);
        Array.Clear(ws.Sums);
        for (var l = 0; l < n; l++)
        {
            ws.Ledgers[l].Clear();
            Array.Clear(ws.Carry[l]);
            Array.Clear(ws.MonthlyUnderArrangement[l]);
            Array.Clear(ws.MonthlyOverflow[l]);
            ws.Seen[l] = 0;
            ws.Pool[l] = 0;
            ws.Totals[l] = default;
            ws.Outcomes[l] = default;
        }

        var shares = new DayShares
        {
            CoastalShare = model.CoastalShare,
            NotCoastal = 1 - model.CoastalShare,
            UcBetweenShare = policy.Table.UcNoncontiguousShare[0],
            UcCoastalShare = policy.Table.UcNoncontiguousShare[1],
            UcAppointmentShare = policy.Table.UcNoncontiguousShare[2],
            UcUnscheduledShare = policy.Table.UcNoncontiguousShare[3],
        };
        var dayEnds = policy.DayEnds;
        for (var t = 0; t < days; t++)
        {
            var row = t * lanes;
            var status = ws.Status.AsSpan(row, n);
            replay.OpenDay(status);
            for (var l = 0; l < n; l++)
            {
                // Deterrence reads the lane's status lag days ago (today's when the lag is 0).
                var lag = ws.Lag[l];
                ws.DeterredMask[l] = t >= lag && ws.Status[((t - lag) * lanes) + l] == DayStatus.Active ? -1 : 0;
            }

            Flows(ws, row, n, in shares);
            var sums = ws.Sums;
            for (var l = 0; l < n; l++)
            {
                var s = (int)status[l];
                var cell = (l * cells) + (4 * s);
                ws.Seen[l] |= 1 << s;
                sums[cell] += ws.FlowBetween[l];
                sums[cell + 1] += ws.FlowCoastal[l];
                sums[cell + 2] += ws.FlowAppointments[l];
                sums[cell + 3] += ws.Unscheduled[l];
            }

            replay.CloseDay(ws.Between.AsSpan(row, n), ws.Coastal.AsSpan(row, n), ws.Ports.AsSpan(row, n), ws.UcBetween.AsSpan(row, n), ws.UcPorts.AsSpan(row, n));
            var end = dayEnds[t];
            if (end != 0)
            {
                EndOfDay(model, ws, plan, t, end, n, kindCount, t >= warmUp);
            }
        }

        HorizonSums(model, ws, replay, n, keepDaily);
        for (var l = 0; l < n; l++)
        {
            ref var o = ref ws.Outcomes[l];
            FlowModel.Finish(in ws.Totals[l], ref o);
            model.Summarise(replay.Transitions(l), ws.MonthlyUnderArrangement[l], ws.MonthlyOverflow[l], ws.MonthlyUnderCaps[l], ref o);
        }
    }

    /// <summary>The shares of a policy's day that are the same in every lane.</summary>
    private struct DayShares
    {
        public double CoastalShare;
        public double NotCoastal;
        public double UcBetweenShare;
        public double UcCoastalShare;
        public double UcAppointmentShare;
        public double UcUnscheduledShare;
    }

    /// <summary>
    /// The day's flows in every lane, a vector of lanes at a time, then the rest one lane at a time: the scalar model's
    /// day (<see cref="FlowModel"/>'s day step) with the same operations in the same order.
    /// </summary>
    private static void Flows(LaneWorkspace ws, int row, int n, in DayShares shares)
    {
        var k = 0;
        if (ws.Width == 8)
        {
            for (; k + 8 <= n; k += 8)
            {
                Flows512(ws, row, k, in shares);
            }
        }
        else if (ws.Width == 4)
        {
            for (; k + 4 <= n; k += 4)
            {
                Flows256(ws, row, k, in shares);
            }
        }

        for (; k < n; k++)
        {
            FlowsScalar(ws, row, k, in shares);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FlowsScalar(LaneWorkspace ws, int row, int l, in DayShares sh)
    {
        unchecked
        {
            var pool = ws.Pool[l];
            var again = pool * ws.Leave[l];
            ws.Pool[l] = pool - again;
            var attempts = (ws.Northbound[row + l] * ws.NotStopped[l]) + again;
            var deterred = ws.DeterredMask[l] != 0 ? ws.Deterrence[l] * attempts : 0;
            var crossing = attempts - deterred;
            var flowBetween = crossing * sh.NotCoastal;
            var flowCoastal = crossing * sh.CoastalShare;
            var capacity = ws.Capacity[l];
            var unscheduled = ws.Unscheduled[l];
            var flowAppointments = Math.Min(capacity, ws.BaseUse[l] + (ws.Displacement[l] * deterred));
            if (!(attempts + capacity + unscheduled <= int.MaxValue))
            {
                throw FlowModel.OutOfRange("a day's attempts", attempts);
            }

            ws.Between[row + l] = FlowModel.People(flowBetween);
            ws.Coastal[row + l] = FlowModel.People(flowCoastal);
            ws.Ports[row + l] = FlowModel.People(flowAppointments + unscheduled);
            ws.UcBetween[row + l] = FlowModel.People((flowBetween * sh.UcBetweenShare) + (flowCoastal * sh.UcCoastalShare));
            ws.UcPorts[row + l] = FlowModel.People((flowAppointments * sh.UcAppointmentShare) + (unscheduled * sh.UcUnscheduledShare));
            ws.FlowBetween[l] = flowBetween;
            ws.FlowCoastal[l] = flowCoastal;
            ws.FlowAppointments[l] = flowAppointments;
        }
    }

    private static void Flows256(LaneWorkspace ws, int row, int k, in DayShares sh)
    {
        const int W = 4;
        var pool = Vector256.Create(ws.Pool.AsSpan(k, W));
        var again = pool * Vector256.Create(ws.Leave.AsSpan(k, W));
        (pool - again).CopyTo(ws.Pool.AsSpan(k, W));
        var attempts = (Vector256.Create(ws.Northbound.AsSpan(row + k, W)) * Vector256.Create(ws.NotStopped.AsSpan(k, W))) + again;
        var deterred = Vector256.ConditionalSelect(Vector256.Create(ws.DeterredMask.AsSpan(k, W)).AsDouble(), Vector256.Create(ws.Deterrence.AsSpan(k, W)) * attempts, Vector256<double>.Zero);
        var crossing = attempts - deterred;
        var flowBetween = crossing * Vector256.Create(sh.NotCoastal);
        var flowCoastal = crossing * Vector256.Create(sh.CoastalShare);
        var capacity = Vector256.Create(ws.Capacity.AsSpan(k, W));
        var unscheduled = Vector256.Create(ws.Unscheduled.AsSpan(k, W));
        var flowAppointments = Vector256.Min(capacity, Vector256.Create(ws.BaseUse.AsSpan(k, W)) + (Vector256.Create(ws.Displacement.AsSpan(k, W)) * deterred));
        var bound = attempts + capacity + unscheduled;
        if (!Vector256.LessThanOrEqualAll(bound, Vector256.Create((double)int.MaxValue)))
        {
            // The scalar model's error, for the first lane at fault (NaN fails the test too).
            for (var l = 0; l < W; l++)
            {
                if (!(bound[l] <= int.MaxValue))
                {
                    throw FlowModel.OutOfRange("a day's attempts", attempts[l]);
                }
            }
        }

        Whole256(flowBetween).CopyTo(ws.Between.AsSpan(row + k, W));
        Whole256(flowCoastal).CopyTo(ws.Coastal.AsSpan(row + k, W));
        Whole256(flowAppointments + unscheduled).CopyTo(ws.Ports.AsSpan(row + k, W));
        Whole256((flowBetween * Vector256.Create(sh.UcBetweenShare)) + (flowCoastal * Vector256.Create(sh.UcCoastalShare))).CopyTo(ws.UcBetween.AsSpan(row + k, W));
        Whole256((flowAppointments * Vector256.Create(sh.UcAppointmentShare)) + (unscheduled * Vector256.Create(sh.UcUnscheduledShare))).CopyTo(ws.UcPorts.AsSpan(row + k, W));
        flowBetween.CopyTo(ws.FlowBetween.AsSpan(k, W));
        flowCoastal.CopyTo(ws.FlowCoastal.AsSpan(k, W));
        flowAppointments.CopyTo(ws.FlowAppointments.AsSpan(k, W));
    }

    private static void Flows512(LaneWorkspace ws, int row, int k, in DayShares sh)
    {
        const int W = 8;
        var pool = Vector512.Create(ws.Pool.AsSpan(k, W));
        var again = pool * Vector512.Create(ws.Leave.AsSpan(k, W));
        (pool - again).CopyTo(ws.Pool.AsSpan(k, W));
        var attempts = (Vector512.Create(ws.Northbound.AsSpan(row + k, W)) * Vector512.Create(ws.NotStopped.AsSpan(k, W))) + again;
        var deterred = Vector512.ConditionalSelect(Vector512.Create(ws.DeterredMask.AsSpan(k, W)).AsDouble(), Vector512.Create(ws.Deterrence.AsSpan(k, W)) * attempts, Vector512<double>.Zero);
        var crossing = attempts - deterred;
        var flowBetween = crossing * Vector512.Create(sh.NotCoastal);
        var flowCoastal = crossing * Vector512.Create(sh.CoastalShare);
        var capacity = Vector512.Create(ws.Capacity.AsSpan(k, W));
        var unscheduled = Vector512.Create(ws.Unscheduled.AsSpan(k, W));
        var flowAppointments = Vector512.Min(capacity, Vector512.Create(ws.BaseUse.AsSpan(k, W)) + (Vector512.Create(ws.Displacement.AsSpan(k, W)) * deterred));
        var bound = attempts + capacity + unscheduled;
        if (!Vector512.LessThanOrEqualAll(bound, Vector512.Create((double)int.MaxValue)))
        {
            // The scalar model's error, for the first lane at fault (NaN fails the test too).
            for (var l = 0; l < W; l++)
            {
                if (!(bound[l] <= int.MaxValue))
                {
                    throw FlowModel.OutOfRange("a day's attempts", attempts[l]);
                }
            }
        }

        Whole512(flowBetween).CopyTo(ws.Between.AsSpan(row + k, W));
        Whole512(flowCoastal).CopyTo(ws.Coastal.AsSpan(row + k, W));
        Whole512(flowAppointments + unscheduled).CopyTo(ws.Ports.AsSpan(row + k, W));
        Whole512((flowBetween * Vector512.Create(sh.UcBetweenShare)) + (flowCoastal * Vector512.Create(sh.UcCoastalShare))).CopyTo(ws.UcBetween.AsSpan(row + k, W));
        Whole512((flowAppointments * Vector512.Create(sh.UcAppointmentShare)) + (unscheduled * Vector512.Create(sh.UcUnscheduledShare))).CopyTo(ws.UcPorts.AsSpan(row + k, W));
        flowBetween.CopyTo(ws.FlowBetween.AsSpan(k, W));
        flowCoastal.CopyTo(ws.FlowCoastal.AsSpan(k, W));
        flowAppointments.CopyTo(ws.FlowAppointments.AsSpan(k, W));
    }

    /// <summary>
    /// Whole people, lane by lane: <see cref="FlowModel.People"/> (round half to even, then the int) for flows already
    /// checked to lie in [0, int.MaxValue]: adding 1.5 × 2^52 rounds to the integer, which sits in the low bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Whole256(Vector256<double> flow)
    {
        var whole = (flow + Vector256.Create(Magic)).AsInt64() - Vector256.Create(Magic).AsInt64();
        return Vector256.Narrow(whole, whole).GetLower();
    }

    /// <inheritdoc cref="Whole256"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Whole512(Vector512<double> flow)
    {
        var whole = (flow + Vector512.Create(Magic)).AsInt64() - Vector512.Create(Magic).AsInt64();
        return Vector512.Narrow(whole, whole).GetLower();
    }

    /// <summary>
    /// The day ends the screening regime or a removal batch (the same day in every lane): each lane's batch through the
    /// scalar model's own code, its ledger call included, and its returns to the re-attempt pool.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void EndOfDay(FlowModel model, LaneWorkspace ws, ReturnBatchPlan plan, int t, byte end, int n, int kindCount, bool inHorizon)
    {
        var cells = ws.Cells;
        for (var l = 0; l < n; l++)
        {
            var weights = ws.Weights[l]!;
            var sums = ws.Sums.AsSpan(l * cells, cells);
            if (end == FlowModel.RegimeEnd)
            {
                FlowModel.ApplyWeights(weights, weights.RegimeOf(t), sums, ws.Seen[l], ws.Carry[l], inHorizon, ref ws.Totals[l]);
            }
            else
            {
                var batch = new FlowModel.BatchSpace(ws.Ledgers[l], ws.Carry[l], ws.BatchCounts, ws.MonthlyUnderArrangement[l], ws.MonthlyOverflow[l]);
                ws.Pool[l] += model.CloseBatch(in batch, plan, weights, weights.RegimeOf(t), sums, ws.Seen[l], t, inHorizon, kindCount, ws.Reencounter[l], ref ws.Totals[l], ref ws.Outcomes[l]);
            }

            ws.Seen[l] = 0;
        }
    }

    /// <summary>
    /// Every lane's horizon encounters (in all and by month), days active and at the cap, and with
    /// <paramref name="averages"/> the 7-day average of its own count each horizon day (as the scalar model's
    /// HorizonSums: integer sums, exact in any order), a row of lanes a day.
    /// </summary>
    private static void HorizonSums(FlowModel model, LaneWorkspace ws, LaneSuspensionReplay replay, int n, bool averages)
    {
        var lanes = ws.Lanes;
        var days = model.Days;
        var warmUp = model.WarmUp;
        var month = model.MonthOfDay;
        Span<long> between = stackalloc long[n];
        Span<long> ports = stackalloc long[n];
        Span<int> active = stackalloc int[n];
        Span<int> capped = stackalloc int[n];
        Span<long> sum7 = stackalloc long[n];
        between.Clear();
        ports.Clear();
        active.Clear();
        capped.Clear();
        sum7.Clear();
        for (var l = 0; l < n; l++)
        {
            Array.Clear(ws.MonthlyBetweenPorts[l]);
        }

        unchecked
        {
            for (var t = warmUp - 6; t < warmUp; t++)
            {
                var counted = replay.CountedOnDay(t);
                for (var l = 0; l < n; l++)
                {
                    sum7[l] += counted[l];
                }
            }

            for (var t = warmUp; t < days; t++)
            {
                var row = t * lanes;
                var b = ws.Between.AsSpan(row, n);
                var c = ws.Coastal.AsSpan(row, n);
                var p = ws.Ports.AsSpan(row, n);
                var status = ws.Status.AsSpan(row, n);
                var m = month[t];
                for (var l = 0; l < n; l++)
                {
                    between[l] += b[l] + (long)c[l];
                    ports[l] += p[l];
                    ws.MonthlyBetweenPorts[l][m] += b[l];
                    active[l] += status[l] == DayStatus.Active ? 1 : 0;
                    capped[l] += status[l] == DayStatus.CapReached ? 1 : 0;
                }

                if (averages)
                {
                    var counted = replay.CountedOnDay(t);
                    var leaving = replay.CountedOnDay(t - 6);
                    for (var l = 0; l < n; l++)
                    {
                        var s = sum7[l] + counted[l];
                        ws.Average7[l][t] = s / 7.0;
                        sum7[l] = s - leaving[l];
                    }
                }
            }
        }

        for (var l = 0; l < n; l++)
        {
            ref var o = ref ws.Outcomes[l];
            o.EncountersBetweenPorts = between[l];
            o.EncountersPorts = ports[l];
            o.DaysActive = active[l];
            o.CapBindingDays = capped[l];
        }
    }

    /// <summary>The engine's timeline of lane <paramref name="l"/> just run under <paramref name="policy"/>, over copies of its counts.</summary>
    public static SuspensionTimeline Timeline(FlowModel model, PolicyContext policy, LaneWorkspace ws, int l)
    {
        var days = model.Days;
        int[] Column(int[] soa)
        {
            var column = new int[days];
            for (var t = 0; t < days; t++)
            {
                column[t] = soa[(t * ws.Lanes) + l];
            }

            return column;
        }

        var series = new EncounterSeries(
            "simulated path (MODELED)",
            model.First,
            days,
            new Dictionary<EncounterColumn, int[]>
            {
                [EncounterColumn.BetweenPorts] = Column(ws.Between),
                [EncounterColumn.Coastal] = Column(ws.Coastal),
                [EncounterColumn.PortsOfEntry] = Column(ws.Ports),
                [EncounterColumn.UcNoncontiguousBetweenPorts] = Column(ws.UcBetween),
                [EncounterColumn.UcNoncontiguousPorts] = Column(ws.UcPorts),
            },
            null,
            ["modeled: scenario simulator path"]);
        return ws.Replays[policy.Index].ToTimeline(l, series);
    }
}
