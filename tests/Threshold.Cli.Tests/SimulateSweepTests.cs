using System.Globalization;
using System.Text.Json;

namespace Threshold.Cli.Tests;

/// <summary>
/// <c>simulate --sweep</c> (issue 18): a grid of one or two parameters on common random numbers. A cell is the plain
/// run of the scenario with the swept values set, on the same seed; bad sweeps are one line naming the option, exit 2.
/// </summary>
public sealed class SimulateSweepTests : IDisposable
{
    private const string Small = """
        name: sweep-small
        seed: 5
        paths: 24
        horizon: { start: 2024-06-05, end: 2024-10-02 }
        policies:
          - id: proclamation-10773
          - id: senate-border-act-2024
            label: senate
            in_force: 2024-06-05
        parameters:
          deterrence.lag_days: 10
        """;

    private readonly string folder = Path.Combine(Path.GetTempPath(), "threshold-sweep-" + Guid.NewGuid().ToString("N"));

    public SimulateSweepTests() => Directory.CreateDirectory(folder);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void Sweep_EachCellEqualsAPlainRunWithThatValueAndSeed()
    {
        var scenario = Write("small.yaml", Small);
        var sweep = Cli.Run("simulate", scenario, "--sweep", "deterrence.effect=0.2..0.6:3", "--no-charts", "--out", Path.Combine(folder, "sweep"));
        Assert.True(sweep.ExitCode == 0, sweep.ToString());
        Assert.Contains("MODELED", sweep.Stdout, StringComparison.Ordinal);

        // The middle cell (0.4) against the scenario with deterrence.effect: 0.4 run plainly.
        var plainScenario = Write("plain.yaml", Small + "\n  deterrence.effect: 0.4\n");
        var plain = Cli.Run("simulate", plainScenario, "--no-sensitivity", "--no-charts", "--out", Path.Combine(folder, "plain"));
        Assert.True(plain.ExitCode == 0, plain.ToString());

        var cells = Rows(Path.Combine(folder, "sweep", "sweep.csv"));
        var summary = Rows(Path.Combine(folder, "plain", "summary.csv"));
        var middle = cells.Where(r => r["cell"] == "1").ToList();
        Assert.All(middle, r => Assert.Equal("0.4", r["deterrence.effect"]));
        Assert.Equal(summary.Count, middle.Count);
        foreach (var row in summary)
        {
            var cell = middle.Single(r => r["policy"] == row["policy"] && r["output"] == row["output"]);
            foreach (var column in new[] { "p10", "p50", "p90" })
            {
                Assert.Equal(Number(row[column]), Number(cell[column]), 3);
            }

            Assert.Equal(Number(row["mean"]), Number(cell["mean"]), 2);
        }

        // The parameter has an effect across cells (the grid is not three copies of one run).
        var days = cells.Where(r => r["policy"] == "senate" && r["output"] == "encounters_between_ports").Select(r => Number(r["mean"])).ToList();
        Assert.Equal(3, days.Count);
        Assert.True(days[0] > days[2], $"more deterrence should mean fewer encounters: {string.Join(", ", days)}");
    }

