namespace Threshold.Returns;

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
            // The rules that do not depend on the date: a count ANDed with a mask of all ones (or zero) is the count
            // (or none), so a batch sums these routes without a branch per kind.
            var mexican = nationalities[k] == NationalityCode.MexicoIndex;
            var isChild = this.kinds[k].UnaccompaniedChild;
            child[k] = isChild ? -1 : 0;
            mexicanChild[k] = isChild && mexican ? -1 : 0;
            toMexico[k] = mexican ? -1 : 0;
            toCitizenship[k] = isChild && !mexican ? -1 : 0;
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

    /// <summary>Per kind, all ones when its people go to Mexico outside any arrangement (Mexican nationals), else zero.</summary>
    internal ReadOnlySpan<long> ToMexico => toMexico;

    /// <summary>Per kind, all ones when its people go to the country of citizenship with no arrangement asked, else zero; valid after <see cref="RouteOn"/>.</summary>
    internal ReadOnlySpan<long> ToCitizenship => toCitizenship;

    /// <summary>Per kind, all ones for unaccompanied children, else zero.</summary>
    internal ReadOnlySpan<long> Child => child;

    /// <summary>Per kind, all ones for unaccompanied Mexican children, else zero.</summary>
    internal ReadOnlySpan<long> MexicanChild => mexicanChild;

    /// <summary>Makes the date-dependent routes (<see cref="ArrangementOf"/> and what follows from it) those of <paramref name="dayKey"/>.</summary>
    internal void RouteOn(int dayKey)
    {
        if (dayKey >= routedFrom && dayKey <= routedTo)
        {
            return;
        }

        int from = int.MinValue, to = int.MaxValue;
        underArrangementCount = 0;
        for (var k = 0; k < kinds.Length; k++)
        {
            var a = -1;
            if (!kinds[k].UnaccompaniedChild && nationalities[k] != NationalityCode.MexicoIndex)
            {
                a = Arrangements.Find(nationalities[k], dayKey, ref from, ref to);
                toCitizenship[k] = a >= 0 ? 0 : -1;
                if (a >= 0)
                {
                    underArrangement[underArrangementCount++] = k;
                }
            }

            arrangementOf[k] = a;
        }

        (routedFrom, routedTo) = (from, to);
    }
}
