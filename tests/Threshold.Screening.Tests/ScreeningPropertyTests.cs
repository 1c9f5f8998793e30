using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Threshold.Engine;
using Threshold.Law;
using Threshold.Returns;

namespace Threshold.Screening.Tests;

/// <summary>Invariants of every screening answer under Proclamation 10773, over random cases.</summary>
public sealed class ScreeningPropertyTests
{
    private static readonly Lazy<CaseProcessor> Processor = new(() =>
    {
        var start = new LocalDate(2024, 5, 1);
        const int n = 250;
        var between = Enumerable.Range(0, n).Select(i => i is > 70 and < 90 ? 1000 : 3000).ToArray();
        var series = new EncounterSeries("property", start, n, new Dictionary<EncounterColumn, int[]>
        {
            [EncounterColumn.BetweenPorts] = between,
            [EncounterColumn.Coastal] = new int[n],
            [EncounterColumn.UcNoncontiguousBetweenPorts] = new int[n],
        }, null, []);
        var timeline = SuspensionReplay.Run(CompiledPolicy.Compile(BuiltInPolicies.Get("proclamation-10773")), series);
        return new CaseProcessor(new CaseScreener(timeline), new ReturnsLedger(ArrangementSet.BuiltIn, recordEvents: false));
    });

    private static readonly string[] Countries = ["MX", "GT", "HN", "SV", "CU", "HT", "NI", "VE", "EC", "CO", "IN", "CN"];
    private static readonly string?[] Grounds = [null, null, "medical-emergency", "imminent-threat", "trafficking-victim", "other"];

    private static Arbitrary<ScreeningCase> Cases() =>
        Gen.Choose(0, 240 * 24 - 1).Zip(Gen.Choose(0, ushort.MaxValue)).Zip(Gen.Choose(0, 1000)).Select(t =>
        {
            var ((hours, facts), pick) = t;
            var entered = new LocalDateTime(2024, 5, 2, 0, 0).PlusHours(hours).PlusSeconds(pick % 120).InZoneLeniently(EasternTime.Zone).ToOffsetDateTime();
            return new ScreeningCase(
                $"p{hours}-{facts}-{pick}", entered, (EntryPlace)(pick % 3), Countries[pick % Countries.Length],
                (CaseFacts)(facts & 0x1FF & (pick % 4 == 0 ? 0x1FF : 0x100)), (OfficerDiscretion)(pick % 7 == 0 ? 1 + (pick % 2) : 0), Grounds[pick % Grounds.Length]);
        }).ToArbitrary();

    /// <summary>The entry instant fixed at construction follows the entry time through <c>with</c>, at any offset.</summary>
    [Property(MaxTest = 500)]
    public Property EntryInstant_FollowsEnteredAt_ThroughWith() => Prop.ForAll(Cases(), Gen.Choose(-12 * 60, 14 * 60).Zip(Gen.Choose(-100_000, 100_000)).ToArbitrary(), (c, t) =>
    {
        var (offsetMinutes, shiftMinutes) = t;
        var moved = new OffsetDateTime(c.EnteredAt.LocalDateTime.PlusMinutes(shiftMinutes), Offset.FromSeconds(offsetMinutes * 60));
        var copy = c with { EnteredAt = moved };
        return c.EntryInstant == c.EnteredAt.ToInstant() && copy.EntryInstant == moved.ToInstant() && copy.EnteredAt == moved;
    });

    [Property(MaxTest = 2000)]
    public Property Screen_AnswersAreConsistent() => Prop.ForAll(Cases(), c =>
    {
        var d = Processor.Value.Process(c);
        var r = d.Screening;
        return (!r.FearReferral || r.SuspensionApplies)
            && ((r.ScreeningStandard is not null) == r.FearReferral)
            && (!r.AsylumLimitationApplies || r.SuspensionApplies)
            && (r.Exception is null || !r.SuspensionApplies)
            && (r.Exception is null) == (r.Exceptions.Count == 0)
            && (!c.Has(CaseFacts.UnaccompaniedChild) || !r.SuspensionApplies)
            && (d.ReturnDestination is null || (r.SuspensionApplies && !r.FearReferral))
            && (!r.SuspensionApplies || r.FearReferral || d.ReturnDestination is not null)
            && (!d.Overflow || d.ReturnDestination == c.Citizenship)
            && r.Trace.Count >= 2 + 10
            && r.Citations.Count > 0;
    });

    [Property(MaxTest = 2000)]
    public Property Classify_AgreesWithScreen() => Prop.ForAll(Cases(), c =>
    {
        var screener = Processor.Value.Screener;
        var fast = screener.Classify(c);
        var full = screener.Screen(c);
        return fast.SuspensionApplies == full.SuspensionApplies
            && fast.AsylumLimitationApplies == full.AsylumLimitationApplies
            && fast.FearReferral == full.FearReferral
            && fast.ScreeningStandard == full.ScreeningStandard
            && fast.Removal == full.Removal
            && fast.StatusDay == full.StatusDay;
    });

    [Property(MaxTest = 2000)]
    public Property Classify_LookupTableAgreesWithEveryRule() => Prop.ForAll(Cases(), c =>
    {
        var screener = Processor.Value.Screener;
        var expected = 0UL;
        for (var k = 0; k < screener.Rules.Compiled.Length; k++)
        {
            if (screener.Rules.Compiled[k].Holds(c))
            {
                expected |= 1UL << k;
            }
        }

        return screener.Rules.HoldingTable is not null && screener.Classify(c).HoldingRules == expected;
    });
}

public sealed class CaseJsonReaderTests
{
    [Theory]
    [InlineData("officerException")]
    [InlineData("exceptionallyCompelling")]
    public void Parse_EmptyStringForANullableCode_IsAnErrorNamingTheField(string field)
    {
        var json = $$"""{"id":"a","enteredAt":"2024-07-01T10:00:00-04:00","place":"coastal","citizenship":"HT","{{field}}":""}""";
        var e = Assert.Throws<CaseInputException>(() => CaseJsonReader.Parse(System.Text.Encoding.UTF8.GetBytes(json), "c.jsonl", 7, multiLine: false));
        Assert.StartsWith($"c.jsonl:7: field '{field}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadLines_FastAndFallbackPaths_GiveTheSameCase()
    {
        var fast = """{"id":"a","enteredAt":"2024-07-01T10:00:00-04:00","place":"coastal","citizenship":"HT","manifestsFear":true}""";
        var slow = """{ "manifestsFear": true, "citizenship": "HT", "place": "coastal", "enteredAt": "2024-07-01T10:00:00.000-04:00", "id": "a" }""";
        // Each from its own file: one file may not give the id twice (issue 15).
        static ScreeningCase Read(string line) => CaseJsonReader.ReadLines(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(line + "\n")), "x.jsonl").Single().Case;
        Assert.Equal(Read(fast), Read(slow));
    }
}
