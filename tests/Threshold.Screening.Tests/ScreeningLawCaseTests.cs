using System.Text;
using NodaTime;
using NodaTime.Text;
using Threshold.Engine;
using Threshold.Law;
using Threshold.Returns;
using YamlDotNet.RepresentationModel;

namespace Threshold.Screening.Tests;

/// <summary>Runs the screening law cases in LawCases/*.yaml (OpenFisca style: each names its citation).</summary>
public sealed class ScreeningLawCaseTests
{
    private static readonly string CasesFolder = Path.Combine(AppContext.BaseDirectory, "LawCases");

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in Directory.GetFiles(CasesFolder, "*.yaml").Order(StringComparer.Ordinal))
        {
            foreach (YamlMappingNode node in Load(file).Children.Cast<YamlMappingNode>())
            {
                data.Add(Path.GetFileName(file), Text(node, "name")!);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ScreeningCase_Holds(string file, string name)
    {
        var node = Load(Path.Combine(CasesFolder, file)).Children.Cast<YamlMappingNode>().Single(c => Text(c, "name") == name);
        Assert.False(string.IsNullOrWhiteSpace(Text(node, "citation")), "every law case names its citation");
        if (Text(node, "policy") == "in-force")
        {
            InForceCase(node);
            return;
        }

        var policy = Policy(node);
        var options = Text(node, "in_force") is { } inForce ? new ReplayOptions { InForce = Date(inForce) } : ReplayOptions.Default;
        var timeline = SuspensionReplay.Run(CompiledPolicy.Compile(policy, options), Series(node));
        var decidedOn = Text(node, "decided_on") is { } d ? Date(d) : (LocalDate?)null;
        var off = node.Children.TryGetValue("without_orders", out var wo) ? ((YamlSequenceNode)wo).Children.Select(c => ((YamlScalarNode)c).Value!).ToHashSet() : [];
        var caseJson = ToJson((YamlMappingNode)node["case"]);
        var screeningCase = CaseJsonReader.Parse(Encoding.UTF8.GetBytes(caseJson), "case", 1, multiLine: false);
        var processor = new CaseProcessor(new CaseScreener(timeline, decidedOn, off), new ReturnsLedger(ArrangementSet.BuiltIn, recordEvents: false));
        if (Text(node, "error") is { } error)
        {
            var e = Assert.ThrowsAny<Exception>(() => processor.Process(screeningCase));
            Assert.Contains(error, e.Message, StringComparison.Ordinal);
            return;
        }

        var decision = processor.Process(screeningCase);
        var r = decision.Screening;
        foreach (var (k, v) in ((YamlMappingNode)node["expect"]).Children)
        {
            var key = ((YamlScalarNode)k).Value!;
            object? actual = key switch
            {
                "suspensionApplies" => r.SuspensionApplies,
                "exception" => r.Exception,
                "exceptions" => r.Exceptions,
                "asylumLimitationApplies" => r.AsylumLimitationApplies,
                "exceptionallyCompelling" => r.ExceptionallyCompelling,
                "fearReferral" => r.FearReferral,
                "screeningStandard" => r.ScreeningStandard,
                "returnDestination" => decision.ReturnDestination,
                "overflow" => decision.Overflow,
                "arrangement" => decision.Return?.ArrangementId,
                "flags" => r.Flags.Select(f => f.Code).ToArray(),
                "orders" => r.AppliedOrders.Select(o => o.Id).ToArray(),
                "status" => ReplayReport.StatusName(r.StatusAtEntry),
                "statusDay" => ReplayReport.Iso(r.StatusDay),
                "withholdingCatBarred" => r.WithholdingCatBarred,
                "removal" => r.Removal.Code(),
                "laterOrders" => r.LaterOrders.Select(l => l.Id).ToArray(),
                "laterOrderFields" => r.LaterOrders.SelectMany(l => l.Fields).Distinct().ToArray(),
                "orderEvents" => r.AppliedOrderEvents.Select(e => e.Id).ToArray(),
                "standingOnDecision" => r.StandingOnDecision!.StateName,
                "exceptionNote" => r.Trace.Any(t => t.Rule == "exception-not-admission"),
                _ => throw new InvalidOperationException($"unknown expectation {key}"),
            };
            var expected = v switch
            {
                YamlSequenceNode seq => string.Join(",", seq.Children.Select(c => ((YamlScalarNode)c).Value)),
                YamlScalarNode { Value: "null" or "~" or "" } => "null",
                YamlScalarNode s => s.Value,
                _ => throw new InvalidOperationException(key),
            };
            var actualText = actual switch
            {
                null => "null",
                bool b => b ? "true" : "false",
                IEnumerable<string> list => string.Join(",", list),
                _ => actual.ToString(),
            };
            Assert.True(expected == actualText, $"{key}: expected {expected}, got {actualText}");
        }

        Assert.NotEmpty(r.Citations);
        Assert.All(r.Trace, t => Assert.False(string.IsNullOrWhiteSpace(t.Label)));
    }

    /// <summary>A case under every instrument in force on its entry date: the instruments, and the summary's drivers.</summary>
    private static void InForceCase(YamlMappingNode node)
    {
        var series = Series(node);
        var decidedOn = Text(node, "decided_on") is { } d ? Date(d) : (LocalDate?)null;
        var c = CaseJsonReader.Parse(Encoding.UTF8.GetBytes(ToJson((YamlMappingNode)node["case"])), "case", 1, multiLine: false);
        var s = InstrumentsInForce.Screen(c, BuiltInPolicies.All(), p => SuspensionReplay.Run(CompiledPolicy.Compile(p), series), decidedOn, new HashSet<string>());
        foreach (var (k, v) in ((YamlMappingNode)node["expect"]).Children)
        {
            var key = ((YamlScalarNode)k).Value!;
            var actual = key switch
            {
                "instruments" => string.Join(",", s.Results.Select(r => r.Policy)),
                "suspendedBy" => string.Join(",", s.Summary.SuspendedBy),
                "asylumBy" => string.Join(",", s.Summary.AsylumLimited.By),
                "withholdingCatBy" => string.Join(",", s.Summary.WithholdingCatBarred.By),
                "removal" => s.Summary.Removal.Code() ?? "null",
                "removalBy" => string.Join(",", s.Summary.RemovalBy),
                "fearScreening" => s.Summary.FearScreening ? "true" : "false",
                "complete" => s.Unanswered.Count == 0 ? "true" : "false",
                _ => throw new InvalidOperationException($"unknown in-force expectation {key}"),
            };
            var expected = v is YamlSequenceNode seq ? string.Join(",", seq.Children.Select(x => ((YamlScalarNode)x).Value)) : ((YamlScalarNode)v).Value;
            Assert.True(expected == actual, $"{key}: expected {expected}, got {actual}");
        }
    }

    private static PolicyDocument Policy(YamlMappingNode node)
    {
        var id = Text(node, "policy") ?? "proclamation-10773";
        if (Text(node, "policy_patch") is not { } patch)
        {
            return BuiltInPolicies.Get(id);
        }

        var path = Path.Combine(RepositoryRoot(), "law", "policies", id + ".yaml");
        var yaml = File.ReadAllText(path);
        var indented = string.Join("\n", patch.TrimEnd().Split('\n').Select(l => "    " + l)) + "\n";
        yaml = yaml.Replace("screening:\n  subject_places", "screening:\n  subject_places", StringComparison.Ordinal);
        var rulesAt = yaml.IndexOf("  rules:\n", StringComparison.Ordinal) + "  rules:\n".Length;
        yaml = yaml.Insert(rulesAt, indented);
        if (node.Children.TryGetValue("priority_patch", out var pp))
        {
            foreach (var (k, v) in ((YamlMappingNode)pp).Children)
            {
                var marker = $"    - code: {((YamlScalarNode)k).Value}\n";
                yaml = yaml.Replace(marker, marker + $"      priority: {((YamlScalarNode)v).Value}\n", StringComparison.Ordinal);
            }
        }

        return PolicyYamlReader.Read(yaml, "patched-" + id + ".yaml");
    }

    private static EncounterSeries Series(YamlMappingNode node)
    {
        LocalDate start = new(2024, 5, 1), end = new(2024, 12, 31);
        var segments = new List<(LocalDate, LocalDate, int)> { (start, end, 3000) };
        if (node.Children.TryGetValue("series", out var s))
        {
            var map = (YamlMappingNode)s;
            start = Date(Text(map, "start")!);
            end = Date(Text(map, "end")!);
            segments = ((YamlSequenceNode)map["between_ports"]).Children.Cast<YamlSequenceNode>()
                .Select(seg => (Date(((YamlScalarNode)seg[0]).Value!), Date(((YamlScalarNode)seg[1]).Value!), int.Parse(((YamlScalarNode)seg[2]).Value!, System.Globalization.CultureInfo.InvariantCulture))).ToList();
        }

        var n = Period.DaysBetween(start, end) + 1;
        var between = new int[n];
        foreach (var (from, to, value) in segments)
        {
            for (var day = from; day <= to; day = day.PlusDays(1))
            {
                between[Period.DaysBetween(start, day)] = value;
            }
        }

        return new EncounterSeries("law-case", start, n, new Dictionary<EncounterColumn, int[]>
        {
            [EncounterColumn.BetweenPorts] = between,
            [EncounterColumn.Coastal] = new int[n],
            [EncounterColumn.PortsOfEntry] = new int[n],
            [EncounterColumn.UcNoncontiguousBetweenPorts] = new int[n],
            [EncounterColumn.UcNoncontiguousPorts] = new int[n],
        }, null, []);
    }

    private static string ToJson(YamlMappingNode map)
    {
        var parts = map.Children.Select(kv =>
        {
            var value = ((YamlScalarNode)kv.Value).Value!;
            var literal = value is "true" or "false" or "null" ? value : System.Text.Json.JsonSerializer.Serialize(value);
            return $"{System.Text.Json.JsonSerializer.Serialize(((YamlScalarNode)kv.Key).Value)}:{literal}";
        });
        return "{" + string.Join(",", parts) + "}";
    }

    internal static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Threshold.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    private static YamlSequenceNode Load(string file)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(file);
        stream.Load(reader);
        return (YamlSequenceNode)stream.Documents[0].RootNode;
    }

    private static string? Text(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var v) && v is YamlScalarNode s ? s.Value : null;

    private static LocalDate Date(string text) => LocalDatePattern.Iso.Parse(text).GetValueOrThrow();
}
