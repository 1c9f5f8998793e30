using NodaTime;
using Threshold.Law;

namespace Threshold.Web.Dashboard;

/// <summary>
/// The court-order side of a standing event: the order, what the event does in the order's own terms, the day it was
/// made and the day its relief starts when that differs, with the citation of the relief date.
/// </summary>
public sealed record OrderEventDetail(string OrderId, string OrderTitle, string Kind, LocalDate? Decided, LocalDate? ReliefFrom, Citation? ReliefCitation, IReadOnlyList<string> Upholds, string Class);

/// <summary>
/// One dated event of an instrument's standing (docs/law-today.md §1), as the dashboard lists it: every event the law
/// files author under <c>standing:</c>, and every court-order event (which joins the standing list with the order's
/// id as <see cref="StandingEvent.OrderEvent"/>), each with its citation and mark. Nothing here is computed from data.
/// </summary>
/// <param name="Id">Stable within the rule set: the court-order event id, else policy, kind and date (with -2, -3… for a repeat).</param>
/// <param name="Date">The day the event takes effect; null when not known (listed, never placed on the axis).</param>
/// <param name="Kind">The standing kind as written in law files (e.g. <c>vacated-in-part</c>).</param>
public sealed record LawEvent(string Id, string PolicyId, string PolicyTitle, LocalDate? Date, string Kind, string Text, string? By, IReadOnlyList<string> Components, Citation Citation, OrderEventDetail? Order)
{
    /// <summary>The event's mark as shown (<c>V</c>, <c>V-off</c>, <c>S</c>, <c>U</c>).</summary>
    public string Mark => Citation.Status.Code();

    /// <summary>"court order" for an order's event, else "standing".</summary>
    public string Source => Order is null ? "standing" : "court order";

    /// <summary>The dated standing and court-order events of one instrument, in date order (undated last).</summary>
    public static IReadOnlyList<LawEvent> Of(PolicyDocument policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var orders = (policy.Screening?.CourtOrders ?? [])
            .SelectMany(o => o.Events.Select(e => (Order: o, Event: e)))
            .ToDictionary(x => x.Event.Id, StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var events = new List<LawEvent>();
        foreach (var e in policy.StandingHistory.Events)
        {
            var id = e.OrderEvent ?? $"{policy.Id}-{e.Kind.Name()}-{(e.Date is { } d ? d.ToString("yyyy-MM-dd", null) : "undated")}";
            seen[id] = seen.GetValueOrDefault(id) + 1;
            if (seen[id] > 1)
            {
                id += $"-{seen[id]}";
            }

            var order = e.OrderEvent is { } orderEvent && orders.TryGetValue(orderEvent, out var o)
                ? new OrderEventDetail(o.Order.Id, o.Order.Title, Threshold.Web.Apis.OrderEventDto.From(o.Event).Kind, o.Event.Date, o.Event.ReliefFrom, o.Event.ReliefCitation, o.Event.Upholds, o.Order.Class)
                : null;
            events.Add(new LawEvent(id, policy.Id, policy.Title, e.Date, e.Kind.Name(), e.Text, e.By, e.Components, e.Citation, order));
        }

        return events;
    }

    /// <summary>Every built-in instrument's events whose date falls from <paramref name="from"/> to <paramref name="to"/> (inclusive), or is unknown.</summary>
    public static IReadOnlyList<LawEvent> All(LocalDate from, LocalDate to) =>
    [
        .. BuiltInPolicies.Ids.SelectMany(id => Of(BuiltInPolicies.Get(id)))
            .Where(e => e.Date is not { } d || (d >= from && d <= to))
            .OrderBy(e => e.Date ?? LocalDate.MaxIsoValue)
            .ThenBy(e => e.PolicyId, StringComparer.Ordinal),
    ];

    /// <summary>Events as a table: one row each, with its citation, mark and, for a court order's event, the order and relief dates.</summary>
    public static CsvTable Csv(IEnumerable<LawEvent> events, string title, IReadOnlyList<string>? notes = null) => new(
        title,
        DataLabel.Law,
        ["date", "instrument", "kind", "by", "components", "text", "citation", "mark", "source", "event_id", "order", "order_event_kind", "decided", "relief_from", "relief_citation"],
        [.. events.Select(e => (IReadOnlyList<string>)[
            e.Date is { } d ? d.ToString("yyyy-MM-dd", null) : string.Empty,
            e.PolicyId,
            e.Kind,
            e.By ?? string.Empty,
            string.Join(";", e.Components),
            e.Text,
            e.Citation.Text,
            e.Mark,
            e.Source,
            e.Id,
            e.Order?.OrderId ?? string.Empty,
            e.Order?.Kind ?? string.Empty,
            e.Order?.Decided is { } decided ? decided.ToString("yyyy-MM-dd", null) : string.Empty,
            e.Order?.ReliefFrom is { } relief ? relief.ToString("yyyy-MM-dd", null) : string.Empty,
            e.Order?.ReliefCitation?.Text ?? string.Empty])],
        notes);

    /// <summary>The event as one line for a chart's hover text or a CSV: date, instrument, kind, by, text, citation.</summary>
    public string Sentence => $"{(Date is { } d ? d.ToString("yyyy-MM-dd", null) : "date unknown")} · {PolicyId} · {Kind}{(By is null ? string.Empty : $" by {By}")}{(Components.Count == 0 ? string.Empty : $" ({string.Join(", ", Components)})")}: {Text} — {Citation.Text}";
}
