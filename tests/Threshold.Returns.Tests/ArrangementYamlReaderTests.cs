using NodaTime;

namespace Threshold.Returns.Tests;

public sealed class ArrangementYamlReaderTests
{
    private const string Minimal = """
        id: my-arrangements
        title: Mine
        arrangements:
          - id: what-if-colombia
            title: Colombians
            from: 2024-07-01
            to: 2024-12-31
            nationalities: [CO, EC]
            monthly_cap: 100
            citation: { instrument: What-if, section: "§1", status: U }
            note: A hypothetical.
        """;

    [Fact]
    public void Read_MinimalFile_ParsesEveryField()
    {
        var doc = ArrangementYamlReader.Read(Minimal, "my.yaml");
        var a = Assert.Single(doc.Arrangements);
        Assert.Equal("my-arrangements", doc.Id);
        Assert.Null(doc.Rules);
        Assert.Equal("what-if-colombia", a.Id);
        Assert.Equal(new LocalDate(2024, 7, 1), a.From);
        Assert.Equal(new LocalDate(2024, 12, 31), a.To);
        Assert.Equal(["CO", "EC"], a.Nationalities);
        Assert.Equal(100, a.MonthlyCap);
        Assert.Equal(0, a.Priority);
        Assert.Equal("What-if §1 [U]", a.Citation.Text);
        Assert.Equal(("my.yaml", 4L), (a.SourceName, a.Line));
    }

    [Fact]
    public void Read_NullCapAndNoEnd_MeanNoCapAndOpenEnded()
    {
        var yaml = Minimal.Replace("monthly_cap: 100", "monthly_cap: null", StringComparison.Ordinal).Replace("    to: 2024-12-31\n", string.Empty, StringComparison.Ordinal);
        var a = Assert.Single(ArrangementYamlReader.Read(yaml, "my.yaml").Arrangements);
        Assert.Null(a.MonthlyCap);
        Assert.Null(a.To);
        Assert.True(a.AppliesOn(new LocalDate(2099, 1, 1)));
    }

    [Fact]
    public void Arrangement_AppliesOn_BothEndsInclusive()
    {
        var a = Assert.Single(ArrangementYamlReader.Read(Minimal, "my.yaml").Arrangements);
        Assert.False(a.AppliesOn(new LocalDate(2024, 6, 30)));
        Assert.True(a.AppliesOn(new LocalDate(2024, 7, 1)));
        Assert.True(a.AppliesOn(new LocalDate(2024, 12, 31)));
        Assert.False(a.AppliesOn(new LocalDate(2025, 1, 1)));
    }

