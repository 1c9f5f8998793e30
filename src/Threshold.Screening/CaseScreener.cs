using NodaTime;
using Threshold.Engine;
using Threshold.Law;

namespace Threshold.Screening;

/// <summary>
/// Screens cases under one policy and one replayed timeline. The suspension applies when the entry instant falls in an
/// active period (12:01 a.m. Eastern boundaries), at a place the policy covers, and no labelled exception holds. The
/// asylum limitation, fear referral and screening standard follow from the policy's rules, with the court orders in
/// force on the decision date applied as overlays on named rule components.
/// </summary>
public sealed class CaseScreener
{
    private readonly CompiledScreening rules;
    private readonly SuspensionTimeline timeline;
    private readonly LocalDate? decidedOn;
    private readonly IReadOnlySet<string> switchedOff;

    /// <param name="timeline">The replay of the same policy over the encounter series.</param>
    /// <param name="decidedOn">Decision date for every case; null to decide each case on its Eastern entry date.</param>
    /// <param name="switchedOff">Ids of court orders to leave out ("what if it is reversed on appeal?").</param>
    public CaseScreener(SuspensionTimeline timeline, LocalDate? decidedOn = null, IReadOnlySet<string>? switchedOff = null)
    {
        this.timeline = timeline;
        rules = Compile(timeline.Policy.Policy);
        this.decidedOn = decidedOn;
        this.switchedOff = switchedOff ?? new HashSet<string>();
        foreach (var id in this.switchedOff)
        {
            if (!rules.Rules.CourtOrders.Any(o => o.Id == id))
            {
                throw new ReplayRequestException($"--without-order {id}: {rules.Policy.Id} declares no such court order; it declares: {(rules.Rules.CourtOrders.Count == 0 ? "none" : string.Join(", ", rules.Rules.CourtOrders.Select(o => o.Id)))}");
            }
        }
    }

    public CompiledScreening Rules => rules;

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<PolicyDocument, CompiledScreening> Cache = [];

    /// <summary>The policy's screening rules, compiled once per policy document.</summary>
    public static CompiledScreening Compile(PolicyDocument policy)
    {
        if (policy.Screening is null)
        {
            throw new ReplayRequestException($"{policy.Id} has no screening rules (no 'screening:' section in {policy.SourceName})");
        }

        return Cache.GetValue(policy, p => new CompiledScreening(p));
    }

