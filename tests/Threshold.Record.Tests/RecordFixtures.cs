using NodaTime;
using Threshold.Engine;
using Threshold.Law;
using Threshold.Returns;
using Threshold.Screening;

namespace Threshold.Record.Tests;

/// <summary>Arrangements with small caps and a screener, shared by the decision and ledger tests.</summary>
internal static class RecordFixtures
{
    /// <summary>
    /// VE capped at 5 in June 2024 (priority 1, over the built-in 30,000 arrangement), and EC capped at 50 from 2024
    /// (not in any built-in arrangement).
    /// </summary>
    public const string SmallCapsYaml = """
        id: record-test-caps
        title: Small caps for the record tests
        arrangements:
          - id: what-if-venezuela-5
            title: Mexico accepts 5 Venezuelans in June 2024
            from: 2024-06-01
            to: 2024-06-30
            priority: 1
            nationalities: [VE]
            monthly_cap: 5
            citation: { instrument: What-if, status: U }
            note: A hypothetical.
          - id: what-if-ecuador-50
            title: Mexico accepts 50 Ecuadorians a month
            from: 2024-01-01
            nationalities: [EC]
            monthly_cap: 50
            citation: { instrument: What-if, status: U }
            note: A hypothetical.
        """;

    public static readonly ArrangementSet SmallCaps = ArrangementSet.WithBuiltIns(ArrangementYamlReader.Read(SmallCapsYaml, "test.yaml"));

    private static readonly Lazy<CaseScreener> LazyScreener = new(() => ScreenerOver("record-test", []));

    /// <summary>A screener under 10773 over 120 days from 2024-05-01 of 3,000 a day between ports (the suspension applies in June).</summary>
    public static CaseScreener ScreenerOver(string seriesName, IReadOnlyList<string> provenance)
    {
        var start = new LocalDate(2024, 5, 1);
        const int n = 120;
        var series = new EncounterSeries(seriesName, start, n, new Dictionary<EncounterColumn, int[]>
        {
            [EncounterColumn.BetweenPorts] = [.. Enumerable.Repeat(3000, n)],
            [EncounterColumn.Coastal] = new int[n],
            [EncounterColumn.UcNoncontiguousBetweenPorts] = new int[n],
        }, null, provenance);
        var timeline = SuspensionReplay.Run(CompiledPolicy.Compile(BuiltInPolicies.Get("proclamation-10773")), series);
        return new CaseScreener(timeline);
    }

    public static CaseScreener Screener => LazyScreener.Value;

    public static Instant June(int day, int hour = 12) => new LocalDateTime(2024, 6, day, hour, 0).InZoneLeniently(EasternTime.Zone).ToInstant();

    public static ScreeningCase Case(string id, string citizenship, int day, CaseFacts facts = CaseFacts.None, EntryPlace place = EntryPlace.BetweenPorts) =>
        new(id, new LocalDateTime(2024, 6, day, 10, 30).InZoneLeniently(EasternTime.Zone).ToOffsetDateTime(), place, citizenship, facts, OfficerDiscretion.None, null);
}
