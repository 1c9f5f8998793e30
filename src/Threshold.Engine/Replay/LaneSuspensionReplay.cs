using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NodaTime;
using Threshold.Engine.Predicates;
using Threshold.Law;

namespace Threshold.Engine;

/// <summary>
/// The replay of many paths at once, day by day (the lane kernel of the scenario simulator): lane <c>l</c> is one path
/// with its own counts, and every lane gives exactly the statuses, determinations and transitions that
/// <see cref="DailySuspensionReplay.Run{TModel}"/> gives that path alone. Each day is two calls for all lanes:
/// <see cref="OpenDay"/> (the statuses) and <see cref="CloseDay"/> (the counts, and the determinations).
/// </summary>
/// <remarks>
/// <para>There is no second copy of the rules. The policy is compiled once (<see cref="CompiledPolicy"/>); each lane
/// carries the scalar kernel's own state, and every eventful day (a version switch, the sunset, an effect taking hold, a
/// new cap year, the cap, any determination) runs through the scalar kernel's own code for that lane. What runs across
/// lanes is the quiet stretch between events, the scalar fast path's loop: the window slides, the streak grows or
/// breaks, and one test (<see cref="ThresholdPredicates.StreakReached(Vector256{long}, Vector256{long})"/> or
/// <see cref="ThresholdPredicates.MayActivate(Vector256{long}, Vector256{long}, Vector256{long}, Vector256{long}, Vector256{long})"/>,
/// the lane forms of the named predicates) says whether the lane decides today. A lane enters and leaves that stretch
/// at the same days and with the same window as the scalar fast path, so the two kernels cannot drift.</para>
/// <para>Determinations and transitions are the scalar kernel's records, made only on the days that decide.</para>
/// <para>Mutable and not thread-safe: one instance per worker thread, reused with <see cref="Reset"/>. At most 64 lanes.</para>
/// </remarks>
public sealed class LaneSuspensionReplay
{
    /// <summary>Most lanes of one replay (a lane set is a 64-bit mask).</summary>
    public const int MaxLanes = 64;

    private readonly SuspensionReplay.ThresholdRun[] runs = [];
    private readonly SuspensionTimeline? supplied;
    private readonly Transition[] suppliedTransitions = [];
    private readonly CountMask[] masks;
    private readonly int[] dayRule;
    private readonly int[] versionRule;

    /// <summary>Each lane's count of each day under each counting rule: [lane][rule][day] (what the lane's kernel reads).</summary>
    /// <remarks>Copied from <see cref="rows"/> only when the lane's kernel is about to read them (<see cref="Fill"/>): a quiet stretch writes rows only.</remarks>
    private readonly int[][][] counted;

    /// <summary>Per lane, the days of <see cref="counted"/> copied from <see cref="rows"/> so far (days 0 to filled − 1).</summary>
    private readonly int[] filled;

    /// <summary>The same counts as rows of lanes: [rule][day × lanes + lane] (what the quiet stretches read, a vector at a time).</summary>
    private readonly int[][] rows;

    /// <summary>Each day's status in each lane: [day × lanes + lane].</summary>
    private readonly DayStatus[] statuses;

    // The quiet stretch of each lane in it (structure of arrays, one element a lane, so a vector is several lanes).
    private readonly FastSegment[] segments;
    private readonly long[] sum;
    private readonly long[] level;
    private readonly long[] streak;
    private readonly long[] streakDays;
    private readonly long[] activateSum;
    private readonly long[] singleDayBound;
    private readonly long[] discretionarySum;
    private readonly long[] deactivationMode;
    private readonly long[] activationMode;
    private readonly long[] limit;
    private readonly int[] entering;
    private readonly int[] leaving;
    private readonly int[] endOffset;
    private readonly int[] laneRule;
    private readonly int[] laneDays;
    private readonly long[] decided;
    private readonly long[] lastDay;
    private ulong fast;

    // The window's end offset (end = day + offset), counting rule and length shared by every lane in a quiet stretch
    // (the version in force is the same in every lane on a day), unless mixed: then each lane's counts are read alone.
    private int commonOffset;
    private int commonRule;
    private int commonDays;
    private bool mixed;
    private int day;
    private bool open;

