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

    [Fact]
    public void Data_SynthesizeDaily_ReproducesBundledSeriesByteForByte()
    {
        var output = temp.PathOf("synthesized.csv");
        var r = Cli.Run("data", "synthesize-daily", "--output", output);
        CliAssert.Ok(r);
        Assert.Contains("MODELED", r.Stdout, StringComparison.Ordinal);
        var expected = File.ReadAllBytes(Path.Combine(Cli.RepositoryRoot, Cli.Bundled));
        var actual = File.ReadAllBytes(output);
        Assert.True(expected.AsSpan().SequenceEqual(actual), $"{output} ({actual.Length} bytes) differs from {Cli.Bundled} ({expected.Length} bytes)");
        Assert.False(File.Exists(output + ".tmp"));
    }

    [Fact]
    public void Data_SynthesizeDailyMissingSource_ExitsTwoNamingOption()
    {
        var r = Cli.Run("data", "synthesize-daily", "--source", temp.PathOf("no-such-folder"), "--output", temp.PathOf("never.csv"));
        CliAssert.BadInput(r, "--source");
        Assert.False(File.Exists(temp.PathOf("never.csv")));
    }
}
