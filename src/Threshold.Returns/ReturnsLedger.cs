using System.Globalization;
using System.Runtime.InteropServices;
using NodaTime;
using NodaTime.TimeZones;
using Threshold.Law;

namespace Threshold.Returns;

/// <summary>
/// Decides where each removal goes and keeps exact monthly counts against the arrangements' caps.
/// </summary>
/// <remarks>
/// <para>Rules, in this order, for each <see cref="ReturnRequest"/> (stated once, in <see cref="ArrangementSet.Route"/>
/// and <see cref="ReturnRoute.Admitted"/>):</para>
/// <list type="number">
/// <item>An unaccompanied child never goes under an arrangement and never counts against a cap: the destination is the
/// country of citizenship (a Mexican child goes to Mexico as the country of citizenship, not under an arrangement).</item>
/// <item>A Mexican national goes to Mexico, outside any cap and any arrangement.</item>
/// <item>If an arrangement takes the nationality on the America/New_York calendar date of the encounter (from/to
/// inclusive), the person goes to its destination (Mexico, or a third country) under it; if it has a monthly cap and the
/// cap for the Eastern calendar month of the encounter is used up, the person goes to the country of citizenship
/// instead and counts as overflow.</item>
/// <item>Otherwise the destination is the country of citizenship.</item>
/// </list>
/// <para>Allocation against a cap is exact and in call order: with a cap of 30,000, the 30,000th request of a month goes
/// under the arrangement and the 30,001st overflows. The return is taken to fall in the Eastern month of the encounter.
/// Each allocation carries its reason and the citation (with verification status) of the rule that decided it.</para>
/// <para>Per-allocation work is O(1): table lookups and one update per counter dictionary, no formatting after the
/// first allocation of each (outcome, arrangement, nationality). With <c>recordEvents: false</c> memory is bounded by
/// the number of (month, arrangement, nationality) combinations, not by the number of requests. Not thread-safe.</para>
/// </remarks>
public sealed partial class ReturnsLedger
{
    /// <summary>America/New_York: the zone of the calendar dates and months used for arrangements and caps.</summary>
    public static readonly DateTimeZone Eastern = DateTimeZoneProviders.Tzdb["America/New_York"];

    private readonly ArrangementSet set;
    private readonly List<LedgerEvent>? events;
    private readonly bool keepLines;
    private readonly IReadOnlyList<LedgerEvent>? eventsView;
    private readonly int[] caps;
    // Per arrangement: whether its destination is Mexico (the burden on Mexico counts only those).
    private readonly bool[] toMexico;
    // For a ledger that continues the record's events: the cap places taken before it, asked once per (month, arrangement).
    private readonly Func<Arrangement, YearMonth, long>? capUsedBefore;
    // The counters by Eastern month (key year × 12 + month − 1). The month last allocated in is kept at hand, since
    // requests come mostly in date order; month objects freed by Clear are reused.
    private readonly Dictionary<int, MonthState> months = [];
    private readonly Stack<MonthState> spareMonths = [];
    private MonthState? lastMonth;

    // Each (arrangement, nationality) line ever allocated under gets a slot, so a month's lines are an array by slot.
    // Slot of arrangement × NationalityCode.Count + nationality (−1 for none yet), and the reverse.
    private readonly int[] lineSlots;
    private readonly List<int> slotLines = [];
    private readonly string?[]?[] underReasons;
    private readonly string?[]?[] overflowReasons;
    private readonly string?[] childReasons = new string?[NationalityCode.Count];
    private readonly string?[] citizenshipReasons = new string?[NationalityCode.Count];
    private readonly string mexicanReason;
    private ZoneInterval? interval;

    /// <summary>An empty ledger over <paramref name="arrangements"/>.</summary>
    /// <param name="recordEvents">
    /// Keep every allocation as a <see cref="LedgerEvent"/> (for persistence and <see cref="Replay"/>). Pass false for
    /// long streaming runs: the counters and <see cref="Report"/> are the same, but memory stays bounded.
    /// </param>
    public ReturnsLedger(ArrangementSet arrangements, bool recordEvents)
        : this(arrangements, recordEvents, null)
    {
    }

