using NodaTime;
using Threshold.Law;

namespace Threshold.Engine;

/// <summary>A what-if: set a parameter to a value on every date (<see cref="WhatIfOption.Set"/>, NAME=VALUE).</summary>
public sealed record ParameterOverride(string Name, string RawValue);

/// <summary>A court order of the policy's declared kind, in effect from <paramref name="From"/> (inclusive).</summary>
public sealed record CourtOrderInput(string Id, LocalDate From);

/// <summary>A dated determination supplied by the user for a secretary-determination policy (H.R. 2).</summary>
/// <param name="Date">The date the Secretary makes the determination.</param>
/// <param name="Active">True for "suspension necessary" (active); false for inactive.</param>
public sealed record SecretaryDeterminationInput(LocalDate Date, bool Active);

/// <summary>Everything a replay may vary besides the policy and the series. Immutable.</summary>
public sealed record ReplayOptions
{
    public static readonly ReplayOptions Default = new();

    /// <summary>Sets or replaces the in-force date (required for bills, which have none).</summary>
    public LocalDate? InForce { get; init; }

    /// <summary>Overrides determination.lag_days when set (<see cref="WhatIfOption.DeterminationLag"/>).</summary>
    public int? DeterminationLagDays { get; init; }

    public IReadOnlyList<ParameterOverride> Overrides { get; init; } = [];

    public IReadOnlyList<CourtOrderInput> CourtOrders { get; init; } = [];

    public IReadOnlyList<SecretaryDeterminationInput> Determinations { get; init; } = [];

    /// <summary>How the caller names the what-ifs: the overlays' labels, their citations and caveats are worded in its terms.</summary>
    public WhatIfWording Wording { get; init; } = WhatIfWording.Neutral;
}

/// <summary>What an overlay changed, so a replay can prove it was evaluated (and refuse a silent no-op).</summary>
/// <param name="Label">As the caller words it (<see cref="ReplayOptions.Wording"/>), e.g. "--set deactivate.threshold=2000" from the CLI.</param>
/// <param name="Parameter">The parameter it replaces.</param>
/// <param name="Original">The parameter before the overlay.</param>
/// <param name="From">First day the overlay applies; null for every day.</param>
/// <param name="Option">The what-if that made it, whatever the wording.</param>
/// <param name="Given">The what-if's value as the user gave it, e.g. "deactivate.threshold=2000".</param>
public sealed record AppliedOverlay(string Label, string Parameter, PolicyParameter Original, LocalDate? From, ParameterValue Value, WhatIfOption Option, string Given)
{
    /// <summary>A problem with this overlay, naming its what-if by type.</summary>
    public WhatIfProblem Problem(string problem) => new(Option, Given, problem);
}

/// <summary>
/// The single what-if mechanism: overrides and court orders are overlays on the dated parameters of a policy.
/// An overlay naming no parameter is an error here; one that changes nothing the replay evaluated is an error after it.
/// </summary>
public static class PolicyOverlay
{
    /// <summary>The instrument named by the citation of a what-if in-force date, so a replay can tell it from the instrument's own.</summary>
    public const string WhatIfInForce = "What-if in-force date";

    public static (PolicyDocument Policy, IReadOnlyList<AppliedOverlay> Applied) Apply(PolicyDocument policy, ReplayOptions options)
    {
        var parameters = policy.Parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var applied = new List<AppliedOverlay>();
        var userCitation = new Citation("What-if override", string.Empty, null, VerificationStatus.Unverified, "set by the user; not law");

        var wording = options.Wording;
        ReplayRequestException Refused(WhatIfOption option, string? given, string problem) => new(new WhatIfProblem(option, given, problem));

        void Set(WhatIfOption option, string given, string name, LocalDate? from, ParameterValue value, Citation citation)
        {
            var label = wording.Phrase(option, given);
            var original = parameters[name];
            parameters[name] = original.WithValueFrom(from, value, citation, label);
            applied.Add(new AppliedOverlay(label, name, original, from, value, option, given));
        }

        foreach (var o in options.Overrides)
        {
            var given = $"{o.Name}={o.RawValue}";
            if (!parameters.TryGetValue(o.Name, out var parameter))
            {
                throw Refused(WhatIfOption.Set, given, $"{policy.Id} has no parameter '{o.Name}'; its parameters are: {string.Join(", ", policy.Parameters.Select(p => p.Name))}");
            }

            var problem = ParameterValue.TryParse(parameter.Type, o.RawValue, out var value);
            if (problem is not null)
            {
                throw Refused(WhatIfOption.Set, given, $"{problem} (the parameter is a {parameter.Type.ToString().ToLowerInvariant()})");
            }

            Set(WhatIfOption.Set, given, o.Name, null, value, userCitation with { Source = $"{wording.Phrase(WhatIfOption.Set, given)}; not law" });
        }

        if (options.DeterminationLagDays is { } lag)
        {
            var given = lag.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!parameters.ContainsKey("determination.lag_days"))
            {
                throw Refused(WhatIfOption.DeterminationLag, null, $"{policy.Id} makes no threshold determinations, so it has no determination lag");
            }

            if (lag is < 0 or > 365)
            {
                throw Refused(WhatIfOption.DeterminationLag, given, "must be 0 to 365 days");
            }

            Set(WhatIfOption.DeterminationLag, given, "determination.lag_days", null, ParameterValue.Of(lag), userCitation with { Source = $"{wording.Phrase(WhatIfOption.DeterminationLag, given)}; not law" });
        }

        foreach (var order in options.CourtOrders)
        {
            var declared = policy.CourtOrders.FirstOrDefault(c => c.Id == order.Id)
                ?? throw Refused(WhatIfOption.CourtOrder, order.Id, policy.CourtOrders.Count == 0
                    ? $"{policy.Id} declares no court-order fallbacks"
                    : $"unknown; {policy.Id} declares: {string.Join(", ", policy.CourtOrders.Select(c => c.Id))}");
            foreach (var (name, value) in declared.Sets)
            {
                Set(WhatIfOption.CourtOrder, $"{order.Id}={order.From:yyyy-MM-dd}", name, order.From, value, declared.Citation);
            }
        }

        var caveats = policy.Caveats.ToList();
        foreach (var a in applied)
        {
            caveats.Add($"What-if: {a.Label} replaces {a.Parameter}" + (a.From is { } f ? $" from {f:yyyy-MM-dd}" : " on every date") + ".");
        }

        InForceRule? inForce = null;
        if (options.InForce is { } date)
        {
            inForce = new InForceRule(date, new Citation(WhatIfInForce, string.Empty, null, VerificationStatus.Unverified, $"{wording.Name(WhatIfOption.InForce)}; not law"));
            if (policy.InForce.Date is { } own && own != date)
            {
                caveats.Add($"What-if: in force from {date:yyyy-MM-dd} instead of {own:yyyy-MM-dd}.");
            }
            else if (policy.InForce.Date is null)
            {
                caveats.Add($"Hypothetical in-force date {date:yyyy-MM-dd} ({wording.Name(WhatIfOption.InForce)}).");
            }
        }

        var result = policy.With(
            parameters: policy.Parameters.Select(p => parameters[p.Name]).ToArray(),
            inForce: inForce,
            caveats: caveats);
        return (result, applied);
    }
}
