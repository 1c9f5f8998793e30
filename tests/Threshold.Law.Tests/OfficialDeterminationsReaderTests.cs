using NodaTime;
using Threshold.TestSupport;

namespace Threshold.Law.Tests;

/// <summary>The official record of determinations made (law/determinations/*.yaml): the shipped files, and the strict reader.</summary>
public sealed class OfficialDeterminationsReaderTests
{
    private const string Minimal = """
        policy: my-instrument
        title: Determinations under my instrument
        last_checked: 2026-12-06
        searched: the register
        determinations:
          - date: 2024-06-05
            kind: in-force
            text: applies by its own terms
            citation: { instrument: My Instrument, section: "§1", status: V }
          - date: 2024-07-15
            kind: deactivation
            window: { start: 2024-07-08, end: 2024-07-14 }
            text: the average fell under the level
            citation: { instrument: DHS notice, status: V-off }
        none_found:
          kinds: [activation]
          from: 2024-06-05
          text: no reactivation found
          citation: { instrument: My Instrument, section: "§2(b)", status: U, source: none found }
        """;

    private static LawFileException Refused(string yaml) =>
        Assert.Throws<LawFileException>(() => OfficialDeterminationsReader.Read(yaml, "record.yaml"));

    [Fact]
    public void Proclamation10773_ShipsItsOwnInForceFindingAndNoSection2DeterminationFound()
    {
        var record = BuiltInDeterminations.For("proclamation-10773")!;
        var finding = Assert.Single(record.Determinations);
        Assert.Equal((new LocalDate(2024, 6, 5), OfficialKind.InForce), (finding.Date, finding.Kind));
        Assert.Equal("Proclamation 10773 §1, 89 FR 48487 (effective 12:01 a.m. EDT June 5, 2024) [V]", finding.Citation.Text);
        var none = record.NoneFound!;
        Assert.Equal([OfficialKind.Deactivation, OfficialKind.Activation], none.Kinds);
        Assert.Equal(VerificationStatus.Unverified, none.Citation.Status);
        Assert.Equal(new LocalDate(2026, 12, 6), record.LastChecked);
        Assert.Equal("law/determinations/proclamation-10773.yaml", record.SourceName);
    }

    [Fact]
    public void Proclamation10888_ShipsAnExplicitlyEmptyListWithItsOwnNoneFoundCitation()
    {
        var record = BuiltInDeterminations.For("proclamation-10888")!;
        Assert.Empty(record.Determinations);
        Assert.Equal([OfficialKind.Deactivation], record.NoneFound!.Kinds);
        Assert.Equal("Proclamation 10888 §1, 90 FR 8333 (none found; LEGAL-REVIEW-2026-12 §2.1, §3.1; as checked 2026-12-06) [U]", record.NoneFound.Citation.Text);
    }

    [Fact]
    public void BuiltIns_EveryShippedRecordLoadsAndNoBillHasOne()
    {
        Assert.Equal(["proclamation-10773", "proclamation-10888"], BuiltInDeterminations.PolicyIds);
        Assert.Null(BuiltInDeterminations.For("senate-border-act-2024"));
        Assert.Null(BuiltInDeterminations.For("hr2-2023"));
        foreach (var id in BuiltInDeterminations.PolicyIds)
        {
            // Each record belongs to a shipped instrument, and its in-force finding (if any) is the instrument's own date.
            var policy = BuiltInPolicies.Get(id);
            Assert.All(BuiltInDeterminations.For(id)!.Determinations.Where(d => d.Kind == OfficialKind.InForce), d => Assert.Equal(policy.InForce.Date, d.Date));
        }
    }

    [Fact]
    public void Read_MinimalRecord_KeepsDatesKindsWindowsAndLines()
    {
        var record = OfficialDeterminationsReader.Read(Minimal, "record.yaml");
        Assert.Equal("my-instrument", record.PolicyId);
        var d = record.Determinations[1];
        Assert.Equal(new DateInterval(new LocalDate(2024, 7, 8), new LocalDate(2024, 7, 14)), d.Window);
        Assert.Equal(10, d.Line);
        Assert.Equal("DHS notice [V-off]", d.Citation.Text);
    }

