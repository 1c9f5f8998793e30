using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Threshold.Law;
using Threshold.Simulation;
using Threshold.Web.Hosting;
using Threshold.Web.Security;

namespace Threshold.Web.Apis;

/// <summary>
/// The scenario simulator: Monte Carlo futures of border flows under each policy of a scenario, through the real
/// engine, screener and returns ledger. Every result is MODELED and says so.
/// </summary>
public static class SimulationApi
{
    public static IEndpointRouteBuilder MapSimulationApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/simulation").WithTags("Simulation");
        api.MapGet("/scenarios", ListScenarios).RequireAuthorization(Roles.Viewer)
            .WithName("SimulationScenarios").WithSummary("The scenarios bundled in scenarios/, runnable by name.");
        api.MapGet("/parameters", ListParameters).RequireAuthorization(Roles.Viewer)
            .WithName("SimulationParameters").WithSummary("Every flow-model parameter: calibrated default, allowed and plausible ranges, verification mark and source.");
        api.MapPost("/", Run).RequireAuthorization(Roles.Analyst).QueuedAs(HeavyLane.Simulation).Accepts<string>("application/yaml", "text/yaml", "application/x-yaml")
            .Produces<string>(StatusCodes.Status200OK, "application/json", "text/csv")
            .WithName("Simulate")
            .WithSummary("Run a scenario (YAML body, or scenario=NAME for a bundled one) and return result.json or one of its CSV tables (format=). MODELED.")
            .WithDescription("paths and seed replace the scenario's; sensitivity=true adds the sensitivity table. Paths and horizon are capped per request (a 400 names the field). A bad scenario is a 400 naming its line and key.");
        return app;
    }

    public static Ok<SimulationScenariosDocument> ListScenarios(SimulationService simulations) =>
        TypedResults.Ok(new SimulationScenariosDocument(RuleSetVersion.EngineVersion, RuleSetVersion.Current, SimulationResult.ModeledNotice, simulations.MaxPaths, simulations.MaxHorizonDays, simulations.Bundled(), SimulationService.MaxPolicies, simulations.MaxCostByRole));

    public static Ok<SimulationParametersDocument> ListParameters(SimulationService simulations) =>
        TypedResults.Ok(new SimulationParametersDocument(RuleSetVersion.EngineVersion, RuleSetVersion.Current, [.. simulations.Parameters.Select(SimulationParameterDto.From)]));

    /// <remarks>Reads and bounds the scenario on the request thread (cheap), then runs it off it.</remarks>
    public static async Task<ContentHttpResult> Run(
        string? scenario, string? paths, string? seed, bool? sensitivity, string? format,
        HttpRequest request, SimulationService simulations, CancellationToken cancellationToken)
    {
        var wanted = format ?? "result.json";
        SimulationRun.CheckFormat(wanted, sensitivity == true);
        Scenario read;
        if (scenario is not null)
        {
            read = simulations.BundledScenario(scenario);
        }
        else
        {
            var yaml = await ThresholdWebApp.ReadBodyTextAsync(request, ScenarioYamlReader.MaxBytes, cancellationToken).ConfigureAwait(false);
            read = string.IsNullOrWhiteSpace(yaml)
                ? throw new RequestValidationException("body", "send a scenario as YAML in the body (docs/simulation.md), or name a bundled one with scenario=")
                : SimulationService.FromYaml(yaml);
        }

        ArgumentNullException.ThrowIfNull(request);
        var role = Roles.HighestRole(request.HttpContext.User) ?? Threshold.Record.ApiRole.Analyst;
        var bounded = simulations.Bounded(read, ParsePaths(paths), ParseSeed(seed), sensitivity == true, role);
        var run = await simulations.RunAsync(bounded, sensitivity == true, progress: null, cancellationToken).ConfigureAwait(false);
        var (text, contentType) = run.Render(wanted);
        return TypedResults.Text(text, contentType, Encoding.UTF8);
    }

    private static int? ParsePaths(string? text) => text is null ? null
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= 1 ? v
        : throw new RequestValidationException("paths", $"paths '{text}' must be a whole number from 1");

    private static ulong? ParseSeed(string? text) => text is null ? null
        : ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v
        : throw new RequestValidationException("seed", $"seed '{text}' must be a whole number from 0 to 18446744073709551615");
}

/// <summary>The bundled scenarios and this server's per-request caps.</summary>
/// <param name="MaxCost">Each role's cap on paths × horizon days × policies a request (docs/web.md, "Simulation").</param>
public sealed record SimulationScenariosDocument(string EngineVersion, string RuleSetVersion, string Notice, int MaxPaths, int MaxHorizonDays, IReadOnlyList<BundledScenario> Scenarios, int MaxPolicies, IReadOnlyDictionary<string, long> MaxCost);

/// <summary>The flow model's parameters, calibrated.</summary>
public sealed record SimulationParametersDocument(string EngineVersion, string RuleSetVersion, IReadOnlyList<SimulationParameterDto> Parameters);

/// <summary>One parameter as scenario files name it, with its ranges, mark ([V], [V-off], [S], [U]) and source.</summary>
public sealed record SimulationParameterDto(string Name, string Unit, double Default, double Minimum, double Maximum, double PlausibleLow, double PlausibleHigh, string Mark, string Source)
{
    public static SimulationParameterDto From(ModelParameter p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return new(p.Name, p.Unit, p.Default, p.Minimum, p.Maximum, p.PlausibleLow, p.PlausibleHigh, p.MarkText, p.Source);
    }
}
