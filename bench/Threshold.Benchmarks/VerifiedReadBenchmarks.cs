using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using NodaTime;
using Threshold.Record;
using Threshold.Returns;

namespace Threshold.Benchmarks;

/// <summary>
/// What a verified read costs beside the plain read of the same data, in one run, on a SQLite record holding the
/// bundled modeled series (385 days), <see cref="Allocations"/> ledger allocations and 20 API keys (docs/record.md,
/// "Verified reads, and what they cost"). Each pair is one category; the plain read is its baseline.
/// </summary>
[Config(typeof(VerifiedReadConfig))]
public class VerifiedReadBenchmarks
{
    private const string SeriesName = "daily";

    private string folder = string.Empty;
    private RecordStore store = null!;
    private LedgerRecord plainLedger = null!;
    private LedgerRecord verifiedLedger = null!;
    private ApiKeyRecord keys = null!;
    private string secret = string.Empty;

    [Params(10_000)]
    public int Allocations { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        folder = Path.Combine(Path.GetTempPath(), $"threshold-verified-read-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        store = RecordStore.Open(folder, SystemClock.Instance);
        store.Encounters.ImportFile(SeriesName, BundledSeries());
        plainLedger = new LedgerRecord(store, ArrangementSet.BuiltIn, SystemClock.Instance);
        verifiedLedger = new LedgerRecord(store, ArrangementSet.BuiltIn, SystemClock.Instance) { VerifyReads = true };
        var entered = Instant.FromUtc(2024, 7, 15, 16, 0);
        string[] nationalities = ["CU", "HT", "NI", "VE", "GT", "HN"];
        for (var batch = 0; batch < Allocations / 500; batch++)
        {
            plainLedger.AllocateMany([.. Enumerable.Range(0, 500).Select(i => new ReturnRequest($"c{batch}-{i}", nationalities[i % nationalities.Length], entered, false))]);
        }

        keys = new ApiKeyRecord(store, SystemClock.Instance);
        for (var k = 0; k < 19; k++)
        {
            keys.Create($"k{k}", ApiRole.Viewer, "bench");
        }

        secret = keys.Create("measured", ApiRole.Analyst, "bench").Secret;
        if (!store.Verify().IsValid)
        {
            throw new InvalidOperationException("the benchmark record does not verify");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    [BenchmarkCategory("series"), Benchmark(Baseline = true, Description = "replay's series read (AsKnownOn)")]
    public int Series_Plain() => store.Encounters.AsKnownOn(SeriesName, SystemClock.Instance.GetCurrentInstant())!.Length;

    [BenchmarkCategory("series"), Benchmark(Description = "the same, verified (VerifySeries first)")]
    public int Series_Verified()
    {
        store.VerifySeries(SeriesName);
        return store.Encounters.AsKnownOn(SeriesName, SystemClock.Instance.GetCurrentInstant())!.Length;
    }

    [BenchmarkCategory("ledger"), Benchmark(Baseline = true, Description = "ledger snapshot (Current)")]
    public int Ledger_Plain() => plainLedger.Current().Allocations.Count;

    [BenchmarkCategory("ledger"), Benchmark(Description = "the same, verified (VerifyReads)")]
    public int Ledger_Verified() => verifiedLedger.Current().Allocations.Count;

    [BenchmarkCategory("key"), Benchmark(Baseline = true, Description = "key lookup (Authenticate)")]
    public string Key_Plain() => keys.Authenticate(secret)!.KeyId;

    [BenchmarkCategory("key"), Benchmark(Description = "the same, verified")]
    public string Key_Verified() => keys.Authenticate(secret, verified: true)!.KeyId;

    private static string BundledSeries()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var modeled = Path.Combine(dir.FullName, "data", "modeled");
            if (File.Exists(Path.Combine(dir.FullName, "Threshold.sln")) && Directory.Exists(modeled))
            {
                return Directory.GetFiles(modeled, "daily_encounters_*.modeled.csv").Order(StringComparer.Ordinal).Last();
            }
        }

        throw new InvalidOperationException("Threshold.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>One launch, 3 warm-up and 10 measured iterations, the median, the memory diagnoser, grouped by category so each verified read is compared with its own plain read.</summary>
public sealed class VerifiedReadConfig : ManualConfig
{
    public VerifiedReadConfig()
    {
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(10).WithId("Short"));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(BenchmarkDotNet.Columns.StatisticColumn.Median);
        AddLogicalGroupRules(BenchmarkLogicalGroupRule.ByCategory);
    }
}
