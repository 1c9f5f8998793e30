using System.Security.Cryptography;
using NodaTime;
using Threshold.Screening;

namespace Threshold.Population.Tests;

/// <summary>Determinism, the drawn mix against the real shares, consistency and entry instants.</summary>
public sealed class CaseGeneratorTests
{
    /// <summary>Five standard errors of a share estimated from n draws (a deterministic test: it passes or fails for good).</summary>
    private static double Tolerance(double p, int n) => (5 * Math.Sqrt(p * (1 - p) / n)) + 1e-9;

    private static void AssertShare(double expected, int hits, int n, string what)
    {
        var observed = (double)hits / n;
        Assert.True(Math.Abs(observed - expected) <= Tolerance(expected, n), $"{what}: observed {observed:P3} of {n:N0}, expected {expected:P3} ± {Tolerance(expected, n):P3}");
    }

    private static byte[] Jsonl(YearMonth month, ulong seed, int count)
    {
        using var stream = new MemoryStream();
        PopulationWriter.Write(new CaseGenerator(TestData.Mix(month), seed), count, stream, CaseFormat.JsonLines);
        return stream.ToArray();
    }

    [Fact]
    public void Generate_SameSeed_GivesIdenticalOutput()
    {
        Assert.Equal(Jsonl(TestData.July2024, 42, 20_000), Jsonl(TestData.July2024, 42, 20_000));
        var a = new CaseGenerator(TestData.Mix(TestData.July2024), 42).Generate(1000).ToArray();
        var b = new CaseGenerator(PopulationMix.Load(TestData.SourceDirectory, TestData.July2024), 42).Generate(1000).ToArray();
        Assert.Equal(a, b);
    }

    [Fact]
    public void Generate_DifferentSeed_GivesDifferentOutput()
    {
        var a = new CaseGenerator(TestData.Mix(TestData.July2024), 1).Generate(1000).ToArray();
        var b = new CaseGenerator(TestData.Mix(TestData.July2024), 2).Generate(1000).ToArray();
        Assert.Equal(a.Select(c => c.Id), b.Select(c => c.Id));
        Assert.True(a.Zip(b).Count(p => p.First == p.Second) < 10);
    }

    [Fact]
    public void Generate_FirstCases_DoNotDependOnTheCount()
    {
        var generator = new CaseGenerator(TestData.Mix(TestData.July2024), 9);
        Assert.Equal(generator.Generate(500), generator.Generate(5000).Take(500));
        Assert.Equal(generator.CaseAt(4321), generator.GenerateDetailed(4322).Last());
        Assert.Equal(Jsonl(TestData.July2024, 9, 100), Jsonl(TestData.July2024, 9, 1000).AsSpan(0, Jsonl(TestData.July2024, 9, 100).Length).ToArray());
    }