    /// <summary>Screens one case with its full trace. Throws <see cref="UnknownPeriodException"/> or <see cref="ScreeningConflictException"/>.</summary>
    public ScreeningResult Screen(ScreeningCase c)
    {
        var trace = new List<TraceStep>();
        var citations = new List<Citation>();
        var r = rules.Rules;
        var status = timeline.StatusAt(c.EntryInstant, out var day)
            ?? throw new UnknownPeriodException($"case {c.Id}: entered {NodaTime.Text.OffsetDateTimePattern.Rfc3339.Format(c.EnteredAt)}, whose status day {day:yyyy-MM-dd} is outside the encounter series ({timeline.Series.Start:yyyy-MM-dd} to {timeline.Series.End:yyyy-MM-dd}); the timeline there is unknown");
        var decided = decidedOn ?? c.EntryDateEastern;
        var orders = rules.OrdersOn(decided, switchedOff);
        bool Vacated(string component, out ScreeningCourtOrder? by)
        {
            by = orders.FirstOrDefault(o => o.Vacates.Contains(component));
            return by is not null;
        }

        // 1. Was the suspension in an active period at the entry instant?
        var inPeriod = status == DayStatus.Active;
        var periodNote = $"status {ReplayReport.StatusName(status)} on {day:yyyy-MM-dd} (a day's status applies from 12:01 a.m. Eastern)";
        trace.Add(new TraceStep("active-period", "The entry instant falls in an active period of the suspension", inPeriod, timeline.Policy.Policy.InForce.Citation, periodNote));
        var atCoveredPlace = (rules.SubjectPlaceMask & (1 << (int)c.Place)) != 0;
        trace.Add(new TraceStep("covered-place", $"Entry at a place the suspension covers ({string.Join(", ", r.SubjectPlaces)})", atCoveredPlace, r.SubjectCitation, ScreeningCase.PlaceCode(c.Place)));

        // 2. Labelled exceptions (and any counter-rules), every one evaluated and traced.
        var holding = new List<CompiledRule>();
        foreach (var rule in rules.Compiled)
        {
            var held = rule.Holds(c);
            trace.Add(new TraceStep(rule.Rule.Code, rule.Rule.Label, held, rule.Rule.Citation, rule.Rule.Outcome == RuleOutcome.Subject ? "counter-exception: subject" : null));
            if (held)
            {
                holding.Add(rule);
            }
        }

        var excepted = Resolve(c, holding, out var decisive);
        var exceptions = excepted ? holding.Where(h => h.Rule.Outcome == RuleOutcome.NotSubject).Select(h => h.Rule.Code).ToArray() : [];
        var subject = inPeriod && atCoveredPlace && !excepted;
        if (Vacated("suspension", out var suspensionOrder) && subject)
        {
            subject = false;
            trace.Add(new TraceStep("court-order", $"The suspension is vacated by {suspensionOrder!.Title}", true, suspensionOrder.Citation));
        }

        if (inPeriod && atCoveredPlace)
        {
            citations.Add(excepted ? decisive!.Rule.Citation : r.SubjectCitation);
        }
        else
        {
            citations.Add(timeline.Policy.Policy.InForce.Citation);
        }

        // 3. The asylum limitation and exceptionally compelling circumstances.
        var inForceAtEntry = status is not (DayStatus.NotInForce or DayStatus.Expired);
        var limited = r.Limitation.Basis switch
        {
            LimitationBasis.SuspensionApplied => subject,
            LimitationBasis.EnteredBetweenPorts => inForceAtEntry && c.Place != EntryPlace.PortOfEntry,
            _ => false,
        };
        trace.Add(new TraceStep("asylum-limitation", r.Limitation.Label, limited, r.Limitation.Citation));
        string? compelling = null;
        if (limited && c.ExceptionallyCompelling is { } ground)
        {
            var match = r.Limitation.Grounds.FirstOrDefault(g => g.Code == ground);
            var accepted = match is not null || (r.Limitation.GroundsOpen && ground == "other");
            trace.Add(new TraceStep($"compelling:{ground}", match?.Label ?? $"Exceptionally compelling circumstances: {ground}", accepted, match?.Citation ?? r.Limitation.GroundsCitation,
                accepted ? "shown by a preponderance of the evidence (input)" : "not a ground under this policy"));
            if (accepted)
            {
                compelling = ground;
                limited = false;
                citations.Add(match?.Citation ?? r.Limitation.GroundsCitation!);
            }
        }

        if (limited && Vacated("asylum-limitation", out var limitationOrder))
        {
            limited = false;
            trace.Add(new TraceStep("court-order", $"The asylum limitation is vacated by {limitationOrder!.Title}", true, limitationOrder.Citation));
            citations.Add(limitationOrder.Citation);
        }
        else if (limited)
        {
            citations.Add(r.Limitation.Citation);
        }

        // 4. Fear screening.
        var manifests = c.Has(CaseFacts.ManifestsFear);
        var fearReferral = subject && manifests;
        var referralNote = r.Fear.ManifestationOnly
            ? Vacated("fear-manifestation", out var manifestationOrder)
                ? $"manifestation requirement vacated by {manifestationOrder!.Title}; referral on fear expressed when asked [U]"
                : "referred only on a manifestation of fear (no advisals or questions)"
            : "referred when fear is expressed";
        trace.Add(new TraceStep("fear-referral", "Referred to a fear screening", fearReferral, r.Fear.ReferralCitation, subject ? referralNote : "not subject to the suspension"));
        string? standard = null;
        if (fearReferral)
        {
            var limitedStandard = limited;
            standard = limitedStandard ? r.Fear.StandardWhenLimited : r.Fear.StandardWhenLifted;
            var standardCitation = limitedStandard ? r.Fear.StandardWhenLimitedCitation : r.Fear.StandardWhenLiftedCitation;
            var upheld = orders.FirstOrDefault(o => o.Upholds.Contains(standard));
            trace.Add(new TraceStep("screening-standard", limitedStandard ? "Withholding and CAT screened at the limited standard" : "Asylum screened at the ordinary standard", true, standardCitation, upheld is null ? standard : $"{standard}; upheld by {upheld.Title}"));
            citations.Add(standardCitation);
        }

        // 5. Removal path and flagged consequences.
        var contiguous = r.ContiguousReturnBetweenPorts && subject && c.Place != EntryPlace.PortOfEntry;
        var removal = contiguous ? RemovalPath.ContiguousReturn : subject && !fearReferral ? RemovalPath.Removable : RemovalPath.None;
        if (contiguous)
        {
            trace.Add(new TraceStep("contiguous-return", "Returned to contiguous territory (Mexico) pending proceedings", true, r.ContiguousReturnCitation));
            citations.Add(r.ContiguousReturnCitation!);
        }

        var entryDate = c.EntryDateEastern;
        var flags = r.Flags.Where(f =>
            (f.EntryFrom is null || entryDate >= f.EntryFrom) && (f.EntryTo is null || entryDate <= f.EntryTo) && f.AppliesTo switch
            {
                "removable" => removal == RemovalPath.Removable,
                "subject" => subject,
                "excepted-or-compelling" => inPeriod && atCoveredPlace && (excepted || compelling is not null),
                "limited" => limited,
                _ => false,
            }).ToArray();
        foreach (var f in flags)
        {
            trace.Add(new TraceStep(f.Code, f.Text, true, f.Citation));
        }

        return new ScreeningResult(
            c.Id, rules.Policy.Id, day, status, decided, subject,
            subject || !(inPeriod && atCoveredPlace) ? null : exceptions.FirstOrDefault(),
            subject || !(inPeriod && atCoveredPlace) ? [] : exceptions,
            limited, compelling, fearReferral, standard, removal, flags, orders,
            citations.Distinct().ToArray(), trace);
    }

