using NodaTime;

using Threshold.Sources;

namespace Threshold.Synthesis.Tests;

public sealed class MonthlySourcesTests : IDisposable
{
    private readonly string tempDir = Path.Combine(Path.GetTempPath(), "threshold-synthesis-" + Guid.NewGuid().ToString("N"));

    public MonthlySourcesTests()
    {
        Directory.CreateDirectory(tempDir);
        foreach (var name in new[] { MonthlySources.UsbpSwbFile, MonthlySources.KhsmRegionFile, MonthlySources.UcContiguityFile, MonthlySources.SboEncountersFile })
        {
            File.Copy(Path.Combine(TestData.SourceDirectory, name), Path.Combine(tempDir, name));
        }
    }

    public void Dispose() => Directory.Delete(tempDir, recursive: true);

    private void ReplaceLine(string fileName, int lineNumber, Func<string, string> change)
    {
        var path = Path.Combine(tempDir, fileName);
        var lines = File.ReadAllLines(path);
        lines[lineNumber - 1] = change(lines[lineNumber - 1]);
        File.WriteAllLines(path, lines);
    }

    private static int LineOf(string fileName, string startsWith) =>
        Array.FindIndex(File.ReadAllLines(Path.Combine(TestData.SourceDirectory, fileName)), l => l.StartsWith(startsWith, StringComparison.Ordinal)) + 1;

    [Fact]
    public void Load_RealSources_GivesPublishedMonthlyTotals()
    {
        var s = TestData.Sources;
        Assert.Equal(83532, s.BetweenPorts[new YearMonth(2024, 6)]);
        Assert.Equal(220, s.Coastal[new YearMonth(2024, 11)]);
        Assert.False(s.Coastal.ContainsKey(new YearMonth(2024, 12)));
        Assert.Equal(51980, s.PortsOfEntry[new YearMonth(2024, 1)]);
        Assert.Equal(52241, s.PortsOfEntry[new YearMonth(2023, 12)]);
        Assert.Equal(32341, s.PortsOfEntry[new YearMonth(2025, 1)]);
        Assert.Equal(3963, s.UcNoncontiguousBetweenPorts[new YearMonth(2024, 7)]);
        Assert.Equal(797, s.UcNoncontiguousPorts[new YearMonth(2024, 1)]);
    }

    [Fact]
    public void Load_CopiedSources_EqualsRealSources()
    {
        var copy = MonthlySources.Load(tempDir);
        Assert.Equal(
            SynthesizedSeriesCsv.ToCsvString(TestData.Latest),
            SynthesizedSeriesCsv.ToCsvString(DailySeriesSynthesizer.Synthesize(copy)));
    }

    [Fact]
    public void Load_CorruptedEncounterCount_ThrowsNamingFileAndLine()
    {
        ReplaceLine(MonthlySources.SboEncountersFile, 100, l => l[..(l.LastIndexOf(',') + 1)] + "12x");
        var ex = Assert.Throws<SourceDataException>(() => MonthlySources.Load(tempDir));
        Assert.Equal(MonthlySources.SboEncountersFile, ex.FileName);
        Assert.Equal(100, ex.LineNumber);
        Assert.Contains(":100: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("12x", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BadMonthInUsbpFile_ThrowsNamingFileAndLine()
    {
        var line = LineOf(MonthlySources.UsbpSwbFile, "2024-07,");
        ReplaceLine(MonthlySources.UsbpSwbFile, line, l => "2024-13" + l[7..]);
        var ex = Assert.Throws<SourceDataException>(() => MonthlySources.Load(tempDir));
        Assert.Equal(MonthlySources.UsbpSwbFile, ex.FileName);
        Assert.Equal(line, ex.LineNumber);
    }

    [Fact]
    public void Load_NegativeCoastalQuantity_ThrowsNamingFileAndLine()
    {
        var line = LineOf(MonthlySources.KhsmRegionFile, "2024,09 June,Coastal Border,");
        ReplaceLine(MonthlySources.KhsmRegionFile, line, l => l.Replace(",470,", ",-470,", StringComparison.Ordinal));
        var ex = Assert.Throws<SourceDataException>(() => MonthlySources.Load(tempDir));
        Assert.Equal(MonthlySources.KhsmRegionFile, ex.FileName);
        Assert.Equal(line, ex.LineNumber);
    }

    [Fact]
    public void Load_ShortRow_ThrowsNamingFileAndLine()
    {
        var line = LineOf(MonthlySources.UcContiguityFile, "2024-03,");
        ReplaceLine(MonthlySources.UcContiguityFile, line, _ => "2024-03,2024,137473");
        var ex = Assert.Throws<SourceDataException>(() => MonthlySources.Load(tempDir));
        Assert.Equal(MonthlySources.UcContiguityFile, ex.FileName);
        Assert.Equal(line, ex.LineNumber);
    }

    [Fact]
    public void Load_MissingColumn_ThrowsNamingFileAndLine1()
    {
        ReplaceLine(MonthlySources.UcContiguityFile, 1, l => l.Replace("uc_other_noncontiguous", "uc_other", StringComparison.Ordinal));
        var ex = Assert.Throws<SourceDataException>(() => MonthlySources.Load(tempDir));
        Assert.Equal(MonthlySources.UcContiguityFile, ex.FileName);
        Assert.Equal(1, ex.LineNumber);
    }

    [Fact]
    public void Load_RequiredMonthMissing_ThrowsNamingFile()
    {
        var path = Path.Combine(tempDir, MonthlySources.UsbpSwbFile);
        File.WriteAllLines(path, File.ReadAllLines(path).Where(l => !l.StartsWith("2025-02,", StringComparison.Ordinal)));
        var ex = Assert.Throws<SourceDataException>(() => MonthlySources.Load(tempDir));
        Assert.Equal(MonthlySources.UsbpSwbFile, ex.FileName);
        Assert.Equal(0, ex.LineNumber);
        Assert.Contains("2025-02", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DuplicateMonth_ThrowsNamingFileAndLine()
    {
        var path = Path.Combine(tempDir, MonthlySources.UsbpSwbFile);
        var lines = File.ReadAllLines(path).ToList();
        lines.Add(lines[^1]);
        File.WriteAllLines(path, lines);
        var ex = Assert.Throws<SourceDataException>(() => MonthlySources.Load(tempDir));
        Assert.Equal(lines.Count, ex.LineNumber);
    }

    [Fact]
    public void Load_MissingFile_ThrowsNamingFile()
    {
        File.Delete(Path.Combine(tempDir, MonthlySources.KhsmRegionFile));
        var ex = Assert.Throws<SourceDataException>(() => MonthlySources.Load(tempDir));
        Assert.Equal(MonthlySources.KhsmRegionFile, ex.FileName);
    }
}
