using Plotly.Blazor;
using Plotly.Blazor.LayoutLib;
using Plotly.Blazor.Traces;
using Plotly.Blazor.Traces.ScatterLib;
using Threshold.Simulation;

namespace Threshold.Web.Dashboard;

/// <summary>
/// Builds the interactive Plotly charts of the dashboard from the view models: traces, shaded periods (layout
/// shapes) and hover texts. Plotly draws them; nothing here renders SVG by hand.
/// </summary>
public static class Charts
{
    private static readonly string[] ThresholdColours = ["#b00020", "#1b5e20", "#6a1b9a", "#e65100"];

    /// <summary>A chart configuration that resizes with the page and keeps the mode bar (zoom, pan, download).</summary>
    public static Config Interactive() => new() { Responsive = true, DisplayLogo = false };

    /// <summary>The Monitor chart: counted encounters, 7-day average, thresholds, shaded suspension periods and markers.</summary>
    public static (IList<ITrace> Data, Layout Layout) Monitor(MonitorView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var x = view.Dates.Cast<object>().ToList();
        var data = new List<ITrace>
        {
            new Bar { Name = "Counted encounters (daily)", X = x, Y = view.Counted.Cast<object>().ToList(), Marker = new Plotly.Blazor.Traces.BarLib.Marker { Color = "#9fb3c8" } },
            new Scatter { Name = "7-day average", Mode = ModeFlag.Lines, X = x, Y = view.Average.Cast<object>().ToList(), Line = new Line { Color = "#0b3d91", Width = 2.5m } },
        };
        var colour = 0;
        foreach (var threshold in view.Thresholds)
        {
            data.Add(new Scatter
            {
                Name = $"{threshold.Name} ({threshold.Description})",
                Mode = ModeFlag.Lines,
                X = x,
                Y = threshold.PerDay.Cast<object>().ToList(),
                Line = new Line { Color = ThresholdColours[colour++ % ThresholdColours.Length], Dash = "dash", Width = 1.5m },
            });
        }

        // The law's own dates, on a hidden 0-1 axis over the counts, so they sit at the top whatever the scale.
        var first = view.Dates[0];
        var last = view.Dates[^1];
        var standing = view.Standing.Where(e => e.Date is { } d && d.ToDateTimeUnspecified() >= first && d.ToDateTimeUnspecified() <= last).ToList();
        data.Add(new Scatter
        {
            Name = "Standing and court-order events (law)",
            Mode = ModeFlag.Markers,
            YAxis = "y2",
            X = standing.Select(e => (object)e.Date!.Value.ToDateTimeUnspecified()).ToList(),
            Y = standing.Select(_ => (object)0.9).ToList(),
            HoverTextArray = standing.Select(e => Wrap($"{e.Sentence} [{e.Mark}]")).ToList(),
            HoverInfo = Plotly.Blazor.Traces.ScatterLib.HoverInfoFlag.Text,
            Marker = new Marker { Symbol = Plotly.Blazor.Traces.ScatterLib.MarkerLib.SymbolEnum.Square, Size = 11, Color = standing.Select(e => (object)MarkColour(e.Mark)).ToList() },
        });
        if (view.OfficialPeriods.Count > 0 || view.OfficialStatus.Count > 0)
        {
            // A legend entry for the official strip (shapes have none): an invisible point named for it.
            data.Add(new Scatter { Name = "Official timeline: suspension applies (top strip)", Mode = ModeFlag.Markers, YAxis = "y2", X = [first], Y = [null!], Marker = new Marker { Symbol = Plotly.Blazor.Traces.ScatterLib.MarkerLib.SymbolEnum.Square, Color = OfficialColour, Size = 11 } });
        }

        // Determinations and transitions are drawn last, over everything else.
        data.Add(Markers("Determinations (proposed from the data)", view.Determinations, Plotly.Blazor.Traces.ScatterLib.MarkerLib.SymbolEnum.Diamond, "#e65100"));
        data.Add(Markers("Transitions (12:01 a.m. Eastern)", view.Transitions, Plotly.Blazor.Traces.ScatterLib.MarkerLib.SymbolEnum.TriangleUp, "#2e7d32"));

        var layout = new Layout
        {
            Height = 480,
            HoverMode = Plotly.Blazor.LayoutLib.HoverModeEnum.Closest,
            Margin = new Margin { L = 60, R = 20, T = 40, B = 40 },
            Legend = [new Legend { Orientation = Plotly.Blazor.LayoutLib.LegendLib.OrientationEnum.H }],
            Shapes =
            [
                .. view.ActivePeriods.Select(Shade),
                .. view.OfficialPeriods.Select(OfficialStrip),
                .. standing.Select(e => EventLine(e.Date!.Value.ToDateTimeUnspecified())),
            ],
            YAxis =
            [
                new YAxis { Title = new Plotly.Blazor.LayoutLib.YAxisLib.Title { Text = "Encounters a day" } },
                new YAxis { Overlaying = "y", Range = [0, 1], Visible = false, FixedRange = true },
            ],
        };
        return (data, Stamp(layout, view.Label));
    }

