using ScottPlot;
using Threshold.Simulation;

namespace Threshold.Simulation.Tests;

/// <summary>
/// The charts of <c>simulate</c> are read by people who print them: a legend inside the data area hid the bands (on
/// the Mexico-returns chart after October 2025), and count axes went below zero, which no count can.
/// </summary>
public sealed class ChartLayoutTests
{
    [Fact]
    public void EveryChartOfARun_HasItsLegendBelowTheData_AndItsCountAxisFromZero()
    {
        var result = MonteCarlo.Run(TestData.Small(paths: 8), TestData.Inputs, new SimulationOptions { Bands = true });
        var plots = SimulationCharts.Plots(result);
        Assert.Contains(plots, p => p.Name == "mexico-returns");
        foreach (var (name, plot) in plots)
        {
            AssertLaidOut(name, plot);
        }
    }

    [Fact]
    public void TheBacktestChart_HasItsLegendBelowTheData_AndItsCountAxisFromZero()
    {
        var report = Backtest.Run(Backtest.February2025, TestData.Source, 8, Backtest.DefaultSeed, threads: null, progress: null, cancellationToken: default);
        AssertLaidOut("backtest-monthly", SimulationCharts.BacktestPlot(report));
    }

    private static void AssertLaidOut(string name, Plot plot)
    {
        _ = plot.GetImageBytes(1100, 680, ImageFormat.Png); // limits and panels as drawn, not as declared
        var limits = plot.Axes.GetLimits();
        Assert.True(limits.Bottom == 0, $"{name}: the count axis starts at {limits.Bottom}, not 0");
        Assert.True(limits.Top > 0, $"{name}: the count axis is empty");
        var hasLabels = plot.GetPlottables().Any(p => p.LegendItems.Any(i => !string.IsNullOrEmpty(i.LabelText)));
        if (hasLabels)
        {
            Assert.False(plot.Legend.IsVisible, $"{name}: the legend is drawn inside the data area");
            Assert.Contains(plot.Axes.GetPanels(), panel => panel is ScottPlot.Panels.LegendPanel);
        }
    }
}
