using NodaTime;

namespace Threshold.Law;

/// <summary>What a dated event did to an instrument's legal standing.</summary>
public enum StandingKind
{
    /// <summary>The instrument (or the listed components) took legal effect.</summary>
    InForce,

    /// <summary>Another instrument amended it (e.g. Proclamation 10817 amending 10773 §2).</summary>
    Amended,

    /// <summary>Another instrument now governs the same ground without amending or revoking it (e.g. 10888 over 10773).</summary>
    Overlain,

    /// <summary>A court vacated the listed components.</summary>
    VacatedInPart,

    /// <summary>A court enjoined or stayed the listed components (in part, possibly for a class only).</summary>
    EnjoinedOrStayed,

    /// <summary>A stay of the listed components was lifted.</summary>
    StayLifted,

    /// <summary>An appeal was taken from an order (informational: it changes nothing by itself).</summary>
    Appealed,

    /// <summary>An appellate court affirmed an order.</summary>
    AffirmedOnAppeal,

    /// <summary>An appellate court reversed an order as to the listed components.</summary>
    ReversedOnAppeal,

    /// <summary>The instrument was revoked.</summary>
    Revoked,

    /// <summary>The instrument expired (e.g. a sunset).</summary>
    Expired,

    /// <summary>A bill or reform that never became law: replaying it is a hypothetical.</summary>
    Hypothetical,

    /// <summary>A dated search found no revocation (the absence is itself a fact to show, marked as found or not).</summary>
    NoRevocationFound,

    /// <summary>A dated search found no determination or finding under the instrument (e.g. none under 10773 §2).</summary>
    NoDeterminationFound,
}

/// <summary>Names of <see cref="StandingKind"/> as written in law files and printed in outputs.</summary>
public static class StandingKinds
{
    private static readonly (StandingKind Kind, string Name)[] Names =
    [
        (StandingKind.InForce, "in-force"),
        (StandingKind.Amended, "amended"),
        (StandingKind.Overlain, "overlain"),
        (StandingKind.VacatedInPart, "vacated-in-part"),
        (StandingKind.EnjoinedOrStayed, "enjoined-or-stayed"),
        (StandingKind.StayLifted, "stay-lifted"),
        (StandingKind.Appealed, "appealed"),
        (StandingKind.AffirmedOnAppeal, "affirmed-on-appeal"),
        (StandingKind.ReversedOnAppeal, "reversed-on-appeal"),
        (StandingKind.Revoked, "revoked"),
        (StandingKind.Expired, "expired"),
        (StandingKind.Hypothetical, "hypothetical"),
        (StandingKind.NoRevocationFound, "no-revocation-found"),
        (StandingKind.NoDeterminationFound, "no-determination-found"),
    ];

    public static string Name(this StandingKind kind) => Array.Find(Names, n => n.Kind == kind).Name
        ?? throw new ArgumentOutOfRangeException(nameof(kind));

    public static bool TryParse(string name, out StandingKind kind)
    {
        foreach (var (k, n) in Names)
        {
            if (n == name)
            {
                kind = k;
                return true;
            }
        }

        kind = default;
        return false;
    }

    /// <summary>Every kind's name, for error messages.</summary>
    public static IEnumerable<string> All => Names.Select(n => n.Name);
}

/// <summary>
/// One dated event in an instrument's standing: what happened, to which components, by which instrument or order, with
/// its citation and verification mark. A null <see cref="Date"/> means the date is not known ([U] or [S] with a note);
/// such an event is listed but never changes the standing on any day.
/// </summary>
/// <param name="Date">Calendar day the event takes effect (12:01 a.m. Eastern for instruments; relief start for orders).</param>
/// <param name="Components">Rule components the event touches; empty means the whole instrument.</param>
/// <param name="By">The other instrument or court order that caused it, if any (e.g. "Proclamation 10888", "las-americas-2025").</param>
/// <param name="Text">One plain sentence for a reader.</param>
/// <param name="Class">Whom it reaches, when narrower than everyone (e.g. a certified class).</param>
/// <param name="OrderEvent">Id of the court-order event this standing event comes from (null for non-judicial events).</param>
public sealed record StandingEvent(
    LocalDate? Date,
    StandingKind Kind,
    IReadOnlyList<string> Components,
    string? By,
    string Text,
    Citation Citation,
    string? Class = null,
    string? OrderEvent = null);

/// <summary>What an instrument's standing events add up to on one day.</summary>
public enum StandingState
{
    /// <summary>Dated before the instrument took effect.</summary>
    NotYetInForce,

    /// <summary>In force (possibly amended, overlain, or vacated or stayed in part).</summary>
    InForce,

    /// <summary>A bill or reform: never law.</summary>
    Hypothetical,

    /// <summary>Revoked on or before the day.</summary>
    Revoked,

    /// <summary>Expired on or before the day.</summary>
    Expired,
}

