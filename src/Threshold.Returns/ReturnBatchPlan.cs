using System.Runtime.Intrinsics;

namespace Threshold.Returns;

/// <summary>A batch's counts summed by route: every person, and those of the routes that need no arrangement.</summary>
internal readonly record struct BatchTally(long Total, long MexicanNationals, long ToCitizenship, long Children, long MexicanChildren);

/// <summary>
/// The kinds of a recurring batch of removals (e.g. a simulator's weekly batch), for
/// <see cref="ReturnsLedger.AllocateCounts(ReturnBatchPlan, NodaTime.LocalDate, ReadOnlySpan{long}, Span{ReturnCountAllocation})"/>.
/// Which of the ledger's rules applies to each kind (unaccompanied child, Mexican national, an arrangement, the country of
/// citizenship) is looked up as for every allocation, and remembered over the span of dates on which no arrangement
/// taking one of the kinds starts or ends, so that a batch on another date of that span does not look again. Caps are
/// never remembered: the ledger counts them at every allocation.
/// </summary>
/// <remarks>Holds that memory, so it is not thread-safe: one plan per thread (like a ledger).</remarks>
public sealed class ReturnBatchPlan
{
    private readonly ReturnKind[] kinds;
    private readonly int[] nationalities;
    private readonly int[] arrangementOf;
    private readonly int[] underArrangement;
    private readonly long[] toMexico;
    private readonly long[] toCitizenship;
    private readonly long[] child;
    private readonly long[] mexicanChild;
    private int underArrangementCount;

    // The arrangements taking some kind (distinct, in the order of their first kind) and, per arrangement, a mask over
    // the kinds: all ones for the kinds it takes.
    private int[] takingArrangements = [];
    private long[][] takenMasks = [];

    // The day keys (ArrangementTimeline.DayKey) on which the routes hold, inclusive; none before the first lookup.
    private int routedFrom = int.MaxValue;
    private int routedTo = int.MinValue;

    /// <param name="arrangements">The arrangements of the ledgers the plan is used with.</param>
    /// <param name="kinds">The kinds of removal, in allocation order (the order decides who overflows a cap).</param>
    /// <exception cref="ArgumentException">A kind is uninitialised (no citizenship).</exception>
    public ReturnBatchPlan(ArrangementSet arrangements, IEnumerable<ReturnKind> kinds)
    {
        ArgumentNullException.ThrowIfNull(arrangements);
        ArgumentNullException.ThrowIfNull(kinds);
        Arrangements = arrangements;
        this.kinds = [.. kinds];
        for (var k = 0; k < this.kinds.Length; k++)
        {
            if (this.kinds[k].Citizenship is null)
            {
                throw new ArgumentException($"kind {k} of the batch has no citizenship (an uninitialised {nameof(ReturnKind)})", nameof(kinds));
            }
        }

        var n = this.kinds.Length;
        nationalities = [.. this.kinds.Select(k => k.Nationality)];
        arrangementOf = new int[n];
        underArrangement = new int[n];
        (toMexico, toCitizenship, child, mexicanChild) = (new long[n], new long[n], new long[n], new long[n]);
        for (var k = 0; k < n; k++)
        {
            // Who counts as a child, and as a Mexican child, in the month's report (not where they go: that is the
            // route). A count ANDed with a mask of all ones (or zero) is the count (or none), so a batch sums without a
            // branch per kind.
            var isChild = this.kinds[k].UnaccompaniedChild;
            child[k] = isChild ? -1 : 0;
            mexicanChild[k] = isChild && nationalities[k] == NationalityCode.MexicoIndex ? -1 : 0;
        }
    }

    /// <summary>The arrangements the routes are looked up in.</summary>
    public ArrangementSet Arrangements { get; }

    /// <summary>The kinds, in allocation order.</summary>
    public IReadOnlyList<ReturnKind> Kinds => kinds;

