using System.Text.Json;
using Threshold.Engine;
using Threshold.Law;
using Threshold.Screening;

namespace Threshold.Returns;

/// <summary>
/// The public JSON contract of a screening result (CLI <c>screen</c>; later the API). Field names are stable:
/// <c>id</c>, <c>suspensionApplies</c>, <c>exception</c>, <c>exceptions[]</c>, <c>asylumLimitationApplies</c>,
/// <c>exceptionallyCompelling</c>, <c>fearReferral</c>, <c>screeningStandard</c>, <c>returnDestination</c>,
/// <c>overflow</c>, <c>citations[]</c> and <c>trace[]</c>, plus the context that explains them.
/// </summary>
public static class CaseDecisionJson
{
    public static readonly JsonSerializerOptions Compact = new(ReplayReport.JsonOptions) { WriteIndented = false };

    public static CaseDecisionDto Build(CaseDecision decision)
    {
        var r = decision.Screening;
        return new CaseDecisionDto(
            r.Id,
            r.Policy,
            r.SuspensionApplies,
            r.Exception,
            r.Exceptions,
            r.AsylumLimitationApplies,
            r.ExceptionallyCompelling,
            r.FearReferral,
            r.ScreeningStandard,
            decision.ReturnDestination,
            decision.Overflow,
            new RemovalDto(
                r.Removal.Code(),
                decision.Return?.ArrangementId,
                decision.Return?.Reason ?? (r.Removal == RemovalPath.ContiguousReturn ? "returned to contiguous territory (Mexico) pending proceedings" : null),
                decision.Return is { } a ? ReplayReport.CitationDto.From(a.Citation) : null,
                decision.Return is { } m ? m.Month.ToString("yyyy-MM", null) : null),
            new EntryDto(ReplayReport.Iso(r.StatusDay), ReplayReport.StatusName(r.StatusAtEntry)),
            ReplayReport.Iso(r.DecidedOn),
            r.Flags.Select(f => new FlagDto(f.Code, f.Text, ReplayReport.CitationDto.From(f.Citation))).ToArray(),
            r.AppliedOrders.Select(o => new OrderDto(o.Id, o.Title, o.Decided is { } d ? ReplayReport.Iso(d) : null, o.Vacates, o.Upholds, ReplayReport.CitationDto.From(o.Citation))).ToArray(),
            r.Citations.Select(ReplayReport.CitationDto.From).ToArray(),
            r.Trace.Select(t => new TraceDto(t.Rule, t.Label, t.Held, t.Citation is null ? null : ReplayReport.CitationDto.From(t.Citation), t.Note)).ToArray())
        {
            WithholdingCatBarred = r.WithholdingCatBarred,
            AppliedOrderEvents = [.. r.AppliedOrderEvents.Select(e => new OrderEventRefDto(e.Id, e.OrderId, e.Effective is { } d ? ReplayReport.Iso(d) : null, e.Text, ReplayReport.CitationDto.From(e.Citation)))],
            LaterOrders = [.. r.LaterOrders.Select(l => new LaterOrderDto(ReplayReport.Iso(l.Date), l.Id, l.OrderId, l.Fields, l.Text, l.Citation.Status.Code(), ReplayReport.CitationDto.From(l.Citation)))],
            Standing = r.StandingAtEntry is { } se && r.StandingOnDecision is { } sd ? new StandingDto(StandingDayDto.From(se), StandingDayDto.From(sd)) : null,
        };
    }

    /// <summary>An applied court-order event: its id, order, effective day, text and citation.</summary>
    public sealed record OrderEventRefDto(string Id, string Order, string? Effective, string Text, ReplayReport.CitationDto Citation);

    /// <summary>A later order event that would change the answer: <c>date</c>, <c>id</c>, the <c>fields</c> that would change, and the mark (<c>status</c>).</summary>
    public sealed record LaterOrderDto(string Date, string Id, string Order, IReadOnlyList<string> Fields, string Text, string Status, ReplayReport.CitationDto Citation);

    /// <summary>The instrument's standing on the entry day and on the decision day.</summary>
    public sealed record StandingDto(StandingDayDto AtEntry, StandingDayDto OnDecision);

    public sealed record StandingDayDto(string Date, string State, string Summary, string Status)
    {
        public static StandingDayDto From(StandingOnDay s) => new(ReplayReport.Iso(s.Date), s.StateName, s.Summary, s.Status.Code());
    }

