using System.Globalization;
using System.Text;
using System.Text.Json;
using Threshold.Law;

namespace Threshold.Simulation;

/// <summary>
/// The text forms of a result: one JSON document and CSV tables, each carrying the MODELED notice. Pure functions of
/// the result, so the same result gives the same bytes.
/// </summary>
public static class ResultFormats
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The whole result, with its parameters, provenance and, if given, the sensitivity table.</summary>
    public static string Json(SimulationResult result, SensitivityTable? sensitivity = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        return JsonText(w =>
        {
            w.WriteString("engine", RuleSetVersion.EngineVersion);
            w.WriteString("ruleSet", RuleSetVersion.Current);
            w.WriteStartObject("scenario");
            w.WriteString("name", result.ScenarioName);
            w.WriteString("description", result.ScenarioDescription);
            w.WriteString("source", Path.GetFileName(result.ScenarioSource));
            w.WriteNumber("seed", result.Seed);
            w.WriteNumber("paths", result.Paths);
            w.WriteString("start", Iso(result.Start));
            w.WriteString("end", Iso(result.End));
            w.WriteString("endInclusive", "the horizon runs from start to end, both days included");
            w.WriteString("mixMonth", result.MixMonth.ToString("yyyy-MM", Invariant));
            w.WriteEndObject();
            w.WriteString("percentiles", "P10, P50 and P90 over the paths by the nearest-rank rule; whole-number outputs below 2,048 are exact, larger ones within 0.1%; monthly bands within 0.4%, daily averages within 1.6% (log-linear bins, docs/simulation.md)");
            Parameters(w, "parameters", result.Parameters);
            Strings(w, "calibration", result.CalibrationProvenance);
            w.WriteString("mixNote", "the simulator uses the real mix below only as weights of kinds of people (nationality, unaccompanied children, place); it draws no individual cases");
            Strings(w, "mix", result.MixProvenance);
            w.WriteNumber("mexicoMonthlyCap", result.MexicoMonthlyCap);

            // The largest cap of any arrangement above; the one in force changes on January 20, 2025 (30,000 → 1,000).
            w.WriteStartArray("mexicoMonthlyCapInForce");
            var previous = -1;
            for (var month = result.Start.ToYearMonth(); month <= result.End.ToYearMonth(); month = month.PlusMonths(1))
            {
                var cap = SimulationResult.CapIn(month);
                if (cap != previous)
                {
                    w.WriteStartObject();
                    w.WriteString("fromMonth", month.ToString("yyyy-MM", Invariant));
                    w.WriteNumber("cap", cap);
                    w.WriteEndObject();
                    previous = cap;
                }
            }

            w.WriteEndArray();
            w.WriteStartArray("policies");
            foreach (var p in result.Policies)
            {
                w.WriteStartObject();
                w.WriteString("label", p.Label);
                w.WriteString("policy", p.PolicyId);
                w.WriteString("title", p.Title);
                w.WriteString("standing", p.Standing);
                Strings(w, "caveats", p.Caveats);
                Strings(w, "overlays", p.Overlays);
                w.WriteStartArray("thresholds");
                foreach (var t in p.Thresholds)
                {
                    w.WriteStartObject();
                    w.WriteString("from", Iso(t.From));
                    w.WriteNumber("activatePerDay", t.Activate);
                    w.WriteNumber("deactivateBelowPerDay", t.Deactivate);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteStartObject("outputs");
                foreach (var o in p.Outputs)
                {
                    w.WriteStartObject(o.Key);
                    w.WriteString("description", o.Description);
                    BandFields(w, o.Band);
                    w.WriteEndObject();
                }

                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            if (sensitivity is not null)
            {
                w.WriteStartObject("sensitivity");
                w.WriteString("method", sensitivity.Method);
                w.WriteNumber("paths", sensitivity.Paths);
                w.WriteStartArray("rows");
                foreach (var r in sensitivity.Rows)
                {
                    w.WriteStartObject();
                    w.WriteString("policy", r.Policy);
                    w.WriteString("output", r.Output);
                    w.WriteNumber("rank", r.Rank);
                    w.WriteString("parameter", r.Parameter);
                    w.WriteString("mark", r.Mark);
                    w.WriteNumber("low", r.Low);
                    w.WriteNumber("high", r.High);
                    w.WriteNumber("p50AtLow", r.P50AtLow);
                    w.WriteNumber("p50AtHigh", r.P50AtHigh);
                    w.WriteNumber("meanAtLow", Math.Round(r.MeanAtLow, 3));
                    w.WriteNumber("meanAtHigh", Math.Round(r.MeanAtHigh, 3));
                    w.WriteNumber("swing", r.Swing);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }
        });
    }

    /// <summary>One indented JSON object, opened with the MODELED notice and <c>"modeled": true</c>, then <paramref name="body"/>; a final newline.</summary>
    internal static string JsonText(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("notice", SimulationResult.ModeledNotice);
            w.WriteBoolean("modeled", true);
            body(w);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>One row per policy and output: P10, P50, P90 and mean.</summary>
    public static string SummaryCsv(SimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var sb = Header(result);
        sb.Append("policy,output,p10,p50,p90,mean,modeled\n");
        foreach (var p in result.Policies)
        {
            foreach (var o in p.Outputs)
            {
                sb.Append(Invariant, $"{p.Label},{o.Key},{N(o.Band.P10)},{N(o.Band.P50)},{N(o.Band.P90)},{N(o.Band.Mean)},true\n");
            }
        }

        return sb.ToString();
    }

    /// <summary>One row per policy and horizon day: the band of the 7-day average of the policy's own count.</summary>
    public static string DailyCsv(SimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var sb = Header(result);
        sb.Append("policy,date,average7_p10,average7_p50,average7_p90,modeled\n");
        foreach (var p in result.Policies)
        {
            for (var d = 0; d < p.DailyAverage.Count; d++)
            {
                var b = p.DailyAverage[d];
                sb.Append(Invariant, $"{p.Label},{Iso(result.Start.PlusDays(d))},{N(b.P10)},{N(b.P50)},{N(b.P90)},true\n");
            }
        }

        return sb.ToString();
    }

    /// <summary>One row per policy and horizon month: returns to Mexico under capped arrangements against the cap, and encounters between ports (horizon days only; the first and last months may be partial).</summary>
    public static string MonthlyReturnsCsv(SimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var sb = Header(result);
        sb.Append("policy,month,under_cap_p10,under_cap_p50,under_cap_p90,monthly_cap,encounters_between_ports_p10,encounters_between_ports_p50,encounters_between_ports_p90,modeled\n");
        var startMonth = result.Start.ToYearMonth();
        foreach (var p in result.Policies)
        {
            for (var m = 0; m < p.MonthlyUnderCaps.Count; m++)
            {
                var b = p.MonthlyUnderCaps[m];
                var e = p.MonthlyEncounters[m];
                var month = startMonth.PlusMonths(m);
                sb.Append(Invariant, $"{p.Label},{month.ToString("yyyy-MM", Invariant)},{N(b.P10)},{N(b.P50)},{N(b.P90)},{SimulationResult.CapIn(month)},{N(e.P10)},{N(e.P50)},{N(e.P90)},true\n");
            }
        }

        return sb.ToString();
    }

    /// <summary>The parameters with value or range, origin, mark and source.</summary>
    public static string ParametersCsv(SimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var sb = Header(result);
        sb.Append("parameter,low,high,unit,origin,mark,source\n");
        foreach (var p in result.Parameters)
        {
            sb.Append(Invariant, $"{p.Name},{N(p.Low)},{N(p.High)},{Quote(p.Unit)},{Quote(p.Origin)},{p.Mark},{Quote(p.Source)}\n");
        }

        return sb.ToString();
    }

    /// <summary>The sensitivity table: for each policy and output, the parameters by how far they move the median.</summary>
    public static string SensitivityCsv(SimulationResult result, SensitivityTable table)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(table);
        var sb = Header(result);
        sb.Append(Invariant, $"# {table.Method}\n");
        sb.Append("policy,output,rank,parameter,mark,low,high,p50_at_low,p50_at_high,mean_at_low,mean_at_high,swing,modeled\n");
        foreach (var r in table.Rows)
        {
            sb.Append(Invariant, $"{r.Policy},{r.Output},{r.Rank},{r.Parameter},{r.Mark},{N(r.Low)},{N(r.High)},{N(r.P50AtLow)},{N(r.P50AtHigh)},{N(r.MeanAtLow)},{N(r.MeanAtHigh)},{N(r.Swing)},true\n");
        }

        return sb.ToString();
    }

    private static StringBuilder Header(SimulationResult result) => CsvStart(
        string.Create(Invariant, $"scenario {result.ScenarioName}; seed {result.Seed}; {result.Paths} paths; {Iso(result.Start)} to {Iso(result.End)} inclusive; engine {RuleSetVersion.EngineVersion}; rule set {RuleSetVersion.Current}"));

    /// <summary>A CSV's first lines: the MODELED notice, then each of <paramref name="comments"/>, as "# " lines.</summary>
    internal static StringBuilder CsvStart(params string[] comments)
    {
        var sb = new StringBuilder();
        sb.Append(Invariant, $"# {SimulationResult.ModeledNotice}\n");
        foreach (var c in comments)
        {
            sb.Append(Invariant, $"# {c}\n");
        }

        return sb;
    }

    /// <summary>An array of parameters as used: name, unit, value (or low and high), origin, mark and source.</summary>
    internal static void Parameters(Utf8JsonWriter w, string name, IEnumerable<ParameterUse> parameters)
    {
        w.WriteStartArray(name);
        foreach (var p in parameters)
        {
            w.WriteStartObject();
            w.WriteString("name", p.Name);
            w.WriteString("unit", p.Unit);
            if (p.High > p.Low)
            {
                w.WriteNumber("low", p.Low);
                w.WriteNumber("high", p.High);
            }
            else
            {
                w.WriteNumber("value", p.Low);
            }

            w.WriteString("origin", p.Origin);
            w.WriteString("mark", p.Mark);
            w.WriteString("source", p.Source);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    internal static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }

    private static void BandFields(Utf8JsonWriter w, Band b)
    {
        w.WriteNumber("p10", b.P10);
        w.WriteNumber("p50", b.P50);
        w.WriteNumber("p90", b.P90);
        w.WriteNumber("mean", Math.Round(b.Mean, 3));
    }

    internal static string Iso(NodaTime.LocalDate d) => d.ToString("yyyy-MM-dd", Invariant);

    private static string N(double v) => Math.Round(v, 3).ToString("0.###", Invariant);

    internal static string Quote(string s) => "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
