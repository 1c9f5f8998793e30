namespace Threshold.Cli.Tests;

/// <summary>Issue 17: the example inputs under examples/ run with the commands examples/README.md and the README give.</summary>
public sealed class ExampleFileTests(TempFolder temp) : IClassFixture<TempFolder>
{
    private const string Latest = "data/modeled/daily_encounters_2024-01-01_2026-08-31.modeled.csv";

    [Fact]
    public void Client_UnderEveryInstrumentInForce_Names10773And10888()
    {
        var r = Cli.Run("screen", "--policy", "in-force", "--case", "examples/client.json", "--decided-on", "today", "--format", "table");
        CliAssert.Ok(r);
        Assert.Contains("Instruments in force on 2025-03-10 (the entry date): proclamation-10773, proclamation-10888", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Client_UnderOnePolicy_IsScreenedAgainstTheLatestSeries()
    {
        var r = Cli.Run("screen", "--policy", "proclamation-10773", "--encounters", Latest, "--case", "examples/client.json", "--format", "table");
        CliAssert.Ok(r);
        Assert.Contains("client-2025-03-10", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("MODELED", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Batch_WithTheExampleArrangement_ScreensEveryLineInOrder()
    {
        var r = Cli.Run("screen", "--policy", "proclamation-10773", "--encounters", Latest, "--cases", "examples/cases.jsonl", "--arrangements", "examples/arrangement.yaml");
        CliAssert.Ok(r);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(File.ReadAllLines(Path.Combine(Cli.RepositoryRoot, "examples/cases.jsonl")).Length, lines.Length);
        Assert.All(lines.Select((l, i) => (l, i)), x => Assert.StartsWith($"{{\"id\":\"example-{x.i + 1}\"", x.l, StringComparison.Ordinal));
    }

    [Fact]
    public void Arrangement_IsListedBesideTheBuiltIns_WithItsMark()
    {
        var r = Cli.Run("returns", "arrangements", "--arrangements", "examples/arrangement.yaml", "--format", "json");
        CliAssert.Ok(r);
        Assert.Contains("what-if-colombia-ecuador", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("mexico-chnv-30000", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Scenario_Runs_AndEveryResultSaysModeled()
    {
        var r = Cli.Run("simulate", "examples/scenario.yaml", "--paths", "20", "--out", temp.PathOf("example"));
        CliAssert.Ok(r);
        Assert.Contains("MODELED", File.ReadAllText(temp.PathOf("example/result.json")), StringComparison.Ordinal);
    }
}
