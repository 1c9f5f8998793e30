using System.Globalization;
using NodaTime;

namespace Threshold.Simulation;

/// <summary>A sweep that cannot run as asked: the message says what is wrong with which part (the caller names the option or field).</summary>
public sealed class SweepSpecException : Exception
{
    public SweepSpecException()
    {
    }

    public SweepSpecException(string message)
        : base(message)
    {
    }

    public SweepSpecException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// One axis of a sweep: <see cref="Parameter"/> at <see cref="Steps"/> evenly spaced values from <see cref="Low"/> to
/// <see cref="High"/>, both ends included. Written <c>PARAM=LOW..HIGH:N</c> (<see cref="Parse"/>).
/// </summary>
public sealed record SweepAxis(ModelParameter Parameter, double Low, double High, int Steps)
{
    /// <summary>The values of the axis, from <see cref="Low"/> to <see cref="High"/>; the last is exactly <see cref="High"/>.</summary>
    public IReadOnlyList<double> Values { get; } =
        [.. Enumerable.Range(0, Steps).Select(i => i == Steps - 1 ? High : Low + ((High - Low) * i / (Steps - 1)))];

    /// <summary>The axis as it is written, e.g. <c>deterrence.effect=0.2..0.6:5</c>.</summary>
    public override string ToString() => $"{Parameter.Name}={ModelParameter.Format(Low)}..{ModelParameter.Format(High)}:{Steps.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// Reads <c>PARAM=LOW..HIGH:N</c>: PARAM a parameter of the flow model (a key under <c>parameters:</c> in a scenario),
    /// LOW &lt; HIGH both inside the parameter's allowed range, N from 2 to <see cref="SweepSpec.MaxCells"/>.
    /// </summary>
    /// <exception cref="SweepSpecException">The text is not of that form, or names or asks for something the model does not allow.</exception>
    public static SweepAxis Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        var dots = equals < 0 ? -1 : text.IndexOf("..", equals + 1, StringComparison.Ordinal);
        var colon = dots < 0 ? -1 : text.IndexOf(':', dots + 2);
        if (equals <= 0 || dots < 0 || colon < 0)
        {
            throw new SweepSpecException("must be PARAM=LOW..HIGH:N, e.g. deterrence.effect=0.2..0.6:5");
        }

        var name = text[..equals].Trim();
        if (!ModelParameters.TryGet(name, out var parameter))
        {
            throw new SweepSpecException($"'{name}' is not a parameter of the flow model; parameters: {string.Join(", ", ModelParameters.Catalogue.Select(p => p.Name))}");
        }

        var low = Number(text[(equals + 1)..dots], "LOW");
        var high = Number(text[(dots + 2)..colon], "HIGH");
        var stepsText = text[(colon + 1)..].Trim();
        if (!int.TryParse(stepsText, NumberStyles.None, CultureInfo.InvariantCulture, out var steps) || steps < 2 || steps > SweepSpec.MaxCells)
        {
            throw new SweepSpecException($"N '{stepsText}' must be a whole number of steps from 2 to {SweepSpec.MaxCells}");
        }

        if (!(low < high))
        {
            throw new SweepSpecException($"LOW {ModelParameter.Format(low)} must be less than HIGH {ModelParameter.Format(high)}");
        }

        foreach (var end in new[] { low, high })
        {
            if (!parameter.Allows(end))
            {
                throw new SweepSpecException($"{ModelParameter.Format(end)} is outside the allowed range: {parameter.RangeRule}");
            }
        }

        return new SweepAxis(parameter, low, high, steps);
    }

    private static double Number(string text, string part) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw new SweepSpecException($"{part} '{text.Trim()}' is not a number");
}

/// <summary>
/// A grid of one or two <see cref="Axes"/> (the first varies fastest along a row of the table), and the output its
/// charts show. At most <see cref="MaxCells"/> cells.
/// </summary>
public sealed record SweepSpec
{
    /// <summary>Most cells a sweep may have (20 × 20).</summary>
    public const int MaxCells = 400;

    /// <summary>Most axes: a table and a heat map have two dimensions.</summary>
    public const int MaxAxes = 2;

