using System.Diagnostics;
using System.Text.Json;

namespace Threshold.Cli.Tests;

/// <summary>
/// A recorded bulk screening killed with SIGKILL mid-way leaves whole batches only: the chain verifies, and a rerun
/// resumes to exactly the record an uninterrupted run would have made (no case lost, none stored twice). An import
/// killed mid-way leaves the file wholly stored or not at all.
/// </summary>
public abstract class CrashSafetyTests(Backend backend) : RecordCommandTest(backend)
{
    private const int Count = 60_000;

    [Fact]
    public void MonthlyImport_KilledMidway_StoresAllOrNothing_AndTheRerunStoresTheFile()
    {
        const string file = "data/source/usbp_khsm_monthly_region_citizenship_fy2000_fy2025nov.csv";
        string[] import = ["store", "import-monthly", file, .. Target.Args];

        // How long a whole import takes here, on a record of its own, so the kill lands inside the next one.
        var timing = new RecordTarget(Backend, Temp.PathOf("timing-store"));
        var clock = Stopwatch.StartNew();
        var full = Cli.Run(["store", "import-monthly", file, .. timing.Args]);
        var whole = clock.Elapsed;
        timing.Dispose();
        Assert.True(full.ExitCode == 0, full.ToString());

        bool killed;
        using (var process = Start(import))
        {
            Thread.Sleep(whole * 0.6);
            killed = !process.HasExited;
            if (killed)
            {
                process.Kill(entireProcessTree: true); // SIGKILL: no cleanup, no rollback by the program
            }

            process.WaitForExit();
        }

        Assert.True(killed, $"the import finished before 60% of the {whole.TotalSeconds:0.0} s a whole one took, so nothing was interrupted");
        var afterKill = Cli.Run(["audit", "verify", .. Target.Args]);
        Assert.True(afterKill.ExitCode == 0, afterKill.ToString());
        Assert.Matches("^verified: [01] entries", afterKill.Stdout); // the file's one entry is there or not: no half import

        var rerun = Cli.Run(import);
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        var expected = full.Stdout[..full.Stdout.IndexOf(" at ", StringComparison.Ordinal)];
        if (afterKill.Stdout.StartsWith("verified: 1 ", StringComparison.Ordinal))
        {
            Assert.StartsWith("unchanged", rerun.Stdout, StringComparison.Ordinal); // it had committed before the kill
        }
        else
        {
            Assert.StartsWith(expected, rerun.Stdout, StringComparison.Ordinal); // every row, all new: nothing survived the kill
        }

        Assert.StartsWith("verified: 1 entries", Cli.Run(["audit", "verify", .. Target.Args]).Stdout, StringComparison.Ordinal);
    }

    private static Process Start(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Cli.RepositoryRoot, UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(Cli.Dll);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        return Process.Start(start)!;
    }

    [Fact]
    public void RecordedScreening_KilledMidway_ChainVerifiesAndRerunResumesExactly()
    {
        var cases = Temp.PathOf("cases.jsonl");
        var generated = Cli.Run("cases", "generate", "--month", "2024-07", "--count", Count.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seed", "5", "--out", cases);
        Assert.True(generated.ExitCode == 0, generated.ToString());
        string[] screen = ["screen", "--policy", "proclamation-10773", "--encounters", Cli.Bundled, "--cases", cases, "--record", .. Target.Args, "--out", Temp.PathOf("out.jsonl")];

        // Start the run and kill it with SIGKILL part-way through.
        bool killed;
        using (var process = Start(screen))
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

        var afterKill = Cli.Run(["audit", "verify", .. Target.Args]);
        Assert.True(afterKill.ExitCode == 0, afterKill.ToString());
        Assert.False(File.Exists(Temp.PathOf("out.jsonl")) && File.ReadAllLines(Temp.PathOf("out.jsonl")).Length != Count, "a killed run must not leave a partial output file");

        // Resume, then compare with what an uninterrupted run decides.
        var resumed = Cli.Run(screen);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        var skipped = System.Text.RegularExpressions.Regex.Match(resumed.Stderr, @"resumed: ([\d,]+) case");
        if (skipped.Success)
        {
            // Whole batches only: what survived the kill is a multiple of the batch size.
            Assert.Equal(0, int.Parse(skipped.Groups[1].Value.Replace(",", string.Empty, StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture) % 500);
        }
        var plain = Cli.Run("screen", "--policy", "proclamation-10773", "--encounters", Cli.Bundled, "--cases", cases, "--out", Temp.PathOf("plain.jsonl"));
        Assert.True(plain.ExitCode == 0, plain.ToString());
        var removals = File.ReadLines(Temp.PathOf("plain.jsonl")).Count(l => JsonDocument.Parse(l).RootElement.GetProperty("returnDestination").ValueKind == JsonValueKind.String);

        var report = JsonDocument.Parse(Cli.Run(["returns", "report", "--from-record", .. Target.Args]).Stdout).RootElement;
        Assert.Equal(removals, report.GetProperty("events").GetInt32());
        var verify = Cli.Run(["audit", "verify", .. Target.Args]);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        // One entry per ledger allocation and one per batch of 500 decisions: the resumed run's batches line up with the
        // killed run's, so the record is exactly what one uninterrupted run makes.
        Assert.StartsWith($"verified: {(Count / 500) + removals} entries", verify.Stdout, StringComparison.Ordinal);
    }
}

public sealed class CrashSafetyTestsOnSqlite() : CrashSafetyTests(Backend.Sqlite);

public sealed class CrashSafetyTestsOnPostgres() : CrashSafetyTests(Backend.Postgres);
