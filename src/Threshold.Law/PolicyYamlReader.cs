using System.Globalization;
using NodaTime;
using NodaTime.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Threshold.Law;

/// <summary>
/// Reads a policy file (law/policies/*.yaml) into a <see cref="PolicyDocument"/>. Every problem is a
/// <see cref="LawFileException"/> naming the file and line. Aliases are refused and the size is capped,
/// so a hostile file cannot expand without bound.
/// </summary>
public static class PolicyYamlReader
{
    /// <summary>Largest policy file accepted, in bytes.</summary>
    public const int MaxBytes = 1 << 20;

    private static readonly LocalDatePattern IsoDate = LocalDatePattern.Iso;

    public static PolicyDocument ReadFile(string path)
    {
        FileInfo info = new(path);
        if (!info.Exists)
        {
            throw new LawFileException(path, 0, "file not found");
        }

        if (info.Length > MaxBytes)
        {
            throw new LawFileException(path, 0, $"file is {info.Length} bytes; a policy file may be at most {MaxBytes} bytes");
        }

        return Read(File.ReadAllText(path), path);
    }

    public static PolicyDocument Read(string yaml, string sourceName)
    {
        if (yaml.Length > MaxBytes)
        {
            throw new LawFileException(sourceName, 0, $"text is longer than {MaxBytes} characters");
        }

        var root = StrictYamlReader.LoadRoot(yaml, sourceName, MaxBytes, "policy", (line, problem) => new LawFileException(sourceName, line, problem));
        return new Reader(sourceName).Policy(root);
    }

    private sealed class Reader(string source) : StrictYamlReader(source)
    {
        protected override Exception Fail(long line, string problem) => new LawFileException(Source, line, problem);

        private static readonly string[] TopKeys = ["id", "title", "summary", "standing", "mechanism", "last_verified", "in_force", "caveats", "parameters", "court_orders", "screening"];
        private static readonly string[] ParameterKeys = ["description", "unit", "type", "values"];
        private static readonly string[] ValueKeys = ["from", "value", "citation", "note"];
        private static readonly string[] CourtOrderKeys = ["description", "sets", "citation"];

