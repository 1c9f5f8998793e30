namespace Threshold.Population;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014; the constants of
/// Vigna's reference C code <c>splitmix64.c</c>): a 64-bit state advanced by the golden-ratio increment and passed
/// through a bijective mixing function. It is pure integer arithmetic, so a seed gives the same numbers on every
/// machine, operating system and .NET version, unlike <see cref="Random"/> whose algorithms are not specified.
/// </summary>
internal struct SplitMix64
{
    /// <summary>The increment: 2^64 divided by the golden ratio, rounded to odd.</summary>
    public const ulong Gamma = 0x9E3779B97F4A7C15UL;

    /// <summary>2^53: uniform numbers are drawn as 53-bit integers so a probability p becomes the threshold round(p·2^53).</summary>
    public const ulong One53 = 1UL << 53;

    private ulong state;

    public SplitMix64(ulong state) => this.state = state;

    /// <summary>The bijective finaliser (Stafford's "Mix13" variant) used by SplitMix64.</summary>
    public static ulong Mix(ulong z)
    {
        unchecked
        {
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    public ulong Next()
    {
        unchecked
        {
            state += Gamma;
        }

        return Mix(state);
    }

    /// <summary>A uniform 53-bit integer in [0, 2^53).</summary>
    public ulong Next53() => Next() >> 11;

    /// <summary>A uniform integer in [0, n) by the multiply-high method (bias below n/2^64, under 2^-42 for any month).</summary>
    public ulong Below(ulong n) => Math.BigMul(Next(), n, out _);

    /// <summary>True with probability threshold/2^53 (see <see cref="Threshold53"/>).</summary>
    public bool Chance(ulong threshold53) => Next53() < threshold53;

    /// <summary>A probability in [0, 1] as a 53-bit threshold.</summary>
    public static ulong Threshold53(double p) =>
        p <= 0 ? 0 : p >= 1 ? One53 : (ulong)Math.Round(p * One53, MidpointRounding.ToEven);
}

/// <summary>A categorical distribution over 0..n-1 as cumulative 53-bit thresholds, scanned in order (order the categories by falling share for speed).</summary>
internal sealed class Categorical
{
    private readonly ulong[] cumulative;

    /// <param name="weights">Non-negative weights, at least one positive.</param>
    public Categorical(IReadOnlyList<double> weights)
    {
        var total = 0.0;
        foreach (var w in weights)
        {
            if (!(w >= 0) || double.IsInfinity(w))
            {
                throw new ArgumentException("weights must be finite and non-negative", nameof(weights));
            }

            total += w;
        }

        if (!(total > 0))
        {
            throw new ArgumentException("at least one weight must be positive", nameof(weights));
        }

        cumulative = new ulong[weights.Count];
        var running = 0.0;
        var last = weights.Count - 1;
        while (last > 0 && weights[last] == 0)
        {
            last--;
        }

        for (var i = 0; i < weights.Count; i++)
        {
            running += weights[i];
            cumulative[i] = i >= last ? SplitMix64.One53 : SplitMix64.Threshold53(running / total);
        }
    }

    public int Count => cumulative.Length;

    /// <summary>The category of a uniform 53-bit integer.</summary>
    public int Sample(ulong uniform53)
    {
        var c = cumulative;
        for (var i = 0; i < c.Length; i++)
        {
            if (uniform53 < c[i])
            {
                return i;
            }
        }

        return c.Length - 1;
    }
}
