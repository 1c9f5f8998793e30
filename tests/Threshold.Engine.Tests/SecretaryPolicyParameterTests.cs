using System.Text.RegularExpressions;
using Threshold.Law;

namespace Threshold.Engine.Tests;

/// <summary>
/// A secretary-determination policy file without one of the parameters the supplied-determination replay reads was
/// compiled and then failed mid-replay with KeyNotFoundException (found by fuzzing the reform target); it is now
/// refused when compiled, naming the parameter.
/// </summary>
public sealed partial class SecretaryPolicyParameterTests
{
    [GeneratedRegex(@"^  (?<name>[a-z_.]+):\n(?:    .*\n|      .*\n)*", RegexOptions.Multiline)]
    private static partial Regex ParameterBlock();

    private static string Hr2Without(string parameter)
    {
        var yaml = File.ReadAllText(Path.Combine(DailyReplayTests.RepositoryRoot(), "law", "policies", "hr2-2023.yaml")).ReplaceLineEndings("\n");
        return ParameterBlock().Replace(yaml, m => m.Groups["name"].Value == parameter ? string.Empty : m.Value);
    }

    [Theory]
    [InlineData("determination.authority")]
    [InlineData("determination.default_active")]
    [InlineData("determination.effective_days")]
    public void Secretary_policy_missing_a_determination_parameter_is_refused_naming_it_not_a_key_not_found(string parameter)
    {
        var yaml = Hr2Without(parameter);
        Assert.DoesNotContain(parameter + ":", yaml, StringComparison.Ordinal);
        var policy = PolicyYamlReader.Read(yaml, "reform.yaml");
        var options = new ReplayOptions { InForce = new NodaTime.LocalDate(2024, 6, 5) };
        var e = Assert.Throws<LawFileException>(() => CompiledPolicy.Compile(policy, options));
        Assert.Equal($"reform.yaml: mechanism SecretaryDetermination needs parameter '{parameter}', which the policy does not declare", e.Message);
    }
}
