using System.Text;

namespace Threshold.Synthesis.Tests;

public class CsvTests
{
    private static string CommittedPath => Path.Combine(TestData.RepositoryRoot, SynthesizedSeriesCsv.RepositoryPath);

    [Fact]
    public void Write_RealSeries_StartsWithProvenanceCommentsThenHeaderAndOneRowPerDay()
    {
        var lines = SynthesizedSeriesCsv.ToCsvString(TestData.Series).Split('\n');
        Assert.Equal("# modeled: synthesised daily series derived from real monthly CBP/OHSS totals; not an official daily count", lines[0]);
        var comments = lines.TakeWhile(l => l.StartsWith("# ", StringComparison.Ordinal)).Count();
        Assert.Equal(TestData.Series.MethodNotes.Count, comments);
        Assert.Equal(SynthesizedSeriesCsv.Header, lines[comments]);
        Assert.Equal("2024-01-01", lines[comments + 1][..10]);
        Assert.Equal(string.Empty, lines[^1]);
        Assert.StartsWith("2025-01-19,", lines[^2], StringComparison.Ordinal);
        Assert.Equal(comments + 1 + TestData.Series.Days.Count + 1, lines.Length);
    }

    /// <summary>
    /// Each committed edition must equal a fresh synthesis byte for byte. To regenerate them after a deliberate change:
    /// <c>THRESHOLD_REGENERATE=1 dotnet test tests/Threshold.Synthesis.Tests</c> (or <c>./threshold data synthesize-daily</c>,
    /// with <c>--through 2025-01-19</c> for the earlier edition).
    /// </summary>
    [Theory]
    [InlineData("2025-01-19")]
    [InlineData("latest")]
    public void CommittedModeledFile_EqualsFreshSynthesis_ByteForByte(string edition)
    {
        var series = edition == "latest" ? TestData.Latest : TestData.Series;
        var relative = SynthesizedSeriesCsv.PathFor(series.Days[^1].Date);
        var committed = Path.Combine(TestData.RepositoryRoot, relative);
        var fresh = Encoding.UTF8.GetBytes(SynthesizedSeriesCsv.ToCsvString(series));
        if (Environment.GetEnvironmentVariable("THRESHOLD_REGENERATE") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(committed)!);
            File.WriteAllBytes(committed, fresh);
        }

        Assert.True(File.Exists(committed), $"{committed} is missing; run with THRESHOLD_REGENERATE=1 to create it.");
        Assert.True(fresh.AsSpan().SequenceEqual(File.ReadAllBytes(committed)),
            $"{relative} differs from a fresh synthesis; run with THRESHOLD_REGENERATE=1 to regenerate it.");
    }

    [Fact]
    public void PathFor_NamesTheFileByItsRange_AndBundledListsTheLatestFirst()
    {
        Assert.Equal(SynthesizedSeriesCsv.RepositoryPath, SynthesizedSeriesCsv.PathFor(DailySeriesSynthesizer.Before10888LastDay));
        var bundled = SynthesizedSeriesCsv.Bundled(Path.Combine(TestData.RepositoryRoot, SynthesizedSeriesCsv.BundledFolder));
        Assert.Equal(Path.GetFileName(SynthesizedSeriesCsv.PathFor(TestData.Latest.Days[^1].Date)), Path.GetFileName(bundled[0]));
        Assert.Contains(bundled, f => Path.GetFileName(f) == Path.GetFileName(SynthesizedSeriesCsv.RepositoryPath));
        Assert.Null(SynthesizedSeriesCsv.LastDayOf("daily_encounters_2024-01-01.modeled.csv"));
        Assert.Null(SynthesizedSeriesCsv.LastDayOf("daily_encounters_2024-01-01_2026-13-01.modeled.csv"));
    }
}
