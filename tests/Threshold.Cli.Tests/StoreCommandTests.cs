using System.Text.Json;

namespace Threshold.Cli.Tests;

/// <summary>The record through the CLI: bitemporal imports, replay as known on an instant, the audit chain and recorded determinations.</summary>
public abstract class StoreCommandTests(Backend backend) : RecordCommandTest(backend)
{
    private const string Bundled = "data/modeled/daily_encounters_2024-01-01_2025-01-19.modeled.csv";

    private CliResult Store(params string[] args) => Cli.Run([.. args, .. Target.Args]);

    [Fact]
    public void Import_Twice_SecondChangesNothing_RevisionKeepsTheOldValueForAsKnownOn()
    {
        var first = Store("store", "import", Bundled, "--series", "bundled");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.StartsWith("recorded:", first.Stdout, StringComparison.Ordinal);
        var again = Store("store", "import", Bundled, "--series", "bundled");
        Assert.StartsWith("unchanged:", again.Stdout, StringComparison.Ordinal);

        // Between the original import and the revision: a point in time the replay must reproduce exactly.
        Thread.Sleep(1100);
        var before = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        Thread.Sleep(1100);
        var lines = File.ReadAllLines(Path.Combine(Cli.RepositoryRoot, Bundled))
            .Select(l => l.StartsWith("2024-12-20,", StringComparison.Ordinal) ? "2024-12-20,9999" + l[l.IndexOf(',', 11)..] : l);
        var revised = Temp.Write("revised.csv", string.Join("\n", lines) + "\n");
        var revision = Store("store", "import", revised, "--series", "bundled");
        Assert.Contains("1 revised", revision.Stdout, StringComparison.Ordinal);

        int Counted(CliResult r) => JsonDocument.Parse(r.Stdout).RootElement.GetProperty("days").EnumerateArray()
            .Single(d => d.GetProperty("date").GetString() == "2024-12-20").GetProperty("counted").GetInt32();
        var then = Store("replay", "--policy", "proclamation-10773", "--series", "bundled", "--as-known-on", before, "--format", "json");
        var now = Store("replay", "--policy", "proclamation-10773", "--series", "bundled", "--format", "json");
        Assert.True(then.ExitCode == 0, then.ToString());
        Assert.Equal(1542, Counted(then));
        Assert.Equal(9999 + 10, Counted(now));
        Assert.True(JsonDocument.Parse(then.Stdout).RootElement.GetProperty("series").GetProperty("modeled").GetBoolean());

        // What was stored comes back exactly, as known before and after the revision.
        Assert.Equal(File.ReadAllText(Path.Combine(Cli.RepositoryRoot, Bundled)), Store("store", "export", "--series", "bundled", "--as-known-on", before).Stdout);
        Assert.Equal(File.ReadAllText(revised), Store("store", "export", "--series", "bundled").Stdout);
        Assert.Equal(2, Store("store", "export", "--series", "nothing").ExitCode);

        var verify = Store("audit", "verify");
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.StartsWith("verified: 2 entries", verify.Stdout, StringComparison.Ordinal);

        var export = Store("audit", "export");
        var exported = export.Stdout.Trim().Split('\n').Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, exported.Count);
        Assert.All(exported.Take(2), l => Assert.Equal("entry", l.GetProperty("type").GetString()));
        Assert.Equal(exported[1].GetProperty("hash").GetString(), exported[2].GetProperty("headHash").GetString());
        Assert.Contains(exported[2].GetProperty("headHash").GetString()!, verify.Stdout, StringComparison.Ordinal);
        Assert.Equal(exported[0].GetProperty("hash").GetString(), exported[1].GetProperty("prevHash").GetString());

