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
    public static SuspensionTimeline Run(CompiledPolicy policy, EncounterSeries series)
    {
        RequireColumns(policy, series);
        var counts = new ReplayCounts(policy, series);
        return policy.Policy.Mechanism == MechanismKind.EncounterThreshold
            ? new ThresholdRun(policy, series, counts).Execute()
            : RunSupplied(policy, series, counts);
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

    private sealed class ThresholdRun(CompiledPolicy policy, EncounterSeries series, ReplayCounts counts)
    {
        private readonly List<Determination> determinations = [];
        private readonly List<Transition> transitions = [];
        private readonly List<string> caveats = [.. policy.Policy.Caveats];
        private readonly LocalDate start = series.Start;

        private int Index(LocalDate date) => Period.Between(start, date, PeriodUnits.Days).Days;

        private LocalDate Date(int index) => start.PlusDays(index);

        public SuspensionTimeline Execute()
        {
            var n = series.Length;
            var versions = policy.Versions;
            var status = new DayStatus[n];
            var pending = new LocalDate?[n];
            var inForceIndex = Index(policy.InForce);
            var initial = policy.VersionOn(policy.InForce);

            var versionStart = new int[versions.Count + 1];
            for (var v = 0; v < versions.Count; v++)
            {
                versionStart[v] = v == 0 ? int.MinValue : Index(versions[v].From);
            }

            versionStart[versions.Count] = int.MaxValue;

            var sunsetIndex = initial.SunsetYears is { } years ? Index(policy.InForce.PlusYears(years)) : int.MaxValue;
            var caps = initial.CapDays;
            var yearStarts = new int[caps.Count + 1];
            for (var y = 0; y <= caps.Count; y++)
            {
                yearStarts[y] = Index(policy.InForce.PlusYears(y));
            }

            var first = Math.Max(0, inForceIndex);
            if (inForceIndex < 0)
            {
                caveats.Add($"The series starts {start:yyyy-MM-dd}, after the in-force date {policy.InForce:yyyy-MM-dd}; the replay assumes the status on the first day was {(initial.InitialActive ? "active" : "inactive")} with nothing pending" + (caps.Count > 0 ? ", and counts capped days only from the series start." : "."));
            }

            var state = initial.InitialActive ? DayStatus.Active : DayStatus.Inactive;
            if (inForceIndex >= 0 && inForceIndex < n && initial.InitialActive)
            {
                transitions.Add(new Transition(policy.InForce, EasternTime.TransitionInstant(policy.InForce), true, TransitionCause.InForce, null, policy.Policy.InForce.Citation, false));
            }

            var pendingDeactivation = -1;
            var pendingDeactivationFrom = default(LocalDate);
            var pendingActivation = -1;
            var pendingActivationFrom = default(LocalDate);
            var activatedAt = initial.ActivateThreshold;
            var year = 0;
            while (year < caps.Count && yearStarts[year + 1] <= first)
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
            var sums = counts.Sums(vi);
            var countedArray = counts.CountedArray(vi);
            int[]? streak = null;
            long streakLevel = -1;
            var streakVersion = -1;

            for (var i = 0; i < first && i < n; i++)
            {
                status[i] = DayStatus.NotInForce;
            }

            for (var i = first; i < n; i++)
            {
                if (i >= versionStart[vi + 1])
                {
                    do
                    {
                        vi++;
                    }
                    while (i >= versionStart[vi + 1]);
                    version = versions[vi];
                    sums = counts.Sums(vi);
                    countedArray = counts.CountedArray(vi);
                }

                if (i >= sunsetIndex)
                {
                    if (state == DayStatus.Active)
                    {
                        transitions.Add(new Transition(Date(i), EasternTime.TransitionInstant(Date(i)), false, TransitionCause.Sunset, null, version.Values["sunset.years"].Citation, false));
                    }

                    for (var j = i; j < n; j++)
                    {
                        status[j] = DayStatus.Expired;
                    }

                    pendingActivation = pendingDeactivation = -1;
                    break;
                }

                if (i == pendingDeactivation)
                {
                    pendingDeactivation = -1;
                    if (state == DayStatus.Active)
                    {
                        state = DayStatus.Inactive;
                        transitions.Add(new Transition(Date(i), EasternTime.TransitionInstant(Date(i)), false, TransitionCause.Determination, pendingDeactivationFrom, version.Values["deactivate.effective_days"].Citation, false));
                    }
                }

                if (i == pendingActivation)
                {
                    pendingActivation = -1;
                    if (state == DayStatus.Inactive)
                    {
                        state = DayStatus.Active;
                        transitions.Add(new Transition(Date(i), EasternTime.TransitionInstant(Date(i)), true, TransitionCause.Determination, pendingActivationFrom, version.Values["activate.effective_days"].Citation, false));
                    }
                }

                if (caps.Count > 0)
                {
                    if (year < caps.Count && i >= yearStarts[year + 1])
                    {
                        year++;
                        activeThisYear = 0;
                        if (state == DayStatus.CapReached)
                        {
                            state = DayStatus.Inactive;
                        }
                    }

                    if (state == DayStatus.Active && year < caps.Count)
                    {
                        if (activeThisYear >= caps[year])
                        {
                            state = DayStatus.CapReached;
                            pendingDeactivation = -1;
                            transitions.Add(new Transition(Date(i), EasternTime.TransitionInstant(Date(i)), false, TransitionCause.CapReached, null, version.Values[$"cap.year{year + 1}_days"].Citation, false));
                        }
                        else
                        {
                            activeThisYear++;
                        }
                    }
                }

                status[i] = state;
                if (pendingDeactivation >= 0)
                {
                    pending[i] = Date(pendingDeactivation);
                }

                // The determination made during day i reads the window ending on i − lag.
                var w = i - version.LagDays;
                if (w < 0)
                {
                    continue;
                }

                var sum = sums[w];
                if (sum < 0)
                {
                    continue;
                }

                if (state == DayStatus.Active)
                {
                    if (pendingDeactivation < 0)
                    {
                        var level = version.DeactivationLevel(activatedAt);
                        var levelSum = version.SumThreshold(level);
                        bool met;
                        if (version.StreakDays == 1)
                        {
                            met = sum < levelSum;
                        }
                        else
                        {
                            if (streakVersion != vi || streakLevel != levelSum)
                            {
                                streak = counts.Streak(vi, levelSum);
                                streakVersion = vi;
                                streakLevel = levelSum;
                            }

                            met = streak![w] >= version.StreakDays;
                        }

                        if (met)
                        {
                            pendingDeactivation = i + version.DeactivateEffectiveDays;
                            pendingDeactivationFrom = Date(i);
                            determinations.Add(Deactivation(i, w, sum, level, vi));
                        }
                    }
                    else if (version.CancelledByActivation && ActivationTest(version, sum, countedArray[w]) is { } trigger)
                    {
                        determinations.Add(Activation(i, w, sum, countedArray[w], trigger, vi, DeterminationKind.DeactivationCancelled, null));
                        pendingDeactivation = -1;
                    }
                }
                else if (state == DayStatus.Inactive && pendingActivation < 0 && ActivationTest(version, sum, countedArray[w]) is { } trigger)
                {
                    pendingActivation = i + version.ActivateEffectiveDays;
                    pendingActivationFrom = Date(i);
                    activatedAt = trigger.Base;
                    determinations.Add(Activation(i, w, sum, countedArray[w], trigger, vi, DeterminationKind.Activation, Date(pendingActivation)));
                }
            }

            var last = versions[^1];
            if (pendingDeactivation >= n)
            {
                transitions.Add(new Transition(Date(pendingDeactivation), EasternTime.TransitionInstant(Date(pendingDeactivation)), false, TransitionCause.Determination, pendingDeactivationFrom, last.Values["deactivate.effective_days"].Citation, true));
            }

            if (pendingActivation >= n)
            {
                transitions.Add(new Transition(Date(pendingActivation), EasternTime.TransitionInstant(Date(pendingActivation)), true, TransitionCause.Determination, pendingActivationFrom, last.Values["activate.effective_days"].Citation, true));
            }

            return new SuspensionTimeline(policy, series, status, pending, determinations, transitions, counts, caveats);
        }

        private readonly record struct ActivationTrigger(DeterminationTrigger Kind, decimal Threshold, decimal Base, string Parameter);

        private static ActivationTrigger? ActivationTest(RuleVersion v, long sum, int dayCount)
        {
            if (sum >= v.ActivateSum)
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
            var citations = new List<Citation>
            {
                v.Values[v.DeactivateThreshold is null ? "deactivate.fraction_of_activation_threshold" : "deactivate.threshold"].Citation,
                v.Values["deactivate.streak_days"].Citation,
                v.Values["deactivate.effective_days"].Citation,
            };
            var avg = Format((decimal)sum / v.WindowDays);
            var rule = v.StreakDays == 1
                ? $"7-day average {avg} < {Format(level)} (window {Date(w - v.WindowDays + 1):yyyy-MM-dd} to {Date(w):yyyy-MM-dd})"
                : $"each of the {v.StreakDays} consecutive days {Date(w - v.StreakDays + 1):yyyy-MM-dd} to {Date(w):yyyy-MM-dd} had a 7-day average < {Format(level)} (last: {avg})";
            rule += $"; takes effect 12:01 a.m. Eastern on {Date(i + v.DeactivateEffectiveDays):yyyy-MM-dd} (determination + {v.DeactivateEffectiveDays} days)";
            return new Determination(
                Date(i), DeterminationKind.Deactivation, DeterminationTrigger.AverageBelow, Date(w - v.WindowDays + 1), Date(w), sum, v.WindowDays, null, level,
                v.StreakDays, v.StreakDays > 1 ? Date(w - v.StreakDays + 1) : null, Date(i + v.DeactivateEffectiveDays), vi, citations, rule);
        }

        private Determination Activation(int i, int w, long sum, int dayCount, ActivationTrigger trigger, int vi, DeterminationKind kind, LocalDate? effective)
        {
            var v = policy.Versions[vi];
            var citations = new List<Citation> { v.Values[trigger.Parameter].Citation };
            if (trigger.Kind == DeterminationTrigger.DiscretionaryAverageAtOrAbove)
            {
                citations.Add(v.Values["activate.discretionary_exercised"].Citation);
            }

            citations.Add(kind == DeterminationKind.DeactivationCancelled ? v.Values["deactivate.cancelled_by_activation"].Citation : v.Values["activate.effective_days"].Citation);
            var reading = trigger.Kind == DeterminationTrigger.SingleDayAtOrAbove
                ? $"{dayCount.ToString("N0", CultureInfo.InvariantCulture)} encounters on {Date(w):yyyy-MM-dd} ≥ {Format(trigger.Threshold)} in one day"
                : $"7-day average {Format((decimal)sum / v.WindowDays)} ≥ {Format(trigger.Threshold)} (window {Date(w - v.WindowDays + 1):yyyy-MM-dd} to {Date(w):yyyy-MM-dd})"
                  + (trigger.Kind == DeterminationTrigger.DiscretionaryAverageAtOrAbove ? ", discretion exercised" : string.Empty);
            var rule = kind == DeterminationKind.DeactivationCancelled
                ? $"{reading}; cancels the pending deactivation and the suspension continues"
                : $"{reading}; applies from 12:01 a.m. Eastern on {effective:yyyy-MM-dd} (determination + {v.ActivateEffectiveDays} day(s))";
            return new Determination(
                Date(i), kind, trigger.Kind, Date(w - v.WindowDays + 1), Date(w), sum, v.WindowDays,
                trigger.Kind == DeterminationTrigger.SingleDayAtOrAbove ? dayCount : null, trigger.Threshold, 1, null, effective, vi, citations, rule);
        }
    }

    internal static string Format(decimal value) => decimal.Round(value, 2).ToString("#,0.##", CultureInfo.InvariantCulture);

    private static SuspensionTimeline RunSupplied(CompiledPolicy policy, EncounterSeries series, ReplayCounts counts)
    {
        var n = series.Length;
        var start = series.Start;
        var status = new DayStatus[n];
        var version = policy.VersionOn(policy.InForce);
        var defaultActive = version.Values["determination.default_active"];
        var effectiveDays = version.Values["determination.effective_days"];
        var lag = (int)effectiveDays.Value.Number;
        var authority = version.Values["determination.authority"].Citation;
        var determinations = new List<Determination>();
        var transitions = new List<Transition>();
        var caveats = new List<string>(policy.Policy.Caveats);
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
                d.Date, d.Active ? DeterminationKind.Activation : DeterminationKind.Deactivation, DeterminationTrigger.Supplied, d.Date, d.Date, 0, 0, null, 0, 0, null, effective, vi,
                [authority, effectiveDays.Citation],
                $"Supplied determination: suspension {(d.Active ? "necessary" : "not necessary")} to achieve operational control; effective 12:01 a.m. Eastern on {effective:yyyy-MM-dd}"));
            effectiveByIndex[Period.Between(start, effective, PeriodUnits.Days).Days] = d;
        }

        var inForceIndex = Period.Between(start, policy.InForce, PeriodUnits.Days).Days;
        var active = defaultActive.Value.Flag;
        if (inForceIndex < 0)
        {
            caveats.Add($"The series starts after the in-force date {policy.InForce:yyyy-MM-dd}; determinations before the series start are taken into account.");
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
                transitions.Add(new Transition(date, EasternTime.TransitionInstant(date), true, TransitionCause.InForce, null, defaultActive.Citation, false));
            }

            if (effectiveByIndex.TryGetValue(i, out var det) && det.Active != active)
            {
                active = det.Active;
                transitions.Add(new Transition(date, EasternTime.TransitionInstant(date), active, TransitionCause.Determination, det.Date, effectiveDays.Citation, false));
            }

            status[i] = active ? DayStatus.Active : DayStatus.Inactive;
        }

        foreach (var d in policy.SecretaryDeterminations.Where(d => d.Date.PlusDays(lag) > series.End))
        {
            var effective = d.Date.PlusDays(lag);
            transitions.Add(new Transition(effective, EasternTime.TransitionInstant(effective), d.Active, TransitionCause.Determination, d.Date, effectiveDays.Citation, true));
        }

        return new SuspensionTimeline(policy, series, status, new LocalDate?[n], determinations, transitions, counts, caveats);
    }
}