    [Theory]
    [InlineData("[CO, EC]", "[CO, ecu]", "my.yaml:8: arrangement what-if-colombia: nationality 'ecu' is not an ISO 3166-1 alpha-2 code")]
    [InlineData("[CO, EC]", "[CO, ec]", "my.yaml:8: arrangement what-if-colombia: nationality 'ec' is not an ISO 3166-1 alpha-2 code")]
    [InlineData("[CO, EC]", "[CO, MX]", "my.yaml:8: arrangement what-if-colombia: MX may not be listed")]
    [InlineData("[CO, EC]", "[CO, CO]", "my.yaml:8: arrangement what-if-colombia: nationality CO is listed twice")]
    [InlineData("[CO, EC]", "[]", "my.yaml:8: arrangement what-if-colombia: 'nationalities' must be a non-empty list")]
    [InlineData("[CO, EC]", "CO", "my.yaml:8: arrangement what-if-colombia: 'nationalities' must be a non-empty list")]
    [InlineData("monthly_cap: 100", "monthly_cap: 0", "my.yaml:9: arrangement what-if-colombia: monthly_cap '0' must be a positive whole number")]
    [InlineData("monthly_cap: 100", "monthly_cap: -5", "my.yaml:9: arrangement what-if-colombia: monthly_cap '-5'")]
    [InlineData("monthly_cap: 100", "monthly_cap: 1.5", "my.yaml:9: arrangement what-if-colombia: monthly_cap '1.5'")]
    [InlineData("monthly_cap: 100", "monthly_cap: lots", "my.yaml:9: arrangement what-if-colombia: monthly_cap 'lots'")]
    [InlineData("monthly_cap: 100", "monthly_cap: 3000000000", "my.yaml:9: arrangement what-if-colombia: monthly_cap '3000000000'")]
    [InlineData("monthly_cap: 100", "monthly_cap: \"null\"", "my.yaml:9: arrangement what-if-colombia: monthly_cap 'null'")]
    [InlineData("    monthly_cap: 100\n", "", "my.yaml:4: arrangement what-if-colombia: missing required key 'monthly_cap' (write null for no cap)")]
    [InlineData("from: 2024-07-01", "from: 2024-02-30", "my.yaml:6: '2024-02-30' is not a date in yyyy-MM-dd form")]
    [InlineData("from: 2024-07-01", "from: July 1, 2024", "my.yaml:6: 'July 1, 2024' is not a date")]
    [InlineData("to: 2024-12-31", "to: 2024-06-30", "my.yaml:7: arrangement what-if-colombia: 'to' 2024-06-30 is before 'from' 2024-07-01 (both ends are inclusive)")]
    [InlineData("note: A hypothetical.", "note: A hypothetical.\n    cap: 5", "my.yaml:12: unknown key 'cap' in arrangement what-if-colombia")]
    [InlineData("title: Mine", "title: Mine\nsummary: x", "my.yaml:3: unknown key 'summary' in an arrangement file")]
    [InlineData("status: U }", "status: U, page: 3 }", "my.yaml:10: unknown key 'page' in citation")]
    [InlineData("status: U }", "status: X }", "my.yaml:10: citation status 'X' must be one of V, V-off, S, U")]
    [InlineData("title: Mine", "title: &t Mine\nlast_verified: *t", "my.yaml:3: YAML aliases (*name) are not allowed")]
    [InlineData("    title: Colombians", "    title: Colombians\n    title: Again", "my.yaml:6: duplicate key 'title'")]
    [InlineData("    note: A hypothetical.", "", "my.yaml:4: missing required key 'note'")]
    [InlineData("    citation: { instrument: What-if, section: \"§1\", status: U }\n", "", "my.yaml:4: missing required key 'citation'")]
    [InlineData("monthly_cap: 100", "monthly_cap: 100\n    priority: high", "my.yaml:10: arrangement what-if-colombia: priority 'high' must be a whole number")]
    [InlineData("- id: what-if-colombia", "- id: What If", "my.yaml:4: arrangement id 'What If' must be lower-case letters, digits and hyphens")]
    [InlineData("[CO, EC]", "all", "my.yaml:8: arrangement what-if-colombia: 'nationalities' must be a non-empty list of ISO 3166-1 alpha-2 codes, e.g. [CU, VE], or 'any'")]
    [InlineData("[CO, EC]", "\"any\"", "my.yaml:8: arrangement what-if-colombia: 'nationalities' must be a non-empty list")]
    [InlineData("[CO, EC]", "[CO, any]", "my.yaml:8: arrangement what-if-colombia: nationality 'any' is not an ISO 3166-1 alpha-2 code")]
    [InlineData("    nationalities:", "    destination: cr\n    nationalities:", "my.yaml:8: arrangement what-if-colombia: destination 'cr' is not an ISO 3166-1 alpha-2 code (two upper-case letters, e.g. MX or CR)")]
    [InlineData("    nationalities:", "    destination: CRI\n    nationalities:", "my.yaml:8: arrangement what-if-colombia: destination 'CRI' is not an ISO 3166-1 alpha-2 code")]
    [InlineData("    nationalities:", "    destination: [CR]\n    nationalities:", "my.yaml:8: destination must be a plain value")]
    [InlineData("    nationalities:", "    destination: CO\n    nationalities:", "my.yaml:9: arrangement what-if-colombia: CO is its destination; an arrangement does not take the destination's own nationals")]
    [InlineData("    to: 2024-12-31\n", "    to_citation: { instrument: End, status: U }\n", "my.yaml:7: arrangement what-if-colombia: 'to_citation' cites the end, but the arrangement has no 'to' (it is open-ended)")]
    [InlineData("    to: 2024-12-31\n", "    to: null\n    to_citation: { instrument: End, status: U }\n", "my.yaml:8: arrangement what-if-colombia: 'to_citation' cites the end, but the arrangement has no 'to'")]
    [InlineData("    to: 2024-12-31\n", "    to: 2024-12-31\n    to_citation: { instrument: End, status: W }\n", "my.yaml:8: citation status 'W' must be one of V, V-off, S, U")]
    [InlineData("    to: 2024-12-31\n", "    to: 2024-12-31\n    to_citation: { status: U }\n", "my.yaml:8: missing required key 'instrument'")]
    [InlineData("    to: 2024-12-31\n", "    to: 2024-12-31\n    to_citation: ended\n", "my.yaml:8: 'to_citation' must be a mapping")]
    [InlineData("    to: 2024-12-31\n", "    to: 2024-12-31\n    to_citation: { instrument: End, status: U, url: x }\n", "my.yaml:8: unknown key 'url' in citation")]
    [InlineData("monthly_cap: 100", "monthly_cap: null\n    monthly_cap_citation: { instrument: Calibration, status: U }", "my.yaml:10: arrangement what-if-colombia: 'monthly_cap_citation' cites a cap, but monthly_cap is null")]
    [InlineData("monthly_cap: 100", "monthly_cap: 100\n    monthly_cap_citation: { instrument: Calibration, status: X }", "my.yaml:10: citation status 'X' must be one of V, V-off, S, U")]
    [InlineData("id: my-arrangements", "id: my_arrangements", "my.yaml:1: id 'my_arrangements' must be lower-case")]
    [InlineData("arrangements:\n", "arrangements: []\nx:\n", "my.yaml:4: unknown key 'x'")]
    public void Read_BadInput_NamesFileLineAndProblem(string find, string replace, string expected)
    {
        var yaml = Minimal.Replace(find, replace, StringComparison.Ordinal);
        Assert.NotEqual(Minimal, yaml);
        var e = Assert.Throws<ArrangementFileException>(() => ArrangementYamlReader.Read(yaml, "my.yaml"));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Equal("my.yaml", e.FileName);
        Assert.True(e.Line > 0);
    }