    /// <summary>
    /// The bytes of a fixed population, pinned: SplitMix64 is integer arithmetic and the draws use no platform
    /// floating-point functions, so this holds on every machine and .NET version. A change to the draw order, the
    /// assumptions or the sources changes it deliberately (update the hash and say so in docs/population.md).
    /// </summary>
    [Fact]
    public void Generate_FixedSeed_GivesThePinnedBytes()
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Jsonl(TestData.July2024, 20240705, 10_000)));
        Assert.Equal(PinnedHash, hash);
    }

    private const string PinnedHash = "2d9a0ed9a9e095713483a991060ce7a4a66a0a507323b0755f97f4cdf4d39072";

    [Fact]
    public void SplitMix64_SeedZero_GivesTheReferenceSequence()
    {
        // Vigna's splitmix64.c with x = 0.
        var rng = new SplitMix64(0);
        Assert.Equal(0xE220A8397B1DCDAFUL, rng.Next());
        Assert.Equal(0x6E789E6AA1B965F4UL, rng.Next());
        Assert.Equal(0x06C45D188009454FUL, rng.Next());
    }

    [Fact]
    public void Generate_Ids_AreSyntheticNumberedFromOne()
    {
        var cases = new CaseGenerator(TestData.Mix(TestData.July2024), 3).Generate(3).ToArray();
        Assert.Equal(["synthetic-2024-07-000001", "synthetic-2024-07-000002", "synthetic-2024-07-000003"], cases.Select(c => c.Id));
        Assert.Equal("synthetic-2024-07-1000000", CaseGenerator.CaseId(TestData.July2024, 1_000_000));
    }

    [Fact]
    public void Generate_LargeSample_PlacesMatchTheRealShares()
    {
        var mix = TestData.Mix(TestData.July2024);
        var sample = TestData.JulySample;
        foreach (var place in mix.Places)
        {
            AssertShare(place.Share, sample.Count(c => c.Case.Place == place.Place), sample.Length, $"place {place.Place}");
        }
    }

    [Fact]
    public void Generate_LargeSample_NationalityTop5MatchesKhsmBetweenPorts()
    {
        var between = TestData.JulySample.Where(c => c.Case.Place == EntryPlace.BetweenPorts).ToArray();
        // KHSM Southwest Land Border, July 2024, over the 56,390 encounters with an ISO code.
        (string Code, int Count)[] real = [("MX", 22220), ("GT", 6790), ("CO", 4630), ("HN", 4510), ("EC", 3600)];
        foreach (var (code, count) in real)
        {
            AssertShare(count / 56390.0, between.Count(c => c.Case.Citizenship == code), between.Length, $"nationality {code}");
        }
    }

    [Fact]
    public void Generate_LargeSample_FamilyStatusAndUcShareMatchKhsmBetweenPorts()
    {
        var between = TestData.JulySample.Where(c => c.Case.Place == EntryPlace.BetweenPorts).ToArray();
        AssertShare(34700 / 56400.0, between.Count(c => c.FamilyStatus == FamilyStatus.SingleAdult), between.Length, "single adults");
        AssertShare(5620 / 56400.0, between.Count(c => c.FamilyStatus == FamilyStatus.UnaccompaniedChild), between.Length, "unaccompanied children");
        AssertShare(16080 / 56400.0, between.Count(c => c.FamilyStatus == FamilyStatus.FamilyUnitIndividual), between.Length, "family unit individuals");
        AssertShare(5620 / 56400.0, between.Count(c => c.Case.Has(CaseFacts.UnaccompaniedChild)), between.Length, "unaccompaniedChild fact");
    }

    [Fact]
    public void Generate_LargeSample_UcContiguityMatchesTheUcFile()
    {
        var children = TestData.JulySample.Where(c => c.Case.Place == EntryPlace.BetweenPorts && c.Case.Has(CaseFacts.UnaccompaniedChild)).ToArray();
        // usbp_swb_monthly_uc_by_contiguity: July 2024, 1,661 Mexican of 5,624.
        AssertShare(1661 / 5624.0, children.Count(c => c.Case.Citizenship == "MX"), children.Length, "Mexican share of UCs");
        Assert.DoesNotContain(children, c => c.Case.Citizenship is "CA" or "US");
    }

    [Fact]
    public void Generate_LargeSample_PortsOfEntryFollowOfo()
    {
        var ports = TestData.JulySample.Where(c => c.Case.Place == EntryPlace.PortOfEntry).ToArray();
        // CBP release, OFO July 2024: 47,700 encounters, 695 UAC, 10,684 Mexican, 2,492 Honduran.
        AssertShare(695 / 47700.0, ports.Count(c => c.Case.Has(CaseFacts.UnaccompaniedChild)), ports.Length, "UC share at ports");
        AssertShare(10684 / 47700.0, ports.Count(c => c.Case.Citizenship == "MX"), ports.Length, "Mexican share at ports");
        AssertShare(2492 / 47700.0, ports.Count(c => c.Case.Citizenship == "HN"), ports.Length, "Honduran share at ports");
        // CBP One: 1,450 appointments a day against 47,700 / 31 encounters a day.
        AssertShare(1450 / (47700 / 31.0), ports.Count(c => c.Case.Has(CaseFacts.ScheduledArrival)), ports.Length, "scheduled arrivals at ports");
    }

    [Fact]
    public void Generate_LargeSample_AssumedRatesHold()
    {
        var sample = TestData.JulySample;
        var noStatus = sample.Where(c => !c.Case.Has(CaseFacts.UsNational) && !c.Case.Has(CaseFacts.LawfulPermanentResident) && !c.Case.Has(CaseFacts.ValidVisaOrDocuments)
            && !c.Case.Has(CaseFacts.VisaWaiver) && !c.Case.Has(CaseFacts.ArmedForcesOrOfficial)).ToArray();
        AssertShare(PopulationAssumptions.ManifestsFearUnderRule, noStatus.Count(c => c.Case.Has(CaseFacts.ManifestsFear)), noStatus.Length, "manifestsFear after the rule");
        AssertShare(PopulationAssumptions.TraffickingVictimRate, noStatus.Count(c => c.Case.Has(CaseFacts.TraffickingVictim)), noStatus.Length, "trafficking victims");
        var notChildren = sample.Where(c => !c.Case.Has(CaseFacts.UnaccompaniedChild)).ToArray();
        AssertShare(PopulationAssumptions.LawfulPermanentResidentRate, notChildren.Count(c => c.Case.Has(CaseFacts.LawfulPermanentResident)), notChildren.Length, "LPRs");
        AssertShare(PopulationAssumptions.UsNationalRate, notChildren.Count(c => c.Case.Has(CaseFacts.UsNational)), notChildren.Length, "US nationals");
        var portAdults = notChildren.Where(c => c.Case.Place == EntryPlace.PortOfEntry).ToArray();
        AssertShare(PopulationAssumptions.ValidVisaAtPortsRate, portAdults.Count(c => c.Case.Has(CaseFacts.ValidVisaOrDocuments)), portAdults.Length, "valid visas at ports");
        var open = noStatus.Where(c => !c.Case.Has(CaseFacts.UnaccompaniedChild) && !c.Case.Has(CaseFacts.TraffickingVictim) && !c.Case.Has(CaseFacts.ScheduledArrival)).ToArray();
        AssertShare(PopulationAssumptions.OfficerTotalityRate, open.Count(c => c.Case.OfficerDiscretion == OfficerDiscretion.Totality), open.Length, "officer totality");
        var compelling = open.Where(c => c.Case.OfficerDiscretion == OfficerDiscretion.None).ToArray();
        AssertShare(PopulationAssumptions.CompellingImminentThreatRate, compelling.Count(c => c.Case.ExceptionallyCompelling == "imminent-threat"), compelling.Length, "imminent threat");
    }

    [Fact]
    public void Generate_June2024_FearRateChangesAtTheRuleInstant()
    {
        var sample = new CaseGenerator(TestData.Mix(new YearMonth(2024, 6)), 11).Generate(200_000)
            .Where(c => !c.Has(CaseFacts.UsNational) && !c.Has(CaseFacts.LawfulPermanentResident) && !c.Has(CaseFacts.ValidVisaOrDocuments) && !c.Has(CaseFacts.VisaWaiver) && !c.Has(CaseFacts.ArmedForcesOrOfficial))
            .ToArray();
        var before = sample.Where(c => c.EntryInstant < PopulationAssumptions.FearRuleEffective).ToArray();
        var after = sample.Where(c => c.EntryInstant >= PopulationAssumptions.FearRuleEffective).ToArray();
        AssertShare(PopulationAssumptions.ManifestsFearBeforeRule, before.Count(c => c.Has(CaseFacts.ManifestsFear)), before.Length, "fear before 2024-06-05 00:01 EDT");
        AssertShare(PopulationAssumptions.ManifestsFearUnderRule, after.Count(c => c.Has(CaseFacts.ManifestsFear)), after.Length, "fear from 2024-06-05 00:01 EDT");
        // Four days and one minute of thirty are before the rule.
        AssertShare(((4 * 1440) + 1) / (30 * 1440.0), before.Length, sample.Length, "entries before the rule");
    }

    [Fact]
    public void Generate_LargeSample_EveryCaseIsConsistent()
    {
        var mix = TestData.Mix(TestData.July2024);
        foreach (var c in TestData.JulySample)
        {
            Assert.Null(TestData.BrokenRule(c, mix));
        }
    }

    [Theory]
    [InlineData(2024, 3)]
    [InlineData(2024, 11)]
    [InlineData(2023, 11)]
    public void Generate_DstMonth_InstantsCoverTheMonthWithTheRightOffsets(int year, int monthNumber)
    {
        var month = new YearMonth(year, monthNumber);
        var cases = new CaseGenerator(TestData.Mix(month), 5).Generate(50_000).ToArray();
        var start = month.OnDayOfMonth(1).AtStartOfDayInZone(Threshold.Engine.EasternTime.Zone).ToInstant();
        var end = month.PlusMonths(1).OnDayOfMonth(1).AtStartOfDayInZone(Threshold.Engine.EasternTime.Zone).ToInstant();
        Assert.All(cases, c => Assert.InRange(c.EntryInstant, start, end - Duration.Epsilon));
        Assert.All(cases, c => Assert.Equal(TestData.Eastern(c.EntryInstant).Offset, c.EnteredAt.Offset.ToTimeSpan()));
        Assert.Equal(2, cases.Select(c => c.EnteredAt.Offset).Distinct().Count());
        Assert.Equal(month.Calendar.GetDaysInMonth(year, monthNumber), cases.Select(c => c.EntryDateEastern).Distinct().Count());
        // Uniform over the month's instants: half of them before the midpoint.
        var middle = start + ((end - start) / 2);
        AssertShare(0.5, cases.Count(c => c.EntryInstant < middle), cases.Length, "entries in the first half");
    }

    [Fact]
    public void Generate_January2025_NoAppointmentsFromTheTwentieth()
    {
        var cases = new CaseGenerator(TestData.Mix(new YearMonth(2025, 1)), 8).Generate(50_000).ToArray();
        Assert.Contains(cases, c => c.Has(CaseFacts.ScheduledArrival));
        Assert.DoesNotContain(cases, c => c.Has(CaseFacts.ScheduledArrival) && c.EntryDateEastern >= new LocalDate(2025, 1, 20));
    }

    [Fact]
    public void CountryCodes_IsVisaWaiver_FollowsTheDesignationDates()
    {
        Assert.False(CountryCodes.IsVisaWaiver("IL", new LocalDate(2023, 10, 18)));
        Assert.True(CountryCodes.IsVisaWaiver("IL", new LocalDate(2023, 10, 19)));
        Assert.False(CountryCodes.IsVisaWaiver("QA", new LocalDate(2024, 11, 30)));
        Assert.True(CountryCodes.IsVisaWaiver("QA", new LocalDate(2024, 12, 1)));
        Assert.True(CountryCodes.IsVisaWaiver("GB", new LocalDate(2021, 10, 1)));
        Assert.False(CountryCodes.IsVisaWaiver("MX", new LocalDate(2024, 7, 1)));
    }

    [Fact]
    public void Generate_NegativeCount_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new CaseGenerator(TestData.Mix(TestData.July2024), 1).Generate(-1));
}
