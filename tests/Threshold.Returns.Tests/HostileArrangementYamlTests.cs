using Threshold.Law;
using Threshold.TestSupport;

namespace Threshold.Returns.Tests;

/// <summary>Arrangement YAML that could exhaust memory or the stack, and what fuzzing found, each refused with its line.</summary>
public sealed class HostileArrangementYamlTests
{
    private static ArrangementFileException Refused(string yaml) => Assert.Throws<ArrangementFileException>(() => ArrangementYamlReader.Read(yaml, "hostile.yaml"));

    [Fact]
    public void Arrangement_yaml_bomb_is_refused_at_its_first_alias() =>
        Assert.Contains("YAML aliases (*name) are not allowed in arrangement files", Refused(HostileYaml.BillionLaughs("arrangements")).Message, StringComparison.Ordinal);

    [Fact]
    public void Arrangement_yaml_nested_deeper_than_the_limit_is_refused() =>
        Assert.Contains($"nested more than {StrictYamlReader.MaxDepth} levels deep", Refused(HostileYaml.DeepNesting("arrangements", 49_000)).Message, StringComparison.Ordinal);

    [Fact]
    public void Arrangement_yaml_the_scanner_throws_invalid_operation_on_is_a_located_syntax_error() =>
        Assert.Equal("hostile.yaml:1: not valid YAML at or after this line", Refused(HostileYaml.ScannerFault).Message);

    [Fact]
    public void Arrangement_yaml_with_a_tag_that_is_not_a_uri_is_a_located_syntax_error() =>
        Assert.Equal("hostile.yaml:1: not valid YAML at or after this line: a tag (!…) that is not a valid URI", Refused(HostileYaml.BadTag).Message);

    [Fact]
    public void Arrangement_yaml_with_a_key_the_parser_leaves_without_value_is_a_located_syntax_error() =>
        Assert.Equal("hostile.yaml:1: not valid YAML: a mapping key without a value", Refused(HostileYaml.KeyWithoutValue).Message);

    [Fact]
    public void Arrangement_yaml_with_a_nul_character_is_refused() =>
        Assert.Equal("hostile.yaml:1: control character U+0000 is not allowed in YAML", Refused(HostileYaml.NulKey).Message);
}
