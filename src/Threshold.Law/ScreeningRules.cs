using NodaTime;

namespace Threshold.Law;

/// <summary>
/// A condition on a case's facts, authored as a YAML mapping of field to required value, all of which must hold
/// (e.g. <c>{ place: port-of-entry, scheduledArrival: true }</c>). Fields: the case's booleans
/// (<c>usNational</c>, <c>lawfulPermanentResident</c>, <c>unaccompaniedChild</c>, <c>traffickingVictim</c>,
/// <c>validVisaOrDocuments</c>, <c>visaWaiver</c>, <c>armedForcesOrOfficial</c>, <c>scheduledArrival</c>,
/// <c>manifestsFear</c>, <c>otherLawfulPermission</c>, <c>compellingThroughFamilyMember</c>,
/// <c>deniedAsylumInThirdCountry</c>), the three-valued <c>medicalAndCriminalInfoProvided</c> and
/// <c>transitedThirdCountry</c> (true, false or unknown), <c>place</c>, <c>officerException</c>, <c>exceptionallyCompelling</c> and
/// <c>citizenship</c>; a value may be a list meaning "any of".
/// </summary>
public sealed record CaseCondition(IReadOnlyDictionary<string, IReadOnlyList<string>> Requirements)
{
    /// <summary>The values of a three-valued field: an absent answer is <c>unknown</c>.</summary>
    public static readonly IReadOnlyList<string> ThreeValued = ["true", "false", "unknown"];

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
        ["otherLawfulPermission"] = null,
        ["compellingThroughFamilyMember"] = null,
        ["deniedAsylumInThirdCountry"] = null,
        ["medicalAndCriminalInfoProvided"] = ThreeValued,
        ["transitedThirdCountry"] = ThreeValued,
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
/// <param name="WithholdingCatBar">
/// Where the instrument also bars withholding of removal and CAT protection for those it limits (10888 as implemented),
/// the bar's text and citation; a court order vacating <c>withholding-cat-bar</c> lifts it. Null when there is none.
/// </param>
/// <param name="FamilyRoute">Where the grounds may be met through a family member travelling with the noncitizen, that route's text and citation.</param>
public sealed record AsylumLimitation(LimitationBasis Basis, string Label, Citation Citation, IReadOnlyList<CompellingGround> Grounds, bool GroundsOpen, Citation? GroundsCitation, LabelledRule? WithholdingCatBar = null, LabelledRule? FamilyRoute = null);

/// <summary>A rule with only a text and a citation (e.g. a bar, a removal path).</summary>
public sealed record LabelledRule(string Label, Citation Citation);

/// <summary>
/// A further ground on which a person is covered whatever the place of entry (e.g. 10888 §3: no medical and
/// criminal-history information before entry). Labelled exceptions still apply.
/// </summary>
public sealed record SubjectGround(string Code, string Label, CaseCondition When, Citation Citation);

/// <summary>
/// A removal path that replaces the ordinary one (e.g. 10888 §5 "repel, repatriate, or remove" without the INA's
/// procedures), until a court order vacating <see cref="ReplacedByRelief"/> restores the ordinary path.
/// </summary>
/// <param name="Path">Only <c>repatriation</c> today.</param>
public sealed record RemovalRule(string Path, string Label, string? ReplacedByRelief, Citation Citation);

/// <summary>The fear-screening rules: who is referred, and the standard applied.</summary>
/// <param name="ManifestationOnly">Referral only on manifestation of fear (no advisals or questions).</param>
/// <param name="StandardWhenLimited">Standard when the limitation applies (e.g. reasonable-probability for withholding and CAT).</param>
/// <param name="StandardWhenLifted">Standard when exceptionally compelling circumstances lift the limitation, or it does not apply.</param>
/// <param name="RequiresRelief">When set, no one is referred until a court order's relief on this component is in effect (10888: removal-procedures).</param>
public sealed record FearScreening(bool ManifestationOnly, Citation ReferralCitation, string StandardWhenLimited, Citation StandardWhenLimitedCitation, string StandardWhenLifted, Citation StandardWhenLiftedCitation, string? RequiresRelief = null);

/// <summary>Which results a consequence flag is raised on (a flag's <c>applies_to</c>).</summary>
public enum FlagScope
{
    /// <summary>removable: subject to the suspension and not referred for a fear screening.</summary>
    Removable,

    /// <summary>subject: the suspension applied.</summary>
    Subject,

    /// <summary>excepted-or-compelling: entered in an active period at a covered place, and excepted or with exceptionally compelling circumstances.</summary>
    ExceptedOrCompelling,

    /// <summary>limited: the asylum limitation applied.</summary>
    Limited,

    /// <summary>not-subject: entered in an active period but not subject.</summary>
    NotSubject,

