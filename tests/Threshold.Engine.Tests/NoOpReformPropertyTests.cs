using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Threshold.Law;

namespace Threshold.Engine.Tests;

/// <summary>
/// Issue 7, round trips: a reform that sets a parameter to the value it already has changes nothing — the same days,
/// statuses, determinations and transitions — and the replay reports it as a no-op (an error naming the override)
/// rather than presenting an unchanged timeline as a what-if. For every built-in policy, every parameter with one value
/// on all dates, one at a time and all at once, over random series.
/// </summary>
public sealed class NoOpReformPropertyTests
{
    /// <summary>Each built-in policy with the options it needs to replay (the bills need an in-force date, and 10888 one inside the series).</summary>
    private static readonly (string Id, ReplayOptions Options)[] Policies =
    [
        ("proclamation-10773", ReplayOptions.Default),
        ("senate-border-act-2024", new ReplayOptions { InForce = ReplayPropertyTests.Start.PlusDays(9) }),
        ("hr2-2023", new ReplayOptions { InForce = ReplayPropertyTests.Start.PlusDays(9) }),
        // In force from 2025-01-20, after many random series end: moved into them, as for the bills.
        ("proclamation-10888", new ReplayOptions { InForce = ReplayPropertyTests.Start.PlusDays(9) }),
    ];

    [Fact]
    public void EveryBuiltInPolicy_IsCovered() =>
        Assert.Equal(BuiltInPolicies.Ids.Order(StringComparer.Ordinal), Policies.Select(p => p.Id).Order(StringComparer.Ordinal));

    [Property(MaxTest = 8)]
    public Property SettingParametersToTheirCurrentValues_ChangesNothing_AndIsReportedAsANoOp() => Prop.ForAll(ReplayPropertyTests.Series(), counts =>
    {
        var series = ReplayPropertyTests.Build(counts);
        var failures = new List<string>();
        foreach (var (id, options) in Policies)
        {
            var policy = BuiltInPolicies.Get(id);
            var baseline = Facts(SuspensionReplay.Run(CompiledPolicy.Compile(policy, options), series));
            var unchanged = policy.Parameters.Where(p => p.Values.Select(v => v.Value).Distinct().Count() == 1)
                .Select(p => new ParameterOverride(p.Name, p.Values[0].Value.ToString())).ToList();
            foreach (var overrides in unchanged.Select(o => (IReadOnlyList<ParameterOverride>)[o]).Append(unchanged))
            {
                var timeline = SuspensionReplay.Run(CompiledPolicy.Compile(policy, options with { Overrides = overrides }), series);
                var label = $"{id} --set {string.Join(" --set ", overrides.Select(o => $"{o.Name}={o.RawValue}"))}";
                if (Facts(timeline) != baseline)
                {
                    failures.Add($"{label}: the timeline changed");
                }

                try
                {
                    OverlayEvaluation.RequireEffect(timeline);
                    failures.Add($"{label}: not reported as a no-op");
                }
                catch (ReplayRequestException e) when (e.Message.Contains("changes nothing", StringComparison.Ordinal) && e.WhatIf is { Option: WhatIfOption.Set } what && what.Value!.StartsWith($"{overrides[0].Name}=", StringComparison.Ordinal))
                {
                    // reported, naming the override
                }
            }
        }

        return (failures.Count == 0).Label(string.Join("\n", failures));
    });

    /// <summary>
    /// What the timeline says happened, day by day: the summary, days, determinations and transitions, without their
    /// provenance (a determination resting on an overridden parameter rightly cites the override, marked [U], instead
    /// of the law).
    /// </summary>
    private static string Facts(SuspensionTimeline timeline)
    {
        var report = ReplayReport.Build(timeline);
        var facts = JsonSerializer.SerializeToNode(new { report.Summary, report.Days, report.Determinations, report.Transitions }, ReplayReport.JsonOptions)!;
        StripCitations(facts);
        foreach (var determination in facts["determinations"]!.AsArray())
        {
            determination!.AsObject().Remove("status"); // the verification mark of what it rests on: [U] for an override
        }

        return facts.ToJsonString();

        static void StripCitations(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o:
                    o.Remove("citation");
                    o.Remove("citations");
                    foreach (var (_, child) in o)
                    {
                        StripCitations(child);
                    }

                    break;
                case JsonArray a:
                    foreach (var child in a)
                    {
                        StripCitations(child);
                    }

                    break;
            }
        }
    }
}
