using System.Globalization;
using System.Text.Json;

namespace Threshold.Cli.Tests;

/// <summary>Options of <c>replay</c>: policy and format choice, in-force dates, --set, --court-order, --determination.</summary>
public class ReplayOptionTests
{
    private static CliResult Replay(params string[] extra) =>
        Cli.Run(["replay", "--encounters", Cli.Bundled, .. extra]);

    private static DateOnly Date(JsonElement e) => DateOnly.ParseExact(e.GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static readonly Lazy<CliResult> StreakEnjoined =
        new(() => Replay("--policy", "proclamation-10773", "--court-order", "streak-enjoined=2024-11-01", "--format", "json"));

    private static List<string> Overlays(JsonElement root) =>
        root.GetProperty("policy").GetProperty("overlays").EnumerateArray().Select(o => o.GetString()!).ToList();

    [Fact]
    public void Replay_UnknownPolicy_ExitsTwoNamingOption()
    {
        CliAssert.BadInput(Replay("--policy", "nope", "--format", "json"), "--policy nope");
    }

    [Fact]
    public void Replay_UnknownFormat_ExitsTwoNamingOption()
    {
        CliAssert.BadInput(Replay("--policy", "proclamation-10773", "--format", "xml"), "--format xml");
    }

    [Fact]
    public void Replay_UnknownOption_ExitsTwoNamingIt()
    {
        CliAssert.BadInput(Replay("--policy", "proclamation-10773", "--bogus"), "bogus");
    }

    [Fact]
    public void Replay_BillWithoutInForce_ExitsTwoMentioningInForce()
    {
        CliAssert.BadInput(Replay("--policy", "senate-border-act-2024", "--format", "json"), "senate-border-act-2024", "--in-force");
    }

    [Fact]
    public void Replay_BillWithInForce_ExitsZeroAsHypothetical()
    {
        var r = Replay("--policy", "senate-border-act-2024", "--in-force", "2024-06-05", "--format", "json");
        CliAssert.Ok(r);
        var root = r.Root();
        Assert.Equal("senate-border-act-2024", root.GetProperty("policy").GetProperty("id").GetString());
        Assert.Equal("hypothetical", root.GetProperty("policy").GetProperty("standing").GetString());
        Assert.Equal("2024-06-05", root.GetProperty("policy").GetProperty("inForce").GetString());
        Assert.Contains(root.GetProperty("caveats").EnumerateArray(), c => c.GetString()!.Contains("HYPOTHETICAL", StringComparison.Ordinal));
    }

    [Fact]
    public void Replay_SetUnknownParameter_ExitsTwoNamingIt()
    {
        CliAssert.BadInput(Replay("--policy", "proclamation-10773", "--set", "nosuch.param=1"), "--set", "nosuch.param");
    }

    [Fact]
    public void Replay_SetNonNumericValue_ExitsTwoNamingIt()
    {
        CliAssert.BadInput(Replay("--policy", "proclamation-10773", "--set", "deactivate.threshold=abc"), "--set deactivate.threshold=abc");
    }

    [Fact]
    public void Replay_SetValueItAlreadyHas_ExitsTwoChangesNothing()
    {
        CliAssert.BadInput(Replay("--policy", "proclamation-10773", "--set", "deactivate.threshold=1500", "--format", "json"), "--set deactivate.threshold=1500", "changes nothing");
    }

    [Fact]
    public void Replay_SetDeactivateThreshold2000_DeterminationAppearsAndOverlayIsNamed()
    {
        var r = Replay("--policy", "proclamation-10773", "--set", "deactivate.threshold=2000", "--format", "json");
        CliAssert.Ok(r);
        var root = r.Root();
        Assert.Contains("--set deactivate.threshold=2000", Overlays(root));
        Assert.Contains(root.GetProperty("caveats").EnumerateArray(), c => c.GetString()!.Contains("deactivate.threshold", StringComparison.Ordinal));

        // Unlike the plain replay (no determination at all), a 7-day average under 2,000 is found in late June 2024.
        var determinations = root.GetProperty("determinations").EnumerateArray().ToList();
        Assert.NotEmpty(determinations);
        var d = determinations[0];
        Assert.Equal("deactivation", d.GetProperty("kind").GetString());
        var date = Date(d.GetProperty("date"));
        var windowEnd = Date(d.GetProperty("windowEnd"));
        Assert.Equal(date.AddDays(-1), windowEnd); // default lag: a day's data is complete the next day
        Assert.Equal(windowEnd.AddDays(-6), Date(d.GetProperty("windowStart")));
        var average = d.GetProperty("average7").GetDecimal();
        Assert.InRange(average, 1500m, 1999.9999m);
        Assert.False(string.IsNullOrEmpty(d.GetProperty("citation").GetProperty("text").GetString()));

        // The day whose window it read has the same average.
        var dayOfWindow = root.GetProperty("days").EnumerateArray().Single(x => Date(x.GetProperty("date")) == windowEnd);
        Assert.Equal(average, dayOfWindow.GetProperty("average7").GetDecimal());

        // Discontinued 14 days later at 12:01 a.m. EDT.
        var toInactive = root.GetProperty("transitions").EnumerateArray().First(t => t.GetProperty("to").GetString() == "inactive");
        Assert.Equal(d.GetProperty("date").GetString(), toInactive.GetProperty("determinationDate").GetString());
        Assert.Equal($"{date.AddDays(14):yyyy-MM-dd}T00:01:00-04:00", toInactive.GetProperty("effective").GetString());
        Assert.Contains(root.GetProperty("days").EnumerateArray(), x => x.GetProperty("status").GetString() == "inactive");
    }

    [Fact]
    public void Replay_CourtOrderStreakEnjoined_ExitsZeroAndChangesTheTimeline()
    {
        var r = StreakEnjoined.Value;
        CliAssert.Ok(r);
        var root = r.Root();
        Assert.Single(Overlays(root));
        Assert.NotEqual(0, root.GetProperty("determinations").GetArrayLength());

        // Every transition instant is 12:01 a.m. America/New_York, with the offset in force that day (EST in winter).
        foreach (var t in root.GetProperty("transitions").EnumerateArray())
        {
            var effective = t.GetProperty("effective").GetString()!;
            var day = DateOnly.ParseExact(effective[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture);
            var dst = day >= new DateOnly(2024, 3, 10) && day < new DateOnly(2024, 11, 3);
            Assert.Equal($"{effective[..10]}T00:01:00{(dst ? "-04:00" : "-05:00")}", effective);
        }
    }

    [Fact]
    public void Replay_UnknownCourtOrder_ExitsTwoNamingIt()
    {
        CliAssert.BadInput(Replay("--policy", "proclamation-10773", "--court-order", "nosuch=2024-11-01"), "--court-order nosuch");
    }

    [Fact]
    public void Replay_DeterminationOnThresholdPolicy_ExitsTwoNamingOption()
    {
        CliAssert.BadInput(Replay("--policy", "proclamation-10773", "--determination", "2024-07-01=active"), "--determination");
    }

    [Fact]
    public void Replay_Hr2InactiveDetermination_OneTransitionToInactiveAt0001NextDay()
    {
        var r = Replay("--policy", "hr2-2023", "--in-force", "2024-06-05", "--determination", "2024-09-01=inactive", "--format", "json");
        CliAssert.Ok(r);
        var root = r.Root();
        var toInactive = Assert.Single(root.GetProperty("transitions").EnumerateArray(), t => t.GetProperty("to").GetString() == "inactive");
        Assert.Equal("2024-09-02T00:01:00-04:00", toInactive.GetProperty("effective").GetString());
        Assert.Equal("2024-09-01", toInactive.GetProperty("determinationDate").GetString());

        var status = root.GetProperty("days").EnumerateArray().ToDictionary(d => d.GetProperty("date").GetString()!, d => d.GetProperty("status").GetString());
        Assert.Equal("not-in-force", status["2024-06-04"]);
        Assert.Equal("active", status["2024-06-05"]);
        Assert.Equal("active", status["2024-09-01"]);
        Assert.Equal("inactive", status["2024-09-02"]);
        Assert.Equal("inactive", status["2025-01-19"]);
    }

    [Fact]
    public void Replay_DeterminationLagOutOfRange_ExitsTwoNamingOption()
    {
        CliAssert.BadInput(Replay("--policy", "proclamation-10773", "--determination-lag", "-1"), "--determination-lag");
    }

    // ---- Failing tests for src defects found while writing these (see the report) ----

    /// <summary>
    /// The overlay label is documented as "as the user wrote it" and the JSON contract uses ISO dates, but the court-order
    /// label formats the LocalDate with its default pattern: "--court-order streak-enjoined=Friday, 01 November 2024"
    /// (the same text appears in the one-line error of a court order that changes nothing).
    /// </summary>
    [Fact]
    public void Replay_CourtOrder_OverlayIsNamedAsWrittenWithIsoDate()
    {
        var r = StreakEnjoined.Value;
        CliAssert.Ok(r);
        Assert.Equal(["--court-order streak-enjoined=2024-11-01"], Overlays(r.Root()));
    }

    /// <summary>The message must name the option; Spectre's conversion error says only "Failed to convert 'abc' to Nullable`1."</summary>
    [Fact]
    public void Replay_DeterminationLagNotANumber_ExitsTwoNamingOption()
    {
        CliAssert.BadInput(Replay("--policy", "proclamation-10773", "--determination-lag", "abc"), "--determination-lag");
    }
}
