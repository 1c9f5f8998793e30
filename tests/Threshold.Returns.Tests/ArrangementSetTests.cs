using NodaTime;
using Threshold.Law;

namespace Threshold.Returns.Tests;

public sealed class ArrangementSetTests
{
    private const string UserFile = """
        id: what-if
        title: What if
        arrangements:
          - id: what-if-ecuador
            title: Ecuadorians
            from: 2024-01-01
            nationalities: [EC]
            monthly_cap: 5
            citation: { instrument: What-if, status: U }
            note: A hypothetical.
        """;

    [Fact]
    public void BuiltIn_LoadsTheMexicoFile_WithEveryArrangementCitedAndNoted()
    {
        var set = ArrangementSet.BuiltIn;
        Assert.Equal(["law/arrangements/mexico-returns.yaml"], BuiltInArrangements.ResourceNames);
        Assert.Equal(["title42-northern-triangle", "title42-venezuela", "title42-cuba-haiti-nicaragua", "mexico-chnv-30000", "mexico-humanitarian-2025", "costa-rica-transit-2025"], set.Arrangements.Select(a => a.Id));
        Assert.All(set.Arrangements, a =>
        {
            Assert.False(string.IsNullOrWhiteSpace(a.Citation.Instrument));
            Assert.False(string.IsNullOrWhiteSpace(a.Citation.Source));
            Assert.False(string.IsNullOrWhiteSpace(a.Note));
            Assert.DoesNotContain("MX", a.Nationalities);
            Assert.False(a.Takes("MX"));
            Assert.Equal(a.Id == "costa-rica-transit-2025" ? "CR" : "MX", a.Destination);

            // Every end carries its own citation and mark.
            Assert.Equal(a.To is not null, a.ToCitation is not null);
            Assert.False(string.IsNullOrWhiteSpace(a.ToCitation?.Source ?? "open-ended"));
        });
        Assert.NotEmpty(set.Documents[0].Caveats);
        Assert.Equal("2026-12-06", set.Documents[0].LastVerified);
    }

    [Fact]
    public void BuiltIn_Title42Arrangements_AreSecondaryAndEndMay11_2023()
    {
        var title42 = ArrangementSet.BuiltIn.Arrangements.Where(a => a.Id.StartsWith("title42-", StringComparison.Ordinal)).ToArray();
        Assert.Equal(3, title42.Length);
        Assert.All(title42, a =>
        {
            Assert.Equal(new LocalDate(2023, 5, 11), a.To);
            Assert.Null(a.MonthlyCap);
            Assert.Equal(VerificationStatus.Secondary, a.Citation.Status);
            Assert.Equal(VerificationStatus.VerifiedOfficial, a.ToCitation!.Status);
            Assert.Contains("will expire after May 11, 2023", a.ToCitation.Source, StringComparison.Ordinal);
        });
        var byId = title42.ToDictionary(a => a.Id);
        Assert.Equal(new LocalDate(2020, 3, 21), byId["title42-northern-triangle"].From);
        Assert.Equal(["GT", "HN", "SV"], byId["title42-northern-triangle"].Nationalities);
        Assert.Equal(new LocalDate(2022, 10, 12), byId["title42-venezuela"].From);
        Assert.Equal(["VE"], byId["title42-venezuela"].Nationalities);
        Assert.Equal(new LocalDate(2023, 1, 5), byId["title42-cuba-haiti-nicaragua"].From);
        Assert.Equal(["CU", "HT", "NI"], byId["title42-cuba-haiti-nicaragua"].Nationalities);
        Assert.Contains(byId["title42-venezuela"].SupportingCitations, c => c.FederalRegister == "87 FR 63507" && c.Status == VerificationStatus.Verified);
        Assert.Contains(byId["title42-cuba-haiti-nicaragua"].SupportingCitations, c => c.FederalRegister == "88 FR 1279" && c.Status == VerificationStatus.Verified);
    }

