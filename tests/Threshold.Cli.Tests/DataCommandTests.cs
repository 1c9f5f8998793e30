using System.Text.RegularExpressions;

namespace Threshold.Cli.Tests;

/// <summary><c>data check-reported</c> and <c>data synthesize-daily</c>.</summary>
public partial class DataCommandTests(TempFolder temp) : IClassFixture<TempFolder>
{
    [GeneratedRegex(@"(\d+) of (\d+) statements agree")]
    private static partial Regex AgreeLine();

    [Fact]
    public void Data_CheckReported_ExitsZeroAndEveryStatementAgrees()
    {
        var r = Cli.Run("data", "check-reported");
        CliAssert.Ok(r);
        Assert.Contains("MODELED", r.Stdout, StringComparison.Ordinal);
        var m = AgreeLine().Match(r.Stdout);
        Assert.True(m.Success, r.ToString());
        Assert.Equal(m.Groups[2].Value, m.Groups[1].Value);
        Assert.NotEqual("0", m.Groups[2].Value);
    }

    [Theory]
    [InlineData(null, "data/modeled/daily_encounters_2024-01-01_2026-08-31.modeled.csv")]
    [InlineData("2025-01-19", Cli.Bundled)]
    public void Data_SynthesizeDaily_ReproducesEachBundledEditionByteForByte(string? through, string bundled)
    {
        var output = temp.PathOf($"synthesized-{through ?? "latest"}.csv");
        var r = Cli.Run(through is null
            ? ["data", "synthesize-daily", "--output", output]
            : ["data", "synthesize-daily", "--through", through, "--output", output]);
        CliAssert.Ok(r);
        Assert.Contains("MODELED", r.Stdout, StringComparison.Ordinal);
        var expected = File.ReadAllBytes(Path.Combine(Cli.RepositoryRoot, bundled));
        var actual = File.ReadAllBytes(output);
        Assert.True(expected.AsSpan().SequenceEqual(actual), $"{output} ({actual.Length} bytes) differs from {bundled} ({expected.Length} bytes)");
        Assert.False(File.Exists(output + ".tmp"));
    }

    [Theory]
    [InlineData("2025-12-30", "is neither")]
    [InlineData("2026-09-30", "2026-08")]
    [InlineData("not-a-date", "not a date")]
    public void Data_SynthesizeDaily_ABadLastDay_ExitsTwoNamingTheOption_AndWritesNothing(string through, string mention)
    {
        var output = temp.PathOf($"never-{through}.csv");
        CliAssert.BadInput(Cli.Run("data", "synthesize-daily", "--through", through, "--output", output), "--through", mention);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Data_CheckReported_TheEarlierEdition_ListsThe2025StatementsAsNotEvaluated()
    {
        var r = Cli.Run("data", "check-reported", "--encounters", Cli.Bundled);
        CliAssert.Ok(r);
        Assert.Contains("9 of 9 statements agree", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("not evaluated", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("[V-off]", r.Stdout, StringComparison.Ordinal);
    }

    /// <summary>
    /// Every transition on the latest series, replayed with thresholds low enough to switch in 2025 and 2026 (a what-if),
    /// takes effect at 12:01 a.m. America/New_York with the offset of its own day, across the DST changes of
    /// 2025-03-09, 2025-11-02 and 2026-03-08.
    /// </summary>
    [Fact]
    public void Replay_LatestSeries_TransitionsAcrossThe2025And2026DstChanges_Are0001Eastern()
    {
        var r = Cli.Run("replay", "--policy", "proclamation-10773", "--set", "activate.threshold=280", "--set", "deactivate.threshold=250",
            "--encounters", "data/modeled/daily_encounters_2024-01-01_2026-08-31.modeled.csv", "--format", "json");
        CliAssert.Ok(r);
        var eastern = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        var effective = r.Root().GetProperty("transitions").EnumerateArray().Select(t => t.GetProperty("effective").GetString()!).ToList();
        Assert.Contains(effective, e => e.StartsWith("2025-", StringComparison.Ordinal) && e.EndsWith("-04:00", StringComparison.Ordinal));
        Assert.Contains(effective, e => e.StartsWith("2026-", StringComparison.Ordinal) && e.EndsWith("-05:00", StringComparison.Ordinal));
        Assert.Contains(effective, e => e.StartsWith("2026-", StringComparison.Ordinal) && e.EndsWith("-04:00", StringComparison.Ordinal));
        foreach (var e in effective)
        {
            var day = DateTime.ParseExact(e[..10], "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            var offset = eastern.GetUtcOffset(day.AddMinutes(1));
            Assert.Equal($"{e[..10]}T00:01:00{(offset < TimeSpan.Zero ? "-" : "+")}{offset.Duration():hh\\:mm}", e);
        }
    }

    [Fact]
    public void Data_SynthesizeDailyMissingSource_ExitsTwoNamingOption()
    {
        var r = Cli.Run("data", "synthesize-daily", "--source", temp.PathOf("no-such-folder"), "--output", temp.PathOf("never.csv"));
        CliAssert.BadInput(r, "--source");
        Assert.False(File.Exists(temp.PathOf("never.csv")));
    }
}
