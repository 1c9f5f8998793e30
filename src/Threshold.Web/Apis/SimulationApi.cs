using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
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
        api.MapPost("/sweeps", StartSweep).RequireAuthorization(Roles.Analyst).Accepts<string>("application/yaml", "text/yaml", "application/x-yaml")
            .Produces<SweepJobDocument>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithName("StartSweep")
            .WithSummary("Start a parameter sweep of a scenario (YAML body, or scenario=NAME): sweep=PARAM=LOW..HIGH:N once or twice, every cell on the same paths and seed (common random numbers). Answers 202 with the job to poll. MODELED.")
            .WithDescription("Runs in the background as a heavy job of the simulation lane; GET the job's status for progress, its result for sweep.json or sweep.csv, DELETE it to cancel. At most 400 cells; each cell is capped as a simulation request (paths, horizon, policies) and the whole sweep at 10 times the role's per-request cost cap (a 400 names the field). output= names the output the charts show (default days_active).");
        api.MapGet("/sweeps/{id}", SweepStatus).RequireAuthorization(Roles.Analyst)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("SweepStatus").WithSummary("A sweep you started: its state (queued, running, finished, failed, cancelled) and progress in paths over all cells.");
        api.MapGet("/sweeps/{id}/result", SweepResultText).RequireAuthorization(Roles.Analyst)
            .Produces<string>(StatusCodes.Status200OK, "application/json", "text/csv", "image/png", "image/svg+xml")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithName("SweepResult").WithSummary("A finished sweep's table: format=sweep.json (default) or sweep.csv, or one of its charts (format=sweep-OUTPUT-POLICY.png or .svg, listed in the sweep's charts), as ./threshold simulate --sweep writes them. MODELED. 409 until it has finished.");
        api.MapDelete("/sweeps/{id}", CancelSweep).RequireAuthorization(Roles.Analyst)
            .Produces<SweepJobDocument>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("CancelSweep").WithSummary("Cancel a sweep you started: a queued one leaves the queue, a running one stops after its current chunk of paths.");
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
        var read = await ReadScenarioAsync(scenario, request, simulations, cancellationToken).ConfigureAwait(false);
        ArgumentNullException.ThrowIfNull(request);
        var role = Roles.HighestRole(request.HttpContext.User) ?? Threshold.Record.ApiRole.Analyst;
        var bounded = simulations.Bounded(read, ParsePaths(paths), ParseSeed(seed), sensitivity == true, role);
        var run = await simulations.RunAsync(bounded, sensitivity == true, progress: null, cancellationToken).ConfigureAwait(false);
        var (text, contentType) = run.Render(wanted);
        return TypedResults.Text(text, contentType, Encoding.UTF8);
    }

    /// <summary>The bundled scenario named, else the YAML of the body.</summary>
    private static async Task<Scenario> ReadScenarioAsync(string? scenario, HttpRequest request, SimulationService simulations, CancellationToken cancellationToken)
    {
        if (scenario is not null)
        {
            return simulations.BundledScenario(scenario);
        }

        var yaml = await ThresholdWebApp.ReadBodyTextAsync(request, ScenarioYamlReader.MaxBytes, cancellationToken).ConfigureAwait(false);
        return string.IsNullOrWhiteSpace(yaml)
            ? throw new RequestValidationException("body", "send a scenario as YAML in the body (docs/simulation.md), or name a bundled one with scenario=")
            : SimulationService.FromYaml(yaml);
    }

    // Checks the grid and the caps on the request thread; the sweep itself runs as a background job.
    public static async Task<Results<Accepted<SweepJobDocument>, EmptyHttpResult>> StartSweep(
        string? scenario, [FromQuery] string[]? sweep, string? output, string? paths, string? seed,
        HttpRequest request, SimulationService simulations, HeavyJobs heavy, IClock clock, ILoggerFactory logs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(simulations);
        ArgumentNullException.ThrowIfNull(logs);
        // Each field is checked before the next, so a bad one is the one the 400 names.
        var (pathCount, seedValue) = (ParsePaths(paths), ParseSeed(seed));
        if (output is not null && !SweepSpec.OutputKeys.Contains(output, StringComparer.Ordinal))
        {
            throw new RequestValidationException("output", $"output '{ProblemMapping.Quoted(output)}' is not an output of the simulator; outputs: {string.Join(", ", SweepSpec.OutputKeys)}");
        }

        var read = await ReadScenarioAsync(scenario, request, simulations, cancellationToken).ConfigureAwait(false);
        var spec = ParseSweep(sweep, output);
        var role = Roles.HighestRole(request.HttpContext.User) ?? Threshold.Record.ApiRole.Analyst;
        var bounded = simulations.BoundedSweep(read, pathCount, seedValue, spec, role);
        var job = simulations.Sweeps.Start(
            ThresholdWebApp.ClientIdentity(request.HttpContext),
            bounded,
            spec,
            heavy,
            clock,
            j => simulations.SweepAsync(j.Scenario, j.Spec, j.Progress, j.Token),
            logs.CreateLogger<SimulationSweeps>());
        if (job is null)
        {
            await HeavyJobs.RefuseAsync(request.HttpContext, HeavyLane.Simulation).ConfigureAwait(false);
            return TypedResults.Empty;
        }

        var document = SweepJobDocument.From(job);
        return TypedResults.Accepted(document.Status, document);
    }

    public static Results<Ok<SweepJobDocument>, ProblemHttpResult> SweepStatus(string id, HttpContext context, SimulationService simulations) =>
        FindSweep(id, context, simulations) is { } job ? TypedResults.Ok(SweepJobDocument.From(job)) : NoSuchSweep(id);

    public static Results<ContentHttpResult, FileContentHttpResult, ProblemHttpResult> SweepResultText(string id, string? format, HttpContext context, SimulationService simulations)
    {
        var wanted = format ?? "sweep.json";
        var chart = IsChartName(wanted);
        if (!chart && !SweepFormats.Files.Contains(wanted, StringComparer.Ordinal))
        {
            throw new RequestValidationException("format", $"unknown format '{ProblemMapping.Quoted(wanted)}'; formats: {string.Join(", ", SweepFormats.Files)}, or a chart sweep-OUTPUT-POLICY.png or .svg (the sweep's charts list them)");
        }

        if (FindSweep(id, context, simulations) is not { } job)
        {
            return NoSuchSweep(id);
        }

        if (job.Result is not { } result)
        {
            return TypedResults.Problem(new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "The sweep has no result.",
                Detail = job.State is SweepJobState.Queued or SweepJobState.Running
                    ? $"the sweep is {Lower(job.State)} ({job.PathsDone:N0} of {job.PathsTotal:N0} paths); its result is readable once it has finished"
                    : $"the sweep {Lower(job.State)}{(job.Error is null ? string.Empty : ": " + job.Error)}; it has no result",
            });
        }

        if (chart)
        {
            // The chart the CLI writes under that name.
            var bytes = SweepCharts.File(result, wanted)
                ?? throw new RequestValidationException("format", $"this sweep has no chart '{ProblemMapping.Quoted(wanted)}'; its charts: {string.Join(", ", SweepCharts.Names(result))}");
            return TypedResults.File(bytes, wanted.EndsWith(".png", StringComparison.Ordinal) ? "image/png" : "image/svg+xml", wanted);
        }

        return wanted == "sweep.csv"
            ? TypedResults.Text(SweepFormats.Csv(result), "text/csv", Encoding.UTF8)
            : TypedResults.Text(SweepFormats.Json(result), "application/json", Encoding.UTF8);
    }

    /// <summary>Whether a format asks for one of a sweep's charts (<see cref="SweepCharts.Names"/>: sweep-OUTPUT-POLICY.png or .svg).</summary>
    private static bool IsChartName(string format) =>
        format.StartsWith("sweep-", StringComparison.Ordinal) && (format.EndsWith(".png", StringComparison.Ordinal) || format.EndsWith(".svg", StringComparison.Ordinal));

    public static Results<Accepted<SweepJobDocument>, ProblemHttpResult> CancelSweep(string id, HttpContext context, SimulationService simulations)
    {
        if (FindSweep(id, context, simulations) is not { } job)
        {
            return NoSuchSweep(id);
        }

        job.Cancel();
        var document = SweepJobDocument.From(job);
        return TypedResults.Accepted(document.Status, document);
    }

    /// <summary>The grid the request's sweep= and output= ask for; each bad part is named.</summary>
    internal static SweepSpec ParseSweep(IReadOnlyList<string>? sweep, string? output)
    {
        if (sweep is not { Count: > 0 })
        {
            throw new RequestValidationException("sweep", "give sweep=PARAM=LOW..HIGH:N once or twice, e.g. sweep=deterrence.effect=0.2..0.6:5 (GET /api/v1/simulation/parameters lists the parameters)");
        }

        var axes = sweep.Select(text =>
        {
            try
            {
                return SweepAxis.Parse(text);
            }
            catch (SweepSpecException e)
            {
                throw new RequestValidationException("sweep", $"sweep '{ProblemMapping.Quoted(text)}': {e.Message}");
            }
        }).ToArray();
        try
        {
            return new SweepSpec(axes, output);
        }
        catch (SweepSpecException e)
        {
            throw output is not null && e.Message.StartsWith($"'{output}'", StringComparison.Ordinal)
                ? new RequestValidationException("output", $"output {e.Message}")
                : new RequestValidationException("sweep", e.Message);
        }
    }

    private static SweepJob? FindSweep(string id, HttpContext context, SimulationService simulations)
    {
        ArgumentNullException.ThrowIfNull(simulations);
        return simulations.Sweeps.Find(id, ThresholdWebApp.ClientIdentity(context));
    }

    private static ProblemHttpResult NoSuchSweep(string id) => TypedResults.Problem(new ProblemDetails
    {
        Status = StatusCodes.Status404NotFound,
        Title = "No such sweep",
        Detail = $"no sweep you started has the id '{ProblemMapping.Quoted(RequestText.Checked("id", id)!)}'; a sweep is readable by the caller who started it until {SimulationSweeps.Kept.TotalMinutes:0} minutes after it ends",
    });

    private static string Lower(SweepJobState state) => state.ToString().ToLowerInvariant();

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