        public PolicyDocument Policy(YamlMappingNode root)
        {
            OnlyKeys(root, TopKeys, "policy");
            var id = RequiredText(root, "id");
            if (!IsToken(id))
            {
                throw Error(root, $"id '{id}' must be lower-case letters, digits and hyphens");
            }

            // Standing: a list of dated, cited events, or (older files) one word: in-force or hypothetical.
            var standingNode = Child(root, "standing") ?? throw Error(root, "missing required key 'standing'");
            List<StandingEvent>? standingEvents = null;
            LegalStanding standing;
            if (standingNode is YamlSequenceNode standingList)
            {
                standingEvents = [.. standingList.Children.Select(StandingEvent)];
                if (standingEvents.Count == 0)
                {
                    throw Error(standingNode, "standing: the list of events must not be empty");
                }

                var hypothetical = standingEvents.Any(e => e.Kind == StandingKind.Hypothetical);
                if (!hypothetical && !standingEvents.Any(e => e.Kind == StandingKind.InForce && e.Components.Count == 0 && e.Date is not null))
                {
                    throw Error(standingNode, "standing: an instrument that is not hypothetical needs a dated in-force event for the whole instrument (no components)");
                }

                standing = hypothetical ? LegalStanding.Hypothetical : LegalStanding.InForce;
            }
            else
            {
                standing = Scalar(standingNode) switch
                {
                    "in-force" => LegalStanding.InForce,
                    "hypothetical" => LegalStanding.Hypothetical,
                    var s => throw Error(standingNode, $"standing '{s}' must be in-force, hypothetical or a list of dated events"),
                };
            }

            var mechanismName = RequiredText(root, "mechanism");
            var mechanism = mechanismName switch
            {
                "encounter-threshold" => MechanismKind.EncounterThreshold,
                "secretary-determination" or "supplied-determination" => MechanismKind.SecretaryDetermination,
                var s => throw Error(Child(root, "mechanism")!, $"mechanism '{s}' must be encounter-threshold, secretary-determination or supplied-determination"),
            };

            var inForceNode = RequiredMapping(root, "in_force");
            OnlyKeys(inForceNode, ["date", "citation"], "in_force");
            LocalDate? inForceDate = null;
            var dateNode = Child(inForceNode, "date");
            if (dateNode is YamlScalarNode { Value: { Length: > 0 } dv } ds && dv != "null" && dv != "~")
            {
                inForceDate = ParseDate(ds);
            }

            var inForce = new InForceRule(inForceDate, Citation(RequiredMapping(inForceNode, "citation")));

            var parameters = new List<PolicyParameter>();
            foreach (var (keyNode, valueNode) in RequiredMapping(root, "parameters").Children)
            {
                parameters.Add(Parameter(Scalar(keyNode), valueNode));
            }

            CheckThresholdOrder(parameters);
            var courtOrders = new List<CourtOrderSwitch>();
            if (Child(root, "court_orders") is { } co)
            {
                var byName = parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
                foreach (var (keyNode, valueNode) in AsMapping(co, "court_orders").Children)
                {
                    courtOrders.Add(CourtOrder(Scalar(keyNode), valueNode, byName));
                }
            }

            var caveats = new List<string>();
            if (Child(root, "caveats") is { } cv)
            {
                if (cv is not YamlSequenceNode seq)
                {
                    throw Error(cv, "caveats must be a list of texts");
                }

                caveats.AddRange(seq.Children.Select(c => Scalar(c)));
            }

            var screening = Child(root, "screening") is { } sn ? Screening(AsMapping(sn, "screening")) : null;
            if (standingEvents is not null && screening is not null)
            {
                // The court orders' events are the one home of judicial standing: each acting or appellate event becomes a
                // standing event, so the standing list never restates an order.
                standingEvents.AddRange(screening.CourtOrders.SelectMany(o => o.Events.Select(e => FromOrderEvent(o, e))));
            }

            return new PolicyDocument(
                id,
                RequiredText(root, "title"),
                RequiredText(root, "summary"),
                standing,
                mechanism,
                inForce,
                parameters,
                courtOrders,
                caveats,
                Source,
                Child(root, "last_verified") is YamlScalarNode lv ? lv.Value : null)
            {
                Screening = screening,
                MechanismName = mechanismName,
                StandingHistory = standingEvents is null ? null! : new InstrumentStanding(standingEvents),
            };
        }

        private static readonly string[] StandingKeys = ["date", "kind", "components", "by", "text", "class", "citation"];

        private StandingEvent StandingEvent(YamlNode node)
        {
            var map = AsMapping(node, "a standing event");
            OnlyKeys(map, StandingKeys, "a standing event");
            var kindNode = RequiredScalar(map, "kind");
            if (!StandingKinds.TryParse(kindNode.Value!, out var kind))
            {
                throw Error(kindNode, $"standing kind '{kindNode.Value}' must be one of {string.Join(", ", StandingKinds.All)}");
            }

            if (kind is StandingKind.VacatedInPart or StandingKind.EnjoinedOrStayed or StandingKind.StayLifted or StandingKind.AffirmedOnAppeal or StandingKind.ReversedOnAppeal or StandingKind.Appealed)
            {
                throw Error(kindNode, $"standing kind '{kindNode.Value}' comes from a court order: author it as an event under screening.court_orders, not under standing");
            }

            var citation = Citation(RequiredMapping(map, "citation"));
            var date = OptionalDate(map, "date", citation, "standing event");
            var components = Child(map, "components") is { } cn ? Texts(cn, "components") : [];
            return new StandingEvent(date, kind, components, OptionalText(map, "by"), RequiredText(map, "text"), citation, OptionalText(map, "class"));
        }