    [Fact]
    public void Read_NewKeys_DestinationAnyNationalityAndTheCitationsOfEndAndCap()
    {
        var yaml = Minimal
            .Replace("    to: 2024-12-31\n", "    to: 2024-12-31\n    to_citation: { instrument: End notice, section: \"§2\", status: S }\n", StringComparison.Ordinal)
            .Replace("[CO, EC]", "any\n    destination: CR", StringComparison.Ordinal)
            .Replace("monthly_cap: 100", "monthly_cap: 100\n    monthly_cap_citation: { instrument: Calibration, status: U }", StringComparison.Ordinal);
        var a = Assert.Single(ArrangementYamlReader.Read(yaml, "my.yaml").Arrangements);
        Assert.Equal("CR", a.Destination);
        Assert.True(a.AnyNationality);
        Assert.Empty(a.Nationalities);
        Assert.Equal("End notice §2 [S]", a.ToCitation?.Text);
        Assert.Equal("Calibration [U]", a.MonthlyCapCitation?.Text);

        // Any nationality but Mexican nationals (their own rule) and the destination's own.
        Assert.True(a.Takes("VE"));
        Assert.False(a.Takes("MX"));
        Assert.False(a.Takes("CR"));
        var set = ArrangementSet.WithBuiltIns(ArrangementYamlReader.Read(yaml.Replace("from: 2024-07-01", "from: 2024-07-01\n    priority: 1", StringComparison.Ordinal), "my.yaml"));
        Assert.Equal("what-if-colombia", set.Applicable("IN", new LocalDate(2024, 7, 1))?.Id);
        Assert.Null(set.Applicable("CR", new LocalDate(2024, 7, 1)));
        Assert.Equal("title42-venezuela", set.Applicable("VE", new LocalDate(2023, 5, 11))?.Id);
    }

    [Fact]
    public void Read_NoDestinationNorCitationsOfEndAndCap_MeansMexicoAndNone()
    {
        var a = Assert.Single(ArrangementYamlReader.Read(Minimal, "my.yaml").Arrangements);
        Assert.Equal("MX", a.Destination);
        Assert.False(a.AnyNationality);
        Assert.Null(a.ToCitation);
        Assert.Null(a.MonthlyCapCitation);
    }