    internal int Count => kinds.Length;

    internal ReadOnlySpan<int> Nationalities => nationalities;

    /// <summary>Per kind, the arrangement taking it (index), or −1; valid after <see cref="RouteOn"/>.</summary>
    internal ReadOnlySpan<int> ArrangementOf => arrangementOf;

    /// <summary>The kinds an arrangement takes, in kind order; valid after <see cref="RouteOn"/>.</summary>
    internal ReadOnlySpan<int> UnderArrangement => underArrangement.AsSpan(0, underArrangementCount);

    /// <summary>The arrangements that take some kind, each once, in the order of their first kind; valid after <see cref="RouteOn"/>.</summary>
    internal ReadOnlySpan<int> TakingArrangements => takingArrangements;

    /// <summary>
    /// The people of <paramref name="counts"/> whose kinds arrangement <c>TakingArrangements[i]</c> takes, four kinds at
    /// a time. The counts must have passed <see cref="Tally"/> (none negative, their total a long), so the sum cannot
    /// overflow. Valid after <see cref="RouteOn"/>.
    /// </summary>
    internal long SumTakenBy(int i, ReadOnlySpan<long> counts)
    {
        var mask = takenMasks[i].AsSpan(0, counts.Length);
        var k = 0;
        long sum = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var sums = Vector256<long>.Zero;
            for (; k + Vector256<long>.Count <= counts.Length; k += Vector256<long>.Count)
            {
                sums += Vector256.Create(counts.Slice(k, Vector256<long>.Count)) & Vector256.Create(mask.Slice(k, Vector256<long>.Count));
            }

            sum = Vector256.Sum(sums);
        }

        for (; k < counts.Length; k++)
        {
            sum += counts[k] & mask[k];
        }