    /// <summary>
    /// Resolves the holding rules: all not-subject (or none) is plain; a mix needs declared priorities, the highest
    /// winning, and equal or missing priorities between conflicting rules are an error, never a silent first match.
    /// </summary>
    private bool Resolve(ScreeningCase c, List<CompiledRule> holding, out CompiledRule? decisive)
    {
        decisive = null;
        if (holding.Count == 0)
        {
            return false;
        }

        var notSubject = holding.Where(h => h.Rule.Outcome == RuleOutcome.NotSubject).ToList();
        var subject = holding.Where(h => h.Rule.Outcome == RuleOutcome.Subject).ToList();
        if (subject.Count == 0)
        {
            decisive = notSubject[0];
            return true;
        }

        if (notSubject.Count == 0)
        {
            return false;
        }

        var unranked = holding.Where(h => h.Rule.Priority is null).Select(h => h.Rule.Code).ToArray();
        if (unranked.Length > 0)
        {
            throw new ScreeningConflictException($"case {c.Id}: rules {string.Join(", ", notSubject.Select(h => h.Rule.Code))} (not subject) and {string.Join(", ", subject.Select(h => h.Rule.Code))} (subject) both apply with no declared priority (unranked: {string.Join(", ", unranked)}) in {rules.Policy.SourceName}");
        }

        var top = holding.Max(h => h.Rule.Priority!.Value);
        var winners = holding.Where(h => h.Rule.Priority == top).ToList();
        if (winners.Select(h => h.Rule.Outcome).Distinct().Count() > 1)
        {
            throw new ScreeningConflictException($"case {c.Id}: rules {string.Join(", ", winners.Select(h => h.Rule.Code))} conflict at the same priority {top} in {rules.Policy.SourceName}");
        }

        decisive = winners[0];
        return decisive.Rule.Outcome == RuleOutcome.NotSubject;
    }
}