    /// <summary>Prepares <paramref name="lanes"/> lanes of <paramref name="policy"/> over <paramref name="length"/> days from <paramref name="start"/>.</summary>
    /// <param name="vectorWidth">Lanes per vector operation: 8 (<see cref="Vector512"/>), 4 (<see cref="Vector256"/>) or 1 (scalar); null for the widest the machine accelerates. The results do not depend on it.</param>
    public LaneSuspensionReplay(CompiledPolicy policy, LocalDate start, int length, int lanes, int? vectorWidth = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(lanes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lanes, MaxLanes);
        Policy = policy;
        Start = start;
        Length = length;
        Lanes = lanes;
        VectorWidth = LaneWidth.Resolve(vectorWidth);
        var rules = policy.Versions.Select(v => v.Counting).Distinct().ToArray();
        masks = [.. rules.Select(r => r.Mask)];
        versionRule = [.. policy.Versions.Select(v => Array.IndexOf(rules, v.Counting))];
        dayRule = new int[length];
        for (var i = 0; i < length; i++)
        {
            dayRule[i] = Array.IndexOf(rules, policy.VersionOn(start.PlusDays(i)).Counting);
        }

        filled = new int[lanes];
        counted = new int[lanes][][];
        for (var l = 0; l < lanes; l++)
        {
            counted[l] = [.. rules.Select(_ => new int[length])];
        }

        statuses = new DayStatus[length * lanes];
        rows = [.. rules.Select(_ => new int[length * lanes])];
        segments = new FastSegment[lanes];
        sum = new long[lanes];
        level = new long[lanes];
        streak = new long[lanes];
        streakDays = new long[lanes];
        activateSum = new long[lanes];
        singleDayBound = new long[lanes];
        discretionarySum = new long[lanes];
        deactivationMode = new long[lanes];
        activationMode = new long[lanes];
        limit = new long[lanes];
        entering = new int[lanes];
        leaving = new int[lanes];
        endOffset = new int[lanes];
        laneRule = new int[lanes];
        laneDays = new int[lanes];
        decided = new long[lanes];
        lastDay = new long[lanes];
        if (policy.Policy.Mechanism == MechanismKind.EncounterThreshold)
        {
            runs = new SuspensionReplay.ThresholdRun[lanes];
            for (var l = 0; l < lanes; l++)
            {
                var own = counted[l];
                runs[l] = new SuspensionReplay.ThresholdRun(policy, start, length, rule => own[Array.IndexOf(rules, rule)], null);
            }
        }
        else
        {
            // Dated determinations do not read the counts: the statuses are known before the first day, in every lane.
            var zeros = EncounterColumns.All.ToDictionary(c => c, _ => new int[length]);
            supplied = SuspensionReplay.RunSupplied(policy, new EncounterSeries("supplied determinations", start, length, zeros, null, []));
            suppliedTransitions = supplied.Transitions.Where(t => !t.AfterSeriesEnd).ToArray();
        }

        ActiveLanes = lanes;
    }

    /// <summary>The policy replayed.</summary>
    public CompiledPolicy Policy { get; }

    /// <summary>Day index 0.</summary>
    public LocalDate Start { get; }

    /// <summary>Number of days.</summary>
    public int Length { get; }

    /// <summary>Lanes prepared.</summary>
    public int Lanes { get; }

    /// <summary>Lanes in use since the last <see cref="Reset"/> (lanes 0 to ActiveLanes − 1).</summary>
    public int ActiveLanes { get; private set; }

    /// <summary>Lanes per vector operation (1, 4 or 8).</summary>
    public int VectorWidth { get; }

    /// <summary>Lane-days closed across lanes in a quiet stretch (not through a lane's own kernel) since construction: how much of the work the lane path took.</summary>
    public long QuietLaneDays { get; private set; }

    /// <summary>Index of the next day to open.</summary>
    public int Day => day;