        private static StandingEvent FromOrderEvent(ScreeningCourtOrder order, CourtOrderEvent e)
        {
            var kind = e.Kind switch
            {
                OrderEventKind.Vacates => StandingKind.VacatedInPart,
                OrderEventKind.Stays => StandingKind.EnjoinedOrStayed,
                OrderEventKind.LiftsStay => StandingKind.StayLifted,
                OrderEventKind.Appealed => StandingKind.Appealed,
                OrderEventKind.Affirms => StandingKind.AffirmedOnAppeal,
                _ => StandingKind.ReversedOnAppeal,
            };
            return new StandingEvent(e.Effective ?? e.Date, kind, e.Components, order.Id, e.Text, e.Citation, order.Class, e.Id);
        }

        /// <summary>A date that may be unknown (<c>null</c>): allowed only where the citation says it is not verified.</summary>
        private LocalDate? OptionalDate(YamlMappingNode map, string key, Citation citation, string what)
        {
            var node = RequiredNode(map, key);
            if (node is YamlScalarNode { Value: "null" or "~" or "unknown" or "" } unknown)
            {
                return citation.Status is VerificationStatus.Secondary or VerificationStatus.Unverified
                    ? null
                    : throw Error(unknown, $"{what}: an unknown date needs a citation marked S or U, not {citation.Status.Code()}");
            }

            return ParseDate(AsScalar(node, key));
        }

        private string? OptionalText(YamlMappingNode map, string key) =>
            Child(map, key) is { } n && AsScalar(n, key).Value is { Length: > 0 } v ? v : null;

