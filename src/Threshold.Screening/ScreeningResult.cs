using NodaTime;
using Threshold.Engine;
using Threshold.Law;

namespace Threshold.Screening;

/// <summary>What happens to the person physically, before any return destination is assigned.</summary>
public enum RemovalPath : byte
{
    /// <summary>No removal follows from this screening (not subject, or referred to fear screening).</summary>
    None,

    /// <summary>Subject to the suspension and not referred: removable (destination from the returns arrangements).</summary>
    Removable,

    /// <summary>Returned to contiguous territory (Mexico) pending proceedings (H.R. 2 as summarised; [U]).</summary>
    ContiguousReturn,

    /// <summary>Repelled, repatriated or removed without the INA's removal procedures (Proclamation 10888 §5 as implemented); destination from the returns arrangements.</summary>
    Repatriation,
}

/// <summary>Names and routing of <see cref="RemovalPath"/>.</summary>
public static class RemovalPaths
{
    /// <summary>Whether the person is removed to a destination the returns ledger decides (removable or repatriated).</summary>
    public static bool GoesToLedger(this RemovalPath path) => path is RemovalPath.Removable or RemovalPath.Repatriation;

    /// <summary>The contract's name: removable, contiguous-return, repatriation, or null.</summary>
    public static string? Code(this RemovalPath path) => path switch
    {
        RemovalPath.Removable => "removable",
        RemovalPath.ContiguousReturn => "contiguous-return",
        RemovalPath.Repatriation => "repatriation",
        RemovalPath.None => null,
    };
}

/// <summary>
/// A court-order event dated after the decision date that would change the answer if the case were decided on or after
/// its effective day: the event, the result fields that would change, and its mark.
/// </summary>
public sealed record LaterOrder(LocalDate Date, string Id, string OrderId, IReadOnlyList<string> Fields, string Text, Citation Citation);

/// <summary>One rule considered for a case: its code and text, whether it held, its citation and any note.</summary>
public sealed record TraceStep(string Rule, string Label, bool Held, Citation? Citation, string? Note = null);

/// <summary>Two applicable rules give conflicting outcomes and no declared priority decides between them.</summary>
public sealed class ScreeningConflictException : Exception
{
    public ScreeningConflictException(string message)
        : base(message)
    {
    }

    public ScreeningConflictException()
    {
    }

    public ScreeningConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The timeline cannot say whether the suspension applied at a case's entry (outside the replayed series).</summary>
public sealed class UnknownPeriodException : Exception
{
    public UnknownPeriodException(string message)
        : base(message)
    {
    }

    public UnknownPeriodException()
    {
    }

    public UnknownPeriodException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The answer for one case: whether the suspension applied and why, the asylum limitation and what lifted it, fear
/// screening, the removal path, flagged consequences, the court orders applied, every citation relied on, and the trace
/// of every rule considered. The return destination is assigned afterwards by the returns ledger.
/// </summary>
public sealed record ScreeningResult(
    string Id,
    string Policy,
    LocalDate StatusDay,
    DayStatus StatusAtEntry,
    LocalDate DecidedOn,
    bool SuspensionApplies,
    string? Exception,
    IReadOnlyList<string> Exceptions,
    bool AsylumLimitationApplies,
    string? ExceptionallyCompelling,
    bool FearReferral,
    string? ScreeningStandard,
    RemovalPath Removal,
    IReadOnlyList<ConsequenceFlag> Flags,
    IReadOnlyList<ScreeningCourtOrder> AppliedOrders,
    IReadOnlyList<Citation> Citations,
    IReadOnlyList<TraceStep> Trace)
{
    /// <summary>Whether withholding of removal and CAT protection are barred (10888 as implemented, unless vacated).</summary>
    public bool WithholdingCatBarred { get; init; }

    /// <summary>The court-order events applied to this decision (effective on or before the decision date, not switched off).</summary>
    public IReadOnlyList<CourtOrderEvent> AppliedOrderEvents { get; init; } = [];

    /// <summary>Order events after the decision date that would change this answer (empty when none would).</summary>
    public IReadOnlyList<LaterOrder> LaterOrders { get; init; } = [];

    /// <summary>The instrument's standing on the entry day and on the decision day.</summary>
    public StandingOnDay? StandingAtEntry { get; init; }

    public StandingOnDay? StandingOnDecision { get; init; }
}

/// <summary>Rule components a court order can vacate (see <see cref="ScreeningCourtOrder"/>).</summary>
[Flags]
public enum Component
{
    None = 0,
    AsylumLimitation = 1,
    FearManifestation = 2,
    ReasonableProbability = 4,
    Suspension = 8,

    /// <summary>A bar on withholding of removal and CAT protection (Proclamation 10888 §2 as implemented).</summary>
    WithholdingCatBar = 16,

    /// <summary>Removal outside the INA's procedures (10888 §5 "repel, repatriate, or remove" without credible fear).</summary>
    RemovalProcedures = 32,
}

/// <summary>
/// The decision for one case without any text: the fast path's result (see <see cref="CaseScreener.Classify"/>).
/// <see cref="HoldingRules"/> has bit k set when the policy's k-th labelled rule holds; <see cref="DecisiveRule"/> is the
/// index of the rule that decided, or -1; <see cref="GroundIndex"/> is the accepted compelling ground, or -1.
/// </summary>
public readonly record struct ScreeningOutcome(
    DayStatus Status,
    LocalDate StatusDay,
    bool InPeriod,
    bool CoveredPlace,
    ulong HoldingRules,
    int DecisiveRule,
    bool Excepted,
    bool SuspensionApplies,
    bool LimitedBeforeRelief,
    int GroundIndex,
    bool AsylumLimitationApplies,
    bool FearReferral,
    string? ScreeningStandard,
    RemovalPath Removal,
    Component Vacated,
    int CoveringGround = -1,
    bool WithholdingCatBarred = false);
