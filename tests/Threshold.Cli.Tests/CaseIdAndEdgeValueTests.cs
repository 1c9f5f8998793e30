using System.Text;
using System.Text.Json;

namespace Threshold.Cli.Tests;

/// <summary>
/// Issue 15, steps 5 and 8 from the command line, on both backends: an id twice in a case file is exit 2 naming both
/// lines (with and without <c>--record</c>); a different case under a stored id is exit 5 naming it, with nothing of
/// the run stored; the same case again is skipped (resume); an instant that leaves the calendar is exit 2 naming the
/// line and field, and a recorded run of 1,000 valid cases then one such case stores nothing.
/// </summary>
public abstract class CaseIdAndEdgeValueTests(Backend backend) : RecordCommandTest(backend)
{
    private static string Case(string id, string citizenship = "VE", string enteredAt = "2024-07-15T10:00:00-04:00") =>
        Cases.Json(id, enteredAt, "between-ports", citizenship);

    private CliResult Screen(string file, params string[] extra) => Cases.Screen(["--cases", file, .. extra]);

    private CliResult Recorded(string file) => Screen(file, ["--record", .. Target.Args]);

    /// <summary>What the record holds: audit entries and head, decisions (summed over decision-batch entries) and ledger events.</summary>
    private (string Head, long Decisions, long LedgerEvents) State()
    {
        var verify = Cli.Run(["audit", "verify", .. Target.Args]);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        var export = Cli.Run(["audit", "export", .. Target.Args]);
        Assert.True(export.ExitCode == 0, export.ToString());
        long decisions = 0, events = 0;
        foreach (var line in export.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var e = JsonDocument.Parse(line).RootElement;
            switch (e.TryGetProperty("kind", out var kind) ? kind.GetString() : null)
            {
                case "decision-batch":
                    decisions += e.GetProperty("payload").GetProperty("count").GetInt64();
                    break;
                case "ledger-allocation":
                    events++;
                    break;
            }
        }

        return (verify.Stdout.Trim(), decisions, events);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Screen_JsonlWithAnIdTwice_ExitsTwoNamingBothLines(bool record)
    {
        var file = Temp.Write("twice.jsonl", Cases.Lines(Case("a"), Case("b"), Case("a", "HT")));
        var r = record ? Recorded(file) : Screen(file);
        CliAssert.BadInput(r, $"{file}:3:", "'id'", "lines 1 and 3");
        if (record)
        {
            Assert.Equal((0L, 0L), (State().Decisions, State().LedgerEvents));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Screen_CsvWithAnIdTwice_ExitsTwoNamingBothLines(bool record)
    {
        var file = Temp.Write("twice.csv", "id,enteredAt,place,citizenship\na,2024-07-15T10:00:00-04:00,between-ports,VE\nb,2024-07-15T10:00:00-04:00,between-ports,VE\na,2024-07-15T10:00:00-04:00,coastal,HT\n");
        var r = record ? Recorded(file) : Screen(file);
        CliAssert.BadInput(r, $"{file}:4:", "'id'", "lines 2 and 4");
        if (record)
        {
            Assert.Equal((0L, 0L), (State().Decisions, State().LedgerEvents));
        }
    }

    [Fact]
    public void Screen_CsvWithInvalidUtf8_ExitsTwoNamingTheLine()
    {
        var file = Temp.PathOf("bad.csv");
        File.WriteAllBytes(file, [.. Encoding.UTF8.GetBytes("id,enteredAt,place,citizenship\nx"), 0xFF, .. Encoding.UTF8.GetBytes(",2024-07-15T10:00:00-04:00,between-ports,VE\n")]);
        CliAssert.BadInput(Screen(file), $"{file}:2:", "not valid UTF-8");
    }

    [Fact]
    public void Screen_Record_DifferentCaseUnderAStoredId_ExitsFiveNamingIt_AndStoresNothing()
    {
        var first = Recorded(Temp.Write("first.jsonl", Cases.Lines(Case("a"), Case("b"))));
        Assert.True(first.ExitCode == 0, first.ToString());
        var before = State();
        Assert.Equal((2L, 2L), (before.Decisions, before.LedgerEvents));

        // Line 1 is new (a removal the ledger would allocate), line 2 reuses "a" for another person.
        var conflict = Recorded(Temp.Write("conflict.jsonl", Cases.Lines(Case("c"), Case("a", "VE", "2024-07-16T10:00:00-04:00"))));
        Assert.True(conflict.ExitCode == ExitCodes.CaseIdConflict, conflict.ToString());
        Assert.Equal(5, ExitCodes.CaseIdConflict);
        Assert.Equal(string.Empty, conflict.Stdout);
        Assert.Contains("conflict.jsonl:2: case id 'a' is already in the record for a different case", conflict.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, State());

        // The same case again is a resumed run: skipped, and the new one stored.
        var resumed = Recorded(Temp.Write("resume.jsonl", Cases.Lines(Case("a"), Case("c"))));
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains("resumed: 1 case(s) already in the record were skipped", resumed.Stderr, StringComparison.Ordinal);
        Assert.Equal("c", Assert.Single(Cases.Results(resumed)).Str("id"));
        var after = State();
        Assert.Equal((3L, 3L), (after.Decisions, after.LedgerEvents));
    }

    [Theory]
    [InlineData("jsonl")]
    [InlineData("csv")]
    public void Screen_Record_ThousandValidCasesThenAnInstantOutOfRange_StoresNothing(string format)
    {
        // Before issue 15 the first two batches of 500 (1,000 ledger allocations) were committed before the crash.
        const string Edge = "9999-12-31T23:59:59-05:00";
        var ids = Enumerable.Range(0, 1000).Select(i => $"ok-{i}").ToList();
        var file = format == "csv"
            ? Temp.Write("thousand.csv", "id,enteredAt,place,citizenship\n" + string.Concat(ids.Select(id => $"{id},2024-07-15T10:00:00-04:00,between-ports,VE\n")) + $"edge,{Edge},between-ports,VE\n")
            : Temp.Write("thousand.jsonl", Cases.Lines([.. ids.Select(id => Case(id)), Case("edge", "VE", Edge)]));
        var r = Recorded(file);
        CliAssert.BadInput(r, $"{file}:{(format == "csv" ? 1002 : 1001)}:", "'enteredAt'", Edge, "outside the instants");
        Assert.Equal((0L, 0L), (State().Decisions, State().LedgerEvents));
    }

    [Fact]
    public void Screen_InstantOutOfRange_WithoutRecord_ExitsTwoNamingLineAndField()
    {
        var file = Temp.Write("edge.jsonl", Cases.Lines(Case("ok"), Case("edge", "VE", "9999-12-31T23:59:59-05:00")));
        CliAssert.BadInput(Screen(file), $"{file}:2:", "'enteredAt'");
        var single = Temp.Write("edge.json", Case("edge", "VE", "9999-12-31T23:59:59-05:00"));
        CliAssert.BadInput(Cases.Screen("--case", single), $"{single}:1:", "'enteredAt'");
        CliAssert.BadInput(Cases.ScreenUnder(["--policy", "in-force"], "--cases", file), $"{file}:2:", "'enteredAt'");
    }

    [Fact]
    public void Screen_DecidedOnTheCalendarsLastDay_Answers()
    {
        // A date option has no offset to overflow; the last day still screens (later orders are dated before it).
        var file = Temp.Write("one.jsonl", Cases.Lines(Case("ok")));
        var r = Screen(file, "--decided-on", "9999-12-31");
        Assert.True(r.ExitCode == 0, r.ToString());
    }

    [Theory]
    [InlineData("store", "export", "--series", "s", "--as-known-on")]
    [InlineData("replay", "--policy", "proclamation-10773", "--series", "s", "--as-known-on")]
    [InlineData("returns", "report", "--from-record", "--as-of")]
    public void InstantOptionThatOverflowsOnceConverted_ExitsTwoNamingTheOption(params string[] command)
    {
        var r = Cli.Run([.. command, "9999-12-31T23:59:59-05:00", .. Target.Args]);
        CliAssert.BadInput(r, $"{command[^1]} 9999-12-31T23:59:59-05:00: outside the instants");
    }

    [Theory]
    [InlineData("proclamation-10773", "activate.threshold=0", "must be above 0")]
    [InlineData("proclamation-10773", "deactivate.threshold=0", "could never be discontinued")]
    [InlineData("proclamation-10773", "deactivate.threshold=3000", "activate.threshold (2500) is below deactivate.threshold (3000)")]
    [InlineData("proclamation-10773", "activate.threshold=1000", "activate.threshold (1000) is below deactivate.threshold (1500)")]
    [InlineData("senate-border-act-2024", "deactivate.fraction_of_activation_threshold=1.5", "is above 1")]
    [InlineData("senate-border-act-2024", "activate.discretionary_threshold=0", "must be above 0")]
    public void Replay_SetThresholdThatCannotBeLaw_ExitsTwoNamingTheOptionAndWhy(string policy, string set, string why)
    {
        var r = Cli.Run(["replay", "--policy", policy, "--encounters", Cli.Bundled, "--in-force", "2024-06-05", "--set", set]);
        CliAssert.BadInput(r, $"--set {set}:", why);
    }

    [Fact]
    public void StoreExport_BundledSeries_IsTheImportedBytes_AndSaysSoWithTheAuditEntrysSha256()
    {
        var import = Cli.Run(["store", "import", Cli.Bundled, "--series", "s", .. Target.Args]);
        Assert.True(import.ExitCode == 0, import.ToString());
        var sha = Sha256(File.ReadAllBytes(Path.Combine(Cli.RepositoryRoot, Cli.Bundled)));
        var audited = AuditedImportSha256s();
        Assert.Equal([sha], audited);

        var out1 = Temp.PathOf("export.csv");
        var export = Cli.Run(["store", "export", "--series", "s", "--out", out1, .. Target.Args]);
        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.Equal(File.ReadAllBytes(Path.Combine(Cli.RepositoryRoot, Cli.Bundled)), File.ReadAllBytes(out1));
        Assert.Contains($"sha256 {sha}: the bytes of import 1", export.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void StoreExport_CrlfCopy_IsTheSameValuesNormalised_AndSaysWhatAndBothSha256s()
    {
        var bundled = File.ReadAllText(Path.Combine(Cli.RepositoryRoot, Cli.Bundled));
        var crlf = Temp.Write("crlf.csv", "\uFEFF" + bundled.Replace("\n", "\r\n", StringComparison.Ordinal));
        var import = Cli.Run(["store", "import", crlf, "--series", "s", .. Target.Args]);
        Assert.True(import.ExitCode == 0, import.ToString());
        var imported = Sha256(File.ReadAllBytes(crlf));
        Assert.Equal([imported], AuditedImportSha256s());

        var out1 = Temp.PathOf("export.csv");
        var export = Cli.Run(["store", "export", "--series", "s", "--out", out1, .. Target.Args]);
        Assert.True(export.ExitCode == 0, export.ToString());
        var written = File.ReadAllBytes(out1);
        Assert.Equal(Encoding.UTF8.GetBytes(bundled), written); // the canonical form: LF, no BOM
        Assert.Contains($"sha256 {Sha256(written)}; import 1 (crlf.csv) had sha256 {imported}: NOT the imported bytes", export.Stderr, StringComparison.Ordinal);
        Assert.Contains("\\n line endings, UTF-8 without BOM", export.Stderr, StringComparison.Ordinal);

        var again = Cli.Run(["store", "import", out1, "--series", "s", .. Target.Args]);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.StartsWith("unchanged:", again.Stdout, StringComparison.Ordinal);
    }

    private List<string> AuditedImportSha256s()
    {
        var export = Cli.Run(["audit", "export", .. Target.Args]);
        return [.. export.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.TryGetProperty("kind", out var k) && k.GetString() == "import")
            .Select(e => e.GetProperty("payload").GetProperty("sha256").GetString()!)];
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
}

public sealed class CaseIdAndEdgeValueTestsOnSqlite() : CaseIdAndEdgeValueTests(Backend.Sqlite);

public sealed class CaseIdAndEdgeValueTestsOnPostgres() : CaseIdAndEdgeValueTests(Backend.Postgres);
