using NodaTime;

namespace Threshold.Law;

/// <summary>What an official determination (or an instrument's own finding) decides.</summary>
public enum OfficialKind
{
    /// <summary>The instrument applies by its own terms from its in-force date, with no separate determination (10773 §1).</summary>
    InForce,

    /// <summary>A determination that the suspension applies (10773 §2(b) reactivation).</summary>
    Activation,

    /// <summary>A determination or finding that ends the suspension (10773 §2(a) discontinuation; 10888 §1 "the invasion … has ceased").</summary>
    Deactivation,
}

/// <summary>One determination actually made and published, with its source and mark.</summary>
/// <param name="Date">The day the determination was made (not the day it takes effect).</param>
/// <param name="Window">The days of data it relied on, inclusive at both ends, when the publication names them.</param>
/// <param name="Text">What was determined, in words.</param>
/// <param name="Line">Line of the entry in its file, or 0 when it was not read from a file (a recorded determination).</param>
public sealed record OfficialDetermination(LocalDate Date, OfficialKind Kind, DateInterval? Window, string Text, Citation Citation, long Line = 0);

/// <summary>
/// A search that found no determination of some kinds from a date to the date last checked. It is its own cited fact,
/// always [U]: finding nothing proves nothing, so a record can say "none found" but never "none made".
/// </summary>
/// <param name="From">First day the search covered.</param>
public sealed record NoneFound(IReadOnlyList<OfficialKind> Kinds, LocalDate From, string Text, Citation Citation);

/// <summary>
/// The official record of one instrument (law/determinations/*.yaml): the determinations made and published, in date
/// order, what was searched and when it was last checked, and what was looked for and not found. The official
/// timeline follows only these; it never proposes a determination from the data.
/// </summary>
/// <param name="PolicyId">The policy whose determinations these are, e.g. proclamation-10773.</param>
/// <param name="LastChecked">The day someone last searched for new determinations (OpenFisca's last_value_still_valid_on).</param>
/// <param name="Searched">Where and for what the search looked.</param>
/// <param name="NoneFound">The kinds searched for and not found; null when the record claims nothing about absence.</param>
public sealed record OfficialDeterminations(
    string PolicyId,
    string Title,
    LocalDate LastChecked,
    string Searched,
    IReadOnlyList<OfficialDetermination> Determinations,
    NoneFound? NoneFound,
    string SourceName);
