using System.Globalization;
using NodaTime;
using NodaTime.Text;
using Threshold.Law;
using YamlDotNet.RepresentationModel;

namespace Threshold.Returns.Tests;

/// <summary>
/// Runs the OpenFisca-style law cases in LawCases/*.yaml. Each case names its citation; its requests go through one
/// ledger in order, and its expectations check allocations, report lines and the burden on Mexico. Every case also
/// replays its events and must reproduce the same report.
/// </summary>
public sealed class LawCaseTests
{
    private static readonly OffsetDateTimePattern At = OffsetDateTimePattern.ExtendedIso;

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "LawCases"), "*.yaml").Order(StringComparer.Ordinal))
        {
            foreach (var node in Load(file).Children)
            {
                data.Add(Path.GetFileName(file), Text((YamlMappingNode)node, "name"));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void LawCase_Holds(string file, string name)
    {
        var node = Load(Path.Combine(AppContext.BaseDirectory, "LawCases", file)).Children.Cast<YamlMappingNode>().Single(c => Text(c, "name") == name);
        Assert.False(string.IsNullOrWhiteSpace(Text(node, "citation")), "every law case names its citation");
        KnownKeys(node, "name", "citation", "files", "requests", "expect", "report", "burden", "error");
        foreach (var section in new[] { "expect", "report", "burden", "requests" })
        {
            if (!node.Children.TryGetValue(section, out var s))
            {
                continue;
            }

            var entries = s is YamlMappingNode m ? m.Children.Values : ((YamlSequenceNode)s).Children;
            foreach (var entry in entries.Cast<YamlMappingNode>())
            {
                switch (section)
                {
                    case "expect": KnownKeys(entry, "destination", "arrangement", "overflow", "month", "status", "reason_contains", "citation_contains"); break;
                    case "report": KnownKeys(entry, "month", "arrangement", "nationality", "cap", "allocated", "overflow", "remaining", "utilisation", "destination"); break;
                    case "burden": KnownKeys(entry, "month", "under_caps", "uncapped", "mexican_nationals", "mexican_children", "children", "to_mexico", "overflow", "removals", "share", "third_countries"); break;
                    default: KnownKeys(entry, "case", "citizenship", "at", "uc", "repeat"); break;
                }
            }
        }

        ArrangementSet Arrangements()
        {
            var extra = node.Children.TryGetValue("files", out var files)
                ? ((YamlMappingNode)files).Children.Select(kv => ArrangementYamlReader.Read(((YamlScalarNode)kv.Value).Value!, ((YamlScalarNode)kv.Key).Value!)).ToArray()
                : [];
            return ArrangementSet.WithBuiltIns(extra);
        }

        if (node.Children.ContainsKey("error"))
        {
            var error = Assert.Throws<ArrangementFileException>(Arrangements);
            Assert.Contains(Text(node, "error"), error.Message, StringComparison.Ordinal);
            return;
        }

        var set = Arrangements();
        var ledger = new ReturnsLedger(set, recordEvents: true);
        var allocations = new Dictionary<string, ReturnAllocation>(StringComparer.Ordinal);
        foreach (var request in Requests((YamlSequenceNode)node["requests"]))
        {
            allocations.Add(request.CaseId, ledger.Allocate(request));
        }

        if (node.Children.TryGetValue("expect", out var expect))
        {
            foreach (var (k, v) in ((YamlMappingNode)expect).Children)
            {
                var caseId = ((YamlScalarNode)k).Value!;
                Assert.True(allocations.TryGetValue(caseId, out var a), $"no request with case id {caseId}");
                var e = (YamlMappingNode)v;
                Check(e, "destination", a.Destination, caseId);
                Check(e, "arrangement", a.ArrangementId ?? "null", caseId);
                Check(e, "overflow", a.Overflow ? "true" : "false", caseId);
                Check(e, "month", YearMonthPattern.Iso.Format(a.Month), caseId);
                Check(e, "status", a.Citation.Status.Code(), caseId);
                if (e.Children.ContainsKey("reason_contains"))
                {
                    Assert.Contains(Text(e, "reason_contains"), a.Reason, StringComparison.Ordinal);
                }

                if (e.Children.ContainsKey("citation_contains"))
                {
                    Assert.Contains(Text(e, "citation_contains"), a.Citation.Text, StringComparison.Ordinal);
                }

                Assert.False(string.IsNullOrWhiteSpace(a.Reason));
            }
        }

        var report = ledger.Report();
        if (node.Children.TryGetValue("report", out var lines))
        {
            foreach (var e in ((YamlSequenceNode)lines).Children.Cast<YamlMappingNode>())
            {
                var month = YearMonthPattern.Iso.Parse(Text(e, "month")).GetValueOrThrow();
                var id = Text(e, "arrangement");
                var line = report.Arrangements.SingleOrDefault(l => l.Month == month && l.ArrangementId == id);
                Assert.True(line is not null, $"no report line for {id} in {Text(e, "month")}");
                if (e.Children.ContainsKey("nationality"))
                {
                    var n = line.ByNationality.SingleOrDefault(x => x.Nationality == Text(e, "nationality"));
                    Assert.True(n is not null, $"no {Text(e, "nationality")} in the {id} line for {Text(e, "month")}");
                    Check(e, "allocated", Num(n.AllocatedToMexico), id);
                    Check(e, "overflow", Num(n.Overflow), id);
                    continue;
                }

                Check(e, "cap", line.Cap is { } cap ? Num(cap) : "null", id);
                Check(e, "allocated", Num(line.AllocatedToMexico), id);
                Check(e, "overflow", Num(line.Overflow), id);
                Check(e, "remaining", line.RemainingCapacity is { } r ? Num(r) : "null", id);
                Check(e, "utilisation", line.Utilisation is { } u ? u.ToString(CultureInfo.InvariantCulture) : "null", id);
                Check(e, "destination", line.Destination, id);
            }
        }

        if (node.Children.TryGetValue("burden", out var burden))
        {
            foreach (var e in ((YamlSequenceNode)burden).Children.Cast<YamlMappingNode>())
            {
                var month = YearMonthPattern.Iso.Parse(Text(e, "month")).GetValueOrThrow();
                var line = report.MexicoBurden.SingleOrDefault(l => l.Month == month);
                Assert.True(line is not null, $"no burden line for {Text(e, "month")}");
                var what = $"burden {Text(e, "month")}";
                Check(e, "under_caps", Num(line.UnderCaps), what);
                Check(e, "uncapped", Num(line.UnderUncappedArrangements), what);
                Check(e, "mexican_nationals", Num(line.MexicanNationals), what);
                Check(e, "mexican_children", Num(line.MexicanUnaccompaniedChildren), what);
                Check(e, "children", Num(line.UnaccompaniedChildren), what);
                Check(e, "to_mexico", Num(line.TotalToMexico), what);
                Check(e, "overflow", Num(line.OverflowToCitizenship), what);
                Check(e, "removals", Num(line.AllRemovals), what);
                Check(e, "third_countries", Num(line.ToThirdCountries), what);
                if (e.Children.ContainsKey("share"))
                {
                    Assert.Equal(decimal.Parse(Text(e, "share"), CultureInfo.InvariantCulture), line.ShareOfAllRemovals);
                }

                Assert.Equal(line.UnderCaps + line.UnderUncappedArrangements + line.MexicanNationals, line.TotalToMexico);
            }
        }

        // Replaying the events reproduces the ledger.
        var replayed = ReturnsLedger.Replay(set, ledger.Events, recordEvents: true);
        Assert.Equal(report, replayed.Report());
        Assert.Equal(ledger.Events, replayed.Events);
    }

    private static IEnumerable<ReturnRequest> Requests(YamlSequenceNode requests)
    {
        foreach (var r in requests.Children.Cast<YamlMappingNode>())
        {
            var at = At.Parse(Text(r, "at")).GetValueOrThrow().ToInstant();
            var uc = r.Children.ContainsKey("uc") && Text(r, "uc") == "true";
            var caseId = Text(r, "case");
            if (!r.Children.ContainsKey("repeat"))
            {
                yield return new ReturnRequest(caseId, Text(r, "citizenship"), at, uc);
                continue;
            }

            var repeat = int.Parse(Text(r, "repeat"), CultureInfo.InvariantCulture);
            for (var i = 1; i <= repeat; i++)
            {
                yield return new ReturnRequest(string.Create(CultureInfo.InvariantCulture, $"{caseId}-{i}"), Text(r, "citizenship"), at, uc);
            }
        }
    }

    private static void Check(YamlMappingNode expected, string key, string actual, string what)
    {
        if (expected.Children.TryGetValue(key, out var v))
        {
            Assert.True(((YamlScalarNode)v).Value == actual, $"{what}: {key}: expected {((YamlScalarNode)v).Value}, got {actual}");
        }
    }

    private static void KnownKeys(YamlMappingNode node, params string[] known)
    {
        foreach (var key in node.Children.Keys.Cast<YamlScalarNode>())
        {
            Assert.True(known.Contains(key.Value), $"law case line {key.Start.Line}: unknown key '{key.Value}' (a typo would silently check nothing)");
        }
    }

    private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static YamlSequenceNode Load(string file)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(file);
        stream.Load(reader);
        return (YamlSequenceNode)stream.Documents[0].RootNode;
    }

    private static string Text(YamlMappingNode node, string key) => ((YamlScalarNode)node[key]).Value!;
}
