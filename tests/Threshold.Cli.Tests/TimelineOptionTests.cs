using System.Globalization;
using System.Text.Json;

namespace Threshold.Cli.Tests;

/// <summary>
/// <c>--timeline official|proposed</c> on replay and explain, and <c>determinations diff</c> out of the box: on a series
/// that runs past January 2025 with low counts, 10773's official timeline stays active (no §2 determination found [U])
/// while the proposed one lifts; every output says which timeline it is.
/// </summary>
public sealed class TimelineOptionTests : IDisposable
{
    private readonly TempFolder temp = new();
    private readonly string pastJanuary2025;

    public TimelineOptionTests()
    {
        // 3,000 a day between ports to 2024-12-15, then 500: the 28-day streak of 10817 is met on 2025-01-16.
        var start = new DateOnly(2024, 5, 1);
        var rows = Enumerable.Range(0, new DateOnly(2025, 3, 31).DayNumber - start.DayNumber + 1)
            .Select(i => start.AddDays(i))
            .Select(d => string.Create(CultureInfo.InvariantCulture, $"{d:yyyy-MM-dd},{(d <= new DateOnly(2024, 12, 15) ? 3000 : 500)},0,0,0,0"));
        pastJanuary2025 = temp.Write("past-january-2025.csv", Csv.File(rows));
    }

    public void Dispose() => temp.Dispose();

    private CliResult Run(params string[] args) => Cli.Run([.. args, "--policy", "proclamation-10773", "--encounters", pastJanuary2025]);

    /// <summary>Whether an explain step's citation source starts with <paramref name="source"/>.</summary>
    private static bool Cites(JsonElement step, string source) =>
        step.GetProperty("citation") is { ValueKind: JsonValueKind.Object } c && c.GetProperty("source").GetString() is { } s && s.StartsWith(source, StringComparison.Ordinal);

    private static string StatusOn(JsonElement root, string date) =>
        root.GetProperty("days").EnumerateArray().Single(d => d.GetProperty("date").GetString() == date).GetProperty("status").GetString()!;

    [Fact]
    public void Replay_Official_StaysActivePastFebruary2025_WhileProposedLifts()
    {
        var official = Run("replay", "--timeline", "official", "--format", "json");
        CliAssert.Ok(official);
        var o = official.Root();
        Assert.Equal("official", o.GetProperty("timeline").GetString());
        Assert.StartsWith("OFFICIAL timeline:", o.GetProperty("timelineNote").GetString(), StringComparison.Ordinal);
        Assert.Equal(("active", "active"), (StatusOn(o, "2025-02-15"), StatusOn(o, "2025-03-31")));
        Assert.Empty(o.GetProperty("determinations").EnumerateArray());
        Assert.Equal("U", o.GetProperty("official").GetProperty("noneFound").GetProperty("citation").GetProperty("status").GetString());

        var proposed = Run("replay", "--timeline", "proposed", "--format", "json");
        CliAssert.Ok(proposed);
        var p = proposed.Root();
        Assert.Equal("proposed", p.GetProperty("timeline").GetString());
        Assert.Equal(("active", "inactive"), (StatusOn(p, "2025-01-30"), StatusOn(p, "2025-01-31")));
        Assert.Equal("2025-01-17", p.GetProperty("determinations").EnumerateArray().Single().GetProperty("date").GetString());
        Assert.Equal(JsonValueKind.Null, p.GetProperty("official").ValueKind);
    }

