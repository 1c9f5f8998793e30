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
    /// <summary>The days the suspension applies on the OFFICIAL timeline (only determinations actually made); empty when there is none.</summary>
    public IReadOnlyList<StatusPeriod> OfficialPeriods { get; init; } = [];

    /// <summary>Each day's status on the official timeline, by index of <see cref="Dates"/>; empty when there is none.</summary>
    public IReadOnlyList<string> OfficialStatus { get; init; } = [];

    /// <summary>Each day's status on the timeline replayed (proposed unless the query asked otherwise), by index of <see cref="Dates"/>.</summary>
    public IReadOnlyList<string> Status { get; init; } = [];

    /// <summary>The official timeline's own statement, or why there is none (a bill was never law).</summary>
    public string? OfficialNote { get; init; }

    /// <summary>The instrument's dated standing and court-order events (docs/law-today.md), as the law files give them.</summary>
    public IReadOnlyList<LawEvent> Standing { get; init; } = [];

    /// <summary>What the numbers rest on.</summary>
    public DataLabel Label => DataLabel.ForSeries(Modeled);

    /// <summary>
    /// The view of a replayed timeline, with the official timeline of the same series beside it when the instrument
    /// has one (<paramref name="official"/>; <paramref name="officialNote"/> says why not otherwise).
    /// </summary>
    public static MonitorView From(SuspensionTimeline timeline, PolicyDocument effectivePolicy, SuspensionTimeline? official, string? officialNote)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        var view = From(timeline, effectivePolicy);
        var officialDays = official?.Days().ToDictionary(d => d.Date) ?? [];
        return view with
        {
            Status = [.. timeline.Days().Select(d => ReplayReport.StatusName(d.Status))],
            OfficialPeriods = official is null ? [] : Periods([.. official.Days()]),
            OfficialStatus = official is null ? [] : [.. timeline.Days().Select(d => officialDays.TryGetValue(d.Date, out var o) ? ReplayReport.StatusName(o.Status) : string.Empty)],
            OfficialNote = official?.Note ?? officialNote,
            Standing = LawEvent.Of(effectivePolicy),
        };
    }

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

    /// <summary>Every day as a table: counts, average, thresholds, the replayed and the official status.</summary>
    public CsvTable DaysCsv(IReadOnlyList<string> notes) => new(
        "Monitor: each day's counted encounters, 7-day average, thresholds and status (replayed, and official where the instrument has an official timeline)",
        Label,
        ["date", "counted", "average_7_day", .. Thresholds.Select(t => t.Name), "status", "official_status"],
        [.. Dates.Select((d, i) => (IReadOnlyList<string>)[
            d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            Counted[i]?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty,
            Average[i]?.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty,
            .. Thresholds.Select(t => t.PerDay[i]?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty),
            i < Status.Count ? Status[i] : string.Empty,
            i < OfficialStatus.Count ? OfficialStatus[i] : string.Empty])],
        notes);

    /// <summary>The suspension periods, replayed and official, as a table.</summary>
    public CsvTable PeriodsCsv(IReadOnlyList<string> notes) => new(
        "Monitor: periods in which the suspension applies (inclusive), on the replayed and on the official timeline",
        Label,
        ["timeline", "from", "through", "days"],
        [.. ActivePeriods.Select(p => Period("replayed", p)), .. OfficialPeriods.Select(p => Period("official", p))],
        notes);

    /// <summary>The determinations and transitions with their rule and citation, as a table.</summary>
    public CsvTable MarkersCsv(IReadOnlyList<string> notes) => new(
        "Monitor: determinations and transitions of the replayed timeline, with rule and citation",
        Label,
        ["date", "what", "explanation"],
        [.. Determinations.Concat(Transitions).OrderBy(m => m.Date).Select(m => (IReadOnlyList<string>)[m.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), m.Label, m.Explanation])],
        notes);

    private static IReadOnlyList<string> Period(string timeline, StatusPeriod p) =>
        [timeline, p.First.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), p.Last.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), ((p.Last - p.First).Days + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)];

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