    [Fact]
    public void Sweep_TwoParameters_WritesTableJsonAndAHeatMapPerPolicy_AllModeled()
    {
        var scenario = Write("small.yaml", Small.Replace("paths: 24", "paths: 8", StringComparison.Ordinal));
        var outDir = Path.Combine(folder, "grid");
        var r = Cli.Run("simulate", scenario, "--sweep", "deterrence.effect=0.2..0.6:3", "--sweep", "flow.level_scale=0.8..1.2:2", "--sweep-output", "people_subject", "--out", outDir);
        Assert.True(r.ExitCode == 0, r.ToString());
        var csv = File.ReadAllText(Path.Combine(outDir, "sweep.csv"));
        Assert.StartsWith("# MODELED", csv, StringComparison.Ordinal);
        Assert.Contains("rule set ", csv, StringComparison.Ordinal);
        Assert.Contains("cell,deterrence.effect,flow.level_scale,policy,output,p10,p50,p90,mean,modeled", csv, StringComparison.Ordinal);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "sweep.json")));
        var root = json.RootElement;
        Assert.True(root.GetProperty("modeled").GetBoolean());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("ruleSet").GetString()));
        Assert.Equal(2, root.GetProperty("axes").GetArrayLength());
        var cells = root.GetProperty("cells");
        Assert.Equal(6, cells.GetArrayLength());
        // The first parameter varies fastest.
        Assert.Equal(0.6, cells[2].GetProperty("values").GetProperty("deterrence.effect").GetDouble());
        Assert.Equal(1.2, cells[3].GetProperty("values").GetProperty("flow.level_scale").GetDouble());
        Assert.True(cells[5].GetProperty("policies").GetProperty("senate").GetProperty("people_subject").TryGetProperty("p90", out _));

        foreach (var policy in new[] { "proclamation-10773", "senate" })
        {
            var svg = File.ReadAllText(Path.Combine(outDir, $"sweep-people_subject-{policy}.svg"));
            Assert.Contains("MODELED", svg, StringComparison.Ordinal);
            Assert.True(new FileInfo(Path.Combine(outDir, $"sweep-people_subject-{policy}.png")).Length > 1000);
        }
    }

    [Theory]
    [InlineData("--sweep no.such=0..1:3", "--sweep no.such=0..1:3")]
    [InlineData("--sweep deterrence.effect=0.6..0.2:3", "must be less than HIGH")]
    [InlineData("--sweep deterrence.effect=0.2..0.99:3", "deterrence.effect")]
    [InlineData("--sweep deterrence.effect=0.2..0.6:1", "from 2 to 400")]
    [InlineData("--sweep deterrence.effect=0.2..0.6", "PARAM=LOW..HIGH:N")]
    [InlineData("--sweep deterrence.effect=x..0.6:3", "LOW 'x'")]
    [InlineData("--sweep deterrence.effect=0.2..0.6:21 --sweep flow.level_scale=0.5..1.5:20", "420 cells")]
    [InlineData("--sweep deterrence.effect=0.2..0.6:3 --sweep deterrence.effect=0.3..0.5:3", "swept twice")]
    [InlineData("--sweep deterrence.effect=0.2..0.6:3 --sweep-output nothing", "--sweep-output nothing")]
    [InlineData("--sweep-output days_active", "--sweep-output days_active")]
    [InlineData("--sweep deterrence.effect=0.2..0.6:3 --backtest", "--backtest")]
    public void Sweep_BadInput_Exit2WithOneLineNamingTheOption(string options, string mention)
    {
        var scenario = options.Contains("--backtest", StringComparison.Ordinal) ? [] : new[] { Write("small.yaml", Small) };
        var outDir = Path.Combine(folder, "bad");
        var r = Cli.Run(["simulate", .. scenario, .. options.Split(' '), "--out", outDir]);
        Assert.True(r.ExitCode == 2, r.ToString());
        var line = r.Stderr.TrimEnd('\n');
        Assert.DoesNotContain('\n', line);
        Assert.Contains("--sweep", line, StringComparison.Ordinal);
        Assert.Contains(mention, line, StringComparison.Ordinal);
        Assert.Equal(string.Empty, r.Stdout);
        Assert.False(Directory.Exists(outDir));
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    /// <summary>The rows of a CSV after its "# " comment lines, by column name.</summary>
    private static List<Dictionary<string, string>> Rows(string path)
    {
        var lines = File.ReadAllLines(path).Where(l => !l.StartsWith('#')).ToList();
        var header = lines[0].Split(',');
        return [.. lines.Skip(1).Select(l => header.Zip(l.Split(',')).ToDictionary(x => x.First, x => x.Second, StringComparer.Ordinal))];
    }
}
