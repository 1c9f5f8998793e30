using NodaTime;
using Threshold.Simulation;

namespace Threshold.Simulation.Tests;

public class SimulationBehaviourTests
{
    [Fact]
    public void Run_SameScenarioAndSeed_GivesByteIdenticalOutputsWhateverTheThreadCount()
    {
        var scenario = TestData.Small(paths: 40);
        var one = MonteCarlo.Run(scenario, TestData.Inputs, new SimulationOptions { Threads = 1 });
        var two = MonteCarlo.Run(scenario, TestData.Inputs, new SimulationOptions { Threads = 2 });
        var again = MonteCarlo.Run(scenario, TestData.Inputs, new SimulationOptions { Threads = 2 });

        Assert.Equal(ResultFormats.Json(one), ResultFormats.Json(two));
        Assert.Equal(ResultFormats.Json(two), ResultFormats.Json(again));
        Assert.Equal(ResultFormats.DailyCsv(one), ResultFormats.DailyCsv(two));
        Assert.Equal(ResultFormats.MonthlyReturnsCsv(one), ResultFormats.MonthlyReturnsCsv(two));
    }

    [Fact]
    public void Run_DifferentSeed_GivesDifferentBands()
    {
        var a = MonteCarlo.Run(TestData.Small(paths: 24), TestData.Inputs);
        var b = MonteCarlo.Run(TestData.Small(paths: 24).WithRun(null, 8), TestData.Inputs);
        Assert.NotEqual(ResultFormats.SummaryCsv(a), ResultFormats.SummaryCsv(b));
    }

    [Fact]
    public void CommonRandomNumbers_TheSamePolicyTwice_GetsIdenticalBands()
    {
        // Two labels for one policy see the same futures, so every output must agree exactly: differences between
        // policies in a run come from the policies, not from noise.
        var scenario = TestData.Small(paths: 30, extraPolicies: """
              - id: proclamation-10773
                label: proclamation-again
            """);
        var result = MonteCarlo.Run(scenario, TestData.Inputs);
        var first = result.Policy("proclamation-10773");
        var again = result.Policy("proclamation-again");
        Assert.Equal(first.Outputs.Select(o => o.Band), again.Outputs.Select(o => o.Band));
        Assert.Equal(first.DailyAverage, again.DailyAverage);
    }

    [Fact]
    public void CommonRandomNumbers_APathsFutureDoesNotDependOnHowManyPathsRun()
    {
        var settings = ModelParameters.Catalogue.Select(p => new ParameterSetting(p, p.PlausibleLow, p.PlausibleHigh, "test")).ToArray();
        var alone = PathDraw.Create(99, 5, settings, 400);
        var again = PathDraw.Create(99, 5, settings, 400);
        var other = PathDraw.Create(99, 6, settings, 400);
        Assert.Equal(alone.Noise, again.Noise);
        Assert.Equal(alone.Values, again.Values);
        Assert.NotEqual(alone.Noise, other.Noise);
    }

    [Fact]
    public void SenateAuthority_UnreachableActivationThreshold_NeverApplies()
    {
        // LEGAL-SPEC §4.2: activation needs a 7-day average ≥ 5,000 [S], one day ≥ 8,500 [S], or ≥ 4,000 with discretion
        // exercised [V-off]; with the first two out of reach and discretion not exercised it never activates.
        var scenario = TestData.Read("""
            name: unreachable
            seed: 3
            paths: 16
            horizon: { start: 2024-06-05, years: 1 }
            policies:
              - id: senate-border-act-2024
                label: senate-unreachable
                in_force: 2024-06-05
                set:
                  activate.threshold: 1000000
                  activate.single_day_threshold: 10000000
                  activate.discretionary_exercised: false
            parameters:
              mexico.enforcement_share: { preset: "2023" }
            """);
        var result = MonteCarlo.Run(scenario, TestData.Inputs);
        var days = result.Policy("senate-unreachable").Output("days_active").Band;
        Assert.Equal(new Band(0, 0, 0, 0), days);
        Assert.Equal(0, result.Policy("senate-unreachable").Output("people_subject").Band.P90);
    }