    /// <summary>
    /// Every instrument's standing and court-order events on one dated axis (the Law timeline page): one row per
    /// instrument, each event a marker coloured by its mark, with its sentence and citation on hover.
    /// </summary>
    /// <returns>The traces, the layout, and the events of each trace in point order (a click names a trace and a point).</returns>
    public static (IList<ITrace> Data, Layout Layout, IReadOnlyList<IReadOnlyList<LawEvent>> Traces) LawTimeline(IReadOnlyList<LawEvent> events, NodaTime.LocalDate from, NodaTime.LocalDate to)
    {
        ArgumentNullException.ThrowIfNull(events);
        var dated = events.Where(e => e.Date is not null).ToList();
        var data = new List<ITrace>();
        var traces = new List<IReadOnlyList<LawEvent>>();
        foreach (var mark in new[] { "V", "V-off", "S", "U" })
        {
            var these = dated.Where(e => e.Mark == mark).ToList();
            if (these.Count == 0)
            {
                continue;
            }

            traces.Add(these);

            data.Add(new Scatter
            {
                Name = $"[{mark}] {MarkWords(mark)}",
                Mode = ModeFlag.Markers,
                X = these.Select(e => (object)e.Date!.Value.ToDateTimeUnspecified()).ToList(),
                Y = these.Select(e => (object)e.PolicyId).ToList(),
                CustomData = these.Select(e => (object)e.Id).ToList(),
                HoverTextArray = these.Select(e => Wrap($"{e.Sentence} [{e.Mark}]")).ToList(),
                HoverInfo = Plotly.Blazor.Traces.ScatterLib.HoverInfoFlag.Text,
                Marker = new Marker { Symbol = Plotly.Blazor.Traces.ScatterLib.MarkerLib.SymbolEnum.Diamond, Size = 14, Color = MarkColour(mark), Line = new Plotly.Blazor.Traces.ScatterLib.MarkerLib.Line { Color = "#1b1f24", Width = 1 } },
            });
        }

        var layout = new Layout
        {
            Height = 360,
            HoverMode = Plotly.Blazor.LayoutLib.HoverModeEnum.Closest,
            Margin = new Margin { L = 190, R = 20, T = 40, B = 40 },
            Legend = [new Legend { Orientation = Plotly.Blazor.LayoutLib.LegendLib.OrientationEnum.H }],
            XAxis = [new XAxis { Range = [from.ToDateTimeUnspecified(), to.PlusDays(1).ToDateTimeUnspecified()], Type = Plotly.Blazor.LayoutLib.XAxisLib.TypeEnum.Date }],
            YAxis = [new YAxis { Type = Plotly.Blazor.LayoutLib.YAxisLib.TypeEnum.Category, CategoryOrder = Plotly.Blazor.LayoutLib.YAxisLib.CategoryOrderEnum.CategoryDescending }],
        };
        return (data, Stamp(layout, DataLabel.Law), traces);
    }

    /// <summary>
    /// The style that reserves a chart's height before Plotly draws it (the pre-rendered page has an empty element), so
    /// the page below does not jump when the chart appears.
    /// </summary>
    public static string Reserve(Layout layout) =>
        FormattableString.Invariant($"min-height: {layout?.Height ?? 450m}px");