    [Theory]
    [InlineData("searched: the register", "searched: the register\nextra: 1", "record.yaml:5: unknown key 'extra' in a determinations file")]
    [InlineData("  - date: 2024-07-15", "  - date: 2024-07-32", "record.yaml:10: '2024-07-32' is not a date in yyyy-MM-dd form")]
    [InlineData("kind: deactivation", "kind: discontinued", "record.yaml:11: kind 'discontinued' must be in-force, activation or deactivation")]
    [InlineData("kinds: [activation]", "kinds: [in-force]", "record.yaml:16: kind 'in-force' must be activation or deactivation")]
    [InlineData("  - date: 2024-06-05", "  - date: 2024-08-01", "record.yaml:10: determinations must be in ascending date order without repeats (2024-07-15 follows 2024-08-01)")]
    [InlineData("last_checked: 2026-12-06", "last_checked: 2024-07-01", "record.yaml:10: a determination dated 2024-07-15 is after last_checked 2024-07-01")]
    [InlineData("end: 2024-07-14", "end: 2024-07-16", "record.yaml:12: window 2024-07-08 to 2024-07-16 must run forwards and end by the determination date 2024-07-15")]
    [InlineData("status: U, source: none found", "status: S, source: none found", "record.yaml:19: none_found is a search that found nothing, so its citation status must be U, not S")]
    [InlineData("kinds: [activation]", "kinds: [deactivation]", "record.yaml:10: a deactivation dated 2024-07-15 contradicts none_found")]
    [InlineData("    text: the average fell under the level\n", "", "record.yaml:10: missing required key 'text'")]
    [InlineData("policy: my-instrument", "policy: My Instrument", "record.yaml:1: policy 'My Instrument' must be a policy id")]
    [InlineData("status: V-off }", "status: X }", "record.yaml:14: citation status 'X' must be one of V, V-off, S, U")]
    public void Read_BadInput_NamesFileLineAndProblem(string find, string replace, string expected)
    {
        Assert.Contains(find, Minimal, StringComparison.Ordinal);
        var yaml = Minimal.Replace(find, replace, StringComparison.Ordinal);
        Assert.Contains(expected, Refused(yaml).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_DeterminationWithoutAWindow_IsAccepted()
    {
        var yaml = Minimal.Replace("    window: { start: 2024-07-08, end: 2024-07-14 }\n", string.Empty, StringComparison.Ordinal);
        Assert.Null(OfficialDeterminationsReader.Read(yaml, "record.yaml").Determinations[1].Window);
    }

    [Fact]
    public void Read_InForceFindingWithAWindow_IsRefused()
    {
        var yaml = Minimal.Replace("    kind: in-force\n", "    kind: in-force\n    window: { start: 2024-05-29, end: 2024-06-04 }\n", StringComparison.Ordinal);
        Assert.Equal("record.yaml:8: an in-force finding relies on no window of data", Refused(yaml).Message);
    }

    [Fact]
    public void Read_EmptyListWithoutNoneFound_IsRefused()
    {
        const string yaml = "policy: x\ntitle: t\nlast_checked: 2026-12-06\nsearched: s\ndeterminations: []\n";
        Assert.Equal("record.yaml:5: an empty list needs none_found: the kinds searched for and not found, from when, and its citation [U]", Refused(yaml).Message);
    }

    [Fact]
    public void Read_MissingDeterminationsKey_SaysHowToWriteNone()
    {
        const string yaml = "policy: x\ntitle: t\nlast_checked: 2026-12-06\nsearched: s\n";
        Assert.Contains("write 'determinations: []' when none was found", Refused(yaml).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_YamlBomb_IsRefusedAtItsFirstAlias()
    {
        var e = Refused("policy: bomb\n" + HostileYaml.BillionLaughs("searched"));
        Assert.Contains("YAML aliases (*name) are not allowed in determinations files", e.Message, StringComparison.Ordinal);
    }
}
