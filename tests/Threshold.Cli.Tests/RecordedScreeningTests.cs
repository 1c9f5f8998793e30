using System.Text.Json;

namespace Threshold.Cli.Tests;

/// <summary>Screening with --record: decisions and ledger events stored, and the monthly cap exact across two concurrent processes.</summary>
public abstract class RecordedScreeningTests(Backend backend) : RecordCommandTest(backend)
{
    private const string Bundled = "data/modeled/daily_encounters_2024-01-01_2025-01-19.modeled.csv";
    private const int PerProcess = 200;
    private const int Cap = 40;

    private string Caps() => Temp.Write("caps.yaml", $"""
        id: concurrency-test-caps
        title: A small cap for the concurrency test
        arrangements:
          - id: what-if-ecuador-{Cap}
            title: Mexico accepts {Cap} Ecuadorians a month
            from: 2024-01-01
            nationalities: [EC]
            monthly_cap: {Cap}
            citation: {"{"} instrument: What-if, status: U {"}"}
            note: A hypothetical for the test.
        """);

    private string Cases(string prefix) => Temp.Write($"{prefix}.jsonl", string.Concat(Enumerable.Range(0, PerProcess).Select(i =>
        $"{{\"id\":\"{prefix}{i}\",\"enteredAt\":\"2024-07-{1 + (i % 28):00}T12:00:00-04:00\",\"place\":\"between-ports\",\"citizenship\":\"EC\"}}\n")));

    [Fact]
    public void RecordedScreening_TwoProcessesAtOnce_CapHoldsExactlyAndNothingIsLost()
    {
        var caps = Caps();
        string[] Args(string prefix) => ["screen", "--policy", "proclamation-10773", "--encounters", Bundled, "--cases", Cases(prefix), "--arrangements", caps, "--record", .. Target.Args, "--out", Temp.PathOf(prefix + ".out")];
        var a = Args("a");
        var b = Args("b");
        var runs = new[] { a, b }.AsParallel().WithDegreeOfParallelism(2).Select(args => Cli.Run(args)).ToList();
        Assert.All(runs, r => Assert.True(r.ExitCode == 0, r.ToString()));

        var results = File.ReadAllLines(Temp.PathOf("a.out")).Concat(File.ReadAllLines(Temp.PathOf("b.out"))).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2 * PerProcess, results.Count);
        Assert.Equal(Cap, results.Count(r => r.GetProperty("returnDestination").GetString() == "MX"));
        Assert.Equal((2 * PerProcess) - Cap, results.Count(r => r.GetProperty("overflow").GetBoolean()));

        var report = Cli.Run(["returns", "report", "--from-record", "--format", "json", "--arrangements", caps, .. Target.Args]);
        var root = JsonDocument.Parse(report.Stdout).RootElement;
        Assert.Equal(2 * PerProcess, root.GetProperty("events").GetInt32());
        var line = root.GetProperty("report").GetProperty("arrangements").EnumerateArray().Single();
        Assert.Equal(Cap, line.GetProperty("allocatedToMexico").GetInt64());
        Assert.Equal((2 * PerProcess) - Cap, line.GetProperty("overflow").GetInt64());

        var verify = Cli.Run(["audit", "verify", .. Target.Args]);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        // Each process: one entry per allocation and one for its single batch of decisions.
        Assert.StartsWith($"verified: {(2 * PerProcess) + 2} entries", verify.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("shared")]
    [InlineData("inline")]
    public void RecordedScreening_PrintsTheLinesOfAnUnrecordedRun_WithTheRecordsLedgerEvents(string trace)
    {
        var caps = Caps();
        var cases = Cases("same");
        string[] Args(params string[] extra) => ["screen", "--policy", "proclamation-10773", "--encounters", Bundled, "--cases", cases, "--arrangements", caps, "--trace", trace, .. extra];
        var plain = Cli.Run(Args());
        var recorded = Cli.Run(Args(["--record", .. Target.Args]));
        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.True(recorded.ExitCode == 0, recorded.ToString());
        Assert.Equal(PerProcess, plain.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        // The same lines, except that a recorded allocation's reason names its ledger event in the record.
        static string WithoutReasons(string jsonl) => System.Text.RegularExpressions.Regex.Replace(jsonl, "\"reason\":\"[^\"]*\"", "\"reason\":…");
        Assert.Contains("(ledger event ", recorded.Stdout, StringComparison.Ordinal);
        Assert.Equal(WithoutReasons(plain.Stdout), WithoutReasons(recorded.Stdout));
    }
}

public sealed class RecordedScreeningTestsOnSqlite() : RecordedScreeningTests(Backend.Sqlite);

public sealed class RecordedScreeningTestsOnPostgres() : RecordedScreeningTests(Backend.Postgres);