    /// <summary>The output the charts show when the caller names none: the days the suspension applied.</summary>
    public const string DefaultOutput = "days_active";

    /// <summary>A grid of <paramref name="axes"/> charting <paramref name="output"/>.</summary>
    /// <exception cref="SweepSpecException">No axis, more than two, one parameter twice, more than <see cref="MaxCells"/> cells, or an unknown output.</exception>
    public SweepSpec(IReadOnlyList<SweepAxis> axes, string? output = null)
    {
        ArgumentNullException.ThrowIfNull(axes);
        if (axes.Count is < 1 or > MaxAxes)
        {
            throw new SweepSpecException($"a sweep has 1 or 2 parameters; {axes.Count} given");
        }

        if (axes.Count == 2 && axes[0].Parameter.Name == axes[1].Parameter.Name)
        {
            throw new SweepSpecException($"{axes[0].Parameter.Name} is swept twice; sweep two different parameters");
        }

        var cells = axes.Aggregate(1L, (n, a) => n * a.Steps);
        if (cells > MaxCells)
        {
            throw new SweepSpecException($"{string.Join(" × ", axes.Select(a => a.Steps))} = {cells:N0} cells; a sweep has at most {MaxCells}");
        }

        Output = output ?? DefaultOutput;
        if (!OutputKeys.Contains(Output, StringComparer.Ordinal))
        {
            throw new SweepSpecException($"'{Output}' is not an output of the simulator; outputs: {string.Join(", ", OutputKeys)}");
        }

        Axes = axes;
        Cells = (int)cells;
    }

    /// <summary>Every output a sweep reports, in the order of <c>result.json</c>.</summary>
    public static IReadOnlyList<string> OutputKeys { get; } = [.. MonteCarlo.Outputs.Select(o => o.Key)];

    public IReadOnlyList<SweepAxis> Axes { get; }

    /// <summary>The output the charts show.</summary>
    public string Output { get; }

    public int Cells { get; }

    /// <summary>The parameter values of cell <paramref name="index"/>, one per axis; the first axis varies fastest.</summary>
    public IReadOnlyList<double> ValuesOf(int index)
    {
        var values = new double[Axes.Count];
        for (var a = 0; a < Axes.Count; a++)
        {
            values[a] = Axes[a].Values[index % Axes[a].Steps];
            index /= Axes[a].Steps;
        }

        return values;
    }
}

/// <summary>One cell of a sweep: its parameter values (one per axis) and every output's band under each policy.</summary>
/// <param name="Policies">In the scenario's order; each output in <see cref="SweepSpec.OutputKeys"/> order.</param>
public sealed record SweepCell(int Index, IReadOnlyList<double> Values, IReadOnlyList<IReadOnlyList<OutputBand>> Policies);

/// <summary>
/// The result of a sweep: one run of the scenario per cell, every cell on the same random futures (seed and paths), so
/// the differences between cells are the swept parameters' effect. MODELED, as every simulator result.
/// </summary>
public sealed record SweepResult(
    string ScenarioName,
    string ScenarioDescription,
    string ScenarioSource,
    ulong Seed,
    int Paths,
    LocalDate Start,
    LocalDate End,
    SweepSpec Spec,
    IReadOnlyList<string> Policies,
    IReadOnlyList<ParameterUse> Parameters,
    IReadOnlyList<SweepCell> Cells)
{
    /// <summary>The band of <paramref name="output"/> under policy number <paramref name="policy"/> in each cell, in cell order.</summary>
    public IReadOnlyList<Band> Bands(int policy, string output)
    {
        var k = SweepSpec.OutputKeys.ToList().IndexOf(output);
        return k < 0 ? throw new ArgumentException($"'{output}' is not an output", nameof(output)) : [.. Cells.Select(c => c.Policies[policy][k].Band)];
    }
}

