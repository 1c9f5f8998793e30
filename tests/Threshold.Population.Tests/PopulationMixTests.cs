using NodaTime;
using Threshold.Screening;
using Threshold.Sources;

namespace Threshold.Population.Tests;

/// <summary>The mix read from the real sources, its fallback and its errors on malformed copies.</summary>
public sealed class PopulationMixTests : IDisposable
{
    private static readonly string[] Files =
        [PopulationMix.CitizenshipFile, PopulationMix.FamilyStatusFile, PopulationMix.RegionFile, PopulationMix.UcContiguityFile, PopulationMix.SboEncountersFile];

    private readonly string tempDir = Path.Combine(Path.GetTempPath(), "threshold-population-" + Guid.NewGuid().ToString("N"));

    public PopulationMixTests()
    {
        Directory.CreateDirectory(tempDir);
        foreach (var name in Files)
        {
            File.Copy(Path.Combine(TestData.SourceDirectory, name), Path.Combine(tempDir, name));
        }
    }

    public void Dispose() => Directory.Delete(tempDir, recursive: true);

    private static int LineOf(string fileName, string startsWith) =>
        Array.FindIndex(File.ReadAllLines(Path.Combine(TestData.SourceDirectory, fileName)), l => l.StartsWith(startsWith, StringComparison.Ordinal)) + 1;

    private void ReplaceLine(string fileName, int lineNumber, Func<string, string> change)
    {
        var path = Path.Combine(tempDir, fileName);
        var lines = File.ReadAllLines(path);
        lines[lineNumber - 1] = change(lines[lineNumber - 1]);
        File.WriteAllLines(path, lines);
    }

    private SourceDataException LoadFails(YearMonth? month = null) =>
        Assert.Throws<SourceDataException>(() => PopulationMix.Load(tempDir, month ?? TestData.July2024));

    [Fact]
    public void Load_July2024_GivesTheRealSouthwestShares()
    {
        var between = TestData.Mix(TestData.July2024).For(EntryPlace.BetweenPorts);
        // KHSM Southwest Land Border, July 2024: 56,410 by citizenship of which 'Unknown' 10 and 'Kosovo' 10 are left out.
        Assert.Equal(["MX", "GT", "CO", "HN", "EC"], between.Nationalities.Take(5).Select(n => n.Code));
        Assert.Equal(22220 / 56390.0, between.Nationalities[0].Share, 12);
        Assert.Equal(6790 / 56390.0, between.Nationalities[1].Share, 12);
        Assert.Equal(5620 / 56400.0, between.UnaccompaniedChildShare, 12);
        Assert.Equal(34700 / 56400.0, between.SingleAdultShare, 12);
        Assert.Equal(16080 / 56400.0, between.FamilyUnitShare, 12);
        Assert.Equal(1661 / 5624.0, between.UcMexicoShare, 12);
        Assert.Equal(1.0, between.Nationalities.Sum(n => n.Share), 9);
        Assert.Equal(1.0, between.NotUc.Sum(n => n.Share), 9);
        Assert.Equal(1.0, between.UcNoncontiguous.Sum(n => n.Share), 9);
        Assert.DoesNotContain(between.UcNoncontiguous, n => n.Code is "MX" or "CA");
    }

    [Fact]
    public void Load_July2024_PlacesFollowCoastalAndOfoAgainstUsbp()
    {
        var mix = TestData.Mix(TestData.July2024);
        // KHSM Coastal 220 / Southwest 56,400; CBP release OFO 47,700 / USBP 56,400.
        var denominator = 1 + (220 / 56400.0) + (47700 / 56400.0);
        Assert.Equal(1 / denominator, mix.For(EntryPlace.BetweenPorts).Share, 12);
        Assert.Equal(220 / 56400.0 / denominator, mix.For(EntryPlace.Coastal).Share, 12);
        Assert.Equal(47700 / 56400.0 / denominator, mix.For(EntryPlace.PortOfEntry).Share, 12);
        var ports = mix.For(EntryPlace.PortOfEntry);
        Assert.Equal(695 / 47700.0, ports.UnaccompaniedChildShare, 12);
        Assert.Equal(202 / 695.0, ports.UcMexicoShare, 12);
        Assert.Equal(10684 / 47700.0, ports.Nationalities.Single(n => n.Code == "MX").Share, 12);
        Assert.Equal(47700 / 31.0, mix.PortOfEntryEncountersPerDay, 9);
        Assert.Equal(1450 / (47700 / 31.0), mix.ScheduledArrivalShare(new LocalDate(2024, 7, 4)), 12);
        Assert.False(mix.UsesFallback);
    }

