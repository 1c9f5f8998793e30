using NodaTime;
using Threshold.Engine;
using Threshold.Law;

namespace Threshold.Simulation;

/// <summary>A bad scenario file: the message names the file, the line and the key at fault.</summary>
public sealed class ScenarioFileException : LocatedInputException
{
    public ScenarioFileException(string fileName, long line, string problem, string? key = null)
        : base(fileName, line, problem, key)
    {
    }

    public ScenarioFileException()
    {
    }

    public ScenarioFileException(string message)
        : base(message)
    {
    }

    public ScenarioFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// A policy to simulate: a built-in instrument, a policy file or a reform of either, with the overlays of the engine's
/// single what-if mechanism (<see cref="ReplayOptions"/>: in-force date, <c>set</c> overrides, court orders, dated
/// determinations). <see cref="Label"/> names it in every output.
/// </summary>
public sealed record ScenarioPolicy(string Label, PolicyDocument Policy, ReplayOptions Options)
{
    /// <summary>The compiled policy (the engine caches plain documents; reforms compile once per scenario).</summary>
    public CompiledPolicy Compile() => CompiledPolicy.Compile(Policy, Options);
}

/// <summary>
/// A parameter as a scenario sets it: a fixed value, or a range [<see cref="Low"/>, <see cref="High"/>] (inclusive) from
/// which each path draws uniformly, the same draw under every policy. <see cref="Origin"/> says how it was set.
/// </summary>
public sealed record ParameterSetting(ModelParameter Parameter, double Low, double High, string Origin)
{
    public bool IsRange => High > Low;

    public double Midpoint => (Low + High) / 2;

    public static ParameterSetting Fixed(ModelParameter parameter, double value, string origin) => new(parameter, value, value, origin);
}

/// <summary>What the sensitivity table swings: each parameter over its plausible range, with fewer paths.</summary>
/// <param name="Paths">Paths per swing (each parameter runs twice: at its low and at its high).</param>
/// <param name="Parameters">Names swung; every catalogue parameter when the scenario lists none.</param>
public sealed record SensitivitySpec(int Paths, IReadOnlyList<string> Parameters);

/// <summary>
/// A what-if, read from YAML (<see cref="ScenarioYamlReader"/>): the policies compared on the same random futures,
/// the parameters, the horizon <see cref="Start"/>..<see cref="End"/> (both inclusive, days), the number of paths and
/// the seed. Immutable; <see cref="WithRun"/> gives the copy the command line asks for.
/// </summary>
public sealed record Scenario(
    string Name,
    string Description,
    string SourceName,
    ulong Seed,
    int Paths,
    LocalDate Start,
    LocalDate End,
    YearMonth MixMonth,
    IReadOnlyList<ScenarioPolicy> Policies,
    IReadOnlyDictionary<string, ParameterSetting> Settings,
    SensitivitySpec? Sensitivity)
{
    /// <summary>Largest number of paths a scenario or --paths may ask for.</summary>
    public const int MaxPaths = 1_000_000;

    /// <summary>Longest horizon, in days (the Senate authority's sunset is 3 years; 10 is ample).</summary>
    public const int MaxHorizonDays = 3653;

    /// <summary>
    /// Most policies one scenario may compare. Each policy costs a replay per path and day, so the count multiplies the
    /// whole run; 1,000 policies in a 54 KB scenario ran a server out of memory. Eight is more than any comparison needs.
    /// </summary>
    public const int MaxPolicies = 8;

    /// <summary>Days simulated before <see cref="Start"/> so the first 7-day windows and the deterrence lag have data.</summary>
    public const int WarmUpDays = 42;

    /// <summary>Days from <see cref="Start"/> to <see cref="End"/> inclusive.</summary>
    public int HorizonDays => Period.DaysBetween(Start, End) + 1;

    /// <summary>The setting of <paramref name="name"/>: the scenario's, else the default from <paramref name="calibrated"/> (the calibrated catalogue).</summary>
    public ParameterSetting Setting(string name, IReadOnlyList<ModelParameter> calibrated)
    {
        if (Settings.TryGetValue(name, out var s))
        {
            return s;
        }

        var p = calibrated.First(c => c.Name == name);
        return ParameterSetting.Fixed(p, p.Default, "default");
    }

    public Scenario WithRun(int? paths, ulong? seed) => this with { Paths = paths ?? Paths, Seed = seed ?? Seed };

    /// <summary>
    /// Where the flows' level comes from: null for the fixed Q1 2024 level (<see cref="Calibration.NorthboundLevelPerDay"/>),
    /// or real months up to an anchor with a trend, dated shifts and a growing uncertainty (<see cref="LevelForecast"/>).
    /// </summary>
    public LevelSpec? Level { get; init; }
}

/// <summary>
/// A scenario's level (YAML <c>level:</c>): anchored on the real USBP southwest months ending <see cref="Anchor"/>,
/// with the dated <see cref="Shifts"/> after it. <see cref="SuspensionActive"/> says whether a suspension applied in
/// those months (then their counts already carry its deterrence).
/// </summary>
public sealed record LevelSpec(YearMonth Anchor, bool SuspensionActive, IReadOnlyList<LevelShift> Shifts)
{
    /// <summary>A rule imposed instead of the chosen one (<see cref="LevelForecast.Score"/>); null (always, from YAML) to choose it.</summary>
    public LevelRule? Rule { get; init; }
}
