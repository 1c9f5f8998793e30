using NodaTime;
using NodaTime.Text;
using Threshold.Law;
using YamlDotNet.RepresentationModel;

namespace Threshold.Engine.Tests;

/// <summary>
/// Runs the OpenFisca-style law cases in LawCases/*.yaml. Each case names its citation; its input is a series built
/// from segments, its output the complete list of determinations and transitions plus spot checks. A case replays the
/// proposed timeline unless it says <c>timeline: official</c>; an official case may add <c>recorded:</c> determinations
/// (date, kind, optional window_start and window_end), followed as if a user had recorded them as official.
/// </summary>
public sealed class LawCaseTests
{
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
        var policy = BuiltInPolicies.Get(Text(node, "policy"));
        var options = Options(node);
        var series = Series((YamlMappingNode)node["input"]);
        var kind = node.Children.ContainsKey("timeline") ? Timeline(Text(node, "timeline")) : TimelineKind.Proposed;
        var recorded = Recorded(node);
        if (node.Children.ContainsKey("error"))
        {
            var error = Assert.ThrowsAny<Exception>(() => SuspensionReplay.Run(CompiledPolicy.Compile(policy, options), series, kind, recorded));
            Assert.Contains(Text(node, "error"), error.Message, StringComparison.Ordinal);
            return;
        }

        var timeline = SuspensionReplay.Run(CompiledPolicy.Compile(policy, options), series, kind, recorded);
        Assert.Equal(kind, timeline.Kind);
        if (kind == TimelineKind.Proposed && !series.HasGaps)
        {
            // The day-at-a-time replay (the simulator's) must say exactly what the batch replay says.
            DailyReplayTests.AssertSame(timeline, DailyReplayTests.FeedDaily(CompiledPolicy.Compile(policy, options), series));
        }

        var output = (YamlMappingNode)node["output"];
        if (output.Children.TryGetValue("determinations", out var dets))
        {
            var expected = ((YamlSequenceNode)dets).Children.Cast<YamlMappingNode>().ToList();
            Assert.True(expected.Count == timeline.Determinations.Count, $"expected {expected.Count} determinations, got {timeline.Determinations.Count}: {Describe(timeline.Determinations)}");
            for (var i = 0; i < expected.Count; i++)
            {
                var e = expected[i];
                var d = timeline.Determinations[i];
                Assert.Equal(Text(e, "date"), Iso(d.Date));
                Assert.Equal(Text(e, "kind"), ReplayReport.KindName(d.Kind));
                Check(e, "trigger", ReplayReport.TriggerName(d.Trigger));
                Check(e, "window_start", Iso(d.WindowStart));
                Check(e, "window_end", Iso(d.WindowEnd));
                Check(e, "sum7", d.WindowSum.ToString(System.Globalization.CultureInfo.InvariantCulture));
                Check(e, "streak_days", d.StreakDays.ToString(System.Globalization.CultureInfo.InvariantCulture));
                Check(e, "streak_start", d.StreakStart is { } s ? Iso(s) : "null");
                Assert.NotEmpty(d.Citations);
            }
        }

        if (output.Children.TryGetValue("transitions", out var trans))
        {
            var expected = ((YamlSequenceNode)trans).Children.Cast<YamlMappingNode>().ToList();
            Assert.True(expected.Count == timeline.Transitions.Count, $"expected {expected.Count} transitions, got {timeline.Transitions.Count}: {string.Join("; ", timeline.Transitions.Select(t => $"{ReplayReport.Iso(t.Effective)} {(t.ToActive ? "active" : "inactive")} {t.Cause}"))}");
            for (var i = 0; i < expected.Count; i++)
            {
                var e = expected[i];
                var t = timeline.Transitions[i];
                Assert.Equal(Text(e, "effective"), ReplayReport.Iso(t.Effective));
                Assert.Equal(Text(e, "to"), t.ToActive ? "active" : "inactive");
                Check(e, "cause", ReplayReport.CauseName(t.Cause));
                Check(e, "determination_date", t.DeterminationDate is { } dd ? Iso(dd) : "null");
            }
        }

        if (output.Children.TryGetValue("statuses", out var statuses))
        {
            foreach (var (k, v) in ((YamlMappingNode)statuses).Children)
            {
                var date = Date(((YamlScalarNode)k).Value!);
                Assert.True(((YamlScalarNode)v).Value == ReplayReport.StatusName(timeline.StatusOn(series.IndexOf(date))), $"status on {Iso(date)}: expected {((YamlScalarNode)v).Value}, got {ReplayReport.StatusName(timeline.StatusOn(series.IndexOf(date)))}");
            }
        }

        if (output.Children.TryGetValue("counted", out var counted))
        {
            foreach (var (k, v) in ((YamlMappingNode)counted).Children)
            {
                var date = Date(((YamlScalarNode)k).Value!);
                Assert.Equal(int.Parse(((YamlScalarNode)v).Value!, System.Globalization.CultureInfo.InvariantCulture), timeline.Day(series.IndexOf(date)).Counted);
            }
        }

        if (output.Children.TryGetValue("undeterminable", out var und))
        {
            var expected = ((YamlSequenceNode)und).Children.Select(c => ((YamlScalarNode)c).Value!).ToArray();
            var actual = timeline.Days().Where(d => d.Undeterminable is not null).Select(d => Iso(d.Date)).ToArray();
            Assert.Equal(expected, actual);
        }

