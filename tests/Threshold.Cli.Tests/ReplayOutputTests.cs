using System.Globalization;
using System.Text.Json;

namespace Threshold.Cli.Tests;

/// <summary>The public output of <c>replay</c> on the bundled MODELED series, in json, csv and table form.</summary>
public class ReplayOutputTests
{
    private static readonly DateOnly InForce = new(2024, 6, 5);

    private static JsonElement Root() => BundledRuns.JsonRoot;

    private static DateOnly Date(JsonElement e) => DateOnly.ParseExact(e.GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Fact]
    public void Replay_BundledJson_ExitsZeroWithOneJsonObjectAndVersions()
    {
        var r = BundledRuns.Json;
        CliAssert.Ok(r);
        using var doc = r.Json();
        var root = doc.RootElement;
        Assert.Equal(JsonValueKind.Object, root.ValueKind);
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("engineVersion").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("ruleSetVersion").GetString()));
        Assert.Equal("proclamation-10773", root.GetProperty("policy").GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Array, root.GetProperty("policy").GetProperty("overlays").ValueKind);
        Assert.Equal(0, root.GetProperty("policy").GetProperty("overlays").GetArrayLength());
    }

    [Fact]
    public void Replay_BundledJson_SeriesIsModeledWithModeledCaveat()
    {
        var root = Root();
        Assert.True(root.GetProperty("series").GetProperty("modeled").GetBoolean());
        var caveats = root.GetProperty("caveats").EnumerateArray().Select(c => c.GetString()!).ToList();
        Assert.Contains(caveats, c => c.Contains("MODELED", StringComparison.Ordinal));
    }

    [Fact]
    public void Replay_BundledJson_OneDayPerDateFrom2024_01_01To2025_01_19()
    {
        var days = Root().GetProperty("days").EnumerateArray().ToList();
        Assert.Equal(366 + 19, days.Count);
        Assert.Equal(new DateOnly(2024, 1, 1), Date(days[0].GetProperty("date")));
        Assert.Equal(new DateOnly(2025, 1, 19), Date(days[^1].GetProperty("date")));
        for (var i = 1; i < days.Count; i++)
        {
            Assert.Equal(Date(days[i - 1].GetProperty("date")).AddDays(1), Date(days[i].GetProperty("date")));
        }
    }

    [Fact]
    public void Replay_BundledJson_CountedIsIntegerAndAverageNullForFirstSixDays()
    {
        var days = Root().GetProperty("days").EnumerateArray().ToList();
        foreach (var d in days)
        {
            Assert.True(d.GetProperty("counted").TryGetInt32(out var c) && c >= 0, d.ToString());
        }

        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(JsonValueKind.Null, days[i].GetProperty("average7").ValueKind);
        }

        for (var i = 6; i < days.Count; i++)
        {
            Assert.Equal(JsonValueKind.Number, days[i].GetProperty("average7").ValueKind);
        }
    }

    /// <summary>
    /// average7 is sum7 / 7, and sum7 is the sum of the seven counted days ending that day, except for windows that
    /// straddle 2024-10-01: Proclamation 10817 changed the counting rule (all unaccompanied children counted), and a
    /// window is counted under the rule in force on its last day.
    /// </summary>
    [Fact]
    public void Replay_BundledJson_Average7IsSum7OverSevenOfTrailingCountedDays()
    {
        var amended = new DateOnly(2024, 10, 1);
        var days = Root().GetProperty("days").EnumerateArray().ToList();
        var checkedWindows = 0;
        for (var i = 6; i < days.Count; i++)
        {
            var sum7 = days[i].GetProperty("sum7").GetInt64();
            Assert.Equal(decimal.Round(sum7 / 7m, 4), days[i].GetProperty("average7").GetDecimal());
            var first = Date(days[i - 6].GetProperty("date"));
            var last = Date(days[i].GetProperty("date"));
            if (first < amended && last >= amended)
            {
                continue;
            }

            long sum = 0;
            for (var j = i - 6; j <= i; j++)
            {
                sum += days[j].GetProperty("counted").GetInt32();
            }

            Assert.True(sum == sum7, $"{last:yyyy-MM-dd}: sum7 {sum7}, sum of counted {sum}");
            checkedWindows++;
        }

        Assert.Equal(days.Count - 6 - 6, checkedWindows);
    }

    [Fact]
    public void Replay_BundledJson_NotInForceBeforeJune5ThenActive()
    {
        foreach (var d in Root().GetProperty("days").EnumerateArray())
        {
            var expected = Date(d.GetProperty("date")) < InForce ? "not-in-force" : "active";
            Assert.True(expected == d.GetProperty("status").GetString(), d.ToString());
        }
    }

    [Fact]
    public void Replay_BundledJson_TransitionAt0001EasternOnJune5WithCitation()
    {
        var root = Root();
        var transitions = root.GetProperty("transitions").EnumerateArray().ToList();
        var t = Assert.Single(transitions);
        Assert.Equal("2024-06-05T00:01:00-04:00", t.GetProperty("effective").GetString());
        Assert.Equal("active", t.GetProperty("to").GetString());
        Assert.Equal(JsonValueKind.Null, t.GetProperty("determinationDate").ValueKind);
        Assert.Contains("Proclamation 10773", t.GetProperty("citation").GetProperty("text").GetString(), StringComparison.Ordinal);

        // No 7-day average between June 2024 and January 2025 is under 1,500 or at 2,500+, so nothing is determined.
        Assert.Equal(JsonValueKind.Array, root.GetProperty("determinations").ValueKind);
        Assert.Equal(0, root.GetProperty("determinations").GetArrayLength());
    }

    [Fact]
    public void Replay_BundledCsv_ExitsZeroMentionsModeledAndAgreesWithJson()
    {
        var r = Cli.Run("replay", "--policy", "proclamation-10773", "--encounters", Cli.Bundled, "--format", "csv");
        CliAssert.Ok(r);
        var lines = r.Stdout.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.Contains(lines.TakeWhile(l => l.StartsWith('#')), l => l.Contains("MODELED", StringComparison.Ordinal));
        var table = lines.SkipWhile(l => l.StartsWith('#')).ToList();
        Assert.StartsWith("date,counted,average7,status", table[0], StringComparison.Ordinal);

        var jsonDays = Root().GetProperty("days").EnumerateArray().ToList();
        Assert.Equal(jsonDays.Count, table.Count - 1);
        for (var i = 0; i < jsonDays.Count; i++)
        {
            var cells = table[i + 1].Split(',');
            var d = jsonDays[i];
            Assert.Equal(d.GetProperty("date").GetString(), cells[0]);
            Assert.Equal(d.GetProperty("counted").GetInt32().ToString(CultureInfo.InvariantCulture), cells[1]);
            Assert.Equal(d.GetProperty("average7").ValueKind == JsonValueKind.Null ? string.Empty : d.GetProperty("average7").GetDecimal().ToString(CultureInfo.InvariantCulture), cells[2]);
            Assert.Equal(d.GetProperty("status").GetString(), cells[3]);
        }
    }

    [Fact]
    public void Replay_BundledTable_ExitsZeroMentionsModeledAndTransition()
    {
        var r = Cli.Run("replay", "--policy", "proclamation-10773", "--encounters", Cli.Bundled, "--format", "table");
        CliAssert.Ok(r);
        Assert.Contains("MODELED", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("2024-06-05T00:01:00-04:00", r.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", r.Stdout, StringComparison.Ordinal);
    }
}
