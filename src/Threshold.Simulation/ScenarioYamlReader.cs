using System.Globalization;
using NodaTime;
using NodaTime.Text;
using Threshold.Engine;
using Threshold.Law;
using YamlDotNet.RepresentationModel;

namespace Threshold.Simulation;

/// <summary>
/// Reads a scenario file strictly (the rules of <see cref="StrictYamlReader"/>: no aliases, no duplicate keys, sizes
/// capped). An unknown key or parameter, a value outside the parameter's range or an impossible horizon is a
/// <see cref="ScenarioFileException"/> naming the file, line and key. The format is in docs/simulation.md.
/// </summary>
public static class ScenarioYamlReader
{
    /// <summary>Largest scenario file accepted, in bytes.</summary>
    public const int MaxBytes = 1 << 18;

    public static Scenario ReadFile(string path)
    {
        FileInfo info = new(path);
        if (!info.Exists)
        {
            throw new ScenarioFileException(path, 0, "file not found");
        }

        if (info.Length > MaxBytes)
        {
            throw new ScenarioFileException(path, 0, $"file is {info.Length} bytes; a scenario file may be at most {MaxBytes} bytes");
        }

        return Read(File.ReadAllText(path), path, Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".");
    }

    /// <param name="baseDirectory">Where <c>file:</c> policies are resolved from (the scenario's folder).</param>
    public static Scenario Read(string yaml, string sourceName, string baseDirectory)
    {
        var root = StrictYamlReader.LoadRoot(yaml, sourceName, MaxBytes, "scenario", (line, problem) => new ScenarioFileException(sourceName, line, problem));
        return new Reader(sourceName, baseDirectory).Scenario(root);
    }

    private sealed class Reader(string source, string baseDirectory) : StrictYamlReader(source)
    {
        private static readonly string[] TopKeys = ["name", "description", "seed", "paths", "horizon", "mix_month", "policies", "parameters", "sensitivity", "level"];
        private static readonly string[] LevelKeys = ["anchor", "suspension_active"];
        private static readonly string[] HorizonKeys = ["start", "end", "years"];
        private static readonly string[] PolicyKeys = ["id", "file", "label", "in_force", "set", "court_orders", "determinations"];
        private static readonly string[] RangeKeys = ["low", "high", "preset"];
        private static readonly string[] SensitivityKeys = ["paths", "parameters"];

        protected override Exception Fail(long line, string problem) => new ScenarioFileException(Source, line, problem);

        private ScenarioFileException At(YamlNode node, string key, string problem) => new(Source, node.Start.Line, problem, key);

        public Scenario Scenario(YamlMappingNode root)
        {
            OnlyKeys(root, TopKeys, "scenario");
            var name = RequiredText(root, "name");
            var description = Child(root, "description") is { } d ? Scalar(d) : string.Empty;
            var seed = Child(root, "seed") is { } s ? ParseSeed(AsScalar(s, "seed")) : 1UL;
            var paths = Child(root, "paths") is { } p ? ParseInt(AsScalar(p, "paths"), "paths", 1, ScenarioLimits.MaxPaths) : 1000;
            var (start, end) = Horizon(RequiredMapping(root, "horizon"));
            var mixMonth = Child(root, "mix_month") is { } mm ? ParseMonth(AsScalar(mm, "mix_month")) : new YearMonth(2024, 7);
            var policiesNode = Child(root, "policies") ?? throw At(root, "policies", "missing required key 'policies' (a list of at least one policy)");
            var policyNodes = AsSequence(policiesNode, "policies").Children;

            // Counted before any policy is compiled: each one costs memory and time in every path and day of the run.
            if (policyNodes.Count > ScenarioLimits.MaxPolicies)
            {
                throw At(policyNodes[ScenarioLimits.MaxPolicies], "policies", $"policy {ScenarioLimits.MaxPolicies + 1} of {policyNodes.Count}: a scenario may compare at most {ScenarioLimits.MaxPolicies} policies");
            }

            var policies = policyNodes.Select(Policy).ToArray();
            if (policies.Length == 0)
            {
                throw At(policiesNode, "policies", "at least one policy is needed");
            }

            var labels = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (policy, node) in policies.Zip(AsSequence(policiesNode, "policies").Children))
            {
                if (!labels.Add(policy.Label))
                {
                    throw At(node, "policies.label", $"label '{policy.Label}' is used twice; give each policy its own 'label'");
                }
            }

