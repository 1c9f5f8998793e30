using System.Diagnostics;
using System.Text.Json;

namespace Threshold.Cli.Tests;

/// <summary>
/// A recorded bulk screening killed with SIGKILL mid-way leaves whole batches only: the chain verifies, and a rerun
/// resumes to exactly the record an uninterrupted run would have made (no case lost, none stored twice).
/// </summary>
public sealed class CrashSafetyTests : IDisposable
{
    private const int Count = 60_000;
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void RecordedScreening_KilledMidway_ChainVerifiesAndRerunResumesExactly()
    {
        var cases = temp.PathOf("cases.jsonl");
        var generated = Cli.Run("cases", "generate", "--month", "2024-07", "--count", Count.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seed", "5", "--out", cases);
        Assert.True(generated.ExitCode == 0, generated.ToString());
        var store = temp.PathOf("store");
        string[] screen = ["screen", "--policy", "proclamation-10773", "--encounters", Cli.Bundled, "--cases", cases, "--record", "--data-dir", store, "--out", temp.PathOf("out.jsonl")];

        // Start the run and kill it with SIGKILL part-way through.
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Cli.RepositoryRoot, UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(Cli.Dll);
        foreach (var a in screen)
        {
            start.ArgumentList.Add(a);
        }

        bool killed;
        using (var process = Process.Start(start)!)
        {
            Thread.Sleep(TimeSpan.FromSeconds(3));
            killed = !process.HasExited;
            if (killed)
            {
                process.Kill(entireProcessTree: true); // SIGKILL on Linux: no cleanup runs
            }

            process.WaitForExit();
        }

        Assert.True(killed, "the run finished within 3 s, so nothing was interrupted; raise Count");

        var afterKill = Cli.Run("audit", "verify", "--data-dir", store);
        Assert.True(afterKill.ExitCode == 0, afterKill.ToString());
        Assert.False(File.Exists(temp.PathOf("out.jsonl")) && File.ReadAllLines(temp.PathOf("out.jsonl")).Length != Count, "a killed run must not leave a partial output file");

        // Resume, then compare with what an uninterrupted run decides.
        var resumed = Cli.Run(screen);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        var skipped = System.Text.RegularExpressions.Regex.Match(resumed.Stderr, @"resumed: ([\d,]+) case");
        if (skipped.Success)
        {
            // Whole batches only: what survived the kill is a multiple of the batch size.
            Assert.Equal(0, int.Parse(skipped.Groups[1].Value.Replace(",", string.Empty, StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture) % 500);
        }
        var plain = Cli.Run("screen", "--policy", "proclamation-10773", "--encounters", Cli.Bundled, "--cases", cases, "--out", temp.PathOf("plain.jsonl"));
        Assert.True(plain.ExitCode == 0, plain.ToString());
        var removals = File.ReadLines(temp.PathOf("plain.jsonl")).Count(l => JsonDocument.Parse(l).RootElement.GetProperty("returnDestination").ValueKind == JsonValueKind.String);

        var report = JsonDocument.Parse(Cli.Run("returns", "report", "--from-record", "--data-dir", store).Stdout).RootElement;
        Assert.Equal(removals, report.GetProperty("events").GetInt32());
        var verify = Cli.Run("audit", "verify", "--data-dir", store);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.StartsWith($"verified: {Count + removals} entries", verify.Stdout, StringComparison.Ordinal);
    }
}
