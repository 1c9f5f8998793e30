using System.Runtime.InteropServices;
using NodaTime;

namespace Threshold.Returns;

/// <summary>
/// Where <c>count</c> people of one kind, removed on one Eastern date, went: the destinations of the ledger's rules.
/// </summary>
/// <param name="UnderArrangement">Returned to Mexico under an arrangement (within its monthly cap, or an uncapped one).</param>
/// <param name="Overflow">Of an arrangement's nationalities, but over its monthly cap: returned to the country of citizenship.</param>
/// <param name="MexicanNationals">Mexican nationals (children included), returned to Mexico outside any cap.</param>
/// <param name="ToCitizenship">Returned to the country of citizenship because no arrangement took them (non-Mexican children included).</param>
/// <param name="ToThirdCountries">Returned to a third country (neither Mexico nor the country of citizenship) under an arrangement with that destination.</param>
public readonly record struct ReturnCountAllocation(long UnderArrangement, long Overflow, long MexicanNationals, long ToCitizenship, long ToThirdCountries = 0)
{
    /// <summary>Everyone returned to Mexico: under an arrangement plus Mexican nationals.</summary>
    public long ToMexico => UnderArrangement + MexicanNationals;
}

/// <summary>
/// A kind of removal for <see cref="ReturnsLedger.AllocateCounts(LocalDate, ReadOnlySpan{ReturnKind}, ReadOnlySpan{long}, Span{ReturnCountAllocation})"/>: a citizenship and whether the people are
/// unaccompanied children. The citizenship is checked once, when the kind is made, not at every allocation.
/// </summary>
public readonly record struct ReturnKind
{
    /// <param name="citizenship">ISO 3166-1 alpha-2, upper case.</param>
    /// <param name="unaccompaniedChild">Whether the people are unaccompanied children (never under an arrangement).</param>
    /// <exception cref="ArgumentException">The citizenship is not two upper-case letters.</exception>
    public ReturnKind(string citizenship, bool unaccompaniedChild)
    {
        Nationality = NationalityCode.Index(citizenship);
        if (Nationality < 0)
        {
            throw new ArgumentException($"citizenship '{citizenship}' is not an ISO 3166-1 alpha-2 code (two upper-case letters)", nameof(citizenship));
        }

        Citizenship = NationalityCode.Code(Nationality);
        UnaccompaniedChild = unaccompaniedChild;
    }

    /// <summary>ISO 3166-1 alpha-2 (upper case); null only in an uninitialised value, which the ledger refuses.</summary>
    public string Citizenship { get; }

    public bool UnaccompaniedChild { get; }

    /// <summary>The dense index of <see cref="Citizenship"/> (<see cref="NationalityCode"/>).</summary>
    internal int Nationality { get; }
}

public sealed partial class ReturnsLedger
{
    /// <summary>
    /// Allocates <paramref name="count"/> identical requests at once (same Eastern date, citizenship and child flag) with
    /// the rules of <see cref="Allocate"/>, updating the same counters: the result and the <see cref="Report"/> equal those
    /// of <paramref name="count"/> single allocations in a row, except that no <see cref="LedgerEvent"/>s are kept. For
    /// aggregate models (the scenario simulator) that move counts, not people; O(1) whatever the count.
    /// </summary>
    /// <param name="easternDate">The America/New_York calendar date of the encounters (arrangement dates and the cap's month).</param>
    /// <param name="citizenship">ISO 3166-1 alpha-2, upper case.</param>
    /// <exception cref="InvalidOperationException">The ledger records events (aggregate allocations have no per-person events).</exception>
    public ReturnCountAllocation AllocateCount(LocalDate easternDate, string citizenship, bool unaccompaniedChild, long count)
    {
        RequireNoEvents();
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return AllocateCounts(easternDate, [new ReturnKind(citizenship, unaccompaniedChild)], [count]);
    }

    /// <summary>
    /// Allocates a batch of removals dated one Eastern date: <c>counts[k]</c> people of <c>kinds[k]</c> for each k, in
    /// that order. Exactly the same as calling <see cref="AllocateCount"/> for each kind in turn (same allocations, same
    /// caps used in the same order, same <see cref="Report"/>). Returns the batch's total; <paramref name="byKind"/>, when
    /// not empty, receives each kind's share. Every argument is checked before anything is allocated. For batches of the
    /// same kinds again and again, a <see cref="ReturnBatchPlan"/> saves looking up each kind's rule every time.
    /// </summary>
    /// <param name="easternDate">The America/New_York calendar date of the encounters (arrangement dates and the cap's month).</param>
    /// <param name="kinds">The kinds of removal, in allocation order (the order decides who overflows a cap).</param>
    /// <param name="counts">People of each kind (0 or more; a 0 allocates nothing).</param>
    /// <param name="byKind">Empty, or as long as <paramref name="kinds"/>: each kind's allocation.</param>
    /// <exception cref="InvalidOperationException">The ledger records events (aggregate allocations have no per-person events).</exception>
    public ReturnCountAllocation AllocateCounts(LocalDate easternDate, ReadOnlySpan<ReturnKind> kinds, ReadOnlySpan<long> counts, Span<ReturnCountAllocation> byKind = default) =>
        AllocateCounts(new ReturnBatchPlan(set, kinds.ToArray()), easternDate, counts, byKind);

