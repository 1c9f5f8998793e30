using NodaTime;

namespace Threshold.Engine;

/// <summary>Whether the data supports a determination someone recorded, with the numbers and the rule applied.</summary>
/// <param name="Supported">True when the window meets the rule in force on the determination date.</param>
/// <param name="Explanation">The test in words, e.g. "7-day average 1,432.57 &lt; 1,500 (window 2024-07-08 to 2024-07-14)".</param>
public sealed record DeterminationSupport(bool Supported, string Explanation);

/// <summary>
/// Compares recorded determinations with the data: the official timeline is built from what was recorded, the
/// proposed one from the data, and a court asks where they part. A recorded determination is supported when its
/// window has a length the version in force on its date uses and meets that version's test (for a 28-day streak, every
/// day of the streak ending on the window's last day).
/// </summary>
/// <remarks>
/// The lengths a version uses: its averaging window (7 days); and for a deactivation under a streak rule (10817's 28
/// consecutive days), also the streak itself, <see cref="RuleVersion.StreakDays"/> days ending on the window's last
/// day — the span the engine's own proposal names (its streak start to its window end).
/// </remarks>
public static class DeterminationEvidence
{
    public static DeterminationSupport Check(SuspensionTimeline timeline, LocalDate date, DeterminationKind kind, LocalDate windowStart, LocalDate windowEnd)
    {
        var compiled = timeline.Policy;
        if (compiled.Policy.Mechanism != Law.MechanismKind.EncounterThreshold)
        {
            return new DeterminationSupport(true, $"{compiled.Policy.Id} has no numeric test; the determination is the Secretary's own");
        }

        var vi = compiled.VersionIndexOn(date);
        var version = compiled.Versions[vi];
        var length = Period.DaysBetween(windowStart, windowEnd) + 1;
        var streak = kind == DeterminationKind.Deactivation && version.StreakDays > 1;
        if (length != version.WindowDays && !(streak && length == version.StreakDays))
        {
            return new DeterminationSupport(false, streak
                ? $"the window relied on has {length} days; the rule in force on {date:yyyy-MM-dd} uses {version.WindowDays} (a {version.WindowDays}-day average) or {version.StreakDays} (the consecutive days it must stay below)"
                : $"the window relied on has {length} days; the rule in force on {date:yyyy-MM-dd} uses {version.WindowDays}");
        }

        if (windowEnd >= date)
        {
            return new DeterminationSupport(false, $"the window ends {windowEnd:yyyy-MM-dd}, not before the determination date {date:yyyy-MM-dd}");
        }

        var end = timeline.Series.IndexOf(windowEnd);
        var start = timeline.Series.IndexOf(windowStart);
        if (end < 0 || start < 0)
        {
            return new DeterminationSupport(false, $"the window {windowStart:yyyy-MM-dd} to {windowEnd:yyyy-MM-dd} is outside the series ({timeline.Series.Start:yyyy-MM-dd} to {timeline.Series.End:yyyy-MM-dd})");
        }

        // The last averaging window of the span relied on: the span itself, or for a streak the 7 days ending on its last day.
        var sum = timeline.Counts.Sum(vi, end);
        if (sum < 0)
        {
            return new DeterminationSupport(false, timeline.Counts.WhyInvalid(vi, end) ?? "window undeterminable");
        }

        var average = SuspensionReplay.Format((decimal)sum / version.WindowDays);
        var window = $"window {windowStart:yyyy-MM-dd} to {windowEnd:yyyy-MM-dd}";
        if (kind == DeterminationKind.Deactivation)
        {
            var level = version.DeactivationLevel(version.ActivateThreshold);
            var levelSum = version.SumThreshold(level);
            var run = timeline.Counts.Streak(vi, levelSum)[end];
            return version.StreakDays == 1
                ? new DeterminationSupport(sum < levelSum, $"7-day average {average} {(sum < levelSum ? "<" : "≥")} {SuspensionReplay.Format(level)} ({window})")
                : new DeterminationSupport(run >= version.StreakDays, $"{Math.Min(run, version.StreakDays)} of the {version.StreakDays} consecutive days ending {windowEnd:yyyy-MM-dd} had a 7-day average < {SuspensionReplay.Format(level)} (last {average})");
        }

        var meets = sum >= version.SumThreshold(version.ActivateThreshold);
        return new DeterminationSupport(meets, $"7-day average {average} {(meets ? "≥" : "<")} {SuspensionReplay.Format(version.ActivateThreshold)} ({window})");
    }
}
