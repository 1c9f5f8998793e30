using NodaTime;

namespace Threshold.Law;

/// <summary>
/// A condition on a case's facts, authored as a YAML mapping of field to required value, all of which must hold
/// (e.g. <c>{ place: port-of-entry, scheduledArrival: true }</c>). Fields: the case's booleans
/// (<c>usNational</c>, <c>lawfulPermanentResident</c>, <c>unaccompaniedChild</c>, <c>traffickingVictim</c>,
/// <c>validVisaOrDocuments</c>, <c>visaWaiver</c>, <c>armedForcesOrOfficial</c>, <c>scheduledArrival</c>,
/// <c>manifestsFear</c>), <c>place</c>, <c>officerException</c>, <c>exceptionallyCompelling</c> and
/// <c>citizenship</c>; a value may be a list meaning "any of".
/// </summary>
public sealed record CaseCondition(IReadOnlyDictionary<string, IReadOnlyList<string>> Requirements)
{
    /// <summary>Field names a condition may test, with the values each accepts (null = true/false).</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>?> Fields = new Dictionary<string, IReadOnlyList<string>?>(StringComparer.Ordinal)
    {
        ["usNational"] = null,
        ["lawfulPermanentResident"] = null,
        ["unaccompaniedChild"] = null,
        ["traffickingVictim"] = null,
        ["validVisaOrDocuments"] = null,
        ["visaWaiver"] = null,
        ["armedForcesOrOfficial"] = null,
        ["scheduledArrival"] = null,
        ["manifestsFear"] = null,
        ["place"] = ["between-ports", "coastal", "port-of-entry"],
        ["officerException"] = ["totality", "operational"],
        ["exceptionallyCompelling"] = ["medical-emergency", "imminent-threat", "trafficking-victim", "other"],
        ["citizenship"] = [],
    };

    public override string ToString() => string.Join(" and ", Requirements.Select(r => $"{r.Key} = {string.Join("|", r.Value)}"));
}

/// <summary>What a labelled screening rule decides when its condition holds.</summary>
public enum RuleOutcome
{
    /// <summary>The person is not subject to the suspension (an exception such as 10773 §3(b)).</summary>
    NotSubject,

    /// <summary>The person is subject to the suspension even if an exception holds (a counter-exception; needs a declared priority to win).</summary>
    Subject,
}

/// <summary>
/// A labelled rule in the Catala style: a code, the text it encodes, its condition, its outcome and, only where the
/// instrument ranks it against a conflicting rule, a priority. Two holding rules with different outcomes and no
/// declared priority between them are an error, never a silent first match.
/// </summary>
public sealed record ScreeningRule(string Code, string Label, CaseCondition When, RuleOutcome Outcome, int? Priority, Citation Citation);

/// <summary>A ground of exceptionally compelling circumstances (8 CFR 208.35(a)(2)), with its citation.</summary>
public sealed record CompellingGround(string Code, string Label, Citation Citation);

/// <summary>When the asylum limitation attaches.</summary>
public enum LimitationBasis
{
    /// <summary>No asylum limitation under this policy.</summary>
    None,

    /// <summary>When the suspension applied at entry (8 CFR 208.35(a)).</summary>
    SuspensionApplied,

    /// <summary>When the person entered other than at a port of entry (H.R. 2, as summarised).</summary>
    EnteredBetweenPorts,
}

/// <summary>The asylum limitation and the grounds that lift it.</summary>
public sealed record AsylumLimitation(LimitationBasis Basis, string Label, Citation Citation, IReadOnlyList<CompellingGround> Grounds, bool GroundsOpen, Citation? GroundsCitation);

/// <summary>The fear-screening rules: who is referred, and the standard applied.</summary>
/// <param name="ManifestationOnly">Referral only on manifestation of fear (no advisals or questions).</param>
/// <param name="StandardWhenLimited">Standard when the limitation applies (e.g. reasonable-probability for withholding and CAT).</param>
/// <param name="StandardWhenLifted">Standard when exceptionally compelling circumstances lift the limitation, or it does not apply.</param>
public sealed record FearScreening(bool ManifestationOnly, Citation ReferralCitation, string StandardWhenLimited, Citation StandardWhenLimitedCitation, string StandardWhenLifted, Citation StandardWhenLiftedCitation);

/// <summary>A consequence flagged on a result when its condition holds (e.g. the 5-year re-entry bar, the CLP interplay).</summary>
/// <param name="AppliesTo">One of: removable (subject, not referred), subject, excepted-or-compelling, limited.</param>
public sealed record ConsequenceFlag(string Code, string Text, string AppliesTo, LocalDate? EntryFrom, LocalDate? EntryTo, Citation Citation);

/// <summary>
/// A court order as a dated overlay on named rule components: applied to decisions made on or after
/// <see cref="Decided"/> unless switched off. Components: asylum-limitation, fear-manifestation,
/// reasonable-probability, suspension.
/// </summary>
public sealed record ScreeningCourtOrder(string Id, string Title, LocalDate Decided, IReadOnlyList<string> Vacates, IReadOnlyList<string> Upholds, Citation Citation);

/// <summary>
/// Who a policy's suspension applies to and what follows, as authored under <c>screening:</c> in a policy file.
/// </summary>
public sealed record ScreeningRules(
    IReadOnlyList<string> SubjectPlaces,
    Citation SubjectCitation,
    IReadOnlyList<ScreeningRule> Rules,
    AsylumLimitation Limitation,
    FearScreening Fear,
    bool ContiguousReturnBetweenPorts,
    Citation? ContiguousReturnCitation,
    IReadOnlyList<ConsequenceFlag> Flags,
    IReadOnlyList<ScreeningCourtOrder> CourtOrders);
