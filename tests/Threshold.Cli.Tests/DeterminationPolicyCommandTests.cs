using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Threshold.Cli.Tests;

/// <summary>
/// Issue 17: a recorded determination names the policy it was made under. A 10773 determination is compared in
/// 10773's diff and never in the Senate Act's; the 28-day streak the engine itself proposes under 10817 is a supported
/// window when recorded.
/// </summary>
public abstract class DeterminationPolicyCommandTests(Backend backend) : RecordCommandTest(backend)
{
    private CliResult Store(params string[] args) => Cli.Run([.. args, .. Target.Args]);

    /// <summary>3,000 a day through October 2024, then 1,000: under 10817 the engine proposes a deactivation on 2024-12-04 resting on the 28 days 2024-11-06 to 2024-12-03.</summary>
    private string Falling()
    {
        var text = new StringBuilder("date,between_ports,coastal,ports_of_entry,uc_noncontiguous_between_ports,uc_noncontiguous_ports\n");
        for (var d = new NodaTime.LocalDate(2024, 6, 1); d <= new NodaTime.LocalDate(2024, 12, 31); d = d.PlusDays(1))
        {
            text.Append(CultureInfo.InvariantCulture, $"{d:yyyy-MM-dd},{(d.Month <= 10 ? 3000 : 1000)},0,0,0,0\n");
        }

        return Temp.Write("falling.csv", text.ToString());
    }

    private static List<JsonElement> Rows(CliResult diff)
    {
        Assert.True(diff.ExitCode == 0, diff.ToString());
        return [.. diff.Root().GetProperty("rows").EnumerateArray()];
    }

    [Fact]
    public void A10773Determination_IsIn10773sDiff_AndNotInTheSenateActs()
    {
        var series = Falling();
        var recorded = Store("determinations", "record", "--date", "2024-12-04", "--kind", "deactivation", "--window-start", "2024-11-06", "--window-end", "2024-12-03", "--by", "operator A", "--policy", "proclamation-10773");
        Assert.True(recorded.ExitCode == 0, recorded.ToString());
        Assert.Equal("proclamation-10773", recorded.Root().GetProperty("policy").GetString());
        var senate = Store("determinations", "record", "--date", "2024-09-02", "--kind", "activation", "--window-start", "2024-08-26", "--window-end", "2024-09-01", "--by", "operator B", "--policy", "senate-border-act-2024");
        Assert.True(senate.ExitCode == 0, senate.ToString());

        // The 28-day streak the engine proposes is the window recorded: supported, and it agrees with the proposal.
        var ours = Rows(Store("determinations", "diff", "--policy", "proclamation-10773", "--encounters", series, "--format", "json"));
        var row = Assert.Single(ours, r => r.GetProperty("recordedBy").GetString() == "operator A");
        Assert.Equal("agree", row.GetProperty("status").GetString());
        Assert.Contains("28 of the 28 consecutive days ending 2024-12-03", row.GetProperty("evidence").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(ours, r => r.GetProperty("recordedBy").GetString() == "operator B");

        var theirs = Rows(Store("determinations", "diff", "--policy", "senate-border-act-2024", "--in-force", "2024-06-05", "--encounters", series, "--format", "json"));
        Assert.DoesNotContain(theirs, r => r.GetProperty("recordedBy").GetString() == "operator A");
        Assert.Contains(theirs, r => r.GetProperty("recordedBy").GetString() == "operator B");

        // The list says which policy each was made under, and filters by it; the chain still verifies.
        Assert.Equal(["proclamation-10773", "senate-border-act-2024"], Store("determinations", "list").Root().EnumerateArray().Select(d => d.GetProperty("policy").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(["operator B"], Store("determinations", "list", "--policy", "senate-border-act-2024").Root().EnumerateArray().Select(d => d.GetProperty("by").GetString()));
        var verify = Store("audit", "verify");
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    [Fact]
    public void AWindowOfAnotherLength_IsStillNotSupported_AndSaysWhichLengthsTheRuleUses()
    {
        var series = Falling();
        Store("determinations", "record", "--date", "2024-12-04", "--kind", "deactivation", "--window-start", "2024-11-20", "--window-end", "2024-12-03", "--by", "operator A");
        var row = Assert.Single(Rows(Store("determinations", "diff", "--policy", "proclamation-10773", "--encounters", series, "--format", "json")), r => r.GetProperty("recordedBy").GetString() == "operator A");
        Assert.Equal("recorded-not-supported", row.GetProperty("status").GetString());
        Assert.Contains("has 14 days", row.GetProperty("evidence").GetString(), StringComparison.Ordinal);
        Assert.Contains("or 28", row.GetProperty("evidence").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hr2-2023", "has no encounter threshold")]
    [InlineData("nosuch", "not a built-in policy")]
    public void RecordingUnderAPolicyThatReadsNoCounts_ExitsTwoNamingTheOption(string policy, string why)
    {
        var r = Store("determinations", "record", "--date", "2024-07-15", "--kind", "activation", "--window-start", "2024-07-08", "--window-end", "2024-07-14", "--by", "x", "--policy", policy);
        CliAssert.BadInput(r, $"--policy {policy}: {why}");
        Assert.Equal("[]", Store("determinations", "list").Stdout.Trim());
    }
}

public sealed class DeterminationPolicyCommandTestsOnSqlite() : DeterminationPolicyCommandTests(Backend.Sqlite);

public sealed class DeterminationPolicyCommandTestsOnPostgres() : DeterminationPolicyCommandTests(Backend.Postgres);
