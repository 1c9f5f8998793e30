using System.Text;
using NodaTime;
using Threshold.Screening;

namespace Threshold.Population.Tests;

/// <summary>The JSONL and CSV bytes against the contract readers and writer, and the atomic file output.</summary>
public sealed class OutputTests : IDisposable
{
    private readonly string tempDir = Path.Combine(Path.GetTempPath(), "threshold-population-out-" + Guid.NewGuid().ToString("N"));

    public OutputTests() => Directory.CreateDirectory(tempDir);

    public void Dispose() => Directory.Delete(tempDir, recursive: true);

    private static string Written(CaseGenerator generator, int count, CaseFormat format)
    {
        using var stream = new MemoryStream();
        PopulationWriter.Write(generator, count, stream, format);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Months with both offsets, the fear rule and the CBP One end, and a case with every fact and field.</summary>
    public static TheoryData<int, int> Months => new() { { 2024, 7 }, { 2024, 3 }, { 2024, 11 }, { 2024, 6 }, { 2025, 1 }, { 2021, 10 } };

    [Theory]
    [MemberData(nameof(Months))]
    public void Jsonl_EveryLine_IsWhatCaseJsonReaderWriteGives(int year, int month)
    {
        var generator = new CaseGenerator(TestData.Mix(new YearMonth(year, month)), 77);
        var count = 50_000;
        var lines = Written(generator, count, CaseFormat.JsonLines).Split('\n');
        Assert.Equal(count + 1, lines.Length);
        Assert.Equal(string.Empty, lines[^1]);
        var i = 0;
        foreach (var c in generator.Generate(count))
        {
            Assert.Equal(CaseJsonReader.Write(c), lines[i++]);
        }
    }

    [Fact]
    public void Jsonl_LargeSample_ParsesBackToTheSameCases()
    {
        var generator = new CaseGenerator(TestData.Mix(TestData.July2024), TestData.LargeSeed);
        using var stream = new MemoryStream();
        PopulationWriter.Write(generator, TestData.LargeCount, stream, CaseFormat.JsonLines);
        stream.Position = 0;
        var parsed = CaseJsonReader.ReadLines(stream, "synthetic.jsonl").ToArray();
        Assert.Equal(TestData.LargeCount, parsed.Length);
        Assert.Equal(TestData.JulySample.Select(c => c.Case), parsed.Select(p => p.Case));
        Assert.Equal(Enumerable.Range(1, TestData.LargeCount).Select(n => (long)n), parsed.Select(p => p.Line));
    }

    [Fact]
    public void Jsonl_EveryFactAndField_MatchesCaseJsonReaderWrite()
    {
        // A drawn case cannot hold every fact at once (the consistency rules forbid it), so the formatter is checked
        // field by field on cases that hold each: the first of each kind in a large sample.
        var generator = new CaseGenerator(TestData.Mix(TestData.July2024), 123);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var lines = Written(generator, 300_000, CaseFormat.JsonLines).Split('\n');
        for (var i = 0; i < 300_000; i++)
        {
            var c = generator.CaseAt(i).Case;
            var kinds = ScreeningCase.FactFields.Where(f => c.Has(f.Fact)).Select(f => f.Field)
                .Append("officer:" + c.OfficerDiscretion).Append("ecc:" + c.ExceptionallyCompelling).Append("place:" + c.Place);
            if (kinds.Any(seen.Add))
            {
                Assert.Equal(CaseJsonReader.Write(c), lines[i]);
            }
        }

        // The population draws the facts of its real mix; the December 2026 fields (other lawful permission, a family
        // member's compelling circumstances, 10888 §3 information, CLP transit and denial) have no source data, so
        // synthetic cases leave them absent (unknown or false) rather than invent a share.
        CaseFacts[] undrawn = [CaseFacts.ArmedForcesOrOfficial, CaseFacts.OtherLawfulPermission, CaseFacts.CompellingThroughFamilyMember, CaseFacts.MedicalAndCriminalInfoProvided, CaseFacts.TransitedThirdCountry, CaseFacts.DeniedAsylumInThirdCountry];
        foreach (var (field, _) in ScreeningCase.FactFields.Where(f => !undrawn.Contains(f.Fact)))
        {
            Assert.Contains(field, seen);
        }

        Assert.Contains("officer:Totality", seen);
        Assert.Contains("officer:Operational", seen);
        Assert.Contains("ecc:medical-emergency", seen);
        Assert.Contains("ecc:other", seen);
        Assert.Contains("place:Coastal", seen);
    }

    [Theory]
    [MemberData(nameof(Months))]
    public void Csv_EveryRow_ReadsBackThroughCaseCsvReader(int year, int month)
    {
        var generator = new CaseGenerator(TestData.Mix(new YearMonth(year, month)), 99);
        var text = Written(generator, 20_000, CaseFormat.Csv);
        Assert.StartsWith(string.Join(',', PopulationWriter.CsvFields) + "\n", text, StringComparison.Ordinal);
        var parsed = CaseCsvReader.Read(new StringReader(text), "synthetic.csv").ToArray();
        Assert.Equal(generator.Generate(20_000), parsed.Select(p => p.Case));
        Assert.Equal(2, parsed[0].Line);
    }

    [Fact]
    public void WriteFile_Success_WritesCasesAndProvenanceAndNoTemporaryFile()
    {
        var generator = new CaseGenerator(TestData.Mix(TestData.July2024), 5);
        var path = Path.Combine(tempDir, "sub", "cases.jsonl");
        var bytes = PopulationWriter.WriteFile(generator, 1000, path, CaseFormat.JsonLines, generator.Mix.Provenance);
        Assert.Equal(Written(generator, 1000, CaseFormat.JsonLines), File.ReadAllText(path));
        Assert.Equal(new FileInfo(path).Length, bytes);
        Assert.Equal(generator.Mix.Provenance, File.ReadAllLines(PopulationWriter.MetadataPath(path)));
        Assert.Equal(["cases.jsonl", "cases.jsonl.provenance.txt"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void WriteFile_Cancelled_LeavesThePreviousFileAndNoTemporaryFile()
    {
        var generator = new CaseGenerator(TestData.Mix(TestData.July2024), 5);
        var path = Path.Combine(tempDir, "cases.csv");
        File.WriteAllText(path, "previous");
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => PopulationWriter.WriteFile(generator, 100_000, path, CaseFormat.Csv, ["synthetic: x"], cancel.Token));
        Assert.Equal("previous", File.ReadAllText(path));
        Assert.Equal(["cases.csv"], Directory.GetFiles(tempDir).Select(Path.GetFileName));
    }

    [Fact]
    public void Write_TwoMillionCases_AllocatesOnlyItsBuffer()
    {
        var generator = new CaseGenerator(TestData.Mix(TestData.July2024), 1);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var bytes = PopulationWriter.Write(generator, 2_000_000, Stream.Null, CaseFormat.JsonLines);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(bytes > 2_000_000L * 100);
        Assert.True(allocated < 8L << 20, $"allocated {allocated:N0} bytes for 2,000,000 cases");
    }
}