        if (output.Children.ContainsKey("active_days"))
        {
            Assert.Equal(int.Parse(Text(output, "active_days"), System.Globalization.CultureInfo.InvariantCulture), timeline.ActiveDays);
        }
    }

    private static string Describe(IEnumerable<Determination> determinations) =>
        string.Join("; ", determinations.Select(d => $"{Iso(d.Date)} {ReplayReport.KindName(d.Kind)} window {Iso(d.WindowStart)}..{Iso(d.WindowEnd)} sum {d.WindowSum}"));

    private static void Check(YamlMappingNode expected, string key, string actual)
    {
        if (expected.Children.TryGetValue(key, out var v))
        {
            Assert.True(((YamlScalarNode)v).Value == actual, $"{key}: expected {((YamlScalarNode)v).Value}, got {actual}");
        }
    }

    private static TimelineKind Timeline(string text) => text switch
    {
        "official" => TimelineKind.Official,
        "proposed" => TimelineKind.Proposed,
        _ => throw new InvalidOperationException($"timeline '{text}' must be official or proposed"),
    };

    private static OfficialDetermination[] Recorded(YamlMappingNode node)
    {
        if (!node.Children.TryGetValue("recorded", out var list))
        {
            return [];
        }

        var citation = new Citation("Law case", string.Empty, null, VerificationStatus.Unverified, "recorded for the test");
        return [.. ((YamlSequenceNode)list).Children.Cast<YamlMappingNode>().Select(r => new OfficialDetermination(
            Date(Text(r, "date")),
            Text(r, "kind") == "activation" ? OfficialKind.Activation : OfficialKind.Deactivation,
            r.Children.ContainsKey("window_start") ? new DateInterval(Date(Text(r, "window_start")), Date(Text(r, "window_end"))) : null,
            "recorded in the law case",
            citation))];
    }

    private static ReplayOptions Options(YamlMappingNode node)
    {
        if (!node.Children.TryGetValue("options", out var o))
        {
            return ReplayOptions.Default;
        }

        var map = (YamlMappingNode)o;
        IEnumerable<(string Key, string Value)> Pairs(string key) => map.Children.TryGetValue(key, out var m)
            ? ((YamlMappingNode)m).Children.Select(kv => (((YamlScalarNode)kv.Key).Value!, ((YamlScalarNode)kv.Value).Value!))
            : [];
        return new ReplayOptions
        {
            InForce = map.Children.ContainsKey("in_force") ? Date(Text(map, "in_force")) : null,
            DeterminationLagDays = map.Children.ContainsKey("lag") ? int.Parse(Text(map, "lag"), System.Globalization.CultureInfo.InvariantCulture) : null,
            Overrides = Pairs("set").Select(p => new ParameterOverride(p.Key, p.Value)).ToArray(),
            CourtOrders = Pairs("court_orders").Select(p => new CourtOrderInput(p.Key, Date(p.Value))).ToArray(),
            Determinations = Pairs("determinations").Select(p => new SecretaryDeterminationInput(Date(p.Key), p.Value == "active")).ToArray(),
        };
    }

    private static EncounterSeries Series(YamlMappingNode input)
    {
        var start = Date(Text(input, "start"));
        var end = Date(Text(input, "end"));
        var length = Period.Between(start, end, PeriodUnits.Days).Days + 1;
        var columns = new Dictionary<EncounterColumn, int[]>();
        foreach (var column in EncounterColumns.All)
        {
            var values = new int[length];
            if (input.Children.TryGetValue(column.HeaderName(), out var segments))
            {
                foreach (var segment in ((YamlSequenceNode)segments).Children.Cast<YamlSequenceNode>())
                {
                    var from = Date(((YamlScalarNode)segment[0]).Value!);
                    var to = Date(((YamlScalarNode)segment[1]).Value!);
                    var value = int.Parse(((YamlScalarNode)segment[2]).Value!, System.Globalization.CultureInfo.InvariantCulture);
                    for (var d = from; d <= to; d = d.PlusDays(1))
                    {
                        values[Period.Between(start, d, PeriodUnits.Days).Days] = value;
                    }
                }
            }

            columns[column] = values;
        }

        bool[]? missing = null;
        if (input.Children.TryGetValue("missing", out var m))
        {
            missing = new bool[length];
            foreach (var d in ((YamlSequenceNode)m).Children)
            {
                var i = Period.Between(start, Date(((YamlScalarNode)d).Value!), PeriodUnits.Days).Days;
                missing[i] = true;
                foreach (var values in columns.Values)
                {
                    values[i] = 0;
                }
            }
        }

        return new EncounterSeries("law-case", start, length, columns, missing, []);
    }

    private static YamlSequenceNode Load(string file)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(file);
        stream.Load(reader);
        return (YamlSequenceNode)stream.Documents[0].RootNode;
    }

    private static string Text(YamlMappingNode node, string key) => ((YamlScalarNode)node[key]).Value!;

    private static LocalDate Date(string text) => LocalDatePattern.Iso.Parse(text).GetValueOrThrow();

    private static string Iso(LocalDate date) => LocalDatePattern.Iso.Format(date);
}