    [Fact]
    public void SenateAuthority_HighFlows_ActiveDaysStopAtTheYearCaps()
    {
        // LEGAL-SPEC §4.5 [S]: at most 270, 225 and 180 activated days in years 1, 2 and 3 (S. 4361 as reported). With
        // flows far above every threshold the authority is active every day it may be: 270 + 225 + 180 = 675.
        var scenario = TestData.Read("""
            name: caps
            seed: 4
            paths: 8
            horizon: { start: 2024-06-05, years: 3 }
            policies:
              - id: senate-border-act-2024
                label: senate
                in_force: 2024-06-05
            parameters:
              flow.level_scale: 3
              deterrence.effect: 0.2
            """);
        var senate = MonteCarlo.Run(scenario, TestData.Inputs).Policy("senate");
        Assert.Equal(675, senate.Output("days_active").Band.P50);
        Assert.Equal(675, senate.Output("days_active").Band.P10);
        // Every other day of the 1,095 is capped, bar the few before the first activation.
        Assert.InRange(senate.Output("cap_binding_days").Band.P50, 1095 - 675 - 14, 1095 - 675);
    }

    [Fact]
    public void Proclamation_InForceThroughout_AppliesEveryDayWhenFlowsStayHigh()
    {
        // 10773 §1 [V]: in effect from 12:01 a.m. EDT June 5, 2024; §2(a) [V] it ends only after a 7-day average
        // below 1,500 (v1) or 28 such days (10817 §1 [V]). Mexico at its 2023 share keeps flows far above that.
        var result = MonteCarlo.Run(TestData.Small(paths: 16), TestData.Inputs);
        var days = result.Policy("proclamation-10773").Output("days_active").Band;
        Assert.Equal(365, days.P10);
        Assert.True(result.Policy("proclamation-10773").Output("people_subject").Band.P50 > 0);
    }

    [Fact]
    public void Calibration_ReproducesTheRealQuarterlyUsbpLevel_WithinFivePercent()
    {
        // The level is calibrated to Q1 2024 (Calibration.LevelMonths) with Mexico's 2024 share; before June 5, 2024
        // no policy applies, so the model's median Jan–Mar 2024 must match the real total
        // (data/source/usbp_swb_monthly_encounters_2017_2026_cbp_published.csv: 124,215 + 140,641 + 137,473) within 5%,
        // and each month within 20% (seasonality is a 2010–2019 average; March 2024 was 19% below its usual share).
        var scenario = TestData.Read("""
            name: calibration-check
            seed: 11
            paths: 200
            horizon: { start: 2024-01-01, end: 2024-03-31 }
            policies:
              - id: proclamation-10773
            """);
        var result = MonteCarlo.Run(scenario, TestData.Inputs);
        var months = result.Policy("proclamation-10773").MonthlyEncounters;
        long[] real = [124_215, 140_641, 137_473];
        Assert.Equal(3, months.Count);
        for (var m = 0; m < 3; m++)
        {
            Assert.InRange(months[m].P50 / real[m], 0.80, 1.20);
        }

        Assert.InRange(months.Sum(b => b.P50) / real.Sum(), 0.95, 1.05);
        Assert.Equal(0, result.Policy("proclamation-10773").Output("days_active").Band.P90);
    }

    [Fact]
    public void Backtest_RunsAndReportsEveryMonthAndTheStatements()
    {
        var report = Backtest.Run(TestData.Source, paths: 40, seed: 5, threads: null, progress: null, cancellationToken: default);
        Assert.Equal(8, report.Months.Count);
        Assert.Equal(new YearMonth(2024, 6), report.Months[0].Month);
        Assert.Equal(83_532, report.Months[0].Actual);
        Assert.Contains(report.Statements, s => s.ReferenceDate == "2024-06-25" && s.Value == 2400);
        Assert.Contains(report.Statements, s => s.ReferenceDate == "2024-07-24" && s.Value == 1800);
        Assert.InRange(report.MexicoShare, 0.3, 0.8);
        Assert.Contains("MODELED", Backtest.MonthlyCsv(report), StringComparison.Ordinal);
        Assert.Contains("\"modeled\": true", Backtest.Json(report), StringComparison.Ordinal);
    }