    /// <summary>
    /// Writes the data label and the rule-set version on the chart itself (top left), so a PNG or SVG saved from it
    /// says what it rests on as a CSV does.
    /// </summary>
    public static Layout Stamp(Layout layout, DataLabel label)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(label);
        layout.Annotations ??= [];
        layout.Annotations.Add(new Annotation
        {
            Text = System.Net.WebUtility.HtmlEncode($"{label.Name} · rule set {Threshold.Law.RuleSetVersion.Current} · Threshold {Threshold.Law.RuleSetVersion.EngineVersion}"),
            XRef = "paper",
            YRef = "paper",
            X = 0,
            Y = 1,
            XAnchor = Plotly.Blazor.LayoutLib.AnnotationLib.XAnchorEnum.Left,
            YAnchor = Plotly.Blazor.LayoutLib.AnnotationLib.YAnchorEnum.Bottom,
            ShowArrow = false,
            Font = new Plotly.Blazor.LayoutLib.AnnotationLib.Font { Size = 11, Color = "#55606e" },
        });
        return layout;
    }

    private const string OfficialColour = "rgba(27, 31, 36, 0.55)";

    private static string MarkColour(string mark) => mark switch
    {
        "V" => "#1b5e20",
        "V-off" => "#1565c0",
        "S" => "#e65100",
        _ => "#8b0000",
    };

    private static string MarkWords(string mark) => Threshold.Law.VerificationStatusCodes.TryParse(mark, out var status) ? Threshold.Law.VerificationStatusCodes.Meaning(status) : mark;

    /// <summary>The official timeline's periods: a strip across the top of the plot, over the shading of the proposed ones.</summary>
    private static Shape OfficialStrip(StatusPeriod period)
    {
        var strip = Shade(period);
        strip.Y0 = 0.965m;
        strip.FillColor = OfficialColour;
        strip.Layer = Plotly.Blazor.LayoutLib.ShapeLib.LayerEnum.Above;
        strip.Name = $"Official: suspension applies {period.First:yyyy-MM-dd} to {period.Last:yyyy-MM-dd}";
        return strip;
    }

    private static Shape EventLine(DateTime date) => new()
    {
        Type = Plotly.Blazor.LayoutLib.ShapeLib.TypeEnum.Line,
        XRef = "x",
        YRef = "paper",
        X0 = date,
        X1 = date,
        Y0 = 0,
        Y1 = 0.96m,
        Line = new Plotly.Blazor.LayoutLib.ShapeLib.Line { Color = "#55606e", Width = 1, Dash = "dot" },
        Layer = Plotly.Blazor.LayoutLib.ShapeLib.LayerEnum.Below,
    };

    /// <summary>
    /// The Compare page's chart: one strip per scenario, stacked on the same date axis, each a step line (Plotly's
    /// <c>hv</c> shape, so a change shows on the day it takes effect) that is either at "applies" or at "does not apply".
    /// Each scenario has its own two-value axis, named beside it, instead of lines lifted apart on one 0–1 axis, whose
    /// offsets read as fractions.
    /// </summary>
    public static (IList<ITrace> Data, Layout Layout) Compare(IReadOnlyList<(string Name, IReadOnlyList<DateTime> Dates, IReadOnlyList<int> Active)> scenarios, DataLabel label)
    {
        ArgumentNullException.ThrowIfNull(scenarios);
        const decimal Gap = 0.06m;
        var count = scenarios.Count;
        var band = count == 0 ? 1m : (1m - (Gap * (count - 1))) / count;
        var data = new List<ITrace>();
        var axes = new List<YAxis>();
        var names = new List<Annotation>();
        for (var i = 0; i < count; i++)
        {
            var (name, dates, active) = scenarios[i];
            var axis = i == 0 ? "y" : $"y{i + 1}";
            var colour = ScenarioColours[i % ScenarioColours.Length];
            var runs = Runs(dates, active);

            // The first scenario on top, the last at the bottom beside the date axis.
            var top = 1m - (i * (band + Gap));

            // Two points a run (its first and last day), drawn hv: the line keeps a run's level through its last day
            // and changes on the next run's first day. With no hover cut-off, the point nearest the pointer is an end
            // of the run under it, and each point's text names its whole run, so the hover is right on any day.
            data.Add(new Scatter
            {
                Name = name,
                Mode = ModeFlag.Lines,
                YAxis = axis,
                X = [.. runs.SelectMany(r => new object[] { r.First, r.Last })],
                Y = [.. runs.SelectMany(r => new object[] { r.Active, r.Active })],
                TextArray = [.. runs.SelectMany(r => Enumerable.Repeat(RunText(r), 2))],
                HoverTemplate = "%{text}<extra>" + System.Net.WebUtility.HtmlEncode(Shorten(name, 40)) + "</extra>",
                Line = new Line { Shape = Plotly.Blazor.Traces.ScatterLib.LineLib.ShapeEnum.Hv, Width = 2, Color = colour },
                Fill = Plotly.Blazor.Traces.ScatterLib.FillEnum.ToZeroY,
                FillColor = colour + "33",
                ShowLegend = false,
            });
            axes.Add(new YAxis
            {
                Domain = [top - band, top],
                Range = [-0.15, 1.25],
                FixedRange = true,
                ZeroLine = false,
                ShowGrid = false,
                TickVals = [0, 1],
                TickText = ["no", "applies"],
                Anchor = "x",
            });
            names.Add(new Annotation
            {
                Text = System.Net.WebUtility.HtmlEncode(name),
                XRef = "paper",
                YRef = "paper",
                X = 0,
                Y = top,
                XAnchor = Plotly.Blazor.LayoutLib.AnnotationLib.XAnchorEnum.Left,
                YAnchor = Plotly.Blazor.LayoutLib.AnnotationLib.YAnchorEnum.Bottom,
                ShowArrow = false,
                Font = new Plotly.Blazor.LayoutLib.AnnotationLib.Font { Size = 12, Color = "#1b1f24" },
            });
        }

        var layout = new Layout
        {
            Height = 90 + (110 * Math.Max(1, count)),
            HoverMode = Plotly.Blazor.LayoutLib.HoverModeEnum.XUnified,
            HoverSubplots = Plotly.Blazor.LayoutLib.HoverSubplotsEnum.Axis,
            HoverDistance = -1,
            Margin = new Margin { L = 70, R = 20, T = 50, B = 40 },
            XAxis = [new XAxis { Anchor = count <= 1 ? "y" : $"y{count}", Type = Plotly.Blazor.LayoutLib.XAxisLib.TypeEnum.Date }],
            YAxis = axes,
            Annotations = names,
        };

        // The label goes above the first strip's name.
        var stamped = Stamp(layout, label);
        stamped.Annotations[^1].Y = 1.08m;
        return (data, stamped);
    }

    private static readonly string[] ScenarioColours = ["#0b3d91", "#6a1b9a", "#b71c1c", "#1b5e20", "#8a4b00"];

    /// <summary>A run of consecutive days with the same status (1 applies, 0 does not).</summary>
    private sealed record Run(DateTime First, DateTime Last, int Active);

    /// <summary>The runs of equal status in a day-by-day series, in date order.</summary>
    private static List<Run> Runs(IReadOnlyList<DateTime> dates, IReadOnlyList<int> active)
    {
        var runs = new List<Run>();
        for (var start = 0; start < dates.Count;)
        {
            var end = start;
            while (end + 1 < dates.Count && active[end + 1] == active[start])
            {
                end++;
            }

            runs.Add(new Run(dates[start], dates[end], active[start]));
            start = end + 1;
        }

        return runs;
    }

    private static string RunText(Run run) =>
        $"{(run.Active == 1 ? "the suspension applies" : "the suspension does not apply")} {run.First:yyyy-MM-dd} to {run.Last:yyyy-MM-dd} ({(run.Last - run.First).Days + 1} days)";

    private static string Shorten(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";

    /// <summary>The real monthly series of the record (Data page): one line per source and component, months on x.</summary>
    public static (IList<ITrace> Data, Layout Layout) Monthly(MonthlyView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var data = view.Lines.Select(l => (ITrace)new Scatter
        {
            Name = l.Name,
            Mode = ModeFlag.Lines,
            X = l.Points.Select(p => (object)p.Month).ToList(),
            Y = l.Points.Select(p => (object)p.Total).ToList(),
        }).ToList();
        var layout = new Layout
        {
            Height = 360,
            HoverMode = Plotly.Blazor.LayoutLib.HoverModeEnum.XUnified,
            Margin = new Margin { L = 70, R = 20, T = 30, B = 40 },
            YAxis = [new YAxis { Title = new Plotly.Blazor.LayoutLib.YAxisLib.Title { Text = "Encounters in the month (real, as recorded)" }, RangeMode = Plotly.Blazor.LayoutLib.YAxisLib.RangeModeEnum.NonNegative }],
            Legend = [new Legend { Orientation = Plotly.Blazor.LayoutLib.LegendLib.OrientationEnum.H, Y = -0.2m }],
        };
        return (data, Stamp(layout, DataLabel.Real));
    }

    /// <summary>A bar chart of monthly use of a capped arrangement against its cap, for the Returns page.</summary>
    public static (IList<ITrace> Data, Layout Layout) Utilisation(IReadOnlyList<(string Month, long ToMexico, long Overflow)> months, DataLabel label)
    {
        ArgumentNullException.ThrowIfNull(months);
        var x = months.Select(m => (object)m.Month).ToList();
        var data = new List<ITrace>
        {
            new Bar { Name = "Returned to Mexico under the cap", X = x, Y = months.Select(m => (object)m.ToMexico).ToList() },
            new Bar { Name = "Overflow to country of citizenship", X = x, Y = months.Select(m => (object)m.Overflow).ToList() },
        };
        return (data, Stamp(new Layout { Height = 320, BarMode = Plotly.Blazor.LayoutLib.BarModeEnum.Stack, Margin = new Margin { L = 60, R = 20, T = 40, B = 40 } }, label));
    }

    /// <summary>
    /// A fan chart of one simulated policy: the P10–P90 band and the P50 of the daily 7-day average, with the policy's
    /// activation and discontinuation thresholds as they stood on each day. The title says MODELED.
    /// </summary>
    public static (IList<ITrace> Data, Layout Layout) SimulationFan(SimulationResult result, PolicyResult policy)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(policy);
        var dates = Enumerable.Range(0, policy.DailyAverage.Count).Select(d => result.Start.PlusDays(d)).ToList();
        var x = dates.Select(d => (object)d.ToDateTimeUnspecified()).ToList();
        // The line of the rule version in force that day; none before the policy's first version.
        Threshold.Simulation.ThresholdLine? On(NodaTime.LocalDate date) => policy.Thresholds.LastOrDefault(t => t.From <= date);
        var data = new List<ITrace>
        {
            new Scatter { Name = "P90", Mode = ModeFlag.Lines, X = x, Y = policy.DailyAverage.Select(b => (object)Math.Round(b.P90)).ToList(), Line = new Line { Width = 0, Color = "#6d8fc7" }, ShowLegend = false },
            new Scatter
            {
                Name = "P10–P90 band", Mode = ModeFlag.Lines, X = x, Y = policy.DailyAverage.Select(b => (object)Math.Round(b.P10)).ToList(),
                Fill = Plotly.Blazor.Traces.ScatterLib.FillEnum.ToNextY, FillColor = "rgba(11, 61, 145, 0.18)", Line = new Line { Width = 0, Color = "#6d8fc7" },
            },
            new Scatter { Name = "P50 (median)", Mode = ModeFlag.Lines, X = x, Y = policy.DailyAverage.Select(b => (object)Math.Round(b.P50)).ToList(), Line = new Line { Color = "#0b3d91", Width = 2 } },
            new Scatter { Name = "Activation threshold", Mode = ModeFlag.Lines, X = x, Y = dates.Select(d => (object?)On(d)?.Activate).ToList()!, Line = new Line { Color = ThresholdColours[0], Dash = "dash", Width = 1.5m } },
            new Scatter { Name = "Discontinuation threshold", Mode = ModeFlag.Lines, X = x, Y = dates.Select(d => (object?)On(d)?.Deactivate).ToList()!, Line = new Line { Color = ThresholdColours[1], Dash = "dot", Width = 1.5m } },
        };
        var layout = new Layout
        {
            Title = new Title { Text = $"MODELED · {policy.Label}: 7-day average of counted encounters, P10–P90" },
            Height = 340,
            HoverMode = Plotly.Blazor.LayoutLib.HoverModeEnum.XUnified,
            Margin = new Margin { L = 60, R = 20, T = 50, B = 40 },
            Legend = [new Legend { Orientation = Plotly.Blazor.LayoutLib.LegendLib.OrientationEnum.H }],
            YAxis = [new YAxis { Title = new Plotly.Blazor.LayoutLib.YAxisLib.Title { Text = "Encounters a day (policy's count)" } }],
        };
        return (data, Stamp(layout, DataLabel.ModeledFutures));
    }

    /// <summary>Days the suspension applied, by simulated policy: the P50 as a bar, P10–P90 as its whisker. Titled MODELED.</summary>
    public static (IList<ITrace> Data, Layout Layout) SimulationDaysActive(IReadOnlyList<PolicyResult> policies)
    {
        ArgumentNullException.ThrowIfNull(policies);
        var bands = policies.Select(p => p.Output("days_active").Band).ToList();
        var data = new List<ITrace>
        {
            new Bar
            {
                Name = "Days active (P50; whisker P10–P90)",
                X = policies.Select(p => (object)p.Label).ToList(),
                Y = bands.Select(b => (object)b.P50).ToList(),
                ErrorY = new Plotly.Blazor.Traces.BarLib.ErrorY
                {
                    Type = Plotly.Blazor.Traces.BarLib.ErrorYLib.TypeEnum.Data,
                    Symmetric = false,
                    Array = bands.Select(b => (object)(b.P90 - b.P50)).ToList(),
                    ArrayMinus = bands.Select(b => (object)(b.P50 - b.P10)).ToList(),
                    Visible = true,
                },
                Marker = new Plotly.Blazor.Traces.BarLib.Marker { Color = "#0b3d91" },
            },
        };
        var layout = new Layout
        {
            Title = new Title { Text = "MODELED · Days the suspension applied, by policy" },
            Height = 320,
            Margin = new Margin { L = 60, R = 20, T = 50, B = 60 },
            YAxis = [new YAxis { Title = new Plotly.Blazor.LayoutLib.YAxisLib.Title { Text = "Days in the horizon" } }],
        };
        return (data, Stamp(layout, DataLabel.ModeledFutures));
    }

    private static Scatter Markers(string name, IReadOnlyList<ChartMarker> markers, Plotly.Blazor.Traces.ScatterLib.MarkerLib.SymbolEnum symbol, string colour) => new()
    {
        Name = name,
        Mode = ModeFlag.Markers,
        X = markers.Select(m => (object)m.Date).ToList(),
        Y = markers.Select(m => (object)m.Value).ToList(),
        HoverTextArray = markers.Select(m => Wrap($"{m.Label} on {m.Date:yyyy-MM-dd}: {m.Explanation}")).ToList(),
        HoverInfo = Plotly.Blazor.Traces.ScatterLib.HoverInfoFlag.Text,
        Marker = new Marker { Symbol = symbol, Size = 12, Color = colour },
    };

    private static Shape Shade(StatusPeriod period) => new()
    {
        Type = Plotly.Blazor.LayoutLib.ShapeLib.TypeEnum.Rect,
        XRef = "x",
        YRef = "paper",
        X0 = period.First,
        X1 = period.Last.AddDays(1),
        Y0 = 0,
        Y1 = 1,
        FillColor = "rgba(211, 47, 47, 0.12)",
        Line = new Plotly.Blazor.LayoutLib.ShapeLib.Line { Width = 0 },
        Layer = Plotly.Blazor.LayoutLib.ShapeLib.LayerEnum.Below,
        Name = $"Suspension applies {period.First:yyyy-MM-dd} to {period.Last:yyyy-MM-dd}",
    };

    /// <summary>Breaks a long hover text into lines Plotly can show.</summary>
    private static string Wrap(string text)
    {
        var words = text.Split(' ');
        var lines = new List<string>();
        var line = new System.Text.StringBuilder();
        foreach (var word in words)
        {
            if (line.Length + word.Length > 90)
            {
                lines.Add(line.ToString());
                line.Clear();
            }

            line.Append(line.Length == 0 ? string.Empty : " ").Append(word);
        }

        lines.Add(line.ToString());
        return string.Join("<br>", lines.Select(System.Net.WebUtility.HtmlEncode));
    }
}
