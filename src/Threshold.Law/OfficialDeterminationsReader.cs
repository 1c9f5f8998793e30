using NodaTime;
using YamlDotNet.RepresentationModel;

namespace Threshold.Law;

/// <summary>
/// Reads an official record (law/determinations/*.yaml) into <see cref="OfficialDeterminations"/>, as strictly as a
/// policy file: unknown keys, bad dates, bad kinds, entries out of order, and an entry that contradicts the record's own
/// "none found" are each a <see cref="LawFileException"/> naming the file and the line.
/// </summary>
public static class OfficialDeterminationsReader
{
    /// <summary>Largest record accepted, in characters: a record lists a handful of determinations.</summary>
    public const int MaxChars = 256 * 1024;

    public static OfficialDeterminations Read(string yaml, string sourceName)
    {
        var root = StrictYamlReader.LoadRoot(yaml, sourceName, MaxChars, "determinations", (line, problem) => new LawFileException(sourceName, line, problem));
        return new Reader(sourceName).Record(root);
    }

    private sealed class Reader(string source) : StrictYamlReader(source)
    {
        private static readonly string[] TopKeys = ["policy", "title", "last_checked", "searched", "determinations", "none_found"];
        private static readonly string[] EntryKeys = ["date", "kind", "window", "text", "citation"];
        private static readonly string[] NoneFoundKeys = ["kinds", "from", "text", "citation"];

        protected override Exception Fail(long line, string problem) => new LawFileException(Source, line, problem);

        public OfficialDeterminations Record(YamlMappingNode root)
        {
            OnlyKeys(root, TopKeys, "a determinations file");
            var policy = RequiredText(root, "policy");
            if (!IsToken(policy))
            {
                throw Error(RequiredScalar(root, "policy"), $"policy '{policy}' must be a policy id: lower-case letters, digits and hyphens");
            }

            var lastChecked = ParseDate(RequiredScalar(root, "last_checked"));
            var listNode = Child(root, "determinations") ?? throw Error(root, "missing required key 'determinations' (write 'determinations: []' when none was found)");
            var entries = new List<OfficialDetermination>();
            foreach (var node in AsSequence(listNode, "determinations").Children)
            {
                var entry = Entry(AsMapping(node, "a determination"), lastChecked);
                if (entries.Count > 0 && entries[^1].Date >= entry.Date)
                {
                    throw Error(node, $"determinations must be in ascending date order without repeats ({entry.Date:yyyy-MM-dd} follows {entries[^1].Date:yyyy-MM-dd})");
                }

                if (entry.Kind == OfficialKind.InForce && entries.Count > 0)
                {
                    throw Error(node, "an in-force finding comes first: the instrument applies from it");
                }

                entries.Add(entry);
            }

            NoneFound? noneFound = null;
            if (Child(root, "none_found") is { } nf)
            {
                noneFound = NoneFoundOf(AsMapping(nf, "none_found"), lastChecked);
                if (entries.Find(e => noneFound.Kinds.Contains(e.Kind) && e.Date >= noneFound.From) is { } contradiction)
                {
                    throw Fail(contradiction.Line, $"a {Name(contradiction.Kind)} dated {contradiction.Date:yyyy-MM-dd} contradicts none_found, which says none was found from {noneFound.From:yyyy-MM-dd}");
                }
            }
            else if (entries.Count == 0)
            {
                throw Error(listNode, "an empty list needs none_found: the kinds searched for and not found, from when, and its citation [U]");
            }

            return new OfficialDeterminations(policy, RequiredText(root, "title"), lastChecked, RequiredText(root, "searched"), entries, noneFound, Source);
        }

        private OfficialDetermination Entry(YamlMappingNode map, LocalDate lastChecked)
        {
            OnlyKeys(map, EntryKeys, "a determination");
            var dateNode = RequiredScalar(map, "date");
            var date = ParseDate(dateNode);
            if (date > lastChecked)
            {
                throw Error(dateNode, $"a determination dated {date:yyyy-MM-dd} is after last_checked {lastChecked:yyyy-MM-dd}");
            }

            var kind = Kind(RequiredScalar(map, "kind"), allowInForce: true);
            DateInterval? window = null;
            if (Child(map, "window") is { } w)
            {
                var wm = AsMapping(w, "window");
                OnlyKeys(wm, ["start", "end"], "window");
                var start = ParseDate(RequiredScalar(wm, "start"));
                var end = ParseDate(RequiredScalar(wm, "end"));
                if (kind == OfficialKind.InForce)
                {
                    throw Error(wm, "an in-force finding relies on no window of data");
                }

                if (end < start || end > date)
                {
                    throw Error(wm, $"window {start:yyyy-MM-dd} to {end:yyyy-MM-dd} must run forwards and end by the determination date {date:yyyy-MM-dd}");
                }

                window = new DateInterval(start, end);
            }

            return new OfficialDetermination(date, kind, window, RequiredText(map, "text"), Citation(RequiredMapping(map, "citation")), map.Start.Line);
        }

        private NoneFound NoneFoundOf(YamlMappingNode map, LocalDate lastChecked)
        {
            OnlyKeys(map, NoneFoundKeys, "none_found");
            var kinds = new List<OfficialKind>();
            var kindsNode = Child(map, "kinds") ?? throw Error(map, "missing required key 'kinds'");
            foreach (var k in AsSequence(kindsNode, "none_found.kinds").Children)
            {
                var kind = Kind(AsScalar(k, "a kind"), allowInForce: false);
                if (kinds.Contains(kind))
                {
                    throw Error(k, $"kind '{Name(kind)}' is listed twice");
                }

                kinds.Add(kind);
            }

            if (kinds.Count == 0)
            {
                throw Error(kindsNode, "none_found.kinds must name at least one kind: activation, deactivation");
            }

            var fromNode = RequiredScalar(map, "from");
            var from = ParseDate(fromNode);
            if (from > lastChecked)
            {
                throw Error(fromNode, $"none_found.from {from:yyyy-MM-dd} is after last_checked {lastChecked:yyyy-MM-dd}");
            }

            var citationNode = RequiredMapping(map, "citation");
            var citation = Citation(citationNode);
            if (citation.Status != VerificationStatus.Unverified)
            {
                // Absence is never verified: a search that found nothing cannot be upgraded to [V], [V-off] or [S].
                throw Error(citationNode, $"none_found is a search that found nothing, so its citation status must be U, not {citation.Status.Code()}");
            }

            return new NoneFound(kinds, from, RequiredText(map, "text"), citation);
        }

        private OfficialKind Kind(YamlScalarNode node, bool allowInForce) => node.Value switch
        {
            "in-force" when allowInForce => OfficialKind.InForce,
            "activation" => OfficialKind.Activation,
            "deactivation" => OfficialKind.Deactivation,
            var other => throw Error(node, $"kind '{other}' must be {(allowInForce ? "in-force, " : string.Empty)}activation or deactivation"),
        };
    }

    /// <summary>The kind as written in a file: in-force, activation, deactivation.</summary>
    public static string Name(OfficialKind kind) => kind switch
    {
        OfficialKind.InForce => "in-force",
        OfficialKind.Activation => "activation",
        OfficialKind.Deactivation => "deactivation",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
