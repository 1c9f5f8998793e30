using System.Globalization;
using System.Runtime.CompilerServices;
using NodaTime;
using Threshold.Law;

namespace Threshold.Engine;

/// <summary>
/// Replays a daily series through a compiled policy. The contract:
/// <list type="bullet">
/// <item>A determination made on day D reads the window ending on D − lag (default lag 1: a day's data is complete the next day).</item>
/// <item>Deactivation (10773 §2(a) discontinuation) takes effect at 12:01 a.m. Eastern on D + 14; activation (§2(b)) on D + 1.</item>
/// <item>While a deactivation is pending (days D+1 … D+13), a reading at the activation level cancels it where the policy says so (§2(b)).</item>
/// <item>The rule version used is the one in force on the determination date D; a day's own count uses that day's version.</item>
/// <item>The engine proposes only determinations that would change something; it never proposes one whose window is incomplete or touches a missing day.</item>
/// </list>
/// </summary>
public static class SuspensionReplay
{
    /// <summary>Replays <paramref name="series"/>; throws <see cref="InputFileException"/> if it lacks a column the policy needs.</summary>
    public static SuspensionTimeline Run(CompiledPolicy policy, EncounterSeries series) => Run(policy, series, fastPath: true);

    /// <summary>
    /// The <paramref name="kind"/> timeline of <paramref name="series"/>: proposed from the data (as <see cref="Run(CompiledPolicy, EncounterSeries)"/>),
    /// or official, following only the policy's shipped record and the determinations in <paramref name="recorded"/>.
    /// Throws <see cref="ReplayRequestException"/> for an official timeline of a policy with no record, or with a what-if.
    /// </summary>
    public static SuspensionTimeline Run(CompiledPolicy policy, EncounterSeries series, TimelineKind kind, IReadOnlyList<OfficialDetermination>? recorded = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return kind == TimelineKind.Official
            ? OfficialReplay.Run(policy, series, OfficialBasis.For(policy.Policy, recorded))
            : Run(policy, series);
    }

    /// <summary>As <see cref="Run(CompiledPolicy, EncounterSeries)"/>; <paramref name="fastPath"/> false forces the day-by-day path (tests prove both agree).</summary>
    internal static SuspensionTimeline Run(CompiledPolicy policy, EncounterSeries series, bool fastPath)
    {
        RequireColumns(policy, series);
        return policy.Policy.Mechanism == MechanismKind.EncounterThreshold
            ? new ThresholdRun(policy, series.Start, series.Length, series.CountedFor, series.MissingArray).Execute(series, fastPath)
            : RunSupplied(policy, series);
    }

    public static void RequireColumns(CompiledPolicy policy, EncounterSeries series)
    {
        foreach (var (column, version) in policy.RequiredColumns(series.Start, series.End))
        {
            if (!series.Has(column))
            {
                var why = column is EncounterColumn.UcNoncontiguousBetweenPorts or EncounterColumn.UcNoncontiguousPorts
                    ? version.Values["counting.exclude_noncontiguous_uc"].Citation.Text
                    : version.Counting.Formula;
                throw new InputFileException(series.SourceName, series.HeaderLine, $"column '{column.HeaderName()}' is needed by {policy.Policy.Id} for days from {version.From:yyyy-MM-dd} (count = {version.Counting.Formula}; {why}) but the file lacks it");
            }
        }
    }

    /// <summary>
    /// The streaming kernel, shared by the batch replay and <see cref="DailySuspensionReplay"/>: one pass over the days,
    /// keeping only the running window sum, the gap count and the deactivation streak for the version in force, rebuilt
    /// from a short look-back when the version or the deactivation level changes. A day is two steps: <see cref="OpenDay"/>
    /// (the status, which never depends on the day's own count) and <see cref="CloseDay"/> (the determination made during
    /// the day, which reads the window ending on day − lag). It allocates the (rare) events, nothing per day.
    /// </summary>
    internal sealed class ThresholdRun : IEventText
    {
        private readonly CompiledPolicy policy;
        private readonly LocalDate start;
        private readonly int length;
        private readonly Func<CountingRule, int[]> countedFor;
        private readonly bool[]? missing;
        private readonly IReadOnlyList<RuleVersion> versions;
        private readonly RuleVersion initial;
        private readonly int[] versionStart;
        private readonly int sunsetIndex;
        private readonly int[] caps;
        private readonly int capCount;
        private readonly int[] yearStarts;
        private readonly int inForceIndex;
        private readonly int first;
        private readonly List<Determination> determinations = [];
        private readonly List<Transition> transitions = [];

