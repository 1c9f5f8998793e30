using NodaTime;
using Threshold.Law;

namespace Threshold.Engine;

/// <summary>
/// The parameters of an encounter-threshold policy in force from <see cref="From"/> until the next version,
/// resolved to exact integer tests on window sums. "Average ≥ T" is "sum ≥ ⌈T·W⌉" and "average &lt; T" is
/// "sum &lt; ⌈T·W⌉" for a W-day window, so no average is ever rounded.
/// </summary>
public sealed class RuleVersion
{
    internal RuleVersion(LocalDate from, PolicyDocument policy, IReadOnlyList<AppliedOverlay> overlays)
    {
        From = from;
        var values = new Dictionary<string, DatedValue>(StringComparer.Ordinal);
        foreach (var p in policy.Parameters)
        {
            values[p.Name] = p.On(from);
        }

        Values = values;
        Counting = new CountingRule(Flag("counting.between_ports"), Flag("counting.coastal"), Flag("counting.ports_of_entry"), Flag("counting.exclude_noncontiguous_uc"));
        WindowDays = WholeNumber("average.window_days", 1, 366);
        if (policy.Mechanism != MechanismKind.EncounterThreshold)
        {
            // The supplied-determination replay reads these three; check them here so a policy file without them (or
            // with a wrong type or range) is refused naming the parameter, not a KeyNotFoundException mid-replay (found
            // by fuzzing the reform target).
            _ = Flag("determination.default_active");
            _ = WholeNumber("determination.effective_days", 0, 365);
            _ = Get("determination.authority", ParameterType.Text);
            return;
        }

        LagDays = WholeNumber("determination.lag_days", 0, 365);
        InitialActive = Flag("initial.active");
        ActivateThreshold = Number("activate.threshold");
        ActivateSum = SumThreshold(ActivateThreshold);
        ActivateEffectiveDays = WholeNumber("activate.effective_days", 1, 365);
        if (values.ContainsKey("activate.single_day_threshold"))
        {
            SingleDayThreshold = Number("activate.single_day_threshold");
            SingleDayBase = Number("deactivate.single_day_base");
        }

        if (values.ContainsKey("activate.discretionary_threshold"))
        {
            DiscretionaryThreshold = Number("activate.discretionary_threshold");
            DiscretionarySum = SumThreshold(DiscretionaryThreshold.Value);
            DiscretionaryExercised = Flag("activate.discretionary_exercised");
        }

        var hasAbsolute = values.ContainsKey("deactivate.threshold");
        var hasFraction = values.ContainsKey("deactivate.fraction_of_activation_threshold");
        if (hasAbsolute == hasFraction)
        {
            throw new LawFileException(policy.SourceName, 0, "declare exactly one of deactivate.threshold and deactivate.fraction_of_activation_threshold");
        }

        DeactivateThreshold = hasAbsolute ? Number("deactivate.threshold") : null;
        DeactivateFraction = hasFraction ? Number("deactivate.fraction_of_activation_threshold") : null;
        StreakDays = WholeNumber("deactivate.streak_days", 1, 3660);
        DeactivateEffectiveDays = WholeNumber("deactivate.effective_days", 1, 3660);
        CancelledByActivation = Flag("deactivate.cancelled_by_activation");
        var caps = new List<int>();
        for (var year = 1; values.ContainsKey($"cap.year{year}_days"); year++)
        {
            caps.Add(WholeNumber($"cap.year{year}_days", 0, 366));
        }

        // Checked for the file by its reader (naming the line); here again, as a what-if override can break it.
        if (ThresholdOrder.OrderProblem(name => values.TryGetValue(name, out var v) && v.Value.Type == ParameterType.Number ? v.Value.Number : null) is { } disorder)
        {
            // Blame the override if either side came from one.
            var overlay = new[] { disorder.Parameter, "deactivate.threshold" }.Where(values.ContainsKey).Select(Overlay).FirstOrDefault(o => o is not null);
            throw Blame(overlay, disorder.Problem);
        }

        CapDays = caps;
        SunsetYears = values.ContainsKey("sunset.years") ? WholeNumber("sunset.years", 1, 100) : null;
        if (CapDays.Count > 0 && SunsetYears is null)
        {
            throw new LawFileException(policy.SourceName, 0, "day caps need sunset.years: the caps list only covers a fixed number of years");
        }

        bool Flag(string name) => Get(name, ParameterType.Boolean).Flag;

        decimal Number(string name)
        {
            var n = Get(name, ParameterType.Number).Number;
            var max = name == "deactivate.fraction_of_activation_threshold" ? MaxFraction : MaxThreshold;
            return n < 0 ? throw Blame(Overlay(name), $"{name} must not be negative ({n})")
                : ThresholdOrder.ValueProblem(name, n) is { } zero ? throw Blame(Overlay(name), zero)
                : n <= max ? n
                : throw Blame(Overlay(name), $"{name} must be at most {max:#,0.##} ({n})");
        }

        int WholeNumber(string name, int min, int max)
        {
            var n = Get(name, ParameterType.Number).Number;
            return n == decimal.Truncate(n) && n >= min && n <= max
                ? (int)n
                : throw Blame(Overlay(name), $"{name} must be a whole number from {min} to {max}, not {n}");
        }

        // An out-of-range value is blamed on what set it: a what-if (its label is the value's note) or the policy file.
        AppliedOverlay? Overlay(string name) => values[name].Note is { } note ? overlays.FirstOrDefault(o => o.Parameter == name && o.Label == note) : null;

        ReplayRequestException Blame(AppliedOverlay? overlay, string problem) =>
            overlay is null ? new($"{policy.SourceName}: {problem}") : new(overlay.Problem(problem));

        ParameterValue Get(string name, ParameterType type)
        {
            if (!values.TryGetValue(name, out var v))
            {
                throw new LawFileException(policy.SourceName, 0, $"mechanism {policy.Mechanism} needs parameter '{name}', which the policy does not declare");
            }

            return v.Value.Type == type ? v.Value : throw new LawFileException(policy.SourceName, 0, $"parameter '{name}' must be of type {type}");
        }
    }

