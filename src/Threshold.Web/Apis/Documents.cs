using NodaTime.Text;
using Threshold.Engine;
using Threshold.Law;
using Threshold.Record;
using static Threshold.Engine.ReplayReport;

namespace Threshold.Web.Apis;

/// <summary>A response wrapped with its provenance, as the CLI's JSON output is: the engine and rule-set versions first.</summary>
public sealed record Stamped<T>(string EngineVersion, string RuleSetVersion, T Result);

/// <summary>Wraps results in <see cref="Stamped{T}"/> with the versions of this build.</summary>
public static class Stamped
{
    public static Stamped<T> Of<T>(T result) => new(Threshold.Law.RuleSetVersion.EngineVersion, Threshold.Law.RuleSetVersion.Current, result);
}

/// <summary>The <c>policies --format json</c> contract.</summary>
public sealed record PoliciesDocument(string EngineVersion, string RuleSetVersion, IReadOnlyList<PolicyDocumentDto> Policies);

/// <summary>
/// One policy with every parameter, its dated values, citations and verification marks; its dated standing events
/// (<c>standing[]</c>) and its standing on the day asked about (<c>standingOn</c>); and its screening court orders with
/// their events (<c>screeningOrders[]</c>).
/// </summary>
public sealed record PolicyDocumentDto(
    string Id,
    string Title,
    string Summary,
    IReadOnlyList<StandingEventDto> Standing,
    StandingOnDto StandingOn,
    string Mechanism,
    string? InForce,
    CitationDto InForceCitation,
    string? LastVerified,
    IReadOnlyList<string> Caveats,
    IReadOnlyList<ParameterDto> Parameters,
    IReadOnlyList<CourtOrderDto> CourtOrders,
    IReadOnlyList<ScreeningOrderDto> ScreeningOrders)
{
    /// <param name="on">The day whose standing <c>standingOn</c> reports (today, from the injected clock).</param>
    public static PolicyDocumentDto From(PolicyDocument p, NodaTime.LocalDate on) => new(
        p.Id,
        p.Title,
        p.Summary,
        [.. p.StandingHistory.Events.Select(StandingEventDto.From)],
        StandingOnDto.From(p.StandingHistory.On(on)),
        p.MechanismName,
        p.InForce.Date is { } d ? Iso(d) : null,
        CitationDto.From(p.InForce.Citation),
        p.LastVerified,
        p.Caveats,
        [.. p.Parameters.Select(x => new ParameterDto(x.Name, x.Description, x.Unit, [.. x.Values.Select(v => new ParameterValueDto(Iso(v.From), v.Value.ToString(), CitationDto.From(v.Citation), v.Note))]))],
        [.. p.CourtOrders.Select(c => new CourtOrderDto(c.Id, c.Description, c.Sets.ToDictionary(kv => kv.Key, kv => kv.Value.ToString()), CitationDto.From(c.Citation)))],
        [.. (p.Screening?.CourtOrders ?? []).Select(ScreeningOrderDto.From)]);
}

/// <summary>One dated standing event: <c>date</c> (null when unknown), <c>kind</c>, <c>components[]</c>, <c>by</c>, <c>text</c>, <c>class</c>, <c>orderEvent</c>, <c>citation</c> and its <c>status</c>.</summary>
public sealed record StandingEventDto(string? Date, string Kind, IReadOnlyList<string> Components, string? By, string Text, string? Class, string? OrderEvent, CitationDto Citation, string Status)
{
    public static StandingEventDto From(StandingEvent e) =>
        new(e.Date is { } d ? Iso(d) : null, e.Kind.Name(), e.Components, e.By, e.Text, e.Class, e.OrderEvent, CitationDto.From(e.Citation), e.Citation.Status.Code());
}

/// <summary>An instrument's standing on one day: <c>state</c> (in-force, hypothetical, not-yet-in-force, revoked, expired), a plain <c>summary</c> and the weakest <c>status</c> it rests on.</summary>
public sealed record StandingOnDto(string Date, string State, string Summary, string Status)
{
    public static StandingOnDto From(StandingOnDay s) => new(Iso(s.Date), s.StateName, s.Summary, s.Status.Code());
}

/// <summary>A court order as screening applies it: whom it reaches and its dated events.</summary>
public sealed record ScreeningOrderDto(string Id, string Title, string Class, CitationDto ClassCitation, CitationDto Citation, IReadOnlyList<OrderEventDto> Events)
{
    public static ScreeningOrderDto From(ScreeningCourtOrder o) =>
        new(o.Id, o.Title, o.Class, CitationDto.From(o.ClassCitation), CitationDto.From(o.Citation), [.. o.Events.Select(OrderEventDto.From)]);
}

/// <summary>One event of a court order: its day, when its effect starts (<c>effective</c>, null when unknown), what it does to which components.</summary>
public sealed record OrderEventDto(string Id, string? Date, string? Effective, CitationDto? ReliefCitation, string Kind, IReadOnlyList<string> Components, IReadOnlyList<string> Upholds, string Text, CitationDto Citation, string Status)
{
    public static OrderEventDto From(CourtOrderEvent e) => new(
        e.Id,
        e.Date is { } d ? Iso(d) : null,
        e.Effective is { } f ? Iso(f) : null,
        e.ReliefCitation is { } rc ? CitationDto.From(rc) : null,
        e.Kind switch
        {
            OrderEventKind.Vacates => "vacates",
            OrderEventKind.Stays => "stays",
            OrderEventKind.LiftsStay => "lifts-stay",
            OrderEventKind.Appealed => "appealed",
            OrderEventKind.Affirms => "affirms",
            _ => "reverses",
        },
        e.Components,
        e.Upholds,
        e.Text,
        CitationDto.From(e.Citation),
        e.Citation.Status.Code());
}

