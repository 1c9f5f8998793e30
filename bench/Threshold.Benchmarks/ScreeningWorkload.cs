using NodaTime;
using Threshold.Engine;
using Threshold.Law;
using Threshold.Screening;

namespace Threshold.Benchmarks;

/// <summary>
/// The screening benchmark's inputs, all deterministic: a daily series and its Proclamation 10773 timeline, and
/// 1,000,000 generated cases that entered between 2024-05-01 and 2024-12-31 (Eastern).
/// </summary>
internal static class ScreeningWorkload
{
    public const int CaseCount = 1_000_000;

    public const ulong Seed = 10773;

    /// <summary>First and last Eastern calendar day of entry of the generated cases.</summary>
    public static readonly LocalDate FirstEntryDay = new(2024, 5, 1);

    public static readonly LocalDate LastEntryDay = new(2024, 12, 31);

    /// <summary>
    /// The series starts a month before the first case and ends a day after the last, so that every entry instant
    /// (including the minute before 12:01 a.m. on 2024-05-01, which belongs to the day before) is inside it.
    /// </summary>
    public static readonly LocalDate SeriesStart = new(2024, 4, 1);

    public static readonly LocalDate SeriesEnd = new(2025, 1, 1);

    /// <summary>Between-ports encounters dip to 900 a day from here to <see cref="DipEnd"/> (inclusive), 3,000 a day otherwise.</summary>
    public static readonly LocalDate DipStart = new(2024, 7, 20);

    public static readonly LocalDate DipEnd = new(2024, 9, 10);

    /// <summary>
    /// A daily series of 3,000 apprehensions a day between ports (plus 30 coastal, 100 of them non-contiguous
    /// unaccompanied children) with a dip to 900 a day from 2024-07-20 to 2024-09-10. Under 10773 this gives every
    /// status the cases can meet: not in force before 2024-06-05, active, discontinued (the v1 7-day average falls
    /// under 1,500, effective 14 days later) and reactivated after the dip (7-day average at least 2,500).
    /// </summary>
    public static EncounterSeries Series()
    {
        var days = Period.Between(SeriesStart, SeriesEnd, PeriodUnits.Days).Days + 1;
        var betweenPorts = new int[days];
        var coastal = new int[days];
        var ports = new int[days];
        var ucBetween = new int[days];
        var ucPorts = new int[days];
        for (var i = 0; i < days; i++)
        {
            var date = SeriesStart.PlusDays(i);
            var dip = date >= DipStart && date <= DipEnd;
            betweenPorts[i] = dip ? 900 : 3000;
            coastal[i] = 30;
            ucBetween[i] = dip ? 30 : 100;
            ports[i] = 1100;
            ucPorts[i] = 10;
        }

        var columns = new Dictionary<EncounterColumn, int[]>
        {
            [EncounterColumn.BetweenPorts] = betweenPorts,
            [EncounterColumn.Coastal] = coastal,
            [EncounterColumn.PortsOfEntry] = ports,
            [EncounterColumn.UcNoncontiguousBetweenPorts] = ucBetween,
            [EncounterColumn.UcNoncontiguousPorts] = ucPorts,
        };
        return new EncounterSeries("synthetic-screening-dip", SeriesStart, days, columns, null, ["modeled: deterministic synthetic benchmark series"]);
    }

    /// <summary>The real path: the shipped policy, compiled and replayed once.</summary>
    public static SuspensionTimeline Timeline() =>
        SuspensionReplay.Run(CompiledPolicy.Compile(BuiltInPolicies.Get("proclamation-10773")), Series());

    private static readonly string[] Citizenships =
        ["MX", "MX", "MX", "MX", "GT", "GT", "HN", "HN", "VE", "VE", "CO", "EC", "SV", "CU", "HT", "NI", "PE", "CN", "IN", "TR", "RU", "BR"];

    private static readonly DateTimeZone[] RecordingZones =
    [
        DateTimeZoneProviders.Tzdb["America/Chicago"],     // Texas sectors
        DateTimeZoneProviders.Tzdb["America/Chicago"],
        DateTimeZoneProviders.Tzdb["America/Denver"],      // El Paso
        DateTimeZoneProviders.Tzdb["America/Phoenix"],     // Arizona (no DST)
        DateTimeZoneProviders.Tzdb["America/Los_Angeles"], // San Diego, El Centro
        EasternTime.Zone,
        DateTimeZone.Utc,
    ];