            var settings = new Dictionary<string, ParameterSetting>(StringComparer.Ordinal);
            if (Child(root, "parameters") is { } parametersNode)
            {
                foreach (var (keyNode, valueNode) in AsMapping(parametersNode, "parameters").Children)
                {
                    var key = Scalar(keyNode);
                    if (!ModelParameters.TryGet(key, out var parameter))
                    {
                        throw At(keyNode, $"parameters.{key}", $"unknown parameter '{key}'; known: {string.Join(", ", ModelParameters.Catalogue.Select(c => c.Name))}");
                    }

                    settings[key] = Setting(parameter, valueNode);
                }
            }

            SensitivitySpec? sensitivity = null;
            if (Child(root, "sensitivity") is { } sensNode)
            {
                var map = AsMapping(sensNode, "sensitivity");
                OnlyKeys(map, SensitivityKeys, "sensitivity");
                var sPaths = Child(map, "paths") is { } sp ? ParseInt(AsScalar(sp, "sensitivity.paths"), "sensitivity.paths", 1, ScenarioLimits.MaxPaths) : 200;
                var names = new List<string>();
                if (Child(map, "parameters") is { } list)
                {
                    foreach (var item in AsSequence(list, "sensitivity.parameters").Children)
                    {
                        var n = Scalar(item);
                        if (!ModelParameters.TryGet(n, out _))
                        {
                            throw At(item, "sensitivity.parameters", $"unknown parameter '{n}'");
                        }

                        names.Add(n);
                    }
                }

                sensitivity = new SensitivitySpec(sPaths, names.Count > 0 ? names : ModelParameters.Catalogue.Select(c => c.Name).ToArray());
            }

            return new Scenario(name, description, Source, seed, paths, start, end, mixMonth, policies, settings, sensitivity)
            {
                Level = Child(root, "level") is { } levelNode ? Level(levelNode, start) : null,
            };
        }

        private (LocalDate Start, LocalDate End) Horizon(YamlMappingNode map)
        {
            OnlyKeys(map, HorizonKeys, "horizon");
            var start = ParseDate(RequiredScalar(map, "start"));
            var endNode = Child(map, "end");
            var yearsNode = Child(map, "years");
            LocalDate end;
            if (endNode is not null && yearsNode is not null)
            {
                throw At(map, "horizon", "give 'end' or 'years', not both");
            }

            if (endNode is not null)
            {
                end = ParseDate(AsScalar(endNode, "horizon.end"));
                if (end < start)
                {
                    throw At(endNode, "horizon.end", $"{end:yyyy-MM-dd} is before horizon.start {start:yyyy-MM-dd}: an impossible horizon");
                }
            }
            else if (yearsNode is not null)
            {
                var years = ParseInt(AsScalar(yearsNode, "horizon.years"), "horizon.years", 1, 10);
                if (start.Year > LocalDate.MaxIsoValue.Year - years)
                {
                    // NodaTime's calendar ends with 9999; past it PlusYears throws (found by fuzzing the upload).
                    throw At(yearsNode, "horizon.years", $"{years} years from {start:yyyy-MM-dd} runs past the last date the calendar holds (9999-12-31)");
                }

                end = start.PlusYears(years).PlusDays(-1);
            }
            else
            {
                throw At(map, "horizon", "missing 'end' (inclusive date) or 'years'");
            }

            var days = Period.DaysBetween(start, end) + 1;
            if (days > ScenarioLimits.MaxHorizonDays)
            {
                throw At(endNode ?? yearsNode!, endNode is null ? "horizon.years" : "horizon.end", $"the horizon is {days} days; at most {ScenarioLimits.MaxHorizonDays} (10 years) can be simulated");
            }

            if (start.Year < 2000 || end.Year > 2100)
            {
                throw At(map, "horizon.start", "the horizon must lie between 2000 and 2100");
            }

            return (start, end);
        }