    /// <summary>
    /// Largest threshold (encounters a day) a policy or <c>--set</c> may give: a billion, a hundred times the most a
    /// series may hold in one column (<see cref="EncounterCsvReader.MaxDailyCount"/>), and small enough that a window's
    /// sum (366 days at most) of it times <see cref="MaxFraction"/> fits a long. A larger value overflowed when the
    /// window sum was computed (found by fuzzing the API with <c>set=activate.threshold=6666666666666666665000</c>).
    /// </summary>
    public const decimal MaxThreshold = 1_000_000_000m;

    /// <summary>Largest deactivation fraction of the activation threshold (the statutes use 0.75).</summary>
    public const decimal MaxFraction = 10m;

    /// <summary>First day (inclusive) this version governs, as a determination date and as a counting day.</summary>
    public LocalDate From { get; }

    /// <summary>The value, citation and status of every parameter for this version.</summary>
    public IReadOnlyDictionary<string, DatedValue> Values { get; }

    public CountingRule Counting { get; }

    /// <summary>Days in the averaging window (7 for every instrument encoded).</summary>
    public int WindowDays { get; }

    /// <summary>A determination on day D reads the window ending on D − LagDays.</summary>
    public int LagDays { get; }

    public bool InitialActive { get; }

    public decimal ActivateThreshold { get; }

    internal long ActivateSum { get; }

    public int ActivateEffectiveDays { get; }

    public decimal? SingleDayThreshold { get; }

    public decimal SingleDayBase { get; }

    public decimal? DiscretionaryThreshold { get; }

    internal long DiscretionarySum { get; }

    public bool DiscretionaryExercised { get; }

    /// <summary>Absolute deactivation level in encounters a day (10773 §2(a)); null when relative.</summary>
    public decimal? DeactivateThreshold { get; }

    /// <summary>Deactivation level as a fraction of the threshold that activated (Senate authority); null when absolute.</summary>
    public decimal? DeactivateFraction { get; }

    public int StreakDays { get; }

    public int DeactivateEffectiveDays { get; }

    public bool CancelledByActivation { get; }

    /// <summary>Most active days in year 1, 2, … counted from the in-force date; empty when uncapped.</summary>
    public IReadOnlyList<int> CapDays { get; } = [];

    public int? SunsetYears { get; }

    /// <summary>The deactivation level (encounters a day) that applies after activation at <paramref name="activatedAt"/>.</summary>
    public decimal DeactivationLevel(decimal activatedAt) => DeactivateThreshold ?? DeactivateFraction!.Value * activatedAt;

    internal long SumThreshold(decimal perDay) => (long)decimal.Ceiling(perDay * WindowDays);
}