    public sealed record CaseDecisionDto(
        string Id,
        string Policy,
        bool SuspensionApplies,
        string? Exception,
        IReadOnlyList<string> Exceptions,
        bool AsylumLimitationApplies,
        string? ExceptionallyCompelling,
        bool FearReferral,
        string? ScreeningStandard,
        string? ReturnDestination,
        bool Overflow,
        RemovalDto Removal,
        EntryDto Entry,
        string DecidedOn,
        IReadOnlyList<FlagDto> Flags,
        IReadOnlyList<OrderDto> AppliedOrders,
        IReadOnlyList<ReplayReport.CitationDto> Citations,
        [property: System.Text.Json.Serialization.JsonPropertyOrder(1)] IReadOnlyList<TraceDto> Trace)
    {
        // trace[] stays the last member (the record stores a decision split before it); the members below come before it.

        /// <summary>Whether withholding of removal and CAT protection are barred (10888 as implemented, unless vacated).</summary>
        public bool WithholdingCatBarred { get; init; }

        public IReadOnlyList<OrderEventRefDto> AppliedOrderEvents { get; init; } = [];

        /// <summary>Order events after the decision date that would change this answer.</summary>
        public IReadOnlyList<LaterOrderDto> LaterOrders { get; init; } = [];

        /// <summary>The policy's standing on the entry day and on the decision day.</summary>
        public StandingDto? Standing { get; init; }
    }

    /// <param name="Path">removable, contiguous-return, repatriation, or null.</param>
    public sealed record RemovalDto(string? Path, string? ArrangementId, string? Reason, ReplayReport.CitationDto? Citation, string? LedgerMonth);

    /// <param name="StatusDay">The Eastern day whose status applied at the entry instant.</param>
    public sealed record EntryDto(string StatusDay, string Status);

    public sealed record FlagDto(string Code, string Text, ReplayReport.CitationDto Citation);

    public sealed record OrderDto(string Id, string Title, string? Decided, IReadOnlyList<string> Vacates, IReadOnlyList<string> Upholds, ReplayReport.CitationDto Citation);

    public sealed record TraceDto(string Rule, string Label, bool Held, ReplayReport.CitationDto? Citation, string? Note);

    /// <summary>
    /// The <c>--policy in-force</c> answer (CLI and API): the id, every instrument's result (each as <see cref="Build"/>),
    /// the instruments that could not answer, and the combination: whether it is complete, what any suspension, bar,
    /// screening and removal was and which instrument drives it, and every instrument's later orders.
    /// </summary>
    public static InForceDto BuildInForce(InForceScreening s, ReturnAllocation? allocation)
    {
        ArgumentNullException.ThrowIfNull(s);
        var sum = s.Summary;
        return new InForceDto(
            s.Case.Id,
            "in-force",
            [.. s.Results.Select(r => Build(new CaseDecision(r, r.Removal.GoesToLedger() ? allocation : null)))],
            s.Unanswered,
            new InForceSummaryDto(
                s.Unanswered.Count == 0,
                s.Unanswered.Count == 0 ? null : $"no answer under {string.Join(", ", s.Unanswered.Select(u => u.Policy))} (see unanswered[]): the summary covers the other instruments only",
                sum.AnySuspensionApplies,
                sum.SuspendedBy,
                new ConsequenceDto(sum.AsylumLimited.Applies, sum.AsylumLimited.By),
                new ConsequenceDto(sum.WithholdingCatBarred.Applies, sum.WithholdingCatBarred.By),
                sum.FearScreening,
                sum.ScreeningStandard,
                new StackedRemovalDto(sum.Removal.Code(), sum.RemovalBy, sum.Removal == RemovalPath.ContiguousReturn ? "MX" : allocation?.Destination, allocation?.ArrangementId, allocation?.Overflow ?? false),
                [.. sum.LaterOrders.Select(l => new StackedLaterOrderDto(l.Instrument, ReplayReport.Iso(l.Order.Date), l.Order.Id, l.Order.Fields, l.Order.Citation.Status.Code()))],
                sum.Note));
    }

    public sealed record InForceDto(string Id, string Policy, IReadOnlyList<CaseDecisionDto> Instruments, IReadOnlyList<UnansweredInstrument> Unanswered, InForceSummaryDto Summary);

    public sealed record InForceSummaryDto(
        bool Complete,
        string? IncompleteBecause,
        bool AnySuspensionApplies,
        IReadOnlyList<string> SuspendedBy,
        ConsequenceDto Asylum,
        ConsequenceDto WithholdingCat,
        bool FearScreening,
        string? ScreeningStandard,
        StackedRemovalDto Removal,
        IReadOnlyList<StackedLaterOrderDto> LaterOrders,
        string Note);

    public sealed record ConsequenceDto(bool Applies, IReadOnlyList<string> By);

    public sealed record StackedRemovalDto(string? Path, IReadOnlyList<string> By, string? ReturnDestination, string? ArrangementId, bool Overflow);

    public sealed record StackedLaterOrderDto(string Instrument, string Date, string Id, IReadOnlyList<string> Fields, string Status);
}
