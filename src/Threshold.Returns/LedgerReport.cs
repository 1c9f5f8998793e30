using NodaTime;
using Threshold.Law;

namespace Threshold.Returns;

/// <summary>
/// The state of a <see cref="ReturnsLedger"/>: per Eastern month and arrangement, the people sent to its destination
/// under it (by nationality), its cap, utilisation, remaining capacity and overflow; per Eastern month, the burden on
/// Mexico (MX destinations only) and the returns to third countries.
/// Immutable; equal reports compare equal (lists by content).
/// </summary>
/// <param name="Arrangements">One line per (month, arrangement) that received at least one request; by month, then load order.</param>
/// <param name="MexicoBurden">One line per Eastern month with at least one request, ascending.</param>
/// <param name="Totals">Sums over all months.</param>
public sealed record LedgerReport(IReadOnlyList<ArrangementMonthLine> Arrangements, IReadOnlyList<MexicoBurdenLine> MexicoBurden, LedgerTotals Totals)
{
    public bool Equals(LedgerReport? other) =>
        other is not null && Arrangements.SequenceEqual(other.Arrangements) && MexicoBurden.SequenceEqual(other.MexicoBurden) && Totals == other.Totals;

    public override int GetHashCode() => HashCode.Combine(Arrangements.Count, MexicoBurden.Count, Totals);
}

/// <summary>
/// One arrangement in one Eastern calendar month. For a capped arrangement the cap is shared by all its nationalities:
/// <see cref="AllocatedToMexico"/> never exceeds <see cref="Cap"/>, and <see cref="Overflow"/> counts those who went to
/// their country of citizenship because the cap was used up.
/// </summary>
/// <param name="Cap">People per month; null when the arrangement has none.</param>
/// <param name="AllocatedToMexico">
/// People sent to the arrangement's <paramref name="Destination"/> under it this month, all nationalities: Mexico for
/// every built-in arrangement (the name predates third-country destinations).
/// </param>
/// <param name="Overflow">People of its nationalities sent to their country of citizenship because the cap was full.</param>
/// <param name="Utilisation">AllocatedToMexico / Cap as an exact decimal fraction (1 = full); null without a cap.</param>
/// <param name="RemainingCapacity">Cap − AllocatedToMexico; null without a cap.</param>
/// <param name="ByNationality">The same counts by nationality, ordered by code.</param>
/// <param name="Citation">The arrangement's citation, with its verification status.</param>
/// <param name="Destination">ISO 3166-1 alpha-2 code of the arrangement's destination (MX, or a third country).</param>
public sealed record ArrangementMonthLine(
    YearMonth Month,
    string ArrangementId,
    int? Cap,
    long AllocatedToMexico,
    long Overflow,
    decimal? Utilisation,
    long? RemainingCapacity,
    IReadOnlyList<NationalityCount> ByNationality,
    Citation Citation,
    string Destination)
{
    public bool Equals(ArrangementMonthLine? other) =>
        other is not null
        && Month == other.Month
        && ArrangementId == other.ArrangementId
        && Cap == other.Cap
        && AllocatedToMexico == other.AllocatedToMexico
        && Overflow == other.Overflow
        && Utilisation == other.Utilisation
        && RemainingCapacity == other.RemainingCapacity
        && ByNationality.SequenceEqual(other.ByNationality)
        && Citation == other.Citation
        && Destination == other.Destination;

    public override int GetHashCode() => HashCode.Combine(Month, ArrangementId, AllocatedToMexico, Overflow);
}

/// <summary>People of one nationality under one arrangement in one month.</summary>
/// <param name="Nationality">ISO 3166-1 alpha-2 code.</param>
/// <param name="AllocatedToMexico">Sent to Mexico under the arrangement.</param>
/// <param name="Overflow">Sent to the country of citizenship because the cap was full.</param>
public sealed record NationalityCount(string Nationality, long AllocatedToMexico, long Overflow);

/// <summary>
/// The burden on Mexico in one Eastern calendar month: everyone sent to Mexico, and their share of all removals.
/// </summary>
/// <param name="UnderCaps">Sent to Mexico under capped arrangements (to Mexico only).</param>
/// <param name="UnderUncappedArrangements">Sent to Mexico under arrangements without a cap (e.g. Title 42 era).</param>
/// <param name="MexicanNationals">Mexican nationals returned to Mexico outside any cap and any arrangement (unaccompanied Mexican children included).</param>
/// <param name="MexicanUnaccompaniedChildren">Of <paramref name="MexicanNationals"/>, unaccompanied children (to Mexico as their country of citizenship).</param>
/// <param name="TotalToMexico">UnderCaps + UnderUncappedArrangements + MexicanNationals.</param>
/// <param name="OverflowToCitizenship">Sent to the country of citizenship because a cap was full.</param>
/// <param name="UnaccompaniedChildren">All unaccompanied children this month, every citizenship.</param>
/// <param name="AllRemovals">Every request allocated this month, whatever the destination.</param>
/// <param name="ShareOfAllRemovals">TotalToMexico / AllRemovals as an exact decimal fraction.</param>
/// <param name="ToThirdCountries">Sent to a third country under an arrangement with that destination; not in the burden on Mexico.</param>
public sealed record MexicoBurdenLine(
    YearMonth Month,
    long UnderCaps,
    long UnderUncappedArrangements,
    long MexicanNationals,
    long MexicanUnaccompaniedChildren,
    long TotalToMexico,
    long OverflowToCitizenship,
    long UnaccompaniedChildren,
    long AllRemovals,
    decimal ShareOfAllRemovals,
    long ToThirdCountries);

/// <summary>Sums of <see cref="MexicoBurdenLine"/> over all months; <see cref="ShareToMexico"/> is 0 for an empty ledger.</summary>
public sealed record LedgerTotals(
    long AllRemovals,
    long TotalToMexico,
    long UnderCaps,
    long UnderUncappedArrangements,
    long MexicanNationals,
    long OverflowToCitizenship,
    decimal ShareToMexico,
    long ToThirdCountries);
