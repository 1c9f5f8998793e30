using NodaTime;

namespace Threshold.Population;

/// <summary>
/// Every figure the generator uses that is not read from <c>data/source</c>'s monthly tables, each with why. The rates of
/// the rare facts are ASSUMPTIONS of this generator [U]: no public series gives them per encounter. docs/population.md
/// lists each with its value.
/// </summary>
public static class PopulationAssumptions
{
    // ---- Fear manifestation (reported_calibration_inputs.csv, rows 1-2; a DHS declaration relayed by the press). ----

    /// <summary>
    /// Share manifesting fear under the June 2024 rule: "24 percent" of expedited-removal cases, IFR period to about
    /// August 2024 (Royce Murray, DHS, relayed by the press [official-via-press]); applied to every later entry too.
    /// </summary>
    public const double ManifestsFearUnderRule = 0.24;

    /// <summary>Share expressing fear before the rule, when the questions were asked: "previous average 55%" (same source).</summary>
    public const double ManifestsFearBeforeRule = 0.55;

    /// <summary>The rule's effective instant, 12:01 a.m. EDT on June 5, 2024 (Proclamation 10773 §1; 89 FR 48487): entries from then draw the lower rate.</summary>
    public static readonly Instant FearRuleEffective = Instant.FromUtc(2024, 6, 5, 4, 1);

    // ---- Scheduled arrivals (CBP One) at ports of entry (reported_calibration_inputs.csv, row 5). ----

    /// <summary>
    /// CBP One appointments a day at southwest ports of entry, by the first day each capacity applied: 1,000 from
    /// 2023-05-12, 1,250 from 2023-06-01, 1,450 from 2023-06-30 (CBP national media release [official]). Before
    /// 2023-05-12 the Title 42 exception appointments are not in the bundled inputs and are not modelled (0) [U]; from
    /// 2025-01-20 the appointment function was ended (reported [S], not in the bundled inputs) (0).
    /// </summary>
    public static readonly IReadOnlyList<(LocalDate From, int PerDay)> CbpOneAppointmentsPerDay =
    [
        (new LocalDate(2023, 5, 12), 1000),
        (new LocalDate(2023, 6, 1), 1250),
        (new LocalDate(2023, 6, 30), 1450),
        (new LocalDate(2025, 1, 20), 0),
    ];

    /// <summary>
    /// Assumption [U]: every appointment is used and each is one port-of-entry encounter (CBP counts CBP One arrivals among
    /// OFO inadmissibles), so the scheduled share of a day's port-of-entry cases is appointments ÷ the month's OFO
    /// encounters a day, at most 1. Only adults and families can schedule (unaccompanied children could not use CBP One).
    /// </summary>
    public static int AppointmentsPerDay(LocalDate day)
    {
        var perDay = 0;
        foreach (var (from, value) in CbpOneAppointmentsPerDay)
        {
            if (day >= from)
            {
                perDay = value;
            }
        }

        return perDay;
    }

    // ---- Lawful status (one at most; never for an unaccompanied child). Assumptions [U]. ----

    /// <summary>Noncitizen nationals of the United States (10773 §3(b)(i)), any place: 1 in 5,000 [U]. Their citizenship is written "US".</summary>
    public const double UsNationalRate = 0.0002;

    /// <summary>Lawful permanent residents (§3(b)(ii)), any place: 1 in 1,000 [U].</summary>
    public const double LawfulPermanentResidentRate = 0.001;

    /// <summary>Holders of a valid visa or the documents 8 U.S.C. 1182(a)(7) requires (§3(b)(v)(B)), at ports of entry only (the documents are presented on arrival there): 0.5% of port-of-entry cases [U].</summary>
    public const double ValidVisaAtPortsRate = 0.005;

    /// <summary>Travellers under the Visa Waiver Program (§3(b)(v)(C)): a quarter of the port-of-entry cases whose citizenship is a VWP country on the entry date [U]; nobody else.</summary>
    public const double VisaWaiverShareOfVwpNationalsAtPorts = 0.25;

    /// <summary>Members of the U.S. Armed Forces, associated personnel, USG employees or contractors on orders, or their family (§3(b)(v)(A)), any place: 1 in 10,000 [U].</summary>
    public const double ArmedForcesOrOfficialRate = 0.0001;

    // ---- Other exceptions and grounds. Assumptions [U]. ----

    /// <summary>Determined victims of a severe form of trafficking (§3(b)(iv)), among cases without a lawful status (unaccompanied children included): 0.05% [U].</summary>
    public const double TraffickingVictimRate = 0.0005;

    /// <summary>Officer exception on the totality of the circumstances (§3(b)(vi)), among cases no other exception covers: 0.2% [U].</summary>
    public const double OfficerTotalityRate = 0.002;

    /// <summary>Officer exception for operational considerations (§3(b)(vii)), among cases no other exception covers: 0.1% [U].</summary>
    public const double OfficerOperationalRate = 0.001;

    /// <summary>Exceptionally compelling circumstances (8 CFR 1208.35(a)(2)), among cases no exception covers: an acute medical emergency 0.3% [U].</summary>
    public const double CompellingMedicalEmergencyRate = 0.003;

    /// <summary>... an imminent and extreme threat to life or safety: 0.4% [U].</summary>
    public const double CompellingImminentThreatRate = 0.004;

    /// <summary>... satisfied the definition of a trafficking victim (not yet "determined", else §3(b)(iv) applies): 0.05% [U].</summary>
    public const double CompellingTraffickingVictimRate = 0.0005;

    /// <summary>... other exceptionally compelling circumstances: 0.1% [U].</summary>
    public const double CompellingOtherRate = 0.001;
}
