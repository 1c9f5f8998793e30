using NodaTime;
using Threshold.Law;

namespace Threshold.Simulation;

/// <summary>A P10/P50/P90 band (nearest rank over the paths) and the exact mean of one output.</summary>
public readonly record struct Band(double P10, double P50, double P90, double Mean)
{
    private static readonly double[] Quantiles = [0.10, 0.50, 0.90];

    internal static Band Of(LogHistogram h) => new(h.Quantile(Quantiles[0]), h.Quantile(Quantiles[1]), h.Quantile(Quantiles[2]), h.Mean);

    /// <summary><see cref="Of"/> of each histogram of a series (e.g. every day), reading the series once.</summary>
    internal static Band[] OfEach(LogHistogram[] series)
    {
        var q = LogHistogram.QuantilesEach(series, Quantiles);
        return [.. series.Select((h, i) => new Band(q[i, 0], q[i, 1], q[i, 2], h.Mean))];
    }
}

/// <summary>One output of one policy over the paths.</summary>
public sealed record OutputBand(string Key, string Description, Band Band);

/// <summary>The thresholds of one rule version, from <see cref="From"/>, in encounters a day (for charts).</summary>
public sealed record ThresholdLine(LocalDate From, decimal Activate, decimal Deactivate);

/// <summary>Everything a run says about one policy: bands of each output, of each day and of each month, and diagnostics.</summary>
/// <param name="DailyAverage">Per horizon day (from the scenario start), the band of the 7-day average of the policy's own count.</param>
/// <param name="MonthlyUnderCaps">Per horizon month (from the start's month), the band of returns to Mexico under capped arrangements.</param>
/// <param name="MonthlyEncounters">Per horizon month, the band of encounters between ports of entry (comparable with the USBP southwest monthly total; horizon days only).</param>
/// <param name="Standing">"in-force" for an instrument that took effect, "hypothetical" for a bill (never law) or a what-if.</param>
/// <param name="Caveats">The policy's own caveats plus one per what-if overlay, as <c>./threshold replay</c> reports them.</param>
public sealed record PolicyResult(
    string Label,
    string PolicyId,
    string Title,
    string Standing,
    IReadOnlyList<string> Caveats,
    IReadOnlyList<string> Overlays,
    IReadOnlyList<ThresholdLine> Thresholds,
    IReadOnlyList<OutputBand> Outputs,
    IReadOnlyList<Band> DailyAverage,
    IReadOnlyList<Band> MonthlyUnderCaps,
    IReadOnlyList<Band> MonthlyEncounters)
{
    public OutputBand Output(string key) => Outputs.First(o => o.Key == key);
}

/// <summary>A parameter as the run used it: value or range, origin, mark and source.</summary>
public sealed record ParameterUse(string Name, string Unit, double Low, double High, string Origin, string Mark, string Source);

/// <summary>
/// The result of a run. Everything in it is MODELED: synthetic futures from a flow model, not data (<see cref="ModeledNotice"/>).
/// </summary>
public sealed record SimulationResult(
    string ScenarioName,
    string ScenarioDescription,
    string ScenarioSource,
    ulong Seed,
    int Paths,
    LocalDate Start,
    LocalDate End,
    YearMonth MixMonth,
    int MexicoMonthlyCap,
    IReadOnlyList<ParameterUse> Parameters,
    IReadOnlyList<string> CalibrationProvenance,
    IReadOnlyList<string> MixProvenance,
    IReadOnlyList<PolicyResult> Policies)
{
    /// <summary>The label every output carries.</summary>
    public const string ModeledNotice = "MODELED: synthetic futures from the Threshold scenario simulator (a flow model calibrated to real monthly data), not observed data";

    public PolicyResult Policy(string label) => Policies.First(p => p.Label == label);

    /// <summary>
    /// The largest monthly cap of an arrangement in force on some day of <paramref name="month"/> (0 when none is):
    /// 30,000 to January 2025, then the 1,000 of the 2025 humanitarian acceptance (law/arrangements/mexico-returns.yaml).
    /// </summary>
    public static int CapIn(YearMonth month)
    {
        var days = month.ToDateInterval();
        return Returns.ArrangementSet.BuiltIn.Arrangements
            .Where(a => a.MonthlyCap is not null && a.From <= days.End && (a.To is not { } to || to >= days.Start))
            .Select(a => a.MonthlyCap!.Value)
            .DefaultIfEmpty(0)
            .Max();
    }

    /// <summary>
    /// The calibration lines the run used: an anchored level replaces the fixed Q1 2024 level, and a deterrence the
    /// scenario sets replaces the derived default (which then read nothing that mattered).
    /// </summary>
    private static IReadOnlyList<string> CalibrationUsed(MonteCarlo.Prepared prepared)
    {
        var lines = prepared.Inputs.Calibration.Provenance.AsEnumerable();
        if (prepared.Scenario.Settings.ContainsKey(ModelParameters.DeterrenceEffect))
        {
            lines = lines.Where(l => !l.StartsWith(Calibration.DeterrenceLabel, StringComparison.Ordinal));
        }

        return prepared.Level is { } level
            ? [.. lines.Where(l => !l.StartsWith(Calibration.FixedLevelLabel, StringComparison.Ordinal)), .. level.Derivation]
            : [.. lines];
    }

    internal static SimulationResult From(MonteCarlo.Prepared prepared, IReadOnlyList<ParameterSetting> settings, Accumulator total)
    {
        var scenario = prepared.Scenario;
        var paths = Math.Max(1, scenario.Paths);
        var policies = prepared.Policies.Select((p, i) => new PolicyResult(
            p.Policy.Label,
            p.Policy.Policy.Id,
            p.Policy.Policy.Title,
            p.Policy.Policy.Standing == LegalStanding.InForce && p.Compiled.Overlays.Count == 0 && p.Policy.Options.InForce is null ? "in-force" : "hypothetical",
            p.Compiled.Policy.Caveats,
            p.Compiled.Overlays.Select(o => o.Label).Distinct().ToArray(),
            // A policy triggered by a dated determination (H.R. 2) has no numeric thresholds to draw.
            p.Compiled.Policy.Mechanism == MechanismKind.EncounterThreshold
                ? p.Compiled.Versions.Select(v => new ThresholdLine(v.From, v.ActivateThreshold, v.DeactivationLevel(v.ActivateThreshold))).ToArray()
                : [],
            MonteCarlo.Outputs.Select((o, k) => new OutputBand(o.Key, o.Description, Band.Of(total.Outputs[i][k]))).ToArray(),
            Band.OfEach(total.Daily[i]),
            Band.OfEach(total.Monthly[i]),
            Band.OfEach(total.MonthlyEncounters[i]))).ToArray();
        var cap = Returns.ArrangementSet.BuiltIn.Arrangements.Where(a => a.MonthlyCap is not null).Select(a => a.MonthlyCap!.Value).DefaultIfEmpty(0).Max();
        return new SimulationResult(
            scenario.Name,
            scenario.Description,
            scenario.SourceName,
            scenario.Seed,
            scenario.Paths,
            scenario.Start,
            scenario.End,
            scenario.MixMonth,
            cap,
            settings.Select(s => new ParameterUse(s.Parameter.Name, s.Parameter.Unit, s.Low, s.High, s.Origin, s.Parameter.MarkText, s.Parameter.Source)).ToArray(),
            CalibrationUsed(prepared),
            prepared.Inputs.Mix.Provenance,
            policies);
    }
}
