using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Threshold.Engine;
using Threshold.Law;
using Threshold.Record;
using Threshold.Returns;
using Threshold.Screening;
using Threshold.Sources;
using Threshold.Simulation;
using Threshold.Web.Apis;
using Threshold.Web.Hosting;

namespace Threshold.Fuzz;

/// <summary>
/// One fuzz target per parser, each fed the raw bytes of one input and calling the product exactly as the CLI or the
/// API does (parse, then compile or replay where the command would). A target returns normally or throws; only the
/// exceptions <see cref="FuzzOutcome.IsClearError"/> accepts count as a clean refusal.
/// </summary>
internal static class FuzzTargets
{
    private const string Source = "fuzz-input";

    /// <summary>Separates the policy YAML of a reform input from its overrides (one NAME=VALUE query pair a line).</summary>
    private const string ReformSeparator = "\n%%\n";

    private static readonly Dictionary<string, Action<byte[]>> Targets = new(StringComparer.Ordinal)
    {
        ["encounter-csv"] = EncounterCsv,
        ["cbp-sbo-csv"] = bytes => MonthlyCsv.ReadCbpSbo(bytes, Source),
        ["khsm-csv"] = bytes => MonthlyCsv.ReadKhsm(bytes, Source),
        ["policy-yaml"] = bytes => Replay(PolicyYamlReader.Read(Text(bytes), Source), ReplayOptions.Default),
        ["reform"] = Reform,
        ["arrangement-yaml"] = bytes => ArrangementSet.WithBuiltIns(ArrangementYamlReader.Read(Text(bytes), Source)),
        ["scenario-yaml"] = bytes => ScenarioYamlReader.Read(Text(bytes), Source, RepositoryFolder("scenarios")),
        ["scenario-upload"] = bytes => SimulationService.FromYaml(Text(bytes)),
        ["case-json"] = CaseJson,
        ["case-jsonl"] = bytes => Drain(CaseJsonReader.ReadLines(new MemoryStream(bytes), Source)),
        ["case-csv"] = bytes => Drain(CaseCsvReader.Read(new MemoryStream(bytes), Source)),
        ["api-screen"] = ApiScreen,
    };

    private static readonly Lazy<EncounterSeries> BundledSeries = new(() =>
        EncounterCsvReader.ReadFile(Path.Combine(RepositoryFolder("data"), "modeled", "daily_encounters_2024-01-01_2025-01-19.modeled.csv")));

    private static readonly Lazy<ScreeningService> Screening = new(() => new ScreeningService(new ThresholdSettings()));

    public static IEnumerable<string> Names => Targets.Keys;

    /// <remarks>
    /// Nothing of the product runs before the fuzzer starts: instrumented code writes to afl-fuzz's shared coverage map,
    /// which exists only inside <c>Fuzzer.Run</c>. What the targets share (the bundled series) loads on first use.
    /// </remarks>
    public static Action<byte[]>? Find(string name) => Targets.GetValueOrDefault(name);