    private ReturnsLedger(ArrangementSet arrangements, bool recordEvents, Func<Arrangement, YearMonth, long>? capUsedBefore, bool keepLines = true)
    {
        ArgumentNullException.ThrowIfNull(arrangements);
        set = arrangements;
        this.keepLines = keepLines;
        this.capUsedBefore = capUsedBefore;
        if (recordEvents)
        {
            events = [];
            eventsView = events.AsReadOnly();
        }

        var count = arrangements.Arrangements.Count;
        caps = [.. arrangements.Arrangements.Select(a => a.MonthlyCap ?? -1)];
        toMexico = [.. arrangements.Arrangements.Select(a => a.Destination == NationalityCode.Mexico)];
        lineSlots = new int[count * NationalityCode.Count];
        Array.Fill(lineSlots, -1);
        // An arrangement's reason tables are made when it first allocates: the record makes a ledger per transaction.
        underReasons = new string?[count][];
        overflowReasons = new string?[count][];

        mexicanReason = "Mexican national: returned to Mexico as the country of citizenship, outside any cap and not under any arrangement.";
    }

    /// <summary>
    /// An empty ledger that continues allocations made and stored elsewhere (the record's committed events, read inside
    /// its write transaction). The first time it counts an Eastern month, <paramref name="capUsedBefore"/> gives, for each
    /// capped arrangement in force in that month, the places of its cap already taken that month; from then on it
    /// decides exactly as a ledger that had made those allocations itself. Its counts and <see cref="Report"/> cover only
    /// its own allocations, and it keeps no events.
    /// </summary>
    /// <remarks>So the record stores the ledger's decisions and never restates the rule (ARCHITECTURE: one place decides).</remarks>
    public static ReturnsLedger Continuing(ArrangementSet arrangements, Func<Arrangement, YearMonth, long> capUsedBefore)
    {
        ArgumentNullException.ThrowIfNull(capUsedBefore);
        return new ReturnsLedger(arrangements, recordEvents: false, capUsedBefore);
    }

    /// <summary>
    /// An empty ledger that decides and counts exactly as any other (every rule, every cap, the month's totals, the
    /// return values of every allocation) but keeps no per-(arrangement, nationality) lines and no events, so it has no
    /// <see cref="Report"/>. For callers that need only the decisions and the totals, many times over (the simulator's
    /// paths): a batch is then admitted under each arrangement's cap at once rather than kind by kind, which gives the
    /// same numbers (a cap admits the first <c>cap − used</c> people in order, whatever kinds they are split into).
    /// </summary>
    public static ReturnsLedger WithoutLines(ArrangementSet arrangements) => new(arrangements, recordEvents: false, null, keepLines: false);

    /// <summary>Whether the per-(arrangement, nationality) lines, and so <see cref="Report"/>, are kept (false for <see cref="WithoutLines"/>).</summary>
    public bool KeepsLines => keepLines;

    /// <summary>The arrangements and rules this ledger allocates under.</summary>
    public ArrangementSet Arrangements => set;

    /// <summary>Whether <see cref="Events"/> is kept.</summary>
    public bool RecordsEvents => events is not null;

    /// <summary>Number of allocations so far.</summary>
    public long Count { get; private set; }

    /// <summary>Every allocation in call order (a read-only live view); throws when the ledger was created with <c>recordEvents: false</c>.</summary>
    public IReadOnlyList<LedgerEvent> Events => eventsView
        ?? throw new InvalidOperationException("this ledger was created with recordEvents: false and keeps no events");

    /// <summary>The calendar date of <paramref name="instant"/> in America/New_York.</summary>
    public static LocalDate EasternDate(Instant instant) => instant.InZone(Eastern).Date;

