using System.Text.Json;

namespace Threshold.Cli.Tests;

/// <summary>
/// The MODELED and SYNTHETIC labels on bulk screening and the returns reports (issue 16, part 5): present on every
/// output whose series is modeled or whose cases are generated, absent when the series and the cases are real, and
/// the existing contract fields unchanged beside them.
/// </summary>
public sealed class ScreenAndReturnsLabelTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    /// <summary>
    /// A daily series without a <c># modeled</c> line (its other provenance line does not make it modeled), June and
    /// July 2024, 910 counted a day under Proclamation 10773: the suspension is in effect throughout.
    /// </summary>
    private string RealSeries() => temp.Write("real.csv", "# source: a daily count kept by hand for this test\n" + Csv.File(
        Enumerable.Range(0, 61).Select(d => $"{new DateOnly(2024, 6, 1).AddDays(d):yyyy-MM-dd},1000,10,1500,100,20")));

    private string CasesFile(string prefix = "c") => temp.Write($"{prefix}.jsonl", Cases.Lines(
        Cases.Json($"{prefix}-cu", "2024-07-15T10:00:00-04:00", "between-ports", "CU"),
        Cases.Json($"{prefix}-mx", "2024-07-15T10:00:00-04:00", "between-ports", "MX"),
        Cases.Json($"{prefix}-gt", "2024-07-16T10:00:00-04:00", "between-ports", "GT", "\"manifestsFear\":true")));

    /// <summary>One generated case (the <c>cases generate</c> id) and one real one, both Cuban, July 2024.</summary>
    private string GeneratedAndRealCases() => temp.Write("gen.jsonl", Cases.Lines(
        Cases.Json("synthetic-2024-07-000001", "2024-07-15T10:00:00-04:00", "between-ports", "CU"),
        Cases.Json("real-1", "2024-07-15T10:00:00-04:00", "between-ports", "CU")));

    private static readonly string[] Policy = ["--policy", "proclamation-10773"];

    private static void EveryLineSays(bool modeled, CliResult r, int count = 3)
    {
        CliAssert.Ok(r);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(count, lines.Length);
        foreach (var line in lines)
        {
            // Each raw line, read alone, carries the marker (in shared mode too, where the explanation is elsewhere).
            using var doc = JsonDocument.Parse(line);
            Assert.Equal(modeled, doc.RootElement.GetProperty("modeledEncounters").GetBoolean());
        }

        foreach (var result in Cases.Results(r))
        {
            Cases.HasContractShape(result, bulk: true);
            Assert.Equal("proclamation-10773", result.Str("policy"));
        }
    }

    [Theory]
    [InlineData("shared")]
    [InlineData("inline")]
    public void Screen_Cases_ModeledSeries_EveryLineSaysModeled(string trace) =>
        EveryLineSays(true, Cli.Run(["screen", .. Policy, "--encounters", Cli.Bundled, "--cases", CasesFile(), "--trace", trace]));

    [Theory]
    [InlineData("shared")]
    [InlineData("inline")]
    public void Screen_Cases_RealSeries_NoLineSaysModeled(string trace)
    {
        var r = Cli.Run(["screen", .. Policy, "--encounters", RealSeries(), "--cases", CasesFile(), "--trace", trace]);
        EveryLineSays(false, r);
        Assert.DoesNotContain("MODELED", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Screen_CasesLedgerReport_KeepsTheReportsMembers_AndAddsTheLabels()
    {
        var cases = GeneratedAndRealCases();
        var modeled = Cli.Run(["screen", .. Policy, "--encounters", Cli.Bundled, "--cases", cases, "--ledger-report"]);
        var real = Cli.Run(["screen", .. Policy, "--encounters", RealSeries(), "--cases", CasesFile(), "--ledger-report"]);
        Assert.True(modeled.ExitCode == 0, modeled.ToString());
        Assert.True(real.ExitCode == 0, real.ToString());
        var m = JsonDocument.Parse(modeled.Stderr).RootElement;
        Assert.Equal(new[] { "MODELED", "SYNTHETIC" }, m.Strings("labels"));
        Assert.True(m.Bool("modeledEncounters"));
        Assert.Equal(2, m.GetProperty("casesScreened").GetInt64());
        Assert.Equal(1, m.GetProperty("syntheticCases").GetInt64());
        foreach (var field in new[] { "arrangements", "mexicoBurden", "totals", "ruleSetVersion" })
        {
            Assert.True(m.TryGetProperty(field, out _), $"'{field}' missing: {m}");
        }

        var r = JsonDocument.Parse(real.Stderr).RootElement;
        Assert.Empty(r.Strings("labels"));
        Assert.False(r.Bool("modeledEncounters"));
    }

    [Fact]
    public void Screen_CsvCasesToOutFile_ModeledSeries_EveryLineSaysModeled()
    {
        var cases = temp.Write("c.csv", "id,enteredAt,place,citizenship\nx1,2024-07-15T10:00:00-04:00,between-ports,CU\nx2,2024-07-15T11:00:00-04:00,port-of-entry,GT\n");
        var output = temp.PathOf("out.jsonl");
        var r = Cli.Run(["screen", .. Policy, "--encounters", Cli.Bundled, "--cases", cases, "--out", output]);
        Assert.True(r.ExitCode == 0, r.ToString());
        EveryLineSays(true, new CliResult(0, File.ReadAllText(output), string.Empty, "--out " + output), 2);
    }

    [Fact]
    public void Screen_CasesRecorded_ModeledOrReal_EveryLineSaysWhich()
    {
        EveryLineSays(true, Cli.Run(["screen", .. Policy, "--encounters", Cli.Bundled, "--cases", CasesFile("m"), "--record", "--data-dir", temp.PathOf("record")]));
        EveryLineSays(false, Cli.Run(["screen", .. Policy, "--encounters", RealSeries(), "--cases", CasesFile("r"), "--record", "--data-dir", temp.PathOf("record")]));
    }

    /// <summary>
    /// The proposed timeline reads the periods from the series, so the answer rests on it; the official timeline reads
    /// published determinations and says MODELED only when an instrument that answered needed the counts.
    /// </summary>
    [Fact]
    public void Screen_CasesInForceProposed_ModeledOrReal_EveryLineSaysWhich()
    {
        foreach (var (series, modeled) in new[] { (Cli.Bundled, true), (RealSeries(), false) })
        {
            var r = Cli.Run("screen", "--policy", "in-force", "--timeline", "proposed", "--encounters", series, "--cases", CasesFile());
            CliAssert.Ok(r);
            var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
            Assert.Equal(3, lines.Count);
            Assert.All(lines, l => Assert.Equal(modeled, l.Bool("modeledEncounters")));
            Assert.All(lines, l => Assert.Equal(JsonValueKind.Array, l.GetProperty("instruments").ValueKind));
        }
    }

    [Fact]
    public void Screen_CaseTable_BannerOnlyForTheModeledSeries()
    {
        var one = temp.Write("one.json", Cases.Json("one", "2024-07-15T10:00:00-04:00", "between-ports", "CU"));
        var modeled = Cli.Run(["screen", .. Policy, "--encounters", Cli.Bundled, "--case", one, "--format", "table"]);
        var real = Cli.Run(["screen", .. Policy, "--encounters", RealSeries(), "--case", one, "--format", "table"]);
        CliAssert.Ok(modeled);
        CliAssert.Ok(real);
        Assert.Contains("MODELED", modeled.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("MODELED", real.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void ReturnsReport_Json_ModeledSeriesAndSyntheticCases_LabelsBoth()
    {
        var cases = GeneratedAndRealCases();
        var r = Cli.Run(["returns", "report", .. Policy, "--encounters", Cli.Bundled, "--cases", cases, "--format", "json"]);
        CliAssert.Ok(r);
        var root = r.Root();
        Assert.Equal(new[] { "MODELED", "SYNTHETIC" }, root.Strings("labels"));
        Assert.True(root.Bool("modeledEncounters"));
        Assert.Equal(1, root.GetProperty("syntheticCases").GetInt64());
        Assert.Equal(2, root.GetProperty("casesScreened").GetInt64());
        foreach (var field in new[] { "engineVersion", "ruleSetVersion", "policy", "report" })
        {
            Assert.True(root.TryGetProperty(field, out _), $"'{field}' missing: {root}");
        }
    }

    [Fact]
    public void ReturnsReport_RealSeriesAndRealCases_NoLabels()
    {
        var json = Cli.Run(["returns", "report", .. Policy, "--encounters", RealSeries(), "--cases", CasesFile(), "--format", "json"]);
        var table = Cli.Run(["returns", "report", .. Policy, "--encounters", RealSeries(), "--cases", CasesFile()]);
        CliAssert.Ok(json);
        CliAssert.Ok(table);
        Assert.Empty(json.Root().Strings("labels"));
        Assert.False(json.Root().Bool("modeledEncounters"));
        Assert.DoesNotContain("MODELED", table.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("SYNTHETIC", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("Rule set " + json.Root().Str("ruleSetVersion"), table.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void ReturnsReport_Table_ModeledAndSynthetic_LabelsComeBeforeTheTables()
    {
        var cases = GeneratedAndRealCases();
        var r = Cli.Run(["returns", "report", .. Policy, "--encounters", Cli.Bundled, "--cases", cases]);
        CliAssert.Ok(r);
        var tables = r.Stdout.IndexOf("Capped and uncapped arrangements", StringComparison.Ordinal);
        Assert.True(tables > 0, r.ToString());
        foreach (var label in new[] { "MODELED", "SYNTHETIC", "Rule set " })
        {
            var at = r.Stdout.IndexOf(label, StringComparison.Ordinal);
            Assert.True(at >= 0 && at < tables, $"'{label}' should come before the tables\n{r}");
        }
    }

    [Fact]
    public void ReturnsReport_FromRecord_TablePrintsATable_JsonKeepsItsFieldsAndSaysWhatTheRecordCannot()
    {
        var record = temp.PathOf("record");
        var cases = GeneratedAndRealCases();
        CliAssert.Ok(Cli.Run(["screen", .. Policy, "--encounters", Cli.Bundled, "--cases", cases, "--record", "--data-dir", record]));

        var json = Cli.Run("returns", "report", "--from-record", "--data-dir", record, "--format", "json");
        CliAssert.Ok(json);
        var root = json.Root();
        Assert.Equal(2, root.GetProperty("events").GetInt32());
        Assert.Equal(1, root.GetProperty("syntheticCases").GetInt64());
        Assert.Contains("MODELED", root.Str("seriesNote"), StringComparison.Ordinal);
        // The batch's audit entry states the series, so the recorded ledger says MODELED itself.
        Assert.True(root.GetProperty("modeledEncounters").GetBoolean(), root.ToString());
        Assert.Equal(2, root.GetProperty("modeledAllocations").GetInt64());
        Assert.Equal(0, root.GetProperty("unstatedAllocations").GetInt64());
        Assert.Equal(["MODELED", "SYNTHETIC"], root.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        Assert.EndsWith(Path.GetFileName(Cli.Bundled), Assert.Single(root.GetProperty("series").EnumerateArray()).GetString(), StringComparison.Ordinal);
        foreach (var field in new[] { "engineVersion", "ruleSetVersion", "asOf", "report" })
        {
            Assert.True(root.TryGetProperty(field, out _), $"'{field}' missing: {root}");
        }

        var table = Cli.Run("returns", "report", "--from-record", "--data-dir", record);
        CliAssert.Ok(table);
        Assert.False(table.Stdout.TrimStart().StartsWith('{'), $"--format table printed JSON\n{table}");
        foreach (var text in new[] { "2 allocations", "SYNTHETIC", "MODELED", "Rule set " + root.Str("ruleSetVersion"), "Burden on Mexico by month", "mexico-chnv-30000" })
        {
            Assert.True(table.Stdout.Contains(text, StringComparison.Ordinal), $"the table should mention '{text}'\n{table}");
        }
    }
}