    [Fact]
    public void BuiltIn_ChnvArrangement_Is30000AMonthFromMay12_2023ToJan19_2025_OfficialWithA2024CaveatAndAnUnverifiedEnd()
    {
        var chnv = Assert.Single(ArrangementSet.BuiltIn.Arrangements, a => a.Id == "mexico-chnv-30000");
        Assert.Equal(new LocalDate(2023, 5, 12), chnv.From);

        // LEGAL-REVIEW-2026-12 R1: the cap does not run past Jan 19, 2025, and that end is marked [U].
        Assert.Equal(new LocalDate(2025, 1, 19), chnv.To);
        Assert.Equal(VerificationStatus.Unverified, chnv.ToCitation!.Status);
        Assert.Contains("EO 14165 §7(b) [V]", chnv.ToCitation.Source, StringComparison.Ordinal);
        Assert.Contains("Mar 25, 2025 [S]", chnv.ToCitation.Source, StringComparison.Ordinal);
        Assert.Contains("no 30,000 cap in use [S]", chnv.ToCitation.Source, StringComparison.Ordinal);
        Assert.Contains(chnv.SupportingCitations, c => c.Section == "§7(b)" && c.FederalRegister == "90 FR 8467" && c.Status == VerificationStatus.Verified);
        Assert.Contains(chnv.SupportingCitations, c => c.Instrument.Contains("Mar 25, 2025", StringComparison.Ordinal) && c.Status == VerificationStatus.Secondary);
        Assert.Equal(30_000, chnv.MonthlyCap);
        Assert.Equal(["CU", "HT", "NI", "VE"], chnv.Nationalities);
        Assert.Equal(VerificationStatus.VerifiedOfficial, chnv.Citation.Status);
        Assert.Contains("M1", chnv.Citation.Source, StringComparison.Ordinal);
        Assert.Contains(chnv.SupportingCitations, c => c.Source!.Contains("W1", StringComparison.Ordinal) && c.Source.Contains("per our previous arrangement", StringComparison.Ordinal));
        Assert.Contains(chnv.SupportingCitations, c => c.Source!.Contains("M9", StringComparison.Ordinal));
        Assert.Contains("no published 2024 cap exists [U]", chnv.Note, StringComparison.Ordinal);
        Assert.Contains(ArrangementSet.BuiltIn.Documents[0].Caveats, c => c.Contains("No published 2024 monthly cap", StringComparison.Ordinal) && c.Contains("[U]", StringComparison.Ordinal));
    }

