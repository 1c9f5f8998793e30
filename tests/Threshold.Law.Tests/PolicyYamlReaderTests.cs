namespace Threshold.Law.Tests;

public sealed class PolicyYamlReaderTests
{
    private const string Minimal = """
        id: my-reform
        title: A reform
        summary: test
        standing: hypothetical
        mechanism: encounter-threshold
        in_force:
          date: 2025-01-01
          citation: { instrument: Reform, status: U }
        parameters:
          deactivate.threshold:
            description: level
            unit: encounters/day
            type: number
            values:
              - from: 2025-01-01
                value: 2000
                citation: { instrument: Reform, section: "§1", status: U }
        """;

    [Fact]
    public void Read_MinimalPolicy_ParsesValuesAndCitations()
    {
        var p = PolicyYamlReader.Read(Minimal, "reform.yaml");
        Assert.Equal("my-reform", p.Id);
        Assert.Equal(2000m, p.ParametersByName["deactivate.threshold"].Values[0].Value.Number);
        Assert.Equal("Reform §1 [U]", p.ParametersByName["deactivate.threshold"].Values[0].Citation.Text);
    }

    [Theory]
    [InlineData("status: U }\nparameters:", "status: X }\nparameters:", "reform.yaml:8: citation status 'X' must be one of V, V-off, S, U")]
    [InlineData("standing: hypothetical", "standing: maybe", "reform.yaml:4: standing 'maybe'")]
    [InlineData("value: 2000", "value: lots", "reform.yaml:16: parameter deactivate.threshold: 'lots' is not a number")]
    [InlineData("summary: test", "summary: test\nextra: 1", "reform.yaml:4: unknown key 'extra'")]
    [InlineData("- from: 2025-01-01", "- from: 2025-02-30", "reform.yaml:15: '2025-02-30' is not a date")]
    [InlineData("title: A reform", "title: &a A reform\nsummary2: *a", "aliases (*name) are not allowed")]
    [InlineData("id: my-reform", "id: My Reform", "reform.yaml:1: id 'My Reform'")]
    public void Read_BadInput_NamesFileLineAndProblem(string find, string replace, string expected)
    {
        var yaml = Minimal.Replace(find, replace, StringComparison.Ordinal);
        var e = Assert.Throws<LawFileException>(() => PolicyYamlReader.Read(yaml, "reform.yaml"));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NotYaml_IsAClearError()
    {
        var e = Assert.Throws<LawFileException>(() => PolicyYamlReader.Read("id: [unclosed", "x.yaml"));
        Assert.StartsWith("x.yaml:", e.Message, StringComparison.Ordinal);
        Assert.Contains("not valid YAML", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TooLarge_IsRefused()
    {
        var e = Assert.Throws<LawFileException>(() => PolicyYamlReader.Read(new string('#', PolicyYamlReader.MaxBytes + 1), "big.yaml"));
        Assert.Contains("longer than", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFile_Missing_SaysNotFound()
    {
        var e = Assert.Throws<LawFileException>(() => PolicyYamlReader.ReadFile("/nonexistent/p.yaml"));
        Assert.Equal("/nonexistent/p.yaml: file not found", e.Message);
    }
}

public sealed class StrictYamlTests
{
    [Fact]
    public void Read_DuplicateKey_IsRefusedWithItsLine()
    {
        const string yaml = "id: a\ntitle: t\nid: b\n";
        var e = Assert.Throws<LawFileException>(() => PolicyYamlReader.Read(yaml, "dup.yaml"));
        Assert.StartsWith("dup.yaml:3:", e.Message, StringComparison.Ordinal);
    }
}