        private ScreeningRules Screening(YamlMappingNode map)
        {
            OnlyKeys(map, ["subject_places", "subject_citation", "subject_also", "rules", "limitation", "fear", "contiguous_return", "removal", "exception_note", "flags", "court_orders"], "screening");
            var places = Texts(RequiredNode(map, "subject_places"), "subject_places");
            foreach (var place in places)
            {
                if (!CaseCondition.Fields["place"]!.Contains(place))
                {
                    throw Error(RequiredNode(map, "subject_places"), $"subject_places: '{place}' must be one of {string.Join(", ", CaseCondition.Fields["place"]!)}");
                }
            }

            var rules = new List<ScreeningRule>();
            if (Child(map, "rules") is { } rulesNode)
            {
                foreach (var r in AsSequence(rulesNode, "screening.rules").Children)
                {
                    var rm = AsMapping(r, "a screening rule");
                    OnlyKeys(rm, ["code", "label", "when", "outcome", "priority", "citation"], "a screening rule");
                    var code = RequiredText(rm, "code");
                    if (!IsToken(code) || rules.Exists(x => x.Code == code))
                    {
                        throw Error(rm, $"rule code '{code}' must be a unique lower-case token");
                    }

                    var outcome = RequiredText(rm, "outcome") switch
                    {
                        "not-subject" => RuleOutcome.NotSubject,
                        "subject" => RuleOutcome.Subject,
                        var o => throw Error(Child(rm, "outcome")!, $"rule {code}: outcome '{o}' must be not-subject or subject"),
                    };
                    int? priority = null;
                    if (Child(rm, "priority") is YamlScalarNode ps)
                    {
                        priority = int.TryParse(ps.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var pv) ? pv : throw Error(ps, $"rule {code}: priority must be a whole number");
                    }

                    rules.Add(new ScreeningRule(code, RequiredText(rm, "label"), Condition(RequiredMapping(rm, "when"), code), outcome, priority, Citation(RequiredMapping(rm, "citation"))));
                }
            }

            var lm = RequiredMapping(map, "limitation");
            OnlyKeys(lm, ["basis", "label", "citation", "grounds", "grounds_open", "grounds_citation", "withholding_cat_bar", "family_route"], "screening.limitation");
            var basis = RequiredText(lm, "basis") switch
            {
                "none" => LimitationBasis.None,
                "suspension-applied" => LimitationBasis.SuspensionApplied,
                "entered-between-ports" => LimitationBasis.EnteredBetweenPorts,
                var b => throw Error(Child(lm, "basis")!, $"limitation basis '{b}' must be none, suspension-applied or entered-between-ports"),
            };
            var grounds = new List<CompellingGround>();
            if (Child(lm, "grounds") is { } gn)
            {
                foreach (var g in AsSequence(gn, "limitation.grounds").Children)
                {
                    var gm = AsMapping(g, "a ground");
                    OnlyKeys(gm, ["code", "label", "citation"], "a ground");
                    var code = RequiredText(gm, "code");
                    if (!CaseCondition.Fields["exceptionallyCompelling"]!.Contains(code))
                    {
                        throw Error(gm, $"ground '{code}' must be one of {string.Join(", ", CaseCondition.Fields["exceptionallyCompelling"]!)}");
                    }

                    grounds.Add(new CompellingGround(code, RequiredText(gm, "label"), Citation(RequiredMapping(gm, "citation"))));
                }
            }

            var limitation = new AsylumLimitation(
                basis,
                RequiredText(lm, "label"),
                Citation(RequiredMapping(lm, "citation")),
                grounds,
                Child(lm, "grounds_open") is YamlScalarNode go && go.Value == "true",
                Child(lm, "grounds_citation") is YamlMappingNode gc ? Citation(gc) : null,
                Child(lm, "withholding_cat_bar") is { } wb ? Labelled(AsMapping(wb, "withholding_cat_bar"), "withholding_cat_bar") : null,
                Child(lm, "family_route") is { } fr ? Labelled(AsMapping(fr, "family_route"), "family_route") : null);

            var fm = RequiredMapping(map, "fear");
            OnlyKeys(fm, ["manifestation_only", "requires_relief", "referral_citation", "standard_when_limited", "standard_when_limited_citation", "standard_when_lifted", "standard_when_lifted_citation"], "screening.fear");
            string? requiresRelief = null;
            if (Child(fm, "requires_relief") is { } rr)
            {
                requiresRelief = Scalar(rr);
                CheckComponents(fm, [requiresRelief]);
            }

            var fear = new FearScreening(
                RequiredText(fm, "manifestation_only") == "true",
                Citation(RequiredMapping(fm, "referral_citation")),
                Standard(RequiredScalar(fm, "standard_when_limited")),
                Citation(RequiredMapping(fm, "standard_when_limited_citation")),
                Standard(RequiredScalar(fm, "standard_when_lifted")),
                Citation(RequiredMapping(fm, "standard_when_lifted_citation")),
                requiresRelief);

            var contiguous = false;
            Citation? contiguousCitation = null;
            if (Child(map, "contiguous_return") is { } cr)
            {
                var cm = AsMapping(cr, "contiguous_return");
                OnlyKeys(cm, ["between_ports", "citation"], "contiguous_return");
                contiguous = RequiredText(cm, "between_ports") == "true";
                contiguousCitation = Citation(RequiredMapping(cm, "citation"));
            }

            var flags = new List<ConsequenceFlag>();
            if (Child(map, "flags") is { } fl)
            {
                foreach (var f in AsSequence(fl, "screening.flags").Children)
                {
                    var fmap = AsMapping(f, "a flag");
                    OnlyKeys(fmap, ["code", "text", "applies_to", "entry_from", "entry_to", "when", "unless", "may_when", "may_text", "citation"], "a flag");
                    var appliesToText = RequiredText(fmap, "applies_to");
                    var appliesTo = appliesToText switch
                    {
                        "removable" => FlagScope.Removable,
                        "subject" => FlagScope.Subject,
                        "excepted-or-compelling" => FlagScope.ExceptedOrCompelling,
                        "limited" => FlagScope.Limited,
                        "not-subject" => FlagScope.NotSubject,
                        "in-force" => FlagScope.InForce,
                        _ => throw Error(fmap, $"applies_to '{appliesToText}' must be removable, subject, excepted-or-compelling, limited, not-subject or in-force"),
                    };

                    var flagCode = RequiredText(fmap, "code");
                    List<CaseCondition> Conditions(string key) => Child(fmap, key) is { } cn
                        ? [.. AsSequence(cn, $"flag {flagCode}: {key}").Children.Select(c => Condition(AsMapping(c, $"flag {flagCode}: a condition of {key}"), flagCode))]
                        : [];
                    var mayWhen = Conditions("may_when");
                    var mayText = Child(fmap, "may_text") is { } mt ? Scalar(mt) : null;
                    if ((mayWhen.Count > 0) != (mayText is not null))
                    {
                        throw Error(fmap, $"flag {flagCode}: may_when and may_text go together");
                    }

                    flags.Add(new ConsequenceFlag(
                        flagCode, RequiredText(fmap, "text"), appliesTo,
                        Child(fmap, "entry_from") is YamlScalarNode ef ? ParseDate(ef) : null,
                        Child(fmap, "entry_to") is YamlScalarNode et ? ParseDate(et) : null,
                        Citation(RequiredMapping(fmap, "citation")),
                        Child(fmap, "when") is { } wn ? Condition(AsMapping(wn, $"flag {flagCode}: when"), flagCode) : null,
                        Conditions("unless"),
                        mayWhen,
                        mayText));
                }
            }

            var orders = new List<ScreeningCourtOrder>();
            if (Child(map, "court_orders") is { } co)
            {
                var eventIds = new HashSet<string>(StringComparer.Ordinal);
                foreach (var o in AsSequence(co, "screening.court_orders").Children)
                {
                    var order = CourtOrder(AsMapping(o, "a court order"));
                    if (orders.Exists(x => x.Id == order.Id) || eventIds.Contains(order.Id))
                    {
                        throw Error(o, $"court order id '{order.Id}' is used twice");
                    }

                    foreach (var e in order.Events)
                    {
                        // An authored event may not share its order's id (an older file's single decision does, by construction).
                        var authored = Child(AsMapping(o, "a court order"), "events") is not null;
                        if (!eventIds.Add(e.Id) || orders.Exists(x => x.Id == e.Id) || (authored && e.Id == order.Id))
                        {
                            throw Error(o, $"court order event id '{e.Id}' is used twice");
                        }
                    }

                    orders.Add(order);
                }
            }

            var subjectAlso = new List<SubjectGround>();
            if (Child(map, "subject_also") is { } sa)
            {
                foreach (var g in AsSequence(sa, "screening.subject_also").Children)
                {
                    var gm = AsMapping(g, "a subject_also ground");
                    OnlyKeys(gm, ["code", "label", "when", "citation"], "a subject_also ground");
                    var code = RequiredText(gm, "code");
                    subjectAlso.Add(new SubjectGround(code, RequiredText(gm, "label"), Condition(RequiredMapping(gm, "when"), code), Citation(RequiredMapping(gm, "citation"))));
                }
            }

            RemovalRule? removal = null;
            if (Child(map, "removal") is { } rn)
            {
                var rm = AsMapping(rn, "screening.removal");
                OnlyKeys(rm, ["path", "label", "replaced_by_relief", "citation"], "screening.removal");
                var path = RequiredText(rm, "path");
                if (path != "repatriation")
                {
                    throw Error(rm, $"removal path '{path}' must be repatriation");
                }

                var replaced = Child(rm, "replaced_by_relief") is { } rb ? Scalar(rb) : null;
                if (replaced is not null)
                {
                    CheckComponents(rm, [replaced]);
                }

                if (contiguous)
                {
                    throw Error(rm, "screening.removal and contiguous_return cannot both be given");
                }

                removal = new RemovalRule(path, RequiredText(rm, "label"), replaced, Citation(RequiredMapping(rm, "citation")));
            }

            return new ScreeningRules(places, Citation(RequiredMapping(map, "subject_citation")), rules, limitation, fear, contiguous, contiguousCitation, flags, orders)
            {
                SubjectAlso = subjectAlso,
                Removal = removal,
                ExceptionNote = Child(map, "exception_note") is { } en ? Labelled(AsMapping(en, "exception_note"), "exception_note") : null,
            };
        }

