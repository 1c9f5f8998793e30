using System.Globalization;
using NodaTime;
using Threshold.Engine.Predicates;
using Threshold.Law;

namespace Threshold.Engine;

/// <summary>
/// The exact activation test on the window a determination reads: which of the three triggers passed (the average,
/// a single day, the discretionary average, in that order), at what threshold, with what base for a relative
/// deactivation level, and the parameter that cites it; null when none passed.
/// </summary>
internal readonly record struct ActivationTrigger(DeterminationTrigger Kind, decimal Threshold, decimal Base, string Parameter)
{
    public static ActivationTrigger? Test(RuleVersion v, long sum, int dayCount)
    {
        if (ThresholdPredicates.AtOrAboveActivationLevel(sum, v.ActivateSum))
        {
            return new ActivationTrigger(DeterminationTrigger.AverageAtOrAbove, v.ActivateThreshold, v.ActivateThreshold, "activate.threshold");
        }

        if (v.SingleDayThreshold is { } single && ThresholdPredicates.SingleDayAtOrAbove(dayCount, single))
        {
            return new ActivationTrigger(DeterminationTrigger.SingleDayAtOrAbove, single, v.SingleDayBase, "activate.single_day_threshold");
        }

        if (v.DiscretionaryThreshold is { } discretionary && ThresholdPredicates.DiscretionaryAtOrAbove(sum, v.DiscretionarySum, v.DiscretionaryExercised))
        {
            return new ActivationTrigger(DeterminationTrigger.DiscretionaryAverageAtOrAbove, discretionary, discretionary, "activate.discretionary_threshold");
        }

        return null;
    }
}

/// <summary>
/// The determinations of an encounter-threshold replay, and their words and citations (worded on first use, from the
/// parameters of the version in force on the determination date).
/// </summary>
internal sealed class ThresholdEventText(CompiledPolicy policy, LocalDate start) : IEventText
{
    /// <summary>A discontinuation determined on day <paramref name="i"/> from the window ending on <paramref name="w"/>.</summary>
    public Determination Deactivation(int i, int w, long sum, decimal level, int vi)
    {
        var v = policy.Versions[vi];
        return new Determination(
            start, i, DeterminationKind.Deactivation, DeterminationTrigger.AverageBelow, w, sum, v.WindowDays, null, level,
            v.StreakDays, v.StreakDays > 1 ? w - v.StreakDays + 1 : int.MinValue, ThresholdPredicates.EffectiveDay(i, v.DeactivateEffectiveDays), vi, null, this);
    }

    /// <summary>An activation or a cancellation (<paramref name="kind"/>) determined on day <paramref name="i"/>.</summary>
    public Determination Activation(int i, int w, long sum, int dayCount, ActivationTrigger trigger, int vi, DeterminationKind kind, int effective) =>
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
            var avg = SuspensionReplay.Format(d.Average);
            var text = v.StreakDays == 1
                ? $"7-day average {avg} < {SuspensionReplay.Format(d.ThresholdPerDay)} (window {d.WindowStart:yyyy-MM-dd} to {d.WindowEnd:yyyy-MM-dd})"
                : $"each of the {v.StreakDays} consecutive days {d.StreakStart:yyyy-MM-dd} to {d.WindowEnd:yyyy-MM-dd} had a 7-day average < {SuspensionReplay.Format(d.ThresholdPerDay)} (last: {avg})";
            return text + $"; takes effect 12:01 a.m. Eastern on {d.EffectiveDate:yyyy-MM-dd} (determination + {v.DeactivateEffectiveDays} days)";
        }

        var reading = d.Trigger == DeterminationTrigger.SingleDayAtOrAbove
            ? $"{d.SingleDayCount!.Value.ToString("N0", CultureInfo.InvariantCulture)} encounters on {d.WindowEnd:yyyy-MM-dd} ≥ {SuspensionReplay.Format(d.ThresholdPerDay)} in one day"
            : $"7-day average {SuspensionReplay.Format(d.Average)} ≥ {SuspensionReplay.Format(d.ThresholdPerDay)} (window {d.WindowStart:yyyy-MM-dd} to {d.WindowEnd:yyyy-MM-dd})"
              + (d.Trigger == DeterminationTrigger.DiscretionaryAverageAtOrAbove ? ", discretion exercised" : string.Empty);
        return d.Kind == DeterminationKind.DeactivationCancelled
            ? $"{reading}; cancels the pending deactivation and the suspension continues"
            : $"{reading}; applies from 12:01 a.m. Eastern on {d.EffectiveDate:yyyy-MM-dd} (determination + {v.ActivateEffectiveDays} day(s))";
    }

    /// <summary>The parameter of cap year <paramref name="year"/> (0 for the first).</summary>
    public static string CapParameter(int year) => year switch
    {
        0 => "cap.year1_days",
        1 => "cap.year2_days",
        2 => "cap.year3_days",
        _ => $"cap.year{year + 1}_days",
    };
}