/// <summary>
/// An instrument's standing on one day: its state, the events that have happened by then (dated on or before the day,
/// in date order), and a plain summary naming amendments, overlays and the components vacated or stayed. The
/// <see cref="Status"/> is the weakest mark among the events the state rests on.
/// </summary>
public sealed record StandingOnDay(LocalDate Date, StandingState State, string Summary, VerificationStatus Status, IReadOnlyList<StandingEvent> Events)
{
    public string StateName => State switch
    {
        StandingState.NotYetInForce => "not-yet-in-force",
        StandingState.InForce => "in-force",
        StandingState.Hypothetical => "hypothetical",
        StandingState.Revoked => "revoked",
        StandingState.Expired => "expired",
        _ => throw new InvalidOperationException(),
    };
}

/// <summary>The dated standing events of one instrument, in date order (undated events last), and their reading on a day.</summary>
public sealed class InstrumentStanding
{
    public InstrumentStanding(IReadOnlyList<StandingEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        Events = [.. events.OrderBy(e => e.Date ?? LocalDate.MaxIsoValue)];
    }

    public IReadOnlyList<StandingEvent> Events { get; }

    /// <summary>Whether the instrument is a bill or reform (it has a hypothetical event), never law.</summary>
    public bool IsHypothetical => Events.Any(e => e.Kind == StandingKind.Hypothetical);

    /// <summary>
    /// The standing on <paramref name="date"/>: the state after every dated event on or before it, and a summary such as
    /// "in force since 2024-06-05; amended 2024-10-01 by Proclamation 10817; overlain from 2025-01-20 by Proclamation
    /// 10888; asylum-limitation, fear-manifestation vacated 2025-05-09 (las-americas-2025) [S]".
    /// </summary>
    public StandingOnDay On(LocalDate date)
    {
        var happened = Events.Where(e => e.Date is { } d && d <= date).ToArray();
        if (IsHypothetical)
        {
            var h = Events.First(e => e.Kind == StandingKind.Hypothetical);
            return new StandingOnDay(date, StandingState.Hypothetical, $"HYPOTHETICAL: not law. {h.Text}", h.Citation.Status, happened);
        }

        var inForce = happened.FirstOrDefault(e => e.Kind == StandingKind.InForce && e.Components.Count == 0);
        if (inForce is null)
        {
            var first = Events.FirstOrDefault(e => e.Kind == StandingKind.InForce);
            var when = first?.Date is { } f ? $"; in force from {f:yyyy-MM-dd}" : string.Empty;
            return new StandingOnDay(date, StandingState.NotYetInForce, $"not yet in force on {date:yyyy-MM-dd}{when}", first?.Citation.Status ?? VerificationStatus.Unverified, happened);
        }

        if (happened.LastOrDefault(e => e.Kind is StandingKind.Revoked or StandingKind.Expired) is { } end)
        {
            var state = end.Kind == StandingKind.Revoked ? StandingState.Revoked : StandingState.Expired;
            return new StandingOnDay(date, state, $"{end.Kind.Name()} on {end.Date:yyyy-MM-dd}{(end.By is null ? string.Empty : $" by {end.By}")} [{end.Citation.Status.Code()}]", end.Citation.Status, happened);
        }

        var parts = new List<string> { $"in force since {inForce.Date:yyyy-MM-dd} [{inForce.Citation.Status.Code()}]" };
        var status = inForce.Citation.Status;
        foreach (var e in happened)
        {
            var what = e.Kind switch
            {
                StandingKind.Amended => $"amended {e.Date:yyyy-MM-dd}{By(e)}",
                StandingKind.Overlain => $"overlain from {e.Date:yyyy-MM-dd}{By(e)}{Of(e)}",
                StandingKind.VacatedInPart => $"{Components(e)} vacated {e.Date:yyyy-MM-dd}{By(e)}",
                StandingKind.EnjoinedOrStayed => $"{Components(e)} enjoined or stayed {e.Date:yyyy-MM-dd}{By(e)}{For(e)}",
                StandingKind.StayLifted => $"stay of {Components(e)} lifted {e.Date:yyyy-MM-dd}{By(e)}",
                StandingKind.AffirmedOnAppeal => $"affirmed on appeal {e.Date:yyyy-MM-dd}{By(e)}",
                StandingKind.ReversedOnAppeal => $"reversed on appeal as to {Components(e)} {e.Date:yyyy-MM-dd}{By(e)}",
                StandingKind.NoRevocationFound => $"no revocation found (searched {e.Date:yyyy-MM-dd})",
                StandingKind.NoDeterminationFound => $"no determination found (searched {e.Date:yyyy-MM-dd})",
                _ => null,
            };
            if (what is null)
            {
                continue;
            }

            parts.Add($"{what} [{e.Citation.Status.Code()}]");
            if (e.Kind is not (StandingKind.NoRevocationFound or StandingKind.NoDeterminationFound or StandingKind.Appealed))
            {
                status = VerificationStatusCodes.Weakest(status, e.Citation.Status);
            }
        }

        return new StandingOnDay(date, StandingState.InForce, string.Join("; ", parts), status, happened);

        static string By(StandingEvent e) => e.By is null ? string.Empty : $" by {e.By}";
        static string Of(StandingEvent e) => e.Components.Count == 0 ? string.Empty : $" as to {string.Join(", ", e.Components)}";
        static string For(StandingEvent e) => e.Class is null ? string.Empty : $" for {e.Class}";
        static string Components(StandingEvent e) => e.Components.Count == 0 ? "the instrument" : string.Join(", ", e.Components);
    }
}