    /// <summary>Starts every lane again from the first day with the policy's initial state, <paramref name="activeLanes"/> of them in use.</summary>
    public void Reset(int activeLanes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(activeLanes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(activeLanes, Lanes);
        ActiveLanes = activeLanes;
        for (var l = 0; l < runs.Length && l < activeLanes; l++)
        {
            runs[l].Reset();
        }

        Array.Clear(filled);
        fast = 0;
        day = 0;
        open = false;
    }

    /// <summary>The statuses of day <see cref="Day"/> in each active lane, into <paramref name="status"/>; then call <see cref="CloseDay"/>.</summary>
    public void OpenDay(Span<DayStatus> status)
    {
        if (open || day >= Length)
        {
            throw new InvalidOperationException(open ? "day already open: close it first" : "every day has been replayed");
        }

        var n = ActiveLanes;
        var today = statuses.AsSpan(day * Lanes, n);
        status = status[..n];
        if (supplied is not null)
        {
            today.Fill(supplied.StatusOn(day));
        }
        else
        {
            // A lane in a quiet stretch keeps yesterday's status; any other opens the day in its own kernel.
            if (fast != 0)
            {
                statuses.AsSpan((day - 1) * Lanes, n).CopyTo(today);
            }

            for (var slow = LaneBits(n) & ~fast; slow != 0; slow &= slow - 1)
            {
                var l = BitOperations.TrailingZeroCount(slow);
                Fill(l, day);
                today[l] = runs[l].OpenDay(day);
            }
        }

        today.CopyTo(status);
        open = true;
    }

    /// <summary>
    /// The open day's counts in each active lane (people; lane l of each span) and the day's determinations. A count
    /// under a counting rule that overflows an int throws, as in <see cref="DailySuspensionReplay.CloseDay"/>.
    /// </summary>
    public void CloseDay(ReadOnlySpan<int> betweenPorts, ReadOnlySpan<int> coastal, ReadOnlySpan<int> portsOfEntry, ReadOnlySpan<int> ucNoncontiguousBetweenPorts, ReadOnlySpan<int> ucNoncontiguousPorts)
    {
        if (!open)
        {
            throw new InvalidOperationException("no day is open");
        }

        var i = day;
        var n = ActiveLanes;
        for (var r = 0; r < masks.Length; r++)
        {
            Count(masks[r], betweenPorts[..n], coastal[..n], portsOfEntry[..n], ucNoncontiguousBetweenPorts[..n], ucNoncontiguousPorts[..n], rows[r].AsSpan(i * Lanes, n));
        }

        if (supplied is null)
        {
            var wasFast = fast;
            if (wasFast != 0)
            {
                QuietLaneDays += BitOperations.PopCount(wasFast);
                StepQuiet(i, wasFast);
            }

            // The other lanes close the day in their own kernel, then perhaps begin a quiet stretch from tomorrow.
            var slow = LaneBits(n) & ~wasFast;
            for (; slow != 0; slow &= slow - 1)
            {
                var l = BitOperations.TrailingZeroCount(slow);
                var run = runs[l];
                Fill(l, i + 1);
                run.CloseDay(i);
                if (run.CanFastForward(i))
                {
                    Enter(l, i, run.BeginFast(i, Length));
                }
            }
        }

        open = false;
        day = i + 1;
    }

    /// <summary>Lane <paramref name="lane"/>'s count on day <paramref name="i"/> under the counting rule of the version in force that day.</summary>
    public int CountedOnDay(int i, int lane) => rows[dayRule[i]][(i * Lanes) + lane];

    /// <summary>Every active lane's count on a closed day <paramref name="i"/> under the counting rule of the version in force that day.</summary>
    public ReadOnlySpan<int> CountedOnDay(int i) => rows[dayRule[i]].AsSpan(i * Lanes, ActiveLanes);

    /// <summary>Every active lane's status on an opened day <paramref name="i"/>.</summary>
    public ReadOnlySpan<DayStatus> StatusesOn(int i) => statuses.AsSpan(i * Lanes, ActiveLanes);

    private static ulong LaneBits(int n) => n == 64 ? ulong.MaxValue : (1UL << n) - 1;

    /// <summary>
    /// Copies lane <paramref name="l"/>'s counts of the days before <paramref name="days"/> not yet copied from the rows
    /// into the arrays its kernel reads. A lane's kernel reads only days already closed, and only when it runs (a day
    /// outside a quiet stretch, or the end of one), so the copy is made then: once per stretch, not once per day.
    /// </summary>
    private void Fill(int l, int days)
    {
        var from = filled[l];
        if (from >= days)
        {
            return;
        }

        var own = counted[l];
        for (var r = 0; r < own.Length; r++)
        {
            var row = rows[r];
            var into = own[r];
            for (var d = from; d < days; d++)
            {
                into[d] = row[(d * Lanes) + l];
            }
        }

        filled[l] = days;
    }

    /// <summary>
    /// Each lane's count under a counting rule (<see cref="CountMask.Count"/>: the included columns added, the excluded
    /// children subtracted, in column order, each step checked), several lanes at a time; a group in which any step
    /// overflows goes through the scalar count, which throws.
    /// </summary>
    private void Count(CountMask mask, ReadOnlySpan<int> b, ReadOnlySpan<int> c, ReadOnlySpan<int> p, ReadOnlySpan<int> ub, ReadOnlySpan<int> up, Span<int> into)
    {
        var k = 0;
        if (VectorWidth > 1)
        {
            var (mb, mc, mp, mub, mup) = (Vector256.Create(mask.BetweenPorts), Vector256.Create(mask.Coastal), Vector256.Create(mask.PortsOfEntry), Vector256.Create(mask.UcNoncontiguousBetweenPorts), Vector256.Create(mask.UcNoncontiguousPorts));
            for (; k + 8 <= into.Length; k += 8)
            {
                var x = Vector256.Create(b.Slice(k, 8)) & mb;
                var y = Vector256.Create(c.Slice(k, 8)) & mc;
                var s1 = x + y;
                // Signed overflow of a + b: the sum's sign differs from both operands'; of a − b: from a's, and a and b differ.
                var overflow = (x ^ s1) & (y ^ s1);
                var z = Vector256.Create(p.Slice(k, 8)) & mp;
                var s2 = s1 + z;
                overflow |= (s1 ^ s2) & (z ^ s2);
                var u = Vector256.Create(ub.Slice(k, 8)) & mub;
                var s3 = s2 - u;
                overflow |= (s2 ^ u) & (s2 ^ s3);
                var v = Vector256.Create(up.Slice(k, 8)) & mup;
                var s4 = s3 - v;
                overflow |= (s3 ^ v) & (s3 ^ s4);
                if (Vector256.LessThanAny(overflow, Vector256<int>.Zero))
                {
                    break;
                }

                s4.CopyTo(into.Slice(k, 8));
            }
        }

        for (; k < into.Length; k++)
        {
            into[k] = mask.Count(b[k], c[k], p[k], ub[k], up[k]);
        }
    }

    /// <summary>Lane <paramref name="lane"/>'s status on an opened day <paramref name="i"/>.</summary>
    public DayStatus StatusOn(int i, int lane) => statuses[(i * Lanes) + lane];

    /// <summary>Lane <paramref name="lane"/>'s determinations so far (for dated determinations, all of them from the start).</summary>
    public IReadOnlyList<Determination> Determinations(int lane) => supplied?.Determinations ?? runs[lane].Determinations;

    /// <summary>Lane <paramref name="lane"/>'s transitions that took effect so far, within the days.</summary>
    public IReadOnlyList<Transition> Transitions(int lane) => supplied is not null ? suppliedTransitions : runs[lane].Transitions;

    /// <summary>
    /// Lane <paramref name="lane"/>'s timeline once every day is closed, as <see cref="SuspensionReplay.Run(CompiledPolicy, EncounterSeries)"/>
    /// gives it; <paramref name="series"/> must hold the counts that lane was fed.
    /// </summary>
    public SuspensionTimeline ToTimeline(int lane, EncounterSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(lane, ActiveLanes);
        if (day != Length || series.Length != Length || series.Start != Start)
        {
            throw new InvalidOperationException("the timeline needs every day closed and a series of the same days");
        }

        if (supplied is not null)
        {
            return SuspensionReplay.RunSupplied(Policy, series);
        }

        var status = new DayStatus[Length];
        for (var i = 0; i < Length; i++)
        {
            status[i] = StatusOn(i, lane);
        }

        return runs[lane].Finish(series, status);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<long> Widen(Vector256<int> v) => Vector512.Create(Vector256.WidenLower(v), Vector256.WidenUpper(v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<long> Widen(Vector128<int> v) => Vector256.Create(Vector128.WidenLower(v), Vector128.WidenUpper(v));

    /// <summary>
    /// Lane <paramref name="l"/> begins the quiet stretch its kernel fixed after day <paramref name="i"/> (as the scalar
    /// fast path would), unless it is empty.
    /// </summary>
    private void Enter(int l, int i, FastSegment segment)
    {
        if (segment.Limit <= i + 1)
        {
            // The scalar fast path would run no day: nothing to do.
            return;
        }

        segments[l] = segment;
        var rule = versionRule[runs[l].VersionIndex];
        var offset = segment.End - i;
        (endOffset[l], laneRule[l], laneDays[l]) = (offset, rule, segment.WindowDays);
        if (fast == 0)
        {
            (commonOffset, commonRule, commonDays, mixed) = (offset, rule, segment.WindowDays, false);
        }
        else if (offset != commonOffset || rule != commonRule || segment.WindowDays != commonDays)
        {
            mixed = true;
        }

        var (deactivation, activation) = (segment.Mode == FastMode.Deactivation, segment.Mode == FastMode.Activation);
        sum[l] = segment.Sum;
        level[l] = segment.LevelSum;
        streak[l] = segment.Streak;
        streakDays[l] = segment.StreakDays;
        activateSum[l] = segment.ActivateSum;
        singleDayBound[l] = segment.SingleDayBound;
        discretionarySum[l] = segment.DiscretionarySum;
        deactivationMode[l] = deactivation ? -1 : 0;
        activationMode[l] = activation ? -1 : 0;
        limit[l] = segment.Limit;
        fast |= 1UL << l;
    }

    /// <summary>
    /// Day <paramref name="i"/> in every lane of a quiet stretch (<paramref name="lanes"/>): each window slides one day,
    /// then the lane forms of the predicates give the streak and whether the lane decides today; a lane that decides, or
    /// whose stretch ends tomorrow, goes back to its kernel (<see cref="SuspensionReplay.ThresholdRun.EndFast"/>).
    /// </summary>
    private void StepQuiet(int i, ulong lanes)
    {
        // Each lane's entering and leaving counts: the window's end moves on one day. Usually every lane's window ends
        // on the same day under the same rule, so they are two rows of counts.
        var n = 64 - BitOperations.LeadingZeroCount(lanes);
        ReadOnlySpan<int> enter = entering, leave = leaving;
        if (!mixed)
        {
            var end = i + commonOffset;
            var row = rows[commonRule];
            enter = row.AsSpan(end * Lanes, n);
            leave = row.AsSpan((end - commonDays) * Lanes, n);
        }
        else
        {
            for (var m = lanes; m != 0; m &= m - 1)
            {
                var l = BitOperations.TrailingZeroCount(m);
                var end = i + endOffset[l];
                var row = rows[laneRule[l]];
                entering[l] = row[(end * Lanes) + l];
                leaving[l] = row[((end - laneDays[l]) * Lanes) + l];
            }
        }

        var tomorrow = i + 1L;
        var k = 0;
        if (VectorWidth == 8)
        {
            var next = Vector512.Create(tomorrow);
            for (; k + 8 <= n; k += 8)
            {
                var c = Widen(Vector256.Create(enter.Slice(k, 8)));
                var s = Vector512.Create(sum.AsSpan(k, 8)) + c - Widen(Vector256.Create(leave.Slice(k, 8)));
                var run = ThresholdPredicates.NextStreak(Vector512.Create(streak.AsSpan(k, 8)), ThresholdPredicates.BelowDeactivationLevel(s, Vector512.Create(level.AsSpan(k, 8))));
                var decide = (Vector512.Create(deactivationMode.AsSpan(k, 8)) & ThresholdPredicates.StreakReached(run, Vector512.Create(streakDays.AsSpan(k, 8))))
                    | (Vector512.Create(activationMode.AsSpan(k, 8)) & ThresholdPredicates.MayActivate(s, c, Vector512.Create(activateSum.AsSpan(k, 8)), Vector512.Create(singleDayBound.AsSpan(k, 8)), Vector512.Create(discretionarySum.AsSpan(k, 8))));
                s.CopyTo(sum.AsSpan(k, 8));
                run.CopyTo(streak.AsSpan(k, 8));
                decide.CopyTo(decided.AsSpan(k, 8));
                (decide | Vector512.LessThanOrEqual(Vector512.Create(limit.AsSpan(k, 8)), next)).CopyTo(lastDay.AsSpan(k, 8));
            }
        }
        else if (VectorWidth == 4)
        {
            var next = Vector256.Create(tomorrow);
            for (; k + 4 <= n; k += 4)
            {
                var c = Widen(Vector128.Create(enter.Slice(k, 4)));
                var s = Vector256.Create(sum.AsSpan(k, 4)) + c - Widen(Vector128.Create(leave.Slice(k, 4)));
                var run = ThresholdPredicates.NextStreak(Vector256.Create(streak.AsSpan(k, 4)), ThresholdPredicates.BelowDeactivationLevel(s, Vector256.Create(level.AsSpan(k, 4))));
                var decide = (Vector256.Create(deactivationMode.AsSpan(k, 4)) & ThresholdPredicates.StreakReached(run, Vector256.Create(streakDays.AsSpan(k, 4))))
                    | (Vector256.Create(activationMode.AsSpan(k, 4)) & ThresholdPredicates.MayActivate(s, c, Vector256.Create(activateSum.AsSpan(k, 4)), Vector256.Create(singleDayBound.AsSpan(k, 4)), Vector256.Create(discretionarySum.AsSpan(k, 4))));
                s.CopyTo(sum.AsSpan(k, 4));
                run.CopyTo(streak.AsSpan(k, 4));
                decide.CopyTo(decided.AsSpan(k, 4));
                (decide | Vector256.LessThanOrEqual(Vector256.Create(limit.AsSpan(k, 4)), next)).CopyTo(lastDay.AsSpan(k, 4));
            }
        }

        // The scalar tail (every lane at width 1): the scalar predicates, the fast path's own day.
        for (; k < n; k++)
        {
            var c = enter[k];
            var s = unchecked(sum[k] + c - leave[k]);
            var run = ThresholdPredicates.NextStreak((int)streak[k], ThresholdPredicates.BelowDeactivationLevel(s, level[k]));
            var decide = (deactivationMode[k] != 0 && ThresholdPredicates.StreakReached(run, (int)streakDays[k]))
                || (activationMode[k] != 0 && ThresholdPredicates.MayActivate(s, c, activateSum[k], singleDayBound[k], discretionarySum[k]));
            sum[k] = s;
            streak[k] = run;
            decided[k] = decide ? -1 : 0;
            lastDay[k] = decide || limit[k] <= tomorrow ? -1 : 0;
        }

        for (var m = lanes; m != 0; m &= m - 1)
        {
            var l = BitOperations.TrailingZeroCount(m);
            if (lastDay[l] == 0)
            {
                continue;
            }

            ref var segment = ref segments[l];
            Fill(l, i + 1);
            segment.End = i + endOffset[l];
            segment.Sum = sum[l];
            segment.Streak = (int)streak[l];
            var decides = decided[l] != 0;
            runs[l].EndFast(in segment, decides ? i : i + 1, decides);
            fast &= ~(1UL << l);
        }
    }
}

/// <summary>The lane widths of the lane kernels: 8 (<see cref="Vector512"/>), 4 (<see cref="Vector256"/>) or 1 (scalar).</summary>
public static class LaneWidth
{
    /// <summary>The widest width the machine accelerates.</summary>
    public static int Widest => Vector512.IsHardwareAccelerated ? 8 : Vector256.IsHardwareAccelerated ? 4 : 1;

    /// <summary><paramref name="requested"/> checked (1, 4 or 8, and accelerated unless 1), or <see cref="Widest"/> when null.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Resolve(int? requested) => requested switch
    {
        null => Widest,
        1 => 1,
        4 when Vector256.IsHardwareAccelerated => 4,
        8 when Vector512.IsHardwareAccelerated => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(requested), requested, "a lane width is 1, or 4 or 8 where the machine accelerates Vector256 or Vector512"),
    };
}
