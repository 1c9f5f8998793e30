using NodaTime;
using Threshold.Simulation;
using Threshold.Web.Apis;
using Threshold.Web.Dashboard;

namespace Threshold.Web.Tests.Dashboard;

/// <summary>The Simulate page's form, written as scenario YAML, reads back as the scenario the form describes.</summary>
public sealed class SimulationDraftTests
{
    private static readonly LocalDate Start = new(2024, 6, 5);

    [Fact]
    public void Draft_ReadsBackThroughTheStrictReader_WithItsPoliciesParametersAndPreset()
    {
        var draft = new SimulationDraft(Start, 2, 40, 9,
            [
                new PolicyDraft("proclamation-10773", "p10773-court-orders", null, [], [new("streak-enjoined", new LocalDate(2024, 10, 1))]),
                new PolicyDraft("senate-border-act-2024", "senate-border-act", Start, [], []),
                new PolicyDraft("proclamation-10773", "p10773-reform", null, [new("deactivate.threshold", "2000")], []),
            ],
            [new(ModelParameters.DeterrenceEffect, 0.5), new(ModelParameters.MexicoEnforcement, ModelParameters.MexicoPresets["2023"].Share)],
            "2023");

        var scenario = SimulationService.FromYaml(draft.ToYaml());

        Assert.Equal((40, 9UL, Start, new LocalDate(2026, 6, 4)), (scenario.Paths, scenario.Seed, scenario.Start, scenario.End));
        Assert.Equal(["p10773-court-orders", "senate-border-act", "p10773-reform"], scenario.Policies.Select(p => p.Label));
        Assert.Equal("2000", scenario.Policies[2].Options.Overrides.Single().RawValue);
        Assert.Equal(0.5, scenario.Settings[ModelParameters.DeterrenceEffect].Low);
        Assert.StartsWith("preset 2023", scenario.Settings[ModelParameters.MexicoEnforcement].Origin, StringComparison.Ordinal);
    }

    [Fact]
    public void TypedText_IsQuoted_SoItCannotAddAKey()
    {
        var draft = new SimulationDraft(Start, 1, 20, 1,
            [new PolicyDraft("proclamation-10773", "p10773-reform", null, [new("deactivate.threshold", "2000\"\n    file: /etc/passwd")], [])],
            [], null);

        var error = Assert.Throws<ScenarioFileException>(() => SimulationService.FromYaml(draft.ToYaml()));
        Assert.NotEqual("policies.file", error.Field);
    }
}