    [Fact]
    public void BuiltIn_HumanitarianAcceptance_AnyNationalityFromJan20_2025_ReportedWithACalibratedUnverifiedCap()
    {
        var h = Assert.Single(ArrangementSet.BuiltIn.Arrangements, a => a.Id == "mexico-humanitarian-2025");
        Assert.Equal(new LocalDate(2025, 1, 20), h.From);
        Assert.Null(h.To);
        Assert.True(h.AnyNationality);
        Assert.Empty(h.Nationalities);
        Assert.True(h.Takes("VE") && h.Takes("CN") && h.Takes("GT"));
        Assert.False(h.Takes("MX"));
        Assert.Equal("MX", h.Destination);
        Assert.Equal(-1, h.Priority);
        Assert.Equal(VerificationStatus.Secondary, h.Citation.Status);
        Assert.Contains("5,446 foreign", h.Citation.Source, StringComparison.Ordinal);
        Assert.Contains("5,728 foreign", h.Citation.Source, StringComparison.Ordinal);
        Assert.Contains("for humanitarian reasons", h.Citation.Source, StringComparison.Ordinal);
        Assert.Equal(1000, h.MonthlyCap);
        Assert.Equal(VerificationStatus.Unverified, h.MonthlyCapCitation!.Status);
        Assert.Contains("[U]", h.Note, StringComparison.Ordinal);
        Assert.Contains("land returns only", h.Note, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void BuiltIn_Caveats_ThirdCountryRemovalsAndMppAreReportedNotEncoded()
    {
        var caveats = ArrangementSet.BuiltIn.Documents[0].Caveats;
        Assert.Contains(caveats, c => c.StartsWith("Third-country removals [S]", StringComparison.Ordinal)
            && c.Contains("D.V.D. (June 23, 2025) [S]", StringComparison.Ordinal) && c.Contains("EO 14165 §8 directs safe third country agreements [V-off]", StringComparison.Ordinal)
            && c.Contains("Costa Rica, Panama, El Salvador, South Sudan", StringComparison.Ordinal) && c.Contains("[U]", StringComparison.Ordinal));
        Assert.Contains(caveats, c => c.StartsWith("MPP: contiguous-territory return ordered by EO 14165 §6 without Mexico's consent [S]", StringComparison.Ordinal)
            && c.Contains("no enrolment figures found [U]", StringComparison.Ordinal));
        Assert.Contains(caveats, c => c.Contains("land returns only", StringComparison.Ordinal) && c.Contains("[U]", StringComparison.Ordinal));

        // The one third-country arrangement built in is Costa Rica's announced, dated, named-nationality transit acceptance [S];
        // the others lack the dates, nationalities or numbers to encode.
        Assert.Equal(["costa-rica-transit-2025"], ArrangementSet.BuiltIn.Arrangements.Where(a => a.Destination != "MX").Select(a => a.Id));
        var costaRica = ArrangementSet.BuiltIn.Arrangements.Single(a => a.Destination == "CR");
        Assert.Equal(Threshold.Law.VerificationStatus.Secondary, costaRica.Citation.Status);
        Assert.Equal(Threshold.Law.VerificationStatus.Unverified, costaRica.ToCitation!.Status);
    }

    [Fact]
    public void BuiltIn_Rules_CarryTheirCitationsAndStatuses()
    {
        var rules = ArrangementSet.BuiltIn.Rules;
        Assert.Equal("Proclamation 10773", rules.UnaccompaniedChildren.Citation.Instrument);
        Assert.Equal("§3(e)", rules.UnaccompaniedChildren.Citation.Section);
        Assert.Equal(VerificationStatus.Verified, rules.UnaccompaniedChildren.Citation.Status);
        Assert.Contains("8 U.S.C. 1232", rules.UnaccompaniedChildren.Citation.Source, StringComparison.Ordinal);
        Assert.Contains(rules.UnaccompaniedChildren.SupportingCitations, c => c.Status == VerificationStatus.Secondary && c.Source!.Contains("did not accept unaccompanied children", StringComparison.Ordinal));
        Assert.Equal(VerificationStatus.VerifiedOfficial, rules.MexicanNationals.Citation.Status);
        Assert.Contains("W1", rules.MexicanNationals.Citation.Source, StringComparison.Ordinal);
        Assert.Equal(VerificationStatus.Unverified, rules.Citizenship.Citation.Status);
    }

    [Theory]
    [InlineData("VE", 2022, 10, 11, null)]
    [InlineData("VE", 2022, 10, 12, "title42-venezuela")]
    [InlineData("VE", 2023, 5, 11, "title42-venezuela")]
    [InlineData("VE", 2023, 5, 12, "mexico-chnv-30000")]
    [InlineData("CU", 2023, 1, 4, null)]
    [InlineData("CU", 2023, 1, 5, "title42-cuba-haiti-nicaragua")]
    [InlineData("GT", 2020, 3, 20, null)]
    [InlineData("GT", 2023, 5, 11, "title42-northern-triangle")]
    [InlineData("GT", 2023, 5, 12, null)]
    [InlineData("MX", 2024, 7, 1, null)]
    [InlineData("CO", 2024, 7, 1, null)]
    [InlineData("VE", 2025, 1, 19, "mexico-chnv-30000")]
    [InlineData("VE", 2025, 1, 20, "mexico-humanitarian-2025")]
    [InlineData("CO", 2025, 1, 19, null)]
    [InlineData("CO", 2025, 1, 20, "mexico-humanitarian-2025")]
    [InlineData("MX", 2025, 1, 20, null)]
    public void Applicable_ByEasternDate_InclusiveEnds(string nationality, int y, int m, int d, string? expected)
    {
        Assert.Equal(expected, ArrangementSet.BuiltIn.Applicable(nationality, new LocalDate(y, m, d))?.Id);
    }

    [Fact]
    public void Applicable_BadCode_Throws()
    {
        Assert.Throws<ArgumentException>(() => ArrangementSet.BuiltIn.Applicable("Ven", new LocalDate(2024, 1, 1)));
    }

    [Fact]
    public void Load_UserFileFromDisk_AddsItsArrangementToTheBuiltIns()
    {
        var path = Path.Combine(Path.GetTempPath(), $"threshold-returns-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, UserFile);
        try
        {
            var set = ArrangementSet.Load([path]);
            Assert.Equal(ArrangementSet.BuiltIn.Arrangements.Count + 1, set.Arrangements.Count);
            Assert.Equal(path, set.Arrangements[^1].SourceName);
            Assert.Equal("what-if-ecuador", set.Applicable("EC", new LocalDate(2024, 1, 1))?.Id);
            Assert.Null(ArrangementSet.BuiltIn.Applicable("EC", new LocalDate(2024, 1, 1)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_MalformedUserFileFromDisk_NamesThePathAndLine()
    {
        var path = Path.Combine(Path.GetTempPath(), $"threshold-returns-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, UserFile.Replace("monthly_cap: 5", "monthly_cap: five", StringComparison.Ordinal));
        try
        {
            var e = Assert.Throws<ArrangementFileException>(() => ArrangementSet.Load([path]));
            Assert.StartsWith($"{path}:8: arrangement what-if-ecuador: monthly_cap 'five'", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void WithBuiltIns_SameArrangementIdAsABuiltIn_IsAnError()
    {
        var doc = ArrangementYamlReader.Read(UserFile.Replace("what-if-ecuador", "mexico-chnv-30000", StringComparison.Ordinal), "mine.yaml");
        var e = Assert.Throws<ArrangementFileException>(() => ArrangementSet.WithBuiltIns(doc));
        Assert.StartsWith("mine.yaml:4: arrangement id 'mexico-chnv-30000' is already defined in law/arrangements/mexico-returns.yaml:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithBuiltIns_UserFileDefiningRules_IsAnError()
    {
        var builtIn = ArrangementSet.BuiltIn.Documents[0];
        var doc = ArrangementYamlReader.Read(UserFile, "mine.yaml") with { Rules = builtIn.Rules };
        var e = Assert.Throws<ArrangementFileException>(() => ArrangementSet.WithBuiltIns(doc));
        Assert.Equal("mine.yaml: 'rules' are already defined in law/arrangements/mexico-returns.yaml; only one loaded file may define them (a file of your own adds arrangements only)", e.Message);
    }

    [Fact]
    public void FromDocuments_NoRules_IsAnError()
    {
        var e = Assert.Throws<ArrangementFileException>(() => ArrangementSet.FromDocuments([ArrangementYamlReader.Read(UserFile, "mine.yaml")]));
        Assert.Contains("no loaded file defines the 'rules'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithBuiltIns_SameFileIdTwice_IsAnError()
    {
        var a = ArrangementYamlReader.Read(UserFile, "a.yaml");
        var b = ArrangementYamlReader.Read(UserFile.Replace("what-if-ecuador", "what-if-ecuador-2", StringComparison.Ordinal).Replace("2024-01-01", "2030-01-01", StringComparison.Ordinal), "b.yaml");
        var e = Assert.Throws<ArrangementFileException>(() => ArrangementSet.WithBuiltIns(a, b));
        Assert.Equal("b.yaml: file id 'what-if' is already used by a.yaml", e.Message);
    }

    [Fact]
    public void WithBuiltIns_TwoUserFilesOverlappingEqualPriority_IsAnErrorNamingBoth()
    {
        var a = ArrangementYamlReader.Read(UserFile, "a.yaml");
        var b = ArrangementYamlReader.Read(UserFile.Replace("id: what-if\n", "id: what-if-b\n", StringComparison.Ordinal).Replace("what-if-ecuador", "other-ecuador", StringComparison.Ordinal).Replace("2024-01-01", "2024-06-01", StringComparison.Ordinal), "b.yaml");
        var e = Assert.Throws<ArrangementFileException>(() => ArrangementSet.WithBuiltIns(a, b));
        Assert.StartsWith("b.yaml:4: arrangements 'what-if-ecuador' (a.yaml:4) and 'other-ecuador' would both take EC on 2024-06-01 with the same priority 0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithBuiltIns_TieOutrankedEverywhere_IsNotAConflict()
    {
        // Two priority-1 arrangements overlap only inside the dates of a priority-2 one: the tie never decides anything.
        const string yaml = """
            id: layered
            title: Layered
            arrangements:
              - id: low-a
                title: A
                from: 2024-01-01
                to: 2024-06-30
                nationalities: [EC]
                monthly_cap: 1
                priority: 1
                citation: { instrument: What-if, status: U }
                note: n
              - id: low-b
                title: B
                from: 2024-06-01
                to: 2024-12-31
                nationalities: [EC]
                monthly_cap: 1
                priority: 1
                citation: { instrument: What-if, status: U }
                note: n
              - id: high
                title: C
                from: 2024-06-01
                to: 2024-06-30
                nationalities: [EC]
                monthly_cap: 1
                priority: 2
                citation: { instrument: What-if, status: U }
                note: n
            """;
        var set = ArrangementSet.WithBuiltIns(ArrangementYamlReader.Read(yaml, "layered.yaml"));
        Assert.Equal("low-a", set.Applicable("EC", new LocalDate(2024, 5, 31))?.Id);
        Assert.Equal("high", set.Applicable("EC", new LocalDate(2024, 6, 1))?.Id);
        Assert.Equal("high", set.Applicable("EC", new LocalDate(2024, 6, 30))?.Id);
        Assert.Equal("low-b", set.Applicable("EC", new LocalDate(2024, 7, 1))?.Id);
        Assert.Null(set.Applicable("EC", new LocalDate(2025, 1, 1)));
    }
}
