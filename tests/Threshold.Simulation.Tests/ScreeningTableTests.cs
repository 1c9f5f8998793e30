using NodaTime;
using Threshold.Engine;
using Threshold.Screening;

namespace Threshold.Simulation.Tests;

/// <summary>
/// The screening table screens one day per court-order relief (<see cref="CaseScreener.ReliefAt"/>) instead of every
/// day. These tests hold it to the reference that screens every day on its own, for every built-in policy, over a
/// horizon that crosses court orders, rule versions and 10888's start.
/// </summary>
public sealed class ScreeningTableTests
{
    /// <summary>2024-03-01 to 2027-02-28: 10773's June 5, 2024 start and October 1, 2024 version, 10888, and the RAICES and Las Americas orders.</summary>
    private static Scenario Policies() => TestData.Read("""
        name: screening table
        seed: 1
        paths: 1
        horizon: { start: 2024-03-01, years: 3 }
        policies:
          - id: proclamation-10773
          - id: proclamation-10773
            label: p10773-court-order
            court_orders: { streak-enjoined: 2024-11-15 }
          - id: senate-border-act-2024
            label: senate
            in_force: 2024-06-05
          - id: hr2-2023
            in_force: 2024-06-05
            determinations: { 2024-10-02: active, 2025-01-06: inactive }
          - id: proclamation-10888
        """);

    /// <summary>The simulator's days for <paramref name="scenario"/> (warm-up and horizon) and a series of zeros over them to screen against, as <c>MonteCarlo.Prepare</c> makes them.</summary>
    private static (LocalDate First, int Days, EncounterSeries Probe) Probe(Scenario scenario)
    {
        var first = scenario.Start.PlusDays(-Scenario.WarmUpDays);
        var days = Scenario.WarmUpDays + scenario.HorizonDays;
        return (first, days, new EncounterSeries("screening probe", first, days, EncounterColumns.All.ToDictionary(c => c, _ => new int[days]), null, ["modeled: screening probe"]));
    }

    [Fact]
    public void OneDayPerReliefGivesTheTableOfEveryDayScreenedOnItsOwn()
    {
        var scenario = Policies();
        var (first, days, probe) = Probe(scenario);
        var reliefsSeen = 0;
        foreach (var policy in scenario.Policies)
        {
            var screener = new CaseScreener(SuspensionReplay.Run(policy.Compile(), probe));
            var fast = ScreeningTable.Build(screener, TestData.Inputs.Mix, first, days);
            var reference = ScreeningTable.Build(screener, TestData.Inputs.Mix, first, days, everyDay: true);

            Assert.Equal(reference.RemovalKinds, fast.RemovalKinds);
            Assert.Equal(reference.UcNoncontiguousShare, fast.UcNoncontiguousShare);
            Assert.Equal(reference.RegimeCount, fast.RegimeCount);
            Assert.Equal(reference.RegimeOfDay.ToArray(), fast.RegimeOfDay.ToArray());
            foreach (var (fear, officer) in new[] { (0.37, 0.05), (0.0, 1.0), (1.0, 0.0) })
            {
                var (w, v) = (reference.Weigh(fear, officer), fast.Weigh(fear, officer));
                for (var r = 0; r < reference.RegimeCount; r++)
                {
                    foreach (var status in Enum.GetValues<DayStatus>())
                    {
                        Assert.True(w.For(r, status).SequenceEqual(v.For(r, status)), $"{policy.Label}: regime {r}, status {status}, shares {fear}/{officer}");
                    }
                }
            }

            reliefsSeen = Math.Max(reliefsSeen, Enumerable.Range(0, days).Select(d => screener.ReliefAt(first.PlusDays(d).At(new LocalTime(12, 0)).InZoneLeniently(EasternTime.Zone).ToOffsetDateTime())).Distinct().Count());
        }

        // The horizon must cross a change of relief, or the test would not exercise the sharing of rows.
        Assert.True(reliefsSeen >= 2, $"at most {reliefsSeen} relief over the horizon");
    }

    /// <summary>
    /// <see cref="Weights.Weighed"/> marks exactly the statuses with a coefficient that is not zero, in every regime of
    /// every built-in policy; a day not in force is never weighed and an active suspension always is. A batch's people
    /// under an unweighed status change nothing: their cell is cleared and the carry, the totals and the pending mark stay
    /// as they were, as the products n × 0 would leave them.
    /// </summary>
    [Fact]
    public void WeighedStatusesAreThoseWithACoefficient_AndAnUnweighedBatchChangesNothing()
    {
        var scenario = Policies();
        var (first, days, probe) = Probe(scenario);
        foreach (var policy in scenario.Policies)
        {
            var table = ScreeningTable.Build(new CaseScreener(SuspensionReplay.Run(policy.Compile(), probe)), TestData.Inputs.Mix, first, days);
            var weights = table.Weigh(0.37, 0.05);
            for (var r = 0; r < table.RegimeCount; r++)
            {
                var expected = Enum.GetValues<DayStatus>().Where(s => weights.For(r, s).ToArray().Any(x => x != 0)).Aggregate(0, (bits, s) => bits | (1 << (int)s));
                Assert.Equal(expected, weights.Weighed(r));
                Assert.Equal(0, weights.Weighed(r) & (1 << (int)DayStatus.NotInForce));
                Assert.NotEqual(0, weights.Weighed(r) & (1 << (int)DayStatus.Active));

                var unweighed = Enum.GetValues<DayStatus>().First(s => (weights.Weighed(r) & (1 << (int)s)) == 0);
                var sums = new double[FlowModel.StatusCount * 4];
                sums.AsSpan(4 * (int)unweighed, 4).Fill(1234.5);
                var carry = Enumerable.Range(0, weights.RemovalKinds).Select(k => 0.25 * k).ToArray();
                var before = (double[])carry.Clone();
                var totals = new FlowModel.ScreenedTotals { Subject = 3, Fear = 2, Contiguous = 1, ContiguousBatch = 0.5 };
                FlowModel.ApplyWeights(weights, r, sums, 1 << (int)unweighed, carry, inHorizon: true, ref totals);
                Assert.All(sums, x => Assert.Equal(0, x));
                Assert.Equal(before, carry);
                Assert.Equal((3.0, 2.0, 1.0, 0.5, false), (totals.Subject, totals.Fear, totals.Contiguous, totals.ContiguousBatch, totals.CarryPending));
            }
        }
    }
}
