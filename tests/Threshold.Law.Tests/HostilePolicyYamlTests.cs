using Threshold.TestSupport;

namespace Threshold.Law.Tests;

/// <summary>Policy YAML that could exhaust memory or the stack, and the inputs fuzzing found, each refused with its line.</summary>
public sealed class HostilePolicyYamlTests
{
    private static LawFileException Refused(string yaml) => Assert.Throws<LawFileException>(() => PolicyYamlReader.Read(yaml, "hostile.yaml"));

    [Fact]
    public void Policy_yaml_bomb_is_refused_at_its_first_alias()
    {
        var e = Refused("id: bomb\n" + HostileYaml.BillionLaughs("caveats"));
        Assert.Equal(4, e.Line);
        Assert.Contains("YAML aliases (*name) are not allowed in policy files", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Policy_yaml_nested_deeper_than_the_limit_is_refused_before_the_loader_recurses()
    {
        var e = Refused(HostileYaml.DeepNesting("caveats", 49_000));
        Assert.Equal(1, e.Line);
        Assert.Contains($"nested more than {StrictYamlReader.MaxDepth} levels deep", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Policy_yaml_with_more_nodes_than_the_limit_is_refused()
    {
        var e = Refused("caveats:\n" + string.Concat(Enumerable.Repeat("  - x\n", StrictYamlReader.MaxEvents)));
        Assert.Contains($"more than {StrictYamlReader.MaxEvents} YAML nodes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Policy_yaml_longer_than_the_limit_is_refused_before_parsing()
    {
        var e = Refused("# " + new string('x', PolicyYamlReader.MaxBytes));
        Assert.Contains($"longer than {PolicyYamlReader.MaxBytes} characters", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Policy_yaml_the_scanner_throws_invalid_operation_on_is_a_located_syntax_error()
    {
        var e = Refused(HostileYaml.ScannerFault);
        Assert.Equal("hostile.yaml:1: not valid YAML at or after this line", e.Message);
    }

    [Theory]
    [InlineData(HostileYaml.KeyWithoutValue, "hostile.yaml:1: not valid YAML: a mapping key without a value")]
    [InlineData("  i: \n  :", "hostile.yaml:2: not valid YAML: a mapping key without a value")]
    public void Policy_yaml_the_parser_leaves_a_key_without_value_is_a_located_syntax_error(string yaml, string expected) =>
        Assert.Equal(expected, Refused(yaml).Message);

    [Fact]
    public void Policy_yaml_with_a_nul_character_is_refused_naming_the_character_and_line()
    {
        var e = Refused("id: x\n" + HostileYaml.NulKey);
        Assert.Equal("hostile.yaml:2: control character U+0000 is not allowed in YAML", e.Message);
    }

    [Theory]
    [InlineData("id: a\u007fb\n")]
    [InlineData("id: a\u001bb\n")]
    public void Policy_yaml_with_another_control_character_is_refused(string yaml) =>
        Assert.Contains("control character", Refused(yaml).Message, StringComparison.Ordinal);

    [Fact]
    public void Policy_yaml_tabs_and_crlf_line_ends_are_not_control_characters_to_refuse()
    {
        var e = Refused("id: x\r\ntitle: \"a\tb\"\r\n");
        Assert.DoesNotContain("control character", e.Message, StringComparison.Ordinal);
    }
}
