using Threshold.Population;

namespace Threshold.Simulation;

/// <summary>
/// The random future of one path, shared by every policy (common random numbers): the parameter values drawn for it
/// (fixed settings are simply copied) and the daily log-noise of attempts, a stationary AR(1) process. Seeded from
/// (scenario seed, path index) alone, so a path is the same whichever thread runs it and however many paths run.
/// </summary>
internal sealed class PathDraw
{
    private PathDraw(int index, double[] values, double[] noise, double levelShock)
    {
        Index = index;
        Values = values;
        Noise = noise;
        LevelShock = levelShock;
    }

    public int Index { get; }

    /// <summary>Parameter values in <see cref="ModelParameters.Catalogue"/> order.</summary>
    public double[] Values { get; }

    /// <summary>x_t of log attempts for each simulated day, mean-corrected so E[exp(x_t)] = 1.</summary>
    public double[] Noise { get; }

    /// <summary>The path's standard normal draw of the level's uncertainty (<see cref="FlowLevel"/>); 0 when the scenario has none.</summary>
    public double LevelShock { get; }

    public double this[string name] => Values[ParameterIndex.Of(name)];

    /// <summary>Draws path <paramref name="index"/>: first every ranged parameter (catalogue order), then the noise, then (with <paramref name="levelShock"/>) the level's draw.</summary>
    /// <remarks>The level's draw comes last, so a scenario without one has exactly the paths it had before it existed.</remarks>
    public static PathDraw Create(ulong seed, int index, IReadOnlyList<ParameterSetting> settings, int days, double[]? reuse = null, bool levelShock = false)
    {
        var rng = new SplitMix64(SplitMix64.Mix(seed ^ SplitMix64.Mix((ulong)index + 1)));
        var values = new double[settings.Count];
        for (var i = 0; i < settings.Count; i++)
        {
            var s = settings[i];
            values[i] = s.IsRange ? s.Low + ((s.High - s.Low) * Uniform(ref rng)) : s.Low;
        }

        var phi = values[ParameterIndex.Of(ModelParameters.NoisePersistence)];
        var sd = values[ParameterIndex.Of(ModelParameters.NoiseSd)];
        var noise = reuse is { } r && r.Length == days ? r : new double[days];
        var innovation = sd * Math.Sqrt(1 - (phi * phi));
        var correction = sd * sd / 2;
        var normals = new GaussianPairs();
        var x = sd * normals.Next(ref rng);
        for (var t = 0; t < days; t++)
        {
            noise[t] = x - correction;
            x = (phi * x) + (innovation * normals.Next(ref rng));
        }

        return new PathDraw(index, values, noise, levelShock ? normals.Next(ref rng) : 0);
    }

    /// <summary>
    /// Standard normals by the Marsaglia polar method (exact, no tables), both of each pair used in turn: the first
    /// draw of a pair makes two independent normals, the second draw returns the one kept.
    /// </summary>
    private struct GaussianPairs
    {
        private double spare;
        private bool hasSpare;

        public double Next(ref SplitMix64 rng)
        {
            if (hasSpare)
            {
                hasSpare = false;
                return spare;
            }

            while (true)
            {
                var u = (2 * Uniform(ref rng)) - 1;
                var v = (2 * Uniform(ref rng)) - 1;
                var s = (u * u) + (v * v);
                if (s > 0 && s < 1)
                {
                    var scale = Math.Sqrt(-2 * Math.Log(s) / s);
                    (spare, hasSpare) = (v * scale, true);
                    return u * scale;
                }
            }
        }
    }

    /// <summary>A uniform number in [0, 1) with 53 random bits.</summary>
    private static double Uniform(ref SplitMix64 rng) => rng.Next53() * (1.0 / SplitMix64.One53);
}

/// <summary>Index of each parameter in <see cref="ModelParameters.Catalogue"/>.</summary>
internal static class ParameterIndex
{
    private static readonly Dictionary<string, int> Indexes = ModelParameters.Catalogue.Select((p, i) => (p.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);

    public static int Of(string name) => Indexes[name];
}
