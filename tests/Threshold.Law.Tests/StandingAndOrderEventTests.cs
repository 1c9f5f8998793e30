using NodaTime;

namespace Threshold.Law.Tests;

/// <summary>Standing as dated events and court orders as composable events: reading, composing, and refusing bad files.</summary>
public sealed class StandingAndOrderEventTests
{
    [Fact]
    public void Proclamation10773_StandingToday_NamesEveryEventWithItsMark()
    {
        var standing = BuiltInPolicies.Get("proclamation-10773").StandingHistory;
        var kinds = standing.Events.Select(e => (e.Date?.ToString("yyyy-MM-dd", null), e.Kind.Name(), e.Citation.Status.Code())).ToArray();
        Assert.Contains(("2024-06-05", "in-force", "V"), kinds);
        Assert.Contains(("2024-10-01", "amended", "V"), kinds);
        Assert.Contains(("2025-01-20", "overlain", "V"), kinds);
        Assert.Contains(("2025-05-09", "vacated-in-part", "S"), kinds);
        Assert.Contains((null, "appealed", "S"), kinds);
        Assert.Contains(("2026-12-06", "no-revocation-found", "U"), kinds);
        var vacatur = standing.Events.Single(e => e.Kind == StandingKind.VacatedInPart);
        Assert.Equal(["asylum-limitation", "fear-manifestation"], vacatur.Components);
        Assert.Equal("las-americas-2025-vacatur", vacatur.OrderEvent);

        var today = standing.On(new LocalDate(2026, 12, 6));
        Assert.Equal(StandingState.InForce, today.State);
        Assert.Contains("overlain from 2025-01-20 by Proclamation 10888", today.Summary, StringComparison.Ordinal);
        Assert.Contains("asylum-limitation, fear-manifestation vacated 2025-05-09", today.Summary, StringComparison.Ordinal);
        Assert.Equal(VerificationStatus.Secondary, today.Status);

        var before = standing.On(new LocalDate(2024, 6, 4));
        Assert.Equal(StandingState.NotYetInForce, before.State);
        Assert.DoesNotContain("vacated", standing.On(new LocalDate(2025, 5, 8)).Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Bills_AreHypotheticalOnEveryDay()
    {
        foreach (var id in new[] { "senate-border-act-2024", "hr2-2023" })
        {
            var policy = BuiltInPolicies.Get(id);
            Assert.Equal(LegalStanding.Hypothetical, policy.Standing);
            Assert.Equal(StandingState.Hypothetical, policy.StandingHistory.On(new LocalDate(2026, 12, 6)).State);
        }
    }

    [Fact]
    public void Raices_ComposesByDecisionDate_StayLiftStayAndSwitchOff()
    {
        var orders = BuiltInPolicies.Get("proclamation-10888").Screening!.CourtOrders;
        HashSet<string> none = [];
        string Vacated(LocalDate d, IReadOnlySet<string> off) => string.Join(",", CourtOrderComposition.On(orders, d, off).Vacated.Order(StringComparer.Ordinal));

        Assert.Equal(string.Empty, Vacated(new LocalDate(2025, 7, 10), none)); // decided, relief not yet started
        Assert.Equal(string.Empty, Vacated(new LocalDate(2025, 7, 20), none)); // administratively stayed [U]
        Assert.Equal("removal-procedures,withholding-cat-bar", Vacated(new LocalDate(2025, 8, 1), none)); // asylum stayed in part
        Assert.Equal("removal-procedures,withholding-cat-bar", Vacated(new LocalDate(2026, 12, 6), none)); // affirmance changes nothing by itself
        Assert.Equal("asylum-limitation,removal-procedures,withholding-cat-bar", Vacated(new LocalDate(2026, 12, 6), new HashSet<string> { "raices-2025-partial-stay" }));
        Assert.Equal("asylum-limitation,removal-procedures,withholding-cat-bar", Vacated(new LocalDate(2025, 7, 20), new HashSet<string> { "raices-2025-administrative-stay" }));
        Assert.Equal(string.Empty, Vacated(new LocalDate(2026, 12, 6), new HashSet<string> { "raices-2025" }));
        Assert.Equal(["raices-2025-stay-lifted", "raices-2025-partial-stay"], CourtOrderComposition.Later(orders, new LocalDate(2025, 7, 20), none).Select(e => e.Id));
    }

    private const string Policy = """
        id: my-instrument
        title: An instrument
        summary: test
        standing:
          - date: 2025-01-01
            kind: in-force
            text: In force.
            citation: { instrument: Act, status: V }
        mechanism: encounter-threshold
        in_force:
          date: 2025-01-01
          citation: { instrument: Act, status: V }
        parameters:
          deactivate.threshold:
            description: level
            unit: encounters/day
            type: number
            values:
              - from: 2025-01-01
                value: 2000
                citation: { instrument: Act, section: "§1", status: V }
        screening:
          subject_places: [between-ports]
          subject_citation: { instrument: Act, status: V }
          limitation:
            basis: none
            label: none
            citation: { instrument: Act, status: V }
          fear:
            manifestation_only: false
            referral_citation: { instrument: Act, status: U }
            standard_when_limited: significant-possibility
            standard_when_limited_citation: { instrument: Act, status: U }
            standard_when_lifted: significant-possibility
            standard_when_lifted_citation: { instrument: Act, status: U }
          court_orders:
            - id: case-2025
              title: A v. B
              citation: { instrument: A v. B, status: S }
              events:
                - id: case-2025-vacatur
                  date: 2025-03-01
                  kind: vacates
                  components: [asylum-limitation]
                  text: Vacated.
                  citation: { instrument: A v. B, status: S }
        """;

    [Fact]
    public void Read_OrderEvents_BecomeStandingEvents()
    {
        var p = PolicyYamlReader.Read(Policy, "instrument.yaml");
        Assert.Equal(["in-force", "vacated-in-part"], p.StandingHistory.Events.Select(e => e.Kind.Name()));
        Assert.Equal("case-2025", p.StandingHistory.Events[1].By);
    }

    [Theory]
    [InlineData("kind: in-force\n    text", "kind: suspended\n    text", "instrument.yaml:6: standing kind 'suspended' must be one of")]
    [InlineData("  - date: 2025-01-01\n    kind: in-force", "  - date: unknown\n    kind: in-force", "instrument.yaml:5: standing event: an unknown date needs a citation marked S or U, not V")]
    [InlineData("kind: in-force\n    text", "kind: vacated-in-part\n    text", "comes from a court order: author it as an event under screening.court_orders")]
    [InlineData("kind: vacates", "kind: overrules", "court order event case-2025-vacatur: kind 'overrules' must be")]
    [InlineData("components: [asylum-limitation]", "components: [everything]", "court order component 'everything' must be one of")]
    [InlineData("components: [asylum-limitation]", "components: []", "a vacates event must name the components it acts on")]
    [InlineData("          date: 2025-03-01", "          date: 2025-03-01\n          relief_from: 2025-03-15", "relief_from needs a relief_citation")]
    [InlineData("          date: 2025-03-01", "          date: 2025-03-01\n          relief_from: 2025-02-15\n          relief_citation: { instrument: A v. B, status: S }", "relief_from 2025-02-15 is before the event's date 2025-03-01")]
    [InlineData("- id: case-2025-vacatur", "- id: case-2025", "is used twice")]
    public void Read_BadStandingOrOrderEvents_NameFileLineAndProblem(string find, string replace, string expected)
    {
        var yaml = Policy.Replace(find, replace, StringComparison.Ordinal);
        Assert.NotEqual(Policy, yaml);
        var e = Assert.Throws<LawFileException>(() => PolicyYamlReader.Read(yaml, "instrument.yaml"));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("instrument.yaml:", e.Message, StringComparison.Ordinal);
    }
}