    private static string Text(byte[] bytes) => new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true).ReadToEnd();

    private static StreamReader CaseText(byte[] bytes) => new(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);

    private static void Drain<T>(IEnumerable<T> items)
    {
        foreach (var _ in items)
        {
        }
    }

    /// <summary>As <c>replay --series FILE</c>: strict first, then with <c>--allow-gaps</c>.</summary>
    private static void EncounterCsv(byte[] bytes)
    {
        var strict = FuzzOutcome.Run(() => EncounterCsvReader.Read(CaseText(bytes), Source));
        if (strict is not null)
        {
            EncounterCsvReader.Read(CaseText(bytes), Source, allowGaps: true);
        }
    }

    /// <summary>A policy file with overrides: <c>replay --policy FILE --set NAME=VALUE --court-order ID=DATE …</c>.</summary>
    private static void Reform(byte[] bytes)
    {
        var text = Text(bytes);
        var split = text.IndexOf(ReformSeparator, StringComparison.Ordinal);
        var yaml = split < 0 ? text : text[..split];
        var query = split < 0 ? new ReplayQuery() : ParseQuery(text[(split + ReformSeparator.Length)..].Replace('\n', '&'));
        Replay(PolicyYamlReader.Read(yaml, Source), query.Options());
    }

    private static void Replay(PolicyDocument policy, ReplayOptions options)
    {
        var compiled = CompiledPolicy.Compile(policy, options);
        SuspensionReplay.RequireColumns(compiled, BundledSeries.Value);
        _ = SuspensionReplay.Run(compiled, BundledSeries.Value);
    }

    /// <summary>As <c>screen --case FILE</c> and the body of <c>POST /api/v1/screen</c>: one case, at most its byte limit.</summary>
    private static void CaseJson(byte[] bytes)
    {
        if (bytes.Length <= CaseJsonReader.MaxLineBytes)
        {
            CaseJsonReader.Parse(bytes, Source, 1, multiLine: true);
        }
    }

    /// <summary>
    /// The screening endpoints in process: the first line is the query string (policy, inForce, set, courtOrder,
    /// determination, determinationLag, asKnownOn, decidedOn, withoutOrder, and body=case|jsonl|csv), the rest is the
    /// body. The query binds as ASP.NET would, the policy compiles and replays on the bundled series, and every case in
    /// the body is decided as the endpoint decides it.
    /// </summary>
    private static void ApiScreen(byte[] bytes)
    {
        var newline = Array.IndexOf(bytes, (byte)'\n');
        var queryText = Encoding.UTF8.GetString(bytes, 0, newline < 0 ? bytes.Length : newline);
        var body = newline < 0 ? [] : bytes[(newline + 1)..];
        var query = QueryHelpers.ParseQuery(queryText);
        string? One(string key) => query.TryGetValue(key, out var v) && v.Count > 0 ? v[0] : null;
        string[]? Many(string key) => Values(query, key);
        int? lag = null;
        if (One("determinationLag") is { } lagText)
        {
            // ASP.NET refuses a non-integer before the endpoint runs; only integers reach the product.
            if (!int.TryParse(lagText, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var l))
            {
                return;
            }

            lag = l;
        }

        var replay = new ReplayQuery
        {
            Policy = One("policy") ?? "proclamation-10773",
            InForce = One("inForce"),
            AsKnownOn = One("asKnownOn"),
            DeterminationLag = lag,
            Set = Many("set"),
            CourtOrder = Many("courtOrder"),
            Determination = Many("determination"),
        };
        var screening = new ScreeningQuery { DecidedOn = One("decidedOn"), WithoutOrder = Many("withoutOrder") };
        _ = replay.AsKnownOnInstant();
        var compiled = CompiledPolicy.Compile(replay.PolicyDocument(), replay.Options());
        SuspensionReplay.RequireColumns(compiled, BundledSeries.Value);
        var timeline = SuspensionReplay.Run(compiled, BundledSeries.Value);
        var screener = Screening.Value.Screener(timeline, screening);
        switch (One("body") ?? "case")
        {
            case "jsonl":
                _ = Screening.Value.ReturnsReport(screener, ScreeningService.ReadCases(new MemoryStream(body), csv: false, ScreeningApi.BodySource), ScreeningApi.BodySource);
                break;
            case "csv":
                _ = Screening.Value.ReturnsReport(screener, ScreeningService.ReadCases(new MemoryStream(body), csv: true, ScreeningApi.BodySource), ScreeningApi.BodySource);
                break;
            default:
                if (body.Length <= CaseJsonReader.MaxLineBytes)
                {
                    var c = CaseJsonReader.Parse(body, ScreeningApi.BodySource, 1, multiLine: true);
                    _ = Screening.Value.Decide(screener, c, ScreeningApi.BodySource, 1);
                }

                break;
        }
    }

    private static ReplayQuery ParseQuery(string text)
    {
        var query = QueryHelpers.ParseQuery(text);
        string[]? Many(string key) => Values(query, key);
        return new ReplayQuery
        {
            InForce = query.TryGetValue("inForce", out var f) ? f.ToString() : null,
            Set = Many("set"),
            CourtOrder = Many("courtOrder"),
            Determination = Many("determination"),
        };
    }

    private static string[]? Values(Dictionary<string, StringValues> query, string key) =>
        query.TryGetValue(key, out var v) ? [.. v.Select(s => s ?? string.Empty)] : null;

    /// <summary>A folder of the repository (the harness runs from fuzz/out/publish or from its build output).</summary>
    public static string RepositoryFolder(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Threshold.sln")))
            {
                return Path.Combine(dir.FullName, name);
            }
        }

        throw new DirectoryNotFoundException("Threshold.sln not found above " + AppContext.BaseDirectory);
    }
}