        private ScenarioPolicy Policy(YamlNode node)
        {
            var map = AsMapping(node, "each policy");
            OnlyKeys(map, PolicyKeys, "policy");
            var idNode = Child(map, "id");
            var fileNode = Child(map, "file");
            if ((idNode is null) == (fileNode is null))
            {
                throw At(map, "policies", "each policy needs exactly one of 'id' (a built-in) or 'file' (a policy YAML file)");
            }

            PolicyDocument document;
            if (idNode is not null)
            {
                var id = Scalar(idNode);
                document = BuiltInPolicies.Exists(id)
                    ? BuiltInPolicies.Get(id)
                    : throw At(idNode, "policies.id", $"unknown built-in policy '{id}'; built-ins: {string.Join(", ", BuiltInPolicies.Ids)}");
            }
            else
            {
                var file = Scalar(fileNode!);
                var path = Path.IsPathRooted(file) ? file : Path.Combine(baseDirectory, file);
                document = PolicyYamlReader.ReadFile(path);
            }

            var overrides = new List<ParameterOverride>();
            if (Child(map, "set") is { } setNode)
            {
                foreach (var (k, v) in AsMapping(setNode, "set").Children)
                {
                    var name = Scalar(k);
                    if (!document.Parameters.Any(p => p.Name == name))
                    {
                        throw At(k, $"set.{name}", $"{document.Id} has no parameter '{name}'; its parameters are: {string.Join(", ", document.Parameters.Select(p => p.Name))}");
                    }

                    overrides.Add(new ParameterOverride(name, Scalar(v)));
                }
            }

            var orders = new List<CourtOrderInput>();
            if (Child(map, "court_orders") is { } ordersNode)
            {
                foreach (var (k, v) in AsMapping(ordersNode, "court_orders").Children)
                {
                    orders.Add(new CourtOrderInput(Scalar(k), ParseDate(AsScalar(v, "court_orders"))));
                }
            }

            var determinations = new List<SecretaryDeterminationInput>();
            if (Child(map, "determinations") is { } detNode)
            {
                foreach (var (k, v) in AsMapping(detNode, "determinations").Children)
                {
                    var state = Scalar(v);
                    determinations.Add(new SecretaryDeterminationInput(ParseDate(AsScalar(k, "determinations")), state switch
                    {
                        "active" => true,
                        "inactive" => false,
                        _ => throw At(v, "determinations", $"'{state}' must be active or inactive"),
                    }));
                }
            }

            var options = new ReplayOptions
            {
                InForce = Child(map, "in_force") is { } f ? ParseDate(AsScalar(f, "in_force")) : null,
                Overrides = overrides,
                CourtOrders = orders,
                Determinations = determinations,
            };
            var label = Child(map, "label") is { } l ? Scalar(l) : document.Id;
            if (!IsToken(label))
            {
                throw At(map, "policies.label", $"label '{label}' must be lower-case letters, digits and '-' (it names output columns and files)");
            }

            if (document.InForce.Date is null && options.InForce is null)
            {
                throw At(map, "policies.in_force", $"{document.Id} is a bill with no in-force date of its own; give 'in_force: yyyy-MM-dd'");
            }

            try
            {
                _ = CompiledPolicy.Compile(document, options);
            }
            catch (ReplayRequestException e)
            {
                throw At(map, "policies", e.Message);
            }

            return new ScenarioPolicy(label, document, options);
        }