        // Rule state.
        private DayStatus state;
        private bool expired;
        private int pendingDeactivation;
        private int pendingDeactivationFrom;
        private int pendingActivation;
        private int pendingActivationFrom;
        private decimal activatedAt;
        private int year;
        private int activeThisYear;

        // Quiet days (OpenDay's fast path): before quietUntil nothing changes but the cap count, by quietCapCount a day.
        private int quietUntil;
        private int quietCapCount;

        // The version in force and its cached bounds.
        private int vi;
        private RuleVersion version = null!;
        private int lag;
        private long activateSum;
        private long singleDayMin;
        private long discretionaryMin;
        private int streakDays;
        private int nextVersion;

        // The window read by the latest determination: its end W, sum, gaps, and the deactivation streak ending there.
        private bool windowStale;
        private int[] counted = [];
        private int window;
        private int w;
        private long sum;
        private int gaps;
        private long levelSum;
        private int streak;

        /// <param name="countedFor">Each day's count under a counting rule; read only up to the day being closed.</param>
        /// <param name="missing">Missing-day flags, or null when no day is missing.</param>
        public ThresholdRun(CompiledPolicy policy, LocalDate start, int length, Func<CountingRule, int[]> countedFor, bool[]? missing)
        {
            this.policy = policy;
            this.start = start;
            this.length = length;
            this.countedFor = countedFor;
            this.missing = missing;
            versions = policy.Versions;
            inForceIndex = Index(policy.InForce);
            initial = policy.VersionOn(policy.InForce);
            versionStart = new int[versions.Count + 1];
            for (var v = 1; v < versions.Count; v++)
            {
                versionStart[v] = Index(versions[v].From);
            }

            versionStart[0] = int.MinValue;
            versionStart[versions.Count] = int.MaxValue;
            sunsetIndex = initial.SunsetYears is { } years ? Index(policy.InForce.PlusYears(years)) : int.MaxValue;
            caps = [.. initial.CapDays];
            capCount = caps.Length;
            yearStarts = new int[capCount + 1];
            for (var y = 0; y <= capCount; y++)
            {
                yearStarts[y] = Index(policy.InForce.PlusYears(y));
            }

            first = Math.Max(0, inForceIndex);
            Reset();
        }

        public IReadOnlyList<Determination> Determinations => determinations;

        public IReadOnlyList<Transition> Transitions => transitions;

        private int Index(LocalDate date) => Period.DaysBetween(start, date);

        /// <summary>Back to the state before the first day: the policy's initial status, nothing pending, no events.</summary>
        public void Reset()
        {
            determinations.Clear();
            transitions.Clear();
            state = initial.InitialActive ? DayStatus.Active : DayStatus.Inactive;
            expired = false;
            if (inForceIndex >= 0 && inForceIndex < length && initial.InitialActive)
            {
                transitions.Add(new Transition(start, inForceIndex, true, TransitionCause.InForce, int.MinValue, policy.Policy.InForce.Citation, null, null, false));
            }

            pendingDeactivation = -1;
            pendingDeactivationFrom = 0;
            pendingActivation = -1;
            pendingActivationFrom = 0;
            activatedAt = initial.ActivateThreshold;
            year = 0;
            while (year < capCount && yearStarts[year + 1] <= first)
            {
                year++;
            }

            activeThisYear = 0;
            quietUntil = int.MinValue;
            vi = 0;
            while (versionStart[vi + 1] <= first)
            {
                vi++;
            }

            UseVersion();
        }

        private void UseVersion()
        {
            version = versions[vi];
            lag = version.LagDays;
            activateSum = version.ActivateSum;
            (singleDayMin, discretionaryMin) = QuickActivation(version);
            streakDays = version.StreakDays;
            nextVersion = versionStart[vi + 1];
            // The first close under this version rebuilds the window from a look-back.
            windowStale = true;
        }

        /// <summary>The replay caveat when the series starts after the in-force date, else null.</summary>
        private string? Caveat => inForceIndex < 0
            ? $"The series starts {start:yyyy-MM-dd}, after the in-force date {policy.InForce:yyyy-MM-dd}; the replay assumes the status on the first day was {(initial.InitialActive ? "active" : "inactive")} with nothing pending" + (capCount > 0 ? ", and counts capped days only from the series start." : ".")
            : null;

