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

    private const int MaxEvents = 100_000;

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

        RefuseAliasesAndBombs(yaml, sourceName);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new LawFileException(sourceName, e.Start.Line, $"not valid YAML: {e.Message}");
        }

        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new LawFileException(sourceName, 1, "expected one YAML document whose top level is a mapping");
        }

        return new Reader(sourceName).Policy(root);
    }

    private static void RefuseAliasesAndBombs(string yaml, string sourceName)
    {
        var parser = new Parser(new StringReader(yaml));
        var events = 0;
        try
        {
            while (parser.MoveNext())
            {
                if (parser.Current is AnchorAlias alias)
                {
                    throw new LawFileException(sourceName, alias.Start.Line, "YAML aliases (*name) are not allowed in policy files");
                }

                if (++events > MaxEvents)
                {
                    throw new LawFileException(sourceName, parser.Current?.Start.Line ?? 0, $"more than {MaxEvents} YAML nodes; a policy file is far smaller");
                }
            }
        }
        catch (YamlException e)
        {
            throw new LawFileException(sourceName, e.Start.Line, $"not valid YAML: {e.Message}");
        }
    }

    private sealed class Reader(string source)
    {
        private static readonly string[] TopKeys = ["id", "title", "summary", "standing", "mechanism", "last_verified", "in_force", "caveats", "parameters", "court_orders"];
        private static readonly string[] ParameterKeys = ["description", "unit", "type", "values"];
        private static readonly string[] ValueKeys = ["from", "value", "citation", "note"];
        private static readonly string[] CitationKeys = ["instrument", "section", "fr", "status", "source"];
        private static readonly string[] CourtOrderKeys = ["description", "sets", "citation"];

        public PolicyDocument Policy(YamlMappingNode root)
        {
            OnlyKeys(root, TopKeys, "policy");
            var id = RequiredText(root, "id");
            if (!IsToken(id))
            {
                throw Error(root, $"id '{id}' must be lower-case letters, digits and hyphens");
            }

            var standing = RequiredText(root, "standing") switch
            {
                "in-force" => LegalStanding.InForce,
                "hypothetical" => LegalStanding.Hypothetical,
                var s => throw Error(Child(root, "standing")!, $"standing '{s}' must be in-force or hypothetical"),
            };
            var mechanism = RequiredText(root, "mechanism") switch
            {
                "encounter-threshold" => MechanismKind.EncounterThreshold,
                "secretary-determination" => MechanismKind.SecretaryDetermination,
                var s => throw Error(Child(root, "mechanism")!, $"mechanism '{s}' must be encounter-threshold or secretary-determination"),
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
                source,
                Child(root, "last_verified") is YamlScalarNode lv ? lv.Value : null);
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
                if (problem is not null)
                {
                    throw Error(raw, $"parameter {name}: {problem}");
                }

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

        private Citation Citation(YamlMappingNode map)
        {
            OnlyKeys(map, CitationKeys, "citation");
            var statusNode = RequiredScalar(map, "status");
            if (!VerificationStatusCodes.TryParse(statusNode.Value ?? string.Empty, out var status))
            {
                throw Error(statusNode, $"citation status '{statusNode.Value}' must be one of V, V-off, S, U");
            }

            return new Citation(
                RequiredText(map, "instrument"),
                Child(map, "section") is YamlScalarNode s ? s.Value ?? string.Empty : string.Empty,
                Child(map, "fr") is YamlScalarNode fr && !string.IsNullOrEmpty(fr.Value) ? fr.Value : null,
                status,
                Child(map, "source") is YamlScalarNode src && !string.IsNullOrEmpty(src.Value) ? src.Value : null);
        }

        private LocalDate ParseDate(YamlScalarNode node)
        {
            var result = IsoDate.Parse(node.Value ?? string.Empty);
            return result.Success ? result.Value : throw Error(node, $"'{node.Value}' is not a date in yyyy-MM-dd form");
        }

        private static YamlNode? Child(YamlMappingNode map, string key) =>
            map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

        private void OnlyKeys(YamlMappingNode map, string[] allowed, string what)
        {
            foreach (var key in map.Children.Keys)
            {
                var name = Scalar(key);
                if (Array.IndexOf(allowed, name) < 0)
                {
                    throw Error(key, $"unknown key '{name}' in {what}; expected one of: {string.Join(", ", allowed)}");
                }
            }
        }

        private YamlScalarNode RequiredScalar(YamlMappingNode map, string key) => Child(map, key) switch
        {
            YamlScalarNode s when !string.IsNullOrEmpty(s.Value) => s,
            null => throw Error(map, $"missing required key '{key}'"),
            var other => throw Error(other, $"'{key}' must be a non-empty value"),
        };

        private string RequiredText(YamlMappingNode map, string key) => RequiredScalar(map, key).Value!;

        private YamlMappingNode RequiredMapping(YamlMappingNode map, string key) => Child(map, key) switch
        {
            YamlMappingNode m => m,
            null => throw Error(map, $"missing required key '{key}'"),
            var other => throw Error(other, $"'{key}' must be a mapping"),
        };

        private YamlMappingNode AsMapping(YamlNode node, string what) =>
            node as YamlMappingNode ?? throw Error(node, $"{what} must be a mapping");

        private string Scalar(YamlNode node) =>
            node is YamlScalarNode { Value: { } v } ? v : throw Error(node, "expected a plain value");

        private LawFileException Error(YamlNode node, string problem) => new(source, node.Start.Line, problem);

        private static bool IsToken(string s) => s.Length is > 0 and <= 64 && s.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');

        private static bool IsParameterName(string s) =>
            s.Length is > 0 and <= 100 && s.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '.') && !s.StartsWith('.') && !s.EndsWith('.');
    }
}
