using NodaTime;

namespace Threshold.Law;

/// <summary>What kind of instrument a policy is: law that took effect, or a bill that never became law.</summary>
public enum LegalStanding
{
    /// <summary>An instrument that took legal effect (e.g. a proclamation).</summary>
    InForce,

    /// <summary>A bill that was not enacted; replaying it is a hypothetical.</summary>
    Hypothetical,
}

/// <summary>The C# mechanism family that evaluates a policy's parameters.</summary>
public enum MechanismKind
{
    /// <summary>Counted encounters, rolling averages, threshold determinations, wind-down, streaks and caps.</summary>
    EncounterThreshold,

    /// <summary>
    /// No numeric trigger: the suspension follows dated determinations or findings supplied as inputs (the Secretary's
    /// under H.R. 2; the President's finding that the invasion has ceased under Proclamation 10888). Authored as
    /// <c>secretary-determination</c> or <c>supplied-determination</c>.
    /// </summary>
    SecretaryDetermination,
}

/// <summary>When a policy begins to apply. A null date means the policy has none of its own (a bill) and a replay must supply one.</summary>
/// <param name="Date">Calendar day on which the policy applies from 12:01 a.m. Eastern; null when not enacted.</param>
/// <param name="Citation">Source of the date, or of the statement that there is none.</param>
public sealed record InForceRule(LocalDate? Date, Citation Citation);

/// <summary>
/// A switch that a court order can throw from a date: from then on it sets the listed parameters
/// (e.g. Proclamation 10817 §4, under which an order reviving the original §2(a) restores the single-average rule).
/// </summary>
public sealed record CourtOrderSwitch(string Id, string Description, IReadOnlyDictionary<string, ParameterValue> Sets, Citation Citation);

/// <summary>
/// One instrument as authored in law/policies/*.yaml: identity, standing, mechanism, dated parameters,
/// court-order switches and caveats. Immutable; build a variant with <see cref="With"/>.
/// </summary>
public sealed class PolicyDocument
{
    public PolicyDocument(
        string id,
        string title,
        string summary,
        LegalStanding standing,
        MechanismKind mechanism,
        InForceRule inForce,
        IReadOnlyList<PolicyParameter> parameters,
        IReadOnlyList<CourtOrderSwitch> courtOrders,
        IReadOnlyList<string> caveats,
        string sourceName,
        string? lastVerified)
    {
        Id = id;
        Title = title;
        Summary = summary;
        Standing = standing;
        Mechanism = mechanism;
        InForce = inForce;
        Parameters = parameters;
        CourtOrders = courtOrders;
        Caveats = caveats;
        SourceName = sourceName;
        LastVerified = lastVerified;
        ParametersByName = parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
    }

    public string Id { get; }

    public string Title { get; }

    public string Summary { get; }

    public LegalStanding Standing { get; }

    public MechanismKind Mechanism { get; }

    public InForceRule InForce { get; }

    public IReadOnlyList<PolicyParameter> Parameters { get; }

    public IReadOnlyDictionary<string, PolicyParameter> ParametersByName { get; }

    public IReadOnlyList<CourtOrderSwitch> CourtOrders { get; }

    /// <summary>Plain statements a reader must see with any output of this policy (e.g. "hypothetical: not enacted").</summary>
    public IReadOnlyList<string> Caveats { get; }

    /// <summary>File or resource the policy was read from, for error messages and provenance.</summary>
    public string SourceName { get; }

    /// <summary>Date the values were last checked against the spec (OpenFisca's last_value_still_valid_on).</summary>
    public string? LastVerified { get; }

    /// <summary>Who the suspension applies to and what follows; null for a policy without case rules.</summary>
    public ScreeningRules? Screening { get; init; }

    /// <summary>
    /// The dated, cited events of the instrument's standing: those authored under <c>standing:</c> and those of its
    /// court orders' events. Without authored events, one in-force (or hypothetical) event is derived from
    /// <see cref="Standing"/> and <see cref="InForce"/>.
    /// </summary>
    public InstrumentStanding StandingHistory
    {
        get => standingHistory ??= new InstrumentStanding([Standing == LegalStanding.Hypothetical
            ? new StandingEvent(null, StandingKind.Hypothetical, [], null, "A bill or reform, not law.", InForce.Citation)
            : new StandingEvent(InForce.Date, StandingKind.InForce, [], null, "In force.", InForce.Citation)]);
        init => standingHistory = value;
    }

    private InstrumentStanding? standingHistory;

    /// <summary>The mechanism as authored (e.g. <c>encounter-threshold</c>, <c>secretary-determination</c>, <c>supplied-determination</c>).</summary>
    public string MechanismName
    {
        get => mechanismName ?? (Mechanism == MechanismKind.EncounterThreshold ? "encounter-threshold" : "secretary-determination");
        init => mechanismName = value;
    }

    private string? mechanismName;

    public PolicyDocument With(IReadOnlyList<PolicyParameter>? parameters = null, InForceRule? inForce = null, IReadOnlyList<string>? caveats = null) =>
        new(Id, Title, Summary, Standing, Mechanism, inForce ?? InForce, parameters ?? Parameters, CourtOrders, caveats ?? Caveats, SourceName, LastVerified)
        {
            Screening = Screening,
            StandingHistory = StandingHistory,
            MechanismName = MechanismName,
        };
}
