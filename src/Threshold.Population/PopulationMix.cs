using System.Globalization;
using NodaTime;
using Threshold.Screening;
using Threshold.Sources;

namespace Threshold.Population;

/// <summary>
/// The REAL mix of one calendar month that SYNTHETIC cases are drawn from: nationality, family status, unaccompanied
/// children by contiguity and place of entry, read from the bundled copies in <c>data/source</c>, with the provenance
/// of every figure (<see cref="Provenance"/>). Method and assumptions: docs/population.md.
/// </summary>
public sealed class PopulationMix
{
    /// <summary>OHSS KHSM monthly USBP encounters by region and citizenship (rounded to 10; ends November 2024).</summary>
    public const string CitizenshipFile = "usbp_khsm_monthly_region_citizenship_fy2000_fy2025nov.csv";

    /// <summary>OHSS KHSM monthly USBP encounters by region and family status (rounded to 10; ends November 2024).</summary>
    public const string FamilyStatusFile = "usbp_khsm_monthly_region_family_status_fy2000_fy2025nov.csv";

    /// <summary>OHSS KHSM monthly USBP encounters by region (rounded to 10; ends November 2024).</summary>
    public const string RegionFile = "usbp_khsm_monthly_region_fy2000_fy2025nov.csv";

    /// <summary>USBP southwest unaccompanied children, Mexico (contiguous) against other, October 2019 to August 2025.</summary>
    public const string UcContiguityFile = "usbp_swb_monthly_uc_by_contiguity_fy2020_fy2025aug.csv";

    /// <summary>CBP southwest land border encounters, USBP and OFO, October 2021 to August 2025.</summary>
    public const string SboEncountersFile = "cbp_sbo_encounters_fy22_fy25_aug.csv";

    /// <summary>The file the scheduled-arrival capacity and the fear rates are taken from (their values are constants in <see cref="PopulationAssumptions"/>).</summary>
    public const string CalibrationFile = "reported_calibration_inputs.csv";

    internal PopulationMix(YearMonth month, PlaceMix[] places, double portsPerDay, IReadOnlyDictionary<string, YearMonth> sourceMonths, bool fallback, IReadOnlyList<string> provenance)
    {
        Month = month;
        Places = places;
        PortOfEntryEncountersPerDay = portsPerDay;
        SourceMonths = sourceMonths;
        UsesFallback = fallback;
        Provenance = provenance;
    }

    /// <summary>The calendar month the cases enter in.</summary>
    public YearMonth Month { get; }

    /// <summary>The three places, in <see cref="EntryPlace"/> order; their shares sum to 1.</summary>
    public IReadOnlyList<PlaceMix> Places { get; }

    /// <summary>The month's OFO southwest encounters a day (the denominator of the scheduled-arrival share).</summary>
    public double PortOfEntryEncountersPerDay { get; }

    /// <summary>The month of each source file the mix uses (a month earlier than <see cref="Month"/> is a fallback).</summary>
    public IReadOnlyDictionary<string, YearMonth> SourceMonths { get; }

    /// <summary>Whether any source ends before <see cref="Month"/>, so its latest month stands in (said in <see cref="Provenance"/>).</summary>
    public bool UsesFallback { get; }

    /// <summary>Where every figure comes from, one line each, each starting "synthetic:".</summary>
    public IReadOnlyList<string> Provenance { get; }

    public PlaceMix For(EntryPlace place) => Places[(int)place];

    /// <summary>
    /// The share of a day's port-of-entry cases that arrive at a scheduled time (CBP One): the day's appointments
    /// (<see cref="PopulationAssumptions.AppointmentsPerDay"/>) over the month's OFO encounters a day, at most 1.
    /// </summary>
    public double ScheduledArrivalShare(LocalDate day) =>
        PortOfEntryEncountersPerDay <= 0 ? 0 : Math.Min(1.0, PopulationAssumptions.AppointmentsPerDay(day) / PortOfEntryEncountersPerDay);