    /// <summary>
    /// <see cref="AllocateCounts(LocalDate, ReadOnlySpan{ReturnKind}, ReadOnlySpan{long}, Span{ReturnCountAllocation})"/>
    /// for the kinds of <paramref name="plan"/>, whose remembered rules are used while the date stays in their span.
    /// </summary>
    /// <exception cref="ArgumentException">The plan is over other arrangements than this ledger's.</exception>
    public ReturnCountAllocation AllocateCounts(ReturnBatchPlan plan, LocalDate easternDate, ReadOnlySpan<long> counts, Span<ReturnCountAllocation> byKind = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        RequireNoEvents();
        if (plan.Arrangements != set)
        {
            throw new ArgumentException("the plan was made over other arrangements than this ledger's", nameof(plan));
        }

        if (counts.Length != plan.Count || (byKind.Length != 0 && byKind.Length != plan.Count))
        {
            throw WrongLengths(plan, counts, byKind);
        }

        plan.RouteOn(ArrangementTimeline.DayKey(easternDate));

        // Every count checked and the checked total taken before anything is allocated; in the same pass, the kinds no
        // arrangement takes summed by route (see the plan's masks).
        var (total, mexican, toCitizenship, children, mexicanChildren) = plan.Tally(counts);
        if (byKind.Length != 0)
        {
            byKind.Clear();
        }

        if (total == 0)
        {
            return default;
        }

        var month = Month(easternDate);

        // Kinds an arrangement takes, in kind order: the caps are used in that order.
        long underArrangement = 0, overflow = 0, thirdCountries = 0;
        var arrangementOf = plan.ArrangementOf;
        if (!keepLines && byKind.Length == 0)
        {
            // No line and no kind asks for its share: each arrangement's people are admitted at once (Admit).
            AdmitPerArrangement(plan, counts, month, ref underArrangement, ref overflow, ref thirdCountries);
        }
        else
        {
            foreach (var k in plan.UnderArrangement)
            {
                var count = counts[k];
                if (count == 0)
                {
                    continue;
                }

                var a = arrangementOf[k];
                var under = UnderArrangement(month, a, plan.Nationalities[k], count);
                var (toMexicoUnder, toThird) = toMexico[a] ? (under, 0L) : (0L, under);
                underArrangement += toMexicoUnder;
                thirdCountries += toThird;
                overflow += count - under;
                if (byKind.Length != 0)
                {
                    byKind[k] = new(toMexicoUnder, count - under, 0, 0, toThird);
                }
            }
        }

        if (byKind.Length != 0)
        {
            for (var k = 0; k < counts.Length; k++)
            {
                if (arrangementOf[k] < 0)
                {
                    byKind[k] = new(0, 0, counts[k] & plan.ToMexico[k], counts[k] & plan.ToCitizenship[k]);
                }
            }
        }

        ref var counted = ref month.Counts;
        counted.Removals += total;
        counted.Children += children;
        counted.MexicanNationals += mexican;
        counted.MexicanChildren += mexicanChildren;
        Count += total;
        return new ReturnCountAllocation(underArrangement, overflow, mexican, toCitizenship, thirdCountries);
    }

    /// <summary>
    /// The batch's kinds under arrangements summed per arrangement and each sum admitted at once: the totals that
    /// admitting kind by kind in kind order gives (a cap admits the first people in order, however they are split).
    /// </summary>
    private void AdmitPerArrangement(ReturnBatchPlan plan, ReadOnlySpan<long> counts, MonthState month, ref long underArrangement, ref long overflow, ref long thirdCountries)
    {
        var taking = plan.TakingArrangements;
        for (var i = 0; i < taking.Length; i++)
        {
            var count = plan.SumTakenBy(i, counts);
            if (count == 0)
            {
                continue;
            }

            var a = taking[i];
            var under = Admit(month, a, count);
            if (toMexico[a])
            {
                underArrangement += under;
            }
            else
            {
                thirdCountries += under;
            }

            overflow += count - under;
        }
    }

    /// <summary>The error for counts or allocations not one per kind (out of line: the batch path stays small).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static ArgumentException WrongLengths(ReturnBatchPlan plan, ReadOnlySpan<long> counts, Span<ReturnCountAllocation> byKind) =>
        counts.Length != plan.Count
            ? new ArgumentException($"{counts.Length} counts for {plan.Count} kinds of removal; give one count per kind", nameof(counts))
            : new ArgumentException($"room for {byKind.Length} allocations for {plan.Count} kinds of removal; give none or one per kind", nameof(byKind));

    private void RequireNoEvents()
    {
        if (events is not null)
        {
            throw new InvalidOperationException("aggregate allocations keep no per-person events; create the ledger with recordEvents: false");
        }
    }

    /// <summary>
    /// Forgets every allocation: counts, caps used and events, as if the ledger were new over the same arrangements
    /// (the cached reason texts, which depend only on the arrangements, are kept). Lets a long run reuse one ledger for
    /// many independent futures instead of allocating one each time.
    /// </summary>
    public void Clear()
    {
        foreach (var month in months.Values)
        {
            month.Reset();
            spareMonths.Push(month);
        }

        months.Clear();
        lastMonth = null;
        events?.Clear();
        Count = 0;
    }
}
