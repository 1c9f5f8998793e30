using System.Runtime.CompilerServices;
using NodaTime;
using Threshold.Engine.Predicates;
using static Threshold.Engine.Predicates.ThresholdPredicates;

namespace Threshold.Engine;

public static partial class SuspensionReplay
{
    /// <summary>
    /// The streaming kernel, shared by the batch replay and <see cref="DailySuspensionReplay"/>: one pass over the days,
    /// keeping only the running window sum, the gap count and the deactivation streak for the version in force, rebuilt
    /// from a short look-back when the version or the deactivation level changes. A day is two steps: <see cref="OpenDay"/>
    /// (the status, which never depends on the day's own count) and <see cref="CloseDay"/> (the determination made during
    /// the day, which reads the window ending on day − lag). It allocates the (rare) events, nothing per day.
    /// Each test is a named predicate of <see cref="ThresholdPredicates"/>; the state is five named parts: the suspension
    /// (<see cref="SuspensionState"/>), the cap year (<see cref="CapYearState"/>), the quiet days (<see cref="QuietDays"/>),
    /// the version in force (<see cref="VersionInForce"/>) and the deciding window (<see cref="DecidingWindow"/>), over a
    /// fixed <see cref="ReplayCalendar"/>. docs/engine.md describes the state machine.
    /// </summary>
    internal sealed class ThresholdRun
    {
        private readonly CompiledPolicy policy;
        private readonly LocalDate start;
        private readonly int length;
        private readonly Func<CountingRule, int[]> countedFor;
        private readonly bool[]? missing;
        private readonly RuleVersion initial;
        private readonly ReplayCalendar calendar;
        private readonly ThresholdEventText text;
        private readonly List<Determination> determinations = [];
        private readonly List<Transition> transitions = [];

        private SuspensionState state;
        private CapYearState cap;
        private QuietDays quiet;
        private VersionInForce version;
        private DecidingWindow window;

        /// <param name="countedFor">Each day's count under a counting rule; read only up to the day being closed.</param>
        /// <param name="missing">Missing-day flags, or null when no day is missing.</param>
        public ThresholdRun(CompiledPolicy policy, LocalDate start, int length, Func<CountingRule, int[]> countedFor, bool[]? missing)
        {
            this.policy = policy;
            this.start = start;
            this.length = length;
            this.countedFor = countedFor;
            this.missing = missing;
            initial = policy.VersionOn(policy.InForce);
            calendar = new ReplayCalendar(policy, initial, start);
            text = new ThresholdEventText(policy, start);
            Reset();
        }

        public IReadOnlyList<Determination> Determinations => determinations;

        public IReadOnlyList<Transition> Transitions => transitions;

        private int CapCount => calendar.Caps.Length;

        /// <summary>Back to the state before the first day: the policy's initial status, nothing pending, no events.</summary>
        public void Reset()
        {
            determinations.Clear();
            transitions.Clear();
            state = SuspensionState.Initial(initial);
            if (calendar.InForce >= 0 && calendar.InForce < length && initial.InitialActive)
            {
                transitions.Add(new Transition(start, calendar.InForce, true, TransitionCause.InForce, int.MinValue, policy.Policy.InForce.Citation, null, null, false));
            }

            cap = new CapYearState { Year = calendar.CapYearOn(calendar.First), ActiveDays = 0 };
            quiet = new QuietDays { Until = int.MinValue };
            UseVersion(calendar.VersionOn(calendar.First));
        }

        private void UseVersion(int vi)
        {
            version = new VersionInForce(vi, policy.Versions[vi], calendar.VersionStarts[vi + 1]);
            // The first close under this version rebuilds the window from a look-back.
            window.Stale = true;
        }

        /// <summary>The replay caveat when the series starts after the in-force date, else null.</summary>
        private string? Caveat => calendar.InForce < 0
            ? $"The series starts {start:yyyy-MM-dd}, after the in-force date {policy.InForce:yyyy-MM-dd}; the replay assumes the status on the first day was {(initial.InitialActive ? "active" : "inactive")} with nothing pending" + (CapCount > 0 ? ", and counts capped days only from the series start." : ".")
            : null;

