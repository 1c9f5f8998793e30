using NodaTime;
using Threshold.Law;

namespace Threshold.Returns;

/// <summary>One person to be returned: who, of which citizenship, encountered when.</summary>
/// <param name="CaseId">The caller's identifier for the case; kept as given.</param>
/// <param name="Citizenship">ISO 3166-1 alpha-2 code of the country of citizenship (two upper-case letters).</param>
/// <param name="EncounteredAt">
/// The instant of the encounter. Its calendar date in America/New_York decides which arrangement applies (from/to
/// inclusive) and its Eastern calendar month decides which monthly cap it counts against.
/// </param>
/// <param name="UnaccompaniedChild">An unaccompanied child (6 U.S.C. 279(g)(2)): never returned under an arrangement.</param>
public sealed record ReturnRequest(string CaseId, string Citizenship, Instant EncounteredAt, bool UnaccompaniedChild);

/// <summary>Where one request goes, and why.</summary>
/// <param name="CaseId">The request's case id.</param>
/// <param name="Destination">
/// ISO 3166-1 alpha-2 code of the destination: MX, the country of citizenship, or the third country an arrangement
/// names as its destination.
/// </param>
/// <param name="Overflow">
/// True when an arrangement applied but its monthly cap for the Eastern month was already used up, so the person goes
/// to the country of citizenship instead; <see cref="ArrangementId"/> then names the full arrangement.
/// </param>
/// <param name="ArrangementId">The arrangement the person was returned under (or overflowed from); null when none.</param>
/// <param name="Month">The Eastern (America/New_York) calendar month of the encounter: the month the return counts in.</param>
/// <param name="Reason">A sentence saying which rule decided the destination.</param>
/// <param name="Citation">The citation of that rule or arrangement, with its verification status.</param>
public sealed record ReturnAllocation(
    string CaseId,
    string Destination,
    bool Overflow,
    string? ArrangementId,
    YearMonth Month,
    string Reason,
    Citation Citation);

/// <summary>
/// One allocation as it happened: its 1-based position in call order, the request and the allocation. Replaying the
/// events in order through <see cref="ReturnsLedger.Replay"/> against the same arrangements rebuilds the same ledger.
/// </summary>
public sealed record LedgerEvent(long Sequence, ReturnRequest Request, ReturnAllocation Allocation);