        // Whoever receives the export checks it without the database; an edited line fails, named.
        var file = Temp.Write("export.jsonl", export.Stdout);
        var offline = Cli.Run("audit", "verify", "--export", file);
        Assert.True(offline.ExitCode == 0, offline.ToString());
        Assert.StartsWith("verified export: 2 entries (seq 1..2) of a chain of 2; chain head " + exported[2].GetProperty("headHash").GetString(), offline.Stdout, StringComparison.Ordinal);
        var edited = Temp.Write("edited.jsonl", export.Stdout.Replace("\"revisedDayCount\":1", "\"revisedDayCount\":2", StringComparison.Ordinal));
        var failed = Cli.Run("audit", "verify", "--export", edited);
        Assert.True(failed.ExitCode == 3, failed.ToString());
        Assert.StartsWith($"threshold: {edited}, line 2: export FAILS:", failed.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, Cli.Run("audit", "verify", "--export", Temp.PathOf("missing.jsonl")).ExitCode);
        Assert.Equal(2, Store("audit", "verify", "--export", file).ExitCode); // a file, not a record
    }

    [Fact]
    public void Determinations_RecordAndList_JoinTheChain()
    {
        var recorded = Store("determinations", "record", "--date", "2024-07-15", "--kind", "deactivation", "--window-start", "2024-07-08", "--window-end", "2024-07-14", "--by", "operator A", "--note", "test");
        Assert.True(recorded.ExitCode == 0, recorded.ToString());
        var list = Store("determinations", "list");
        Assert.Contains("2024-07-15", list.Stdout, StringComparison.Ordinal);
        Assert.StartsWith("verified: 1 entries", Store("audit", "verify").Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void DeterminationsDiff_ShowsProposalsNotRecordedAndRecordsTheDataDoesNotSupport()
    {
        Store("determinations", "record", "--date", "2024-07-15", "--kind", "deactivation", "--window-start", "2024-07-08", "--window-end", "2024-07-14", "--by", "operator A");
        var diff = Store("determinations", "diff", "--policy", "proclamation-10773", "--set", "deactivate.threshold=2000", "--encounters", Bundled, "--format", "json");
        Assert.True(diff.ExitCode == 0, diff.ToString());
        var rows = JsonDocument.Parse(diff.Stdout).RootElement.GetProperty("rows").EnumerateArray().ToList();
        Assert.Contains(rows, r => r.GetProperty("status").GetString() == "proposed-not-recorded" && r.GetProperty("date").GetString() == "2024-06-26");
        Assert.Contains(rows, r => r.GetProperty("status").GetString() == "recorded-supported-not-proposed" && r.GetProperty("date").GetString() == "2024-07-15");

        var plain = Store("determinations", "diff", "--policy", "proclamation-10773", "--encounters", Bundled, "--format", "json");
        var unsupported = JsonDocument.Parse(plain.Stdout).RootElement.GetProperty("rows").EnumerateArray().Single();
        Assert.Equal("recorded-not-supported", unsupported.GetProperty("status").GetString());
        Assert.Contains("≥ 1,500", unsupported.GetProperty("evidence").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("replay", "--policy", "proclamation-10773", "--series", "nothing-here", "--format", "json")]
    [InlineData("replay", "--policy", "proclamation-10773", "--series", "x", "--as-known-on", "yesterday")]
    [InlineData("replay", "--policy", "proclamation-10773", "--encounters", Bundled, "--as-known-on", "2024-01-01T00:00:00Z")]
    [InlineData("determinations", "record", "--date", "2024-07-15", "--kind", "sideways", "--window-start", "2024-07-08", "--window-end", "2024-07-14", "--by", "x")]
    [InlineData("determinations", "record", "--date", "2024-07-15", "--kind", "activation", "--window-start", "2024-07-14", "--window-end", "2024-07-08", "--by", "x")]
    public void BadInput_ExitsTwoWithOneLineAndNoStdout(params string[] args)
    {
        var r = Store(args);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Equal(string.Empty, r.Stdout);
        Assert.Single(r.Stderr.Trim().Split('\n'));
    }
}

public sealed class StoreCommandTestsOnSqlite() : StoreCommandTests(Backend.Sqlite);

public sealed class StoreCommandTestsOnPostgres() : StoreCommandTests(Backend.Postgres);
