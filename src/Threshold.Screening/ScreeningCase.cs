using NodaTime;

namespace Threshold.Screening;

/// <summary>Where a person entered: between ports of entry (10773 §4(a)(i)), at the southern coastal borders (§4(a)(ii)), or at a southwest land port of entry (§4(a)(iii)).</summary>
public enum EntryPlace : byte
{
    BetweenPorts,
    Coastal,
    PortOfEntry,
}

/// <summary>A CBP officer's discretionary exception: totality of the circumstances (10773 §3(b)(vi)) or operational considerations (§3(b)(vii)).</summary>
public enum OfficerDiscretion : byte
{
    None,
    Totality,
    Operational,
}

/// <summary>The yes/no facts of a case, packed so that labelled rules test them with two mask operations.</summary>
[Flags]
public enum CaseFacts : ushort
{
    None = 0,
    UnaccompaniedChild = 1 << 0,
    UsNational = 1 << 1,
    LawfulPermanentResident = 1 << 2,
    TraffickingVictim = 1 << 3,
    ValidVisaOrDocuments = 1 << 4,
    VisaWaiver = 1 << 5,
    ArmedForcesOrOfficial = 1 << 6,
    ScheduledArrival = 1 << 7,
    ManifestsFear = 1 << 8,
}

/// <summary>
/// One person's facts, as the case contract gives them: when (an instant; its Eastern date decides the period) and
/// where they entered, citizenship (ISO 3166-1 alpha-2), the yes/no facts, an officer exception and a ground of
/// exceptionally compelling circumstances, if any. Immutable.
/// </summary>
public sealed record ScreeningCase(
    string Id,
    OffsetDateTime EnteredAt,
    EntryPlace Place,
    string Citizenship,
    CaseFacts Facts,
    OfficerDiscretion OfficerDiscretion,
    string? ExceptionallyCompelling)
{
    public bool Has(CaseFacts fact) => (Facts & fact) == fact;

    public Instant EntryInstant => EnteredAt.ToInstant();

    /// <summary>The Eastern calendar date of entry (the default decision date).</summary>
    public LocalDate EntryDateEastern => Engine.EasternTime.DateOf(EntryInstant);

    public static string PlaceCode(EntryPlace place) => place switch
    {
        EntryPlace.BetweenPorts => "between-ports",
        EntryPlace.Coastal => "coastal",
        EntryPlace.PortOfEntry => "port-of-entry",
        _ => throw new ArgumentOutOfRangeException(nameof(place)),
    };

    public static string? OfficerCode(OfficerDiscretion officer) => officer switch
    {
        OfficerDiscretion.None => null,
        OfficerDiscretion.Totality => "totality",
        OfficerDiscretion.Operational => "operational",
        _ => throw new ArgumentOutOfRangeException(nameof(officer)),
    };

    /// <summary>The contract's field name for each fact, in contract order.</summary>
    public static readonly IReadOnlyList<(string Field, CaseFacts Fact)> FactFields =
    [
        ("unaccompaniedChild", CaseFacts.UnaccompaniedChild),
        ("usNational", CaseFacts.UsNational),
        ("lawfulPermanentResident", CaseFacts.LawfulPermanentResident),
        ("traffickingVictim", CaseFacts.TraffickingVictim),
        ("validVisaOrDocuments", CaseFacts.ValidVisaOrDocuments),
        ("visaWaiver", CaseFacts.VisaWaiver),
        ("armedForcesOrOfficial", CaseFacts.ArmedForcesOrOfficial),
        ("scheduledArrival", CaseFacts.ScheduledArrival),
        ("manifestsFear", CaseFacts.ManifestsFear),
    ];
}
