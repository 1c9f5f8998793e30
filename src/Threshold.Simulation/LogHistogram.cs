namespace Threshold.Simulation;

/// <summary>
/// A streaming quantile estimator with bounded memory and exact, order-independent counts: values fall into fixed
/// log-linear bins, so merging the histograms of several threads is integer addition and the result never depends on
/// the order the paths finished in (determinism regardless of thread count).
/// </summary>
/// <remarks>
/// <para>The bins are those of an HDR histogram: each power of two [2^e, 2^(e+1)) is split into 2^b equal sub-bins, the
/// bin read straight from the bits of the double (no logarithm). Bin 0 holds values below 1 (zero). With b = 10 every
/// whole number below 2,048 has its own bin, so quantiles of day counts are exact; above that a quantile is within
/// 2^−10 (0.1%) of the true order statistic. Values from 2^<c>maxExponent</c> up are clamped into the last bin and
/// counted in <see cref="Clamped"/>.</para>
/// <para>Quantiles use the nearest-rank rule: P_q is the smallest bin value v with at least ⌈q·N⌉ values ≤ v, reported as
/// the smallest whole number in the bin (for whole-number outputs), or the bin's middle otherwise.</para>
/// <para>The exact sum of the (rounded) values is kept as well, so means of whole-number outputs are exact.</para>
/// </remarks>
public sealed class LogHistogram
{
    // Bin b's count is storage[offset + (b × stride)]: a histogram of its own has stride 1; the histograms of a
    // Series share one array bin-major, so neighbouring days (usually in the same bin) are neighbours in memory.
    private readonly long[] storage;
    private readonly int offset;
    private readonly int stride;
    private readonly int bins;
    private readonly int subBits;
    private readonly int maxExponent;
    private readonly bool wholeNumbers;

    /// <param name="subBits">log2 of the sub-bins per power of two (relative bin width 2^−subBits).</param>
    /// <param name="maxExponent">Values up to 2^maxExponent have their own bins.</param>
    /// <param name="wholeNumbers">Whether the values are whole numbers (quantiles reported as whole numbers).</param>
    public LogHistogram(int subBits, int maxExponent, bool wholeNumbers)
        : this(subBits, maxExponent, wholeNumbers, null, 0, 1)
    {
    }

    private LogHistogram(int subBits, int maxExponent, bool wholeNumbers, long[]? shared, int offset, int stride)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(subBits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(subBits, 20);
        ArgumentOutOfRangeException.ThrowIfNegative(maxExponent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxExponent, 62);
        this.subBits = subBits;
        this.maxExponent = maxExponent;
        this.wholeNumbers = wholeNumbers;
        bins = 1 + (maxExponent << subBits);
        storage = shared ?? new long[bins];
        this.offset = offset;
        this.stride = stride;
    }

    /// <summary>
    /// <paramref name="count"/> histograms of one shape (e.g. one per day) sharing one array, each the same as a histogram
    /// of its own. A path adds one value to each, so keeping neighbours' bins adjacent keeps those adds in cache.
    /// </summary>
    public static LogHistogram[] Series(int count, int subBits, int maxExponent, bool wholeNumbers)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var shared = new long[(long)count * (1 + (maxExponent << subBits))];
        return Enumerable.Range(0, count).Select(i => new LogHistogram(subBits, maxExponent, wholeNumbers, shared, i, count)).ToArray();
    }

    /// <summary>A histogram for whole-number per-path outputs (days, people): exact below 2,048, ±0.1% above, up to 2^34 (1.7 × 10^10).</summary>
    public static LogHistogram ForCounts() => new(10, 34, wholeNumbers: true);

    /// <summary>Number of values added.</summary>
    public long Count { get; private set; }

    /// <summary>Exact sum of the values added, each rounded to a whole number.</summary>
    public long Sum { get; private set; }

    /// <summary>Values beyond the last bin (clamped into it).</summary>
    public long Clamped { get; private set; }

    public void Add(double value)
    {
        var bin = Bin(value);
        if (bin >= bins)
        {
            bin = bins - 1;
            Clamped++;
        }

        storage[offset + (bin * stride)]++;
        Count++;
        // The range test is explicit (NaN and overflow still throw): the checked conversion is an out-of-line call,
        // and the daily bands add thousands of values a path.
        var whole = Math.Round(value);
        Sum = checked(Sum + (whole is >= -9.2233720368547758E18 and < 9.2233720368547758E18 ? unchecked((long)whole) : throw new OverflowException($"{value} is out of a histogram's range")));
    }

    /// <summary>Adds every count of <paramref name="other"/> (same shape): integer addition, so merge order does not matter.</summary>
    public void Merge(LogHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.bins != bins || other.subBits != subBits)
        {
            throw new ArgumentException("histograms of different shapes cannot be merged", nameof(other));
        }

        for (var i = 0; i < bins; i++)
        {
            storage[offset + (i * stride)] += other.storage[other.offset + (i * other.stride)];
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
        for (var b = 0; b < bins; b++)
        {
            seen += storage[offset + (b * stride)];
            if (seen >= rank)
            {
                return Representative(b);
            }
        }

        return Representative(bins - 1);
    }

    public double Mean => Count == 0 ? 0 : (double)Sum / Count;

    /// <summary>Bin of a value: 0 below 1, else 1 + (exponent · 2^b + the top b bits of the mantissa).</summary>
    private int Bin(double value)
    {
        if (!(value >= 1))
        {
            return 0;
        }

        var bits = BitConverter.DoubleToInt64Bits(value);
        var exponent = (int)((bits >> 52) & 0x7FF) - 1023;
        if (exponent >= maxExponent)
        {
            return bins;
        }

        var sub = (int)((bits >> (52 - subBits)) & ((1L << subBits) - 1));
        return 1 + (exponent << subBits) + sub;
    }

    private double Representative(int bin)
    {
        if (bin == 0)
        {
            return 0;
        }

        var exponent = (bin - 1) >> subBits;
        var sub = (bin - 1) & ((1 << subBits) - 1);
        var scale = Math.ScaleB(1.0, exponent);
        var low = scale * (1 + ((double)sub / (1 << subBits)));
        return wholeNumbers ? Math.Ceiling(low) : low + (scale / (1 << subBits) / 2);
    }
}