        /// <summary>
        /// Day <paramref name="i"/>'s status: the version in force, the sunset, the effects of earlier determinations and
        /// the year's cap. Days must be opened in order, each closed before the next is opened.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public DayStatus OpenDay(int i)
        {
            // A quiet day (before the next day on which anything but the cap count can change): the state holds.
            if (i < quietUntil)
            {
                activeThisYear += quietCapCount;
                return state;
            }

            return OpenEventfulDay(i);
        }

        /// <summary><see cref="OpenDay"/> the full way, then the quiet days that follow it.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private DayStatus OpenEventfulDay(int i)
        {
            var status = OpenDayInFull(i);
            Quiet(i, status);
            return status;
        }

        /// <summary>
        /// Sets <see cref="quietUntil"/>: the days after <paramref name="i"/> up to it (exclusive) have no version change,
        /// sunset, pending effect, cap year or cap exhaustion, so their status is <paramref name="status"/> (the state)
        /// and the only change is one more day counted against an active capped year (<see cref="quietCapCount"/>).
        /// A determination made meanwhile shortens it (<see cref="Pending"/>).
        /// </summary>
        private void Quiet(int i, DayStatus status)
        {
            if (i < first || expired || status != state)
            {
                quietUntil = int.MinValue;
                return;
            }

            quietUntil = QuietLimit(i, length);
            quietCapCount = capCount > 0 && year < capCount && state == DayStatus.Active ? 1 : 0;
        }

        /// <summary>
        /// The first day after <paramref name="i"/> (at most <paramref name="stop"/>) on which more than the window and
        /// the cap count can change: a version change, the sunset, a pending effect, a new cap year, or the day the
        /// year's cap is used up. Shared by <see cref="Quiet"/> and <see cref="FastForward"/>.
        /// </summary>
        private int QuietLimit(int i, int stop)
        {
            var limit = Math.Min(stop, Math.Min(nextVersion, sunsetIndex));
            limit = pendingDeactivation >= 0 ? Math.Min(limit, pendingDeactivation) : limit;
            limit = pendingActivation >= 0 ? Math.Min(limit, pendingActivation) : limit;
            if (capCount > 0 && year < capCount)
            {
                limit = Math.Min(limit, yearStarts[year + 1]);
                if (state == DayStatus.Active)
                {
                    // Days i+1 .. i+(cap − used) are counted; the next one reaches the cap.
                    limit = (int)Math.Min(limit, i + 1L + (caps[year] - activeThisYear));
                }
            }

            return limit;
        }

        /// <summary>A determination's effect is now pending on <paramref name="effective"/>: the quiet days end there at the latest.</summary>
        private void Pending(int effective) => quietUntil = Math.Min(quietUntil, effective);

