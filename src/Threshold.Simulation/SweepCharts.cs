using System.Globalization;
using System.Text;
using ScottPlot;

namespace Threshold.Simulation;

/// <summary>
/// The charts of a sweep, with ScottPlot as PNG and SVG, one per policy: for two swept parameters a heat map of the
/// P50 of the chart's output over the grid (colour bar to the right of the data, one colour scale for every policy so
/// their maps compare); for one, the P50 line and the P10–P90 band against the parameter (legend below the data).
/// Every title says MODELED.
/// </summary>
public static class SweepCharts
{
    private const int Width = 1000;
    private const int Height = 760;

    /// <summary>Grids up to this many cells print each cell's P50 in it; larger ones rely on the colour bar.</summary>
    private const int LabelledCells = 100;

    /// <summary>File name → bytes of each policy's chart: <c>sweep-OUTPUT-POLICY.png</c> and <c>.svg</c>.</summary>
    public static IReadOnlyList<(string Name, byte[] Bytes)> All(SweepResult result) =>
        [.. Plots(result).SelectMany(p => Both(p.Name, p.Plot))];

    /// <summary>The file names <see cref="All"/> gives, without drawing anything (each policy's <c>.png</c> then <c>.svg</c>).</summary>
    public static IReadOnlyList<string> Names(SweepResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return [.. result.Policies.SelectMany(label => new[] { $"{Stem(result, label)}.png", $"{Stem(result, label)}.svg" })];
    }

    /// <summary>The file name of a policy's chart without its extension: <c>sweep-OUTPUT-POLICY</c>.</summary>
    private static string Stem(SweepResult result, string label) => $"sweep-{result.Spec.Output}-{label}";

    /// <summary>
    /// The one file of <see cref="All"/> named <paramref name="name"/>, drawing only that chart (a PNG byte for byte; an SVG
    /// the same but for the numbers ScottPlot gives its element ids across the process); null when the sweep has no
    /// chart of that name.
    /// </summary>
    public static byte[]? File(SweepResult result, string name)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(name);
        var index = Names(result).ToList().IndexOf(name);
        if (index < 0)
        {
            return null;
        }