        /// <summary>
        /// Day <paramref name="i"/>'s status: the version in force, the sunset, the effects of earlier determinations and
        /// the year's cap. Days must be opened in order, each closed before the next is opened.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public DayStatus OpenDay(int i)
        {
            // A quiet day (before the next day on which anything but the cap count can change): the state holds.
            if (i < quiet.Until)
            {
                cap.ActiveDays += quiet.CapCount;
                return state.Status;
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
        /// Sets the quiet days: those after <paramref name="i"/> up to <see cref="QuietDays.Until"/> (exclusive) have no
        /// version change, sunset, pending effect, cap year or cap exhaustion, so their status is <paramref name="status"/>
        /// (the state) and the only change is one more day counted against an active capped year. A determination made
        /// meanwhile shortens them (<see cref="Pending"/>).
        /// </summary>
        private void Quiet(int i, DayStatus status)
        {
            if (!InForce(i, calendar.First) || state.Expired || status != state.Status)
            {
                quiet.Until = int.MinValue;
                return;
            }

            quiet.Until = QuietLimit(i, length);
            quiet.CapCount = cap.Year < CapCount && state.Status == DayStatus.Active ? 1 : 0;
        }

        /// <summary>
        /// The first day after <paramref name="i"/> (at most <paramref name="stop"/>) on which more than the window and
        /// the cap count can change: a version change, the sunset, a pending effect, a new cap year, or the day the
        /// year's cap is used up. Shared by <see cref="Quiet"/> and <see cref="FastForward"/>.
        /// </summary>
        private int QuietLimit(int i, int stop)
        {
            var limit = Math.Min(stop, Math.Min(version.NextStart, calendar.Sunset));
            limit = state.Deactivation.IsPending ? Math.Min(limit, state.Deactivation.Day) : limit;
            limit = state.Activation.IsPending ? Math.Min(limit, state.Activation.Day) : limit;
            if (cap.Year < CapCount)
            {
                limit = Math.Min(limit, calendar.CapYearStarts[cap.Year + 1]);
                if (state.Status == DayStatus.Active)
                {
                    // Days i+1 .. i+(cap − used) are counted; the next one reaches the cap.
                    limit = (int)Math.Min(limit, i + 1L + (calendar.Caps[cap.Year] - cap.ActiveDays));
                }
            }

            return limit;
        }

        /// <summary>A determination's effect is now pending on <paramref name="effective"/>: the quiet days end there at the latest.</summary>
        private void Pending(int effective) => quiet.Until = Math.Min(quiet.Until, effective);

        private DayStatus OpenDayInFull(int i)
        {
            if (!InForce(i, calendar.First))
            {
                return DayStatus.NotInForce;
            }

            if (state.Expired)
            {
                return DayStatus.Expired;
            }

            // The rare steps (a new version, the sunset, an effect taking hold, a cap) are out of line: this runs every
            // day of a simulated path, and the small common path compiles into the caller's loop.
            if (VersionSwitches(i, version.NextStart))
            {
                NextVersion(i);
            }

            if (SunsetReached(i, calendar.Sunset))
            {
                return Expire(i);
            }

            if (TakesEffect(i, state.Deactivation.Day) || TakesEffect(i, state.Activation.Day))
            {
                TakeEffect(i);
            }

            if (CapCount > 0)
            {
                CountCapDay(i);
            }

            return state.Status;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private void NextVersion(int i)
        {
            var vi = version.Index;
            do
            {
                vi++;
            }
            while (VersionSwitches(i, calendar.VersionStarts[vi + 1]));
            UseVersion(vi);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private DayStatus Expire(int i)
        {
            if (state.Status == DayStatus.Active)
            {
                transitions.Add(new Transition(start, i, false, TransitionCause.Sunset, int.MinValue, null, version.Version, "sunset.years", false));
            }

            state.Expired = true;
            state.Activation = state.Deactivation = PendingEffect.None;
            return DayStatus.Expired;
        }

        /// <summary>The pending deactivation, then the pending activation, that take effect on day <paramref name="i"/>.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private void TakeEffect(int i)
        {
            if (TakesEffect(i, state.Deactivation.Day))
            {
                var from = state.Deactivation.DeterminedOn;
                state.Deactivation = PendingEffect.None;
                if (state.Status == DayStatus.Active)
                {
                    state.Status = DayStatus.Inactive;
                    transitions.Add(new Transition(start, i, false, TransitionCause.Determination, from, null, version.Version, "deactivate.effective_days", false));
                }
            }

            if (TakesEffect(i, state.Activation.Day))
            {
                var from = state.Activation.DeterminedOn;
                state.Activation = PendingEffect.None;
                if (state.Status == DayStatus.Inactive)
                {
                    state.Status = DayStatus.Active;
                    transitions.Add(new Transition(start, i, true, TransitionCause.Determination, from, null, version.Version, "activate.effective_days", false));
                }
            }
        }

        /// <summary>The year's cap of active days on day <paramref name="i"/>: a new cap year, a day counted, or the cap reached.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void CountCapDay(int i)
        {
            if (cap.Year < CapCount && NewCapYear(i, calendar.CapYearStarts[cap.Year + 1]))
            {
                cap.Year++;
                cap.ActiveDays = 0;
                if (state.Status == DayStatus.CapReached)
                {
                    state.Status = DayStatus.Inactive;
                }
            }

            if (state.Status == DayStatus.Active && cap.Year < CapCount)
            {
                if (CapReached(cap.ActiveDays, calendar.Caps[cap.Year]))
                {
                    ReachCap(i);
                }
                else
                {
                    cap.ActiveDays++;
                }
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private void ReachCap(int i)
        {
            state.Status = DayStatus.CapReached;
            state.Deactivation = PendingEffect.None;
            transitions.Add(new Transition(start, i, false, TransitionCause.CapReached, int.MinValue, version.Version.Values[ThresholdEventText.CapParameter(cap.Year)].Citation, null, null, false));
        }

        /// <summary>
        /// The determination made during day <paramref name="i"/> (already opened), reading the window ending on
        /// i − lag; the counts must be known up to that day.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void CloseDay(int i)
        {
            if (!InForce(i, calendar.First) || state.Expired)
            {
                return;
            }

            if (window.Stale)
            {
                Enter(WindowEndFor(i, version.Lag));
            }
            else
            {
                window.Slide(missing);
            }

            if (!window.Readable)
            {
                return;
            }

            var active = state.Status == DayStatus.Active;
            if (DeactivationOpen(active, state.Deactivation.Day))
            {
                if (StreakReached(window.Streak, version.StreakDays))
                {
                    DecideDeactivation(i);
                }
            }
            else if (CancellationOpen(active, state.Deactivation.Day, version.Version.CancelledByActivation))
            {
                if (MayActivateNow() && ActivationTrigger.Test(version.Version, window.Sum, window.Counted[window.End]) is { } trigger)
                {
                    DecideCancellation(i, trigger);
                }
            }
            else if (ActivationOpen(state.Status == DayStatus.Inactive, state.Activation.Day) && MayActivateNow()
                && ActivationTrigger.Test(version.Version, window.Sum, window.Counted[window.End]) is { } trigger)
            {
                DecideActivation(i, trigger);
            }
        }

        /// <summary>
        /// The integer pre-test of <see cref="ActivationTrigger.Test"/> (as on the fast path): false exactly when none of
        /// its tests can pass, so the exact test, with its decimal thresholds, runs only on days that may activate.
        /// </summary>
        private bool MayActivateNow() => MayActivate(window.Sum, window.Counted[window.End], version.ActivateSum, version.SingleDayBound, version.DiscretionarySum);

        [MethodImpl(MethodImplOptions.NoInlining)]
        private void DecideDeactivation(int i)
        {
            var v = version.Version;
            state.Deactivation = new PendingEffect(EffectiveDay(i, v.DeactivateEffectiveDays), i);
            Pending(state.Deactivation.Day);
            determinations.Add(text.Deactivation(i, window.End, window.Sum, v.DeactivationLevel(state.ActivatedAt), version.Index));
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private void DecideCancellation(int i, ActivationTrigger trigger)
        {
            determinations.Add(text.Activation(i, window.End, window.Sum, window.Counted[window.End], trigger, version.Index, DeterminationKind.DeactivationCancelled, int.MinValue));
            state.Deactivation = PendingEffect.None;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private void DecideActivation(int i, ActivationTrigger trigger)
        {
            state.Activation = new PendingEffect(EffectiveDay(i, version.Version.ActivateEffectiveDays), i);
            Pending(state.Activation.Day);
            determinations.Add(text.Activation(i, window.End, window.Sum, window.Counted[window.End], trigger, version.Index, DeterminationKind.Activation, state.Activation.Day));
            if (trigger.Base != state.ActivatedAt)
            {
                // A relative deactivation level follows the threshold that activated: rebuild the streak for it.
                state.ActivatedAt = trigger.Base;
                Enter(window.End);
            }
        }

        /// <summary>The batch replay of the whole series, with the fast path between boundaries unless told not to.</summary>
        public SuspensionTimeline Execute(EncounterSeries series, bool fastPath)
        {
            var status = new DayStatus[length];
            for (var i = calendar.First; i < length; i++)
            {
                status[i] = OpenDay(i);
                if (state.Expired)
                {
                    status.AsSpan(i).Fill(DayStatus.Expired);
                    break;
                }

                CloseDay(i);
                // Series with gaps stay on the slow path.
                if (fastPath && missing is null && WindowComplete(window.End, window.Days))
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
                if (CanFastForward(i))
                {
                    i = FastForward(i, to, ref sink) - 1;
                }
            }
        }

        /// <summary>The timeline of the days replayed, with the effects still pending after the last day.</summary>
        public SuspensionTimeline Finish(EncounterSeries series, DayStatus[] status)
        {
            var all = new List<Transition>(transitions);
            var last = policy.Versions[^1];
            if (state.Deactivation.Day >= length)
            {
                all.Add(new Transition(start, state.Deactivation.Day, false, TransitionCause.Determination, state.Deactivation.DeterminedOn, null, last, "deactivate.effective_days", true));
            }

            if (state.Activation.Day >= length)
            {
                all.Add(new Transition(start, state.Activation.Day, true, TransitionCause.Determination, state.Activation.DeterminedOn, null, last, "activate.effective_days", true));
            }

            return new SuspensionTimeline(policy, series, status, [.. determinations], all, Caveat);
        }

        /// <summary>
        /// Fast path after day <paramref name="i"/> closed: the following days up to the next boundary (version, sunset,
        /// pending effect, cap year, cap exhaustion, day <paramref name="stop"/>) can only slide the window and perhaps yield
        /// one determination, so run them in a tight loop per state on locals, each day given to <paramref name="sink"/>
        /// with its status. Returns the first day not replayed. The loops test the same predicates as
        /// <see cref="CloseDay"/>, with the window known complete and gap-free.
        /// </summary>
        private int FastForward<TSink>(int i, int stop, ref TSink sink)
            where TSink : struct, IDaySink, allows ref struct
        {
            var segment = BeginFast(i, stop);
            var limit = segment.Limit;
            var status = segment.Status;

            // Locals, not fields, so the JIT keeps the per-day state in registers; stored back before any decision.
            var (c, days, end, s, level, run) = (window.Counted, window.Days, segment.End, segment.Sum, segment.LevelSum, segment.Streak);
            var (streakDays, activateSum, singleDay, discretionary) = (version.StreakDays, version.ActivateSum, version.SingleDayBound, version.DiscretionarySum);
            var j = i + 1;
            var decided = false;
            unchecked
            {
                if (segment.Mode == FastMode.Deactivation)
                {
                    for (; j < limit; j++)
                    {
                        // The day's status first: a model may count the day from it, and with a lag of 0 the window
                        // ending today reads that count.
                        sink.Day(j, DayStatus.Active);
                        end++;
                        s += c[end] - c[end - days];
                        run = NextStreak(run, BelowDeactivationLevel(s, level));
                        if (StreakReached(run, streakDays))
                        {
                            decided = true;
                            break;
                        }
                    }
                }
                else if (segment.Mode == FastMode.Activation)
                {
                    for (; j < limit; j++)
                    {
                        sink.Day(j, status);
                        end++;
                        s += c[end] - c[end - days];
                        run = NextStreak(run, BelowDeactivationLevel(s, level));
                        if (MayActivate(s, c[end], activateSum, singleDay, discretionary))
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
                        sink.Day(j, status);
                        end++;
                        s += c[end] - c[end - days];
                        run = NextStreak(run, BelowDeactivationLevel(s, level));
                    }
                }
            }

            (segment.End, segment.Sum, segment.Streak) = (end, s, run);
            return EndFast(in segment, j, decided);
        }

        /// <summary>
        /// Whether the days after day <paramref name="i"/> (just closed) may run on a fast path: in force, not expired, no
        /// missing day, and the window built under the version in force. The batch loop and the lane kernel ask the same.
        /// </summary>
        internal bool CanFastForward(int i) => InForce(i, calendar.First) && !state.Expired && missing is null && WindowComplete(window.End, window.Days);

        /// <summary>The lag of the version in force: a window read on day d ends on d − lag.</summary>
        internal int Lag => version.Lag;

        /// <summary>Index in <see cref="CompiledPolicy.Versions"/> of the version in force.</summary>
        internal int VersionIndex => version.Index;

        /// <summary>
        /// Starts a fast segment after day <paramref name="i"/> closed (<see cref="CanFastForward"/> true): the days up to
        /// <see cref="FastSegment.Limit"/> (the next possible event, at most <paramref name="stop"/>) keep the status and
        /// can only slide the window and perhaps yield one determination, of the kind <see cref="FastSegment.Mode"/> says.
        /// The scalar fast path (<see cref="FastForward"/>) and the lane kernel (<see cref="LaneSuspensionReplay"/>) run
        /// such a segment each in its own loop, over the same predicates, and hand it back with <see cref="EndFast"/>.
        /// </summary>
        internal FastSegment BeginFast(int i, int stop)
        {
            var status = state.Status;
            var active = status == DayStatus.Active;
            var mode = DeactivationOpen(active, state.Deactivation.Day) ? FastMode.Deactivation
                : CancellationOpen(active, state.Deactivation.Day, version.Version.CancelledByActivation) || ActivationOpen(status == DayStatus.Inactive, state.Activation.Day) ? FastMode.Activation
                : FastMode.SlideOnly;
            return new FastSegment
            {
                From = i,
                Limit = QuietLimit(i, stop),
                Mode = mode,
                Status = status,
                ActiveCapped = active && cap.Year < CapCount,
                End = window.End,
                Sum = window.Sum,
                LevelSum = window.LevelSum,
                Streak = window.Streak,
                WindowDays = window.Days,
                StreakDays = version.StreakDays,
                ActivateSum = version.ActivateSum,
                SingleDayBound = version.SingleDayBound,
                DiscretionarySum = version.DiscretionarySum,
            };
        }

        /// <summary>
        /// Ends a fast segment on day <paramref name="j"/>: the first day not run when nothing was decided, or the day
        /// whose window (<see cref="FastSegment.End"/>, <see cref="FastSegment.Sum"/>, <see cref="FastSegment.Streak"/>)
        /// passed the segment's test when <paramref name="decided"/>. The window goes back to the kernel; a decision is
        /// made by the slow path's own code (the exact test names the trigger); the days run count against an active
        /// capped year. Returns the first day not replayed.
        /// </summary>
        internal int EndFast(in FastSegment segment, int j, bool decided)
        {
            (window.End, window.Sum, window.Streak) = (segment.End, segment.Sum, segment.Streak);
            if (decided)
            {
                var active = segment.Status == DayStatus.Active;
                // The exact test and the determination are the slow path's own.
                if (DeactivationOpen(active, state.Deactivation.Day))
                {
                    DecideDeactivation(j);
                }
                else if (ActivationTrigger.Test(version.Version, window.Sum, window.Counted[window.End]) is { } trigger)
                {
                    if (active)
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

            if (segment.ActiveCapped)
            {
                cap.ActiveDays += j - (segment.From + 1);
            }

            return j;
        }

        /// <summary>Rebuilds the deciding window ending on <paramref name="end"/> under the version in force.</summary>
        private void Enter(int end)
        {
            var v = version.Version;
            window = DecidingWindow.Build(countedFor(v.Counting), missing, length, end, v.WindowDays, v.SumThreshold(v.DeactivationLevel(state.ActivatedAt)), v.StreakDays);
        }
    }
}