        private DayStatus OpenDayInFull(int i)
        {
            if (i < first)
            {
                return DayStatus.NotInForce;
            }

            if (expired)
            {
                return DayStatus.Expired;
            }

            // The rare steps (a new version, the sunset, an effect taking hold, a cap) are out of line: this runs every
            // day of a simulated path, and the small common path compiles into the caller's loop.
            if (i >= nextVersion)
            {
                NextVersion(i);
            }

            if (i >= sunsetIndex)
            {
                return Expire(i);
            }

            if (i == pendingDeactivation || i == pendingActivation)
            {
                TakeEffect(i);
            }

            if (capCount > 0)
            {
                CountCapDay(i);
            }

            return state;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private void NextVersion(int i)
        {
            do
            {
                vi++;
            }
            while (i >= versionStart[vi + 1]);
            UseVersion();
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private DayStatus Expire(int i)
        {
            if (state == DayStatus.Active)
            {
                transitions.Add(new Transition(start, i, false, TransitionCause.Sunset, int.MinValue, null, version, "sunset.years", false));
            }

            expired = true;
            pendingActivation = pendingDeactivation = -1;
            return DayStatus.Expired;
        }

        /// <summary>The pending deactivation, then the pending activation, that take effect on day <paramref name="i"/>.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private void TakeEffect(int i)
        {
            if (i == pendingDeactivation)
            {
                pendingDeactivation = -1;
                if (state == DayStatus.Active)
                {
                    state = DayStatus.Inactive;
                    transitions.Add(new Transition(start, i, false, TransitionCause.Determination, pendingDeactivationFrom, null, version, "deactivate.effective_days", false));
                }
            }

            if (i == pendingActivation)
            {
                pendingActivation = -1;
                if (state == DayStatus.Inactive)
                {
                    state = DayStatus.Active;
                    transitions.Add(new Transition(start, i, true, TransitionCause.Determination, pendingActivationFrom, null, version, "activate.effective_days", false));
                }
            }
        }

        /// <summary>The year's cap of active days on day <paramref name="i"/>: a new cap year, a day counted, or the cap reached.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void CountCapDay(int i)
        {
            if (year < capCount && i >= yearStarts[year + 1])
            {
                year++;
                activeThisYear = 0;
                if (state == DayStatus.CapReached)
                {
                    state = DayStatus.Inactive;
                }
            }

            if (state == DayStatus.Active && year < capCount)
            {
                if (activeThisYear >= caps[year])
                {
                    ReachCap(i);
                }
                else
                {
                    activeThisYear++;
                }
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private void ReachCap(int i)
        {
            state = DayStatus.CapReached;
            pendingDeactivation = -1;
            transitions.Add(new Transition(start, i, false, TransitionCause.CapReached, int.MinValue, version.Values[CapParameter(year)].Citation, null, null, false));
        }

        /// <summary>
        /// The determination made during day <paramref name="i"/> (already opened), reading the window ending on
        /// i − lag; the counts must be known up to that day.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void CloseDay(int i)
        {
            if (i < first || expired)
            {
                return;
            }

            if (windowStale)
            {
                windowStale = false;
                Enter(i - lag);
            }
            else
            {
                // Slide the window one day on and extend the streak. Unchecked: counts are at most 10^7 a day and
                // windows at most 366 days, so a long sum cannot overflow.
                unchecked
                {
                    var end = ++w;
                    if (end >= 0)
                    {
                        sum += counted[end];
                        var leaving = end - window;
                        if (leaving >= 0)
                        {
                            sum -= counted[leaving];
                        }

                        if (missing is not null)
                        {
                            gaps += (missing[end] ? 1 : 0) - (leaving >= 0 && missing[leaving] ? 1 : 0);
                        }
                    }

                    streak = end >= window - 1 && gaps == 0 && sum < levelSum ? streak + 1 : 0;
                }
            }

            if (w < window - 1 || gaps != 0)
            {
                return;
            }

            if (state == DayStatus.Active)
            {
                if (pendingDeactivation < 0)
                {
                    if (streak >= streakDays)
                    {
                        DecideDeactivation(i);
                    }
                }
                else if (version.CancelledByActivation && MayActivate() && ActivationTest(version, sum, activateSum, counted[w]) is { } trigger)
                {
                    DecideCancellation(i, trigger);
                }
            }
            else if (state == DayStatus.Inactive && pendingActivation < 0 && MayActivate() && ActivationTest(version, sum, activateSum, counted[w]) is { } trigger)
            {
                DecideActivation(i, trigger);
            }
        }

        /// <summary>
        /// The integer pre-test of <see cref="ActivationTest"/> (as on the fast path): false exactly when none of its tests
        /// can pass, so the exact test, with its decimal thresholds, runs only on days that may activate.
        /// </summary>
        private bool MayActivate() => sum >= activateSum || counted[w] >= singleDayMin || sum >= discretionaryMin;

        [MethodImpl(MethodImplOptions.NoInlining)]
        private void DecideDeactivation(int i)
        {
            pendingDeactivation = i + version.DeactivateEffectiveDays;
            pendingDeactivationFrom = i;
            Pending(pendingDeactivation);
            determinations.Add(Deactivation(i, w, sum, version.DeactivationLevel(activatedAt), vi));
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private void DecideCancellation(int i, ActivationTrigger trigger)
        {
            determinations.Add(Activation(i, w, sum, counted[w], trigger, vi, DeterminationKind.DeactivationCancelled, int.MinValue));
            pendingDeactivation = -1;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private void DecideActivation(int i, ActivationTrigger trigger)
        {
            pendingActivation = i + version.ActivateEffectiveDays;
            pendingActivationFrom = i;
            Pending(pendingActivation);
            determinations.Add(Activation(i, w, sum, counted[w], trigger, vi, DeterminationKind.Activation, pendingActivation));
            if (trigger.Base != activatedAt)
            {
                // A relative deactivation level follows the threshold that activated: rebuild the streak for it.
                activatedAt = trigger.Base;
                Enter(w);
            }
        }

        /// <summary>The batch replay of the whole series, with the fast path between boundaries unless told not to.</summary>
        public SuspensionTimeline Execute(EncounterSeries series, bool fastPath)
        {
            var status = new DayStatus[length];
            for (var i = first; i < length; i++)
            {
                status[i] = OpenDay(i);
                if (expired)
                {
                    status.AsSpan(i).Fill(DayStatus.Expired);
                    break;
                }

                CloseDay(i);
                // Series with gaps stay on the slow path.
                if (fastPath && missing is null && w >= window - 1)
                {
                    var sink = new StatusSink(status);
                    i = FastForward(i, length, ref sink) - 1;
                }
            }

            return Finish(series, status);
        }

        /// <summary>
        /// Days <paramref name="from"/> to <paramref name="to"/> − 1 in order, each given to <paramref name="sink"/> with
        /// its status before its count is read (the sink records the count): the batch loop, fast path included, for
        /// models whose counts depend on their statuses.
        /// </summary>
        public void RunDays<TSink>(int from, int to, ref TSink sink)
            where TSink : struct, IDaySink, allows ref struct
        {
            for (var i = from; i < to; i++)
            {
                sink.Day(i, OpenDay(i));
                CloseDay(i);
                // Only once the window has been built under the version in force (not before the in-force date).
                if (i >= first && !expired && missing is null && w >= window - 1)
                {
                    i = FastForward(i, to, ref sink) - 1;
                }
            }
        }

        /// <summary>The timeline of the days replayed, with the effects still pending after the last day.</summary>
        public SuspensionTimeline Finish(EncounterSeries series, DayStatus[] status)
        {
            var all = new List<Transition>(transitions);
            var last = versions[^1];
            if (pendingDeactivation >= length)
            {
                all.Add(new Transition(start, pendingDeactivation, false, TransitionCause.Determination, pendingDeactivationFrom, null, last, "deactivate.effective_days", true));
            }

            if (pendingActivation >= length)
            {
                all.Add(new Transition(start, pendingActivation, true, TransitionCause.Determination, pendingActivationFrom, null, last, "activate.effective_days", true));
            }

            return new SuspensionTimeline(policy, series, status, [.. determinations], all, Caveat);
        }

        /// <summary>
        /// Fast path after day <paramref name="i"/> closed: the following days up to the next boundary (version, sunset,
        /// pending effect, cap year, cap exhaustion, day <paramref name="stop"/>) can only slide the window and perhaps yield
        /// one determination, so run them in a tight loop per state on locals, each day given to <paramref name="sink"/>
        /// with its status. Returns the first day not replayed.
        /// </summary>
        private int FastForward<TSink>(int i, int stop, ref TSink sink)
            where TSink : struct, IDaySink, allows ref struct
        {
            var limit = QuietLimit(i, stop);
            var activeCapped = capCount > 0 && state == DayStatus.Active && year < capCount;

            // Locals, not fields, so the JIT keeps the per-day state in registers; stored back before any decision.
            var (c, days, end, s, level, run) = (counted, window, w, sum, levelSum, streak);
            var j = i + 1;
            var decided = false;
            unchecked
            {
                if (state == DayStatus.Active && pendingDeactivation < 0)
                {
                    for (; j < limit; j++)
                    {
                        // The day's status first: a model may count the day from it, and with a lag of 0 the window
                        // ending today reads that count.
                        sink.Day(j, DayStatus.Active);
                        end++;
                        s += c[end] - c[end - days];
                        run = s < level ? run + 1 : 0;
                        if (run >= streakDays)
                        {
                            decided = true;
                            break;
                        }
                    }
                }
                else if ((state == DayStatus.Active && version.CancelledByActivation) || (state == DayStatus.Inactive && pendingActivation < 0))
                {
                    for (; j < limit; j++)
                    {
                        sink.Day(j, state);
                        end++;
                        s += c[end] - c[end - days];
                        run = s < level ? run + 1 : 0;
                        if (s >= activateSum || c[end] >= singleDayMin || s >= discretionaryMin)
                        {
                            decided = true;
                            break;
                        }
                    }
                }
                else
                {
                    // Nothing to determine (e.g. a wind-down that cannot be cancelled, or a cap reached): only slide.
                    for (; j < limit; j++)
                    {
                        sink.Day(j, state);
                        end++;
                        s += c[end] - c[end - days];
                        run = s < level ? run + 1 : 0;
                    }
                }
            }

            (w, sum, streak) = (end, s, run);
            if (decided)
            {
                // The exact test and the determination are the slow path's own.
                if (state == DayStatus.Active && pendingDeactivation < 0)
                {
                    DecideDeactivation(j);
                }
                else if (ActivationTest(version, sum, activateSum, counted[w]) is { } trigger)
                {
                    if (state == DayStatus.Active)
                    {
                        DecideCancellation(j, trigger);
                    }
                    else
                    {
                        DecideActivation(j, trigger);
                    }
                }

                j++;
            }

            if (activeCapped)
            {
                activeThisYear += j - (i + 1);
            }

            return j;
        }

        /// <summary>Rebuilds the window sum, gap count and streak ending on <paramref name="end"/> under the version in force.</summary>
        private void Enter(int end)
        {
            var v = version;
            counted = countedFor(v.Counting);
            window = v.WindowDays;
            levelSum = v.SumThreshold(v.DeactivationLevel(activatedAt));
            var days = window;
            long total = 0;
            var missingDays = 0;
            for (var k = Math.Max(0, end - days + 1); k <= end && k < counted.Length; k++)
            {
                total += counted[k];
                missingDays += IsMissing(k) ? 1 : 0;
            }

            // The streak only matters up to the days the rule needs; look back no further.
            var run = 0;
            var (s, g) = (total, missingDays);
            for (var k = end; k >= days - 1 && run < v.StreakDays; k--)
            {
                if (k != end)
                {
                    // Slide the window back one day: add the day entering on the left, drop day k+1.
                    s += counted[k - days + 1] - counted[k + 1];
                    g += (IsMissing(k - days + 1) ? 1 : 0) - (IsMissing(k + 1) ? 1 : 0);
                }

                if (g != 0 || s >= levelSum)
                {
                    break;
                }

                run++;
            }

            (w, sum, gaps, streak) = (end, total, missingDays, run);
        }

        private bool IsMissing(int k) => missing is not null && k >= 0 && k < length && missing[k];

        /// <summary>Cheap bounds for the activation test: the single-day and discretionary sums, or long.MaxValue when absent.</summary>
        private static (long SingleDay, long Discretionary) QuickActivation(RuleVersion v) => (
            v.SingleDayThreshold is { } single ? (long)decimal.Ceiling(single) : long.MaxValue,
            v.DiscretionaryThreshold is not null && v.DiscretionaryExercised ? v.DiscretionarySum : long.MaxValue);

        private readonly record struct ActivationTrigger(DeterminationTrigger Kind, decimal Threshold, decimal Base, string Parameter);

        private static ActivationTrigger? ActivationTest(RuleVersion v, long sum, long activateSum, int dayCount)
        {
            if (sum >= activateSum)
            {
                return new ActivationTrigger(DeterminationTrigger.AverageAtOrAbove, v.ActivateThreshold, v.ActivateThreshold, "activate.threshold");
            }

            if (v.SingleDayThreshold is { } single && dayCount >= single)
            {
                return new ActivationTrigger(DeterminationTrigger.SingleDayAtOrAbove, single, v.SingleDayBase, "activate.single_day_threshold");
            }

            if (v.DiscretionaryThreshold is { } discretionary && v.DiscretionaryExercised && sum >= v.DiscretionarySum)
            {
                return new ActivationTrigger(DeterminationTrigger.DiscretionaryAverageAtOrAbove, discretionary, discretionary, "activate.discretionary_threshold");
            }

            return null;
        }

        private Determination Deactivation(int i, int w, long sum, decimal level, int vi)
        {
            var v = policy.Versions[vi];
            return new Determination(
                start, i, DeterminationKind.Deactivation, DeterminationTrigger.AverageBelow, w, sum, v.WindowDays, null, level,
                v.StreakDays, v.StreakDays > 1 ? w - v.StreakDays + 1 : int.MinValue, i + v.DeactivateEffectiveDays, vi, null, this);
        }

        private Determination Activation(int i, int w, long sum, int dayCount, ActivationTrigger trigger, int vi, DeterminationKind kind, int effective) =>
            new(start, i, kind, trigger.Kind, w, sum, policy.Versions[vi].WindowDays,
                trigger.Kind == DeterminationTrigger.SingleDayAtOrAbove ? dayCount : null, trigger.Threshold, 1, int.MinValue, effective, vi, trigger.Parameter, this);

        public IReadOnlyList<Citation> Citations(Determination d)
        {
            var v = policy.Versions[d.VersionIndex];
            if (d.Kind == DeterminationKind.Deactivation)
            {
                return
                [
                    v.Values[v.DeactivateThreshold is null ? "deactivate.fraction_of_activation_threshold" : "deactivate.threshold"].Citation,
                    v.Values["deactivate.streak_days"].Citation,
                    v.Values["deactivate.effective_days"].Citation,
                ];
            }

            var citations = new List<Citation> { v.Values[d.TriggerParameter!].Citation };
            if (d.Trigger == DeterminationTrigger.DiscretionaryAverageAtOrAbove)
            {
                citations.Add(v.Values["activate.discretionary_exercised"].Citation);
            }

            citations.Add(d.Kind == DeterminationKind.DeactivationCancelled ? v.Values["deactivate.cancelled_by_activation"].Citation : v.Values["activate.effective_days"].Citation);
            return citations;
        }

        public string Rule(Determination d)
        {
            var v = policy.Versions[d.VersionIndex];
            if (d.Kind == DeterminationKind.Deactivation)
            {
                var avg = Format(d.Average);
                var text = v.StreakDays == 1
                    ? $"7-day average {avg} < {Format(d.ThresholdPerDay)} (window {d.WindowStart:yyyy-MM-dd} to {d.WindowEnd:yyyy-MM-dd})"
                    : $"each of the {v.StreakDays} consecutive days {d.StreakStart:yyyy-MM-dd} to {d.WindowEnd:yyyy-MM-dd} had a 7-day average < {Format(d.ThresholdPerDay)} (last: {avg})";
                return text + $"; takes effect 12:01 a.m. Eastern on {d.EffectiveDate:yyyy-MM-dd} (determination + {v.DeactivateEffectiveDays} days)";
            }

            var reading = d.Trigger == DeterminationTrigger.SingleDayAtOrAbove
                ? $"{d.SingleDayCount!.Value.ToString("N0", CultureInfo.InvariantCulture)} encounters on {d.WindowEnd:yyyy-MM-dd} ≥ {Format(d.ThresholdPerDay)} in one day"
                : $"7-day average {Format(d.Average)} ≥ {Format(d.ThresholdPerDay)} (window {d.WindowStart:yyyy-MM-dd} to {d.WindowEnd:yyyy-MM-dd})"
                  + (d.Trigger == DeterminationTrigger.DiscretionaryAverageAtOrAbove ? ", discretion exercised" : string.Empty);
            return d.Kind == DeterminationKind.DeactivationCancelled
                ? $"{reading}; cancels the pending deactivation and the suspension continues"
                : $"{reading}; applies from 12:01 a.m. Eastern on {d.EffectiveDate:yyyy-MM-dd} (determination + {v.ActivateEffectiveDays} day(s))";
        }

        private static string CapParameter(int year) => year switch
        {
            0 => "cap.year1_days",
            1 => "cap.year2_days",
            2 => "cap.year3_days",
            _ => $"cap.year{year + 1}_days",
        };
    }

    /// <summary>Words and citations of the determinations a user supplied (secretary-determination policies).</summary>
    private sealed class SuppliedText(Citation authority, Citation effectiveDays) : IEventText
    {
        public IReadOnlyList<Citation> Citations(Determination determination) => [authority, effectiveDays];

        public string Rule(Determination d) =>
            $"Supplied determination: suspension {(d.Kind == DeterminationKind.Activation ? "necessary" : "not necessary")} to achieve operational control; effective 12:01 a.m. Eastern on {d.EffectiveDate:yyyy-MM-dd}";
    }

    internal static string Format(decimal value) => decimal.Round(value, 2).ToString("#,0.##", CultureInfo.InvariantCulture);

    internal static SuspensionTimeline RunSupplied(CompiledPolicy policy, EncounterSeries series) =>
        RunSupplied(policy, series, policy.SecretaryDeterminations, null, null);

    /// <summary>
    /// The replay of a supplied-determination policy from <paramref name="inputs"/> (in date order): the user's what-ifs,
    /// or with <paramref name="official"/> the determinations actually made, each worded by <paramref name="textOf"/>.
    /// </summary>
    internal static SuspensionTimeline RunSupplied(CompiledPolicy policy, EncounterSeries series, IReadOnlyList<SecretaryDeterminationInput> inputs, Func<int, IEventText>? textOf, OfficialBasis? official)
    {
        var n = series.Length;
        var start = series.Start;
        var status = new DayStatus[n];
        var version = policy.VersionOn(policy.InForce);
        var defaultActive = version.Values["determination.default_active"];
        var effectiveDays = version.Values["determination.effective_days"];
        var lag = (int)effectiveDays.Value.Number;
        var authority = version.Values["determination.authority"].Citation;
        var text = new SuppliedText(authority, effectiveDays.Citation);
        var determinations = new List<Determination>();
        var transitions = new List<Transition>();
        string? caveat = null;
        var effectiveByIndex = new Dictionary<int, SecretaryDeterminationInput>();
        var trigger = official is null ? DeterminationTrigger.Supplied : DeterminationTrigger.Official;
        for (var k = 0; k < inputs.Count; k++)
        {
            var d = inputs[k];
            if (d.Date < policy.InForce)
            {
                throw new ReplayRequestException(new WhatIfProblem(WhatIfOption.Determination, $"{d.Date:yyyy-MM-dd}", $"made before the in-force date {policy.InForce:yyyy-MM-dd}"));
            }

            var effective = d.Date.PlusDays(lag);
            var vi = policy.VersionIndexOn(d.Date);
            determinations.Add(new Determination(
                d.Date, 0, d.Active ? DeterminationKind.Activation : DeterminationKind.Deactivation, trigger, 0, 0, 0, null, 0, 0, int.MinValue, lag, vi, null, textOf?.Invoke(k) ?? text));
            effectiveByIndex[Period.Between(start, effective, PeriodUnits.Days).Days] = d;
        }

        var inForceIndex = Period.Between(start, policy.InForce, PeriodUnits.Days).Days;
        var active = defaultActive.Value.Flag;
        if (inForceIndex < 0)
        {
            caveat = $"The series starts after the in-force date {policy.InForce:yyyy-MM-dd}; determinations before the series start are taken into account.";
            foreach (var d in inputs.Where(d => d.Date.PlusDays(lag) <= start))
            {
                active = d.Active;
            }
        }

        for (var i = 0; i < n; i++)
        {
            if (i < inForceIndex)
            {
                status[i] = DayStatus.NotInForce;
                continue;
            }

            var date = start.PlusDays(i);
            if (i == inForceIndex && active)
            {
                transitions.Add(new Transition(date, 0, true, TransitionCause.InForce, int.MinValue, defaultActive.Citation, null, null, false));
            }

            if (effectiveByIndex.TryGetValue(i, out var det) && det.Active != active)
            {
                active = det.Active;
                transitions.Add(new Transition(det.Date, Period.DaysBetween(det.Date, date), active, TransitionCause.Determination, 0, effectiveDays.Citation, null, null, false));
            }

            status[i] = active ? DayStatus.Active : DayStatus.Inactive;
        }

        foreach (var d in inputs.Where(d => d.Date.PlusDays(lag) > series.End))
        {
            var effective = d.Date.PlusDays(lag);
            transitions.Add(new Transition(d.Date, Period.DaysBetween(d.Date, effective), d.Active, TransitionCause.Determination, 0, effectiveDays.Citation, null, null, true));
        }

        return new SuspensionTimeline(policy, series, status, determinations, transitions, caveat, official);
    }
}

/// <summary>Receives each day of a replay's loop with its status (internal to the engine's loops).</summary>
internal interface IDaySink
{
    /// <summary>Day <paramref name="day"/> has <paramref name="status"/>; for a model, its count must be recorded now.</summary>
    void Day(int day, DayStatus status);
}

/// <summary>The batch replay's sink: the statuses into an array.</summary>
internal readonly struct StatusSink(DayStatus[] statuses) : IDaySink
{
    public void Day(int day, DayStatus status) => statuses[day] = status;
}
