using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Threshold.Screening;

namespace Threshold.Population.Tests;

/// <summary>Properties of any case of any month and seed: consistency, the contract bytes, and independence of the draw order.</summary>
public sealed class PropertyTests
{
    private static readonly YearMonth[] Months =
    [
        new(2021, 10), new(2023, 5), new(2023, 10), new(2023, 11), new(2024, 3), new(2024, 6), new(2024, 7), new(2024, 11),
        new(2024, 12), new(2025, 1), new(2025, 8), new(2026, 2),
    ];

    private static Arbitrary<(YearMonth Month, ulong Seed, int Index)> Draws() =>
        Gen.Choose(0, Months.Length - 1)
            .Zip(ArbMap.Default.GeneratorFor<ulong>())
            .Zip(Gen.Choose(0, 99_999_999))
            .Select(t => (Months[t.Item1.Item1], t.Item1.Item2, t.Item2))
            .ToArbitrary();

    [Property(MaxTest = 3000)]
    public Property AnyCase_IsConsistentAndWrittenAsTheContractSays() => Prop.ForAll(Draws(), draw =>
    {
        var mix = TestData.Mix(draw.Month);
        var generator = new CaseGenerator(mix, draw.Seed);
        var sc = generator.CaseAt(draw.Index);
        var broken = TestData.BrokenRule(sc, mix);
        var d = default(DrawnCase);
        generator.Draw(draw.Index, ref d);
        var buffer = new byte[CaseFormatter.MaxLineBytes];
        var length = new CaseFormatter(generator).WriteJson(d, buffer);
        var line = Encoding.UTF8.GetString(buffer, 0, length);
        var parsed = CaseJsonReader.Parse(Encoding.UTF8.GetBytes(line.TrimEnd('\n')), "property", 1, multiLine: false);
        return (broken is null).Label($"rule: {broken}")
            .And((line == CaseJsonReader.Write(sc.Case) + "\n").Label("bytes as CaseJsonReader.Write"))
            .And((parsed == sc.Case).Label("parses back"))
            .And((new CaseGenerator(mix, draw.Seed).CaseAt(draw.Index) == sc).Label("same on a fresh generator"))
            .And((sc.Case.Id == CaseGenerator.CaseId(draw.Month, draw.Index + 1L)).Label("id"));
    });
}