    [Fact]
    public void Hr2_DatedDeterminations_ApplyExactlyBetweenThem()
    {
        // H.R. 2 has no numeric trigger (LEGAL-SPEC §5): the suspension follows the dated determinations supplied,
        // whatever the flows. law/policies/hr2-2023.yaml: active by default from the in-force date (no operational
        // control, Secure Fence Act §2(b) [U]); a determination takes effect the next day [U]. So active from
        // 2024-06-05 to 2025-01-01 inclusive (the 2024-07-01 "active" changes nothing) = 211 days, one transition.
        var scenario = TestData.Read("""
            name: hr2
            seed: 2
            paths: 8
            horizon: { start: 2024-06-05, years: 1 }
            policies:
              - id: hr2-2023
                in_force: 2024-06-05
                determinations: { 2024-07-01: active, 2025-01-01: inactive }
            """);
        var hr2 = MonteCarlo.Run(scenario, TestData.Inputs).Policy("hr2-2023");
        Assert.Empty(hr2.Thresholds);
        Assert.Equal(new Band(211, 211, 211, 211), hr2.Output("days_active").Band);
        Assert.Equal(1, hr2.Output("transitions").Band.P50);
    }

    [Fact]
    public void Result_SaysWhichPoliciesAreHypothetical()
    {
        // LEGAL-SPEC §4.1: neither Senate vehicle was enacted; 10773 took effect June 5, 2024 (§1.1 [V]).
        var result = MonteCarlo.Run(TestData.Small(paths: 4), TestData.Inputs);
        Assert.Equal("in-force", result.Policy("proclamation-10773").Standing);
        Assert.Equal("hypothetical", result.Policy("senate").Standing);
        Assert.Contains(result.Policy("senate").Caveats, c => c.Contains("in-force date", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("\"standing\": \"hypothetical\"", ResultFormats.Json(result), StringComparison.Ordinal);
    }

    [Fact]
    public void EveryOutput_SaysModeled()
    {
        var result = MonteCarlo.Run(TestData.Small(paths: 8), TestData.Inputs, new SimulationOptions { Bands = true });
        Assert.Contains("\"modeled\": true", ResultFormats.Json(result), StringComparison.Ordinal);
        foreach (var csv in new[] { ResultFormats.SummaryCsv(result), ResultFormats.DailyCsv(result), ResultFormats.MonthlyReturnsCsv(result), ResultFormats.ParametersCsv(result) })
        {
            Assert.StartsWith("# MODELED", csv, StringComparison.Ordinal);
        }

        foreach (var (name, bytes) in SimulationCharts.All(result).Where(c => c.Name.EndsWith(".svg", StringComparison.Ordinal)))
        {
            Assert.True(System.Text.Encoding.UTF8.GetString(bytes).Contains("MODELED", StringComparison.Ordinal), name);
        }
    }

    [Fact]
    public void FixedValues_OutsideTheirRangeOrUnknown_Refused()
    {
        // The library's own callers (sensitivity swings, the dashboard) fix values without a scenario file; they get the
        // file's range checks, since the flow model relies on them (every share in [0, 1], every level at least 0).
        var scenario = TestData.Small(paths: 2);
        var high = Assert.Throws<ArgumentOutOfRangeException>(() => MonteCarlo.Run(scenario, TestData.Inputs, new SimulationOptions { Fixed = new Dictionary<string, double> { [ModelParameters.DisplacementShare] = 1.5 } }));
        Assert.Contains(ModelParameters.DisplacementShare, high.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => MonteCarlo.Run(scenario, TestData.Inputs, new SimulationOptions { Fixed = new Dictionary<string, double> { [ModelParameters.Appointments] = double.NaN } }));
        var unknown = Assert.Throws<ArgumentException>(() => MonteCarlo.Run(scenario, TestData.Inputs, new SimulationOptions { Fixed = new Dictionary<string, double> { ["deterrence.strength"] = 0.3 } }));
        Assert.Contains("deterrence.strength", unknown.Message, StringComparison.Ordinal);
    }
}