    /// <summary>in-force: entered in an active period.</summary>
    InForce,
}

/// <summary>A consequence flagged on a result when its condition holds (e.g. the 5-year re-entry bar, the CLP interplay).</summary>
/// <param name="AppliesTo">Which results it is raised on.</param>
/// <param name="When">A further condition on the case's facts (a three-valued field may test <c>unknown</c>); null = none.</param>
/// <param name="Unless">Conditions any one of which keeps the flag off (e.g. the CLP rule's own exceptions).</param>
/// <param name="MayWhen">Conditions under which the flag is reported as one that MAY apply, because a fact it needs is unknown.</param>
public sealed record ConsequenceFlag(string Code, string Text, FlagScope AppliesTo, LocalDate? EntryFrom, LocalDate? EntryTo, Citation Citation, CaseCondition? When = null, IReadOnlyList<CaseCondition>? Unless = null, IReadOnlyList<CaseCondition>? MayWhen = null, string? MayText = null);

/// <summary>What one event of a court order does to the rule components it names.</summary>
public enum OrderEventKind
{
    /// <summary>Vacates (or enjoins) the components, from the event's relief date.</summary>
    Vacates,

    /// <summary>Stays the relief as to the components (pending appeal, administrative, or in part).</summary>
    Stays,

    /// <summary>Lifts a stay as to the components: their relief applies again.</summary>
    LiftsStay,

    /// <summary>An appeal was taken: informational, changes nothing.</summary>
    Appealed,

    /// <summary>Affirmed on appeal: informational unless it lifts a stay (then authored as a separate lifts-stay event).</summary>
    Affirms,

    /// <summary>Reversed on appeal as to the components: their relief ends.</summary>
    Reverses,
}

/// <summary>
/// One dated event of a court order. Its <see cref="Effective"/> day is when relief (or the stay, or the reversal) starts:
/// the decision date, the end of an administrative stay, or the mandate, as <see cref="ReliefFrom"/> and its citation
/// say; null when unknown, and then the event is listed but never applied.
/// </summary>
/// <param name="Id">Unique among the policy's order events, e.g. <c>raices-2025-partial-stay</c>; <c>--without-order</c> takes it.</param>
/// <param name="Date">The day of the order or event itself; null when unknown.</param>
/// <param name="ReliefFrom">When its effect starts if not on <paramref name="Date"/> (e.g. after a 14-day stay of the order).</param>
/// <param name="ReliefCitation">The source (and mark) of <paramref name="ReliefFrom"/>.</param>
/// <param name="Components">Components the event acts on (empty for appeals and affirmances).</param>
/// <param name="Upholds">Components the court upheld (informational; cited in the trace).</param>
public sealed record CourtOrderEvent(
    string Id,
    string OrderId,
    LocalDate? Date,
    OrderEventKind Kind,
    LocalDate? ReliefFrom,
    Citation? ReliefCitation,
    IReadOnlyList<string> Components,
    IReadOnlyList<string> Upholds,
    string Text,
    Citation Citation)
{
    /// <summary>The day from which the event acts on decisions (12:01 a.m. is not meant: a decision on that day is after it).</summary>
    public LocalDate? Effective => ReliefFrom ?? Date;

    /// <summary>Whether the event can change a screening result (appeals and bare affirmances cannot).</summary>
    public bool Acts => Kind is OrderEventKind.Vacates or OrderEventKind.Stays or OrderEventKind.LiftsStay or OrderEventKind.Reverses;
}

/// <summary>
/// A court order as a composable, scoped series of dated events on named rule components: the class it reaches, and
/// events that vacate, stay (in part), lift a stay, affirm or reverse. Screening composes every event effective on or
/// before the decision date (see <see cref="CourtOrderComposition"/>). Components: asylum-limitation,
/// fear-manifestation, reasonable-probability, suspension, withholding-cat-bar, removal-procedures.
/// </summary>
/// <param name="Class">Whom the order reaches, in words (e.g. "everyone: vacatur under the APA").</param>
/// <param name="ClassCitation">Source and mark of the class.</param>
public sealed record ScreeningCourtOrder(string Id, string Title, string Class, Citation ClassCitation, IReadOnlyList<CourtOrderEvent> Events, Citation Citation)
{
    /// <summary>Components a court order event can act on.</summary>
    public static readonly IReadOnlyList<string> ComponentNames = ["asylum-limitation", "fear-manifestation", "reasonable-probability", "suspension", "withholding-cat-bar", "removal-procedures"];

    /// <summary>The day of the first dated event (the decision), for listings.</summary>
    public LocalDate? Decided => Events.Where(e => e.Date is not null).Select(e => e.Date).Min();