        private ParameterSetting Setting(ModelParameter parameter, YamlNode node)
        {
            var key = $"parameters.{parameter.Name}";
            if (node is YamlScalarNode scalar)
            {
                var value = ParseValue(scalar, key, parameter);
                return ParameterSetting.Fixed(parameter, value, "scenario");
            }

            var map = AsMapping(node, key);
            OnlyKeys(map, RangeKeys, key);
            if (Child(map, "preset") is { } presetNode)
            {
                var preset = Scalar(presetNode);
                if (parameter.Name != ModelParameters.MexicoEnforcement)
                {
                    throw At(presetNode, $"{key}.preset", $"only {ModelParameters.MexicoEnforcement} has presets");
                }

                if (!ModelParameters.MexicoPresets.TryGetValue(preset, out var p))
                {
                    throw At(presetNode, $"{key}.preset", $"unknown preset '{preset}'; presets: {string.Join(", ", ModelParameters.MexicoPresets.Keys)}");
                }

                if (map.Children.Count > 1)
                {
                    throw At(map, key, "give 'preset' alone, or 'low' and 'high'");
                }

                return ParameterSetting.Fixed(parameter, p.Share, $"preset {preset}: {p.Source}");
            }

            var low = ParseValue(RequiredScalar(map, "low"), $"{key}.low", parameter);
            var high = ParseValue(RequiredScalar(map, "high"), $"{key}.high", parameter);
            if (high < low)
            {
                throw At(map, key, $"high {ModelParameter.Format(high)} is below low {ModelParameter.Format(low)}");
            }

            return new ParameterSetting(parameter, low, high, "scenario range (uniform per path)");
        }

        private double ParseValue(YamlScalarNode node, string key, ModelParameter parameter)
        {
            if (!double.TryParse(node.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            {
                throw At(node, key, $"'{node.Value}' is not a number");
            }

            if (!parameter.Allows(value))
            {
                throw At(node, key, $"{node.Value} is out of range: {parameter.RangeRule}");
            }

            return value;
        }

        private int ParseInt(YamlScalarNode node, string key, int min, int max) =>
            int.TryParse(node.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
                ? v
                : throw At(node, key, $"'{node.Value}' must be a whole number from {min} to {max}");

        private ulong ParseSeed(YamlScalarNode node) =>
            ulong.TryParse(node.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var v)
                ? v
                : throw At(node, "seed", $"'{node.Value}' must be a non-negative whole number");

        private YearMonth ParseMonth(YamlScalarNode node, string key = "mix_month")
        {
            var r = YearMonthPattern.Iso.Parse(node.Value ?? string.Empty);
            return r.Success ? r.Value : throw At(node, key, $"'{node.Value}' is not a month in yyyy-MM form");
        }

        /// <summary><c>level: { anchor: yyyy-MM, suspension_active: true|false }</c>; the anchor must come before the horizon.</summary>
        private LevelSpec Level(YamlNode node, LocalDate start)
        {
            var map = AsMapping(node, "level");
            OnlyKeys(map, LevelKeys, "level");
            var anchorNode = RequiredScalar(map, "anchor");
            var anchor = ParseMonth(anchorNode, "level.anchor");
            if (anchor >= start.ToYearMonth())
            {
                throw At(anchorNode, "level.anchor", $"the anchor {anchor.ToString("yyyy-MM", CultureInfo.InvariantCulture)} must be a real month before the horizon's first month {start.ToYearMonth().ToString("yyyy-MM", CultureInfo.InvariantCulture)}");
            }

            var active = false;
            if (Child(map, "suspension_active") is { } activeNode)
            {
                var text = AsScalar(activeNode, "level.suspension_active").Value;
                active = text switch
                {
                    "true" => true,
                    "false" => false,
                    _ => throw At(activeNode, "level.suspension_active", $"'{text}' must be true or false"),
                };
            }

            return new LevelSpec(anchor, active, []);
        }
    }
}

/// <summary>Short aliases of the <see cref="Scenario"/> limits (the reader's method named Scenario hides the type).</summary>
internal static class ScenarioLimits
{
    public const int MaxPaths = Scenario.MaxPaths;

    public const int MaxHorizonDays = Scenario.MaxHorizonDays;

    public const int MaxPolicies = Scenario.MaxPolicies;
}