    /// <summary>
    /// Rebuilds a ledger by allocating each event's request again, in order. The sequence numbers must run 1, 2, 3, …
    /// and every allocation must equal the recorded one (same arrangements, same order), else
    /// <see cref="InvalidDataException"/> naming the event. The result has the same <see cref="Report"/> and events.
    /// </summary>
    public static ReturnsLedger Replay(ArrangementSet arrangements, IEnumerable<LedgerEvent> events, bool recordEvents)
    {
        ArgumentNullException.ThrowIfNull(events);
        var ledger = new ReturnsLedger(arrangements, recordEvents);
        foreach (var e in events)
        {
            ArgumentNullException.ThrowIfNull(e, nameof(events));
            if (e.Sequence != ledger.Count + 1)
            {
                throw new InvalidDataException($"event {e.Sequence} (case {e.Request.CaseId}): expected sequence number {ledger.Count + 1}; events must be replayed complete and in order");
            }

            var allocation = ledger.Allocate(e.Request);
            if (allocation != e.Allocation)
            {
                throw new InvalidDataException(
                    $"event {e.Sequence} (case {e.Request.CaseId}): replay allocates {Describe(allocation)} but the event recorded {Describe(e.Allocation)}; " +
                    "the arrangements differ from those the events were recorded under");
            }
        }

        return ledger;
    }

    /// <summary>
    /// Allocates one request (see the class remarks for the rules) and updates the counts; O(1).
    /// Throws <see cref="ArgumentException"/> when the citizenship is not two upper-case letters.
    /// </summary>
    public ReturnAllocation Allocate(ReturnRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.CaseId, nameof(request));
        var nat = NationalityCode.Index(request.Citizenship);
        if (nat < 0)
        {
            throw new ArgumentException($"case {request.CaseId}: citizenship '{request.Citizenship}' is not an ISO 3166-1 alpha-2 code (two upper-case letters)", nameof(request));
        }

        var date = EasternDateCached(request.EncounteredAt);
        var month = date.ToYearMonth();
        var state = Month(date);
        ref var monthCounts = ref state.Counts;
        monthCounts.Removals++;
        var citizenship = NationalityCode.Code(nat);
        var rules = set.Rules;
        int from = int.MinValue, to = int.MaxValue;
        var route = set.Route(nat, request.UnaccompaniedChild, ArrangementTimeline.DayKey(date), ref from, ref to);
        ReturnAllocation allocation;
        if (route.Kind == RouteKind.Arrangement)
        {
            var a = route.Arrangement;
            var arrangement = set.Arrangements[a];
            allocation = UnderArrangement(state, a, nat, 1) == 1
                ? new(request.CaseId, arrangement.Destination, false, arrangement.Id, month, (underReasons[a] ??= new string?[NationalityCode.Count])[nat] ??= UnderReason(arrangement, citizenship), arrangement.Citation)
                : new(request.CaseId, citizenship, true, arrangement.Id, month, (overflowReasons[a] ??= new string?[NationalityCode.Count])[nat] ??= OverflowReason(arrangement, citizenship), arrangement.Citation);
        }
        else
        {
            // Counted as the batch path counts them: children by flag, Mexican nationals by destination.
            if (request.UnaccompaniedChild)
            {
                monthCounts.Children++;
                monthCounts.MexicanChildren += nat == NationalityCode.MexicoIndex ? 1 : 0;
            }

            var destination = NationalityCode.Code(route.DestinationOutsideArrangement(nat));
            monthCounts.MexicanNationals += destination == NationalityCode.Mexico ? 1 : 0;
            allocation = route.Kind switch
            {
                RouteKind.UnaccompaniedChild => new(request.CaseId, destination, false, null, month, childReasons[nat] ??= ChildReason(citizenship), rules.UnaccompaniedChildren.Citation),
                RouteKind.MexicanNational => new(request.CaseId, destination, false, null, month, mexicanReason, rules.MexicanNationals.Citation),
                RouteKind.Citizenship => new(request.CaseId, destination, false, null, month, citizenshipReasons[nat] ??= CitizenshipReason(citizenship), rules.Citizenship.Citation),
                _ => throw new System.Diagnostics.UnreachableException($"route {route.Kind} is handled above"),
            };
        }

