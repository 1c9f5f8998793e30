namespace Threshold.Simulation;

/// <summary>
/// A streaming quantile estimator with bounded memory and exact, order-independent counts: values fall into fixed
/// logarithmic bins, so merging the histograms of several threads is integer addition and the result never depends on
/// the order the paths finished in (determinism regardless of thread count).
/// </summary>
/// <remarks>
/// <para>Bin 0 holds values below 1 (zero). Bin b ≥ 1 holds [r^(b−1), r^b) for the ratio r. With r = 1.001 every whole
/// number below 1,000 has its own bin, so quantiles of day counts are exact; above that a quantile is within 0.1% of
/// the true order statistic. Values beyond the last bin are clamped into it and counted in <see cref="Clamped"/>.</para>
/// <para>Quantiles use the nearest-rank rule: P_q is the smallest bin value v with at least ⌈q·N⌉ values ≤ v, reported as
/// the smallest whole number in the bin (for whole-number outputs), or the bin's geometric middle otherwise.</para>
/// <para>The exact sum of the (whole-number) values is kept as well, so means are exact too.</para>
/// </remarks>
public sealed class LogHistogram
{
    private readonly long[] counts;
    private readonly double logRatio;
    private readonly bool wholeNumbers;

    /// <param name="ratio">Bin width as a ratio (&gt; 1).</param>
    /// <param name="maxValue">Largest value with its own bin.</param>
    /// <param name="wholeNumbers">Whether the values are whole numbers (quantiles reported as whole numbers, sums exact).</param>
    public LogHistogram(double ratio, double maxValue, bool wholeNumbers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ratio, 1.0);
        Ratio = ratio;
        logRatio = Math.Log(ratio);
        this.wholeNumbers = wholeNumbers;
        counts = new long[2 + (int)Math.Ceiling(Math.Log(Math.Max(maxValue, 1)) / logRatio)];
    }

    /// <summary>A histogram for whole-number per-path outputs (days, people): exact below 1,000, ±0.1% above, up to 10^10.</summary>
    public static LogHistogram ForCounts() => new(1.001, 1e10, wholeNumbers: true);

    public double Ratio { get; }

    /// <summary>Number of values added.</summary>
    public long Count { get; private set; }

    /// <summary>Exact sum of the values added, for whole-number histograms (rounded values otherwise).</summary>
    public long Sum { get; private set; }

    /// <summary>Values larger than the last bin (clamped into it).</summary>
    public long Clamped { get; private set; }

    public void Add(double value)
    {
        var bin = Bin(value);
        if (bin >= counts.Length)
        {
            bin = counts.Length - 1;
            Clamped++;
        }

        counts[bin]++;
        Count++;
        Sum = checked(Sum + (long)Math.Round(value));
    }

    /// <summary>Adds every count of <paramref name="other"/> (same shape): integer addition, so merge order does not matter.</summary>
    public void Merge(LogHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.counts.Length != counts.Length || other.Ratio != Ratio)
        {
            throw new ArgumentException("histograms of different shapes cannot be merged", nameof(other));
        }

        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] += other.counts[i];
        }

        Count += other.Count;
        Sum += other.Sum;
        Clamped += other.Clamped;
    }

    /// <summary>The nearest-rank quantile <paramref name="q"/> (0 &lt; q ≤ 1); 0 when empty.</summary>
    public double Quantile(double q)
    {
        if (Count == 0)
        {
            return 0;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(q * Count));
        long seen = 0;
        for (var b = 0; b < counts.Length; b++)
        {
            seen += counts[b];
            if (seen >= rank)
            {
                return Representative(b);
            }
        }

        return Representative(counts.Length - 1);
    }

    public double Mean => Count == 0 ? 0 : (double)Sum / Count;

    private int Bin(double value) => value < 1 ? 0 : 1 + (int)Math.Floor(Math.Log(value) / logRatio);

    private double Representative(int bin)
    {
        if (bin == 0)
        {
            return 0;
        }

        var low = Math.Exp((bin - 1) * logRatio);
        return wholeNumbers ? Math.Ceiling(low - 1e-9) : Math.Exp((bin - 0.5) * logRatio);
    }
}
