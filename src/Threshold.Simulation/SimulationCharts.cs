using System.Text;
using ScottPlot;

namespace Threshold.Simulation;

/// <summary>
/// The charts of a run, drawn with ScottPlot as PNG and SVG: a fan chart of the daily 7-day average per policy with its
/// thresholds, days active by policy, and Mexico's monthly returns under capped arrangements against the cap. Every
/// title says MODELED. Legends sit below the data area, never over it, and every axis of counts starts at zero, so a
/// band is never hidden and a count never looks negative.
/// </summary>
public static class SimulationCharts
{
    private const int Width = 1100;
    private const int Height = 680;

    /// <summary>File name → bytes for every chart of <paramref name="result"/>.</summary>
    public static IReadOnlyList<(string Name, byte[] Bytes)> All(SimulationResult result) =>
        [.. Plots(result).SelectMany(p => Both(p.Name, p.Plot))];

    /// <summary>The backtest's chart: modeled monthly bands against the real monthly totals.</summary>
    public static IReadOnlyList<(string Name, byte[] Bytes)> Backtest(BacktestReport report) =>
        [.. Both("backtest-monthly", BacktestPlot(report))];

    /// <summary>Every chart of a run by file stem, finished (legend placed, count axis from zero) but not rendered.</summary>
    internal static IReadOnlyList<(string Name, Plot Plot)> Plots(SimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var plots = new List<(string, Plot)>();
        foreach (var p in result.Policies)
        {
            plots.Add(($"fan-{p.Label}", Finish(FanChart(result, p))));
        }

        plots.Add(("days-active", Finish(DaysActive(result))));
        plots.Add(("mexico-returns", Finish(MexicoReturns(result))));
        return plots;
    }

    /// <summary>The backtest's chart, finished but not rendered.</summary>
    internal static Plot BacktestPlot(BacktestReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var plot = new Plot();
        plot.Title($"Backtest {report.First:yyyy-MM} to {report.Last:yyyy-MM}: MODELED monthly USBP encounters (P10–P90, P50) against the real totals");
        var xs = report.Months.Select(m => OaDate(m.Month.OnDayOfMonth(15))).ToArray();
        AddBand(plot, xs, [.. report.Months.Select(m => m.Modeled)], "MODELED ");
        var real = plot.Add.Scatter(xs, report.Months.Select(m => (double)m.Actual).ToArray());
        real.LegendText = "real (CBP published)";
        real.LineWidth = 3;
        plot.Axes.DateTimeTicksBottom();
        plot.YLabel("USBP southwest encounters per month");
        return Finish(plot);
    }

    /// <summary>
    /// The legend goes in a panel below the data area (the long labels of caps and thresholds covered the bands inside
    /// it), and the count axis starts at zero: a band's lower edge or a bar's whisker never pulls it below.
    /// </summary>
    private static Plot Finish(Plot plot)
    {
        if (plot.GetPlottables().Any(p => p.LegendItems.Any(i => !string.IsNullOrEmpty(i.LabelText))))
        {
            var panel = plot.ShowLegend(Edge.Bottom);
            panel.Legend.Orientation = Orientation.Horizontal; // items wrap in rows, so a long legend is never clipped
            panel.Legend.TightHorizontalWrapping = true; // one long label (a cap's source) must not force one column
        }

        plot.Axes.AutoScale();
        var limits = plot.Axes.GetLimits();
        plot.Axes.SetLimitsY(0, Math.Max(limits.Top, 1));
        return plot;
    }

    private static Plot FanChart(SimulationResult result, PolicyResult policy)
    {
        var plot = new Plot();
        plot.Title($"{policy.Label}: 7-day average of the counted encounters, P10–P90 and P50 over {result.Paths:N0} paths (MODELED)");
        var n = policy.DailyAverage.Count;
        var xs = Enumerable.Range(0, n).Select(d => OaDate(result.Start.PlusDays(d))).ToArray();
        AddBand(plot, xs, policy.DailyAverage, string.Empty);
        foreach (var t in policy.Thresholds.DistinctBy(t => (t.Activate, t.Deactivate)))
        {
            AddLevel(plot, (double)t.Activate, $"activate ≥ {t.Activate:N0} (from {t.From:yyyy-MM-dd})", LinePattern.Dashed);
            AddLevel(plot, (double)t.Deactivate, $"deactivate < {t.Deactivate:N0} (from {t.From:yyyy-MM-dd})", LinePattern.Dotted);
        }

        plot.Axes.DateTimeTicksBottom();
        plot.YLabel("encounters a day (7-day average)");
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
        return plot;
    }