        // Names come in pairs per policy, .png then .svg, drawn as Both draws them.
        var plot = Plots(result)[index / 2].Plot;
        return Render(plot, png: index % 2 == 0);
    }

    /// <summary>Each policy's chart by file stem, finished but not rendered.</summary>
    internal static IReadOnlyList<(string Name, Plot Plot)> Plots(SweepResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var output = result.Spec.Output;
        var all = Enumerable.Range(0, result.Policies.Count).SelectMany(p => result.Bands(p, output)).Select(b => b.P50).ToArray();
        var range = new ScottPlot.Range(all.Min(), all.Max() > all.Min() ? all.Max() : all.Min() + 1);
        return [.. result.Policies.Select((label, p) => (Stem(result, label), result.Spec.Axes.Count == 2 ? HeatMap(result, p, range) : Line(result, p)))];
    }

    /// <summary>The SVG text of policy <paramref name="policy"/>'s chart, for a page to inline.</summary>
    public static string Svg(SweepResult result, int policy) => Plots(result)[policy].Plot.GetSvgXml(Width, Height);

    /// <summary>
    /// <see cref="Svg"/> made to sit inside a page: no XML declaration, a view box so it scales to the column, and a
    /// role and name for screen readers (the chart's title).
    /// </summary>
    public static string InlineSvg(SweepResult result, int policy)
    {
        ArgumentNullException.ThrowIfNull(result);
        var svg = Svg(result, policy);
        var start = svg.IndexOf("<svg", StringComparison.Ordinal);
        if (start < 0)
        {
            throw new InvalidOperationException("ScottPlot wrote no <svg> element");
        }

        var name = System.Net.WebUtility.HtmlEncode($"{result.Policies[policy]}: P50 of {result.Spec.Output} across the sweep (MODELED)");
        return string.Create(CultureInfo.InvariantCulture, $"<svg viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"{name}\" style=\"max-width:100%;height:auto\"{svg[(start + 4)..]}");
    }

    private static Plot HeatMap(SweepResult result, int policy, ScottPlot.Range range)
    {
        var (x, y) = (result.Spec.Axes[0], result.Spec.Axes[1]);
        var bands = result.Bands(policy, result.Spec.Output);
        // Row 0 of the intensities is drawn at the top: the highest value of the second parameter goes first.
        var grid = new double[y.Steps, x.Steps];
        for (var c = 0; c < bands.Count; c++)
        {
            grid[y.Steps - 1 - (c / x.Steps), c % x.Steps] = bands[c].P50;
        }

        var plot = new Plot();
        plot.Title($"{result.Policies[policy]}: P50 of {result.Spec.Output} over {result.Paths:N0} paths a cell (MODELED)");
        var map = plot.Add.Heatmap(grid);
        map.Colormap = new ScottPlot.Colormaps.Viridis();
        map.ManualRange = range;
        // The rectangle joins the centres of the corner cells, so each cell sits on its parameter values.
        map.Position = new CoordinateRect(x.Low, x.High, y.Low, y.High);
        var bar = plot.Add.ColorBar(map, Edge.Right);
        bar.Label = $"P50 of {result.Spec.Output} (MODELED)";
        if (bands.Count <= LabelledCells)
        {
            for (var c = 0; c < bands.Count; c++)
            {
                var text = plot.Add.Text(Whole(bands[c].P50), x.Values[c % x.Steps], y.Values[c / x.Steps]);
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontSize = 11;
                text.LabelFontColor = Colors.White;
                text.LabelBackgroundColor = Colors.Black.WithAlpha(0.45);
            }
        }

        plot.XLabel($"{x.Parameter.Name} ({x.Parameter.Unit}) {x.Parameter.MarkText}");
        plot.YLabel($"{y.Parameter.Name} {y.Parameter.MarkText}");
        plot.Axes.Margins(0, 0);
        return plot;
    }

    private static Plot Line(SweepResult result, int policy)
    {
        var axis = result.Spec.Axes[0];
        var bands = result.Bands(policy, result.Spec.Output);
        var xs = axis.Values.ToArray();
        var plot = new Plot();
        plot.Title($"{result.Policies[policy]}: {result.Spec.Output} against {axis.Parameter.Name}, P10–P90 and P50 over {result.Paths:N0} paths a value (MODELED)");
        var fill = plot.Add.FillY(xs, bands.Select(b => b.P10).ToArray(), bands.Select(b => b.P90).ToArray());
        fill.LegendText = "MODELED P10–P90";
        fill.FillStyle.Color = fill.FillStyle.Color.WithAlpha(0.3);
        fill.LineStyle.Width = 0;
        var median = plot.Add.Scatter(xs, bands.Select(b => b.P50).ToArray());
        median.LegendText = "MODELED P50";
        var panel = plot.ShowLegend(Edge.Bottom);
        panel.Legend.Orientation = Orientation.Horizontal;
        plot.XLabel($"{axis.Parameter.Name} ({axis.Parameter.Unit}) {axis.Parameter.MarkText}");
        plot.YLabel(result.Spec.Output);
        plot.Axes.AutoScale();
        // A count never looks negative: the axis starts at zero.
        plot.Axes.SetLimitsY(0, Math.Max(plot.Axes.GetLimits().Top, 1));
        return plot;
    }

    private static string Whole(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static IEnumerable<(string, byte[])> Both(string name, Plot plot)
    {
        yield return ($"{name}.png", Render(plot, png: true));
        yield return ($"{name}.svg", Render(plot, png: false));
    }

    private static byte[] Render(Plot plot, bool png) =>
        png ? plot.GetImageBytes(Width, Height, ImageFormat.Png) : Encoding.UTF8.GetBytes(plot.GetSvgXml(Width, Height));
}
