using Threshold.Law;
using Threshold.TestSupport;

namespace Threshold.Simulation.Tests;

/// <summary>Scenario YAML that could exhaust memory or the stack, and what fuzzing found, each refused with its line.</summary>
public sealed class HostileScenarioYamlTests
{
    private static ScenarioFileException Refused(string yaml) => Assert.Throws<ScenarioFileException>(() => TestData.Read(yaml));

    [Fact]
    public void Scenario_yaml_bomb_is_refused_at_its_first_alias() =>
        Assert.Contains("YAML aliases (*name) are not allowed in scenario files", Refused("name: bomb\n" + HostileYaml.BillionLaughs("parameters")).Message, StringComparison.Ordinal);

    [Fact]
    public void Scenario_yaml_nested_deeper_than_the_limit_is_refused() =>
        Assert.Contains($"nested more than {StrictYamlReader.MaxDepth} levels deep", Refused(HostileYaml.DeepNesting("policies", 49_000)).Message, StringComparison.Ordinal);

    [Fact]
    public void Scenario_yaml_with_a_nul_key_is_refused_not_an_argument_exception() =>
        Assert.Equal("test.yaml:1: control character U+0000 is not allowed in YAML", Refused(HostileYaml.NulKey).Message);

    [Fact]
    public void Scenario_yaml_the_parser_leaves_a_key_without_value_is_a_located_syntax_error() =>
        Assert.Equal("test.yaml:1: not valid YAML: a mapping key without a value", Refused(HostileYaml.KeyWithoutValue).Message);

    [Fact]
    public void Scenario_yaml_the_scanner_throws_invalid_operation_on_is_a_located_syntax_error() =>
        Assert.Equal("test.yaml:1: not valid YAML at or after this line", Refused(HostileYaml.ScannerFault).Message);

    [Fact]
    public void Scenario_horizon_years_past_the_calendar_end_is_a_field_error_not_an_out_of_range()
    {
        var e = Refused("name: far\nhorizon:\n  start: 9995-01-01\n  years: 10\npolicies:\n  - id: proclamation-10773\n");
        Assert.Equal(4, e.Line);
        Assert.Contains("runs past the last date the calendar holds (9999-12-31)", e.Message, StringComparison.Ordinal);
    }
}
