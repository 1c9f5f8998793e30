using NodaTime;
using Threshold.Simulation;

namespace Threshold.Simulation.Tests;

/// <summary>The repository's data/source and scenarios, and small scenarios written in the tests.</summary>
internal static class TestData
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Threshold.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (Threshold.sln) above " + AppContext.BaseDirectory);
    });

    private static readonly Lazy<SimulationInputs> July2024 = new(() => SimulationInputs.Load(Source, new YearMonth(2024, 7)));

    public static string RepositoryRoot => Root.Value;

    public static string Source => Path.Combine(RepositoryRoot, "data", "source");

    /// <summary>Calibration and the July 2024 mix, loaded once for the test run.</summary>
    public static SimulationInputs Inputs => July2024.Value;

    public static Scenario Read(string yaml) => ScenarioYamlReader.Read(yaml, "test.yaml", RepositoryRoot);

    /// <summary>A short scenario: the proclamation and the Senate authority over one year from 2024-06-05.</summary>
    public static Scenario Small(int paths = 24, string extraPolicies = "", string parameters = "") => Read($$"""
        name: small
        seed: 7
        paths: {{paths}}
        horizon: { start: 2024-06-05, years: 1 }
        policies:
          - id: proclamation-10773
          - id: senate-border-act-2024
            label: senate
            in_force: 2024-06-05
        {{extraPolicies}}
        parameters:
          mexico.enforcement_share: { preset: "2023" }
        {{parameters}}
        """);
}
