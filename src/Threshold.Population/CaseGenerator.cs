using System.Globalization;
using NodaTime;
using Threshold.Engine;
using Threshold.Screening;

namespace Threshold.Population;

/// <summary>
/// Draws SYNTHETIC cases for one month from a <see cref="PopulationMix"/>. Case <c>i</c> is a pure function of (seed,
/// month, i): its numbers come from its own SplitMix64 stream whose state is SplitMix64's mix of the seed key plus
/// <c>i</c> times an odd constant, so the output is the same on every run and machine, the first <c>k</c> cases do not
/// depend on the count, and any case can be drawn alone (<see cref="CaseAt"/>). Ids are
/// <c>synthetic-yyyy-MM-NNNNNN</c> (1-based, at least six digits). Consistency rules: docs/population.md.
/// </summary>
public sealed class CaseGenerator
{
    /// <summary>The odd multiplier that spreads case indexes over the 64-bit state space before mixing.</summary>
    private const ulong IndexMultiplier = 0xD1342543DE82EF95UL;

    private static readonly CaseFacts[] StatusFacts =
        [CaseFacts.None, CaseFacts.UsNational, CaseFacts.LawfulPermanentResident, CaseFacts.ValidVisaOrDocuments, CaseFacts.ArmedForcesOrOfficial];

    private static readonly string?[] CompellingCodes = [null, "medical-emergency", "imminent-threat", "trafficking-victim", "other"];

    private readonly ulong seedKey;
    private readonly Categorical placeDraw;
    private readonly PlaceDraw[] places;
    private readonly ulong traffickingThreshold;
    private readonly ulong fearBefore;
    private readonly ulong fearAfter;
    private readonly long fearSwitchSecond;
    private readonly ulong visaWaiverThreshold;
    private readonly Categorical officerDraw;
    private readonly Categorical compellingDraw;

    public CaseGenerator(PopulationMix mix, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(mix);
        Mix = mix;
        Seed = seed;
        var month = mix.Month;
        seedKey = SplitMix64.Mix(unchecked(seed ^ SplitMix64.Mix((ulong)((month.Year * 12L) + month.Month))));

        // The month in Eastern time: its first instant, its length in seconds, and the one offset change it may hold.
        var zone = EasternTime.Zone;
        Start = month.OnDayOfMonth(1).AtStartOfDayInZone(zone).ToInstant();
        var end = month.PlusMonths(1).OnDayOfMonth(1).AtStartOfDayInZone(zone).ToInstant();
        Seconds = (long)(end - Start).TotalSeconds;
        var interval = zone.GetZoneInterval(Start);
        OffsetAtStart = interval.WallOffset;
        TransitionSecond = interval.HasEnd && interval.End < end ? (long)(interval.End - Start).TotalSeconds : long.MaxValue;
        OffsetAfter = TransitionSecond == long.MaxValue ? OffsetAtStart : zone.GetUtcOffset(interval.End);
        Days = month.Calendar.GetDaysInMonth(month.Year, month.Month);

        // Every code any draw can give, with a dense index for the formatter's byte table.
        var codes = new List<string> { CountryCodes.Mexico, CountryCodes.UnitedStates };
        foreach (var p in mix.Places)
        {
            codes.AddRange(p.NotUc.Select(n => n.Code).Concat(p.UcNoncontiguous.Select(n => n.Code)));
        }

        Codes = codes.Distinct(StringComparer.Ordinal).ToArray();
        var codeIndex = Codes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        var firstDay = month.OnDayOfMonth(1);
        VisaWaiverFromDay = Codes.Select(c =>
            CountryCodes.VisaWaiver.TryGetValue(c, out var from)
                ? from is null || from.Value <= firstDay ? 0 : from.Value.Year == month.Year && from.Value.Month == month.Month ? from.Value.Day - 1 : int.MaxValue
                : int.MaxValue).ToArray();

        placeDraw = new Categorical(mix.Places.Select(p => p.Share).ToArray());
        places = mix.Places.Select(p => new PlaceDraw(p, codeIndex, this)).ToArray();
        traffickingThreshold = SplitMix64.Threshold53(PopulationAssumptions.TraffickingVictimRate);
        fearBefore = SplitMix64.Threshold53(PopulationAssumptions.ManifestsFearBeforeRule);
        fearAfter = SplitMix64.Threshold53(PopulationAssumptions.ManifestsFearUnderRule);
        fearSwitchSecond = Math.Clamp((long)Math.Ceiling((PopulationAssumptions.FearRuleEffective - Start).TotalSeconds), 0, Seconds);
        visaWaiverThreshold = SplitMix64.Threshold53(PopulationAssumptions.VisaWaiverShareOfVwpNationalsAtPorts);
        officerDraw = new Categorical([1 - PopulationAssumptions.OfficerTotalityRate - PopulationAssumptions.OfficerOperationalRate, PopulationAssumptions.OfficerTotalityRate, PopulationAssumptions.OfficerOperationalRate]);
        compellingDraw = new Categorical(
        [
            1 - PopulationAssumptions.CompellingMedicalEmergencyRate - PopulationAssumptions.CompellingImminentThreatRate - PopulationAssumptions.CompellingTraffickingVictimRate - PopulationAssumptions.CompellingOtherRate,
            PopulationAssumptions.CompellingMedicalEmergencyRate,
            PopulationAssumptions.CompellingImminentThreatRate,
            PopulationAssumptions.CompellingTraffickingVictimRate,
            PopulationAssumptions.CompellingOtherRate,
        ]);
        IdPrefix = $"synthetic-{PopulationMix.Format(month)}-";
    }