    /// <summary>
    /// Reads the five monthly tables from <paramref name="sourceDirectory"/> (the path of <c>data/source</c>) and builds
    /// the mix of <paramref name="month"/>. A source that ends before the month stands in with its latest month (said in
    /// <see cref="Provenance"/>); a month before a source begins, or missing inside it, is an error. Throws
    /// <see cref="SourceDataException"/> naming the file and line for a missing file or column, an unparseable or
    /// repeated row, or an unknown name.
    /// </summary>
    public static PopulationMix Load(string sourceDirectory, YearMonth month)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceDirectory);
        if (!Directory.Exists(sourceDirectory))
        {
            throw new SourceDataException(sourceDirectory, 0, "source folder not found");
        }

        var s = PopulationSources.Read(sourceDirectory);
        var fallbacks = new List<string>();
        var notes = new List<string>();
        const string sw = PopulationSources.SouthwestRegion;
        const string coast = PopulationSources.CoastalRegion;

        (string File, HashSet<YearMonth> Months, string What)[] covered =
        [
            (CitizenshipFile, s.Citizenship.Keys.Where(k => k.Region == sw).Select(k => k.Month).ToHashSet(), "the nationality mix"),
            (FamilyStatusFile, s.Family.Keys.Where(k => k.Region == sw).Select(k => k.Month).ToHashSet(), "the family status mix"),
            (RegionFile, s.Region.Keys.Where(k => k.Region == sw).Select(k => k.Month).ToHashSet(), "the coastal share"),
            (UcContiguityFile, s.UcContiguity.Keys.ToHashSet(), "the contiguity of unaccompanied children"),
            (SboEncountersFile, s.Sbo.Keys.ToHashSet(), "the port-of-entry share and mix"),
        ];
        foreach (var (file, months, what) in covered.Where(c => c.Months.Count == 0))
        {
            throw new SourceDataException(file, 0, $"has no data rows; {what} needs them");
        }

        // The first month every source covers: an earlier month is an error naming the source that starts last.
        var latestStart = covered.MaxBy(c => c.Months.Min());
        if (month < latestStart.Months.Min())
        {
            throw new SourceDataException(latestStart.File, 0,
                $"no data for {Format(month)}: the file covers {Format(latestStart.Months.Min())} to {Format(latestStart.Months.Max())}, and {latestStart.What} needs the month; SYNTHETIC populations can be drawn from {Format(latestStart.Months.Min())}");
        }

        var cm = Pick(covered[0].File, covered[0].Months, month, covered[0].What, fallbacks);
        var fm = Pick(covered[1].File, covered[1].Months, month, covered[1].What, fallbacks);
        var rm = Pick(covered[2].File, covered[2].Months, month, covered[2].What, fallbacks);
        var um = Pick(covered[3].File, covered[3].Months, month, covered[3].What, fallbacks);
        var sm = Pick(covered[4].File, covered[4].Months, month, covered[4].What, fallbacks);

        // Nationality: the Southwest Land Border rows of the month; residual names left out, the rest rescaled.
        var swRows = s.Citizenship[(sw, cm)];
        var swMix = Nationalities(swRows, out var swResidual);
        if (swMix.Length == 0)
        {
            throw new SourceDataException(CitizenshipFile, swRows[0].Line, $"the Southwest Land Border rows of {Format(cm)} have no nationality with a count above zero");
        }

        var swFamily = s.Family[(sw, fm)];
        if (swFamily.Total <= 0)
        {
            throw new SourceDataException(FamilyStatusFile, 0, $"the Southwest Land Border family status counts of {Format(fm)} are all zero");
        }

        var uc = s.UcContiguity[um];
        double? ucMexico = uc.Total > 0 ? (double)uc.Mexico / uc.Total : null;
        if (ucMexico is null)
        {
            notes.Add($"synthetic: note: {UcContiguityFile} has no unaccompanied children in {Format(um)}; the children's contiguity follows the nationality mix");
        }

        // Coastal: the KHSM Coastal Border rows of the same months, when there are any.
        var coastalCount = s.Region.GetValueOrDefault((coast, rm));
        var swCount = s.Region[(sw, rm)];
        if (swCount <= 0)
        {
            throw new SourceDataException(RegionFile, 0, $"the Southwest Land Border total of {Format(rm)} is zero; the coastal share is relative to it");
        }

        var coastalMix = s.Citizenship.TryGetValue((coast, cm), out var coastRows) ? Nationalities(coastRows, out _) : [];
        var coastalFamily = s.Family.GetValueOrDefault((coast, fm));
        if (coastalCount > 0 && coastalMix.Length == 0)
        {
            notes.Add($"synthetic: note: {CitizenshipFile} has no Coastal Border nationality for {Format(cm)}; coastal cases follow the Southwest mix");
        }

        if (coastalCount > 0 && coastalFamily.Total <= 0)
        {
            notes.Add($"synthetic: note: {FamilyStatusFile} has no Coastal Border family status for {Format(fm)}; coastal cases follow the Southwest mix");
        }

        // Ports of entry: OFO against USBP in the same CBP release; OFO's own demographics and citizenship groups.
        var sbo = s.Sbo[sm];
        if (sbo.Usbp <= 0)
        {
            throw new SourceDataException(SboEncountersFile, 0, $"the U.S. Border Patrol total of {Format(sm)} is zero; the port-of-entry share is relative to it");
        }

        var portMix = sbo.Ofo > 0 ? Raked(swMix, sbo) : swMix;
        var ofoDemo = sbo.OfoByDemographic;
        var ofoUac = ofoDemo[SboMonth.UacIndex];

        var coastalRatio = (double)coastalCount / swCount;
        var portRatio = (double)sbo.Ofo / sbo.Usbp;
        var denominator = 1 + coastalRatio + portRatio;
        var places = new PlaceMix[3];
        places[(int)EntryPlace.BetweenPorts] = new PlaceMix(EntryPlace.BetweenPorts, 1 / denominator, swMix,
            swFamily.SingleAdults, swFamily.UnaccompaniedChildren, swFamily.FamilyUnitIndividuals, ucMexico);
        var coastalFamilyUsed = coastalFamily.Total > 0 ? coastalFamily : swFamily;
        places[(int)EntryPlace.Coastal] = new PlaceMix(EntryPlace.Coastal, coastalRatio / denominator, coastalMix.Length > 0 ? coastalMix : swMix,
            coastalFamilyUsed.SingleAdults, coastalFamilyUsed.UnaccompaniedChildren, coastalFamilyUsed.FamilyUnitIndividuals, null);
        places[(int)EntryPlace.PortOfEntry] = sbo.Ofo > 0
            ? new PlaceMix(EntryPlace.PortOfEntry, portRatio / denominator, portMix,
                ofoDemo[SboMonth.SingleAdultsIndex], ofoUac, ofoDemo[SboMonth.FmuaIndex] + ofoDemo[SboMonth.AccompaniedMinorsIndex], ofoUac > 0 ? (double)sbo.OfoUacMexico / ofoUac : null)
            : new PlaceMix(EntryPlace.PortOfEntry, 0, swMix, swFamily.SingleAdults, swFamily.UnaccompaniedChildren, swFamily.FamilyUnitIndividuals, ucMexico);
        foreach (var p in places.Where(p => p.ClampedShare > 1e-12))
        {
            notes.Add($"synthetic: note: at {ScreeningCase.PlaceCode(p.Place)} the unaccompanied children's nationality part exceeded the overall share of some nationalities by {Pct(p.ClampedShare)} in total (sources rounded independently); those were set to zero for the others and the rest rescaled");
        }

        var portsPerDay = (double)sbo.Ofo / sm.Calendar.GetDaysInMonth(sm.Year, sm.Month);
        var sourceMonths = new Dictionary<string, YearMonth>(StringComparer.Ordinal)
        {
            [CitizenshipFile] = cm,
            [FamilyStatusFile] = fm,
            [RegionFile] = rm,
            [UcContiguityFile] = um,
            [SboEncountersFile] = sm,
        };

        var provenance = new List<string>
        {
            $"synthetic: SYNTHETIC cases entering in {Format(month)}: every case is drawn at random from the real monthly mix below; none is a real person or record (method and assumptions: docs/population.md)",
            $"synthetic: between ports, nationality: {CitizenshipFile}, Southwest Land Border, {Format(cm)}: {swRows.Sum(r => (long)r.Quantity).ToString("N0", CultureInfo.InvariantCulture)} encounters (OHSS, each cell rounded to 10), {swMix.Length} nationalities, top {Top(swMix)}{Residual(swResidual)}",
            $"synthetic: between ports, family status: {FamilyStatusFile}, Southwest Land Border, {Format(fm)}: {FamilyText(places[0])}",
            $"synthetic: between ports, unaccompanied children: {UcContiguityFile}, {Format(um)}: Mexico (contiguous) {Pct(places[0].UcMexicoShare)} of {uc.Total.ToString("N0", CultureInfo.InvariantCulture)}; the others drawn from the non-contiguous nationalities in proportion (Canada never)",
            $"synthetic: coastal: {RegionFile}, {Format(rm)}: Coastal Border {coastalCount.ToString("N0", CultureInfo.InvariantCulture)} against Southwest {swCount.ToString("N0", CultureInfo.InvariantCulture)}; nationality and family status from the Coastal Border rows of {CitizenshipFile} and {FamilyStatusFile}; children's contiguity follows that mix",
            $"synthetic: port of entry: {SboEncountersFile}, {Format(sm)}: OFO {sbo.Ofo.ToString("N0", CultureInfo.InvariantCulture)} against USBP {sbo.Usbp.ToString("N0", CultureInfo.InvariantCulture)} encounters (all types); nationality: OFO citizenship groups {GroupText(sbo)}, 'Other' split as the Southwest KHSM mix without MX, SV, GT, HN; family status from OFO demographics: {FamilyText(places[2])} (FMUA and accompanied minors as family units); Mexico {Pct(places[2].UcMexicoShare)} of OFO unaccompanied children",
            $"synthetic: place: between-ports {Pct(places[0].Share)}, coastal {Pct(places[1].Share)}, port-of-entry {Pct(places[2].Share)}",
            $"synthetic: scheduled arrival (CBP One) at ports of entry: {AppointmentText(month)} ({CalibrationFile}, official) against {portsPerDay.ToString("N0", CultureInfo.InvariantCulture)} OFO encounters a day, assuming every appointment is used [U]; unaccompanied children never",
            $"synthetic: manifestsFear: {Pct(PopulationAssumptions.ManifestsFearBeforeRule)} before 2024-06-05 00:01 EDT, {Pct(PopulationAssumptions.ManifestsFearUnderRule)} from then ({CalibrationFile}, a DHS declaration relayed by the press); not drawn for a lawful status",
            $"synthetic: assumed rates [U]: usNational {Pct(PopulationAssumptions.UsNationalRate)} (citizenship US), lawfulPermanentResident {Pct(PopulationAssumptions.LawfulPermanentResidentRate)}, validVisaOrDocuments {Pct(PopulationAssumptions.ValidVisaAtPortsRate)} at ports, visaWaiver {Pct(PopulationAssumptions.VisaWaiverShareOfVwpNationalsAtPorts)} of VWP nationals at ports, armedForcesOrOfficial {Pct(PopulationAssumptions.ArmedForcesOrOfficialRate)}, traffickingVictim {Pct(PopulationAssumptions.TraffickingVictimRate)}, officer totality {Pct(PopulationAssumptions.OfficerTotalityRate)} and operational {Pct(PopulationAssumptions.OfficerOperationalRate)}, exceptionally compelling medical-emergency {Pct(PopulationAssumptions.CompellingMedicalEmergencyRate)}, imminent-threat {Pct(PopulationAssumptions.CompellingImminentThreatRate)}, trafficking-victim {Pct(PopulationAssumptions.CompellingTraffickingVictimRate)}, other {Pct(PopulationAssumptions.CompellingOtherRate)}; entry instants uniform over the month in America/New_York",
        };
        provenance.AddRange(fallbacks);
        provenance.AddRange(notes);
        return new PopulationMix(month, places, portsPerDay, sourceMonths, fallbacks.Count > 0, provenance);
    }

    private static YearMonth Pick(string file, HashSet<YearMonth> all, YearMonth wanted, string what, List<string> fallbacks)
    {
        var first = all.Min();
        var last = all.Max();
        if (all.Contains(wanted))
        {
            return wanted;
        }

        if (wanted > last)
        {
            fallbacks.Add($"synthetic: fallback: {file} ends {Format(last)}; {what} of {Format(last)} (the latest month) is used for {Format(wanted)}");
            return last;
        }

        throw new SourceDataException(file, 0, wanted < first
            ? $"no data for {Format(wanted)}: the file covers {Format(first)} to {Format(last)}, and {what} needs the month"
            : $"no data for {Format(wanted)}, a month inside the file's range {Format(first)} to {Format(last)}; {what} needs it");
    }

    /// <summary>The mapped nationalities of a region-month by falling share; residual names (and zero counts) left out.</summary>
    private static NationalityShare[] Nationalities(List<CitizenshipRow> rows, out List<CitizenshipRow> residual)
    {
        residual = rows.Where(r => r.Code is null && r.Quantity > 0).ToList();
        var mapped = rows.Where(r => r.Code is not null && r.Quantity > 0).ToArray();
        double total = mapped.Sum(r => (long)r.Quantity);
        return mapped
            .GroupBy(r => r.Code!, StringComparer.Ordinal)
            .Select(g => new NationalityShare(g.Key, g.Sum(r => (long)r.Quantity) / total))
            .OrderByDescending(n => n.Share).ThenBy(n => n.Code, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>The Southwest mix raked to OFO's citizenship groups: MX, SV, GT, HN take OFO's shares; "Other" is split as the Southwest mix of every other country.</summary>
    private static NationalityShare[] Raked(NationalityShare[] southwest, SboMonth sbo)
    {
        double ofo = sbo.Ofo;
        var groups = CountryCodes.ByCbpGrouping;
        var result = new List<NationalityShare>();
        for (var g = 0; g < SboMonth.Groupings.Length; g++)
        {
            if (g != SboMonth.OtherIndex)
            {
                result.Add(new NationalityShare(groups[SboMonth.Groupings[g]], sbo.OfoByGrouping[g] / ofo));
            }
        }

        var others = southwest.Where(n => !groups.Values.Contains(n.Code)).ToArray();
        var othersTotal = others.Sum(n => n.Share);
        var otherShare = sbo.OfoByGrouping[SboMonth.OtherIndex] / ofo;
        if (othersTotal > 0)
        {
            result.AddRange(others.Select(n => n.With(otherShare * n.Share / othersTotal)));
        }

        var sum = result.Sum(n => n.Share);
        return result.Where(n => n.Share > 0).Select(n => n.With(n.Share / sum))
            .OrderByDescending(n => n.Share).ThenBy(n => n.Code, StringComparer.Ordinal).ToArray();
    }

    private static string Top(IReadOnlyList<NationalityShare> mix) =>
        string.Join(", ", mix.Take(5).Select(n => $"{n.Code} {Pct(n.Share)}"));

    private static string Residual(List<CitizenshipRow> residual) =>
        residual.Count == 0 ? string.Empty
            : $"; left out and the rest rescaled (no ISO 3166-1 code): {string.Join(", ", residual.Select(r => $"'{r.Name}' {r.Quantity.ToString("N0", CultureInfo.InvariantCulture)}"))}";

    private static string FamilyText(PlaceMix p) =>
        $"single adults {Pct(p.SingleAdultShare)}, unaccompanied children {Pct(p.UnaccompaniedChildShare)}, family unit individuals {Pct(p.FamilyUnitShare)}";

    private static string GroupText(SboMonth sbo) =>
        string.Join(", ", SboMonth.Groupings.Select((g, i) => $"{(i == SboMonth.OtherIndex ? "other" : CountryCodes.ByCbpGrouping[g])} {Pct((double)sbo.OfoByGrouping[i] / sbo.Ofo)}"));

    private static string AppointmentText(YearMonth month)
    {
        var first = month.OnDayOfMonth(1);
        var days = Enumerable.Range(0, month.Calendar.GetDaysInMonth(month.Year, month.Month)).Select(first.PlusDays).ToArray();
        var values = days.Select(PopulationAssumptions.AppointmentsPerDay).ToArray();
        if (values.Distinct().Count() == 1)
        {
            return $"{values[0].ToString("N0", CultureInfo.InvariantCulture)} appointments a day";
        }

        var parts = new List<string>();
        for (var i = 0; i < days.Length; i++)
        {
            if (i == 0 || values[i] != values[i - 1])
            {
                parts.Add($"{values[i].ToString("N0", CultureInfo.InvariantCulture)} a day from {days[i]:yyyy-MM-dd}");
            }
        }

        return "appointments " + string.Join(", ", parts);
    }

    internal static string Pct(double share) =>
        (share * 100).ToString(share < 0.001 ? "0.0##" : "0.0#", CultureInfo.InvariantCulture) + "%";

    internal static string Format(YearMonth month) => PopulationSources.Format(month);
}