/// <summary>
/// A sweep job as the API shows it: its state and progress, the grid, and where to read it. The result it leads to is
/// MODELED (<see cref="Notice"/>).
/// </summary>
/// <param name="Sweep">The axes as written, PARAM=LOW..HIGH:N.</param>
/// <param name="Status">Where to poll this document.</param>
/// <param name="Result">Where to read sweep.json (format=sweep.csv for the table) once finished; null before.</param>
/// <param name="Charts">Once finished, where to read each policy's chart (PNG and SVG, as the CLI writes them); null before.</param>
public sealed record SweepJobDocument(
    string Id,
    string State,
    string Notice,
    string EngineVersion,
    string RuleSetVersion,
    string Scenario,
    IReadOnlyList<string> Sweep,
    string Output,
    int Cells,
    int PathsPerCell,
    long PathsDone,
    long PathsTotal,
    string? Error,
    string Status,
    string? Result,
    IReadOnlyList<string>? Charts = null)
{
    public static SweepJobDocument From(SweepJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var status = $"/api/v1/simulation/sweeps/{job.Id}";
        return new(
            job.Id,
            job.State.ToString().ToLowerInvariant(),
            SimulationResult.ModeledNotice,
            Threshold.Law.RuleSetVersion.EngineVersion,
            Threshold.Law.RuleSetVersion.Current,
            job.Scenario.Name,
            [.. job.Spec.Axes.Select(a => a.ToString())],
            job.Spec.Output,
            job.Spec.Cells,
            job.Scenario.Paths,
            job.PathsDone,
            job.PathsTotal,
            job.Error,
            status,
            job.Result is null ? null : status + "/result",
            job.Result is null ? null : [.. SweepCharts.Names(job.Result).Select(name => $"{status}/result?format={Uri.EscapeDataString(name)}")]);
    }
}