    /// <summary>
    /// <paramref name="count"/> cases from a fixed seed (SplitMix64, the same on every runtime). Entry instants are
    /// uniform over every second from 2024-05-01 00:00:00 to 2024-12-31 23:59:59 Eastern and written with the offset
    /// of a southwest-border recording zone (or Eastern, or UTC); the order is random, not chronological. The facts are
    /// mostly false, in rough proportions of the 2024 caseload (per mille):
    /// <list type="bullet">
    /// <item>place: between ports 720, port of entry 250, coastal 30;</item>
    /// <item>unaccompanied child 50; U.S. national 1; lawful permanent resident 3; trafficking victim 5; armed forces or
    /// official 1; valid visa or documents 80 at a port of entry, 5 elsewhere; visa waiver 5 at a port, 1 elsewhere;
    /// scheduled arrival (CBP One) 700 at a port of entry, 5 elsewhere (where it is no exception); manifests fear 250;</item>
    /// <item>officer exception: totality 15, operational 10;</item>
    /// <item>exceptionally compelling: medical emergency 30, imminent threat 50, trafficking victim 10, other 30.</item>
    /// </list>
    /// </summary>
    public static ScreeningCase[] Cases(int count = CaseCount, ulong seed = Seed)
    {
        var rng = new SplitMix64(seed);
        var first = EasternTime.Zone.AtLeniently(FirstEntryDay.AtMidnight()).ToInstant();
        var end = EasternTime.Zone.AtLeniently(LastEntryDay.PlusDays(1).AtMidnight()).ToInstant();
        var seconds = (int)(end - first).TotalSeconds;
        var cases = new ScreeningCase[count];
        for (var i = 0; i < count; i++)
        {
            var instant = first.Plus(Duration.FromSeconds(rng.Next(seconds)));
            var entered = instant.InZone(RecordingZones[rng.Next(RecordingZones.Length)]).ToOffsetDateTime();
            var placeDraw = rng.Next(1000);
            var place = placeDraw < 720 ? EntryPlace.BetweenPorts : placeDraw < 970 ? EntryPlace.PortOfEntry : EntryPlace.Coastal;
            var atPort = place == EntryPlace.PortOfEntry;
            var facts = CaseFacts.None;
            facts |= Fact(ref rng, 50, CaseFacts.UnaccompaniedChild);
            facts |= Fact(ref rng, 1, CaseFacts.UsNational);
            facts |= Fact(ref rng, 3, CaseFacts.LawfulPermanentResident);
            facts |= Fact(ref rng, 5, CaseFacts.TraffickingVictim);
            facts |= Fact(ref rng, 1, CaseFacts.ArmedForcesOrOfficial);
            facts |= Fact(ref rng, atPort ? 80 : 5, CaseFacts.ValidVisaOrDocuments);
            facts |= Fact(ref rng, atPort ? 5 : 1, CaseFacts.VisaWaiver);
            facts |= Fact(ref rng, atPort ? 700 : 5, CaseFacts.ScheduledArrival);
            facts |= Fact(ref rng, 250, CaseFacts.ManifestsFear);
            var officerDraw = rng.Next(1000);
            var officer = officerDraw < 15 ? OfficerDiscretion.Totality : officerDraw < 25 ? OfficerDiscretion.Operational : OfficerDiscretion.None;
            var eccDraw = rng.Next(1000);
            var ecc = eccDraw < 30 ? "medical-emergency"
                : eccDraw < 80 ? "imminent-threat"
                : eccDraw < 90 ? "trafficking-victim"
                : eccDraw < 120 ? "other"
                : null;
            var citizenship = Citizenships[rng.Next(Citizenships.Length)];
            cases[i] = new ScreeningCase($"case-{i:D7}", entered, place, citizenship, facts, officer, ecc);
        }

        return cases;

        static CaseFacts Fact(ref SplitMix64 rng, int perMille, CaseFacts fact) => rng.Next(1000) < perMille ? fact : CaseFacts.None;
    }
}
