using ScottPlot;

namespace Threshold.Simulation.Tests;

/// <summary>
/// Sweeps (issue 18, item 7) in process: a cell is the plain run of the scenario with the swept values set, on the
/// same seed, also under an anchored level whose forecast reads the swept parameter; the grid's order; the charts'
/// layout.
/// </summary>
public sealed class SweepTests
{
    [Fact]
    public void UnderAnAnchoredLevel_SweepingMexicosEnforcement_EachCellIsThePlainRunWithThatValue()
    {
        // baseline-2026's level is forecast with Mexico's enforcement: each cell must prepare its own level.
        var scenario = ScenarioYamlReader.ReadFile(Path.Combine(TestData.RepositoryRoot, "scenarios", "baseline-2026.yaml")).WithRun(12, null);
        Assert.NotNull(scenario.Level);
        var inputs = SimulationInputs.Load(TestData.Source, scenario.MixMonth);
        var spec = new SweepSpec([SweepAxis.Parse("mexico.enforcement_share=0.2..0.6:2")], "encounters_between_ports");
        var sweep = Sweep.Run(scenario, inputs, spec);
        Assert.Equal(2, sweep.Cells.Count);
        foreach (var cell in sweep.Cells)
        {
            var plain = MonteCarlo.Run(Sweep.WithSettings(scenario, spec, cell.Values), inputs, new SimulationOptions { Bands = false });
            for (var p = 0; p < plain.Policies.Count; p++)
            {
                Assert.Equal(plain.Policies[p].Outputs.Select(o => (o.Key, o.Band)), cell.Policies[p].Select(o => (o.Key, o.Band)));
            }
        }
    }

    [Fact]
    public void APreparationIsReusedOnlyForTheSamePoliciesHorizonAndInputs()
    {
        // A sweep cell under a level reuses the first cell's screening tables; a different horizon must not.
        var scenario = ScenarioYamlReader.ReadFile(Path.Combine(TestData.RepositoryRoot, "scenarios", "baseline-2026.yaml")).WithRun(4, null);
        var inputs = SimulationInputs.Load(TestData.Source, scenario.MixMonth);
        var first = MonteCarlo.Prepare(scenario, inputs);
        var again = MonteCarlo.Prepare(scenario, inputs, first);
        Assert.Equal(first.Policies.Select(p => p.Table), again.Policies.Select(p => p.Table));
        Assert.Equal(first.Policies.Select(p => p.DayEnds), again.Policies.Select(p => p.DayEnds));
        var longer = scenario with { End = scenario.End.PlusDays(30) };
        Assert.Throws<ArgumentException>(() => MonteCarlo.Prepare(longer, inputs, first));
    }

    [Fact]
    public void TheFirstParameterVariesFastest_AndTheLastValueIsExactlyHigh()
    {
        var spec = new SweepSpec([SweepAxis.Parse("deterrence.effect=0.1..0.7:3"), SweepAxis.Parse("poe.appointments_per_day=0..1450:2")]);
        Assert.Equal(6, spec.Cells);
        Assert.Equal(SweepSpec.DefaultOutput, spec.Output);
        Assert.Equal([0.7, 0.0], spec.ValuesOf(2));
        Assert.Equal([0.1, 1450.0], spec.ValuesOf(3));
        Assert.Equal(0.7, spec.Axes[0].Values[^1]);
        Assert.Equal("deterrence.effect=0.1..0.7:3", spec.Axes[0].ToString());
    }

    [Fact]
    public void TheCharts_OneParameterHasItsLegendBelowAndItsAxisFromZero_TwoHaveAHeatMapWithAColourBar_AllModeled()
    {
        var small = TestData.Small(paths: 4);
        var line = Sweep.Run(small, TestData.Inputs, new SweepSpec([SweepAxis.Parse("deterrence.effect=0.2..0.6:2")]));
        foreach (var (name, plot) in SweepCharts.Plots(line))
        {
            _ = plot.GetImageBytes(1000, 760, ImageFormat.Png);
            Assert.Equal(0, plot.Axes.GetLimits().Bottom);
            Assert.False(plot.Legend.IsVisible, $"{name}: the legend is drawn inside the data area");
        }

        var grid = Sweep.Run(small, TestData.Inputs, new SweepSpec([SweepAxis.Parse("deterrence.effect=0.2..0.6:2"), SweepAxis.Parse("flow.level_scale=0.8..1.2:2")]));
        var plots = SweepCharts.Plots(grid);
        Assert.Equal(small.Policies.Count, plots.Count);
        foreach (var (_, plot) in plots)
        {
            Assert.Single(plot.GetPlottables().OfType<ScottPlot.Plottables.Heatmap>());
            Assert.Single(plot.Axes.GetPanels().OfType<ScottPlot.Panels.ColorBar>()); // a panel beside the data, not in it
        }

        Assert.All(SweepCharts.All(grid).Where(f => f.Name.EndsWith(".svg", StringComparison.Ordinal)), f => Assert.Contains("MODELED", System.Text.Encoding.UTF8.GetString(f.Bytes), StringComparison.Ordinal));
        Assert.StartsWith("<svg viewBox=", SweepCharts.InlineSvg(grid, 0), StringComparison.Ordinal);

        // One chart by its name (what the API serves) is the file the CLI writes under that name: a PNG byte for byte, an
        // SVG but for the numbers of its element ids (ScottPlot numbers them across the process).
        var all = SweepCharts.All(grid);
        Assert.Equal(all.Select(f => f.Name), SweepCharts.Names(grid));
        static string Ids(byte[] svg) => System.Text.RegularExpressions.Regex.Replace(System.Text.Encoding.UTF8.GetString(svg), "#?(cl|img)_[0-9a-f]+", "$1_n");
        Assert.All(all, f => Assert.Equal(
            f.Name.EndsWith(".png", StringComparison.Ordinal) ? Convert.ToHexString(f.Bytes) : Ids(f.Bytes),
            f.Name.EndsWith(".png", StringComparison.Ordinal) ? Convert.ToHexString(SweepCharts.File(grid, f.Name)!) : Ids(SweepCharts.File(grid, f.Name)!)));
        Assert.Null(SweepCharts.File(grid, "sweep-days_active-no-such-policy.png"));
    }
}
