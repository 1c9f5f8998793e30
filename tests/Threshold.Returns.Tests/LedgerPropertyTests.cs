using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;

namespace Threshold.Returns.Tests;

/// <summary>Properties of every ledger, over random request sequences around the Title 42 end and a month boundary.</summary>
public sealed class LedgerPropertyTests
{
    private const string SmallCaps = """
        id: small-caps
        title: Small caps so that random sequences hit them
        arrangements:
          - id: what-if-ecuador-3
            title: Mexico accepts 3 Ecuadorians a month
            from: 2023-05-01
            nationalities: [EC]
            monthly_cap: 3
            citation: { instrument: What-if, status: U }
            note: A hypothetical.
          - id: what-if-chnv-4
            title: Mexico accepts 4 CHNV nationals a month from July 2024
            from: 2024-07-01
            nationalities: [CU, HT, NI, VE]
            monthly_cap: 4
            priority: 1
            citation: { instrument: What-if, status: U }
            note: A hypothetical.
          - id: what-if-costa-rica-2
            title: Costa Rica accepts 2 Guatemalans a month from July 2024
            from: 2024-07-01
            destination: CR
            nationalities: [GT]
            monthly_cap: 2
            citation: { instrument: What-if, status: U }
            note: A hypothetical third-country destination.
        """;

    private static readonly ArrangementSet Set = ArrangementSet.WithBuiltIns(ArrangementYamlReader.Read(SmallCaps, "small-caps.yaml"));

    // An independent Eastern calendar: the OS tz database through .NET, not NodaTime.
    private static readonly TimeZoneInfo EasternByDotNet = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    private static readonly string[] Nationalities = ["CU", "HT", "NI", "VE", "EC", "MX", "GT", "CO"];

    private static readonly Instant[] Anchors = [Instant.FromUtc(2023, 4, 27, 0, 0), Instant.FromUtc(2024, 6, 27, 0, 0), Instant.FromUtc(2024, 7, 28, 0, 0)];

    private static Arbitrary<ReturnRequest[]> Requests() =>
        Gen.Choose(0, Nationalities.Length - 1)
            .Zip(Gen.Choose(0, Anchors.Length - 1))
            .Zip(Gen.Choose(0, 8 * 24 * 60))
            .Zip(Gen.Choose(0, 9))
            .Select(t => (Nationality: Nationalities[t.Item1.Item1.Item1], At: Anchors[t.Item1.Item1.Item2] + Duration.FromMinutes(t.Item1.Item2), Child: t.Item2 == 0))
            .ListOf()
            .Select(list => list.Select((r, i) => new ReturnRequest($"p{i}", r.Nationality, r.At, r.Child)).ToArray())
            .ToArbitrary();