        return sum;
    }

    /// <summary>Per kind, all ones when its people go to Mexico outside any arrangement (Mexican nationals, children included), else zero; valid after <see cref="RouteOn"/>.</summary>
    internal ReadOnlySpan<long> ToMexico => toMexico;

    /// <summary>Per kind, all ones when its people go to the country of citizenship with no arrangement asked, else zero; valid after <see cref="RouteOn"/>.</summary>
    internal ReadOnlySpan<long> ToCitizenship => toCitizenship;

    /// <summary>Per kind, all ones for unaccompanied children, else zero.</summary>
    internal ReadOnlySpan<long> Child => child;

    /// <summary>Per kind, all ones for unaccompanied Mexican children, else zero.</summary>
    internal ReadOnlySpan<long> MexicanChild => mexicanChild;

    /// <summary>Counts at or below this are summed four at a time: 2^14 kinds of them cannot overflow a long.</summary>
    private const long FastCount = 1L << 48;

    /// <summary>
    /// The batch's total and its sums by route (the masks above). Every count is checked first: a negative count is
    /// an <see cref="ArgumentOutOfRangeException"/> naming its kind, and a total beyond a long an
    /// <see cref="OverflowException"/>, as if summed one at a time in kind order.
    /// </summary>
    /// <remarks>Valid after <see cref="RouteOn"/> (the citizenship route depends on the date).</remarks>
    internal BatchTally Tally(ReadOnlySpan<long> counts)
    {
        if (!Vector256.IsHardwareAccelerated || counts.Length > (1 << 14))
        {
            return TallyOneByOne(counts);
        }

        // Four kinds at a time, without a branch per kind; any count out of the fast range goes the exact way.
        var (total, mexican, citizenship, children, mexicanChildren) = (Vector256<long>.Zero, Vector256<long>.Zero, Vector256<long>.Zero, Vector256<long>.Zero, Vector256<long>.Zero);
        var limit = Vector256.Create(FastCount);
        var k = 0;
        for (; k + Vector256<long>.Count <= counts.Length; k += Vector256<long>.Count)
        {
            var c = Vector256.Create(counts.Slice(k, Vector256<long>.Count));
            if (Vector256.GreaterThanAny(c, limit) || Vector256.LessThanAny(c, Vector256<long>.Zero))
            {
                return TallyOneByOne(counts);
            }

            total += c;
            mexican += c & Vector256.Create(toMexico.AsSpan(k, Vector256<long>.Count));
            citizenship += c & Vector256.Create(toCitizenship.AsSpan(k, Vector256<long>.Count));
            children += c & Vector256.Create(child.AsSpan(k, Vector256<long>.Count));
            mexicanChildren += c & Vector256.Create(mexicanChild.AsSpan(k, Vector256<long>.Count));
        }

        var (t, m, z, ch, mc) = (Vector256.Sum(total), Vector256.Sum(mexican), Vector256.Sum(citizenship), Vector256.Sum(children), Vector256.Sum(mexicanChildren));
        for (; k < counts.Length; k++)
        {
            var c = counts[k];
            if (c is < 0 or > FastCount)
            {
                return TallyOneByOne(counts);
            }

            t += c;
            m += c & toMexico[k];
            z += c & toCitizenship[k];
            ch += c & child[k];
            mc += c & mexicanChild[k];
        }

        return new BatchTally(t, m, z, ch, mc);
    }

    /// <summary>The reference of <see cref="Tally"/>: one kind at a time, the total checked.</summary>
    private BatchTally TallyOneByOne(ReadOnlySpan<long> counts)
    {
        long total = 0, mexican = 0, citizenship = 0, children = 0, mexicanChildren = 0;
        for (var k = 0; k < counts.Length; k++)
        {
            var count = counts[k];
            if (count < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(counts), count, $"the count of kind {k} ({kinds[k].Citizenship}) is negative");
            }

            total = checked(total + count);
            unchecked
            {
                // Parts of the checked total, so none of them can overflow.
                mexican += count & toMexico[k];
                citizenship += count & toCitizenship[k];
                children += count & child[k];
                mexicanChildren += count & mexicanChild[k];
            }
        }

        return new BatchTally(total, mexican, citizenship, children, mexicanChildren);
    }

    /// <summary>Makes the date-dependent routes (<see cref="ArrangementOf"/> and what follows from it) those of <paramref name="dayKey"/>.</summary>
    internal void RouteOn(int dayKey)
    {
        if (dayKey < routedFrom || dayKey > routedTo)
        {
            Reroute(dayKey);
        }
    }

    /// <summary>
    /// Asks the ledger's rule (<see cref="ArrangementSet.Route"/>) for each kind's route on <paramref name="dayKey"/>, and
    /// remembers the span of days with the same routes (out of line: a plan's dates mostly stay in one span).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void Reroute(int dayKey)
    {
        int from = int.MinValue, to = int.MaxValue;
        underArrangementCount = 0;
        for (var k = 0; k < kinds.Length; k++)
        {
            var route = Arrangements.Route(nationalities[k], kinds[k].UnaccompaniedChild, dayKey, ref from, ref to);
            arrangementOf[k] = route.Arrangement;
            if (route.Kind == RouteKind.Arrangement)
            {
                underArrangement[underArrangementCount++] = k;
            }

            var outside = route.Kind != RouteKind.Arrangement;
            var toMexicoOutside = outside && route.DestinationOutsideArrangement(nationalities[k]) == NationalityCode.MexicoIndex;
            toMexico[k] = toMexicoOutside ? -1 : 0;
            toCitizenship[k] = outside && !toMexicoOutside ? -1 : 0;
        }

        var taking = underArrangement.AsSpan(0, underArrangementCount).ToArray().Select(k => arrangementOf[k]).Distinct().ToArray();
        takingArrangements = taking;
        takenMasks = [.. taking.Select(a => arrangementOf.Select(of => of == a ? -1L : 0L).ToArray())];
        (routedFrom, routedTo) = (from, to);
    }
}