    public PopulationMix Mix { get; }

    public ulong Seed { get; }

    /// <summary>The first instant of the month in America/New_York.</summary>
    public Instant Start { get; }

    /// <summary>The month's length in seconds (one hour less or more in the months of the DST changes).</summary>
    internal long Seconds { get; }

    internal Offset OffsetAtStart { get; }

    internal Offset OffsetAfter { get; }

    /// <summary>Seconds from <see cref="Start"/> to the month's offset change, or long.MaxValue.</summary>
    internal long TransitionSecond { get; }

    internal int Days { get; }

    internal string[] Codes { get; }

    /// <summary>For each code, the 0-based day of the month from which its nationals may use the Visa Waiver Program (int.MaxValue: never).</summary>
    internal int[] VisaWaiverFromDay { get; }

    internal string IdPrefix { get; }

    /// <summary>The id of the 1-based case <paramref name="number"/> of <paramref name="month"/>.</summary>
    public static string CaseId(YearMonth month, long number) =>
        string.Create(CultureInfo.InvariantCulture, $"synthetic-{PopulationMix.Format(month)}-{number:D6}");

    /// <summary>The first <paramref name="count"/> cases, lazily (constant memory).</summary>
    public IEnumerable<ScreeningCase> Generate(int count) => GenerateDetailed(count).Select(c => c.Case);

    /// <summary>The first <paramref name="count"/> cases with the family status each was drawn with, lazily.</summary>
    public IEnumerable<SyntheticCase> GenerateDetailed(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return Iterate(count);
    }

