using Threshold.Engine;
using Threshold.Law;
using Threshold.Web.Apis;

namespace Threshold.Web.Dashboard;

/// <summary>
/// The "what would change it" panel: the engine's own reasoning for the last day of the series, and a projection made
/// by the engine too. The projection repeats the last seven days of the series (so the 7-day average holds exactly
/// where it is) for <see cref="ProjectionDays"/> more days and replays the extended series under the same policy and
/// options; the first transition after the real data is the earliest change if the level holds. No rule is restated
/// here.
/// </summary>
public sealed record Outlook(string Status, string LastDate, IReadOnlyList<StepDto> Reasoning, string Projection, bool Modeled)
{
    /// <summary>How far the projection looks.</summary>
    public const int ProjectionDays = 366;

    public static Outlook For(SuspensionTimeline timeline, ReplayQuery query)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        var series = timeline.Series;
        var explanation = DayExplanation.For(timeline, series.End);
        var steps = explanation.Steps.Select(s => new StepDto(s.Statement, s.Citation is null ? null : ReplayReport.CitationDto.From(s.Citation))).ToList();
        return new Outlook(ReplayReport.StatusName(explanation.Status), ReplayReport.Iso(series.End), steps, Project(timeline, query), series.IsModeled);
    }

    private static string Project(SuspensionTimeline timeline, ReplayQuery query)
    {
        var series = timeline.Series;
        if (series.Length < 7)
        {
            return "The series is shorter than seven days; no projection is possible.";
        }

        var extended = Extend(series, ProjectionDays);
        var projected = TimelineService.Replay(query, extended);
        var average = timeline.Day(series.Length - 1).Average;
        var level = average is { } a ? $"{a:N1} a day" : "its current level";
        var change = projected.Transitions.FirstOrDefault(t => t.EffectiveDate > series.End);
        if (change is null)
        {
            return $"If the 7-day average holds at {level} (the last seven days repeated), the status does not change within {ProjectionDays} days.";
        }

        var what = change.ToActive ? "the suspension would apply again" : "the earliest discontinuation";
        var determination = change.DeterminationDate is { } d ? $", on a determination of {ReplayReport.Iso(d)}" : string.Empty;
        return $"If the 7-day average holds at {level} (the last seven days repeated), {what} takes effect at {ReplayReport.Iso(change.Effective)}{determination} — {change.Citation.Text} [{change.Citation.Status.Code()}].";
    }

    /// <summary>The series followed by <paramref name="days"/> days that repeat its last seven, labelled as a projection.</summary>
    private static EncounterSeries Extend(EncounterSeries series, int days)
    {
        var length = series.Length + days;
        var columns = new Dictionary<EncounterColumn, int[]>();
        foreach (var column in EncounterColumns.All.Where(series.Has))
        {
            var source = series.Column(column);
            var values = new int[length];
            source.CopyTo(values);
            for (var i = series.Length; i < length; i++)
            {
                values[i] = values[i - 7];
            }

            columns[column] = values;
        }

        bool[]? missing = null;
        if (series.HasGaps)
        {
            missing = new bool[length];
            series.MissingFlags.CopyTo(missing);
            for (var i = series.Length; i < length; i++)
            {
                missing[i] = missing[i - 7];
            }
        }

        return new EncounterSeries(series.SourceName + " (projected)", series.Start, length, columns, missing, [.. series.Provenance, "projection: the last seven days repeated"]);
    }
}
