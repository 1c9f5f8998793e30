using System.Text.RegularExpressions;
using Threshold.Law;

namespace Threshold.Engine.Tests;

/// <summary>
/// Parameters the replay relies on. A secretary-determination policy file without one of the parameters the
/// supplied-determination replay reads compiled and then failed mid-replay with KeyNotFoundException, and a threshold
/// too large for a window's sum overflowed (both found by fuzzing); each is now refused when compiled, naming it.
/// </summary>
public sealed partial class PolicyParameterLimitTests
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

    [Theory]
    [InlineData("proclamation-10773", "activate.threshold", "6666666666666666665000")]
    [InlineData("proclamation-10773", "activate.threshold", "1000000001")]
    [InlineData("senate-border-act-2024", "deactivate.fraction_of_activation_threshold", "11")]
    public void Threshold_set_beyond_the_limit_is_refused_not_an_overflow_in_the_window_sum(string policy, string name, string value)
    {
        var options = new ReplayOptions { InForce = new NodaTime.LocalDate(2024, 6, 5), Overrides = [new ParameterOverride(name, value)] };
        var e = Assert.Throws<ReplayRequestException>(() => SuspensionReplay.Run(CompiledPolicy.Compile(BuiltInPolicies.Get(policy), options), Series()));
        Assert.Contains($"{name} must be at most", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Threshold_at_the_limit_replays()
    {
        var options = new ReplayOptions { Overrides = [new ParameterOverride("activate.threshold", "1000000000")] };
        Assert.NotNull(SuspensionReplay.Run(CompiledPolicy.Compile(BuiltInPolicies.Get("proclamation-10773"), options), Series()));
    }

    private static EncounterSeries Series() =>
        EncounterCsvReader.ReadFile(Path.Combine(DailyReplayTests.RepositoryRoot(), "data", "modeled", "daily_encounters_2024-01-01_2025-01-19.modeled.csv"));
}
