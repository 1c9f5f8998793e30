using NodaTime;
using Threshold.Engine;
using Threshold.Law;
using Threshold.Returns;
using Threshold.Screening;

namespace Threshold.Simulation.Tests;

/// <summary>The two additions the simulator needs from the real rules: aggregate ledger allocation and screening with a given status.</summary>
public class EngineHookTests
{
    [Fact]
    public void AllocateCount_EqualsThatManySingleAllocations_AcrossTheMonthlyCap()
    {
        // law/arrangements/mexico-returns.yaml: Venezuelans go to Mexico under a 30,000-a-month cap (CBP statement,
        // May 2023 [V-off], LEGAL-SPEC §6); the 30,001st of a month overflows to the country of citizenship.
        var singles = new ReturnsLedger(ArrangementSet.BuiltIn, recordEvents: false);
        var counts = new ReturnsLedger(ArrangementSet.BuiltIn, recordEvents: false);
        var day = new LocalDate(2024, 7, 10);
        var instant = day.At(new LocalTime(12, 0)).InZoneLeniently(ReturnsLedger.Eastern).ToInstant();
        for (var i = 0; i < 30_010; i++)
        {
            singles.Allocate(new ReturnRequest($"c{i}", "VE", instant, false));
        }

        for (var i = 0; i < 5; i++)
        {
            singles.Allocate(new ReturnRequest($"m{i}", "MX", instant, false));
            singles.Allocate(new ReturnRequest($"g{i}", "GT", instant, false));
            singles.Allocate(new ReturnRequest($"u{i}", "HN", instant, true));
        }

        var first = counts.AllocateCount(day, "VE", false, 29_995);
        var second = counts.AllocateCount(day, "VE", false, 15);
        var mexican = counts.AllocateCount(day, "MX", false, 5);
        var guatemalan = counts.AllocateCount(day, "GT", false, 5);
        var child = counts.AllocateCount(day, "HN", true, 5);

        Assert.Equal(new ReturnCountAllocation(29_995, 0, 0, 0), first);
        Assert.Equal(new ReturnCountAllocation(5, 10, 0, 0), second);
        Assert.Equal(5, mexican.MexicanNationals);
        Assert.Equal(5, guatemalan.ToCitizenship);
        Assert.Equal(5, child.ToCitizenship);
        Assert.Equal(singles.Report(), counts.Report());
        Assert.Equal(singles.Count, counts.Count);
    }

    [Fact]
    public void Clear_MakesTheLedgerAsNew_SoTheCapStartsAgain()
    {
        var ledger = new ReturnsLedger(ArrangementSet.BuiltIn, recordEvents: false);
        var day = new LocalDate(2024, 7, 10);
        ledger.AllocateCount(day, "VE", false, 30_000);
        ledger.Clear();
        Assert.Equal(0, ledger.Count);
        Assert.Equal(new ReturnsLedger(ArrangementSet.BuiltIn, recordEvents: false).Report(), ledger.Report());
        Assert.Equal(new ReturnCountAllocation(30_000, 5, 0, 0), ledger.AllocateCount(day, "VE", false, 30_005));
    }

    [Fact]
    public void AllocateCount_RefusesALedgerThatRecordsEvents()
    {
        var ledger = new ReturnsLedger(ArrangementSet.BuiltIn, recordEvents: true);
        Assert.Throws<InvalidOperationException>(() => ledger.AllocateCount(new LocalDate(2024, 7, 1), "VE", false, 1));
    }

    [Fact]
    public void ClassifyWithStatus_GivenTheTimelinesOwnStatus_AgreesWithClassify()
    {
        var policy = CompiledPolicy.Compile(BuiltInPolicies.Get("proclamation-10773"));
        var start = new LocalDate(2024, 6, 1);
        var days = 30;
        var columns = EncounterColumns.All.ToDictionary(c => c, c => Enumerable.Repeat(c == EncounterColumn.BetweenPorts ? 4000 : 0, days).ToArray());
        var timeline = SuspensionReplay.Run(policy, new EncounterSeries("test", start, days, columns, null, ["modeled: test"]));
        var screener = new CaseScreener(timeline);
        foreach (var d in new[] { 1, 3, 4, 10, 29 })
        {
            var date = start.PlusDays(d);
            var c = new ScreeningCase("t", date.At(new LocalTime(12, 0)).InZoneLeniently(EasternTime.Zone).ToOffsetDateTime(), EntryPlace.BetweenPorts, "GT", CaseFacts.None, OfficerDiscretion.None, null);
            Assert.Equal(screener.Classify(c), screener.ClassifyWithStatus(c, timeline.StatusOn(d), date));
        }

        // And the status is what decides: the same case on an inactive day is not subject (10773 §1 [V]).
        var july = new ScreeningCase("t", new LocalDate(2024, 6, 20).At(new LocalTime(12, 0)).InZoneLeniently(EasternTime.Zone).ToOffsetDateTime(), EntryPlace.BetweenPorts, "GT", CaseFacts.None, OfficerDiscretion.None, null);
        Assert.True(screener.ClassifyWithStatus(july, DayStatus.Active, new LocalDate(2024, 6, 20)).SuspensionApplies);
        Assert.False(screener.ClassifyWithStatus(july, DayStatus.Inactive, new LocalDate(2024, 6, 20)).SuspensionApplies);
    }
}
