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

/// <summary>
/// The yes/no facts of a case, packed so that labelled rules test them with two mask operations. A three-valued field
/// (true, false, or unknown when absent) takes two bits, one for each known answer; neither set means unknown.
/// </summary>
[Flags]
public enum CaseFacts : uint
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

    /// <summary>Other lawful permission to seek entry or admission, e.g. advance parole or a parole-process travel authorization (10773 §3(b)(v)).</summary>
    OtherLawfulPermission = 1 << 9,

    /// <summary>The compelling circumstances were those of a family member travelling with the noncitizen (8 CFR 1208.35(a)(2)).</summary>
    CompellingThroughFamilyMember = 1 << 10,

    /// <summary>Gave federal officials sufficient medical and reliable criminal-history information before entering (10888 §3): yes.</summary>
    MedicalAndCriminalInfoProvided = 1 << 11,

    /// <summary>The same: no.</summary>
    MedicalAndCriminalInfoNotProvided = 1 << 12,

    /// <summary>Travelled through a third country before entering from Mexico (8 CFR 208.33, CLP): yes.</summary>
    TransitedThirdCountry = 1 << 13,

    /// <summary>The same: no.</summary>
    NoThirdCountryTransit = 1 << 14,

    /// <summary>Sought asylum in a third country and was denied (a CLP exception, 8 CFR 208.33(a)(2)).</summary>
    DeniedAsylumInThirdCountry = 1 << 15,
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

    /// <summary>
    /// When and at what offset the person entered. The constructor and every <c>with</c> fix the entry instant once, so
    /// screening a case under many policies converts its time only once (an initializer writes the field directly,
    /// hence <see cref="EntryTicks"/> has its own).
    /// </summary>
    public OffsetDateTime EnteredAt
    {
        get => field;
        init
        {
            field = value;
            EntryTicks = value.ToInstant().ToUnixTimeTicks();
        }
    } = EnteredAt;

    /// <summary>The entry instant as ticks (100 ns) since the Unix epoch.</summary>
    internal long EntryTicks { get; private init; } = EnteredAt.ToInstant().ToUnixTimeTicks();

    public Instant EntryInstant => Instant.FromUnixTimeTicks(EntryTicks);

    /// <summary>The Eastern calendar date of entry (the default decision date).</summary>
    public LocalDate EntryDateEastern => Engine.EasternTime.DateOf(EntryInstant);

    public static string PlaceCode(EntryPlace place) => place switch
    {
        EntryPlace.BetweenPorts => "between-ports",
        EntryPlace.Coastal => "coastal",
        EntryPlace.PortOfEntry => "port-of-entry",
    };

    public static string? OfficerCode(OfficerDiscretion officer) => officer switch
    {
        OfficerDiscretion.None => null,
        OfficerDiscretion.Totality => "totality",
        OfficerDiscretion.Operational => "operational",
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
        ("otherLawfulPermission", CaseFacts.OtherLawfulPermission),
        ("compellingThroughFamilyMember", CaseFacts.CompellingThroughFamilyMember),
        ("medicalAndCriminalInfoProvided", CaseFacts.MedicalAndCriminalInfoProvided),
        ("transitedThirdCountry", CaseFacts.TransitedThirdCountry),
        ("deniedAsylumInThirdCountry", CaseFacts.DeniedAsylumInThirdCountry),
    ];

    /// <summary>
    /// The three-valued fields: the fact set by <c>false</c> (<see cref="FactFields"/> gives the one set by <c>true</c>).
    /// Absent or null means unknown, and a rule or flag that needs the answer says it <em>may</em> apply.
    /// </summary>
    public static readonly IReadOnlyList<(string Field, CaseFacts Fact)> FalseFactFields =
    [
        ("medicalAndCriminalInfoProvided", CaseFacts.MedicalAndCriminalInfoNotProvided),
        ("transitedThirdCountry", CaseFacts.NoThirdCountryTransit),
    ];

    /// <summary>The fact a <c>false</c> sets for <paramref name="field"/>, or none for a plain two-valued field.</summary>
    public static CaseFacts FalseFact(string field) => FalseFactFields.FirstOrDefault(f => f.Field == field).Fact;
}
