using System.Globalization;
using System.Text.Json;

namespace Threshold.Cli.Tests;

/// <summary>Builds case lines and reads <c>screen</c> results for the screen and returns CLI tests.</summary>
internal static class Cases
{
    /// <summary>One case as a compact JSON object; <paramref name="extra"/> is appended verbatim (e.g. <c>"manifestsFear":true</c>).</summary>
    public static string Json(string id, string enteredAt, string place, string citizenship, string extra = "") =>
        $"{{\"id\":\"{id}\",\"enteredAt\":\"{enteredAt}\",\"place\":\"{place}\",\"citizenship\":\"{citizenship}\"{(extra.Length == 0 ? string.Empty : "," + extra)}}}";

    /// <summary>JSONL text: one case a line, each line ending in a newline.</summary>
    public static string Lines(params string[] cases) => string.Concat(cases.Select(c => c + "\n"));

    /// <summary>Runs <c>screen</c> under proclamation-10773 with the bundled series.</summary>
    public static CliResult Screen(params string[] extra) =>
        Cli.Run(["screen", "--policy", "proclamation-10773", "--encounters", Cli.Bundled, .. extra]);

    /// <summary>Runs <c>screen</c> under <paramref name="policy"/> (with any of its options) with the bundled series.</summary>
    public static CliResult ScreenUnder(string[] policy, params string[] extra) =>
        Cli.Run(["screen", .. policy, "--encounters", Cli.Bundled, .. extra]);

    /// <summary>
    /// Parses JSONL stdout: one result per non-empty line, in order, resolved to the inline form. A line that names its
    /// explanation by <c>explanationId</c> (the default shared mode) gets, in place of that id, the members of the
    /// explanation it names — carried by this line or an earlier one; an id no line defined fails the test.
    /// </summary>
    public static List<JsonElement> Results(CliResult r) => Results(r.Stdout);

    public static List<JsonElement> Results(string jsonl)
    {
        var results = new List<JsonElement>();
        var explanations = new Dictionary<string, System.Text.Json.Nodes.JsonObject>(StringComparer.Ordinal);
        var number = 0;
        foreach (var line in jsonl.Split('\n'))
        {
            number++;
            if (line.Trim().Length == 0)
            {
                continue;
            }

            var node = System.Text.Json.Nodes.JsonNode.Parse(line)!.AsObject();
            if (node["explanationId"]?.GetValue<string>() is { } id)
            {
                if (node["explanation"] is System.Text.Json.Nodes.JsonObject carried)
                {
                    Assert.True(explanations.TryAdd(id, (System.Text.Json.Nodes.JsonObject)carried.DeepClone()), $"line {number}: explanation {id} defined twice");
                }

                Assert.True(explanations.TryGetValue(id, out var explanation), $"line {number}: explanationId {id} was not defined on this or an earlier line");
                node.Remove("explanationId");
                node.Remove("explanation");
                foreach (var (name, value) in explanation!)
                {
                    node[name] = value?.DeepClone();
                }
            }

            using var doc = JsonDocument.Parse(node.ToJsonString());
            results.Add(doc.RootElement.Clone());
        }

        return results;
    }

    /// <summary>The results of a JSONL run keyed by id (ids must be unique).</summary>
    public static Dictionary<string, JsonElement> ById(CliResult r) =>
        Results(r).ToDictionary(e => e.GetProperty("id").GetString()!, StringComparer.Ordinal);

    public static string? Str(this JsonElement e, string name) =>
        e.GetProperty(name).ValueKind == JsonValueKind.Null ? null : e.GetProperty(name).GetString();

    public static bool Bool(this JsonElement e, string name) => e.GetProperty(name).GetBoolean();

    public static List<string> Strings(this JsonElement e, string name) =>
        e.GetProperty(name).EnumerateArray().Select(x => x.GetString()!).ToList();

    /// <summary>The trace step with this rule code.</summary>
    public static JsonElement Step(this JsonElement result, string rule) =>
        result.GetProperty("trace").EnumerateArray().Single(t => t.GetProperty("rule").GetString() == rule);

    /// <summary>A citation's text, whether it is written as text or as an object with <c>text</c>.</summary>
    public static string? CitationText(JsonElement citation) => citation.ValueKind switch
    {
        JsonValueKind.String => citation.GetString(),
        JsonValueKind.Object => citation.Str("text"),
        _ => null,
    };

    /// <summary>The ids of the court orders applied to a result (written as ids or as objects with an id).</summary>
    public static List<string> Orders(this JsonElement result) =>
        result.GetProperty("appliedOrders").EnumerateArray().Select(o => o.ValueKind == JsonValueKind.String ? o.GetString()! : o.GetProperty("id").GetString()!).ToList();

    /// <summary>A ledger month in a report, read as "yyyy-MM" whether it is written as text or as an object with year and month.</summary>
    public static string MonthText(JsonElement month) => month.ValueKind == JsonValueKind.String
        ? month.GetString()!
        : string.Create(CultureInfo.InvariantCulture, $"{month.GetProperty("year").GetInt32():0000}-{month.GetProperty("month").GetInt32():00}");

    /// <summary>
    /// Asserts the fields every result must carry, with their JSON kinds. Every trace step has its rule's label
    /// (<c>rule</c>), whether it held and its citation; single-case output also gives the rule's text (<c>label</c>),
    /// which bulk JSONL leaves to <c>threshold policies</c> to keep lines short.
    /// </summary>
    public static void HasContractShape(JsonElement r, bool bulk = false)
    {
        Assert.Equal(JsonValueKind.String, r.GetProperty("id").ValueKind);
        foreach (var b in new[] { "suspensionApplies", "asylumLimitationApplies", "fearReferral", "overflow" })
        {
            Assert.True(r.GetProperty(b).ValueKind is JsonValueKind.True or JsonValueKind.False, $"{b} must be a boolean: {r}");
        }

        foreach (var s in new[] { "exception", "exceptionallyCompelling", "screeningStandard", "returnDestination" })
        {
            Assert.True(r.GetProperty(s).ValueKind is JsonValueKind.String or JsonValueKind.Null, $"{s} must be a string or null: {r}");
        }

        Assert.Equal(JsonValueKind.Array, r.GetProperty("exceptions").ValueKind);
        Assert.NotEmpty(r.GetProperty("citations").EnumerateArray());
        var trace = r.GetProperty("trace").EnumerateArray().ToList();
        Assert.NotEmpty(trace);
        foreach (var t in trace)
        {
            foreach (var field in bulk ? new[] { "rule", "held", "citation" } : ["rule", "label", "held", "citation"])
            {
                Assert.True(t.TryGetProperty(field, out _), $"trace step without '{field}': {t}");
            }

            Assert.Equal(JsonValueKind.String, t.GetProperty("rule").ValueKind);
            if (!bulk)
            {
                Assert.Equal(JsonValueKind.String, t.GetProperty("label").ValueKind);
            }

            Assert.True(t.GetProperty("held").ValueKind is JsonValueKind.True or JsonValueKind.False);
        }

        if (r.Str("exception") is { } code)
        {
            Assert.Contains(code, r.Strings("exceptions"));
        }

        if (r.Str("returnDestination") is { } dest)
        {
            Assert.Matches("^[A-Z]{2}$", dest);
        }
    }
}
