using Threshold.Simulation;
using Threshold.TestSupport;
using Threshold.Web.Apis;

namespace Threshold.Web.Tests.Apis;

/// <summary>
/// An uploaded scenario is first searched for <c>file:</c> policies; that search loads the YAML with the strict reader,
/// so what fuzzing found there (a NUL made YamlDotNet's loader throw ArgumentException) and hostile YAML are the same
/// located errors as from a file.
/// </summary>
public sealed class ScenarioUploadHostileTests
{
    [Fact]
    public void Uploaded_scenario_with_a_nul_key_is_a_located_error_not_an_argument_exception()
    {
        var e = Assert.Throws<ScenarioFileException>(() => SimulationService.FromYaml(HostileYaml.NulKey));
        Assert.Equal("scenario.yaml:1: control character U+0000 is not allowed in YAML", e.Message);
    }

    [Fact]
    public void Uploaded_scenario_yaml_bomb_is_refused_before_any_loading() =>
        Assert.Contains("YAML aliases (*name) are not allowed", Assert.Throws<ScenarioFileException>(() => SimulationService.FromYaml("name: bomb\n" + HostileYaml.BillionLaughs("parameters"))).Message, StringComparison.Ordinal);

    [Fact]
    public void Uploaded_scenario_nested_deeply_is_refused() =>
        Assert.Contains("levels deep", Assert.Throws<ScenarioFileException>(() => SimulationService.FromYaml(HostileYaml.DeepNesting("policies", 49_000))).Message, StringComparison.Ordinal);
}
