using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Text;
using Threshold.Law;

namespace Threshold.Engine;

/// <summary>
/// The public JSON contract of a replay (CLI <c>--format json</c>, and later the API). Field names are stable:
/// <c>policy</c>, <c>days[]</c> (date, counted, average7, status), <c>determinations[]</c> (date, kind, windowStart,
/// windowEnd, average7, citation) and <c>transitions[]</c> (effective, to, determinationDate, citation), then
/// <c>timeline</c> ("proposed" or "official"), <c>timelineNote</c> (what that means, said on every output) and
/// <c>official</c> (the record an official timeline follows; null on a proposed one).
/// Dates are ISO yyyy-MM-dd; instants are ISO-8601 with offset; average7 is rounded to 4 places for display, and
/// sum7 is the exact integer the rules compare.
/// </summary>
public static class ReplayReport
{
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static ReplayDocument Build(SuspensionTimeline timeline)
    {
        var compiled = timeline.Policy;
        var policy = compiled.Policy;
        var series = timeline.Series;
        var days = timeline.Days().Select(d => new DayDto(
            Iso(d.Date), d.Counted, Round(d.Average), d.WindowSum, StatusName(d.Status), d.PendingDeactivation is { } p ? Iso(p) : null, d.Undeterminable)).ToArray();
        var caveats = timeline.Caveats.ToList();
        if (series.IsModeled)
        {
            caveats.Insert(0, "MODELED DATA: the encounter series is synthesised from monthly totals, not an official daily count.");
        }

        return new ReplayDocument(
            RuleSetVersion.EngineVersion,
            RuleSetVersion.Current,
            new PolicyDto(
                policy.Id,
                policy.Title,
                policy.Standing == LegalStanding.InForce ? "in-force" : "hypothetical",
                Iso(compiled.InForce),
                CitationDto.From(policy.InForce.Citation),
                compiled.Overlays.Select(o => o.Label).Distinct().ToArray())
            {
                StandingOn = StandingDto.From(policy.StandingHistory.On(series.End)),
            },
            new SeriesDto(series.SourceName, Iso(series.Start), Iso(series.End), series.Length, series.IsModeled, series.Provenance, days.Count(d => d.Counted is null)),
            caveats,
            new SummaryDto(
                days.Count(d => d.Status == "active"),
                days.Count(d => d.Status == "inactive"),
                days.Count(d => d.Status == "not-in-force"),
                days.Count(d => d.Status == "cap-reached"),
                days.Count(d => d.Status == "expired"),
                days.Count(d => d.Undeterminable is not null),
                timeline.Determinations.Count,
                timeline.Transitions.Count),
            days,
            timeline.Determinations.Select(DeterminationDto.From).ToArray(),
            timeline.Transitions.Select(TransitionDto.From).ToArray(),
            TimelineNotes.Name(timeline.Kind),
            timeline.Note,
            timeline.Official is { } basis ? OfficialRecordDto.From(basis) : null);
    }

    public static string ToJson(SuspensionTimeline timeline) => JsonSerializer.Serialize(Build(timeline), JsonOptions);