    private IEnumerable<SyntheticCase> Iterate(int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return CaseAt(i);
        }
    }

    /// <summary>The case of 0-based <paramref name="index"/> (id number index + 1).</summary>
    public SyntheticCase CaseAt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var d = default(DrawnCase);
        Draw(index, ref d);
        return new SyntheticCase(ToCase(d), d.Family);
    }

    internal ScreeningCase ToCase(in DrawnCase d) =>
        new(
            CaseId(Mix.Month, d.Index + 1),
            Start.Plus(Duration.FromSeconds(d.Seconds)).WithOffset(d.Seconds < TransitionSecond ? OffsetAtStart : OffsetAfter),
            d.Place,
            Codes[d.Nationality],
            d.Facts,
            d.Officer,
            CompellingCodes[d.Compelling]);

    internal static string? CompellingCode(byte compelling) => CompellingCodes[compelling];

    /// <summary>0-based day of the month (Eastern) of a second offset from <see cref="Start"/>.</summary>
    internal int DayOf(long second) =>
        (int)((second + (second < TransitionSecond ? 0 : (OffsetAfter - OffsetAtStart).Seconds)) / 86400);

    /// <summary>Draws case <paramref name="index"/>; the order of the draws is part of the output contract (changing it changes every population).</summary>
    internal void Draw(long index, ref DrawnCase d)
    {
        var rng = new SplitMix64(SplitMix64.Mix(unchecked(seedKey + ((ulong)index * IndexMultiplier))));
        d.Index = index;
        d.Seconds = (long)rng.Below((ulong)Seconds);
        var day = DayOf(d.Seconds);
        var placeIndex = placeDraw.Sample(rng.Next53());
        var p = places[placeIndex];
        d.Place = (EntryPlace)placeIndex;
        d.Family = (FamilyStatus)p.Family.Sample(rng.Next53());
        d.Officer = OfficerDiscretion.None;
        d.Compelling = 0;
        var facts = CaseFacts.None;
        var status = CaseFacts.None;
        if (d.Family == FamilyStatus.UnaccompaniedChild)
        {
            facts = CaseFacts.UnaccompaniedChild;
            d.Nationality = rng.Chance(p.UcMexicoThreshold) ? 0 : p.UcCodes[p.UcNoncontiguous!.Sample(rng.Next53())];
        }
        else
        {
            d.Nationality = p.NotUcCodes[p.NotUc.Sample(rng.Next53())];
            status = StatusFacts[p.Status.Sample(rng.Next53())];
            if (status == CaseFacts.UsNational)
            {
                d.Nationality = 1;
            }
            else if (status == CaseFacts.None && d.Place == EntryPlace.PortOfEntry && day >= VisaWaiverFromDay[d.Nationality] && rng.Chance(visaWaiverThreshold))
            {
                status = CaseFacts.VisaWaiver;
            }

            facts = status;
        }

        if (status == CaseFacts.None)
        {
            if (rng.Chance(traffickingThreshold))
            {
                facts |= CaseFacts.TraffickingVictim;
            }

            if (rng.Chance(d.Seconds < fearSwitchSecond ? fearBefore : fearAfter))
            {
                facts |= CaseFacts.ManifestsFear;
            }

            if ((facts & CaseFacts.UnaccompaniedChild) == 0)
            {
                if (d.Place == EntryPlace.PortOfEntry && rng.Chance(p.ScheduledByDay[day]))
                {
                    facts |= CaseFacts.ScheduledArrival;
                }

                if ((facts & (CaseFacts.TraffickingVictim | CaseFacts.ScheduledArrival)) == 0)
                {
                    d.Officer = (OfficerDiscretion)officerDraw.Sample(rng.Next53());
                    if (d.Officer == OfficerDiscretion.None)
                    {
                        d.Compelling = (byte)compellingDraw.Sample(rng.Next53());
                    }
                }
            }
        }

        d.Facts = facts;
    }

    /// <summary>The samplers of one place.</summary>
    private sealed class PlaceDraw
    {
        public PlaceDraw(PlaceMix p, Dictionary<string, int> codeIndex, CaseGenerator g)
        {
            Family = new Categorical([p.SingleAdultShare, p.UnaccompaniedChildShare, p.FamilyUnitShare]);
            UcMexicoThreshold = SplitMix64.Threshold53(p.UcMexicoShare);
            UcNoncontiguous = p.UcNoncontiguous.Count > 0 ? new Categorical(p.UcNoncontiguous.Select(n => n.Share).ToArray()) : null;
            UcCodes = p.UcNoncontiguous.Select(n => codeIndex[n.Code]).ToArray();
            NotUc = new Categorical(p.NotUc.Select(n => n.Share).ToArray());
            NotUcCodes = p.NotUc.Select(n => codeIndex[n.Code]).ToArray();
            var atPorts = p.Place == EntryPlace.PortOfEntry;
            var visa = atPorts ? PopulationAssumptions.ValidVisaAtPortsRate : 0;
            double[] status =
            [
                0,
                PopulationAssumptions.UsNationalRate,
                PopulationAssumptions.LawfulPermanentResidentRate,
                visa,
                PopulationAssumptions.ArmedForcesOrOfficialRate,
            ];
            status[0] = 1 - (status[1] + status[2] + status[3] + status[4]);
            Status = new Categorical(status);

            // Scheduled arrivals: the day's share of all port-of-entry cases, divided by the share that can have one
            // (not an unaccompanied child, no lawful status, not under the Visa Waiver Program), at most 1.
            ScheduledByDay = new ulong[g.Days];
            var first = g.Mix.Month.OnDayOfMonth(1);
            for (var day = 0; day < g.Days; day++)
            {
                if (!atPorts)
                {
                    continue;
                }

                var visaWaiverShare = p.NotUc.Where(n => g.VisaWaiverFromDay[codeIndex[n.Code]] <= day).Sum(n => n.Share) * PopulationAssumptions.VisaWaiverShareOfVwpNationalsAtPorts;
                var eligible = (1 - p.UnaccompaniedChildShare) * status[0] * (1 - visaWaiverShare);
                var share = g.Mix.ScheduledArrivalShare(first.PlusDays(day));
                ScheduledByDay[day] = SplitMix64.Threshold53(eligible > 0 ? Math.Min(1, share / eligible) : 0);
            }
        }

        public Categorical Family { get; }

        public ulong UcMexicoThreshold { get; }

        public Categorical? UcNoncontiguous { get; }

        public int[] UcCodes { get; }

        public Categorical NotUc { get; }

        public int[] NotUcCodes { get; }

        public Categorical Status { get; }

        public ulong[] ScheduledByDay { get; }
    }
}

/// <summary>One drawn case before it becomes a <see cref="ScreeningCase"/> or bytes.</summary>
internal struct DrawnCase
{
    public long Index;
    public long Seconds;
    public EntryPlace Place;
    public FamilyStatus Family;
    public int Nationality;
    public CaseFacts Facts;
    public OfficerDiscretion Officer;
    public byte Compelling;
}
