namespace Threshold.Returns.Tests;

/// <summary>The labels of a returns report: MODELED for a synthesised series, SYNTHETIC for generated cases, none for real ones.</summary>
public class ProvenanceLabelsTests
{
    [Theory]
    [InlineData(true, 3, new[] { "MODELED", "SYNTHETIC" })]
    [InlineData(true, 0, new[] { "MODELED" })]
    [InlineData(false, 1, new[] { "SYNTHETIC" })]
    [InlineData(false, 0, new string[0])]
    public void Labels_ModeledFirstThenSynthetic_NoneForARealSeriesAndRealCases(bool modeled, long synthetic, string[] expected) =>
        Assert.Equal(expected, ProvenanceLabels.Of(modeled, synthetic));

    [Theory]
    [InlineData("synthetic-2024-07-000001", true)]
    [InlineData("synthetic-", true)]
    [InlineData("Synthetic-2024-07-000001", false)] // cases generate writes lower case; an id is compared exactly
    [InlineData("client-synthetic-1", false)]
    [InlineData("", false)]
    public void IsSynthetic_TheGeneratorsIdPrefixOnly(string id, bool expected) =>
        Assert.Equal(expected, ProvenanceLabels.IsSynthetic(id));
}
