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
}
