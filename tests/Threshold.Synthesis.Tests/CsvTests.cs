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
    /// The committed file must equal a fresh synthesis byte for byte. To regenerate it after a
    /// deliberate change: <c>THRESHOLD_REGENERATE=1 dotnet test tests/Threshold.Synthesis.Tests</c>.
    /// </summary>
    [Fact]
    public void CommittedModeledFile_EqualsFreshSynthesis_ByteForByte()
    {
        var fresh = Encoding.UTF8.GetBytes(SynthesizedSeriesCsv.ToCsvString(TestData.Series));
        if (Environment.GetEnvironmentVariable("THRESHOLD_REGENERATE") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(CommittedPath)!);
            File.WriteAllBytes(CommittedPath, fresh);
        }

        Assert.True(File.Exists(CommittedPath), $"{CommittedPath} is missing; run with THRESHOLD_REGENERATE=1 to create it.");
        Assert.True(fresh.AsSpan().SequenceEqual(File.ReadAllBytes(CommittedPath)),
            $"{SynthesizedSeriesCsv.RepositoryPath} differs from a fresh synthesis; run with THRESHOLD_REGENERATE=1 to regenerate it.");
    }
}
