using System.Runtime.Intrinsics;

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
    // Series share one array bin-major, so neighbouring days (usually in the same bin) are neighbours in memory. The
    // count, sum and clamped count are tallies[offset + (k × stride)] for k = 0, 1, 2, laid out like the bins and also
    // shared by a Series, so that a whole series can be added to (several days at a time), merged and read in one pass
    // over its arrays (AddEach, MergeEach, QuantilesEach).
    private const int TallyCount = 0;
    private const int TallySum = 1;
    private const int TallyClamped = 2;

    // Bin counts are ints (a bin would need 2^31 values to overflow, and every increment is checked): half the memory
    // of longs, which matters as a path's adds to the daily bands are spread over megabytes.
    private readonly int[] storage;
    private readonly long[] tallies;

    // The lowest and highest bin any value has been counted in ({bins, −1} while empty), shared like the storage by the
    // members of a series. Outside it every count is zero, so merges and quantiles never read those bins: a bin row never
    // written is memory the system has not yet mapped, and the first read of each of its pages costs a page fault.
    private readonly int[] used;
    private readonly int offset;
    private readonly int stride;
    private readonly int bins;
    private readonly int subBits;
    private readonly int maxExponent;
    private readonly bool wholeNumbers;

    // The array Series returned, for members of a series (what the whole-series operations recognise).
    private LogHistogram[]? seriesMembers;

    /// <param name="subBits">log2 of the sub-bins per power of two (relative bin width 2^−subBits).</param>
    /// <param name="maxExponent">Values up to 2^maxExponent have their own bins.</param>
    /// <param name="wholeNumbers">Whether the values are whole numbers (quantiles reported as whole numbers).</param>
    public LogHistogram(int subBits, int maxExponent, bool wholeNumbers)
        : this(subBits, maxExponent, wholeNumbers, null, null, 0, 1)
    {
    }

    private LogHistogram(int subBits, int maxExponent, bool wholeNumbers, int[]? shared, long[]? sharedTallies, int offset, int stride, int[]? sharedUsed = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(subBits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(subBits, 20);
        ArgumentOutOfRangeException.ThrowIfNegative(maxExponent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxExponent, 62);
        this.subBits = subBits;
        this.maxExponent = maxExponent;
        this.wholeNumbers = wholeNumbers;
        bins = 1 + (maxExponent << subBits);
        storage = shared ?? new int[bins];
        tallies = sharedTallies ?? new long[3];
        used = sharedUsed ?? [bins, -1];
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
        var shared = new int[(long)count * (1 + (maxExponent << subBits))];
        var sharedTallies = new long[3L * count];
        int[] sharedUsed = [1 + (maxExponent << subBits), -1];
        var members = new LogHistogram[count];
        for (var i = 0; i < count; i++)
        {
            members[i] = new LogHistogram(subBits, maxExponent, wholeNumbers, shared, sharedTallies, i, count, sharedUsed) { seriesMembers = members };
        }

        return members;
    }

    /// <summary>A histogram for whole-number per-path outputs (days, people): exact below 2,048, ±0.1% above, up to 2^34 (1.7 × 10^10).</summary>
    public static LogHistogram ForCounts() => new(10, 34, wholeNumbers: true);

    /// <summary>Number of values added.</summary>
    public long Count => tallies[Tally(TallyCount)];

    /// <summary>Exact sum of the values added, each rounded to a whole number.</summary>
    public long Sum => tallies[Tally(TallySum)];

    /// <summary>Values beyond the last bin (clamped into it).</summary>
    public long Clamped => tallies[Tally(TallyClamped)];

    private int Tally(int k) => offset + (k * stride);

    public void Add(double value) => AddAt(storage, tallies, used, offset, stride, Bin(value, subBits, maxExponent, bins), bins, value);

    /// <summary>
    /// Adds <c>values[i]</c> to <c>series[i]</c> for every i: the same as each <see cref="Add"/> in turn, in one pass over
    /// the shared arrays when <paramref name="series"/> is a whole <see cref="Series"/> (the daily bands of a path).
    /// </summary>
    internal static void AddEach(LogHistogram[] series, ReadOnlySpan<double> values)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (values.Length != series.Length)
        {
            throw new ArgumentException($"{values.Length} values for {series.Length} histograms", nameof(values));
        }

        if (!IsWholeSeries(series))
        {
            for (var m = 0; m < series.Length; m++)
            {
                series[m].Add(values[m]);
            }

            return;
        }

        // The series' arrays and shape as locals for the loop over its members.
        var first = series[0];
        var (storage, tallies, used, bins, subBits, maxExponent, n) = (first.storage, first.tallies, first.used, first.bins, first.subBits, first.maxExponent, series.Length);
        var i = Vector256.IsHardwareAccelerated ? AddFour(first, values) : 0;
        for (; i < values.Length; i++)
        {
            AddAt(storage, tallies, used, i, n, Bin(values[i], subBits, maxExponent, bins), bins, values[i]);
        }
    }

    /// <summary>
    /// <see cref="AddEach"/> on a whole series four members at a time: the bins, the rounded values and the tallies of
    /// four members in vector registers (a member's count, sum and clamped count sit next to its neighbours'), the four
    /// bin counts one by one. Each member gets exactly what <see cref="AddAt"/> gives it. Stops before the first group
    /// with a value that would throw (NaN, a sum overflowing) and returns where it stopped, for <see cref="AddAt"/> to
    /// go on from there one at a time and throw the same error.
    /// </summary>
    private static int AddFour(LogHistogram first, ReadOnlySpan<double> values)
    {
        var (storage, tallies, bins, subBits, maxExponent, n) = (first.storage, first.tallies, first.bins, first.subBits, first.maxExponent, values.Length);
        var counts = tallies.AsSpan(TallyCount * n, n);
        var sums = tallies.AsSpan(TallySum * n, n);
        var clamped = tallies.AsSpan(TallyClamped * n, n);
        var one = Vector256.Create(1.0);
        var (low, high) = (Vector256.Create(-9.2233720368547758E18), Vector256.Create(9.2233720368547758E18));
        var subMask = Vector256.Create((1L << subBits) - 1);
        var lastBin = Vector256.Create((long)bins - 1);
        var exponentLimit = Vector256.Create((long)maxExponent);
        var (lowest, highest) = (first.used[0], first.used[1]);
        var (low4, high4) = (Vector256.Create((long)lowest), Vector256.Create((long)highest));
        Span<long> bins4 = stackalloc long[Vector256<long>.Count];
        var i = 0;
        unchecked
        {
            for (; i + Vector256<double>.Count <= n; i += Vector256<double>.Count)
            {
                var value = Vector256.Create(values.Slice(i, Vector256<double>.Count));
                var whole = Vector256.Round(value);
                var sum = Vector256.Create(sums.Slice(i, Vector256<long>.Count));
                // A NaN or a value beyond a long fails the range test; then the one-at-a-time path throws.
                if ((Vector256.GreaterThanOrEqual(whole, low) & Vector256.LessThan(whole, high)).AsUInt64() != Vector256<ulong>.AllBitsSet)
                {
                    break;
                }

                var rounded = Vector256.ConvertToInt64(whole);
                var total = sum + rounded;
                // Signed overflow: the total's sign differs from both terms'. The one-at-a-time path throws it.
                if (((sum ^ total) & (rounded ^ total)).ExtractMostSignificantBits() != 0)
                {
                    break;
                }

                // The bin as Bin gives it: 0 below 1; else 1 + (exponent · 2^b + the top b bits of the mantissa), with
                // exponents from maxExponent up clamped into the last bin.
                var bits = value.AsInt64();
                var exponent = ((bits >>> 52) & Vector256.Create(0x7FFL)) - Vector256.Create(1023L);
                var beyond = Vector256.GreaterThanOrEqual(exponent, exponentLimit);
                var bin = Vector256.Create(1L) + (exponent << subBits) + ((bits >>> (52 - subBits)) & subMask);
                bin = Vector256.ConditionalSelect(beyond, lastBin, bin);
                bin = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(value, one).AsInt64(), bin, Vector256<long>.Zero);
                (low4, high4) = (Vector256.Min(low4, bin), Vector256.Max(high4, bin));
                bin.CopyTo(bins4);
                for (var k = 0; k < bins4.Length; k++)
                {
                    ref var count = ref storage[i + k + ((int)bins4[k] * n)];
                    count = checked(count + 1);
                }

                total.CopyTo(sums.Slice(i, Vector256<long>.Count));
                (Vector256.Create(counts.Slice(i, Vector256<long>.Count)) + Vector256.Create(1L)).CopyTo(counts.Slice(i, Vector256<long>.Count));
                (Vector256.Create(clamped.Slice(i, Vector256<long>.Count)) - (beyond & Vector256.GreaterThanOrEqual(value, one).AsInt64())).CopyTo(clamped.Slice(i, Vector256<long>.Count));
            }
        }

        // The lowest and highest bin counted, over the groups' lanes (the bins lie in [0, bins), so they fit an int).
        for (var k = 0; k < Vector256<long>.Count; k++)
        {
            (lowest, highest) = (Math.Min(lowest, (int)low4.GetElement(k)), Math.Max(highest, (int)high4.GetElement(k)));
        }

        (first.used[0], first.used[1]) = (lowest, highest);
        return i;
    }

    /// <summary>
    /// Adds <paramref name="value"/> (in <paramref name="bin"/>, clamped into the last) to histogram <paramref name="index"/>
    /// of <paramref name="storage"/> and <paramref name="tallies"/> (its own arrays, or its series').
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void AddAt(int[] storage, long[] tallies, int[] used, int index, int stride, int bin, int bins, double value)
    {
        // Index arithmetic unchecked: every index is below an array length, which is an int.
        unchecked
        {
            if (bin >= bins)
            {
                bin = bins - 1;
                tallies[index + (TallyClamped * stride)]++;
            }

            ref var count = ref storage[index + (bin * stride)];
            count = checked(count + 1);
            (used[0], used[1]) = (Math.Min(used[0], bin), Math.Max(used[1], bin));
            tallies[index + (TallyCount * stride)]++;
            // The range test is explicit (NaN and overflow still throw): the checked conversion is an out-of-line call,
            // and the daily bands add thousands of values a path. The sum stays checked.
            var whole = Math.Round(value);
            ref var sum = ref tallies[index + (TallySum * stride)];
            sum = checked(sum + (whole is >= -9.2233720368547758E18 and < 9.2233720368547758E18 ? unchecked((long)whole) : throw OutOfRange(value)));
        }
    }

    /// <summary>Adds every count of <paramref name="other"/> (same shape): integer addition, so merge order does not matter.</summary>
    public void Merge(LogHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        RequireSameShape(other);
        // Only the other's used bins: the rest are zero.
        var (from, to) = (other.used[0], other.used[1]);
        if (from > to)
        {
            // Nothing counted: nothing to add (the tallies are zero too).
            return;
        }

        (used[0], used[1]) = (Math.Min(used[0], from), Math.Max(used[1], to));
        if (stride == 1 && other.stride == 1)
        {
            // Histograms of their own: their bins are contiguous.
            AddArray(storage.AsSpan(offset + from, to - from + 1), other.storage.AsSpan(other.offset + from, to - from + 1));
        }
        else
        {
            for (var i = from; i <= to; i++)
            {
                storage[offset + (i * stride)] = checked(storage[offset + (i * stride)] + other.storage[other.offset + (i * other.stride)]);
            }
        }

        for (var k = 0; k < 3; k++)
        {
            tallies[Tally(k)] = checked(tallies[Tally(k)] + other.tallies[other.Tally(k)]);
        }
    }

    /// <summary>
    /// <c>series[i].Merge(others[i])</c> for every i; when both are whole <see cref="Series"/> of one shape, as one
    /// addition of their arrays (the strided bins of one histogram of a series are far apart in memory).
    /// </summary>
    internal static void MergeEach(LogHistogram[] series, LogHistogram[] others)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(others);
        if (others.Length != series.Length)
        {
            throw new ArgumentException($"cannot merge {others.Length} histograms into {series.Length}", nameof(others));
        }

        if (!IsWholeSeries(series) || !IsWholeSeries(others) || series[0].storage.Length != others[0].storage.Length)
        {
            for (var i = 0; i < series.Length; i++)
            {
                series[i].Merge(others[i]);
            }

            return;
        }

        series[0].RequireSameShape(others[0]);
        // The rows of the other's used bins only (a row is a bin of every member); the rest are zero.
        var (from, to, n) = (others[0].used[0], others[0].used[1], series.Length);
        if (from <= to)
        {
            var used = series[0].used;
            (used[0], used[1]) = (Math.Min(used[0], from), Math.Max(used[1], to));
            AddArray(series[0].storage.AsSpan(from * n, (to - from + 1) * n), others[0].storage.AsSpan(from * n, (to - from + 1) * n));
        }

        AddArray(series[0].tallies, others[0].tallies);
    }

    /// <summary>The nearest-rank quantile <paramref name="q"/> (0 &lt; q ≤ 1); 0 when empty.</summary>
    public double Quantile(double q)
    {
        if (Count == 0)
        {
            return 0;
        }

        var rank = Rank(q, Count);
        long seen = 0;
        for (var b = used[0]; b <= used[1]; b++)
        {
            seen += storage[offset + (b * stride)];
            if (seen >= rank)
            {
                return Representative(b);
            }
        }

        return Representative(bins - 1);
    }

    /// <summary>
    /// <c>result[i, j] = series[i].Quantile(quantiles[j])</c> for every i and j; for a whole <see cref="Series"/>, in one
    /// pass over its bins in memory order instead of one strided walk per histogram and quantile.
    /// </summary>
    internal static double[,] QuantilesEach(LogHistogram[] series, ReadOnlySpan<double> quantiles)
    {
        ArgumentNullException.ThrowIfNull(series);
        var n = series.Length;
        var qn = quantiles.Length;
        var result = new double[n, qn];
        if (!IsWholeSeries(series))
        {
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < qn; j++)
                {
                    result[i, j] = series[i].Quantile(quantiles[j]);
                }
            }

            return result;
        }

        var first = series[0];
        var ranks = new long[n * qn];
        var seen = new long[n];
        var open = 0;
        for (var i = 0; i < n; i++)
        {
            var count = series[i].Count;
            for (var j = 0; j < qn; j++)
            {
                // An empty histogram's quantiles are 0 (as Quantile gives them); its ranks stay 0, "found".
                ranks[(i * qn) + j] = count == 0 ? 0 : Rank(quantiles[j], count);
                open += count == 0 ? 0 : 1;
            }
        }

        for (var b = first.used[0]; b <= first.used[1] && open > 0; b++)
        {
            var row = first.storage.AsSpan(b * n, n);
            for (var i = 0; i < n; i++)
            {
                if (row[i] == 0)
                {
                    continue;
                }

                var total = seen[i] += row[i];
                for (var j = 0; j < qn; j++)
                {
                    ref var rank = ref ranks[(i * qn) + j];
                    if (rank > 0 && total >= rank)
                    {
                        rank = 0;
                        result[i, j] = first.Representative(b);
                        open--;
                    }
                }
            }
        }

        // Ranks never reached (cannot happen while the counts add up) fall on the last bin, as in Quantile.
        for (var k = 0; k < ranks.Length; k++)
        {
            if (ranks[k] > 0)
            {
                result[k / qn, k % qn] = first.Representative(first.bins - 1);
            }
        }

        return result;
    }

    public double Mean => Count == 0 ? 0 : (double)Sum / Count;

    /// <summary>The error for a value out of range, built out of line so the adding loops do not carry its formatting.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static OverflowException OutOfRange(double value) => new($"{value} is out of a histogram's range");

    private static long Rank(double q, long count) => Math.Max(1, (long)Math.Ceiling(q * count));

    /// <summary>
    /// Whether the histograms are the very array <see cref="Series"/> returned (every member, in order): O(1), for the
    /// internal callers, which never reorder that array. Any other array is handled one histogram at a time.
    /// </summary>
    private static bool IsWholeSeries(LogHistogram[] series) => series.Length > 0 && series[0].seriesMembers == series;

    private static void AddArray(Span<int> target, ReadOnlySpan<int> source)
    {
        for (var i = 0; i < target.Length; i++)
        {
            target[i] = checked(target[i] + source[i]);
        }
    }

    private static void AddArray(long[] target, long[] source)
    {
        for (var i = 0; i < target.Length; i++)
        {
            target[i] = checked(target[i] + source[i]);
        }
    }

    private void RequireSameShape(LogHistogram other)
    {
        if (other.bins != bins || other.subBits != subBits)
        {
            throw new ArgumentException("histograms of different shapes cannot be merged", nameof(other));
        }
    }

    /// <summary>Bin of a value: 0 below 1, else 1 + (exponent · 2^b + the top b bits of the mantissa); <paramref name="bins"/> when beyond the last.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static int Bin(double value, int subBits, int maxExponent, int bins)
    {
        if (!(value >= 1))
        {
            return 0;
        }

        unchecked
        {
            var bits = BitConverter.DoubleToInt64Bits(value);
            var exponent = (int)((bits >> 52) & 0x7FF) - 1023;
            if (exponent >= maxExponent)
            {
                return bins;
            }

            var sub = (int)((bits >> (52 - subBits)) & ((1L << subBits) - 1));
            return 1 + (exponent << subBits) + sub;
        }
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
