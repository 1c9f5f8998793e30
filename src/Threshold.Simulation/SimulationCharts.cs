using System.Text;
using ScottPlot;

namespace Threshold.Simulation;

/// <summary>
/// The charts of a run, drawn with ScottPlot as PNG and SVG: a fan chart of the daily 7-day average per policy with its
/// thresholds, days active by policy, and Mexico's monthly returns under capped arrangements against the cap. Every
/// title says MODELED.
/// </summary>
public static class SimulationCharts
{
    private const int Width = 1100;
    private const int Height = 560;

    /// <summary>File name → bytes for every chart of <paramref name="result"/>.</summary>
    public static IReadOnlyList<(string Name, byte[] Bytes)> All(SimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var files = new List<(string, byte[])>();
        foreach (var p in result.Policies)
        {
            files.AddRange(Both($"fan-{p.Label}", FanChart(result, p)));
        }

        files.AddRange(Both("days-active", DaysActive(result)));
        files.AddRange(Both("mexico-returns", MexicoReturns(result)));
        return files;
    }

    /// <summary>The backtest's chart: modeled monthly bands against the real monthly totals.</summary>
    public static IReadOnlyList<(string Name, byte[] Bytes)> Backtest(BacktestReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var plot = new Plot();
        plot.Title($"Backtest {report.First:yyyy-MM} to {report.Last:yyyy-MM}: MODELED monthly USBP encounters (P10–P90, P50) against the real totals");
        var xs = report.Months.Select(m => OaDate(m.Month.OnDayOfMonth(15))).ToArray();
        var fill = plot.Add.FillY(xs, report.Months.Select(m => m.Modeled.P10).ToArray(), report.Months.Select(m => m.Modeled.P90).ToArray());
        fill.LegendText = "MODELED P10–P90";
        var median = plot.Add.Scatter(xs, report.Months.Select(m => m.Modeled.P50).ToArray());
        median.LegendText = "MODELED P50";
        var real = plot.Add.Scatter(xs, report.Months.Select(m => (double)m.Actual).ToArray());
        real.LegendText = "real (CBP published)";
        real.LineWidth = 3;
        plot.Axes.DateTimeTicksBottom();
        plot.YLabel("USBP southwest encounters per month");
        plot.ShowLegend();
        return [.. Both("backtest-monthly", plot)];
    }

    private static Plot FanChart(SimulationResult result, PolicyResult policy)
    {
        var plot = new Plot();
        plot.Title($"{policy.Label}: 7-day average of the counted encounters, P10–P90 and P50 over {result.Paths:N0} paths (MODELED)");
        var n = policy.DailyAverage.Count;
        var xs = Enumerable.Range(0, n).Select(d => OaDate(result.Start.PlusDays(d))).ToArray();
        var fill = plot.Add.FillY(xs, policy.DailyAverage.Select(b => b.P10).ToArray(), policy.DailyAverage.Select(b => b.P90).ToArray());
        fill.LegendText = "P10–P90";
        fill.FillStyle.Color = Colors.SteelBlue.WithAlpha(0.35);
        fill.LineStyle.Width = 0;
        var median = plot.Add.Scatter(xs, policy.DailyAverage.Select(b => b.P50).ToArray());
        median.MarkerSize = 0;
        median.LegendText = "P50";
        foreach (var t in policy.Thresholds.DistinctBy(t => (t.Activate, t.Deactivate)))
        {
            var up = plot.Add.HorizontalLine((double)t.Activate);
            up.LegendText = $"activate ≥ {t.Activate:N0} (from {t.From:yyyy-MM-dd})";
            up.LinePattern = LinePattern.Dashed;
            var down = plot.Add.HorizontalLine((double)t.Deactivate);
            down.LegendText = $"deactivate < {t.Deactivate:N0} (from {t.From:yyyy-MM-dd})";
            down.LinePattern = LinePattern.Dotted;
        }

        plot.Axes.DateTimeTicksBottom();
        plot.YLabel("encounters a day (7-day average)");
        plot.ShowLegend();
        return plot;
    }

    private static Plot DaysActive(SimulationResult result)
    {
        var plot = new Plot();
        plot.Title($"Days the suspension applied, by policy: P50 with P10–P90 ({result.Paths:N0} paths, MODELED)");
        var ticks = new List<Tick>();
        for (var i = 0; i < result.Policies.Count; i++)
        {
            var band = result.Policies[i].Output("days_active").Band;
            var bar = plot.Add.Bar(position: i, value: band.P50);
            bar.Bars[0].Error = 0;
            var whisker = plot.Add.Line(i, band.P10, i, band.P90);
            whisker.LineWidth = 3;
            whisker.Color = Colors.Black;
            ticks.Add(new Tick(i, result.Policies[i].Label));
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. ticks]);
        plot.YLabel($"days active in {result.Start:yyyy-MM-dd} to {result.End:yyyy-MM-dd}");
        plot.Axes.Margins(bottom: 0);
        return plot;
    }

    private static Plot MexicoReturns(SimulationResult result)
    {
        var plot = new Plot();
        plot.Title($"Returns to Mexico under capped arrangements each month against the {result.MexicoMonthlyCap:N0} cap (P10–P90, P50; MODELED)");
        var start = result.Start.ToYearMonth();
        foreach (var p in result.Policies)
        {
            var xs = Enumerable.Range(0, p.MonthlyUnderCaps.Count).Select(m => OaDate(start.PlusMonths(m).OnDayOfMonth(15))).ToArray();
            var fill = plot.Add.FillY(xs, p.MonthlyUnderCaps.Select(b => b.P10).ToArray(), p.MonthlyUnderCaps.Select(b => b.P90).ToArray());
            fill.FillStyle.Color = fill.FillStyle.Color.WithAlpha(0.25);
            var line = plot.Add.Scatter(xs, p.MonthlyUnderCaps.Select(b => b.P50).ToArray());
            line.LegendText = $"{p.Label} P50";
        }

        var cap = plot.Add.HorizontalLine(result.MexicoMonthlyCap);
        cap.LegendText = $"Mexico's monthly cap ({result.MexicoMonthlyCap:N0}; CBP statement May 2023 [V-off], carried forward [U])";
        cap.LinePattern = LinePattern.Dashed;
        plot.Axes.DateTimeTicksBottom();
        plot.YLabel("people a month");
        plot.ShowLegend();
        return plot;
    }

    private static double OaDate(NodaTime.LocalDate date) => date.ToDateTimeUnspecified().ToOADate();

    private static IEnumerable<(string, byte[])> Both(string name, Plot plot)
    {
        yield return ($"{name}.png", plot.GetImageBytes(Width, Height, ImageFormat.Png));
        yield return ($"{name}.svg", Encoding.UTF8.GetBytes(plot.GetSvgXml(Width, Height)));
    }
}
