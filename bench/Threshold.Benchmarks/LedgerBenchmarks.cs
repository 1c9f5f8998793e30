using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using NodaTime;
using Threshold.Record;
using Threshold.Returns;

namespace Threshold.Benchmarks;

/// <summary>
/// The returns ledger's three ways to the same decisions, per person: <see cref="ReturnsLedger.Allocate"/> one request
/// at a time, <see cref="ReturnsLedger.AllocateCounts(ReturnBatchPlan, LocalDate, ReadOnlySpan{long}, Span{ReturnCountAllocation})"/>
/// one call per Eastern day with a reused <see cref="ReturnBatchPlan"/> (the simulator's path; the baseline, as the
/// fastest, so that the ratios read as "times slower per person"), and
/// <see cref="LedgerRecord.AllocateMany"/> into a fresh SQLite record (the recorded path, one transaction). The people:
/// <see cref="People"/> removals over June and July 2024 under the built-in arrangements, 36% of them CHNV nationals, so
/// the 30,000 cap overflows in both months; 40% Mexican; 8% unaccompanied children. Every time is per person.
/// </summary>
[Config(typeof(LedgerConfig))]
public class LedgerBenchmarks
{
    /// <summary>People in the in-memory cases.</summary>
    public const int People = 200_000;

    /// <summary>
    /// Times the batch case allocates the two months again (into the same ledger, cleared), so that one operation takes
    /// milliseconds, not the 0.1 ms of 61 calls, and the timer's resolution does not matter.
    /// </summary>
    public const int BatchRepeats = 100;

    /// <summary>People in the recorded case (each is an event row and an audit entry).</summary>
    public const int RecordedPeople = 5_000;

    private static readonly string[] Mix = ["MX", "MX", "MX", "MX", "MX", "MX", "MX", "MX", "MX", "MX", "VE", "VE", "VE", "CU", "CU", "HT", "HT", "NI", "NI", "GT", "GT", "HN", "EC", "CO", "CN"];

    private ReturnRequest[] requests = [];
    private ReturnRequest[] recordedRequests = [];
    private ReturnBatchPlan plan = null!;
    private (LocalDate Date, long[] Counts)[] days = [];
    private string folder = string.Empty;
    private int iteration;
    private LedgerRecord? record;

    [GlobalSetup]
    public void Setup()
    {
        var random = new SplitMix64(20240601);
        var start = new LocalDate(2024, 6, 1);
        var kinds = Mix.Distinct().SelectMany(c => new[] { new ReturnKind(c, false), new ReturnKind(c, true) }).ToArray();
        var kindIndex = kinds.Select((k, i) => (k, i)).ToDictionary(x => (x.k.Citizenship, x.k.UnaccompaniedChild), x => x.i);
        var counts = Enumerable.Range(0, 61).Select(_ => new long[kinds.Length]).ToArray();

        // In date order, kinds in a fixed order within a day: the order the batch path allocates in, so all three
        // paths overflow the same people.
        requests = [.. Enumerable.Range(0, People)
            .Select(_ => (Day: random.Next(61), Citizenship: Mix[random.Next(Mix.Length)], Child: random.Next(100) < 8))
            .OrderBy(p => p.Day).ThenBy(p => kindIndex[(p.Citizenship, p.Child)])
            .Select((p, i) =>
            {
                counts[p.Day][kindIndex[(p.Citizenship, p.Child)]]++;
                var at = start.PlusDays(p.Day).At(new LocalTime(12, 0)).InZoneStrictly(ReturnsLedger.Eastern).ToInstant();
                return new ReturnRequest($"p{i}", p.Citizenship, at, p.Child);
            })];
        plan = new ReturnBatchPlan(ArrangementSet.BuiltIn, kinds);
        days = [.. counts.Select((c, d) => (start.PlusDays(d), c))];
        recordedRequests = [.. requests.Where((_, i) => i % (People / RecordedPeople) == 0)]; // spread over both months
        folder = Path.Combine(Path.GetTempPath(), $"threshold-ledger-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        Check();
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(folder, recursive: true);

    [Benchmark(OperationsPerInvoke = People, Description = "ReturnsLedger.Allocate, one person at a time")]
    public long PerPerson()
    {
        var ledger = new ReturnsLedger(ArrangementSet.BuiltIn, recordEvents: false);
        foreach (var r in requests)
        {
            ledger.Allocate(r);
        }

        return ledger.Count;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = People * BatchRepeats, Description = "ReturnsLedger.AllocateCounts, one call a day, plan reused")]
    public long Batch()
    {
        var ledger = new ReturnsLedger(ArrangementSet.BuiltIn, recordEvents: false);
        var people = 0L;
        for (var r = 0; r < BatchRepeats; r++)
        {
            ledger.Clear();
            foreach (var (date, counts) in days)
            {
                ledger.AllocateCounts(plan, date, counts);
            }

            people += ledger.Count;
        }

        return people;
    }

    [IterationSetup(Target = nameof(Recorded))]
    public void FreshRecord() =>
        record = new LedgerRecord(RecordStore.Open(Path.Combine(folder, $"record-{iteration++}"), SystemClock.Instance), ArrangementSet.BuiltIn, SystemClock.Instance);

    [Benchmark(OperationsPerInvoke = RecordedPeople, Description = "LedgerRecord.AllocateMany into SQLite, one transaction (5,000 people)")]
    public int Recorded() => record!.AllocateMany(recordedRequests).Count;

    /// <summary>The three paths decide alike (same report), or the comparison is meaningless.</summary>
    private void Check()
    {
        var perPerson = new ReturnsLedger(ArrangementSet.BuiltIn, recordEvents: false);
        foreach (var r in requests)
        {
            perPerson.Allocate(r);
        }

        var batch = new ReturnsLedger(ArrangementSet.BuiltIn, recordEvents: false);
        foreach (var (date, counts) in days)
        {
            batch.AllocateCounts(plan, date, counts);
        }

        var report = perPerson.Report();
        if (!report.Equals(batch.Report()) || report.Totals.OverflowToCitizenship == 0)
        {
            throw new InvalidOperationException("the batch path does not reproduce the per-person ledger, or the workload never reaches a cap");
        }

        var first = new ReturnsLedger(ArrangementSet.BuiltIn, recordEvents: false);
        foreach (var r in recordedRequests)
        {
            first.Allocate(r);
        }

        FreshRecord();
        record!.AllocateMany(recordedRequests);
        if (!record.Current().Report().Equals(first.Report()))
        {
            throw new InvalidOperationException("the record does not reproduce the in-memory ledger");
        }
    }
}

/// <summary>
/// The short job of <see cref="ReplayConfig"/> with one invocation per iteration (the recorded case needs a fresh
/// record each time), the memory diagnoser, the median, people per second and the median ratio to the baseline.
/// </summary>
public sealed class LedgerConfig : ManualConfig
{
    public LedgerConfig()
    {
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(10).WithInvocationCount(1).WithUnrollFactor(1).WithId("Short"));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(StatisticColumn.Median, new PerSecondColumn(
            "People/s (median)", "1 s ÷ median time per person", _ => 1), new MedianRatioColumn());
    }
}
