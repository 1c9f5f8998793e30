using NodaTime;
using Threshold.Law;

namespace Threshold.Returns;

/// <summary>
/// One dated, cited acceptance of returns of the listed nationalities (law/arrangements/*.yaml), by Mexico or, with
/// another <see cref="Destination"/>, by a third country. It applies to an encounter whose calendar date in
/// America/New_York lies between <see cref="From"/> and <see cref="To"/>, both INCLUSIVE (<see cref="To"/> null:
/// open-ended).
/// </summary>
/// <param name="Id">Lower-case token, unique across every loaded file, e.g. "mexico-chnv-30000".</param>
/// <param name="Title">Human-readable title.</param>
/// <param name="From">First Eastern calendar date on which the arrangement applies (inclusive).</param>
/// <param name="To">Last Eastern calendar date on which it applies (inclusive); null when open-ended.</param>
/// <param name="Nationalities">
/// ISO 3166-1 alpha-2 codes of the nationals accepted under it (never MX, never the destination); empty when
/// <paramref name="AnyNationality"/>.
/// </param>
/// <param name="MonthlyCap">
/// People accepted per Eastern calendar month of the encounter, all <paramref name="Nationalities"/> together;
/// null when there is no cap. Beyond it, people go to their country of citizenship as overflow.
/// </param>
/// <param name="Priority">
/// Higher wins where two arrangements take the same nationality on the same date; equal priorities there are an error.
/// 0 when the file declares none.
/// </param>
/// <param name="Citation">The source of the arrangement and its verification status.</param>
/// <param name="SupportingCitations">Further sources (context, reaffirmations), each with its own status.</param>
/// <param name="Note">Caveats and scope, as written in the file.</param>
/// <param name="SourceName">File or resource name the arrangement was read from.</param>
/// <param name="Line">1-based line of the arrangement in <paramref name="SourceName"/>.</param>
/// <param name="Destination">ISO 3166-1 alpha-2 code of where people go under it: MX unless the file says otherwise.</param>
/// <param name="AnyNationality">
/// Takes every nationality (<c>nationalities: any</c>) except MX, whose nationals have their own rule, and the
/// destination's own nationals.
/// </param>
/// <param name="ToCitation">The source of <paramref name="To"/> (the end itself) with its status; null when the file gives none.</param>
/// <param name="MonthlyCapCitation">The source of <paramref name="MonthlyCap"/> when it is not the arrangement's own figure (e.g. a calibration); else null.</param>
public sealed record Arrangement(
    string Id,
    string Title,
    LocalDate From,
    LocalDate? To,
    IReadOnlyList<string> Nationalities,
    int? MonthlyCap,
    int Priority,
    Citation Citation,
    IReadOnlyList<Citation> SupportingCitations,
    string Note,
    string SourceName,
    long Line,
    string Destination,
    bool AnyNationality,
    Citation? ToCitation,
    Citation? MonthlyCapCitation)
{
    /// <summary>The nationalities for a reader: the list, or "any (except MX and the destination's own)".</summary>
    public string NationalitiesText => AnyNationality
        ? Destination == NationalityCode.Mexico ? "any (except MX)" : $"any (except MX and {Destination})"
        : string.Join(", ", Nationalities);

    /// <summary>Whether the arrangement applies on this Eastern calendar date (ends inclusive).</summary>
    public bool AppliesOn(LocalDate easternDate) => easternDate >= From && (To is not { } to || easternDate <= to);

    /// <summary>Whether it takes nationals of <paramref name="nationality"/> (alpha-2) on the dates it applies.</summary>
    public bool Takes(string nationality) => AnyNationality
        ? nationality != NationalityCode.Mexico && nationality != Destination
        : Nationalities.Contains(nationality, StringComparer.Ordinal);
}

/// <summary>
/// A rule that is not an arrangement (unaccompanied children, Mexican nationals, the country-of-citizenship default),
/// with its primary citation, supporting citations and note.
/// </summary>
/// <param name="Name">The rule's key in the file: "unaccompanied_children", "mexican_nationals" or "citizenship".</param>
public sealed record ReturnRule(string Name, Citation Citation, IReadOnlyList<Citation> SupportingCitations, string Note);

/// <summary>
/// The three rules that sit outside the arrangements:
/// <list type="bullet">
/// <item><see cref="UnaccompaniedChildren"/>: an unaccompanied child never goes under an arrangement or against a cap;
/// the destination is the country of citizenship (10773 §3(e) [V]: 6 U.S.C. 279 / 8 U.S.C. 1232 processes; Title 42
/// reports [S] that Mexico did not accept them).</item>
/// <item><see cref="MexicanNationals"/>: Mexican nationals go to Mexico on every date, outside any cap ([V-off] W1).</item>
/// <item><see cref="Citizenship"/>: everyone else, and overflow beyond a cap, goes to the country of citizenship ([U]).</item>
/// </list>
/// </summary>
public sealed record ReturnRules(ReturnRule UnaccompaniedChildren, ReturnRule MexicanNationals, ReturnRule Citizenship);

/// <summary>One arrangement file as read: identity, caveats, optional rules and its arrangements in file order.</summary>
/// <param name="Rules">The rules; only one loaded file may define them (the built-in mexico-returns.yaml does).</param>
public sealed record ArrangementDocument(
    string Id,
    string Title,
    string? LastVerified,
    IReadOnlyList<string> Caveats,
    ReturnRules? Rules,
    IReadOnlyList<Arrangement> Arrangements,
    string SourceName);