    /// <summary>Every component any event vacates.</summary>
    public IReadOnlyList<string> Vacates => [.. Events.Where(e => e.Kind == OrderEventKind.Vacates).SelectMany(e => e.Components).Distinct()];

    /// <summary>Every component the court upheld.</summary>
    public IReadOnlyList<string> Upholds => [.. Events.SelectMany(e => e.Upholds).Distinct()];
}

/// <summary>The relief in effect for a decision day: components vacated and not stayed, and the events that got there.</summary>
/// <param name="Vacated">Components whose relief is in effect (vacated, not stayed, not reversed).</param>
/// <param name="Stayed">Components vacated but stayed on the day.</param>
/// <param name="Applied">Every event effective on or before the day and not switched off, in effect order.</param>
public sealed record OrderRelief(IReadOnlySet<string> Vacated, IReadOnlySet<string> Stayed, IReadOnlyList<CourtOrderEvent> Applied)
{
    /// <summary>The event that put <paramref name="component"/>'s relief (or its stay) in its state on the day.</summary>
    public CourtOrderEvent? Deciding(string component) => Applied.LastOrDefault(e => e.Acts && e.Components.Contains(component));
}

/// <summary>Composes court-order events by decision date: the one place that decides which relief is in effect.</summary>
public static class CourtOrderComposition
{
    /// <summary>
    /// The relief for a decision on <paramref name="decidedOn"/>: every event whose <see cref="CourtOrderEvent.Effective"/>
    /// day is on or before it and that is not switched off (by its own id or its order's id), applied in effect order
    /// (ties in authored order). Vacates turns a component's relief on, stays suspends it, lifts-stay resumes it, reverses
    /// ends it; appeals and affirmances change nothing.
    /// </summary>
    public static OrderRelief On(IReadOnlyList<ScreeningCourtOrder> orders, LocalDate decidedOn, IReadOnlySet<string> switchedOff)
    {
        var applied = orders
            .SelectMany(o => o.Events.Select((e, i) => (Order: o, Event: e, Index: i)))
            .Where(x => x.Event.Effective is { } d && d <= decidedOn && !switchedOff.Contains(x.Event.Id) && !switchedOff.Contains(x.Order.Id))
            .OrderBy(x => x.Event.Effective)
            .ThenBy(x => x.Index)
            .Select(x => x.Event)
            .ToArray();
        var relief = new HashSet<string>(StringComparer.Ordinal);
        var stayed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in applied)
        {
            foreach (var c in e.Components)
            {
                switch (e.Kind)
                {
                    case OrderEventKind.Vacates: relief.Add(c); break;
                    case OrderEventKind.Stays: stayed.Add(c); break;
                    case OrderEventKind.LiftsStay: stayed.Remove(c); break;
                    case OrderEventKind.Reverses: relief.Remove(c); stayed.Remove(c); break;
                }
            }
        }

        var vacated = new HashSet<string>(relief.Where(c => !stayed.Contains(c)), StringComparer.Ordinal);
        stayed.IntersectWith(relief);
        return new OrderRelief(vacated, stayed, applied);
    }

    /// <summary>Every event dated (effective) after <paramref name="decidedOn"/> that acts, not switched off, in effect order.</summary>
    public static IReadOnlyList<CourtOrderEvent> Later(IReadOnlyList<ScreeningCourtOrder> orders, LocalDate decidedOn, IReadOnlySet<string> switchedOff) =>
        [.. orders.SelectMany(o => o.Events.Where(e => e.Acts && e.Effective is { } d && d > decidedOn && !switchedOff.Contains(e.Id) && !switchedOff.Contains(o.Id)))
            .OrderBy(e => e.Effective)];

    /// <summary>Whether <paramref name="id"/> names an order or an order event of <paramref name="orders"/>.</summary>
    public static bool Declares(IReadOnlyList<ScreeningCourtOrder> orders, string id) =>
        orders.Any(o => o.Id == id || o.Events.Any(e => e.Id == id));

    /// <summary>The ids a user can switch off: each order, then each of its events.</summary>
    public static IEnumerable<string> SwitchIds(IReadOnlyList<ScreeningCourtOrder> orders) =>
        orders.SelectMany(o => o.Events.Select(e => e.Id).Prepend(o.Id)).Distinct();
}

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
    IReadOnlyList<ScreeningCourtOrder> CourtOrders)
{
    /// <summary>Further grounds of coverage whatever the place (10888 §3).</summary>
    public IReadOnlyList<SubjectGround> SubjectAlso { get; init; } = [];

    /// <summary>A removal path replacing the ordinary one, or null.</summary>
    public RemovalRule? Removal { get; init; }

    /// <summary>What an exception does not mean (10773 §3(c): not "admissible"), stated wherever an exception is reported; or null.</summary>
    public LabelledRule? ExceptionNote { get; init; }
}
