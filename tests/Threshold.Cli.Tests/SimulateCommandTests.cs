namespace Threshold.Cli.Tests;

public class SimulateCommandTests
{
    private static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "threshold-simulate-" + Guid.NewGuid().ToString("N"));
        return dir;
    }

    private static string WriteScenario(string yaml)
    {
        var path = Path.Combine(Path.GetTempPath(), "threshold-scenario-" + Guid.NewGuid().ToString("N") + ".yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    private const string Small = """
        name: cli-small
        seed: 3
        paths: 12
        horizon: { start: 2024-06-05, years: 1 }
        policies:
          - id: proclamation-10773
          - id: senate-border-act-2024
            label: senate
            in_force: 2024-06-05
        parameters:
          mexico.enforcement_share: { preset: "2023" }
        sensitivity:
          paths: 4
          parameters: [deterrence.effect]
        """;

    [Fact]
    public void Simulate_UnknownParameter_Exit2NamingTheKeyAndWritesNothing()
    {
        var scenario = WriteScenario(Small.Replace("mexico.enforcement_share", "mexico.share", StringComparison.Ordinal));
        var outDir = TempDir();
        var r = Cli.Run("simulate", scenario, "--out", outDir);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("parameters.mexico.share", r.Stderr, StringComparison.Ordinal);
        Assert.Contains(Path.GetFileName(scenario), r.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, r.Stdout);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void Simulate_ImpossibleHorizon_Exit2()
    {
        var scenario = WriteScenario(Small.Replace("years: 1", "end: 2023-01-01", StringComparison.Ordinal));
        var r = Cli.Run("simulate", scenario, "--out", TempDir());
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("horizon.end", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Simulate_SameSeed_WritesIdenticalFilesWhateverTheThreads()
    {
        var scenario = WriteScenario(Small);
        var a = TempDir();
        var b = TempDir();
        var first = Cli.Run("simulate", scenario, "--out", a, "--threads", "1", "--no-charts");
        var second = Cli.Run("simulate", scenario, "--out", b, "--threads", "2", "--no-charts");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        foreach (var name in new[] { "result.json", "summary.csv", "daily-average-bands.csv", "mexico-returns-monthly.csv", "sensitivity.csv", "parameters.csv" })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(a, name)), File.ReadAllBytes(Path.Combine(b, name)));
        }

        Assert.Contains("MODELED", first.Stdout, StringComparison.Ordinal);
        Assert.StartsWith("# MODELED", File.ReadAllText(Path.Combine(a, "summary.csv")), StringComparison.Ordinal);
    }

    [Fact]
    public void Simulate_BacktestWindow2025_WritesEveryMonthMarkedModeled()
    {
        var outDir = TempDir();
        var r = Cli.Run("simulate", "--backtest", "--window", "2025-02-to-2026-08", "--paths", "16", "--no-charts", "--out", outDir);
        Assert.True(r.ExitCode == 0, r.ToString());
        var csv = File.ReadAllLines(Path.Combine(outDir, "backtest-monthly.csv"));
        Assert.StartsWith("# MODELED", csv[0], StringComparison.Ordinal);
        Assert.Contains(csv, l => l.StartsWith("2025-02,8349,", StringComparison.Ordinal));
        Assert.Contains(csv, l => l.StartsWith("2026-08,8870,", StringComparison.Ordinal));
        Assert.Contains("\"window\": \"2025-02-to-2026-08\"", File.ReadAllText(Path.Combine(outDir, "backtest.json")), StringComparison.Ordinal);
        Assert.Contains("Proclamation 10888", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Simulate_BacktestUnknownWindowOrWindowAlone_Exit2()
    {
        var unknown = Cli.Run("simulate", "--backtest", "--window", "2023", "--out", TempDir());
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("2024-06-to-2025-01", unknown.Stderr, StringComparison.Ordinal);
        var alone = Cli.Run("simulate", "--window", "2025-02-to-2026-08", "--out", TempDir());
        Assert.Equal(2, alone.ExitCode);
        Assert.Contains("--backtest", alone.Stderr, StringComparison.Ordinal);
        var badRule = Cli.Run("simulate", "--backtest", "--level-rule", "4,0.5", "--out", TempDir());
        Assert.Equal(2, badRule.ExitCode);
        Assert.Contains("--level-rule", badRule.Stderr, StringComparison.Ordinal);
    }
}