    [Fact]
    public void Read_AnyNationalityOverlappingANamedOneWithTheSamePriority_IsAnErrorNamingBoth()
    {
        var second = Minimal[Minimal.IndexOf("  - id:", StringComparison.Ordinal)..]
            .Replace("what-if-colombia", "what-if-anyone", StringComparison.Ordinal)
            .Replace("[CO, EC]", "any", StringComparison.Ordinal);
        var e = Assert.Throws<ArrangementFileException>(() => ArrangementYamlReader.Read(Minimal + "\n" + second, "my.yaml"));
        Assert.StartsWith("my.yaml:12: arrangements 'what-if-colombia' (my.yaml:4) and 'what-if-anyone' would both take CO on 2024-07-01 with the same priority 0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_EmptyArrangementList_IsAnError()
    {
        var e = Assert.Throws<ArrangementFileException>(() => ArrangementYamlReader.Read("id: x\ntitle: X\narrangements: []\n", "my.yaml"));
        Assert.Equal("my.yaml:3: 'arrangements' must be a non-empty list", e.Message);
    }

    [Fact]
    public void Read_SameIdTwiceInAFile_IsAnError()
    {
        var twice = Minimal + "\n" + Minimal[Minimal.IndexOf("  - id:", StringComparison.Ordinal)..].Replace("2024-07-01", "2025-07-01", StringComparison.Ordinal).Replace("2024-12-31", "2025-12-31", StringComparison.Ordinal);
        var e = Assert.Throws<ArrangementFileException>(() => ArrangementYamlReader.Read(twice, "my.yaml"));
        Assert.Equal("my.yaml:12: arrangement id 'what-if-colombia' appears twice in this file", e.Message);
    }

    [Fact]
    public void Read_OverlapInsideOneFile_IsAnErrorNamingBothIdsAndTheDate()
    {
        var second = Minimal[Minimal.IndexOf("  - id:", StringComparison.Ordinal)..]
            .Replace("what-if-colombia", "what-if-ecuador", StringComparison.Ordinal)
            .Replace("[CO, EC]", "[EC]", StringComparison.Ordinal)
            .Replace("2024-07-01", "2024-10-01", StringComparison.Ordinal)
            .Replace("    to: 2024-12-31\n", string.Empty, StringComparison.Ordinal);
        var e = Assert.Throws<ArrangementFileException>(() => ArrangementYamlReader.Read(Minimal + "\n" + second, "my.yaml"));
        Assert.Equal(
            "my.yaml:12: arrangements 'what-if-colombia' (my.yaml:4) and 'what-if-ecuador' would both take EC on 2024-10-01 with the same priority 0; " +
            "declare a higher 'priority' on the one that applies (conflicting arrangements are never resolved by file order)",
            e.Message);

        // A declared priority resolves the same overlap.
        var resolved = ArrangementYamlReader.Read(Minimal + "\n" + second.Replace("monthly_cap: 100", "monthly_cap: 100\n    priority: 1", StringComparison.Ordinal), "my.yaml");
        Assert.Equal(2, resolved.Arrangements.Count);
    }

    [Fact]
    public void Read_NotYaml_IsAClearError()
    {
        var e = Assert.Throws<ArrangementFileException>(() => ArrangementYamlReader.Read("id: [unclosed", "x.yaml"));
        Assert.StartsWith("x.yaml:", e.Message, StringComparison.Ordinal);
        Assert.Contains("not valid YAML", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TopLevelNotAMapping_IsAnError()
    {
        var e = Assert.Throws<ArrangementFileException>(() => ArrangementYamlReader.Read("- a\n- b\n", "x.yaml"));
        Assert.Equal("x.yaml:1: expected one YAML document whose top level is a mapping", e.Message);
    }

    [Fact]
    public void Read_TooLarge_IsRefused()
    {
        var e = Assert.Throws<ArrangementFileException>(() => ArrangementYamlReader.Read(new string('#', ArrangementYamlReader.MaxBytes + 1), "big.yaml"));
        Assert.Contains("longer than", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFile_Missing_SaysNotFound()
    {
        var e = Assert.Throws<ArrangementFileException>(() => ArrangementYamlReader.ReadFile("/nonexistent/a.yaml"));
        Assert.Equal("/nonexistent/a.yaml: file not found", e.Message);
    }

    [Fact]
    public void ReadFile_TooLarge_IsRefusedBeforeReading()
    {
        var path = Path.Combine(Path.GetTempPath(), $"threshold-returns-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, new string('#', ArrangementYamlReader.MaxBytes + 1));
        try
        {
            var e = Assert.Throws<ArrangementFileException>(() => ArrangementYamlReader.ReadFile(path));
            Assert.StartsWith($"{path}: file is ", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
