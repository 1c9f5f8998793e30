using System.Globalization;
using NodaTime;
using NodaTime.Text;
using Threshold.Law;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Threshold.Returns;

/// <summary>
/// Reads an arrangement file (law/arrangements/*.yaml, or a user's own in the same format) into an
/// <see cref="ArrangementDocument"/>. Strict: every problem is an <see cref="ArrangementFileException"/> naming the file
/// and line; unknown keys, YAML aliases, duplicate keys and files over <see cref="MaxBytes"/> are refused; nationality
/// and destination codes must be ISO 3166-1 alpha-2 in form (two upper-case letters), and <c>nationalities</c> a list
/// of them or <c>any</c>; dates are yyyy-MM-dd; a monthly cap is a positive integer or null; a <c>to_citation</c> needs
/// a <c>to</c> and a <c>monthly_cap_citation</c> a cap; two arrangements of the file that would take the same nationality
/// on the same date with the same priority are an error naming both ids. The format is documented in docs/arrangements.md.
/// </summary>
public static class ArrangementYamlReader
{
    /// <summary>Largest arrangement file accepted, in bytes (or characters, for text).</summary>
    public const int MaxBytes = 1 << 20;

    /// <summary>Reads a file from disk; a missing or oversized file is an <see cref="ArrangementFileException"/>.</summary>
    public static ArrangementDocument ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        FileInfo info = new(path);
        if (!info.Exists)
        {
            throw new ArrangementFileException(path, 0, "file not found");
        }

        if (info.Length > MaxBytes)
        {
            throw new ArrangementFileException(path, 0, $"file is {info.Length} bytes; an arrangement file may be at most {MaxBytes} bytes");
        }