/// <summary>
/// Parameter sweeps: the scenario is run once per cell of a grid of one or two parameters, the swept parameters fixed at
/// the cell's values and everything else as the scenario says, on common random numbers (each cell draws the same
/// paths from the same seed), so a cell equals a plain run of the scenario with those values set (docs/simulation.md,
/// "Sweeps"). Cells run one after the other, each on every worker thread.
/// </summary>
public static class Sweep
{
    /// <summary>Runs <paramref name="spec"/> over <paramref name="scenario"/>; <paramref name="progress"/> receives the paths finished over all cells (cells × paths in all).</summary>
    public static SweepResult Run(Scenario scenario, SimulationInputs inputs, SweepSpec spec, int? threads = null, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(spec);
        if ((long)spec.Cells * scenario.Paths > int.MaxValue)
        {
            throw new SweepSpecException($"{spec.Cells:N0} cells × {scenario.Paths:N0} paths is too many paths for one sweep");
        }

        // The anchored level reads Mexico's enforcement and the deterrence when it is prepared; sweeping either of those
        // under a level prepares each cell afresh, so a cell is exactly the plain run with its values.
        var names = spec.Axes.Select(a => a.Parameter.Name).ToArray();
        var perCell = scenario.Level is not null && names.Any(n => n is ModelParameters.MexicoEnforcement or ModelParameters.DeterrenceEffect);
        var shared = perCell ? null : MonteCarlo.Prepare(scenario, inputs);
        MonteCarlo.Prepared? first = null;
        // The cells run in one process, so the kernel is chosen for all of their paths together.
        var kernel = SimulationOptions.KernelFor((long)spec.Cells * scenario.Paths);
        var cells = new SweepCell[spec.Cells];
        IReadOnlyList<ParameterUse>? parameters = null;
        for (var c = 0; c < spec.Cells; c++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var values = spec.ValuesOf(c);
            var fixedValues = names.Zip(values).ToDictionary(x => x.First, x => x.Second, StringComparer.Ordinal);
            // Only the level moves with those two; the compiled policies and screening tables are the first cell's.
            var prepared = shared ?? MonteCarlo.Prepare(WithSettings(scenario, spec, values), inputs, first);
            first ??= prepared;
            var offset = c * scenario.Paths;
            var cellProgress = progress is null ? null : new Offset(progress, offset);
            var result = MonteCarlo.Run(prepared, new SimulationOptions { Threads = threads, Bands = false, Fixed = fixedValues, Kernel = kernel }, cellProgress, cancellationToken);
            cells[c] = new SweepCell(c, values, [.. result.Policies.Select(p => (IReadOnlyList<OutputBand>)[.. SweepSpec.OutputKeys.Select(p.Output)])]);
            parameters ??= [.. result.Parameters.Select(u => names.Contains(u.Name, StringComparer.Ordinal) ? Swept(u, spec) : u)];
            progress?.Report(offset + scenario.Paths);
        }

        return new SweepResult(
            scenario.Name,
            scenario.Description,
            scenario.SourceName,
            scenario.Seed,
            scenario.Paths,
            scenario.Start,
            scenario.End,
            spec,
            [.. scenario.Policies.Select(p => p.Label)],
            parameters ?? [],
            cells);
    }

    /// <summary>The scenario with the swept parameters set to <paramref name="values"/>, as a scenario file would set them.</summary>
    public static Scenario WithSettings(Scenario scenario, SweepSpec spec, IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(values);
        var settings = new Dictionary<string, ParameterSetting>(scenario.Settings, StringComparer.Ordinal);
        for (var a = 0; a < spec.Axes.Count; a++)
        {
            settings[spec.Axes[a].Parameter.Name] = ParameterSetting.Fixed(spec.Axes[a].Parameter, values[a], "sweep");
        }

        return scenario with { Settings = settings };
    }

    /// <summary>A swept parameter as the outputs list it: its range over the grid, set by the sweep.</summary>
    private static ParameterUse Swept(ParameterUse use, SweepSpec spec)
    {
        var axis = spec.Axes.First(a => a.Parameter.Name == use.Name);
        return use with { Low = axis.Low, High = axis.High, Origin = $"swept: {axis.Steps} values from {ModelParameter.Format(axis.Low)} to {ModelParameter.Format(axis.High)}" };
    }

    /// <summary>A cell's progress (paths finished in it) as progress over the whole sweep.</summary>
    private sealed class Offset(IProgress<int> inner, int offset) : IProgress<int>
    {
        public void Report(int value) => inner.Report(offset + value);
    }
}