    private static (LocalDate Date, YearMonth Month) Eastern(Instant instant)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(instant.ToDateTimeUtc(), EasternByDotNet);
        var date = new LocalDate(local.Year, local.Month, local.Day);
        return (date, date.ToYearMonth());
    }

    [Property(MaxTest = 300)]
    public Property Cap_NeverExceeded_AndAllocatedPlusOverflowIsEveryCappedRequest() => Prop.ForAll(Requests(), requests =>
    {
        var ledger = new ReturnsLedger(Set, recordEvents: false);
        var allocations = requests.Select(ledger.Allocate).ToArray();
        var report = ledger.Report();

        // Independently: which capped arrangement and Eastern month each adult request falls under.
        var expected = requests
            .Where(r => !r.UnaccompaniedChild && r.Citizenship != "MX")
            .Select(r => (r, e: Eastern(r.EncounteredAt)))
            .Select(x => (x.e.Month, Arrangement: Set.Applicable(x.r.Citizenship, x.e.Date)))
            .Where(x => x.Arrangement?.MonthlyCap is not null)
            .GroupBy(x => (x.Month, x.Arrangement!.Id))
            .ToDictionary(g => g.Key, g => (long)g.Count());

        var capped = report.Arrangements.Where(l => l.Cap is not null).ToArray();
        return capped.All(l => l.AllocatedToMexico <= l.Cap && l.RemainingCapacity == l.Cap - l.AllocatedToMexico)
            && capped.Length == expected.Count
            && capped.All(l => expected.TryGetValue((l.Month, l.ArrangementId), out var n) && l.AllocatedToMexico + l.Overflow == n
                && l.AllocatedToMexico == Math.Min(n, l.Cap!.Value))
            && capped.All(l => l.ByNationality.Sum(x => x.AllocatedToMexico) == l.AllocatedToMexico && l.ByNationality.Sum(x => x.Overflow) == l.Overflow)
            && report.Totals.AllRemovals == requests.Length;
    });

    [Property(MaxTest = 300)]
    public Property Cap_InCallOrder_FirstCapGoToMexicoThenAllOverflow() => Prop.ForAll(Requests(), requests =>
    {
        var ledger = new ReturnsLedger(Set, recordEvents: false);
        var citizenship = requests.ToDictionary(r => r.CaseId, r => r.Citizenship);
        var caps = Set.Arrangements.ToDictionary(a => a.Id, a => a.MonthlyCap);
        var destinations = Set.Arrangements.ToDictionary(a => a.Id, a => a.Destination);
        return requests.Select(ledger.Allocate)
            .Where(a => a.ArrangementId is { } id && caps[id] is not null)
            .GroupBy(a => (a.Month, a.ArrangementId))
            .All(g => g.Select((a, i) =>
                a.Overflow == (i >= caps[g.Key.ArrangementId!]) && a.Destination == (a.Overflow ? citizenship[a.CaseId] : destinations[g.Key.ArrangementId!])).All(ok => ok));
    });

    [Property(MaxTest = 300)]
    public Property Allocation_ChildrenAndMexicans_NeverUnderAnArrangement_MonthIsEastern() => Prop.ForAll(Requests(), requests =>
    {
        var ledger = new ReturnsLedger(Set, recordEvents: false);
        return requests.All(r =>
        {
            var a = ledger.Allocate(r);
            var monthOk = a.Month == Eastern(r.EncounteredAt).Month;
            var ruleOk = r.UnaccompaniedChild
                ? a.ArrangementId is null && !a.Overflow && a.Destination == r.Citizenship
                : r.Citizenship != "MX" || (a.ArrangementId is null && !a.Overflow && a.Destination == "MX");
            return monthOk && ruleOk;
        });
    });

    [Property(MaxTest = 200)]
    public Property Replay_ReproducesTheReport() => Prop.ForAll(Requests(), requests =>
    {
        var ledger = new ReturnsLedger(Set, recordEvents: true);
        foreach (var r in requests)
        {
            ledger.Allocate(r);
        }

        return ReturnsLedger.Replay(Set, ledger.Events, recordEvents: false).Report().Equals(ledger.Report());
    });

    private sealed record Batch(LocalDate Date, ReturnKind[] Kinds, long[] Counts);

    private static Arbitrary<Batch[]> Batches()
    {
        var kind = Gen.Choose(0, Nationalities.Length - 1).Zip(Gen.Choose(0, 5)).Select(t => new ReturnKind(Nationalities[t.Item1], t.Item2 == 0));
        // Up to 16 days after an anchor: across the end of Title 42 (2023-05-11) and into July 2024.
        var batch = Gen.Choose(0, Anchors.Length - 1)
            .Zip(Gen.Choose(0, 16))
            .Zip(kind.Zip(Gen.Choose(0, 6)).ListOf())
            .Select(t => new Batch(
                ReturnsLedger.EasternDate(Anchors[t.Item1.Item1]).PlusDays(t.Item1.Item2),
                [.. t.Item2.Select(x => x.Item1)],
                [.. t.Item2.Select(x => (long)x.Item2)]));
        return batch.ListOf().Select(b => b.ToArray()).ToArbitrary();
    }

    /// <summary>A batch (<see cref="ReturnsLedger.AllocateCounts(LocalDate, ReadOnlySpan{ReturnKind}, ReadOnlySpan{long}, Span{ReturnCountAllocation})"/>) equals one <see cref="ReturnsLedger.AllocateCount"/> per kind and one <see cref="ReturnsLedger.Allocate"/> per person.</summary>
    [Property(MaxTest = 300)]
    public Property AllocateCounts_EqualsAllocateCountPerKind_AndOneAllocatePerPerson() => Prop.ForAll(Batches(), batches =>
    {
        var batched = new ReturnsLedger(Set, recordEvents: false);
        var perKind = new ReturnsLedger(Set, recordEvents: false);
        var perPerson = new ReturnsLedger(Set, recordEvents: false);
        var person = 0;
        foreach (var b in batches)
        {
            var byKind = new ReturnCountAllocation[b.Kinds.Length];
            var total = batched.AllocateCounts(b.Date, b.Kinds, b.Counts, byKind);
            var noon = b.Date.At(new LocalTime(12, 0)).InZoneStrictly(ReturnsLedger.Eastern).ToInstant();
            ReturnCountAllocation sum = default;
            for (var k = 0; k < b.Kinds.Length; k++)
            {
                var single = perKind.AllocateCount(b.Date, b.Kinds[k].Citizenship, b.Kinds[k].UnaccompaniedChild, b.Counts[k]);
                var people = Enumerable.Range(0, (int)b.Counts[k])
                    .Select(_ => perPerson.Allocate(new ReturnRequest($"p{person++}", b.Kinds[k].Citizenship, noon, b.Kinds[k].UnaccompaniedChild)))
                    .ToArray();
                var tally = new ReturnCountAllocation(
                    people.LongCount(a => a.ArrangementId is not null && !a.Overflow && a.Destination == "MX"),
                    people.LongCount(a => a.Overflow),
                    people.LongCount(a => a.ArrangementId is null && a.Destination == "MX"),
                    people.LongCount(a => a.ArrangementId is null && a.Destination != "MX"),
                    people.LongCount(a => a.ArrangementId is not null && !a.Overflow && a.Destination != "MX"));
                if (byKind[k] != single || single != tally)
                {
                    return false;
                }

                sum = new(sum.UnderArrangement + single.UnderArrangement, sum.Overflow + single.Overflow, sum.MexicanNationals + single.MexicanNationals, sum.ToCitizenship + single.ToCitizenship, sum.ToThirdCountries + single.ToThirdCountries);
            }

            if (total != sum)
            {
                return false;
            }
        }

        return batched.Report().Equals(perKind.Report()) && batched.Report().Equals(perPerson.Report())
            && batched.Count == perPerson.Count;
    });

    /// <summary>
    /// One <see cref="ReturnBatchPlan"/> reused for batches of one set of kinds, on dates in any order across arrangement
    /// starts and ends, allocates exactly as a fresh lookup for each batch does.
    /// </summary>
    [Property(MaxTest = 200)]
    public Property AllocateCounts_WithOnePlanForEveryBatch_EqualsLookingUpEachBatch() => Prop.ForAll(Batches(), batches =>
    {
        ReturnKind[] kinds = [.. Nationalities.Select(n => new ReturnKind(n, false)), new("MX", true), new("CU", true)];
        var plan = new ReturnBatchPlan(Set, kinds);
        var planned = new ReturnsLedger(Set, recordEvents: false);
        var fresh = new ReturnsLedger(Set, recordEvents: false);
        foreach (var b in batches)
        {
            // The batch's own counts spread over the fixed kinds, so the same kinds come with varying counts.
            var counts = kinds.Select((_, k) => b.Counts.Length == 0 ? 0 : b.Counts[k % b.Counts.Length]).ToArray();
            var byPlan = new ReturnCountAllocation[kinds.Length];
            var byLookup = new ReturnCountAllocation[kinds.Length];
            if (planned.AllocateCounts(plan, b.Date, counts, byPlan) != fresh.AllocateCounts(b.Date, kinds, counts, byLookup) || !byPlan.SequenceEqual(byLookup))
            {
                return false;
            }
        }

        return planned.Report().Equals(fresh.Report());
    });
    /// <summary>
    /// A ledger without lines, which admits a batch's people per arrangement at once, returns for every batch what a
    /// ledger with lines returns kind by kind (small caps, so they bind), also between single allocations, and has no report.
    /// </summary>
    [Property(MaxTest = 300)]
    public Property WithoutLines_AllocatesEveryBatchAsALedgerWithLines() => Prop.ForAll(Batches(), batches =>
    {
        ReturnKind[] kinds = [.. Nationalities.Select(n => new ReturnKind(n, false)), new("MX", true), new("CU", true)];
        var (planWith, planWithout) = (new ReturnBatchPlan(Set, kinds), new ReturnBatchPlan(Set, kinds));
        var with = new ReturnsLedger(Set, recordEvents: false);
        var without = ReturnsLedger.WithoutLines(Set);
        var i = 0;
        foreach (var b in batches)
        {
            var counts = kinds.Select((_, k) => b.Counts.Length == 0 ? 0 : b.Counts[k % b.Counts.Length]).ToArray();
            if (with.AllocateCounts(planWith, b.Date, counts) != without.AllocateCounts(planWithout, b.Date, counts))
            {
                return false;
            }

            // A single allocation in between uses the same caps.
            var kind = kinds[i++ % kinds.Length];
            if (with.AllocateCount(b.Date, kind.Citizenship, kind.UnaccompaniedChild, 1) != without.AllocateCount(b.Date, kind.Citizenship, kind.UnaccompaniedChild, 1))
            {
                return false;
            }
        }

        return with.Count == without.Count && with.KeepsLines && !without.KeepsLines
            && Assert.Throws<InvalidOperationException>(() => without.Report()).Message.Contains("WithoutLines", StringComparison.Ordinal);
    });
}
