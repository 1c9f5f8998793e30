using System.Globalization;
using System.Text;
using System.Text.Json;
using Threshold.Law;

namespace Threshold.Simulation;

/// <summary>
/// The text forms of a sweep: <c>sweep.json</c> and <c>sweep.csv</c>, each opening with the MODELED notice and the
/// engine and rule-set versions, as the other simulator outputs (<see cref="ResultFormats"/>). Pure functions of the
/// result: the same sweep gives the same bytes.
/// </summary>
public static class SweepFormats
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The file names a sweep is written as (charts aside).</summary>
    public static IReadOnlyList<string> Files { get; } = ["sweep.json", "sweep.csv"];

    /// <summary>The whole sweep: scenario, axes, parameters, and every cell's values with each policy's outputs.</summary>
    public static string Json(SweepResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return ResultFormats.JsonText(w =>
        {
            w.WriteString("engine", RuleSetVersion.EngineVersion);
            w.WriteString("ruleSet", RuleSetVersion.Current);
            w.WriteStartObject("scenario");
            w.WriteString("name", result.ScenarioName);
            w.WriteString("description", result.ScenarioDescription);
            w.WriteString("source", Path.GetFileName(result.ScenarioSource));
            w.WriteNumber("seed", result.Seed);
            w.WriteNumber("paths", result.Paths);
            w.WriteString("start", ResultFormats.Iso(result.Start));
            w.WriteString("end", ResultFormats.Iso(result.End));
            w.WriteString("endInclusive", "the horizon runs from start to end, both days included");
            w.WriteEndObject();
            w.WriteString("method", Method(result));
            w.WriteString("percentiles", "P10, P50 and P90 over each cell's paths by the nearest-rank rule; whole-number outputs below 2,048 are exact, larger ones within 0.1% (log-linear bins, docs/simulation.md)");
            w.WriteStartArray("axes");
            foreach (var a in result.Spec.Axes)
            {
                w.WriteStartObject();
                w.WriteString("parameter", a.Parameter.Name);
                w.WriteString("unit", a.Parameter.Unit);
                w.WriteString("mark", a.Parameter.MarkText);
                w.WriteNumber("low", a.Low);
                w.WriteNumber("high", a.High);
                w.WriteNumber("steps", a.Steps);
                w.WriteStartArray("values");
                foreach (var v in a.Values)
                {
                    w.WriteNumberValue(v);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteString("chartOutput", result.Spec.Output);
            ResultFormats.Strings(w, "policies", result.Policies);
            ResultFormats.Parameters(w, "parameters", result.Parameters);
            w.WriteStartArray("cells");
            foreach (var cell in result.Cells)
            {
                w.WriteStartObject();
                w.WriteNumber("cell", cell.Index);
                w.WriteStartObject("values");
                for (var a = 0; a < result.Spec.Axes.Count; a++)
                {
                    w.WriteNumber(result.Spec.Axes[a].Parameter.Name, cell.Values[a]);
                }

                w.WriteEndObject();
                w.WriteStartObject("policies");
                for (var p = 0; p < result.Policies.Count; p++)
                {
                    w.WriteStartObject(result.Policies[p]);
                    foreach (var o in cell.Policies[p])
                    {
                        w.WriteStartObject(o.Key);
                        w.WriteNumber("p10", o.Band.P10);
                        w.WriteNumber("p50", o.Band.P50);
                        w.WriteNumber("p90", o.Band.P90);
                        w.WriteNumber("mean", Math.Round(o.Band.Mean, 3));
                        w.WriteEndObject();
                    }

                    w.WriteEndObject();
                }

                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
    }

    /// <summary>One row per cell, policy and output: the swept values, then P10, P50, P90 and mean.</summary>
    public static string Csv(SweepResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var sb = ResultFormats.CsvStart(
            string.Create(Invariant, $"scenario {result.ScenarioName}; seed {result.Seed}; {result.Paths} paths a cell; {ResultFormats.Iso(result.Start)} to {ResultFormats.Iso(result.End)} inclusive; engine {RuleSetVersion.EngineVersion}; rule set {RuleSetVersion.Current}"),
            Method(result));
        sb.Append("cell,");
        foreach (var a in result.Spec.Axes)
        {
            sb.Append(a.Parameter.Name).Append(',');
        }

        sb.Append("policy,output,p10,p50,p90,mean,modeled\n");
        foreach (var cell in result.Cells)
        {
            var values = string.Concat(cell.Values.Select(v => N(v) + ","));
            for (var p = 0; p < result.Policies.Count; p++)
            {
                foreach (var o in cell.Policies[p])
                {
                    sb.Append(Invariant, $"{cell.Index},{values}{result.Policies[p]},{o.Key},{N(o.Band.P10)},{N(o.Band.P50)},{N(o.Band.P90)},{N(o.Band.Mean)},true\n");
                }
            }
        }

        return sb.ToString();
    }

    /// <summary>How the grid was run, in one sentence (CSV comment and JSON <c>method</c>).</summary>
    public static string Method(SweepResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return string.Create(Invariant, $"sweep of {string.Join(" × ", result.Spec.Axes.Select(a => a.ToString()))} ({result.Cells.Count} cells), the other parameters as in the scenario; every cell runs the same {result.Paths} paths of seed {result.Seed} (common random numbers), so differences between cells are the swept parameters' effect");
    }

    private static string N(double v) => Math.Round(v, 6).ToString("0.######", Invariant);
}