        private static readonly string[] OrderKeys = ["id", "title", "class", "class_citation", "events", "citation", "decided", "vacates", "upholds"];
        private static readonly string[] OrderEventKeys = ["id", "date", "kind", "relief_from", "relief_citation", "components", "upholds", "text", "citation"];

        /// <summary>
        /// A court order: <c>id</c>, <c>title</c>, <c>class</c> (whom it reaches), <c>citation</c> and dated <c>events</c>; or,
        /// in older files, one decision as <c>decided</c>, <c>vacates</c> and <c>upholds</c> (read as one vacates event).
        /// </summary>
        private ScreeningCourtOrder CourtOrder(YamlMappingNode om)
        {
            OnlyKeys(om, OrderKeys, "a court order");
            var id = RequiredText(om, "id");
            if (!IsToken(id))
            {
                throw Error(om, $"court order id '{id}' must be lower-case letters, digits and hyphens");
            }

            var citation = Citation(RequiredMapping(om, "citation"));
            var title = RequiredText(om, "title");
            var classText = OptionalText(om, "class") ?? "everyone screened under the policy (no narrower class is stated)";
            var classCitation = Child(om, "class_citation") is YamlMappingNode cc ? Citation(cc) : citation;
            var events = new List<CourtOrderEvent>();
            if (Child(om, "events") is { } en)
            {
                if (Child(om, "decided") is not null || Child(om, "vacates") is not null || Child(om, "upholds") is not null)
                {
                    throw Error(om, $"court order {id}: give either events or decided/vacates/upholds, not both");
                }

                foreach (var e in AsSequence(en, $"court order {id}: events").Children)
                {
                    events.Add(OrderEvent(id, AsMapping(e, "a court order event")));
                }

                if (events.Count == 0)
                {
                    throw Error(en, $"court order {id}: events must not be empty");
                }
            }
            else
            {
                var vacates = Child(om, "vacates") is { } vn ? Texts(vn, "vacates") : [];
                var upholds = Child(om, "upholds") is { } un ? Texts(un, "upholds") : [];
                CheckComponents(om, vacates.Concat(upholds));
                events.Add(new CourtOrderEvent(id, id, ParseDate(RequiredScalar(om, "decided")), OrderEventKind.Vacates, null, null, vacates, upholds, title, citation));
            }

            return new ScreeningCourtOrder(id, title, classText, classCitation, events, citation);
        }