        Count++;
        events?.Add(new LedgerEvent(Count, request, allocation));
        return allocation;
    }

    /// <summary>The counts so far, as an immutable report (see <see cref="LedgerReport"/>).</summary>
    /// <exception cref="InvalidOperationException">The ledger keeps no lines (<see cref="WithoutLines"/>).</exception>
    public LedgerReport Report()
    {
        if (!keepLines)
        {
            throw new InvalidOperationException("this ledger was created without lines (ReturnsLedger.WithoutLines) and has no report");
        }

        var arrangementLines = months
            .SelectMany(m => m.Value.Lines.Select((counts, slot) => (Month: m.Key, Line: slot < slotLines.Count ? slotLines[slot] : -1, Counts: counts)))
            .Where(x => x.Counts.Opened)
            .Select(x => (x.Month, Arrangement: x.Line / NationalityCode.Count, Nationality: x.Line % NationalityCode.Count, x.Counts))
            .GroupBy(x => (x.Month, x.Arrangement))
            .OrderBy(g => g.Key.Month)
            .ThenBy(g => g.Key.Arrangement)
            .Select(g =>
            {
                var arrangement = set.Arrangements[g.Key.Arrangement];
                var byNationality = g
                    .OrderBy(x => NationalityCode.Code(x.Nationality), StringComparer.Ordinal)
                    .Select(x => new NationalityCount(NationalityCode.Code(x.Nationality), x.Counts.Allocated, x.Counts.Overflow))
                    .ToArray();
                var allocated = byNationality.Sum(n => n.AllocatedToMexico);
                var overflow = byNationality.Sum(n => n.Overflow);
                int? cap = arrangement.MonthlyCap;
                return new ArrangementMonthLine(
                    months[g.Key.Month].Counts.Month,
                    arrangement.Id,
                    cap,
                    allocated,
                    overflow,
                    cap is { } c ? (decimal)allocated / c : null,
                    cap is { } r ? r - allocated : null,
                    byNationality,
                    arrangement.Citation,
                    arrangement.Destination);
            })
            .ToArray();

        var burden = months
            .OrderBy(kv => kv.Key)
            .Select(kv =>
            {
                var m = kv.Value.Counts;
                var toMexico = m.UnderCaps + m.UnderUncapped + m.MexicanNationals;
                return new MexicoBurdenLine(
                    m.Month,
                    m.UnderCaps,
                    m.UnderUncapped,
                    m.MexicanNationals,
                    m.MexicanChildren,
                    toMexico,
                    m.Overflow,
                    m.Children,
                    m.Removals,
                    (decimal)toMexico / m.Removals,
                    m.ThirdCountries);
            })
            .ToArray();

        var all = burden.Sum(b => b.AllRemovals);
        var total = burden.Sum(b => b.TotalToMexico);
        var totals = new LedgerTotals(
            all,
            total,
            burden.Sum(b => b.UnderCaps),
            burden.Sum(b => b.UnderUncappedArrangements),
            burden.Sum(b => b.MexicanNationals),
            burden.Sum(b => b.OverflowToCitizenship),
            all == 0 ? 0m : (decimal)total / all,
            burden.Sum(b => b.ToThirdCountries));
        return new LedgerReport(arrangementLines, burden, totals);
    }

    private static string Describe(ReturnAllocation a) => string.Create(
        CultureInfo.InvariantCulture,
        $"{a.Destination}{(a.Overflow ? " (overflow)" : string.Empty)} under {a.ArrangementId ?? "no arrangement"} in {a.Month}");

    private static string ChildReason(string citizenship) => citizenship == NationalityCode.Mexico
        ? "Unaccompanied child, citizen of MX: returned to Mexico as the country of citizenship, NOT under an arrangement and not counted against any cap; unaccompanied children are never returned under an arrangement (6 U.S.C. 279 / 8 U.S.C. 1232 processes, Proclamation 10773 §3(e))."
        : $"Unaccompanied child: never returned under an arrangement or counted against a cap; destination is the country of citizenship, {citizenship} (6 U.S.C. 279 / 8 U.S.C. 1232 processes, Proclamation 10773 §3(e)).";

    private static string UnderReason(Arrangement a, string citizenship)
    {
        var to = a.Destination == NationalityCode.Mexico ? "Mexico" : $"{a.Destination} (a third country)";
        return a.MonthlyCap is { } cap
            ? string.Create(CultureInfo.InvariantCulture, $"{citizenship} national: returned to {to} under arrangement {a.Id}, counted against its cap of {cap:N0} a month (Eastern calendar month of the encounter).")
            : $"{citizenship} national: returned to {to} under arrangement {a.Id} (no monthly cap) on the Eastern date of the encounter.";
    }

    private static string OverflowReason(Arrangement a, string citizenship) =>
        string.Create(CultureInfo.InvariantCulture, $"{citizenship} national: the cap of {a.MonthlyCap:N0} a month under arrangement {a.Id} was used up for the Eastern month of the encounter; overflow, returned to the country of citizenship, {citizenship}.");

    private static string CitizenshipReason(string citizenship) =>
        $"{citizenship} national: no arrangement takes {citizenship} on the Eastern date of the encounter; returned to the country of citizenship, {citizenship}.";

    private LocalDate EasternDateCached(Instant instant)
    {
        var current = interval;
        if (current is null || !current.Contains(instant))
        {
            interval = current = Eastern.GetZoneInterval(instant);
        }

        return instant.WithOffset(current.WallOffset).Date;
    }

    /// <summary>The month's counters for an Eastern <paramref name="date"/>, created on first use.</summary>
    private MonthState Month(LocalDate date)
    {
        var key = (date.Year * 12) + date.Month - 1;
        return lastMonth is { } last && last.Key == key ? last : OtherMonth(date, key);
    }

    /// <summary><see cref="Month"/> when the month is not the last one used (out of line: allocations run in date order).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private MonthState OtherMonth(LocalDate date, int key)
    {
        ref var state = ref CollectionsMarshal.GetValueRefOrAddDefault(months, key, out var seen);
        if (!seen)
        {
            state = spareMonths.TryPop(out var spare) ? spare : new MonthState(caps.Length);
            state.Key = key;
            state.Counts.Month = date.ToYearMonth();
            if (capUsedBefore is not null)
            {
                TakeCapUsedBefore(state);
            }
        }

        return lastMonth = state!;
    }

    /// <summary>
    /// <see cref="Continuing"/>: the cap places taken before this ledger in a new month, for each capped arrangement in
    /// force on some day of it (a use beyond the cap counts as the cap: every further person overflows either way).
    /// </summary>
    private void TakeCapUsedBefore(MonthState state)
    {
        var month = state.Counts.Month;
        var first = month.OnDayOfMonth(1);
        var last = month.OnDayOfMonth(first.Calendar.GetDaysInMonth(month.Year, month.Month));
        for (var a = 0; a < caps.Length; a++)
        {
            var arrangement = set.Arrangements[a];
            if (caps[a] < 0 || arrangement.From > last || arrangement.To < first)
            {
                continue;
            }

            var used = capUsedBefore!(arrangement, month);
            state.CapUsed[a] = used >= 0
                ? (int)Math.Min(used, caps[a])
                : throw new InvalidOperationException($"{used} places of arrangement {arrangement.Id}'s cap taken in {month}: a count cannot be negative");
        }
    }

    /// <summary>
    /// <paramref name="count"/> people of nationality <paramref name="nat"/> whose route is arrangement
    /// <paramref name="a"/>, in <paramref name="month"/>: as many as its cap admits (<see cref="ReturnRoute.Admitted"/>)
    /// go to its destination, the rest overflow. Updates the cap used and the month's counters through <see cref="Admit"/>
    /// (a destination other than Mexico counts as a third country, never in the burden on Mexico), and the line when the
    /// ledger keeps lines; returns the number admitted. Used by the per-person path and the per-kind batch path.
    /// </summary>
    private long UnderArrangement(MonthState month, int a, int nat, long count)
    {
        var under = Admit(month, a, count);
        if (keepLines)
        {
            ref var line = ref month.Line(LineSlot(a, nat));
            line.Allocated += under;
            line.Overflow += count - under;
        }

        return under;
    }

    /// <summary>
    /// The cap step itself: <paramref name="count"/> people under arrangement <paramref name="a"/> in
    /// <paramref name="month"/>, as many admitted as its cap allows (<see cref="ReturnRoute.Admitted"/>), the cap used and
    /// the month's counters updated; returns the number admitted. The one cap step of every path. Admitting n people at
    /// once gives what admitting them in any split one part after another gives, so a batch may be admitted per
    /// arrangement (<see cref="WithoutLines"/>).
    /// </summary>
    private long Admit(MonthState month, int a, long count)
    {
        var cap = caps[a];
        ref var counted = ref month.Counts;
        long under;
        if (cap >= 0)
        {
            ref var used = ref month.CapUsed[a];
            under = ReturnRoute.Admitted(cap, used, count);
            used += (int)under;
        }
        else
        {
            under = ReturnRoute.Admitted(cap, 0, count);
        }

        if (!toMexico[a])
        {
            counted.ThirdCountries += under;
        }
        else if (cap >= 0)
        {
            counted.UnderCaps += under;
        }
        else
        {
            counted.UnderUncapped += under;
        }

        counted.Overflow += count - under;
        return under;
    }

    /// <summary>The slot of the line of arrangement <paramref name="arrangement"/> and nationality <paramref name="nationality"/>, made on first use.</summary>
    private int LineSlot(int arrangement, int nationality)
    {
        var line = (arrangement * NationalityCode.Count) + nationality;
        var slot = lineSlots[line];
        return slot >= 0 ? slot : NewLineSlot(line);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private int NewLineSlot(int line)
    {
        var slot = lineSlots[line] = slotLines.Count;
        slotLines.Add(line);
        return slot;
    }

    /// <summary>Everything counted in one Eastern month: the month's totals, each arrangement's cap used, and the lines.</summary>
    private sealed class MonthState(int arrangements)
    {
        public int Key;
        public MonthCounts Counts;

        /// <summary>People allocated under each (capped) arrangement's cap, by arrangement index.</summary>
        public readonly int[] CapUsed = new int[arrangements];

        /// <summary>Allocated and overflow by line slot (<see cref="LineSlot"/>); a line exists when <see cref="LineCounts.Opened"/>.</summary>
        public LineCounts[] Lines = [];

        /// <summary>The month's line in <paramref name="slot"/>, opened (it appears in the report from now on).</summary>
        public ref LineCounts Line(int slot)
        {
            if (slot >= Lines.Length)
            {
                Grow(slot);
            }

            ref var line = ref Lines[slot];
            line.Opened = true;
            return ref line;
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private void Grow(int slot) => Array.Resize(ref Lines, Math.Max(slot + 1, 2 * Lines.Length));

        /// <summary>Back to an unused month (the line array keeps its size for the next).</summary>
        public void Reset()
        {
            Counts = default;
            Array.Clear(CapUsed);
            Array.Clear(Lines);
        }
    }

    private struct LineCounts
    {
        public bool Opened;
        public long Allocated;
        public long Overflow;
    }

    private struct MonthCounts
    {
        public YearMonth Month;
        public long Removals;
        public long UnderCaps;
        public long UnderUncapped;
        public long MexicanNationals;
        public long MexicanChildren;
        public long Overflow;
        public long Children;
        public long ThirdCountries;
    }
}
