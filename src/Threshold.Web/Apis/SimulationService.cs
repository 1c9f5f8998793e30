using System.Collections.Concurrent;
using NodaTime;
using Threshold.Simulation;
using Threshold.Web.Hosting;
using Threshold.Law;
using Threshold.Record;
using Threshold.Web.Security;
using YamlDotNet.RepresentationModel;

namespace Threshold.Web.Apis;

/// <summary>A scenario bundled in <c>scenarios/</c>, as listed to clients.</summary>
public sealed record BundledScenario(string Name, string Description, int Paths, string Start, string End, IReadOnlyList<string> Policies);

/// <summary>
/// A finished simulation: the result and, when asked for, the sensitivity table. Every text form of it is MODELED
/// (the simulator's own <see cref="ResultFormats"/> writes them, byte for byte as the CLI's files).
/// </summary>
public sealed record SimulationRun(SimulationResult Result, SensitivityTable? Sensitivity)
{
    /// <summary>The formats a run can be fetched in, named as the files <c>./threshold simulate</c> writes.</summary>
    public static IReadOnlyList<string> Formats { get; } = ["result.json", "summary.csv", "daily-average-bands.csv", "mexico-returns-monthly.csv", "parameters.csv", "sensitivity.csv"];

    /// <summary>Refuses, naming the field, a format that does not exist or that the run will not have.</summary>
    public static void CheckFormat(string format, bool sensitivity)
    {
        if (!Formats.Contains(format, StringComparer.Ordinal))
        {
            throw new RequestValidationException("format", $"unknown format '{format}'; formats: {string.Join(", ", Formats)}");
        }

        if (format == "sensitivity.csv" && !sensitivity)
        {
            throw new RequestValidationException("format", "sensitivity.csv needs sensitivity=true (the table reruns the scenario twice per parameter)");
        }
    }

    /// <summary>The text of one format, and its media type.</summary>
    public (string Text, string ContentType) Render(string format)
    {
        CheckFormat(format, Sensitivity is not null);
        return format switch
        {
            "summary.csv" => (ResultFormats.SummaryCsv(Result), "text/csv"),
            "daily-average-bands.csv" => (ResultFormats.DailyCsv(Result), "text/csv"),
            "mexico-returns-monthly.csv" => (ResultFormats.MonthlyReturnsCsv(Result), "text/csv"),
            "parameters.csv" => (ResultFormats.ParametersCsv(Result), "text/csv"),
            "sensitivity.csv" => (ResultFormats.SensitivityCsv(Result, Sensitivity!), "text/csv"),
            _ => (ResultFormats.Json(Result, Sensitivity), "application/json"),
        };
    }
}

/// <summary>
/// Runs the scenario simulator for the API and the dashboard with bounded work: scenarios come as YAML text or by the
/// name of a bundled one, never as a server file a client names; paths and horizon are capped by the settings; runs
/// take turns (the simulator already uses every core) and stop when the caller cancels.
/// </summary>
public sealed class SimulationService : IDisposable
{
    /// <summary>Name given to a scenario sent as text, in messages and in <c>result.json</c>.</summary>
    public const string UploadedSource = "scenario.yaml";

    /// <summary>Paths a sensitivity swing runs when the scenario does not say (as <see cref="Sensitivity.Run"/>).</summary>
    private const int DefaultSensitivityPaths = 200;

    private readonly ThresholdSettings settings;
    private readonly string? sourceDirectory;
    private readonly string? scenarioDirectory;
    private readonly ConcurrentDictionary<YearMonth, Lazy<SimulationInputs>> inputs = new();
    private readonly SemaphoreSlim turn = new(1, 1);
    private readonly Lazy<IReadOnlyList<ModelParameter>> calibrated;

    public SimulationService(ThresholdSettings settings, IWebHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(environment);
        this.settings = settings;
        sourceDirectory = settings.SimulationSourceDirectory ?? RepositoryFiles.Find("data/source", folder: true, environment.ContentRootPath);
        scenarioDirectory = RepositoryFiles.Find("scenarios", folder: true, environment.ContentRootPath);
        calibrated = new(() => Calibration.Load(SourceDirectory).CalibratedCatalogue());
    }

    /// <summary>The largest number of paths a request may run.</summary>
    public int MaxPaths => settings.SimulationMaxPaths;

    /// <summary>The longest horizon a request may run, in days.</summary>
    public int MaxHorizonDays => settings.SimulationMaxHorizonDays;

    /// <summary>The most policies a scenario may compare (<see cref="Scenario.MaxPolicies"/>; the reader refuses more).</summary>
    public static int MaxPolicies => Scenario.MaxPolicies;

    /// <summary>Each role's cap on the work of one request, as paths × horizon days × policies (<see cref="Cost"/>).</summary>
    public IReadOnlyDictionary<string, long> MaxCostByRole => new Dictionary<string, long>(StringComparer.Ordinal)
    {
        [Roles.Analyst] = settings.SimulationMaxCostAnalyst,
        [Roles.Operator] = settings.SimulationMaxCostOperator,
        [Roles.Admin] = settings.SimulationMaxCostAdmin,
    };

