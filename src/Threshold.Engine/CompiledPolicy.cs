using System.Runtime.CompilerServices;
using NodaTime;
using Threshold.Law;

namespace Threshold.Engine;

/// <summary>
/// A policy resolved for replay: its dated parameters turned into <see cref="RuleVersion"/>s (one per date on which any
/// value changes), the in-force date, and the overlays applied. Built once per policy version and cached for
/// unmodified documents, so replays in an inner loop never rebuild it.
/// </summary>
public sealed class CompiledPolicy
{
    private static readonly ConditionalWeakTable<PolicyDocument, CompiledPolicy> Cache = [];

    private CompiledPolicy(PolicyDocument policy, IReadOnlyList<AppliedOverlay> overlays, IReadOnlyList<SecretaryDeterminationInput> determinations)
    {
        Policy = policy;
        Overlays = overlays;
        InForce = policy.InForce.Date ?? throw NoInForce(policy);
        var dates = policy.Parameters.SelectMany(p => p.Values.Select(v => v.From)).Distinct().Order().ToList();
        var versions = dates.Select(d => new RuleVersion(d, policy, overlays)).ToList();
        // Collapse consecutive dates whose resolved values are identical: they are one version.
        Versions = versions.Where((v, i) => i == 0 || !SameValues(v, versions[i - 1])).ToArray();
        if (policy.Mechanism == MechanismKind.SecretaryDetermination)
        {
            var byDate = new Dictionary<LocalDate, SecretaryDeterminationInput>();
            foreach (var d in determinations)
            {
                if (!byDate.TryAdd(d.Date, d))
                {
                    throw new ReplayRequestException(new WhatIfProblem(WhatIfOption.Determination, $"{d.Date:yyyy-MM-dd}", "given twice"));
                }
            }

            SecretaryDeterminations = byDate.Values.OrderBy(d => d.Date).ToArray();
        }
        else if (determinations.Count > 0)
        {
            throw new ReplayRequestException(new WhatIfProblem(WhatIfOption.Determination, null, $"{policy.Id} is triggered by encounter counts; dated determinations are only for secretary-determination policies such as hr2-2023"));
        }
        else
        {
            SecretaryDeterminations = [];
        }
    }

    public PolicyDocument Policy { get; }

    public IReadOnlyList<AppliedOverlay> Overlays { get; }

    /// <summary>The day from whose 12:01 a.m. Eastern the policy applies.</summary>
    public LocalDate InForce { get; }

    /// <summary>Rule versions in ascending <see cref="RuleVersion.From"/>; the first also governs earlier days.</summary>
    public IReadOnlyList<RuleVersion> Versions { get; }

    public IReadOnlyList<SecretaryDeterminationInput> SecretaryDeterminations { get; }

    /// <summary>Compiles <paramref name="policy"/> with <paramref name="options"/>; the plain policy is compiled once and cached.</summary>
    public static CompiledPolicy Compile(PolicyDocument policy, ReplayOptions? options = null)
    {
        options ??= ReplayOptions.Default;
        if (options == ReplayOptions.Default || options is { InForce: null, DeterminationLagDays: null, Overrides.Count: 0, CourtOrders.Count: 0, Determinations.Count: 0 })
        {
            return Cache.GetValue(policy, p => new CompiledPolicy(p, [], []));
        }

        var (overlaid, applied) = PolicyOverlay.Apply(policy, options);
        return new CompiledPolicy(overlaid, applied, options.Determinations);
    }

    /// <summary>Index into <see cref="Versions"/> of the version in force on <paramref name="date"/>.</summary>
    public int VersionIndexOn(LocalDate date)
    {
        var index = 0;
        for (var i = 1; i < Versions.Count; i++)
        {
            if (Versions[i].From <= date)
            {
                index = i;
            }
        }

        return index;
    }

    public RuleVersion VersionOn(LocalDate date) => Versions[VersionIndexOn(date)];

    /// <summary>Columns the series must have for the days it covers (the counting rules of those days' versions).</summary>
    public IReadOnlyList<(EncounterColumn Column, RuleVersion Version)> RequiredColumns(LocalDate start, LocalDate end)
    {
        var result = new List<(EncounterColumn, RuleVersion)>();
        for (var i = 0; i < Versions.Count; i++)
        {
            var from = i == 0 ? LocalDate.MinIsoValue : Versions[i].From;
            var to = i + 1 < Versions.Count ? Versions[i + 1].From.PlusDays(-1) : LocalDate.MaxIsoValue;
            if (to < start || from > end)
            {
                continue;
            }

            foreach (var c in Versions[i].Counting.RequiredColumns)
            {
                if (!result.Exists(r => r.Item1 == c))
                {
                    result.Add((c, Versions[i]));
                }
            }
        }

        return result;
    }

    /// <summary>The refusal of a bill replayed without an in-force date: it names the option that supplies one.</summary>
    private static ReplayRequestException NoInForce(PolicyDocument policy) => new(new WhatIfProblem(
        WhatIfOption.InForce,
        null,
        $"{policy.Id} has no in-force date of its own ({policy.InForce.Citation.Text}); pass {WhatIfProblem.UsageMarker} to replay it as a hypothetical",
        Leads: false));

    private static bool SameValues(RuleVersion a, RuleVersion b) =>
        a.Values.All(kv => b.Values.TryGetValue(kv.Key, out var other) && other.Value == kv.Value.Value && other.Citation == kv.Value.Citation);
}