        private CourtOrderEvent OrderEvent(string orderId, YamlMappingNode em)
        {
            OnlyKeys(em, OrderEventKeys, $"an event of court order {orderId}");
            var id = RequiredText(em, "id");
            if (!IsToken(id))
            {
                throw Error(em, $"court order event id '{id}' must be lower-case letters, digits and hyphens");
            }

            var kindText = RequiredText(em, "kind");
            var kind = kindText switch
            {
                "vacates" => OrderEventKind.Vacates,
                "stays" => OrderEventKind.Stays,
                "lifts-stay" => OrderEventKind.LiftsStay,
                "appealed" => OrderEventKind.Appealed,
                "affirms" => OrderEventKind.Affirms,
                "reverses" => OrderEventKind.Reverses,
                _ => throw Error(Child(em, "kind")!, $"court order event {id}: kind '{kindText}' must be vacates, stays, lifts-stay, appealed, affirms or reverses"),
            };
            var citation = Citation(RequiredMapping(em, "citation"));
            var date = OptionalDate(em, "date", citation, $"court order event {id}");
            LocalDate? reliefFrom = null;
            Citation? reliefCitation = null;
            if (Child(em, "relief_from") is not null)
            {
                reliefCitation = Child(em, "relief_citation") is YamlMappingNode rc ? Citation(rc) : throw Error(em, $"court order event {id}: relief_from needs a relief_citation saying where the date comes from");
                reliefFrom = OptionalDate(em, "relief_from", reliefCitation, $"court order event {id}: relief_from");
                if (reliefFrom is { } r && date is { } d && r < d)
                {
                    throw Error(em, $"court order event {id}: relief_from {r:yyyy-MM-dd} is before the event's date {d:yyyy-MM-dd}");
                }
            }
            else if (Child(em, "relief_citation") is not null)
            {
                throw Error(em, $"court order event {id}: relief_citation without relief_from");
            }

            var components = Child(em, "components") is { } cn ? Texts(cn, "components") : [];
            var upholds = Child(em, "upholds") is { } un ? Texts(un, "upholds") : [];
            CheckComponents(em, components.Concat(upholds));
            var acts = kind is OrderEventKind.Vacates or OrderEventKind.Stays or OrderEventKind.LiftsStay or OrderEventKind.Reverses;
            if (acts && components.Count == 0)
            {
                throw Error(em, $"court order event {id}: a {kindText} event must name the components it acts on");
            }

            if (!acts && components.Count > 0)
            {
                throw Error(em, $"court order event {id}: a {kindText} event acts on no components; author a lifts-stay or reverses event for its effect");
            }

            return new CourtOrderEvent(id, orderId, date, kind, reliefFrom, reliefCitation, components, upholds, RequiredText(em, "text"), citation);
        }