public sealed record ParameterDto(string Name, string Description, string Unit, IReadOnlyList<ParameterValueDto> Values);

public sealed record ParameterValueDto(string From, string Value, CitationDto Citation, string? Note);

public sealed record CourtOrderDto(string Id, string Description, IReadOnlyDictionary<string, string> Sets, CitationDto Citation);

/// <summary>The <c>explain --format json</c> contract: the chain of reasoning for one day.</summary>
public sealed record ExplainDocument(
    string EngineVersion,
    string RuleSetVersion,
    string Policy,
    string Date,
    string Status,
    string CountingFormula,
    IReadOnlyDictionary<string, int?> Components,
    int? Counted,
    IReadOnlyList<WindowDayDto> Window,
    long? Sum7,
    decimal? Average7,
    IReadOnlyList<StepDto> Steps,
    DeterminationDto? Determination,
    IReadOnlyList<string> Caveats,
    bool ModeledEncounters)
{
    public static ExplainDocument From(SuspensionTimeline timeline, DayExplanation e) => new(
        Threshold.Law.RuleSetVersion.EngineVersion,
        Threshold.Law.RuleSetVersion.Current,
        timeline.Policy.Policy.Id,
        Iso(e.Date),
        StatusName(e.Status),
        e.CountingFormula,
        e.Components.ToDictionary(c => c.Column, c => c.Value),
        e.Counted,
        [.. e.Window.Select(w => new WindowDayDto(Iso(w.Date), w.Counted))],
        e.WindowSum,
        e.Average is { } a ? decimal.Round(a, 4) : null,
        [.. e.Steps.Select(s => new StepDto(s.Statement, s.Citation is null ? null : CitationDto.From(s.Citation)))],
        e.DeterminationMade is null ? null : DeterminationDto.From(e.DeterminationMade),
        e.Caveats,
        timeline.Series.IsModeled)
    {
        StandingOn = StandingDto.From(timeline.Policy.Policy.StandingHistory.On(e.Date)),
    };

    /// <summary>The instrument's standing on the explained day.</summary>
    public StandingDto? StandingOn { get; init; }
}

public sealed record WindowDayDto(string Date, int? Counted);

public sealed record StepDto(string Statement, CitationDto? Citation);

/// <summary>The CLI's JSON form of a recorded determination.</summary>
public sealed record RecordedDeterminationDto(long DeterminationId, string Date, string Kind, string WindowStart, string WindowEnd, string By, string? Note, string RecordedAt, long AuditSeq, string Policy)
{
    public static RecordedDeterminationDto From(RecordedDetermination d) => new(
        d.DeterminationId, Iso(d.Date), KindName(d.Kind), Iso(d.WindowStart), Iso(d.WindowEnd), d.By, d.Note, InstantPattern.ExtendedIso.Format(d.RecordedAt), d.AuditSeq, d.PolicyId);
}

/// <summary>One recorded import of a series (a revision when it changed earlier days).</summary>
public sealed record ImportDto(long ImportId, string Series, string Source, string ContentSha256, string RecordedAt, int Days, int NewDays, int RevisedDays)
{
    public static ImportDto From(ImportRecord i) => new(i.ImportId, i.SeriesName, i.SourceName, i.ContentSha256, InstantPattern.ExtendedIso.Format(i.RecordedAt), i.DayCount, i.NewDayCount, i.RevisedDayCount);
}

/// <summary>What an import did: <c>recorded</c> or <c>unchanged</c> (an identical re-import writes nothing).</summary>
public sealed record ImportResultDto(string Outcome, string Series, string Source, string ContentSha256, int Days, int NewDays, int RevisedDays, long? ImportId, long? AuditSeq, string? RecordedAt)
{
    public static ImportResultDto From(ImportResult r) => new(
        r.Outcome == ImportOutcome.Recorded ? "recorded" : "unchanged", r.SeriesName, r.SourceName, r.ContentSha256, r.DayCount, r.NewDayCount, r.RevisedDayCount, r.ImportId, r.AuditSeq, r.RecordedAt is { } at ? InstantPattern.ExtendedIso.Format(at) : null);
}

/// <summary>A stored series and its imports.</summary>
public sealed record SeriesDto(string Name, IReadOnlyList<ImportDto> Imports);

/// <summary>The audit chain's verification, as <c>audit verify</c> reports it.</summary>
/// <param name="Table">The table whose rows no longer match their entry (a FactMismatch), when one is named.</param>
/// <param name="Row">The row or rows involved (an import id, an audit seq), when they can be named.</param>
/// <param name="Legacy">What entries from before fact binding (schema 7) leave unbound, or null when nothing is.</param>
public sealed record ChainVerificationDto(bool Valid, long Entries, string HeadHash, long? FailedSeq, string? Failure, string? Reason, string? Table = null, string? Row = null, string? Legacy = null)
{
    public static ChainVerificationDto From(ChainVerification v) => new(v.IsValid, v.EntryCount, v.HeadHash, v.FailedSeq, v.Failure?.ToString(), v.Reason, v.Table, v.Row, v.Legacy);
}