        return Read(File.ReadAllText(path), path);
    }

    /// <summary>Reads arrangement YAML; <paramref name="sourceName"/> is the name used in error messages and citations.</summary>
    public static ArrangementDocument Read(string yaml, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(sourceName);
        var root = StrictYamlReader.LoadRoot(yaml, sourceName, MaxBytes, "arrangement", (line, problem) => new ArrangementFileException(sourceName, line, problem));

        var document = new Reader(sourceName).Document(root);
        ArrangementTimeline.Build(document.Arrangements); // overlaps inside one file are reported with this file's lines
        return document;
    }

    private sealed class Reader(string source) : StrictYamlReader(source)
    {
        protected override Exception Fail(long line, string problem) => new ArrangementFileException(Source, line, problem);

        private static readonly string[] TopKeys = ["id", "title", "last_verified", "caveats", "rules", "arrangements"];
        private static readonly string[] RulesKeys = ["unaccompanied_children", "mexican_nationals", "citizenship"];
        private static readonly string[] RuleKeys = ["citation", "also", "note"];
        private static readonly string[] ArrangementKeys = ["id", "title", "from", "to", "to_citation", "destination", "nationalities", "monthly_cap", "monthly_cap_citation", "priority", "citation", "also", "note"];

        /// <summary>The value of <c>nationalities</c> that takes every nationality (but MX and the destination's own).</summary>
        private const string AnyNationality = "any";

        public ArrangementDocument Document(YamlMappingNode root)
        {
            OnlyKeys(root, TopKeys, "an arrangement file");
            var id = RequiredText(root, "id");
            if (!IsToken(id))
            {
                throw Error(Child(root, "id")!, $"id '{id}' must be lower-case letters, digits and hyphens");
            }

            string? lastVerified = null;
            if (Child(root, "last_verified") is { } lv)
            {
                lastVerified = LocalDatePattern.Iso.Format(ParseDate(AsScalar(lv, "last_verified")));
            }

            var caveats = new List<string>();
            if (Child(root, "caveats") is { } cv)
            {
                foreach (var c in AsSequence(cv, "caveats").Children)
                {
                    caveats.Add(NonEmpty(c, "a caveat"));
                }
            }

            ReturnRules? rules = null;
            if (Child(root, "rules") is { } rn)
            {
                var map = AsMapping(rn, "rules");
                OnlyKeys(map, RulesKeys, "rules");
                rules = new ReturnRules(
                    Rule(map, "unaccompanied_children"),
                    Rule(map, "mexican_nationals"),
                    Rule(map, "citizenship"));
            }

            var list = Child(root, "arrangements") switch
            {
                YamlSequenceNode s when s.Children.Count > 0 => s,
                null => throw Error(root, "missing required key 'arrangements'"),
                var other => throw Error(other, "'arrangements' must be a non-empty list"),
            };
            var arrangements = new List<Arrangement>();
            var ids = new HashSet<string>(StringComparer.Ordinal);
            foreach (var node in list.Children)
            {
                var arrangement = Arrangement(node);
                if (!ids.Add(arrangement.Id))
                {
                    throw Error(node, $"arrangement id '{arrangement.Id}' appears twice in this file");
                }

                arrangements.Add(arrangement);
            }

            return new ArrangementDocument(id, RequiredText(root, "title"), lastVerified, caveats, rules, arrangements, Source);
        }

        private ReturnRule Rule(YamlMappingNode rules, string name)
        {
            var map = RequiredMapping(rules, name);
            OnlyKeys(map, RuleKeys, $"rule {name}");
            return new ReturnRule(name, Citation(RequiredMapping(map, "citation")), Also(map), RequiredText(map, "note"));
        }

        private Arrangement Arrangement(YamlNode node)
        {
            var map = AsMapping(node, "an arrangement");
            var id = RequiredText(map, "id");
            if (!IsToken(id))
            {
                throw Error(Child(map, "id")!, $"arrangement id '{id}' must be lower-case letters, digits and hyphens");
            }

            OnlyKeys(map, ArrangementKeys, $"arrangement {id}");
            var from = ParseDate(RequiredScalar(map, "from"));
            LocalDate? to = null;
            if (Child(map, "to") is { } toNode)
            {
                var toScalar = AsScalar(toNode, "to");
                if (!IsNull(toScalar))
                {
                    to = ParseDate(toScalar);
                    if (to < from)
                    {
                        throw Error(toScalar, $"arrangement {id}: 'to' {Iso(to.Value)} is before 'from' {Iso(from)} (both ends are inclusive)");
                    }
                }
            }

            var toCitation = OptionalCitation(map, "to_citation");
            if (toCitation is not null && to is null)
            {
                throw Error(Child(map, "to_citation")!, $"arrangement {id}: 'to_citation' cites the end, but the arrangement has no 'to' (it is open-ended)");
            }

            var destination = NationalityCode.Mexico;
            if (Child(map, "destination") is { } dn)
            {
                var ds = AsScalar(dn, "destination");
                destination = NationalityCode.IsAlpha2(ds.Value)
                    ? ds.Value!
                    : throw Error(ds, $"arrangement {id}: destination '{ds.Value}' is not an ISO 3166-1 alpha-2 code (two upper-case letters, e.g. MX or CR)");
            }

            var (nationalities, any) = Nationalities(map, id, destination);
            var capNode = Child(map, "monthly_cap") ?? throw Error(map, $"arrangement {id}: missing required key 'monthly_cap' (write null for no cap)");
            var capScalar = AsScalar(capNode, "monthly_cap");
            int? cap = null;
            if (!IsNull(capScalar))
            {
                cap = int.TryParse(capScalar.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var c) && c > 0
                    ? c
                    : throw Error(capScalar, $"arrangement {id}: monthly_cap '{capScalar.Value}' must be a positive whole number of people (at most {int.MaxValue}) or null");
            }

            var capCitation = OptionalCitation(map, "monthly_cap_citation");
            if (capCitation is not null && cap is null)
            {
                throw Error(Child(map, "monthly_cap_citation")!, $"arrangement {id}: 'monthly_cap_citation' cites a cap, but monthly_cap is null");
            }

            var priority = 0;
            if (Child(map, "priority") is { } pn)
            {
                var ps = AsScalar(pn, "priority");
                priority = int.TryParse(ps.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var p) && p is >= -1_000_000 and <= 1_000_000
                    ? p
                    : throw Error(ps, $"arrangement {id}: priority '{ps.Value}' must be a whole number between -1000000 and 1000000");
            }

            return new Arrangement(
                id,
                RequiredText(map, "title"),
                from,
                to,
                nationalities,
                cap,
                priority,
                Citation(RequiredMapping(map, "citation")),
                Also(map),
                RequiredText(map, "note"),
                Source,
                node.Start.Line,
                destination,
                any,
                toCitation,
                capCitation);
        }

        private Citation? OptionalCitation(YamlMappingNode map, string key) =>
            Child(map, key) is { } node ? Citation(AsMapping(node, $"'{key}'")) : null;

        /// <summary>The listed codes, or none and true for <c>nationalities: any</c>.</summary>
        private (string[] Codes, bool Any) Nationalities(YamlMappingNode map, string id, string destination)
        {
            var node = Child(map, "nationalities") ?? throw Error(map, $"arrangement {id}: missing required key 'nationalities'");
            if (node is YamlScalarNode { Style: ScalarStyle.Plain, Value: AnyNationality })
            {
                return ([], true);
            }

            var seq = node as YamlSequenceNode;
            if (seq is null || seq.Children.Count == 0)
            {
                throw Error(node, $"arrangement {id}: 'nationalities' must be a non-empty list of ISO 3166-1 alpha-2 codes, e.g. [CU, VE], or '{AnyNationality}'");
            }

            var codes = new List<string>();
            foreach (var item in seq.Children)
            {
                var scalar = AsScalar(item, "a nationality");
                var code = scalar.Value ?? string.Empty;
                if (!NationalityCode.IsAlpha2(code))
                {
                    throw Error(scalar, $"arrangement {id}: nationality '{code}' is not an ISO 3166-1 alpha-2 code (two upper-case letters, e.g. VE)");
                }

                if (code == NationalityCode.Mexico)
                {
                    throw Error(scalar, $"arrangement {id}: MX may not be listed: Mexican nationals go to Mexico under the mexican_nationals rule, outside any arrangement or cap");
                }

                if (code == destination)
                {
                    throw Error(scalar, $"arrangement {id}: {code} is its destination; an arrangement does not take the destination's own nationals (they go to their country of citizenship)");
                }

                if (codes.Contains(code, StringComparer.Ordinal))
                {
                    throw Error(scalar, $"arrangement {id}: nationality {code} is listed twice");
                }

                codes.Add(code);
            }

            return ([.. codes], false);
        }

        private Citation[] Also(YamlMappingNode map) => Child(map, "also") is { } also
            ? [.. AsSequence(also, "also").Children.Select(c => Citation(AsMapping(c, "a citation in 'also'")))]
            : [];

        private static bool IsNull(YamlScalarNode node) =>
            node.Style == ScalarStyle.Plain && node.Value is null or "" or "null" or "Null" or "NULL" or "~";

        private string NonEmpty(YamlNode node, string what) =>
            AsScalar(node, what).Value is { Length: > 0 } v ? v : throw Error(node, $"{what} must be a non-empty text");

        private static string Iso(LocalDate date) => LocalDatePattern.Iso.Format(date);
    }
}
