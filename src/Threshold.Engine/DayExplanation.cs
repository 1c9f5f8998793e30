using NodaTime;
using Threshold.Law;

namespace Threshold.Engine;

/// <summary>One step of reasoning about a day: a statement, and the rule text and citation behind it.</summary>
/// <param name="Statement">What holds, with the numbers, e.g. "7-day average 1,612.43 is not under 1,500".</param>
/// <param name="Citation">The rule it applies; null for plain arithmetic on the data.</param>
public sealed record ReasoningStep(string Statement, Citation? Citation);

/// <summary>
/// The chain of reasoning for one day of a replay: which timeline it is (proposed from the data, or official), how the
/// day was counted, the window and its average, the thresholds it was compared with, the determination read on that
/// day (the window ending on day − lag) or made on it, the [U] readings that bear on it (<see cref="ReadingAssumptions"/>),
/// and why the status is what it is.
/// </summary>
/// <param name="Timeline">The timeline explained.</param>
/// <param name="TimelineNote">What that timeline is, in words (<see cref="SuspensionTimeline.Note"/>).</param>
public sealed record DayExplanation(
    LocalDate Date,
    DayStatus Status,
    string CountingFormula,
    IReadOnlyList<(string Column, int? Value)> Components,
    int? Counted,
    IReadOnlyList<(LocalDate Date, int? Counted)> Window,
    long? WindowSum,
    decimal? Average,
    IReadOnlyList<ReasoningStep> Steps,
    Determination? DeterminationMade,
    Transition? LastTransition,
    IReadOnlyList<string> Caveats,
    TimelineKind Timeline,
    string TimelineNote)
{
    /// <summary>Explains <paramref name="date"/> in <paramref name="timeline"/>; throws <see cref="ReplayRequestException"/> outside the series.</summary>
    public static DayExplanation For(SuspensionTimeline timeline, LocalDate date)
    {
        var series = timeline.Series;
        var i = series.IndexOf(date);
        if (i < 0)
        {
            throw new ReplayRequestException(new WhatIfProblem(WhatIfOption.Date, $"{date:yyyy-MM-dd}", $"outside the series ({series.Start:yyyy-MM-dd} to {series.End:yyyy-MM-dd})"));
        }

        var compiled = timeline.Policy;
        var vi = compiled.VersionIndexOn(date);
        var version = compiled.Versions[vi];
        var day = timeline.Day(i);
        var official = timeline.Official is not null;
        var steps = new List<ReasoningStep>
        {
            new(timeline.Note, timeline.Official?.Record.NoneFound?.Citation),
        };
        var counting = version.Counting;
        var components = counting.RequiredColumns.Select(c => (c.HeaderName(), series.Value(c, i))).ToArray();
        Citation? C(string name) => version.Values.TryGetValue(name, out var v) ? v.Citation : null;

        if (series.IsMissing(i))
        {
            steps.Add(new ReasoningStep("This day is missing from the series; it is never treated as zero, so every window that touches it is undeterminable.", null));
        }
        else
        {
            var parts = string.Join(", ", components.Select(c => $"{c.Item1} = {c.Item2}"));
            steps.Add(new ReasoningStep($"Counted {day.Counted} = {counting.Formula} ({parts}) under the rule in force on {date:yyyy-MM-dd} (version from {version.From:yyyy-MM-dd}).", C("counting.exclude_noncontiguous_uc")));
            if (!counting.PortsOfEntry)
            {
                steps.Add(new ReasoningStep("Port-of-entry inadmissibles are not counted.", C("counting.ports_of_entry")));
            }
        }

        var window = timeline.Window(vi, i);
        if (day.WindowSum is { } sum)
        {
            steps.Add(new ReasoningStep($"The {version.WindowDays}-day window {window[0].Date:yyyy-MM-dd} to {date:yyyy-MM-dd} sums to {sum:N0}; average {SuspensionReplay.Format(day.Average!.Value)} a day.", C("average.window_days")));
            if (compiled.Policy.Mechanism == MechanismKind.EncounterThreshold)
            {
                var below = sum < version.SumThreshold(version.DeactivationLevel(version.ActivateThreshold));
                if (version.DeactivateThreshold is { } t)
                {
                    steps.Add(new ReasoningStep($"Average {(below ? "is" : "is not")} under {SuspensionReplay.Format(t)} (exact test: sum {sum:N0} {(below ? "<" : "≥")} {version.SumThreshold(t):N0}).", C("deactivate.threshold")));
                }

                var atOrAbove = sum >= version.SumThreshold(version.ActivateThreshold);
                steps.Add(new ReasoningStep($"Average {(atOrAbove ? "is" : "is not")} at or above {SuspensionReplay.Format(version.ActivateThreshold)} (exact test: sum {sum:N0} {(atOrAbove ? "≥" : "<")} {version.SumThreshold(version.ActivateThreshold):N0}).", C("activate.threshold")));
            }
        }
        else
        {
            steps.Add(new ReasoningStep($"No {version.WindowDays}-day average ends on this day: the window is incomplete or touches a missing day.", null));
        }

        Determination? made = null;
        if (official)
        {
            made = timeline.Determinations.FirstOrDefault(d => d.Date == date);
            steps.Add(made is not null
                ? new ReasoningStep($"Official determination ({ReplayReport.KindName(made.Kind)}): {made.Rule}.", made.Citations[0])
                : new ReasoningStep($"No official determination was made on {date:yyyy-MM-dd}; the official timeline tests no window of data, so the figures above are for information.", null));
            if (day.Status == DayStatus.Active && day.PendingDeactivation is { } p)
            {
                steps.Add(new ReasoningStep($"An official deactivation is pending, effective 12:01 a.m. Eastern on {p:yyyy-MM-dd}.", C("deactivate.effective_days")));
            }
        }
        else if (compiled.Policy.Mechanism == MechanismKind.EncounterThreshold && day.Status is DayStatus.Active or DayStatus.Inactive or DayStatus.CapReached)
        {
            var w = i - version.LagDays;
            steps.Add(new ReasoningStep($"A determination made on {date:yyyy-MM-dd} reads the window ending {date.PlusDays(-version.LagDays):yyyy-MM-dd} (determination lag {version.LagDays} day(s)).", C("determination.lag_days")));
            made = timeline.Determinations.FirstOrDefault(d => d.Date == date);
            if (made is not null)
            {
                steps.Add(new ReasoningStep($"Determination ({ReplayReport.KindName(made.Kind)}): {made.Rule}.", made.Citations[0]));
            }
            else if (day.Undeterminable is { } why)
            {
                steps.Add(new ReasoningStep($"No determination possible: {why}.", null));
            }
            else if (day.Status == DayStatus.Active && day.PendingDeactivation is { } p)
            {
                steps.Add(new ReasoningStep($"A deactivation is pending, effective 12:01 a.m. Eastern on {p:yyyy-MM-dd}; " + (version.CancelledByActivation ? $"a reading of {SuspensionReplay.Format(version.ActivateThreshold)} or more before then would cancel it." : "no reading cancels it under this policy."), C("deactivate.cancelled_by_activation")));
            }
            else if (day.Status == DayStatus.Active && w >= 0)
            {
                var level = version.SumThreshold(version.DeactivationLevel(version.ActivateThreshold));
                if (version.StreakDays > 1)
                {
                    var run = timeline.Counts.Streak(vi, level)[w];
                    steps.Add(new ReasoningStep($"No deactivation yet: {run} of the {version.StreakDays} consecutive days needed have a 7-day average under the level (ending {date.PlusDays(-version.LagDays):yyyy-MM-dd}).", C("deactivate.streak_days")));
                }
                else
                {
                    steps.Add(new ReasoningStep("No deactivation: the window read is not under the level.", C("deactivate.streak_days")));
                }
            }
            else if (day.Status == DayStatus.Inactive)
            {
                steps.Add(new ReasoningStep("No activation: the window read does not reach an activation threshold.", C("activate.threshold")));
            }
        }

        if (compiled.Policy.Mechanism == MechanismKind.EncounterThreshold && day.Status is DayStatus.Active or DayStatus.Inactive or DayStatus.CapReached)
        {
            steps.AddRange(Assumptions(timeline, day, vi, made));
        }

        var last = timeline.Transitions.LastOrDefault(t => t.EffectiveDate <= date);
        var statusWhy = day.Status switch
        {
            DayStatus.NotInForce => $"Not in force: {compiled.Policy.Id} applies from 12:01 a.m. Eastern on {compiled.InForce:yyyy-MM-dd}.",
            DayStatus.Expired => "Expired: past the policy's sunset.",
            _ when last is not null => $"Status {ReplayReport.StatusName(day.Status)} since {ReplayReport.Iso(last.Effective)} ({ReplayReport.CauseName(last.Cause)}" + (last.DeterminationDate is { } dd ? $", determination of {dd:yyyy-MM-dd})." : ")."),
            _ => $"Status {ReplayReport.StatusName(day.Status)}: the status at the series start ({(version.InitialActive ? "active" : "inactive")}) has not changed.",
        };
        steps.Add(new ReasoningStep(statusWhy, last?.Citation ?? compiled.Policy.InForce.Citation));

        var caveats = timeline.Caveats.ToList();
        if (series.IsModeled)
        {
            caveats.Insert(0, "MODELED DATA: the encounter series is synthesised from monthly totals, not an official daily count.");
        }

        return new DayExplanation(date, day.Status, counting.Formula, components, day.Counted, window, day.WindowSum, day.Average, steps, made, last, caveats, timeline.Kind, timeline.Note);
    }

    /// <summary>
    /// The [U] readings that bear on <paramref name="day"/>. On the proposed timeline: E6 always, and C4 when the days a
    /// determination made that day would read (its window, and for a streak the windows of every streak day) reach back
    /// before the counting rule in force on it. On the official one, which reads no data, C4 only for the window an
    /// official determination <paramref name="made"/> that day names. On both, C5 when a deactivation determined under
    /// earlier rules is pending or takes effect that day.
    /// </summary>
    private static IEnumerable<ReasoningStep> Assumptions(SuspensionTimeline timeline, TimelineDay day, int vi, Determination? made)
    {
        var date = day.Date;
        var compiled = timeline.Policy;
        var version = compiled.Versions[vi];
        var official = timeline.Official is not null;
        if (!official)
        {
            yield return new ReasoningStep(ReadingAssumptions.TrailingWindowText, ReadingAssumptions.TrailingWindow);
        }

        var (earliest, end) = official
            ? made is { HasWindow: true } ? (made.WindowStart, made.WindowEnd) : (date, date.PlusDays(-1))
            : (date.PlusDays(-version.LagDays - (version.StreakDays - 1) - (version.WindowDays - 1)), date.PlusDays(-version.LagDays));
        for (var d = earliest; d <= end; d = d.PlusDays(1))
        {
            if (compiled.VersionOn(d).Counting != version.Counting)
            {
                yield return new ReasoningStep(ReadingAssumptions.CountingOnDeterminationDateText(date, version), ReadingAssumptions.CountingOnDeterminationDate);
                break;
            }
        }

        var pending = timeline.Determinations.LastOrDefault(d =>
            d.Kind == DeterminationKind.Deactivation && d.EffectiveDate is { } e && d.Date < date && date <= e && d.VersionIndex != vi);
        // Still pending today, or taking effect today (not cancelled meanwhile).
        if (pending is not null && (day.PendingDeactivation == pending.EffectiveDate || timeline.Transitions.Any(t => t.DeterminationDate == pending.Date && t.EffectiveDate == date)))
        {
            yield return new ReasoningStep(ReadingAssumptions.PendingSurvivesNewRulesText(pending, version), ReadingAssumptions.PendingSurvivesNewRules);
        }
    }
}
