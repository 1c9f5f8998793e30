namespace Threshold.Law;

/// <summary>
/// What makes an encounter threshold coherent, checked once here for a policy file (<c>PolicyYamlReader</c>, naming
/// the line) and for every what-if override (<c>RuleVersion</c>, naming the option): each threshold above zero, no
/// activation threshold below the discontinuation threshold, and a deactivation fraction of at most 1.
/// </summary>
/// <remarks>
/// Proclamation 10773 §2 discontinues under a 7-day average of 1,500 (<c>deactivate.threshold</c>) and reactivates at
/// 2,500 (<c>activate.threshold</c>); the Senate Border Act activates at 5,000 (or 4,000 at discretion, or 8,500 in a
/// day) and deactivates under 75% of the activating threshold (<c>deactivate.fraction_of_activation_threshold</c>).
/// A threshold of 0 is met by every average (≥ 0) or by none (&lt; 0), and an activation threshold below the
/// discontinuation threshold lets one average support both determinations at once: neither is a reading of any
/// instrument, and the replay would answer without saying so.
/// </remarks>
public static class ThresholdOrder
{
    /// <summary>The parameters that are thresholds (encounters a day) or the deactivation fraction: each must be above 0.</summary>
    public static readonly IReadOnlyList<string> Thresholds =
    [
        "activate.threshold", "activate.single_day_threshold", "activate.discretionary_threshold", "deactivate.threshold",
        "deactivate.single_day_base", "deactivate.fraction_of_activation_threshold",
    ];

    /// <summary>The averaged activation thresholds, none of which may be below <c>deactivate.threshold</c>.</summary>
    private static readonly string[] AveragedActivation = ["activate.threshold", "activate.discretionary_threshold"];

    /// <summary>The problem with one value of <paramref name="name"/>, or null (also for a parameter that is no threshold).</summary>
    public static string? ValueProblem(string name, decimal value)
    {
        if (!Thresholds.Contains(name) || value > 0)
        {
            return null;
        }

        return name.StartsWith("activate.", StringComparison.Ordinal)
            ? $"{name} must be above 0 ({value}): every 7-day average or day reaches {value}, so the suspension would apply every day whatever the encounters"
            : $"{name} must be above 0 ({value}): no average is below {value}, so the suspension could never be discontinued";
    }

    /// <summary>
    /// The problem with the values in force together on one day, each read by <paramref name="valueOf"/> (null when
    /// the policy does not declare it), or null when they are coherent. Names the parameters and both values.
    /// </summary>
    /// <returns>The parameter to blame (the activation threshold, or the fraction) and the problem.</returns>
    public static (string Parameter, string Problem)? OrderProblem(Func<string, decimal?> valueOf)
    {
        ArgumentNullException.ThrowIfNull(valueOf);
        if (valueOf("deactivate.threshold") is { } deactivate)
        {
            foreach (var name in AveragedActivation)
            {
                if (valueOf(name) is { } activate && activate < deactivate)
                {
                    return (name, $"{name} ({activate}) is below deactivate.threshold ({deactivate}): one 7-day average could then support both activation and discontinuation; the activation threshold must be at least the discontinuation threshold (Proclamation 10773 §2: 2,500 and 1,500)");
                }
            }
        }

        if (valueOf("deactivate.fraction_of_activation_threshold") is { } fraction && fraction > 1)
        {
            return ("deactivate.fraction_of_activation_threshold", $"deactivate.fraction_of_activation_threshold ({fraction}) is above 1: the deactivation level would be above the threshold that activated, so the authority would deactivate while still above it; the Senate Border Act uses 0.75");
        }

        return null;
    }
}
