using Threshold.Engine;

namespace Threshold.Returns;

/// <summary>
/// The public JSON form of a <see cref="LedgerReport"/>: months as "yyyy-MM" and citations in the contract's shape
/// (text, instrument, section, federalRegister, status mark, statusMeaning, source).
/// </summary>
public static class LedgerReportJson
{
    public static LedgerReportDto Build(LedgerReport report) => new(
        report.Arrangements.Select(a => new ArrangementMonthDto(
            Month(a.Month), a.ArrangementId, a.Cap, a.AllocatedToMexico, a.Overflow, a.Utilisation, a.RemainingCapacity,
            a.ByNationality.Select(n => new NationalityDto(n.Nationality, n.AllocatedToMexico, n.Overflow)).ToArray(),
            ReplayReport.CitationDto.From(a.Citation), a.Destination)).ToArray(),
        report.MexicoBurden.Select(b => new MexicoBurdenDto(
            Month(b.Month), b.UnderCaps, b.UnderUncappedArrangements, b.MexicanNationals, b.MexicanUnaccompaniedChildren, b.TotalToMexico,
            b.OverflowToCitizenship, b.UnaccompaniedChildren, b.AllRemovals, b.ShareOfAllRemovals, b.ToThirdCountries)).ToArray(),
        report.Totals);

    private static string Month(NodaTime.YearMonth month) => month.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

    public sealed record LedgerReportDto(IReadOnlyList<ArrangementMonthDto> Arrangements, IReadOnlyList<MexicoBurdenDto> MexicoBurden, LedgerTotals Totals);

    public sealed record ArrangementMonthDto(string Month, string ArrangementId, int? Cap, long AllocatedToMexico, long Overflow, decimal? Utilisation, long? RemainingCapacity, IReadOnlyList<NationalityDto> ByNationality, ReplayReport.CitationDto Citation, string Destination);

    public sealed record NationalityDto(string Nationality, long AllocatedToMexico, long Overflow);

    public sealed record MexicoBurdenDto(string Month, long UnderCaps, long UnderUncappedArrangements, long MexicanNationals, long MexicanUnaccompaniedChildren, long TotalToMexico, long OverflowToCitizenship, long UnaccompaniedChildren, long AllRemovals, decimal ShareOfAllRemovals, long ToThirdCountries);
}
