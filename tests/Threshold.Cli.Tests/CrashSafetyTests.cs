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
    private const int Count = 20_000; // 40 batches: seconds of writing, so the kill lands among them

    [Fact]
    public void MonthlyImport_KilledMidway_StoresAllOrNothing_AndTheRerunStoresTheFile()
    {
        var file = Temp.Write("khsm-citizenship-x8.csv", LongKhsmFile());
        string[] import = ["store", "import-monthly", file, "--layout", "khsm", .. Target.Args];
        var rows = File.ReadLines(file).Skip(1).Count(l => l.Trim().Length > 0);
        Assert.Equal(0, Cli.Run(["audit", "verify", .. Target.Args]).ExitCode); // create and migrate the record first

        // Kill the import the moment its write transaction is seen open: mid-import, not before or after.
        bool killedWhileWriting;
        using (var process = Cli.Start(import))
        {
            killedWhileWriting = Target.WaitForOpenWriteTransaction(process, "khsm_monthly");
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true); // SIGKILL: no cleanup, no rollback by the program
            }

            process.WaitForExit();
        }

        Target.WaitForKilledSessionsToEnd();

        Assert.True(killedWhileWriting, "the import exited before its write transaction was seen open");
        var afterKill = Cli.Run(["audit", "verify", .. Target.Args]);
        Assert.True(afterKill.ExitCode == 0, afterKill.ToString());
        Assert.Matches("^verified: [01] entries", afterKill.Stdout); // the file's one entry is there or not: no half import

        var rerun = Cli.Run(import);
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        if (afterKill.Stdout.StartsWith("verified: 1 ", StringComparison.Ordinal))
        {
            Assert.StartsWith("unchanged", rerun.Stdout, StringComparison.Ordinal); // it had committed before the kill
        }
        else
        {
            Assert.Contains($"{rows} rows ({rows} new, 0 revised)", rerun.Stdout, StringComparison.Ordinal); // nothing survived the kill
        }

        Assert.StartsWith("verified: 1 entries", Cli.Run(["audit", "verify", .. Target.Args]).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void RecordedScreening_KilledMidway_ChainVerifiesAndRerunResumesExactly()
    {
        var cases = Temp.PathOf("cases.jsonl");
        var generated = Cli.Run("cases", "generate", "--month", "2024-07", "--count", Count.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seed", "5", "--out", cases);
        Assert.True(generated.ExitCode == 0, generated.ToString());
        string[] screen = ["screen", "--policy", "proclamation-10773", "--encounters", Cli.Bundled, "--cases", cases, "--record", .. Target.Args, "--out", Temp.PathOf("out.jsonl")];

        // Start the run and kill it with SIGKILL part-way through: once it is writing decisions and has had a moment to
        // commit a few batches (a fixed delay from the start would race the machine's speed).
        bool killed;
        using (var process = Cli.Start(screen))
        {
            var writing = Target.WaitForOpenWriteTransaction(process, "screening_decision");
            Thread.Sleep(TimeSpan.FromSeconds(1));
            killed = writing && !process.HasExited;
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true); // SIGKILL on Linux: no cleanup runs
            }

            process.WaitForExit();
        }

        Target.WaitForKilledSessionsToEnd();

        Assert.True(killed, "the run finished before it could be killed while writing; raise Count");

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

        var report = JsonDocument.Parse(Cli.Run(["returns", "report", "--from-record", "--format", "json", .. Target.Args]).Stdout).RootElement;
        Assert.Equal(removals, report.GetProperty("events").GetInt32());
        var verify = Cli.Run(["audit", "verify", .. Target.Args]);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        // One entry per ledger allocation and one per batch of 500 decisions: the resumed run's batches line up with the
        // killed run's, so the record is exactly what one uninterrupted run makes.
        Assert.StartsWith($"verified: {(Count / 500) + removals} entries", verify.Stdout, StringComparison.Ordinal);
    }

    /// <summary>
    /// The real KHSM citizenship file, its rows repeated under eight renamed citizenships each (valid, distinct cells),
    /// so an import's write transaction lasts long enough to be caught open on either backend.
    /// </summary>
    internal static string LongKhsmFile()
    {
        var source = File.ReadAllLines(Path.Combine(Cli.RepositoryRoot, "data/source/usbp_khsm_monthly_region_citizenship_fy2000_fy2025nov.csv"));
        return string.Join("\n", [source[0], .. Enumerable.Range(1, 8).SelectMany(copy => source.Skip(1).Where(l => l.Trim().Length > 0).Select(l =>
        {
            var f = System.Text.RegularExpressions.Regex.Split(l, ",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)"); // commas outside quotes
            f[3] = f[3].EndsWith('"') ? $"{f[3][..^1]} (copy {copy})\"" : $"{f[3]} (copy {copy})";
            return string.Join(',', f);
        }))]) + "\n";
    }
}

public sealed class CrashSafetyTestsOnSqlite() : CrashSafetyTests(Backend.Sqlite);

public sealed class CrashSafetyTestsOnPostgres() : CrashSafetyTests(Backend.Postgres);