        private void CheckComponents(YamlMappingNode node, IEnumerable<string> components)
        {
            foreach (var c in components)
            {
                if (!ScreeningCourtOrder.ComponentNames.Contains(c))
                {
                    throw Error(node, $"court order component '{c}' must be one of {string.Join(", ", ScreeningCourtOrder.ComponentNames)}");
                }
            }
        }

        private LabelledRule Labelled(YamlMappingNode map, string what)
        {
            OnlyKeys(map, ["label", "citation"], what);
            return new LabelledRule(RequiredText(map, "label"), Citation(RequiredMapping(map, "citation")));
        }

        private string Standard(YamlScalarNode node) => node.Value is "reasonable-probability" or "significant-possibility" or "reasonable-possibility"
            ? node.Value
            : throw Error(node, $"screening standard '{node.Value}' must be reasonable-probability, significant-possibility or reasonable-possibility");

        private CaseCondition Condition(YamlMappingNode map, string rule)
        {
            var requirements = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            foreach (var (k, v) in map.Children)
            {
                var field = Scalar(k);
                if (!CaseCondition.Fields.TryGetValue(field, out var allowed))
                {
                    throw Error(k, $"rule {rule}: unknown case field '{field}'; fields are {string.Join(", ", CaseCondition.Fields.Keys)}");
                }

                var values = v is YamlSequenceNode ? Texts(v, field) : [Scalar(v)];
                foreach (var value in values)
                {
                    var ok = allowed is null ? value is "true" or "false"
                        : field == "citizenship" ? value.Length == 2 && value.All(char.IsAsciiLetterUpper)
                        : allowed.Contains(value);
                    if (!ok)
                    {
                        throw Error(v, $"rule {rule}: '{value}' is not a value of {field}");
                    }
                }

                requirements[field] = values;
            }

            if (requirements.Count == 0)
            {
                throw Error(map, $"rule {rule}: 'when' needs at least one condition");
            }

            return new CaseCondition(requirements);
        }

        private List<string> Texts(YamlNode node, string what) =>
            AsSequence(node, what).Children.Select(c => Scalar(c)).ToList();

        private YamlNode RequiredNode(YamlMappingNode map, string key) =>
            Child(map, key) ?? throw Error(map, $"missing required key '{key}'");

        /// <summary>The line of each threshold value read, by parameter and start date, to name it in a later check.</summary>
        private readonly Dictionary<(string Name, LocalDate From), long> valueLines = [];

