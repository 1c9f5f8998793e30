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
    private readonly long[] dayStarts;
    private readonly LocalDate[] days;
    private readonly DayStatus[] statuses;
    private readonly (long StartTicks, Component Vacated)[] reliefSteps;
    private Component? fixedVacated;

    /// <param name="timeline">The replay of the same policy over the encounter series.</param>
    /// <param name="decidedOn">Decision date for every case; null to decide each case on its Eastern entry date.</param>
    /// <param name="switchedOff">Ids of court orders to leave out ("what if it is reversed on appeal?").</param>
    public CaseScreener(SuspensionTimeline timeline, LocalDate? decidedOn = null, IReadOnlySet<string>? switchedOff = null)
    {
        this.timeline = timeline;
        rules = Compile(timeline.Policy.Policy);
        this.decidedOn = decidedOn;
        this.switchedOff = switchedOff ?? new HashSet<string>();
        var series = timeline.Series;
        dayStarts = new long[series.Length + 1];
        days = new LocalDate[series.Length];
        statuses = timeline.Statuses.ToArray();
        for (var i = 0; i <= series.Length; i++)
        {
            dayStarts[i] = EasternTime.TransitionInstant(series.Start.PlusDays(i)).ToInstant().ToUnixTimeTicks();
            if (i < series.Length)
            {
                days[i] = series.Start.PlusDays(i);
            }
        }

        foreach (var id in this.switchedOff)
        {
            if (!CourtOrderComposition.Declares(rules.Rules.CourtOrders, id))
            {
                throw new ReplayRequestException(new WhatIfProblem(WhatIfOption.WithoutOrder, id, $"{rules.Policy.Id} declares no such court order or order event; it declares: {(rules.Rules.CourtOrders.Count == 0 ? "none" : string.Join(", ", CourtOrderComposition.SwitchIds(rules.Rules.CourtOrders)))}"));
            }
        }

        reliefSteps = rules.ReliefSteps(this.switchedOff);
    }

    public CompiledScreening Rules => rules;

    /// <summary>Whether the suspension periods behind every answer come from a MODELED encounter series (every output must then say so).</summary>
    public bool ModeledEncounters => timeline.Series.IsModeled;

    /// <summary>The source name of the encounter series behind every answer (a bundled file or a recorded series).</summary>
    public string SeriesName => timeline.Series.SourceName;

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

    /// <summary>
    /// Decides one case without building any text: the fast path for bulk runs and populations (no allocation). The
    /// full <see cref="Screen"/> derives its trace, citations and flags from this same outcome, so the two never disagree.
    /// </summary>
    public ScreeningOutcome Classify(ScreeningCase c)
    {
        // The period lookup and the relief lookup both compare the entry ticks fixed when the case was built.
        var ticks = c.EntryTicks;
        var status = StatusAt(ticks, out var day)
            ?? throw new UnknownPeriodException($"case {c.Id}: entered {NodaTime.Text.OffsetDateTimePattern.Rfc3339.Format(c.EnteredAt)}, whose status day {day:yyyy-MM-dd} is outside the encounter series ({timeline.Series.Start:yyyy-MM-dd} to {timeline.Series.End:yyyy-MM-dd}); the timeline there is unknown");
        return ClassifyWithRelief(c, status, day, VacatedComponents(ticks));
    }

    /// <summary>
    /// Decides one case as <see cref="Classify"/> does, but with the suspension status of the entry day given instead
    /// of read from the timeline: the same rules, exceptions, court orders (by the case's entry instant or the fixed
    /// decision date) and fear and removal paths. For aggregate models (the scenario simulator) that tabulate the
    /// outcome of each kind of case under each status once, rather than screening every person.
    /// </summary>
    /// <param name="status">The status in force at the entry instant.</param>
    /// <param name="statusDay">The day whose status that is (reported in the outcome).</param>
    public ScreeningOutcome ClassifyWithStatus(ScreeningCase c, DayStatus status, LocalDate statusDay)
    {
        ArgumentNullException.ThrowIfNull(c);
        return ClassifyWithRelief(c, status, statusDay, VacatedComponents(c.EntryTicks));
    }

    /// <summary>
    /// The court-order relief a case entering at <paramref name="entered"/> is decided under, as the components it
    /// vacates (none when the policy declares no order; the fixed decision date's relief when there is one).
    /// <see cref="ClassifyWithStatus"/> reads the entry instant only through this: two cases with the same facts and
    /// status and the same relief get the same answer whatever their entry instants, so an aggregate model may screen
    /// one representative day per relief (the simulator's screening table does).
    /// </summary>
    public Component ReliefAt(OffsetDateTime entered) => VacatedComponents(entered.ToInstant().ToUnixTimeTicks());

    /// <summary>The decision itself, with the court-order relief for the decision date given.</summary>
    private ScreeningOutcome ClassifyWithRelief(ScreeningCase c, DayStatus status, LocalDate day, Component vacated)
    {
        var inPeriod = status == DayStatus.Active;
        var covered = (rules.SubjectPlaceMask & (1 << (int)c.Place)) != 0;
        var coveringGround = -1;
        if (!covered)
        {
            // Grounds of coverage whatever the place (10888 §3).
            var grounds = rules.SubjectAlso;
            for (var g = 0; g < grounds.Length; g++)
            {
                if (grounds[g].Holds(c))
                {
                    covered = true;
                    coveringGround = g;
                    break;
                }
            }
        }

        // Labelled rules: every one is evaluated; the holding set is a bit mask in instrument order.
        ulong holding = 0;
        var compiled = rules.Compiled;
        if (rules.HoldingTable is { } table)
        {
            holding = table[rules.TableKey(c)];
        }
        else
        {
            for (var k = 0; k < compiled.Length; k++)
            {
                if (compiled[k].Holds(c))
                {
                    holding |= 1UL << k;
                }
            }
        }

        var decisive = Resolve(c, holding);
        var excepted = decisive >= 0 && ((rules.NotSubjectRuleMask >> decisive) & 1) != 0;
        var suspensionVacated = (vacated & Component.Suspension) != 0;
        var subject = inPeriod && covered && !excepted && !suspensionVacated;

        var inForceAtEntry = status is not (DayStatus.NotInForce or DayStatus.Expired);
        var limitedBeforeRelief = rules.LimitationBasis switch
        {
            LimitationBasis.SuspensionApplied => subject,
            LimitationBasis.EnteredBetweenPorts => inForceAtEntry && c.Place != EntryPlace.PortOfEntry,
            LimitationBasis.None => false,
        };
        var ground = -1;
        if (limitedBeforeRelief && c.ExceptionallyCompelling is { } code)
        {
            ground = rules.GroundIndex(code);
        }

        var limited = limitedBeforeRelief && ground == -1 && (vacated & Component.AsylumLimitation) == 0;
        var withholdingCatBarred = subject && rules.HasWithholdingCatBar && (vacated & Component.WithholdingCatBar) == 0;
        var referralOpen = rules.FearRequiresRelief == Component.None || (vacated & rules.FearRequiresRelief) != 0;
        var fearReferral = subject && referralOpen && c.Has(CaseFacts.ManifestsFear);
        var r = rules.Rules;
        var standard = fearReferral ? (limited ? r.Fear.StandardWhenLimited : r.Fear.StandardWhenLifted) : null;
        var repatriated = rules.HasOwnRemoval && subject && (rules.RemovalReplacedBy == Component.None || (vacated & rules.RemovalReplacedBy) == 0);
        var removal = repatriated ? RemovalPath.Repatriation
            : r.ContiguousReturnBetweenPorts && subject && c.Place != EntryPlace.PortOfEntry ? RemovalPath.ContiguousReturn
            : subject && !fearReferral ? RemovalPath.Removable
            : RemovalPath.None;
        return new ScreeningOutcome(status, day, inPeriod, covered, holding, decisive, excepted, subject, limitedBeforeRelief, ground, limited, fearReferral, standard, removal, vacated, coveringGround, withholdingCatBarred);
    }

    /// <summary>
    /// The order events after <paramref name="decided"/> that would change the outcome <paramref name="o"/> if the case
    /// were decided on or after the event's effective day (with every event up to it applied), in effect order.
    /// </summary>
    public IReadOnlyList<LaterOrder> LaterOrders(ScreeningCase c, in ScreeningOutcome o, LocalDate decided)
    {
        var later = CourtOrderComposition.Later(rules.Rules.CourtOrders, decided, switchedOff);
        if (later.Count == 0)
        {
            return [];
        }

        // Each day on which later events take effect is compared with the answer just before it, so an event lists only
        // what it changes; events taking effect on the same day share their day's changes.
        var result = new List<LaterOrder>();
        var before = o;
        foreach (var day in later.GroupBy(e => e.Effective!.Value))
        {
            var then = ClassifyWithRelief(c, o.Status, o.StatusDay, rules.Vacated(day.Key, switchedOff));
            var fields = new List<string>();
            void Differs(bool changed, string field)
            {
                if (changed)
                {
                    fields.Add(field);
                }
            }

            Differs(then.SuspensionApplies != before.SuspensionApplies, "suspensionApplies");
            Differs(then.AsylumLimitationApplies != before.AsylumLimitationApplies, "asylumLimitationApplies");
            Differs(then.WithholdingCatBarred != before.WithholdingCatBarred, "withholdingCatBarred");
            Differs(then.FearReferral != before.FearReferral, "fearReferral");
            Differs(then.ScreeningStandard != before.ScreeningStandard, "screeningStandard");
            Differs(then.Removal != before.Removal, "removal");
            if (fields.Count > 0)
            {
                result.AddRange(day.Select(e => new LaterOrder(day.Key, e.Id, e.OrderId, fields, e.Text, e.Citation)));
            }

            before = then;
        }

        return result;
    }

    /// <summary>Screens one case with its full trace. Throws <see cref="UnknownPeriodException"/> or <see cref="ScreeningConflictException"/>.</summary>
    public ScreeningResult Screen(ScreeningCase c)
    {
        var o = Classify(c);
        var r = rules.Rules;
        var trace = new List<TraceStep>();
        var citations = new List<Citation>();
        var decided = decidedOn ?? c.EntryDateEastern;
        var relief = rules.ReliefOn(decided, switchedOff);
        var orders = rules.OrdersOn(decided, switchedOff);
        string? VacatedBy(string component) => relief.Vacated.Contains(component) && relief.Deciding(component) is { } e ? OrderTitle(e) : null;
        Citation? VacatedByCitation(string component) => relief.Deciding(component)?.Citation;

        trace.Add(new TraceStep("active-period", "The entry instant falls in an active period of the suspension", o.InPeriod, timeline.Policy.Policy.InForce.Citation,
            $"status {ReplayReport.StatusName(o.Status)} on {o.StatusDay:yyyy-MM-dd} (a day's status applies from 12:01 a.m. Eastern)"));
        var placeCovered = (rules.SubjectPlaceMask & (1 << (int)c.Place)) != 0;
        trace.Add(new TraceStep("covered-place", $"Entry at a place the suspension covers ({string.Join(", ", r.SubjectPlaces)})", placeCovered, r.SubjectCitation, ScreeningCase.PlaceCode(c.Place)));
        for (var g = 0; g < rules.SubjectAlso.Length; g++)
        {
            var also = r.SubjectAlso[g];
            trace.Add(new TraceStep(also.Code, also.Label, !placeCovered && o.CoveringGround == g, also.Citation, placeCovered ? "not needed: the place is covered" : null));
        }

        var compiled = rules.Compiled;
        for (var k = 0; k < compiled.Length; k++)
        {
            var rule = compiled[k].Rule;
            trace.Add(new TraceStep(rule.Code, rule.Label, (o.HoldingRules & (1UL << k)) != 0, rule.Citation, rule.Outcome == RuleOutcome.Subject ? "counter-exception: subject" : null));
        }

        var exceptions = o.Excepted ? Enumerable.Range(0, compiled.Length).Where(k => (o.HoldingRules & (1UL << k)) != 0 && compiled[k].Rule.Outcome == RuleOutcome.NotSubject).Select(k => compiled[k].Rule.Code).ToArray() : [];
        if ((o.Vacated & Component.Suspension) != 0 && o.InPeriod && o.CoveredPlace && !o.Excepted)
        {
            trace.Add(new TraceStep("court-order", $"The suspension is vacated by {VacatedBy("suspension")}", true, VacatedByCitation("suspension")));
        }

        citations.Add(o.InPeriod && o.CoveredPlace
            ? (o.Excepted ? compiled[o.DecisiveRule].Rule.Citation : o.CoveringGround >= 0 ? r.SubjectAlso[o.CoveringGround].Citation : r.SubjectCitation)
            : timeline.Policy.Policy.InForce.Citation);
        if (o.Excepted && o.InPeriod && o.CoveredPlace && r.ExceptionNote is { } exceptionNote)
        {
            trace.Add(new TraceStep("exception-not-admission", exceptionNote.Label, true, exceptionNote.Citation));
        }

        trace.Add(new TraceStep("asylum-limitation", r.Limitation.Label, o.LimitedBeforeRelief, r.Limitation.Citation));
        string? compelling = null;
        if (o.LimitedBeforeRelief && c.ExceptionallyCompelling is { } ground)
        {
            var match = r.Limitation.Grounds.FirstOrDefault(g => g.Code == ground);
            var accepted = o.GroundIndex >= 0;
            trace.Add(new TraceStep($"compelling:{ground}", match?.Label ?? $"Exceptionally compelling circumstances: {ground}", accepted, match?.Citation ?? r.Limitation.GroundsCitation,
                accepted ? "shown by a preponderance of the evidence (input)" : "not a ground under this policy"));
            if (accepted)
            {
                compelling = ground;
                citations.Add(match?.Citation ?? r.Limitation.GroundsCitation!);
                if (c.Has(CaseFacts.CompellingThroughFamilyMember))
                {
                    trace.Add(new TraceStep("compelling-through-family-member", r.Limitation.FamilyRoute?.Label ?? "Circumstances of a family member travelling with the noncitizen", r.Limitation.FamilyRoute is not null,
                        r.Limitation.FamilyRoute?.Citation ?? r.Limitation.GroundsCitation, r.Limitation.FamilyRoute is null ? "this policy names no family-member route; the ground is taken as the noncitizen's own [U]" : null));
                    if (r.Limitation.FamilyRoute is { } family)
                    {
                        citations.Add(family.Citation);
                    }
                }
            }
        }

        if (o.LimitedBeforeRelief && compelling is null && (o.Vacated & Component.AsylumLimitation) != 0)
        {
            var by = VacatedByCitation("asylum-limitation")!;
            trace.Add(new TraceStep("court-order", $"The asylum limitation is vacated by {VacatedBy("asylum-limitation")}", true, by));
            citations.Add(by);
        }
        else if (o.AsylumLimitationApplies)
        {
            citations.Add(r.Limitation.Citation);
        }

        if (r.Limitation.WithholdingCatBar is { } bar)
        {
            var barVacated = o.SuspensionApplies && (o.Vacated & Component.WithholdingCatBar) != 0;
            trace.Add(new TraceStep("withholding-cat-bar", bar.Label, o.WithholdingCatBarred, bar.Citation,
                barVacated ? $"vacated by {VacatedBy("withholding-cat-bar")}: withholding and CAT screening and procedures are required" : null));
            if (barVacated)
            {
                citations.Add(VacatedByCitation("withholding-cat-bar")!);
            }
            else if (o.WithholdingCatBarred)
            {
                citations.Add(bar.Citation);
            }
        }

        var referralClosed = rules.FearRequiresRelief != Component.None && (o.Vacated & rules.FearRequiresRelief) == 0;
        var referralNote = !o.SuspensionApplies ? "not subject to the suspension"
            : referralClosed ? $"no fear screening in the proclamation's processing until a court order's relief on {r.Fear.RequiresRelief} is in effect"
            : rules.FearRequiresRelief != Component.None ? $"fear screening restored by {VacatedBy(r.Fear.RequiresRelief!)}; referred when fear is expressed"
            : !r.Fear.ManifestationOnly ? "referred when fear is expressed"
            : VacatedBy("fear-manifestation") is { } manifestationOrder ? $"manifestation requirement vacated by {manifestationOrder}; referral on fear expressed when asked [U]"
            : "referred only on a manifestation of fear (no advisals or questions)";
        trace.Add(new TraceStep("fear-referral", "Referred to a fear screening", o.FearReferral, r.Fear.ReferralCitation, referralNote));
        if (o.ScreeningStandard is { } standard)
        {
            var standardCitation = o.AsylumLimitationApplies ? r.Fear.StandardWhenLimitedCitation : r.Fear.StandardWhenLiftedCitation;
            var upheld = relief.Applied.FirstOrDefault(x => x.Upholds.Contains(standard));
            trace.Add(new TraceStep("screening-standard", o.AsylumLimitationApplies ? "Withholding and CAT screened at the limited standard" : "Asylum screened at the ordinary standard", true, standardCitation, upheld is null ? standard : $"{standard}; upheld by {OrderTitle(upheld)}"));
            citations.Add(standardCitation);
        }

        if (r.Removal is { } removalRule && o.SuspensionApplies)
        {
            var restored = o.Removal != RemovalPath.Repatriation && removalRule.ReplacedByRelief is { } rb ? VacatedBy(rb) : null;
            trace.Add(new TraceStep("repatriation", removalRule.Label, o.Removal == RemovalPath.Repatriation, removalRule.Citation,
                restored is null ? null : $"the INA's removal procedures are required by {restored}"));
            citations.Add(o.Removal == RemovalPath.Repatriation ? removalRule.Citation : VacatedByCitation(removalRule.ReplacedByRelief!)!);
        }

        if (o.Removal == RemovalPath.ContiguousReturn)
        {
            trace.Add(new TraceStep("contiguous-return", "Returned to contiguous territory (Mexico) pending proceedings", true, r.ContiguousReturnCitation));
            citations.Add(r.ContiguousReturnCitation!);
        }

        var flagMask = rules.FlagMask(c, o);
        var flags = new List<ConsequenceFlag>();
        for (var k = 0; k < r.Flags.Count; k++)
        {
            var f = r.Flags[k];
            if ((flagMask & (1UL << (2 * k))) != 0)
            {
                flags.Add(f);
            }
            else if ((flagMask & (2UL << (2 * k))) != 0)
            {
                flags.Add(f with { Code = f.Code + "-may", Text = f.MayText! });
            }
        }

        foreach (var f in flags)
        {
            trace.Add(new TraceStep(f.Code, f.Text, true, f.Citation));
        }

        var reportExceptions = !o.SuspensionApplies && o.InPeriod && o.CoveredPlace;
        return new ScreeningResult(
            c.Id, rules.Policy.Id, o.StatusDay, o.Status, decided, o.SuspensionApplies,
            reportExceptions ? exceptions.FirstOrDefault() : null,
            reportExceptions ? exceptions : [],
            o.AsylumLimitationApplies, compelling, o.FearReferral, o.ScreeningStandard, o.Removal, flags, orders,
            citations.Distinct().ToArray(), trace)
        {
            WithholdingCatBarred = o.WithholdingCatBarred,
            AppliedOrderEvents = relief.Applied,
            LaterOrders = LaterOrders(c, o, decided),
            StandingAtEntry = rules.Policy.StandingHistory.On(c.EntryDateEastern),
            StandingOnDecision = rules.Policy.StandingHistory.On(decided),
        };
    }

    private string OrderTitle(CourtOrderEvent e) =>
        $"{rules.Rules.CourtOrders.First(o => o.Id == e.OrderId).Title} ({e.Id}, effective {e.Effective:yyyy-MM-dd})";

    /// <summary>The rule components vacated for this case's decision date by the orders not switched off.</summary>
    private Component VacatedComponents(long ticks)
    {
        if (!rules.HasCourtOrders)
        {
            return Component.None;
        }

        if (decidedOn is { } fixedDate)
        {
            return fixedVacated ??= rules.Vacated(fixedDate, switchedOff);
        }

        // Decided on the entry date: compare instants with the relief steps, so no time-zone conversion is needed per case.
        var steps = reliefSteps;
        var k = steps.Length - 1;
        while (ticks < steps[k].StartTicks)
        {
            k--;
        }

        return steps[k].Vacated;
    }

    /// <summary>
    /// Status at an instant: the day is estimated from 24-hour days and corrected by at most a day either way (DST
    /// moves a 12:01 a.m. start by an hour), falling back to the time-zone path outside the series.
    /// </summary>
    private DayStatus? StatusAt(long ticks, out LocalDate day)
    {
        var starts = dayStarts;
        if (ticks >= starts[0] && ticks < starts[^1])
        {
            var i = (int)((ticks - starts[0]) / NodaConstants.TicksPerDay);
            if (i >= days.Length)
            {
                i = days.Length - 1;
            }

            while (ticks < starts[i])
            {
                i--;
            }

            while (ticks >= starts[i + 1])
            {
                i++;
            }

            day = days[i];
            return statuses[i];
        }

        return timeline.StatusAt(Instant.FromUnixTimeTicks(ticks), out day);
    }

    /// <summary>
    /// Resolves the holding rules (a mask in instrument order) to the decisive rule's index, or -1 when none holds or
    /// the holding rules say "subject". All not-subject is plain (the first in order decides); a mix needs declared
    /// priorities, the highest winning; equal or missing priorities between conflicting rules are an error, never a
    /// silent first match.
    /// </summary>
    private int Resolve(ScreeningCase c, ulong holding)
    {
        if (holding == 0)
        {
            return -1;
        }

        if ((holding & rules.SubjectRuleMask) == 0)
        {
            return System.Numerics.BitOperations.TrailingZeroCount(holding);
        }

        return ResolveConflict(c, holding);
    }

    /// <summary>The rare path where a counter-exception holds: priorities decide, or it is an error.</summary>
    private int ResolveConflict(ScreeningCase c, ulong holding)
    {
        var compiled = rules.Compiled;
        var held = Enumerable.Range(0, compiled.Length).Where(k => (holding & (1UL << k)) != 0).Select(k => compiled[k]).ToList();
        var notSubject = held.Where(h => h.Rule.Outcome == RuleOutcome.NotSubject).ToList();
        var subject = held.Where(h => h.Rule.Outcome == RuleOutcome.Subject).ToList();
        if (notSubject.Count == 0)
        {
            return subject[0].Order;
        }

        var unranked = held.Where(h => h.Rule.Priority is null).Select(h => h.Rule.Code).ToArray();
        if (unranked.Length > 0)
        {
            throw new ScreeningConflictException($"case {c.Id}: rules {string.Join(", ", notSubject.Select(h => h.Rule.Code))} (not subject) and {string.Join(", ", subject.Select(h => h.Rule.Code))} (subject) both apply with no declared priority (unranked: {string.Join(", ", unranked)}) in {rules.Policy.SourceName}");
        }

        var top = held.Max(h => h.Rule.Priority!.Value);
        var winners = held.Where(h => h.Rule.Priority == top).ToList();
        if (winners.Select(h => h.Rule.Outcome).Distinct().Count() > 1)
        {
            throw new ScreeningConflictException($"case {c.Id}: rules {string.Join(", ", winners.Select(h => h.Rule.Code))} conflict at the same priority {top} in {rules.Policy.SourceName}");
        }

        return winners[0].Order;
    }
}