    public static string StatusName(DayStatus status) => status switch
    {
        DayStatus.NotInForce => "not-in-force",
        DayStatus.Active => "active",
        DayStatus.Inactive => "inactive",
        DayStatus.CapReached => "cap-reached",
        DayStatus.Expired => "expired",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static string KindName(DeterminationKind kind) => kind switch
    {
        DeterminationKind.Activation => "activation",
        DeterminationKind.Deactivation => "deactivation",
        DeterminationKind.DeactivationCancelled => "deactivation-cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static string TriggerName(DeterminationTrigger trigger) => trigger switch
    {
        DeterminationTrigger.AverageAtOrAbove => "average-at-or-above",
        DeterminationTrigger.SingleDayAtOrAbove => "single-day-at-or-above",
        DeterminationTrigger.DiscretionaryAverageAtOrAbove => "discretionary-average-at-or-above",
        DeterminationTrigger.AverageBelow => "average-below",
        DeterminationTrigger.Supplied => "supplied",
        DeterminationTrigger.Official => "official",
        _ => throw new ArgumentOutOfRangeException(nameof(trigger)),
    };

    public static string CauseName(TransitionCause cause) => cause switch
    {
        TransitionCause.InForce => "in-force",
        TransitionCause.Determination => "determination",
        TransitionCause.CapReached => "cap-reached",
        TransitionCause.Sunset => "sunset",
        _ => throw new ArgumentOutOfRangeException(nameof(cause)),
    };

    public static string Iso(LocalDate date) => LocalDatePattern.Iso.Format(date);

    /// <summary>ISO-8601 with offset, e.g. 2024-07-22T00:01:00-04:00.</summary>
    public static string Iso(ZonedDateTime instant) => instant.ToDateTimeOffset().ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private static decimal? Round(decimal? value) => value is { } v ? decimal.Round(v, 4) : null;

    public sealed record ReplayDocument(
        string EngineVersion,
        string RuleSetVersion,
        PolicyDto Policy,
        SeriesDto Series,
        IReadOnlyList<string> Caveats,
        SummaryDto Summary,
        IReadOnlyList<DayDto> Days,
        IReadOnlyList<DeterminationDto> Determinations,
        IReadOnlyList<TransitionDto> Transitions,
        string Timeline,
        string TimelineNote,
        OfficialRecordDto? Official);

    /// <summary>The official record a timeline follows: where it is, when it was last checked, what was searched and not found.</summary>
    /// <param name="Recorded">How many determinations users recorded as official were followed besides the shipped ones.</param>
    public sealed record OfficialRecordDto(string Source, string Title, string LastChecked, string Searched, NoneFoundDto? NoneFound, int Recorded)
    {
        public static OfficialRecordDto From(OfficialBasis basis)
        {
            ArgumentNullException.ThrowIfNull(basis);
            var r = basis.Record;
            return new OfficialRecordDto(
                r.SourceName,
                r.Title,
                Iso(r.LastChecked),
                r.Searched,
                r.NoneFound is { } n ? new NoneFoundDto([.. n.Kinds.Select(OfficialDeterminationsReader.Name)], Iso(n.From), Iso(r.LastChecked), n.Text, CitationDto.From(n.Citation)) : null,
                basis.Recorded.Count);
        }
    }

    /// <summary>A search that found no determination of <paramref name="Kinds"/> from <paramref name="From"/> to <paramref name="To"/> (the date last checked); always [U].</summary>
    public sealed record NoneFoundDto(IReadOnlyList<string> Kinds, string From, string To, string Text, CitationDto Citation);

    public sealed record PolicyDto(string Id, string Title, string Standing, string InForce, CitationDto InForceCitation, IReadOnlyList<string> Overlays)
    {
        /// <summary>The instrument's standing on the last day replayed (the dated events in <c>policies ID</c>).</summary>
        public StandingDto? StandingOn { get; init; }
    }

    /// <summary>An instrument's standing on one day: <c>state</c>, a plain <c>summary</c> of its dated events, and the weakest <c>status</c> it rests on.</summary>
    public sealed record StandingDto(string Date, string State, string Summary, string Status)
    {
        public static StandingDto From(StandingOnDay s) => new(Iso(s.Date), s.StateName, s.Summary, s.Status.Code());
    }

    public sealed record SeriesDto(string Source, string Start, string End, int Days, bool Modeled, IReadOnlyList<string> Provenance, int MissingDays);

    public sealed record SummaryDto(int ActiveDays, int InactiveDays, int NotInForceDays, int CapReachedDays, int ExpiredDays, int UndeterminableDays, int Determinations, int Transitions);

    public sealed record DayDto(string Date, int? Counted, decimal? Average7, long? Sum7, string Status, string? PendingDeactivation, string? Undeterminable);

    public sealed record CitationDto(string Text, string Instrument, string Section, string? FederalRegister, string Status, string StatusMeaning, string? Source)
    {
        public static CitationDto From(Citation c) => new(c.Text, c.Instrument, c.Section, c.FederalRegister, c.Status.Code(), c.Status.Meaning(), c.Source);
    }

    public sealed record DeterminationDto(
        string Date,
        string Kind,
        string Trigger,
        string? WindowStart,
        string? WindowEnd,
        decimal? Average7,
        long? Sum7,
        int? SingleDayCount,
        decimal? ThresholdPerDay,
        int? StreakDays,
        string? StreakStart,
        string? EffectiveDate,
        string Rule,
        CitationDto Citation,
        IReadOnlyList<CitationDto> Citations,
        string Status)
    {
        public static DeterminationDto From(Determination d)
        {
            // Supplied and official determinations test no threshold; an official one names its window only when published.
            var tested = d.Trigger is not (DeterminationTrigger.Supplied or DeterminationTrigger.Official);
            var weakest = d.Citations.Aggregate(VerificationStatus.Verified, (acc, c) => VerificationStatusCodes.Weakest(acc, c.Status));
            return new DeterminationDto(
                Iso(d.Date),
                KindName(d.Kind),
                TriggerName(d.Trigger),
                d.HasWindow ? Iso(d.WindowStart) : null,
                d.HasWindow ? Iso(d.WindowEnd) : null,
                d.HasSum ? decimal.Round(d.Average, 4) : null,
                d.HasSum ? d.WindowSum : null,
                d.SingleDayCount,
                tested ? d.ThresholdPerDay : null,
                tested ? d.StreakDays : null,
                d.StreakStart is { } s ? Iso(s) : null,
                d.EffectiveDate is { } e ? Iso(e) : null,
                d.Rule,
                CitationDto.From(d.Citations[0]),
                d.Citations.Select(CitationDto.From).ToArray(),
                weakest.Code());
        }
    }

    public sealed record TransitionDto(string Effective, string To, string Cause, string? DeterminationDate, CitationDto Citation, bool AfterSeriesEnd)
    {
        public static TransitionDto From(Transition t) => new(
            Iso(t.Effective), t.ToActive ? "active" : "inactive", CauseName(t.Cause), t.DeterminationDate is { } d ? Iso(d) : null, CitationDto.From(t.Citation), t.AfterSeriesEnd);
    }
}