        /// <summary>
        /// Checks <see cref="ThresholdOrder.OrderProblem"/> on every date a threshold value starts, and names the line of
        /// the value that makes the order wrong on that date.
        /// </summary>
        private void CheckThresholdOrder(List<PolicyParameter> parameters)
        {
            var thresholds = parameters.Where(p => p.Type == ParameterType.Number && ThresholdOrder.Thresholds.Contains(p.Name)).ToDictionary(p => p.Name, StringComparer.Ordinal);
            foreach (var date in thresholds.Values.SelectMany(p => p.Values.Select(v => v.From)).Distinct().Order())
            {
                if (ThresholdOrder.OrderProblem(name => thresholds.TryGetValue(name, out var p) ? p.On(date).Value.Number : null) is { } found)
                {
                    var line = valueLines.TryGetValue((found.Parameter, thresholds[found.Parameter].On(date).From), out var at) ? at : 0;
                    throw Fail(line, $"on {IsoDate.Format(date)}: {found.Problem}");
                }
            }
        }

        private PolicyParameter Parameter(string name, YamlNode node)
        {
            if (!IsParameterName(name))
            {
                throw Error(node, $"parameter name '{name}' must be dotted lower-case words, e.g. discontinue.threshold");
            }

            var map = AsMapping(node, $"parameter {name}");
            OnlyKeys(map, ParameterKeys, $"parameter {name}");
            var type = RequiredText(map, "type") switch
            {
                "number" => ParameterType.Number,
                "boolean" => ParameterType.Boolean,
                "text" => ParameterType.Text,
                var t => throw Error(Child(map, "type")!, $"parameter {name}: type '{t}' must be number, boolean or text"),
            };
            if (Child(map, "values") is not YamlSequenceNode valuesNode || valuesNode.Children.Count == 0)
            {
                throw Error(map, $"parameter {name}: 'values' must be a non-empty list");
            }

            var values = new List<DatedValue>();
            foreach (var v in valuesNode.Children)
            {
                var vm = AsMapping(v, $"a value of {name}");
                OnlyKeys(vm, ValueKeys, $"a value of {name}");
                var from = ParseDate(RequiredScalar(vm, "from"));
                if (values.Count > 0 && values[^1].From >= from)
                {
                    throw Error(vm, $"parameter {name}: values must be in ascending date order without repeats ({IsoDate.Format(from)} follows {IsoDate.Format(values[^1].From)})");
                }

                var raw = RequiredScalar(vm, "value");
                var problem = ParameterValue.TryParse(type, raw.Value ?? string.Empty, out var value);
                if (problem is not null || (type == ParameterType.Number && ThresholdOrder.ValueProblem(name, value.Number) is { } threshold && (problem = threshold) is not null))
                {
                    throw Error(raw, $"parameter {name}: {problem}");
                }

                valueLines[(name, from)] = raw.Start.Line;
                values.Add(new DatedValue(from, value, Citation(RequiredMapping(vm, "citation")), Child(vm, "note") is YamlScalarNode n ? n.Value : null));
            }

            return new PolicyParameter(name, RequiredText(map, "description"), RequiredText(map, "unit"), type, values);
        }

        private CourtOrderSwitch CourtOrder(string id, YamlNode node, Dictionary<string, PolicyParameter> parameters)
        {
            if (!IsToken(id))
            {
                throw Error(node, $"court order id '{id}' must be lower-case letters, digits and hyphens");
            }

            var map = AsMapping(node, $"court order {id}");
            OnlyKeys(map, CourtOrderKeys, $"court order {id}");
            var sets = new Dictionary<string, ParameterValue>(StringComparer.Ordinal);
            foreach (var (k, v) in RequiredMapping(map, "sets").Children)
            {
                var name = Scalar(k);
                if (!parameters.TryGetValue(name, out var parameter))
                {
                    throw Error(k, $"court order {id} sets '{name}', which is not a parameter of this policy");
                }

                var problem = ParameterValue.TryParse(parameter.Type, Scalar(v), out var value);
                if (problem is not null)
                {
                    throw Error(v, $"court order {id}: {name}: {problem}");
                }

                sets[name] = value;
            }

            return new CourtOrderSwitch(id, RequiredText(map, "description"), sets, Citation(RequiredMapping(map, "citation")));
        }

        private static bool IsParameterName(string s) =>
            s.Length is > 0 and <= 100 && s.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '.') && !s.StartsWith('.') && !s.EndsWith('.');
    }
}