    /// <summary>The cap on one request's <see cref="Cost"/> for <paramref name="role"/> (viewers cannot simulate; they get the analyst's).</summary>
    public long MaxCost(ApiRole role) => role switch
    {
        ApiRole.Admin => settings.SimulationMaxCostAdmin,
        ApiRole.Operator => settings.SimulationMaxCostOperator,
        _ => settings.SimulationMaxCostAnalyst,
    };

    /// <summary>
    /// The work a run asks for: paths × horizon days × policies, where the paths include the sensitivity table's
    /// (two runs of its paths per parameter swung). Memory and time both grow with it.
    /// </summary>
    public static long Cost(Scenario scenario, bool sensitivity)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        long paths = scenario.Paths;
        if (sensitivity)
        {
            var spec = scenario.Sensitivity;
            paths += 2L * (spec?.Parameters.Count ?? ModelParameters.Catalogue.Count) * (spec?.Paths ?? DefaultSensitivityPaths);
        }

        return paths * scenario.HorizonDays * scenario.Policies.Count;
    }

    /// <summary>Every model parameter with its calibrated default, ranges, mark and source.</summary>
    public IReadOnlyList<ModelParameter> Parameters => calibrated.Value;

    private string SourceDirectory => sourceDirectory ?? throw new InvalidOperationException("data/source (the real monthly data the simulator is calibrated to) was not found; set Threshold:SimulationSourceDirectory");

    /// <summary>The scenarios bundled in <c>scenarios/</c>.</summary>
    public IReadOnlyList<BundledScenario> Bundled() => [.. BundledNames().Select(name =>
    {
        var s = BundledScenario(name);
        return new BundledScenario(name, s.Description, s.Paths, Threshold.Engine.ReplayReport.Iso(s.Start), Threshold.Engine.ReplayReport.Iso(s.End), [.. s.Policies.Select(p => p.Label)]);
    })];

    /// <summary>A bundled scenario by name (a file of <c>scenarios/</c> without <c>.yaml</c>).</summary>
    public Scenario BundledScenario(string name)
    {
        if (!BundledNames().Contains(name, StringComparer.Ordinal))
        {
            throw new RequestValidationException("scenario", $"no bundled scenario '{name}'; bundled: {string.Join(", ", BundledNames())}");
        }

        return ScenarioYamlReader.ReadFile(Path.Combine(scenarioDirectory!, name + ".yaml"));
    }

    /// <summary>
    /// Reads a scenario sent as text. A <c>file:</c> policy is refused before the reader sees it: a server never reads
    /// a file a client names (reforms go through <c>id</c> with <c>set</c>, <c>court_orders</c> and <c>in_force</c>).
    /// </summary>
    public static Scenario FromYaml(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        if (yaml.Length <= ScenarioYamlReader.MaxBytes && FilePolicyLine(yaml) is { } line)
        {
            throw new ScenarioFileException(UploadedSource, line, "a scenario sent to the server cannot name a policy file; use 'id' (a built-in) with 'set', 'court_orders' or 'in_force' for a reform", "policies.file");
        }

        // No folder: with file policies refused, nothing is resolved against it.
        return ScenarioYamlReader.Read(yaml, UploadedSource, baseDirectory: string.Empty);
    }

    /// <summary>Applies the request's overrides and checks the work is within the server's caps, naming the field that is not.</summary>
    /// <param name="role">The caller's role, whose cost cap applies (<see cref="MaxCost"/>).</param>
    public Scenario Bounded(Scenario scenario, int? paths, ulong? seed, bool sensitivity, ApiRole role = ApiRole.Analyst)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        if (paths is < 1)
        {
            throw new RequestValidationException("paths", "paths must be at least 1");
        }

        var run = scenario.WithRun(paths, seed);
        if (run.Paths > MaxPaths)
        {
            throw new RequestValidationException("paths", $"{run.Paths:N0} paths asked for{(paths is null ? " by the scenario" : string.Empty)}; this server runs at most {MaxPaths:N0} a request (./threshold simulate has no such cap)");
        }

        if (run.HorizonDays > MaxHorizonDays)
        {
            throw new RequestValidationException("horizon", $"the horizon is {run.HorizonDays:N0} days; this server runs at most {MaxHorizonDays:N0} a request (./threshold simulate has no such cap)");
        }

        if (sensitivity && run.Sensitivity is { } spec && spec.Paths > settings.SimulationMaxSensitivityPaths)
        {
            throw new RequestValidationException("sensitivity.paths", $"{spec.Paths:N0} paths a swing; this server runs at most {settings.SimulationMaxSensitivityPaths:N0}");
        }

        if (run.Policies.Count > MaxPolicies)
        {
            // The reader already refuses more; a scenario built in code is held to the same bound.
            throw new RequestValidationException("policies", $"{run.Policies.Count} policies; a scenario may compare at most {MaxPolicies}");
        }

        var cost = Cost(run, sensitivity);
        if (cost > MaxCost(role))
        {
            throw new RequestValidationException("cost", $"this run costs {cost:N0} ({cost / run.HorizonDays / run.Policies.Count:N0} paths{(sensitivity ? " with the sensitivity table's" : string.Empty)} × {run.HorizonDays:N0} days × {run.Policies.Count} policies); the {ApiKeyRecord.RoleName(role)} role may run at most {MaxCost(role):N0} a request: ask for fewer paths, a shorter horizon or fewer policies");
        }

        return run;
    }

    /// <summary>
    /// Runs <paramref name="scenario"/> (already <see cref="Bounded"/>) off the request thread, after any run already
    /// going; <paramref name="progress"/> receives the paths finished. Cancelling stops the wait or the run.
    /// </summary>
    public async Task<SimulationRun> RunAsync(Scenario scenario, bool sensitivity, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var data = Inputs(scenario.MixMonth);
        await turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(
                () =>
                {
                    var result = MonteCarlo.Run(scenario, data, new SimulationOptions(), progress, cancellationToken);
                    var table = sensitivity ? Sensitivity.Run(scenario, data, cancellationToken: cancellationToken) : null;
                    return new SimulationRun(result, table);
                },
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            turn.Release();
        }
    }

    /// <summary>
    /// How many times a role's per-request cost cap (<see cref="MaxCost"/>) one sweep may cost in all: a sweep's cells
    /// are the point of it, but it must still end in minutes on a shared server.
    /// </summary>
    public const int SweepCostMultiple = 10;

    /// <summary>The sweeps started through the API, readable by their owner until an hour after they end.</summary>
    public SimulationSweeps Sweeps { get; } = new();

    /// <summary>
    /// Applies the request's overrides to a sweep's scenario and checks each cell is within the server's caps (as
    /// <see cref="Bounded"/>) and the whole grid within <see cref="SweepCostMultiple"/> times the role's cap.
    /// </summary>
    public Scenario BoundedSweep(Scenario scenario, int? paths, ulong? seed, SweepSpec spec, ApiRole role = ApiRole.Analyst)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var run = Bounded(scenario, paths, seed, sensitivity: false, role);
        var cost = Cost(run, sensitivity: false) * spec.Cells;
        var cap = MaxCost(role) * SweepCostMultiple;
        if (cost > cap)
        {
            throw new RequestValidationException("cost", $"this sweep costs {cost:N0} ({spec.Cells:N0} cells × {run.Paths:N0} paths × {run.HorizonDays:N0} days × {run.Policies.Count} policies); the {ApiKeyRecord.RoleName(role)} role may run at most {cap:N0} a sweep ({SweepCostMultiple} × its per-request cap): ask for fewer cells, paths or days");
        }

        return run;
    }

    /// <summary>
    /// Runs a sweep of <paramref name="scenario"/> (already <see cref="BoundedSweep"/>) off the request thread, after any
    /// run already going; <paramref name="progress"/> receives the paths finished over all cells. Cancelling stops it.
    /// </summary>
    public async Task<SweepResult> SweepAsync(Scenario scenario, SweepSpec spec, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var data = Inputs(scenario.MixMonth);
        await turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(() => Sweep.Run(scenario, data, spec, progress: progress, cancellationToken: cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            turn.Release();
        }
    }

    public void Dispose()
    {
        Sweeps.Dispose();
        turn.Dispose();
    }

    /// <summary>The calibration and mix, loaded once per mix month (they read the real monthly files, or the simulator's cache of them).</summary>
    private SimulationInputs Inputs(YearMonth mixMonth) =>
        inputs.GetOrAdd(mixMonth, m => new Lazy<SimulationInputs>(() => SimulationInputs.LoadCached(SourceDirectory, m))).Value;

    private IEnumerable<string> BundledNames() => scenarioDirectory is null ? []
        : Directory.EnumerateFiles(scenarioDirectory, "*.yaml").Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal);

    /// <summary>
    /// The line of the first <c>file:</c> key among the policies, if any. The text is loaded by the strict reader, so
    /// malformed or hostile YAML (aliases, control characters, too many nodes) is the same located error it always is.
    /// </summary>
    private static long? FilePolicyLine(string yaml)
    {
        var root = StrictYamlReader.LoadRoot(yaml, UploadedSource, ScenarioYamlReader.MaxBytes, "scenario", (line, problem) => new ScenarioFileException(UploadedSource, line, problem));
        if (!root.Children.TryGetValue(new YamlScalarNode("policies"), out var policies)
            || policies is not YamlSequenceNode list)
        {
            return null;
        }

        return list.Children.OfType<YamlMappingNode>()
            .SelectMany(p => p.Children.Keys.OfType<YamlScalarNode>())
            .Where(k => k.Value == "file")
            .Select(k => (long?)k.Start.Line)
            .FirstOrDefault();
    }
}
