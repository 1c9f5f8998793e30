using Threshold.Engine;
using Threshold.Law;

namespace Threshold.Web.Dashboard;

/// <summary>A run of consecutive days with the same status, inclusive at both ends.</summary>
public sealed record StatusPeriod(DateTime First, DateTime Last, string Status);

/// <summary>A determination or transition drawn on the chart, with the sentence shown on hover.</summary>
public sealed record ChartMarker(DateTime Date, double Value, string Label, string Explanation);

/// <summary>A dated threshold of the policy, one value a day (it can change on a date).</summary>
public sealed record ThresholdLine(string Name, string Description, IReadOnlyList<double?> PerDay);

/// <summary>
/// What the Monitor page draws for a timeline: daily counted encounters, the 7-day average, the policy's threshold
/// lines, the suspension periods and the markers. Everything is read from the engine's timeline; nothing here decides
/// a status.
/// </summary>
public sealed record MonitorView(
    IReadOnlyList<DateTime> Dates,
    IReadOnlyList<int?> Counted,
    IReadOnlyList<double?> Average,
    IReadOnlyList<ThresholdLine> Thresholds,
    IReadOnlyList<StatusPeriod> ActivePeriods,
    IReadOnlyList<ChartMarker> Determinations,
    IReadOnlyList<ChartMarker> Transitions,
    string LastStatus,
    DateTime LastDate,
    bool Modeled)
{
    public static MonitorView From(SuspensionTimeline timeline, PolicyDocument effectivePolicy)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        ArgumentNullException.ThrowIfNull(effectivePolicy);
        var days = timeline.Days().ToList();
        var dates = days.Select(d => d.Date.ToDateTimeUnspecified()).ToList();
        var average = days.Select(d => d.Average is { } a ? (double?)decimal.ToDouble(decimal.Round(a, 2)) : null).ToList();
        var thresholds = effectivePolicy.Parameters
            // Only levels in encounters a day can be drawn against the counts (not, e.g., a fraction of another threshold).
            .Where(p => p.Type == ParameterType.Number && p.Name.EndsWith("threshold", StringComparison.Ordinal) && p.Unit.StartsWith("encounters", StringComparison.Ordinal))
            .Select(p => new ThresholdLine(p.Name, p.Description, [.. days.Select(d => ValueOn(p, d.Date))]))
            .Where(l => l.PerDay.Any(v => v is not null))
            .ToList();
        double AverageOn(NodaTime.LocalDate date) => days.FindIndex(d => d.Date == date) is var i and >= 0 ? average[i] ?? 0 : 0;
        var determinations = timeline.Determinations.Select(d => new ChartMarker(
            d.Date.ToDateTimeUnspecified(),
            AverageOn(d.Date),
            $"{ReplayReport.KindName(d.Kind)} determination",
            $"{d.Rule} — {d.Citations[0].Text} [{d.Citations[0].Status.Code()}]")).ToList();
        var transitions = timeline.Transitions.Where(t => !t.AfterSeriesEnd).Select(t => new ChartMarker(
            t.EffectiveDate.ToDateTimeUnspecified(),
            AverageOn(t.EffectiveDate),
            t.ToActive ? "suspension applies" : "suspension ends",
            $"{(t.ToActive ? "The suspension applies" : "The suspension is discontinued")} from {ReplayReport.Iso(t.Effective)} ({ReplayReport.CauseName(t.Cause)}{(t.DeterminationDate is { } dd ? $", determination of {ReplayReport.Iso(dd)}" : string.Empty)}) — {t.Citation.Text} [{t.Citation.Status.Code()}]")).ToList();
        return new MonitorView(
            dates,
            [.. days.Select(d => d.Counted)],
            average,
            thresholds,
            Periods(days),
            determinations,
            transitions,
            ReplayReport.StatusName(days[^1].Status),
            dates[^1],
            timeline.Series.IsModeled);
    }

    private static double? ValueOn(PolicyParameter parameter, NodaTime.LocalDate date) =>
        parameter.Values[0].From > date ? null : decimal.ToDouble(parameter.On(date).Value.Number);

    private static List<StatusPeriod> Periods(List<TimelineDay> days)
    {
        var periods = new List<StatusPeriod>();
        var start = -1;
        for (var i = 0; i <= days.Count; i++)
        {
            var active = i < days.Count && days[i].Status == DayStatus.Active;
            if (active && start < 0)
            {
                start = i;
            }
            else if (!active && start >= 0)
            {
                periods.Add(new StatusPeriod(days[start].Date.ToDateTimeUnspecified(), days[i - 1].Date.ToDateTimeUnspecified(), "active"));
                start = -1;
            }
        }

        return periods;
    }
}
