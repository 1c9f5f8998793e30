using NodaTime;
using Threshold.Law;

namespace Threshold.Engine.Tests;

/// <summary>
/// Issue 17, one vocabulary: every what-if the engine refuses is named by a typed <see cref="WhatIfOption"/> with the
/// value the user gave, and its message (neutral) quotes no front end's spelling; a front end's own wording puts its
/// words on the same problem and on the overlays' labels.
/// </summary>
public sealed class WhatIfVocabularyTests
{
    private static readonly EncounterSeries Series = EncounterCsvReader.Read(
        new StringReader("date,between_ports,coastal,ports_of_entry,uc_noncontiguous_between_ports,uc_noncontiguous_ports\n"
            + string.Concat(Enumerable.Range(0, 60).Select(i => $"{new LocalDate(2024, 6, 1).PlusDays(i):yyyy-MM-dd},3000,0,0,0,0\n"))),
        "series.csv");

    /// <summary>A wording that brackets every name, so a test can see which words came from it.</summary>
    private sealed class Brackets : WhatIfWording
    {
        public override string Name(WhatIfOption whatIf) => $"[{whatIf}]";

        public override string Usage(WhatIfOption whatIf) => $"[{whatIf} usage]";
    }

    public static TheoryData<string, WhatIfOption, string?> Refusals() => new()
    {
        { "grammar: set without =", WhatIfOption.Set, "deactivate.threshold" },
        { "grammar: set with no value", WhatIfOption.Set, "deactivate.threshold=" },
        { "grammar: in-force not a date", WhatIfOption.InForce, "2024-13-01" },
        { "grammar: court order without a date", WhatIfOption.CourtOrder, "streak-enjoined" },
        { "grammar: court order with a bad date", WhatIfOption.CourtOrder, "streak-enjoined=2024-02-30" },
        { "grammar: determination state", WhatIfOption.Determination, "2024-07-01=maybe" },
        { "grammar: determination date", WhatIfOption.Determination, "yesterday=active" },
        { "grammar: lag not a number", WhatIfOption.DeterminationLag, "abc" },
        { "grammar: empty order left out", WhatIfOption.WithoutOrder, " " },
        { "policy: unknown parameter", WhatIfOption.Set, "nosuch.param=1" },
        { "policy: value of the wrong type", WhatIfOption.Set, "deactivate.threshold=abc" },
        { "policy: lag out of range", WhatIfOption.DeterminationLag, "-1" },
        { "policy: unknown court order", WhatIfOption.CourtOrder, "nosuch" },
        { "policy: determination for a counted policy", WhatIfOption.Determination, null },
        { "policy: bill without an in-force date", WhatIfOption.InForce, null },
        { "rule version: negative threshold", WhatIfOption.Set, "deactivate.threshold=-5" },
        { "evaluation: an override that changes nothing", WhatIfOption.Set, "deactivate.threshold=1500" },
        { "explain: a date outside the series", WhatIfOption.Date, "2030-01-01" },
        { "official timeline: a what-if", WhatIfOption.Set, "deactivate.threshold=2000" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void EveryRefusal_NamesItsTypedOption_AndQuotesNoFrontEnd(string what, WhatIfOption option, string? value)
    {
        var e = Assert.Throws<ReplayRequestException>(() => Provoke(what));
        var problem = Assert.IsType<WhatIfProblem>(e.WhatIf);
        Assert.Equal(option, problem.Option);
        Assert.Equal(value, problem.Value);
        // A policy's own citation text is law data quoted as written; the engine's words around it name no front end.
        var ownWords = BuiltInPolicies.All().Aggregate(e.Message, (m, p) => m.Replace(p.InForce.Citation.Text, "(citation)", StringComparison.Ordinal));
        Assert.DoesNotContain("--", ownWords, StringComparison.Ordinal);
        Assert.Equal(problem.In(WhatIfWording.Neutral), e.Message);
        var worded = new Brackets().Message(e);
        Assert.Contains($"[{option}", worded, StringComparison.Ordinal);
        Assert.DoesNotContain(WhatIfProblem.UsageMarker, worded, StringComparison.Ordinal);
    }

    [Fact]
    public void AGapInTheSeries_NamesTheAllowGapsOption_InTheCallersWords()
    {
        var csv = "date,between_ports,coastal,ports_of_entry,uc_noncontiguous_between_ports,uc_noncontiguous_ports\n2024-06-01,1,0,0,0,0\n2024-06-03,1,0,0,0,0\n";
        var e = Assert.Throws<InputFileException>(() => EncounterCsvReader.Read(new StringReader(csv), "gappy.csv"));
        Assert.Equal(WhatIfOption.AllowGaps, e.WhatIf?.Option);
        Assert.StartsWith("gappy.csv:2: gap in dates: 2024-06-02 is missing", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("--", e.Message, StringComparison.Ordinal);
        Assert.Equal("gappy.csv:2: gap in dates: 2024-06-02 is missing (1 day(s) missing in all); pass [AllowGaps usage] to replay with undeterminable windows instead", new Brackets().Message(e));
    }

    [Fact]
    public void OverlayLabels_CitationsAndCaveats_AreInTheCallersWords()
    {
        var options = WhatIfGrammar.Options(new WhatIfText { Set = ["deactivate.threshold=2000"], CourtOrder = ["streak-enjoined=2024-07-01"], DeterminationLag = "2" }, new Brackets());
        var compiled = CompiledPolicy.Compile(BuiltInPolicies.Get("proclamation-10773"), options);
        Assert.Equal(
            ["[Set] deactivate.threshold=2000", "[DeterminationLag] 2", .. Enumerable.Repeat("[CourtOrder] streak-enjoined=2024-07-01", compiled.Overlays.Count - 2)],
            compiled.Overlays.Select(o => o.Label));
        Assert.Equal([WhatIfOption.Set, WhatIfOption.DeterminationLag], compiled.Overlays.Take(2).Select(o => o.Option));
        Assert.Equal("[Set] deactivate.threshold=2000; not law", compiled.Policy.ParametersByName["deactivate.threshold"].On(new LocalDate(2024, 6, 1)).Citation.Source);
        Assert.Contains(compiled.Policy.Caveats, c => c.StartsWith("What-if: [Set] deactivate.threshold=2000 replaces", StringComparison.Ordinal));

        var neutral = CompiledPolicy.Compile(BuiltInPolicies.Get("proclamation-10773"), options with { Wording = WhatIfWording.Neutral });
        Assert.Equal("set deactivate.threshold=2000", neutral.Overlays[0].Label);
        Assert.DoesNotContain(neutral.Policy.Caveats, c => c.StartsWith("What-if:", StringComparison.Ordinal) && c.Contains("--", StringComparison.Ordinal));
    }

    [Fact]
    public void TheGrammar_ParsesWhatBothFrontEndsAccept()
    {
        var options = WhatIfGrammar.Options(
            new WhatIfText { InForce = "2024-06-05", DeterminationLag = "3", Set = [" deactivate.threshold = 2000 "], CourtOrder = ["streak-enjoined=2024-11-01"], Determination = ["2024-07-01=active", "2024-08-01=inactive"] },
            WhatIfWording.Neutral);
        Assert.Equal(new LocalDate(2024, 6, 5), options.InForce);
        Assert.Equal(3, options.DeterminationLagDays);
        Assert.Equal(new ParameterOverride("deactivate.threshold", "2000"), Assert.Single(options.Overrides));
        Assert.Equal(new CourtOrderInput("streak-enjoined", new LocalDate(2024, 11, 1)), Assert.Single(options.CourtOrders));
        Assert.Equal([new SecretaryDeterminationInput(new LocalDate(2024, 7, 1), true), new SecretaryDeterminationInput(new LocalDate(2024, 8, 1), false)], options.Determinations);
        Assert.Equal(["las-americas-2025"], WhatIfGrammar.WithoutOrders([" las-americas-2025", "las-americas-2025"]));
    }

    [Fact]
    public void TheNeutralWording_NamesEveryOption() =>
        Assert.All(Enum.GetValues<WhatIfOption>(), o =>
        {
            Assert.False(string.IsNullOrWhiteSpace(WhatIfWording.Neutral.Name(o)));
            Assert.False(string.IsNullOrWhiteSpace(WhatIfWording.Neutral.Usage(o)));
        });

    private static void Provoke(string what)
    {
        var p10773 = BuiltInPolicies.Get("proclamation-10773");
        ReplayOptions Parse(WhatIfText text) => WhatIfGrammar.Options(text, WhatIfWording.Neutral);
        void Compile(PolicyDocument policy, WhatIfText text) => CompiledPolicy.Compile(policy, Parse(text));
        switch (what)
        {
            case "grammar: set without =": Parse(new() { Set = ["deactivate.threshold"] }); break;
            case "grammar: set with no value": Parse(new() { Set = ["deactivate.threshold="] }); break;
            case "grammar: in-force not a date": Parse(new() { InForce = "2024-13-01" }); break;
            case "grammar: court order without a date": Parse(new() { CourtOrder = ["streak-enjoined"] }); break;
            case "grammar: court order with a bad date": Parse(new() { CourtOrder = ["streak-enjoined=2024-02-30"] }); break;
            case "grammar: determination state": Parse(new() { Determination = ["2024-07-01=maybe"] }); break;
            case "grammar: determination date": Parse(new() { Determination = ["yesterday=active"] }); break;
            case "grammar: lag not a number": Parse(new() { DeterminationLag = "abc" }); break;
            case "grammar: empty order left out": WhatIfGrammar.WithoutOrders([" "]); break;
            case "policy: unknown parameter": Compile(p10773, new() { Set = ["nosuch.param=1"] }); break;
            case "policy: value of the wrong type": Compile(p10773, new() { Set = ["deactivate.threshold=abc"] }); break;
            case "policy: lag out of range": Compile(p10773, new() { DeterminationLag = "-1" }); break;
            case "policy: unknown court order": Compile(p10773, new() { CourtOrder = ["nosuch=2024-11-01"] }); break;
            case "policy: determination for a counted policy": Compile(p10773, new() { Determination = ["2024-07-01=active"] }); break;
            case "policy: bill without an in-force date": Compile(BuiltInPolicies.Get("senate-border-act-2024"), new()); break;
            case "rule version: negative threshold": Compile(p10773, new() { Set = ["deactivate.threshold=-5"] }); break;
            case "evaluation: an override that changes nothing":
                OverlayEvaluation.RequireEffect(SuspensionReplay.Run(CompiledPolicy.Compile(p10773, Parse(new() { Set = ["deactivate.threshold=1500"] })), Series));
                break;
            case "explain: a date outside the series":
                DayExplanation.For(SuspensionReplay.Run(CompiledPolicy.Compile(p10773), Series), new LocalDate(2030, 1, 1));
                break;
            case "official timeline: a what-if":
                SuspensionReplay.Run(CompiledPolicy.Compile(p10773, Parse(new() { Set = ["deactivate.threshold=2000"] })), Series, TimelineKind.Official);
                break;
            default: throw new ArgumentOutOfRangeException(nameof(what), what, "no such case");
        }
    }
}
