using System.Text;
using NodaTime;
using Threshold.Simulation;

namespace Threshold.Web.Dashboard;

/// <summary>
/// One policy the Simulate page runs: a built-in by id, named by <paramref name="Label"/>, with the overlays of the
/// engine's what-if mechanism (<c>in_force</c>, <c>set</c>, <c>court_orders</c>) as scenario files write them.
/// </summary>
public sealed record PolicyDraft(string Id, string Label, LocalDate? InForce, IReadOnlyList<KeyValuePair<string, string>> Set, IReadOnlyList<KeyValuePair<string, LocalDate>> CourtOrders);

/// <summary>
/// What the Simulate page's form says, written as scenario YAML (docs/simulation.md). The page runs that text through
/// the same strict reader as the API, so a reform the form allows but the law does not is refused with the reader's
/// message, and the YAML shown beside the results can be sent to <c>POST /api/v1/simulation</c> to get the same run.
/// </summary>
/// <param name="Parameters">Model parameters the user moved away from their calibrated defaults, by name.</param>
/// <param name="MexicoPreset">The preset of Mexico's enforcement chosen, if its share is still the preset's.</param>
public sealed record SimulationDraft(
    LocalDate Start,
    int Years,
    int Paths,
    ulong Seed,
    IReadOnlyList<PolicyDraft> Policies,
    IReadOnlyList<KeyValuePair<string, double>> Parameters,
    string? MexicoPreset)
{
    /// <summary>The scenario's name in every output.</summary>
    public const string Name = "dashboard";

    /// <summary>The YAML text of the scenario; values are quoted, so no text typed into the form can add a key.</summary>
    public string ToYaml()
    {
        var yaml = new StringBuilder();
        Line(yaml, "# Made on the Simulate page. Every result is MODELED.");
        Line(yaml, $"name: {Name}");
        Line(yaml, $"seed: {Seed}");
        Line(yaml, $"paths: {Paths}");
        Line(yaml, $"horizon: {{ start: {Threshold.Engine.ReplayReport.Iso(Start)}, years: {Years} }}");
        Line(yaml, "policies:");
        foreach (var p in Policies)
        {
            Line(yaml, $"  - id: {Quote(p.Id)}");
            Line(yaml, $"    label: {Quote(p.Label)}");
            if (p.InForce is { } inForce)
            {
                Line(yaml, $"    in_force: {Threshold.Engine.ReplayReport.Iso(inForce)}");
            }

            Map(yaml, "set", p.Set.Select(kv => (kv.Key, Quote(kv.Value))));
            Map(yaml, "court_orders", p.CourtOrders.Select(kv => (kv.Key, Threshold.Engine.ReplayReport.Iso(kv.Value))));
        }

        var parameters = Parameters.Where(kv => MexicoPreset is null || kv.Key != ModelParameters.MexicoEnforcement)
            .Select(kv => (kv.Key, ModelParameter.Format(kv.Value)))
            .Concat(MexicoPreset is null ? [] : [(ModelParameters.MexicoEnforcement, $"{{ preset: {Quote(MexicoPreset)} }}")])
            .ToList();
        if (parameters.Count > 0)
        {
            Line(yaml, "parameters:");
            foreach (var (name, value) in parameters)
            {
                Line(yaml, $"  {Quote(name)}: {value}");
            }
        }

        return yaml.ToString();
    }

    private static void Map(StringBuilder yaml, string key, IEnumerable<(string Key, string Value)> entries)
    {
        var list = entries.ToList();
        if (list.Count == 0)
        {
            return;
        }

        Line(yaml, $"    {key}:");
        foreach (var (k, v) in list)
        {
            Line(yaml, $"      {Quote(k)}: {v}");
        }
    }

    private static void Line(StringBuilder yaml, string text) => yaml.Append(text).Append('\n');

    /// <summary>A YAML double-quoted scalar.</summary>
    private static string Quote(string text) =>
        "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal) + "\"";
}
