using System.Runtime.InteropServices;
using NodaTime;

namespace Threshold.Returns;

/// <summary>
/// Where <c>count</c> people of one kind, removed on one Eastern date, went: the four destinations of the ledger's rules.
/// </summary>
/// <param name="UnderArrangement">Returned to Mexico under an arrangement (within its monthly cap, or an uncapped one).</param>
/// <param name="Overflow">Of an arrangement's nationalities, but over its monthly cap: returned to the country of citizenship.</param>
/// <param name="MexicanNationals">Mexican nationals (children included), returned to Mexico outside any cap.</param>
/// <param name="ToCitizenship">Returned to the country of citizenship because no arrangement took them (non-Mexican children included).</param>
public readonly record struct ReturnCountAllocation(long UnderArrangement, long Overflow, long MexicanNationals, long ToCitizenship)
{
    /// <summary>Everyone returned to Mexico: under an arrangement plus Mexican nationals.</summary>
    public long ToMexico => UnderArrangement + MexicanNationals;
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
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (events is not null)
        {
            throw new InvalidOperationException("AllocateCount keeps no per-person events; create the ledger with recordEvents: false");
        }

        var nat = NationalityCode.Index(citizenship);
        if (nat < 0)
        {
            throw new ArgumentException($"citizenship '{citizenship}' is not an ISO 3166-1 alpha-2 code (two upper-case letters)", nameof(citizenship));
        }

        if (count == 0)
        {
            return default;
        }

        var monthKey = (easternDate.Year * 12) + easternDate.Month - 1;
        ref var monthCounts = ref CollectionsMarshal.GetValueRefOrAddDefault(months, monthKey, out var seen);
        if (!seen)
        {
            monthCounts.Month = easternDate.ToYearMonth();
        }

        monthCounts.Removals += count;
        Count += count;
        var isMexican = nat == NationalityCode.MexicoIndex;
        if (unaccompaniedChild)
        {
            monthCounts.Children += count;
            if (isMexican)
            {
                monthCounts.MexicanNationals += count;
                monthCounts.MexicanChildren += count;
                return new ReturnCountAllocation(0, 0, count, 0);
            }

            return new ReturnCountAllocation(0, 0, 0, count);
        }

        if (isMexican)
        {
            monthCounts.MexicanNationals += count;
            return new ReturnCountAllocation(0, 0, count, 0);
        }

        var a = set.Find(nat, easternDate);
        if (a < 0)
        {
            return new ReturnCountAllocation(0, 0, 0, count);
        }

        ref var line = ref CollectionsMarshal.GetValueRefOrAddDefault(lines, new LineKey(monthKey, a, nat), out _);
        var cap = caps[a];
        var under = count;
        if (cap >= 0)
        {
            ref var used = ref CollectionsMarshal.GetValueRefOrAddDefault(capUsed, new CapKey(monthKey, a), out _);
            under = Math.Min(count, Math.Max(0, cap - used));
            used += (int)under;
            monthCounts.UnderCaps += under;
        }
        else
        {
            monthCounts.UnderUncapped += under;
        }

        var overflow = count - under;
        line.Allocated += under;
        line.Overflow += overflow;
        monthCounts.Overflow += overflow;
        return new ReturnCountAllocation(under, overflow, 0, 0);
    }

    /// <summary>
    /// Forgets every allocation: counts, caps used and events, as if the ledger were new over the same arrangements
    /// (the cached reason texts, which depend only on the arrangements, are kept). Lets a long run reuse one ledger for
    /// many independent futures instead of allocating one each time.
    /// </summary>
    public void Clear()
    {
        capUsed.Clear();
        lines.Clear();
        months.Clear();
        events?.Clear();
        Count = 0;
    }
}