    [Fact]
    public void Replay_WithoutTheOption_IsTheProposedTimelineAndSaysSoOnEveryFormat()
    {
        var json = Run("replay", "--format", "json");
        CliAssert.Ok(json);
        Assert.Equal("proposed", json.Root().GetProperty("timeline").GetString());
        Assert.Contains("not determinations that were made", json.Root().GetProperty("timelineNote").GetString(), StringComparison.Ordinal);

        var csv = Run("replay", "--format", "csv");
        CliAssert.Ok(csv);
        Assert.Contains(csv.Stdout.Split('\n'), l => l.StartsWith("# timeline: proposed. PROPOSED timeline:", StringComparison.Ordinal));

        var table = Run("replay");
        CliAssert.Ok(table);
        Assert.Contains("not determinations that were made", table.Stdout.ReplaceLineEndings(" ").Replace("  ", " ", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("Transitions on the proposed timeline", table.Stdout, StringComparison.Ordinal);

        var officialCsv = Run("replay", "--format", "csv", "--timeline", "official");
        Assert.Contains(officialCsv.Stdout.Split('\n'), l => l.StartsWith("# timeline: official. OFFICIAL timeline:", StringComparison.Ordinal));
    }

    [Fact]
    public void Explain_SaysWhichTimelineAndStatesTheTrailingWindowReadingOnTheProposedOne()
    {
        var proposed = Run("explain", "--date", "2025-01-10", "--format", "json");
        CliAssert.Ok(proposed);
        var p = proposed.Root();
        Assert.Equal("proposed", p.GetProperty("timeline").GetString());
        var steps = p.GetProperty("steps").EnumerateArray().ToList();
        Assert.StartsWith("PROPOSED timeline:", steps[0].GetProperty("statement").GetString(), StringComparison.Ordinal);
        Assert.Contains(steps, s => Cites(s, "LEGAL-REVIEW-2026-12 E6") && s.GetProperty("citation").GetProperty("status").GetString() == "U");

        var official = Run("explain", "--date", "2025-02-15", "--timeline", "official");
        CliAssert.Ok(official);
        Assert.Contains("active on the official timeline", official.Stdout, StringComparison.Ordinal);
        Assert.Contains("No official determination was made on 2025-02-15", official.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_Proposed_InEarlyOctober2024_StatesTheCountingRuleReadingC4()
    {
        var r = Run("explain", "--date", "2024-10-02", "--format", "json");
        CliAssert.Ok(r);
        Assert.Contains(r.Root().GetProperty("steps").EnumerateArray(), s => Cites(s, "LEGAL-REVIEW-2026-12 C4"));
    }

    [Theory]
    [InlineData("replay")]
    [InlineData("explain", "--date", "2025-01-10")]
    public void Timeline_BadValue_ExitsTwoNamingTheOption(params string[] command)
    {
        CliAssert.BadInput(Run([.. command, "--timeline", "sideways"]), "--timeline sideways", "official or proposed");
    }

    [Fact]
    public void Replay_OfficialWithAWhatIf_ExitsTwoSayingWhatIfsChangeOnlyTheProposedTimeline()
    {
        CliAssert.BadInput(Run("replay", "--timeline", "official", "--set", "deactivate.threshold=2000"), "--set deactivate.threshold=2000", "proposed timeline only");
    }

    [Fact]
    public void Replay_OfficialForABill_ExitsTwoNamingItsMissingRecord()
    {
        CliAssert.BadInput(
            Cli.Run("replay", "--policy", "senate-border-act-2024", "--in-force", "2024-06-05", "--encounters", pastJanuary2025, "--timeline", "official"),
            "senate-border-act-2024 has no official record of determinations");
    }

    [Fact]
    public void DeterminationsDiff_OutOfTheBox_SetsTheShippedRecordAgainstTheProposals()
    {
        // An empty record: no determination recorded by anyone.
        var diff = Run("determinations", "diff", "--data-dir", temp.PathOf("empty-record"), "--format", "json");
        CliAssert.Ok(diff);
        var root = diff.Root();
        var row = root.GetProperty("rows").EnumerateArray().Single();
        Assert.Equal(("proposed-not-recorded", "2025-01-17", "deactivation"), (row.GetProperty("status").GetString(), row.GetProperty("date").GetString(), row.GetProperty("kind").GetString()));
        var part = root.GetProperty("statusDifferences").EnumerateArray().Single();
        Assert.Equal(("2025-01-31", "2025-03-31", 60, "active", "inactive"), (part.GetProperty("from").GetString(), part.GetProperty("to").GetString(), part.GetProperty("days").GetInt32(), part.GetProperty("official").GetString(), part.GetProperty("proposed").GetString()));
        Assert.Equal("law/determinations/proclamation-10773.yaml", root.GetProperty("official").GetProperty("source").GetString());
        Assert.StartsWith("OFFICIAL timeline:", root.GetProperty("officialNote").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("PROPOSED timeline:", root.GetProperty("proposedNote").GetString(), StringComparison.Ordinal);

        var table = Run("determinations", "diff", "--data-dir", temp.PathOf("empty-record"));
        CliAssert.Ok(table);
        Assert.Contains("Days on which the timelines part", table.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void DeterminationsDiff_WithATimeline_ExitsTwo()
    {
        CliAssert.BadInput(Run("determinations", "diff", "--data-dir", temp.PathOf("empty-record"), "--timeline", "official"), "--timeline official", "compares the official and the proposed");
    }
}
