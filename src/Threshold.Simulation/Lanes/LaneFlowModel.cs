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

    /// <summary>The longest deterrence lag <see cref="ActiveHistory"/> holds; a block with a longer one reads the statuses instead.</summary>
    public const int MaxHistoryLag = 63;

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

    /// <summary>Each lane's open batch by (status, flow): [lane × <see cref="Cells"/> + 4 × status + flow].</summary>
    public readonly double[] Sums;

    // The open batch's flows so far under the lane's status of today (the cell of Sums at CurrentCell, held here so a
    // day adds to it without knowing the status; moved to and from Sums only when the lane's status changes or the
    // batch closes, so each cell takes the same adds in the same order as the scalar model's).
    public readonly double[] AccBetween = new double[LaneSuspensionReplay.MaxLanes];
    public readonly double[] AccCoastal = new double[LaneSuspensionReplay.MaxLanes];
    public readonly double[] AccAppointments = new double[LaneSuspensionReplay.MaxLanes];
    public readonly double[] AccUnscheduled = new double[LaneSuspensionReplay.MaxLanes];

    /// <summary>The lane's cell of <see cref="Sums"/> for today's status (4 × status), set on the first day of a run.</summary>
    public readonly int[] CurrentCell = new int[LaneSuspensionReplay.MaxLanes];

    /// <summary>Bit s set when the lane had status s on a day of its open batch (or at its start: a status with no day there has zero sums, which are skipped).</summary>
    public readonly int[] Seen = new int[LaneSuspensionReplay.MaxLanes];

    /// <summary>1 while the lane's status is Active, else 0.</summary>
    public readonly long[] ActiveBit = new long[LaneSuspensionReplay.MaxLanes];

    /// <summary>1 while the lane's status is CapReached, else 0.</summary>
    public readonly long[] CappedBit = new long[LaneSuspensionReplay.MaxLanes];

    /// <summary>Bit d set when the lane was Active d days ago (bit 0 today): the deterrence lag read as a mask (lags up to 63).</summary>
    public readonly long[] ActiveHistory = new long[LaneSuspensionReplay.MaxLanes];

    /// <summary>1 &lt;&lt; the lane's deterrence lag (lags up to 63; 0 otherwise).</summary>
    public readonly long[] LagBit = new long[LaneSuspensionReplay.MaxLanes];

    // The horizon's sums, one element a lane (HorizonSums of the scalar model, folded into the day loop).
    public readonly long[] TotalBetween = new long[LaneSuspensionReplay.MaxLanes];
    public readonly long[] TotalPorts = new long[LaneSuspensionReplay.MaxLanes];
    public readonly long[] MonthBetween = new long[LaneSuspensionReplay.MaxLanes];
    public readonly long[] DaysActive = new long[LaneSuspensionReplay.MaxLanes];
    public readonly long[] DaysCapped = new long[LaneSuspensionReplay.MaxLanes];
    public readonly long[] Sum7 = new long[LaneSuspensionReplay.MaxLanes];

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
        var lag = (int)v[ParameterIndex.Of(ModelParameters.DeterrenceLag)];
        Lag[lane] = lag;
        LagBit[lane] = lag <= MaxHistoryLag ? 1L << lag : 0;
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
        var kindCount = policy.LedgerKinds.Length;
        replay.Reset(n);
        Array.Clear(ws.Sums);
        var longLag = false;
        for (var l = 0; l < n; l++)
        {
            ws.Ledgers[l].Clear();
            Array.Clear(ws.Carry[l]);
            Array.Clear(ws.MonthlyUnderArrangement[l]);
            Array.Clear(ws.MonthlyOverflow[l]);
            Array.Clear(ws.MonthlyBetweenPorts[l]);
            ws.Pool[l] = 0;
            ws.Totals[l] = default;
            ws.Outcomes[l] = default;
            longLag |= ws.Lag[l] > LaneWorkspace.MaxHistoryLag;
        }

        Clear(ws.AccBetween, ws.AccCoastal, ws.AccAppointments, ws.AccUnscheduled);
        Clear(ws.ActiveHistory, ws.TotalBetween, ws.TotalPorts, ws.MonthBetween, ws.DaysActive, ws.DaysCapped, ws.Sum7);

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
        var month = model.MonthOfDay;
        var currentMonth = warmUp < days ? month[warmUp] : 0;
        for (var t = 0; t < days; t++)
        {
            var row = t * lanes;
            var status = ws.Status.AsSpan(row, n);
            replay.OpenDay(status);
            if (t == 0 || !status.SequenceEqual(ws.Status.AsSpan(row - lanes, n)))
            {
                StatusChanged(ws, status, t == 0);
            }

            if (longLag)
            {
                DeterredFromStatuses(ws, t, n);
            }
            else
            {
                DeterredFromHistory(ws, n);
            }

            var inHorizon = t >= warmUp;
            if (inHorizon && month[t] != currentMonth)
            {
                EndMonth(ws, currentMonth, n);
                currentMonth = month[t];
            }

            Flows(ws, row, n, in shares, inHorizon);
            replay.CloseDay(ws.Between.AsSpan(row, n), ws.Coastal.AsSpan(row, n), ws.Ports.AsSpan(row, n), ws.UcBetween.AsSpan(row, n), ws.UcPorts.AsSpan(row, n));
            if (keepDaily && t >= warmUp - 6)
            {
                Averages(ws, replay.CountedOnDay(t), t >= warmUp ? replay.CountedOnDay(t - 6) : default, t, n);
            }

            var end = dayEnds[t];
            if (end != 0)
            {
                EndOfDay(model, ws, plan, t, end, n, kindCount, inHorizon);
            }
        }

        if (warmUp < days)
        {
            EndMonth(ws, currentMonth, n);
        }

        for (var l = 0; l < n; l++)
        {
            ref var o = ref ws.Outcomes[l];
            o.EncountersBetweenPorts = ws.TotalBetween[l];
            o.EncountersPorts = ws.TotalPorts[l];
            o.DaysActive = (int)ws.DaysActive[l];
            o.CapBindingDays = (int)ws.DaysCapped[l];
            FlowModel.Finish(in ws.Totals[l], ref o);
            model.Summarise(replay.Transitions(l), ws.MonthlyUnderArrangement[l], ws.MonthlyOverflow[l], ws.MonthlyUnderCaps[l], ref o);
        }
    }

    private static void Clear<T>(params ReadOnlySpan<T[]> perLane)
    {
        foreach (var values in perLane)
        {
            Array.Clear(values);
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
    /// Some lane's status differs from yesterday's (or it is the first day): each such lane puts its open batch's sums
    /// under yesterday's status back in their cell and takes up today's cell, and its status bits follow.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void StatusChanged(LaneWorkspace ws, ReadOnlySpan<DayStatus> status, bool first)
    {
        var cells = ws.Cells;
        for (var l = 0; l < status.Length; l++)
        {
            var cell = 4 * (int)status[l];
            var old = ws.CurrentCell[l];
            if (!first && cell == old)
            {
                continue;
            }

            var sums = ws.Sums.AsSpan(l * cells, cells);
            if (!first)
            {
                (sums[old], sums[old + 1], sums[old + 2], sums[old + 3]) = (ws.AccBetween[l], ws.AccCoastal[l], ws.AccAppointments[l], ws.AccUnscheduled[l]);
            }

            (ws.AccBetween[l], ws.AccCoastal[l], ws.AccAppointments[l], ws.AccUnscheduled[l]) = (sums[cell], sums[cell + 1], sums[cell + 2], sums[cell + 3]);
            ws.CurrentCell[l] = cell;
            ws.Seen[l] = first ? 1 << (int)status[l] : ws.Seen[l] | (1 << (int)status[l]);
            ws.ActiveBit[l] = status[l] == DayStatus.Active ? 1 : 0;
            ws.CappedBit[l] = status[l] == DayStatus.CapReached ? 1 : 0;
        }
    }

    /// <summary>
    /// Deterrence reads the lane's status lag days ago (today's when the lag is 0): each lane's history of Active days
    /// moves on a day and the bit of its lag is the mask. Before day lag the bit is still clear, as the scalar model's
    /// <c>t ≥ lag</c>.
    /// </summary>
    private static void DeterredFromHistory(LaneWorkspace ws, int n)
    {
        var k = 0;
        if (ws.Width == 8)
        {
            for (; k + 8 <= n; k += 8)
            {
                var history = (Vector512.Create(ws.ActiveHistory.AsSpan(k, 8)) << 1) | Vector512.Create(ws.ActiveBit.AsSpan(k, 8));
                history.CopyTo(ws.ActiveHistory.AsSpan(k, 8));
                (~Vector512.Equals(history & Vector512.Create(ws.LagBit.AsSpan(k, 8)), Vector512<long>.Zero)).CopyTo(ws.DeterredMask.AsSpan(k, 8));
            }
        }
        else if (ws.Width == 4)
        {
            for (; k + 4 <= n; k += 4)
            {
                var history = (Vector256.Create(ws.ActiveHistory.AsSpan(k, 4)) << 1) | Vector256.Create(ws.ActiveBit.AsSpan(k, 4));
                history.CopyTo(ws.ActiveHistory.AsSpan(k, 4));
                (~Vector256.Equals(history & Vector256.Create(ws.LagBit.AsSpan(k, 4)), Vector256<long>.Zero)).CopyTo(ws.DeterredMask.AsSpan(k, 4));
            }
        }

        for (; k < n; k++)
        {
            var history = (ws.ActiveHistory[k] << 1) | ws.ActiveBit[k];
            ws.ActiveHistory[k] = history;
            ws.DeterredMask[k] = (history & ws.LagBit[k]) != 0 ? -1 : 0;
        }
    }

    /// <summary>The deterrence mask read from the statuses themselves (a block with a lag beyond <see cref="LaneWorkspace.MaxHistoryLag"/>).</summary>
    private static void DeterredFromStatuses(LaneWorkspace ws, int t, int n)
    {
        for (var l = 0; l < n; l++)
        {
            var lag = ws.Lag[l];
            ws.DeterredMask[l] = t >= lag && ws.Status[((t - lag) * ws.Lanes) + l] == DayStatus.Active ? -1 : 0;
        }
    }

    /// <summary>A horizon month's encounters between ports, lane by lane, into the monthly figures.</summary>
    private static void EndMonth(LaneWorkspace ws, int month, int n)
    {
        for (var l = 0; l < n; l++)
        {
            ws.MonthlyBetweenPorts[l][month] += ws.MonthBetween[l];
            ws.MonthBetween[l] = 0;
        }
    }

    /// <summary>
    /// Each lane's 7-day average of its own count on horizon day <paramref name="t"/> (as the scalar model's
    /// HorizonSums: integer sums, exact in any order); on the six days before the horizon, the window's first days.
    /// </summary>
    private static void Averages(LaneWorkspace ws, ReadOnlySpan<int> counted, ReadOnlySpan<int> leaving, int t, int n)
    {
        var sum7 = ws.Sum7;
        if (leaving.IsEmpty)
        {
            for (var l = 0; l < n; l++)
            {
                sum7[l] += counted[l];
            }

            return;
        }

        var k = 0;
        if (ws.Width == 8)
        {
            Span<double> averages = stackalloc double[8];
            for (; k + 8 <= n; k += 8)
            {
                // Integer sums, then each converted and divided as the scalar model does (same rounding, lane by lane).
                var s = Vector512.Create(sum7.AsSpan(k, 8)) + Widen(Vector256.Create(counted.Slice(k, 8)));
                (Vector512.ConvertToDouble(s) / Vector512.Create(7.0)).CopyTo(averages);
                (s - Widen(Vector256.Create(leaving.Slice(k, 8)))).CopyTo(sum7.AsSpan(k, 8));
                for (var j = 0; j < 8; j++)
                {
                    ws.Average7[k + j][t] = averages[j];
                }
            }
        }

        for (; k < n; k++)
        {
            var s = sum7[k] + counted[k];
            ws.Average7[k][t] = s / 7.0;
            sum7[k] = s - leaving[k];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<long> Widen(Vector256<int> v) => Vector512.Create(Vector256.WidenLower(v), Vector256.WidenUpper(v));

    /// <summary>
    /// The day's flows in every lane, a vector of lanes at a time, then the rest one lane at a time: the scalar model's
    /// day (<see cref="FlowModel"/>'s day step) with the same operations in the same order; the flows added to the open
    /// batch and, in the horizon, the counts to the horizon's sums.
    /// </summary>
    private static void Flows(LaneWorkspace ws, int row, int n, in DayShares shares, bool inHorizon)
    {
        var k = 0;
        if (ws.Width == 8)
        {
            for (; k + 8 <= n; k += 8)
            {
                Flows512(ws, row, k, in shares, inHorizon);
            }
        }
        else if (ws.Width == 4)
        {
            for (; k + 4 <= n; k += 4)
            {
                Flows256(ws, row, k, in shares, inHorizon);
            }
        }

        for (; k < n; k++)
        {
            FlowsScalar(ws, row, k, in shares, inHorizon);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FlowsScalar(LaneWorkspace ws, int row, int l, in DayShares sh, bool inHorizon)
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

            var b = ws.Between[row + l] = FlowModel.People(flowBetween);
            var c = ws.Coastal[row + l] = FlowModel.People(flowCoastal);
            var p = ws.Ports[row + l] = FlowModel.People(flowAppointments + unscheduled);
            ws.UcBetween[row + l] = FlowModel.People((flowBetween * sh.UcBetweenShare) + (flowCoastal * sh.UcCoastalShare));
            ws.UcPorts[row + l] = FlowModel.People((flowAppointments * sh.UcAppointmentShare) + (unscheduled * sh.UcUnscheduledShare));
            ws.AccBetween[l] += flowBetween;
            ws.AccCoastal[l] += flowCoastal;
            ws.AccAppointments[l] += flowAppointments;
            ws.AccUnscheduled[l] += unscheduled;
            if (inHorizon)
            {
                ws.TotalBetween[l] += b + (long)c;
                ws.TotalPorts[l] += p;
                ws.MonthBetween[l] += b;
                ws.DaysActive[l] += ws.ActiveBit[l];
                ws.DaysCapped[l] += ws.CappedBit[l];
            }
        }
    }

    private static void Flows256(LaneWorkspace ws, int row, int k, in DayShares sh, bool inHorizon)
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

        var b = Whole256(flowBetween);
        var c = Whole256(flowCoastal);
        var p = Whole256(flowAppointments + unscheduled);
        Vector256.Narrow(b, b).GetLower().CopyTo(ws.Between.AsSpan(row + k, W));
        Vector256.Narrow(c, c).GetLower().CopyTo(ws.Coastal.AsSpan(row + k, W));
        Vector256.Narrow(p, p).GetLower().CopyTo(ws.Ports.AsSpan(row + k, W));
        var ub = Whole256((flowBetween * Vector256.Create(sh.UcBetweenShare)) + (flowCoastal * Vector256.Create(sh.UcCoastalShare)));
        var up = Whole256((flowAppointments * Vector256.Create(sh.UcAppointmentShare)) + (unscheduled * Vector256.Create(sh.UcUnscheduledShare)));
        Vector256.Narrow(ub, ub).GetLower().CopyTo(ws.UcBetween.AsSpan(row + k, W));
        Vector256.Narrow(up, up).GetLower().CopyTo(ws.UcPorts.AsSpan(row + k, W));
        (Vector256.Create(ws.AccBetween.AsSpan(k, W)) + flowBetween).CopyTo(ws.AccBetween.AsSpan(k, W));
        (Vector256.Create(ws.AccCoastal.AsSpan(k, W)) + flowCoastal).CopyTo(ws.AccCoastal.AsSpan(k, W));
        (Vector256.Create(ws.AccAppointments.AsSpan(k, W)) + flowAppointments).CopyTo(ws.AccAppointments.AsSpan(k, W));
        (Vector256.Create(ws.AccUnscheduled.AsSpan(k, W)) + unscheduled).CopyTo(ws.AccUnscheduled.AsSpan(k, W));
        if (inHorizon)
        {
            (Vector256.Create(ws.TotalBetween.AsSpan(k, W)) + b + c).CopyTo(ws.TotalBetween.AsSpan(k, W));
            (Vector256.Create(ws.TotalPorts.AsSpan(k, W)) + p).CopyTo(ws.TotalPorts.AsSpan(k, W));
            (Vector256.Create(ws.MonthBetween.AsSpan(k, W)) + b).CopyTo(ws.MonthBetween.AsSpan(k, W));
            (Vector256.Create(ws.DaysActive.AsSpan(k, W)) + Vector256.Create(ws.ActiveBit.AsSpan(k, W))).CopyTo(ws.DaysActive.AsSpan(k, W));
            (Vector256.Create(ws.DaysCapped.AsSpan(k, W)) + Vector256.Create(ws.CappedBit.AsSpan(k, W))).CopyTo(ws.DaysCapped.AsSpan(k, W));
        }
    }

    private static void Flows512(LaneWorkspace ws, int row, int k, in DayShares sh, bool inHorizon)
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

        var b = Whole512(flowBetween);
        var c = Whole512(flowCoastal);
        var p = Whole512(flowAppointments + unscheduled);
        Vector512.Narrow(b, b).GetLower().CopyTo(ws.Between.AsSpan(row + k, W));
        Vector512.Narrow(c, c).GetLower().CopyTo(ws.Coastal.AsSpan(row + k, W));
        Vector512.Narrow(p, p).GetLower().CopyTo(ws.Ports.AsSpan(row + k, W));
        var ub = Whole512((flowBetween * Vector512.Create(sh.UcBetweenShare)) + (flowCoastal * Vector512.Create(sh.UcCoastalShare)));
        var up = Whole512((flowAppointments * Vector512.Create(sh.UcAppointmentShare)) + (unscheduled * Vector512.Create(sh.UcUnscheduledShare)));
        Vector512.Narrow(ub, ub).GetLower().CopyTo(ws.UcBetween.AsSpan(row + k, W));
        Vector512.Narrow(up, up).GetLower().CopyTo(ws.UcPorts.AsSpan(row + k, W));
        (Vector512.Create(ws.AccBetween.AsSpan(k, W)) + flowBetween).CopyTo(ws.AccBetween.AsSpan(k, W));
        (Vector512.Create(ws.AccCoastal.AsSpan(k, W)) + flowCoastal).CopyTo(ws.AccCoastal.AsSpan(k, W));
        (Vector512.Create(ws.AccAppointments.AsSpan(k, W)) + flowAppointments).CopyTo(ws.AccAppointments.AsSpan(k, W));
        (Vector512.Create(ws.AccUnscheduled.AsSpan(k, W)) + unscheduled).CopyTo(ws.AccUnscheduled.AsSpan(k, W));
        if (inHorizon)
        {
            (Vector512.Create(ws.TotalBetween.AsSpan(k, W)) + b + c).CopyTo(ws.TotalBetween.AsSpan(k, W));
            (Vector512.Create(ws.TotalPorts.AsSpan(k, W)) + p).CopyTo(ws.TotalPorts.AsSpan(k, W));
            (Vector512.Create(ws.MonthBetween.AsSpan(k, W)) + b).CopyTo(ws.MonthBetween.AsSpan(k, W));
            (Vector512.Create(ws.DaysActive.AsSpan(k, W)) + Vector512.Create(ws.ActiveBit.AsSpan(k, W))).CopyTo(ws.DaysActive.AsSpan(k, W));
            (Vector512.Create(ws.DaysCapped.AsSpan(k, W)) + Vector512.Create(ws.CappedBit.AsSpan(k, W))).CopyTo(ws.DaysCapped.AsSpan(k, W));
        }
    }

    /// <summary>
    /// Whole people, lane by lane: <see cref="FlowModel.People"/> (round half to even, then the int, here as a long)
    /// for flows already checked to lie in [0, int.MaxValue]: adding 1.5 × 2^52 rounds to the integer, which sits in
    /// the low bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<long> Whole256(Vector256<double> flow) =>
        (flow + Vector256.Create(Magic)).AsInt64() - Vector256.Create(Magic).AsInt64();

    /// <inheritdoc cref="Whole256"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<long> Whole512(Vector512<double> flow) =>
        (flow + Vector512.Create(Magic)).AsInt64() - Vector512.Create(Magic).AsInt64();

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
            var cell = ws.CurrentCell[l];
            (sums[cell], sums[cell + 1], sums[cell + 2], sums[cell + 3]) = (ws.AccBetween[l], ws.AccCoastal[l], ws.AccAppointments[l], ws.AccUnscheduled[l]);
            if (end == FlowModel.RegimeEnd)
            {
                FlowModel.ApplyWeights(weights, weights.RegimeOf(t), sums, ws.Seen[l], ws.Carry[l], inHorizon, ref ws.Totals[l]);
            }
            else
            {
                var batch = new FlowModel.BatchSpace(ws.Ledgers[l], ws.Carry[l], ws.BatchCounts, ws.MonthlyUnderArrangement[l], ws.MonthlyOverflow[l]);
                ws.Pool[l] += model.CloseBatch(in batch, plan, weights, weights.RegimeOf(t), sums, ws.Seen[l], t, inHorizon, kindCount, ws.Reencounter[l], ref ws.Totals[l], ref ws.Outcomes[l]);
            }

            // The weights cleared every cell they used; a cell they skipped was zero.
            (ws.AccBetween[l], ws.AccCoastal[l], ws.AccAppointments[l], ws.AccUnscheduled[l]) = (0, 0, 0, 0);
            ws.Seen[l] = 1 << (cell / 4);
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
