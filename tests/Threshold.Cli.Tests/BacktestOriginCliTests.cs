namespace Threshold.Cli.Tests;

/// <summary><c>simulate --backtest --origin</c>: the rolling origin through the CLI, and its usage errors.</summary>
public class BacktestOriginCliTests
{
    private static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "threshold-origin-" + Guid.NewGuid().ToString("N"));
        return dir;
    }

    [Fact]
    public void Simulate_BacktestRollingOrigin_EachMonthReadsTheMonthBefore()
    {
        var outDir = TempDir();
        var r = Cli.Run("simulate", "--backtest", "--origin", "rolling", "--window", "2025-02-to-2026-08", "--paths", "16", "--no-charts", "--out", outDir);
        Assert.True(r.ExitCode == 0, r.ToString());
        var csv = File.ReadAllLines(Path.Combine(outDir, "backtest-monthly.csv"));
        Assert.StartsWith("# MODELED", csv[0], StringComparison.Ordinal);
        Assert.EndsWith(",last_real_month_read", csv[2], StringComparison.Ordinal);
        Assert.Contains(csv, l => l.StartsWith("2026-08,8870,", StringComparison.Ordinal) && l.EndsWith(",2026-07", StringComparison.Ordinal));
        var json = File.ReadAllText(Path.Combine(outDir, "backtest.json"));
        Assert.Contains("\"origin\": \"rolling\"", json, StringComparison.Ordinal);
        Assert.Contains("\"meanAbsoluteRelativeErrorTargetMet\": false", json, StringComparison.Ordinal);
        Assert.Contains("rolling origin", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Simulate_BacktestOriginUnknownOrAlone_Exit2()
    {
        var unknown = Cli.Run("simulate", "--backtest", "--origin", "sliding", "--out", TempDir());
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("--origin sliding", unknown.Stderr, StringComparison.Ordinal);
        var alone = Cli.Run("simulate", "--origin", "rolling", "--out", TempDir());
        Assert.Equal(2, alone.ExitCode);
        Assert.Contains("--backtest", alone.Stderr, StringComparison.Ordinal);
    }
}