    private static Plot MexicoReturns(SimulationResult result)
    {
        var plot = new Plot();
        var start = result.Start.ToYearMonth();
        var months = result.Policies.Max(p => p.MonthlyUnderCaps.Count);
        var caps = Enumerable.Range(0, months).Select(m => SimulationResult.CapIn(start.PlusMonths(m))).ToArray();
        plot.Title(caps.Distinct().Count() == 1
            ? $"Returns to Mexico under capped arrangements each month against the {caps[0]:N0} cap (P10–P90, P50; MODELED)"
            : "Returns to Mexico under capped arrangements each month against the cap in force (P10–P90, P50; MODELED)");
        foreach (var p in result.Policies)
        {
            var xs = Enumerable.Range(0, p.MonthlyUnderCaps.Count).Select(m => OaDate(start.PlusMonths(m).OnDayOfMonth(15))).ToArray();
            AddBand(plot, xs, p.MonthlyUnderCaps, $"{p.Label} ");
        }

        // The cap in force each month: 30,000 to January 2025 (CBP statement May 2023 [V-off], carried forward [U]),
        // then the 1,000 of the 2025 humanitarian acceptance [U] (law/arrangements/mexico-returns.yaml).
        if (caps.Distinct().Count() == 1)
        {
            AddLevel(plot, caps[0], caps[0] == result.MexicoMonthlyCap ? $"Mexico's monthly cap ({caps[0]:N0}; CBP statement May 2023 [V-off], carried forward [U])" : $"Mexico's monthly cap in force ({caps[0]:N0}; law/arrangements/mexico-returns.yaml)", LinePattern.Dashed);
        }
        else
        {
            var line = plot.Add.ScatterLine(Enumerable.Range(0, months).Select(m => OaDate(start.PlusMonths(m).OnDayOfMonth(15))).ToArray(), caps.Select(c => (double)c).ToArray());
            line.LegendText = "Mexico's monthly cap in force (law/arrangements/mexico-returns.yaml)";
            line.LinePattern = LinePattern.Dashed;
        }

        plot.Axes.DateTimeTicksBottom();
        plot.YLabel("people a month");
        return plot;
    }

    /// <summary>A P10–P90 band (translucent) and the P50 line over <paramref name="xs"/>, labelled with <paramref name="prefix"/>.</summary>
    private static void AddBand(Plot plot, double[] xs, IReadOnlyList<Band> bands, string prefix)
    {
        var fill = plot.Add.FillY(xs, bands.Select(b => b.P10).ToArray(), bands.Select(b => b.P90).ToArray());
        fill.LegendText = $"{prefix}P10–P90";
        fill.FillStyle.Color = fill.FillStyle.Color.WithAlpha(0.3);
        fill.LineStyle.Width = 0;
        var median = plot.Add.Scatter(xs, bands.Select(b => b.P50).ToArray());
        median.MarkerSize = 0;
        median.LegendText = $"{prefix}P50";
    }

    /// <summary>A labelled horizontal level (a threshold or a cap).</summary>
    private static void AddLevel(Plot plot, double y, string label, LinePattern pattern)
    {
        var line = plot.Add.HorizontalLine(y);
        line.LegendText = label;
        line.LinePattern = pattern;
    }

    private static double OaDate(NodaTime.LocalDate date) => date.ToDateTimeUnspecified().ToOADate();

    private static IEnumerable<(string, byte[])> Both(string name, Plot plot)
    {
        yield return ($"{name}.png", plot.GetImageBytes(Width, Height, ImageFormat.Png));
        yield return ($"{name}.svg", Encoding.UTF8.GetBytes(plot.GetSvgXml(Width, Height)));
    }
}
