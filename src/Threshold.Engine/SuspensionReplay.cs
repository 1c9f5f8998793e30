using System.Globalization;
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

    /// <summary>As <see cref="Run(CompiledPolicy, EncounterSeries)"/>; <paramref name="fastPath"/> false forces the day-by-day path (tests prove both agree).</summary>
    internal static SuspensionTimeline Run(CompiledPolicy policy, EncounterSeries series, bool fastPath)
    {
        RequireColumns(policy, series);
        return policy.Policy.Mechanism == MechanismKind.EncounterThreshold
            ? new ThresholdRun(policy, series, fastPath).Execute()
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
    /// The streaming kernel: one pass over the days, keeping only the running window sum, the gap count and the
    /// deactivation streak for the version in force, rebuilt from a short look-back when the version or the
    /// deactivation level changes. It allocates the status array and the (rare) events, nothing per day.
    /// </summary>
    private sealed class ThresholdRun(CompiledPolicy policy, EncounterSeries series, bool fastPath) : IEventText
    {
        private readonly List<Determination> determinations = [];
        private readonly List<Transition> transitions = [];
        private readonly LocalDate start = series.Start;

        /// <summary>Window state for the version in force: the sum and gaps of the window ending on day W, and the streak ending there.</summary>
        private struct Window
        {
            public int[] Counted;
            public int Days;
            public int W;
            public long Sum;
            public int Gaps;
            public long LevelSum;
            public int Streak;
        }

        private int Index(LocalDate date) => Period.DaysBetween(start, date);

        public SuspensionTimeline Execute()
        {
            var n = series.Length;
            var versions = policy.Versions;
            var status = new DayStatus[n];
            var inForceIndex = Index(policy.InForce);
            var initial = policy.VersionOn(policy.InForce);
            var missing = series.MissingFlags;
            var hasGaps = !missing.IsEmpty;

            var versionStart = new int[versions.Count + 1];
            for (var v = 1; v < versions.Count; v++)
            {
                versionStart[v] = Index(versions[v].From);
            }

            versionStart[0] = int.MinValue;
            versionStart[versions.Count] = int.MaxValue;

            var sunsetIndex = initial.SunsetYears is { } years ? Index(policy.InForce.PlusYears(years)) : int.MaxValue;
            var caps = initial.CapDays;
            var capCount = caps.Count;
            var yearStarts = new int[capCount + 1];
            for (var y = 0; y <= capCount; y++)
            {
                yearStarts[y] = Index(policy.InForce.PlusYears(y));
            }

            var first = Math.Max(0, inForceIndex);
            string? caveat = null;
            if (inForceIndex < 0)
            {
                caveat = $"The series starts {start:yyyy-MM-dd}, after the in-force date {policy.InForce:yyyy-MM-dd}; the replay assumes the status on the first day was {(initial.InitialActive ? "active" : "inactive")} with nothing pending" + (capCount > 0 ? ", and counts capped days only from the series start." : ".");
            }

            var state = initial.InitialActive ? DayStatus.Active : DayStatus.Inactive;
            if (inForceIndex >= 0 && inForceIndex < n && initial.InitialActive)
            {
                transitions.Add(new Transition(start, inForceIndex, true, TransitionCause.InForce, int.MinValue, policy.Policy.InForce.Citation, null, null, false));
            }

            var pendingDeactivation = -1;
            var pendingDeactivationFrom = 0;
            var pendingActivation = -1;
            var pendingActivationFrom = 0;
            var activatedAt = initial.ActivateThreshold;
            var year = 0;
            while (year < capCount && yearStarts[year + 1] <= first)
            {
                year++;
            }

            var activeThisYear = 0;
            var vi = 0;
            while (versionStart[vi + 1] <= first)
            {
                vi++;
            }

            var version = versions[vi];
            var lag = version.LagDays;
            var activateSum = version.ActivateSum;
            var (singleDayMin, discretionaryMin) = QuickActivation(version);
            var streakDays = version.StreakDays;
            var nextVersion = versionStart[vi + 1];
            // Locals, not fields, so the JIT keeps the per-day state in registers.
            var win = default(Window);
            if (first < n)
            {
                // Enter at the day before, so the first iteration slides onto the window its determination reads.
                win = EnterVersion(version, first - lag - 1, version.SumThreshold(version.DeactivationLevel(activatedAt)));
            }

            var counted = win.Counted ?? [];
            var window = win.Days;
            var w = win.W;
            var sum = win.Sum;
            var gaps = win.Gaps;
            var levelSum = win.LevelSum;
            var streak = win.Streak;

            for (var i = first; i < n; i++)
            {
                if (i >= nextVersion)
                {
                    do
                    {
                        vi++;
                    }
                    while (i >= versionStart[vi + 1]);
                    version = versions[vi];
                    lag = version.LagDays;
                    activateSum = version.ActivateSum;
                    (singleDayMin, discretionaryMin) = QuickActivation(version);
                    streakDays = version.StreakDays;
                    nextVersion = versionStart[vi + 1];
                    win = EnterVersion(version, i - lag, version.SumThreshold(version.DeactivationLevel(activatedAt)));
                    (counted, window, w, sum, gaps, levelSum, streak) = (win.Counted, win.Days, win.W, win.Sum, win.Gaps, win.LevelSum, win.Streak);
                }
                else
                {
                    // Slide the window read by day i's determination one day on, and extend the streak. Unchecked:
                    // counts are at most 10^7 a day and windows at most 366 days, so a long sum cannot overflow.
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

                            if (hasGaps)
                            {
                                gaps += (missing[end] ? 1 : 0) - (leaving >= 0 && missing[leaving] ? 1 : 0);
                            }
                        }

                        streak = end >= window - 1 && gaps == 0 && sum < levelSum ? streak + 1 : 0;
                    }
                }

                if (i >= sunsetIndex)
                {
                    if (state == DayStatus.Active)
                    {
                        transitions.Add(new Transition(start, i, false, TransitionCause.Sunset, int.MinValue, null, version, "sunset.years", false));
                    }

                    status.AsSpan(i).Fill(DayStatus.Expired);
                    pendingActivation = pendingDeactivation = -1;
                    break;
                }

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

                if (capCount > 0)
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
                            state = DayStatus.CapReached;
                            pendingDeactivation = -1;
                            transitions.Add(new Transition(start, i, false, TransitionCause.CapReached, int.MinValue, version.Values[CapParameter(year)].Citation, null, null, false));
                        }
                        else
                        {
                            activeThisYear++;
                        }
                    }
                }

                status[i] = state;

                // The determination made during day i reads the window ending on w = i − lag.
                if (w < window - 1 || gaps != 0)
                {
                    continue;
                }

                if (state == DayStatus.Active)
                {
                    if (pendingDeactivation < 0)
                    {
                        if (streak >= streakDays)
                        {
                            pendingDeactivation = i + version.DeactivateEffectiveDays;
                            pendingDeactivationFrom = i;
                            determinations.Add(Deactivation(i, w, sum, version.DeactivationLevel(activatedAt), vi));
                        }
                    }
                    else if (version.CancelledByActivation && ActivationTest(version, sum, activateSum, counted[w]) is { } trigger)
                    {
                        determinations.Add(Activation(i, w, sum, counted[w], trigger, vi, DeterminationKind.DeactivationCancelled, int.MinValue));
                        pendingDeactivation = -1;
                    }
                }
                else if (state == DayStatus.Inactive && pendingActivation < 0 && ActivationTest(version, sum, activateSum, counted[w]) is { } trigger)
                {
                    pendingActivation = i + version.ActivateEffectiveDays;
                    pendingActivationFrom = i;
                    determinations.Add(Activation(i, w, sum, counted[w], trigger, vi, DeterminationKind.Activation, pendingActivation));
                    if (trigger.Base != activatedAt)
                    {
                        // A relative deactivation level follows the threshold that activated: rebuild the streak for it.
                        activatedAt = trigger.Base;
                        win = EnterVersion(version, w, version.SumThreshold(version.DeactivationLevel(activatedAt)));
                        (counted, window, w, sum, gaps, levelSum, streak) = (win.Counted, win.Days, win.W, win.Sum, win.Gaps, win.LevelSum, win.Streak);
                    }
                }

                // Fast path: the following days up to the next boundary (version, sunset, pending effect, cap year,
                // cap exhaustion, series end) can only slide the window and perhaps yield one determination, so run
                // them in a tight loop per state, as a hand-written loop would. Series with gaps stay on the slow path.
                if (!fastPath || hasGaps || w < window - 1)
                {
                    continue;
                }

                var limit = Math.Min(n, Math.Min(nextVersion, sunsetIndex));
                if (pendingDeactivation >= 0)
                {
                    limit = Math.Min(limit, pendingDeactivation);
                }

                if (pendingActivation >= 0)
                {
                    limit = Math.Min(limit, pendingActivation);
                }

                var activeCapped = capCount > 0 && state == DayStatus.Active && year < capCount;
                if (capCount > 0 && year < capCount)
                {
                    limit = Math.Min(limit, yearStarts[year + 1]);
                    if (activeCapped)
                    {
                        limit = Math.Min(limit, i + 1 + (caps[year] - activeThisYear));
                    }
                }

                var j = i + 1;
                unchecked
                {
                    if (state == DayStatus.Active && pendingDeactivation < 0)
                    {
                        for (; j < limit; j++)
                        {
                            w++;
                            sum += counted[w] - counted[w - window];
                            streak = sum < levelSum ? streak + 1 : 0;
                            status[j] = DayStatus.Active;
                            if (streak >= streakDays)
                            {
                                pendingDeactivation = j + version.DeactivateEffectiveDays;
                                pendingDeactivationFrom = j;
                                determinations.Add(Deactivation(j, w, sum, version.DeactivationLevel(activatedAt), vi));
                                j++;
                                break;
                            }
                        }
                    }
                    else if (state == DayStatus.Active && version.CancelledByActivation)
                    {
                        for (; j < limit; j++)
                        {
                            w++;
                            sum += counted[w] - counted[w - window];
                            streak = sum < levelSum ? streak + 1 : 0;
                            status[j] = DayStatus.Active;
                            if ((sum >= activateSum || counted[w] >= singleDayMin || sum >= discretionaryMin) && ActivationTest(version, sum, activateSum, counted[w]) is { } cancel)
                            {
                                determinations.Add(Activation(j, w, sum, counted[w], cancel, vi, DeterminationKind.DeactivationCancelled, int.MinValue));
                                pendingDeactivation = -1;
                                j++;
                                break;
                            }
                        }
                    }
                    else if (state == DayStatus.Inactive && pendingActivation < 0)
                    {
                        for (; j < limit; j++)
                        {
                            w++;
                            sum += counted[w] - counted[w - window];
                            streak = sum < levelSum ? streak + 1 : 0;
                            status[j] = DayStatus.Inactive;
                            if ((sum >= activateSum || counted[w] >= singleDayMin || sum >= discretionaryMin) && ActivationTest(version, sum, activateSum, counted[w]) is { } trigger)
                            {
                                pendingActivation = j + version.ActivateEffectiveDays;
                                pendingActivationFrom = j;
                                determinations.Add(Activation(j, w, sum, counted[w], trigger, vi, DeterminationKind.Activation, pendingActivation));
                                if (trigger.Base != activatedAt)
                                {
                                    activatedAt = trigger.Base;
                                    win = EnterVersion(version, w, version.SumThreshold(version.DeactivationLevel(activatedAt)));
                                    (counted, window, w, sum, gaps, levelSum, streak) = (win.Counted, win.Days, win.W, win.Sum, win.Gaps, win.LevelSum, win.Streak);
                                }

                                j++;
                                break;
                            }
                        }
                    }
                    else
                    {
                        // Nothing to determine (e.g. a wind-down that cannot be cancelled, or a cap reached): only slide.
                        for (; j < limit; j++)
                        {
                            w++;
                            sum += counted[w] - counted[w - window];
                            streak = sum < levelSum ? streak + 1 : 0;
                            status[j] = state;
                        }
                    }

                    if (activeCapped)
                    {
                        activeThisYear += j - (i + 1);
                    }
                }

                i = j - 1;
            }

            var last = versions[^1];
            if (pendingDeactivation >= n)
            {
                transitions.Add(new Transition(start, pendingDeactivation, false, TransitionCause.Determination, pendingDeactivationFrom, null, last, "deactivate.effective_days", true));
            }

            if (pendingActivation >= n)
            {
                transitions.Add(new Transition(start, pendingActivation, true, TransitionCause.Determination, pendingActivationFrom, null, last, "activate.effective_days", true));
            }

            return new SuspensionTimeline(policy, series, status, determinations, transitions, caveat);
        }

        /// <summary>Rebuilds the window sum, gap count and streak ending on <paramref name="end"/> under <paramref name="v"/>.</summary>
        private Window EnterVersion(RuleVersion v, int end, long level)
        {
            var counted = series.CountedFor(v.Counting);
            var days = v.WindowDays;
            long sum = 0;
            var gaps = 0;
            for (var k = Math.Max(0, end - days + 1); k <= end && k < counted.Length; k++)
            {
                sum += counted[k];
                gaps += IsMissing(k) ? 1 : 0;
            }

            // The streak only matters up to the days the rule needs; look back no further.
            var streak = 0;
            var (s, g) = (sum, gaps);
            for (var k = end; k >= days - 1 && streak < v.StreakDays; k--)
            {
                if (k != end)
                {
                    // Slide the window back one day: add the day entering on the left, drop day k+1.
                    s += counted[k - days + 1] - counted[k + 1];
                    g += (IsMissing(k - days + 1) ? 1 : 0) - (IsMissing(k + 1) ? 1 : 0);
                }

                if (g != 0 || s >= level)
                {
                    break;
                }

                streak++;
            }

            return new Window { Counted = counted, Days = days, W = end, Sum = sum, Gaps = gaps, LevelSum = level, Streak = streak };
        }

        private bool IsMissing(int k) => k >= 0 && k < series.Length && series.IsMissing(k);

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

    private static SuspensionTimeline RunSupplied(CompiledPolicy policy, EncounterSeries series)
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
        foreach (var d in policy.SecretaryDeterminations)
        {
            if (d.Date < policy.InForce)
            {
                throw new ReplayRequestException($"--determination {d.Date:yyyy-MM-dd}: made before the in-force date {policy.InForce:yyyy-MM-dd}");
            }

            var effective = d.Date.PlusDays(lag);
            var vi = policy.VersionIndexOn(d.Date);
            determinations.Add(new Determination(
                d.Date, 0, d.Active ? DeterminationKind.Activation : DeterminationKind.Deactivation, DeterminationTrigger.Supplied, 0, 0, 0, null, 0, 0, int.MinValue, lag, vi, null, text));
            effectiveByIndex[Period.Between(start, effective, PeriodUnits.Days).Days] = d;
        }

        var inForceIndex = Period.Between(start, policy.InForce, PeriodUnits.Days).Days;
        var active = defaultActive.Value.Flag;
        if (inForceIndex < 0)
        {
            caveat = $"The series starts after the in-force date {policy.InForce:yyyy-MM-dd}; determinations before the series start are taken into account.";
            foreach (var d in policy.SecretaryDeterminations.Where(d => d.Date.PlusDays(lag) <= start))
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

        foreach (var d in policy.SecretaryDeterminations.Where(d => d.Date.PlusDays(lag) > series.End))
        {
            var effective = d.Date.PlusDays(lag);
            transitions.Add(new Transition(d.Date, Period.DaysBetween(d.Date, effective), d.Active, TransitionCause.Determination, 0, effectiveDays.Citation, null, null, true));
        }

        return new SuspensionTimeline(policy, series, status, determinations, transitions, caveat);
    }
}
