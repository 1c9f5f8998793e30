using System.Text;

namespace Threshold.Simulation.Tests;

/// <summary>
/// Issue 15: a 54 KB scenario with 1,000 policies ran a server out of memory. The reader counts the policies before it
/// compiles one, and names the first policy past <see cref="Scenario.MaxPolicies"/> by its line.
/// </summary>
public sealed class ScenarioPolicyLimitTests
{
    /// <summary>A scenario comparing <paramref name="count"/> reforms of 10773, one policy per two lines from line 5.</summary>
    internal static string ManyPolicies(int count)
    {
        var yaml = new StringBuilder("name: many\nhorizon: { start: 2024-06-05, years: 1 }\nparameters: {}\npolicies:\n");
        for (var i = 0; i < count; i++)
        {
            yaml.Append("  - id: proclamation-10773\n    label: reform-").Append(i).Append('\n');
        }

        return yaml.ToString();
    }

    [Fact]
    public void Scenario_with_a_thousand_policies_is_refused_at_policy_nine_naming_its_line()
    {
        var yaml = ManyPolicies(1000);
        Assert.InRange(yaml.Length, 30_000, ScenarioYamlReader.MaxBytes);
        var e = Assert.Throws<ScenarioFileException>(() => TestData.Read(yaml));
        Assert.Equal(5 + (2 * 8), e.Line); // policy 9 starts on line 21
        Assert.Equal("policies", e.Field);
        Assert.Equal("test.yaml:21: field 'policies': policy 9 of 1000: a scenario may compare at most 8 policies", e.Message);
    }

    [Fact]
    public void Scenario_with_eight_policies_is_read()
    {
        var scenario = TestData.Read(ManyPolicies(Scenario.MaxPolicies));
        Assert.Equal(Scenario.MaxPolicies, scenario.Policies.Count);
    }
}
