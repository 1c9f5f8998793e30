using System.Globalization;

namespace Threshold.Simulation;

/// <summary>One cell of the sensitivity table: how far one parameter, swung over its plausible range, moves one output of one policy.</summary>
/// <param name="Rank">1 for the parameter that moves this output most.</param>
/// <param name="Swing">|mean at high − mean at low| over the same paths (common random numbers), in the output's unit.</param>
public sealed record SensitivityRow(string Policy, string Output, int Rank, string Parameter, string Mark, double Low, double High, double P50AtLow, double P50AtHigh, double MeanAtLow, double MeanAtHigh, double Swing);

/// <summary>The sensitivity table of a scenario (one-at-a-time swings, a tornado table).</summary>
public sealed record SensitivityTable(string Method, int Paths, IReadOnlyList<SensitivityRow> Rows);

/// <summary>
/// One-at-a-time sensitivity: each parameter is fixed at the low and then the high end of its plausible range
/// (<see cref="ModelParameter.PlausibleLow"/>, <see cref="ModelParameter.PlausibleHigh"/>) while the others keep the
/// scenario's settings, on the same random futures (same seed and paths). Parameters are ranked per output by the
/// change in the mean; the medians at both ends are given too.
/// </summary>
public static class Sensitivity
{
    public static SensitivityTable Run(Scenario scenario, SimulationInputs inputs, int? threads = null, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var spec = scenario.Sensitivity ?? new SensitivitySpec(200, ModelParameters.Catalogue.Select(p => p.Name).ToArray());
        var prepared = MonteCarlo.Prepare(scenario with { Paths = spec.Paths }, inputs);
        var catalogue = prepared.Catalogue;
        var swings = new List<(ModelParameter Parameter, SimulationResult Low, SimulationResult High)>();
        var done = 0;
        // Two runs a parameter in one process: the kernel is chosen for all of their paths together.
        var kernel = SimulationOptions.KernelFor(2L * spec.Parameters.Count * spec.Paths);
        foreach (var name in spec.Parameters)
        {
            var p = catalogue.First(c => c.Name == name);
            SimulationResult At(double value) => MonteCarlo.Run(
                prepared,
                new SimulationOptions { Threads = threads, Bands = false, Fixed = new Dictionary<string, double> { [name] = value }, Kernel = kernel },
                null,
                cancellationToken);
            var low = At(p.PlausibleLow);
            var high = At(p.PlausibleHigh);
            swings.Add((p, low, high));
            progress?.Report(++done);
        }

        var rows = new List<SensitivityRow>();
        foreach (var policy in scenario.Policies)
        {
            foreach (var output in MonteCarlo.Outputs)
            {
                var cells = swings.Select(s =>
                {
                    var lo = s.Low.Policy(policy.Label).Output(output.Key).Band;
                    var hi = s.High.Policy(policy.Label).Output(output.Key).Band;
                    return (s.Parameter, lo, hi, Swing: Math.Abs(hi.Mean - lo.Mean));
                }).OrderByDescending(c => c.Swing).ThenBy(c => c.Parameter.Name, StringComparer.Ordinal).ToArray();
                for (var i = 0; i < cells.Length; i++)
                {
                    var c = cells[i];
                    rows.Add(new SensitivityRow(policy.Label, output.Key, i + 1, c.Parameter.Name, c.Parameter.MarkText, c.Parameter.PlausibleLow, c.Parameter.PlausibleHigh, c.lo.P50, c.hi.P50, c.lo.Mean, c.hi.Mean, c.Swing));
                }
            }
        }

        var method = string.Create(CultureInfo.InvariantCulture, $"one-at-a-time: each parameter at the low and high end of its plausible range, the others as in the scenario; {spec.Paths} paths each with seed {scenario.Seed} (common random numbers); ranked by |change in mean|");
        return new SensitivityTable(method, spec.Paths, rows);
    }
}