    [Fact]
    public void Load_July2024_ProvenanceLinesAreLabelledSynthetic()
    {
        var provenance = TestData.Mix(TestData.July2024).Provenance;
        Assert.NotEmpty(provenance);
        Assert.All(provenance, line => Assert.StartsWith("synthetic:", line, StringComparison.Ordinal));
        Assert.Contains("SYNTHETIC", provenance[0], StringComparison.Ordinal);
        foreach (var file in Files)
        {
            Assert.Contains(provenance, line => line.Contains(file, StringComparison.Ordinal));
        }

        Assert.DoesNotContain(provenance, line => line.Contains("fallback", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_MonthAfterKhsm_FallsBackToNovember2024AndSaysSo()
    {
        var mix = TestData.Mix(new YearMonth(2025, 3));
        Assert.True(mix.UsesFallback);
        Assert.Equal(new YearMonth(2024, 11), mix.SourceMonths[PopulationMix.CitizenshipFile]);
        Assert.Equal(new YearMonth(2024, 11), mix.SourceMonths[PopulationMix.FamilyStatusFile]);
        Assert.Equal(new YearMonth(2025, 3), mix.SourceMonths[PopulationMix.UcContiguityFile]);
        Assert.Equal(new YearMonth(2025, 3), mix.SourceMonths[PopulationMix.SboEncountersFile]);
        Assert.Contains(mix.Provenance, l => l.StartsWith("synthetic: fallback:", StringComparison.Ordinal) && l.Contains(PopulationMix.CitizenshipFile, StringComparison.Ordinal) && l.Contains("2024-11", StringComparison.Ordinal) && l.Contains("2025-03", StringComparison.Ordinal));
        Assert.Equal(TestData.Mix(new YearMonth(2024, 11)).For(EntryPlace.BetweenPorts).Nationalities, mix.For(EntryPlace.BetweenPorts).Nationalities);
    }

    [Fact]
    public void Load_MonthAfterEverySource_FallsBackForEachFile()
    {
        var mix = TestData.Mix(new YearMonth(2026, 1));
        Assert.Equal(new YearMonth(2025, 8), mix.SourceMonths[PopulationMix.SboEncountersFile]);
        Assert.Equal(5, mix.Provenance.Count(l => l.StartsWith("synthetic: fallback:", StringComparison.Ordinal)));
    }

    [Fact]
    public void Load_MonthBeforeTheSources_ErrorNamesTheFileThatStartsLast()
    {
        var ex = Assert.Throws<SourceDataException>(() => PopulationMix.Load(TestData.SourceDirectory, new YearMonth(2019, 1)));
        Assert.Equal(PopulationMix.SboEncountersFile, ex.FileName);
        Assert.Contains("no data for 2019-01", ex.Message, StringComparison.Ordinal);
        Assert.Contains("2021-10", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EveryMonthFromOctober2021_HasConsistentSources()
    {
        for (var month = new YearMonth(2021, 10); month <= new YearMonth(2025, 12); month = month.PlusMonths(1))
        {
            var mix = TestData.Mix(month);
            Assert.Equal(1.0, mix.Places.Sum(p => p.Share), 9);
            Assert.All(mix.Places, p => Assert.Equal(0, p.ClampedShare, 12));
            Assert.DoesNotContain(mix.Provenance, l => l.StartsWith("synthetic: note:", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Load_MissingMonthInsideAFile_ErrorSaysTheMonthIsMissing()
    {
        var path = Path.Combine(tempDir, PopulationMix.SboEncountersFile);
        File.WriteAllLines(path, File.ReadAllLines(path).Where(l => !l.StartsWith("2024,FYTD,JUL,", StringComparison.Ordinal)));
        var ex = LoadFails();
        Assert.Equal(PopulationMix.SboEncountersFile, ex.FileName);
        Assert.Contains("no data for 2024-07, a month inside", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BadQuantity_ErrorNamesFileAndLine()
    {
        var line = LineOf(PopulationMix.CitizenshipFile, "2024,10 July,Southwest Land Border,Mexico,");
        ReplaceLine(PopulationMix.CitizenshipFile, line, l => l.Replace(",22220,", ",22x20,", StringComparison.Ordinal));
        var ex = LoadFails();
        Assert.Equal(PopulationMix.CitizenshipFile, ex.FileName);
        Assert.Equal(line, ex.LineNumber);
        Assert.Contains($":{line}: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("22x20", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnmappedCitizenship_ErrorNamesFileLineAndName()
    {
        var line = LineOf(PopulationMix.CitizenshipFile, "2023,10 July,Southwest Land Border,Peru,");
        ReplaceLine(PopulationMix.CitizenshipFile, line, l => l.Replace("Peru", "Atlantis", StringComparison.Ordinal));
        var ex = LoadFails();
        Assert.Equal(PopulationMix.CitizenshipFile, ex.FileName);
        Assert.Equal(line, ex.LineNumber);
        Assert.Contains("'Atlantis'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DuplicateCitizenshipRow_ErrorNamesTheSecondLine()
    {
        var path = Path.Combine(tempDir, PopulationMix.CitizenshipFile);
        var lines = File.ReadAllLines(path).ToList();
        var line = LineOf(PopulationMix.CitizenshipFile, "2024,10 July,Southwest Land Border,Mexico,");
        lines.Insert(line, lines[line - 1]);
        File.WriteAllLines(path, lines);
        var ex = LoadFails();
        Assert.Equal(line + 1, ex.LineNumber);
        Assert.Contains($"appears twice (first on line {line})", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownFamilyStatus_ErrorNamesFileAndLine()
    {
        var line = LineOf(PopulationMix.FamilyStatusFile, "2024,10 July,Southwest Land Border,Single Adults,");
        ReplaceLine(PopulationMix.FamilyStatusFile, line, l => l.Replace("Single Adults", "Adults", StringComparison.Ordinal));
        var ex = LoadFails();
        Assert.Equal(PopulationMix.FamilyStatusFile, ex.FileName);
        Assert.Equal(line, ex.LineNumber);
    }

    [Fact]
    public void Load_UcCountsThatDoNotAddUp_ErrorNamesFileAndLine()
    {
        var line = LineOf(PopulationMix.UcContiguityFile, "2024-07,");
        ReplaceLine(PopulationMix.UcContiguityFile, line, l => l.Replace(",5624,1661,", ",5624,1662,", StringComparison.Ordinal));
        var ex = LoadFails();
        Assert.Equal(PopulationMix.UcContiguityFile, ex.FileName);
        Assert.Equal(line, ex.LineNumber);
        Assert.Contains("uc_total", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownComponent_ErrorNamesFileAndLine()
    {
        ReplaceLine(PopulationMix.SboEncountersFile, 40, l => l.Replace("U.S. Border Patrol", "Air and Marine", StringComparison.Ordinal).Replace("Office of Field Operations", "Air and Marine", StringComparison.Ordinal));
        var ex = LoadFails();
        Assert.Equal(PopulationMix.SboEncountersFile, ex.FileName);
        Assert.Equal(40, ex.LineNumber);
        Assert.Contains("Air and Marine", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BadCalendarMonth_ErrorNamesFileAndLine()
    {
        var line = LineOf(PopulationMix.RegionFile, "2024,10 July,Coastal Border,");
        ReplaceLine(PopulationMix.RegionFile, line, l => l[..l.LastIndexOf(',')] + ",13");
        var ex = LoadFails();
        Assert.Equal(PopulationMix.RegionFile, ex.FileName);
        Assert.Equal(line, ex.LineNumber);
    }

    [Fact]
    public void Load_ShortRow_ErrorNamesFileAndLine()
    {
        ReplaceLine(PopulationMix.UcContiguityFile, 7, l => l[..l.IndexOf(',', StringComparison.Ordinal)]);
        var ex = LoadFails();
        Assert.Equal(PopulationMix.UcContiguityFile, ex.FileName);
        Assert.Equal(7, ex.LineNumber);
    }

    [Fact]
    public void Load_MissingColumn_ErrorNamesFileAndHeaderLine()
    {
        ReplaceLine(PopulationMix.FamilyStatusFile, 1, l => l.Replace("Family Status", "Status", StringComparison.Ordinal));
        var ex = LoadFails();
        Assert.Equal(PopulationMix.FamilyStatusFile, ex.FileName);
        Assert.Equal(1, ex.LineNumber);
        Assert.Contains("header does not match the KHSM monthly layout", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Family Status", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_ErrorNamesTheFile()
    {
        File.Delete(Path.Combine(tempDir, PopulationMix.RegionFile));
        var ex = LoadFails();
        Assert.Equal(PopulationMix.RegionFile, ex.FileName);
        Assert.Equal(0, ex.LineNumber);
        Assert.Contains("not found", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_CopiedSources_EqualsRealSources()
    {
        var copy = PopulationMix.Load(tempDir, TestData.July2024);
        Assert.Equal(TestData.Mix(TestData.July2024).Provenance, copy.Provenance);
    }

    [Fact]
    public void CountryCodes_EveryKhsmName_IsMappedOrResidualAndCodesAreDistinctAlpha2()
    {
        var names = File.ReadAllLines(Path.Combine(TestData.SourceDirectory, PopulationMix.CitizenshipFile)).Skip(1)
            .Select(l => l.Contains('"', StringComparison.Ordinal) ? l.Split('"')[1] : l.Split(',')[3])
            .ToHashSet(StringComparer.Ordinal);
        Assert.All(names, n => Assert.True(CountryCodes.ByKhsmName.ContainsKey(n) || CountryCodes.Residual.Contains(n), n));
        Assert.All(CountryCodes.ByKhsmName.Values, c => Assert.Matches("^[A-Z]{2}$", c));
        Assert.Equal(CountryCodes.ByKhsmName.Count, CountryCodes.ByKhsmName.Values.Distinct(StringComparer.Ordinal).Count());
        Assert.DoesNotContain("XX", CountryCodes.ByKhsmName.Values);
        Assert.All(CountryCodes.VisaWaiver.Keys, c => Assert.Contains(c, CountryCodes.ByKhsmName.Values));
    }
}
