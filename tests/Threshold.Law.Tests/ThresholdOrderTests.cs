namespace Threshold.Law.Tests;

/// <summary>
/// Issue 15 step 8: a threshold of 0, an activation threshold below the discontinuation threshold, or a deactivation
/// fraction above 1 is refused in a policy file, naming the file, the line of the value and the reason. The files are
/// the shipped law files with one value changed.
/// </summary>
public sealed class ThresholdOrderTests
{
    private static string Shipped(string id)
    {
        using var stream = typeof(BuiltInPolicies).Assembly.GetManifestResourceStream($"law/policies/{id}.yaml")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>The shipped file with the first <c>value: old</c> under <paramref name="parameter"/> changed, and that value's line.</summary>
    private static (string Yaml, long Line) WithValue(string id, string parameter, string old, string replacement)
    {
        var yaml = Shipped(id);
        var at = yaml.IndexOf($"value: {old}", yaml.IndexOf($"  {parameter}:\n", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.True(at > 0, $"{parameter} has no value {old} in {id}");
        return (string.Concat(yaml.AsSpan(0, at), $"value: {replacement}", yaml.AsSpan(at + $"value: {old}".Length)), yaml[..at].Count(c => c == '\n') + 1);
    }

    private static LawFileException Refused(string id, string parameter, string old, string replacement, out long line)
    {
        var (yaml, valueLine) = WithValue(id, parameter, old, replacement);
        line = valueLine;
        return Assert.Throws<LawFileException>(() => PolicyYamlReader.Read(yaml, "policy.yaml"));
    }

    [Theory]
    [InlineData("proclamation-10773", "activate.threshold", "2500")]
    [InlineData("proclamation-10773", "deactivate.threshold", "1500")]
    [InlineData("senate-border-act-2024", "activate.threshold", "5000")]
    [InlineData("senate-border-act-2024", "activate.single_day_threshold", "8500")]
    [InlineData("senate-border-act-2024", "activate.discretionary_threshold", "4000")]
    [InlineData("senate-border-act-2024", "deactivate.fraction_of_activation_threshold", "0.75")]
    [InlineData("senate-border-act-2024", "deactivate.single_day_base", "5000")]
    public void Policy_threshold_of_zero_is_refused_naming_the_line_and_why(string id, string parameter, string old)
    {
        var e = Refused(id, parameter, old, "0", out var line);
        Assert.Equal(line, e.Line);
        Assert.StartsWith($"policy.yaml:{line}: parameter {parameter}: {parameter} must be above 0 (0)", e.Message, StringComparison.Ordinal);
        Assert.Contains(parameter.StartsWith("activate.", StringComparison.Ordinal) ? "would apply every day" : "could never be discontinued", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Policy_activation_below_discontinuation_is_refused_naming_the_activation_line()
    {
        // 10773 §2: reactivation at 2,500, discontinuation under 1,500. At 1,000 one average would support both.
        var e = Refused("proclamation-10773", "activate.threshold", "2500", "1000", out var line);
        Assert.Equal(line, e.Line);
        Assert.Contains("activate.threshold (1000) is below deactivate.threshold (1500)", e.Message, StringComparison.Ordinal);
        Assert.Contains("both activation and discontinuation", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Policy_discontinuation_raised_above_activation_is_refused()
    {
        var e = Refused("proclamation-10773", "deactivate.threshold", "1500", "2600", out _);
        Assert.Contains("activate.threshold (2500) is below deactivate.threshold (2600)", e.Message, StringComparison.Ordinal);
        Assert.StartsWith("policy.yaml:", e.Message, StringComparison.Ordinal);
        Assert.True(e.Line > 0, e.Message);
    }

    [Fact]
    public void Policy_activation_equal_to_discontinuation_is_accepted()
    {
        // "≥ T" and "< T" never hold together, so equal thresholds are coherent.
        var (yaml, _) = WithValue("proclamation-10773", "deactivate.threshold", "1500", "2500");
        Assert.Equal("proclamation-10773", PolicyYamlReader.Read(yaml, "policy.yaml").Id);
    }

    [Fact]
    public void Policy_deactivation_fraction_above_one_is_refused_naming_its_line()
    {
        var e = Refused("senate-border-act-2024", "deactivate.fraction_of_activation_threshold", "0.75", "1.25", out var line);
        Assert.Equal(line, e.Line);
        Assert.Contains("(1.25) is above 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Policy_later_dated_value_that_breaks_the_order_is_named_with_its_date()
    {
        var (yaml, _) = WithValue("proclamation-10773", "activate.threshold", "2500", "2500\n        citation: { instrument: Proclamation 10773, section: \"§2(b)\", fr: \"89 FR 48487\", status: V }\n      - from: 2025-01-01\n        value: 1000");
        var e = Assert.Throws<LawFileException>(() => PolicyYamlReader.Read(yaml, "policy.yaml"));
        Assert.Contains("on 2025-01-01: activate.threshold (1000) is below deactivate.threshold (1500)", e.Message, StringComparison.Ordinal);
        var lines = yaml.Split('\n');
        Assert.Equal("        value: 1000", lines[e.Line - 1]);
    }

    [Fact]
    public void Shipped_policies_have_coherent_thresholds() =>
        Assert.All(BuiltInPolicies.Ids, id => PolicyYamlReader.Read(Shipped(id), id + ".yaml"));
}
