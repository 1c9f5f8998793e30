using System.Diagnostics;
using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Dapper;
using NodaTime;
using Threshold.Record;
using Threshold.Returns;
using Threshold.Screening;

namespace Threshold.Benchmarks;

/// <summary>
/// Storing screening decisions with the hash chain (<see cref="DecisionRecord.StoreLines"/>, the path of
/// <c>screen --cases --record</c>: one transaction, one <c>decision-batch</c> audit entry over the SHA-256 of every row,
/// each distinct output template once; the lines are formatted beforehand, as the screening run does) into each backend, beside
/// the raw anchor of that backend measured in the same run: the <c>sqlite3</c> command-line tool's <c>.import</c>, and
/// <c>psql</c>'s <c>\copy</c>, of the same stored rows (case id, input, output values, template id) into a plain
/// table (no chain, no JSON). One operation stores <see cref="Rows"/> decisions into a fresh, migrated record; opening
/// it is outside the timing. PostgreSQL: <c>THRESHOLD_TEST_POSTGRES</c>, else a throwaway cluster started with
/// <c>tests/postgres-cluster.sh</c>. Needs Debian's <c>sqlite3</c> and <c>postgresql</c> packages.
/// </summary>
[Config(typeof(RecordWriteConfig))]
public class RecordWriteBenchmarks
{
    private (FormattedDecision Line, ScreeningCase Input)[] lines = [];
    private string csv = string.Empty;
    private string folder = string.Empty;
    private string? clusterDirectory;
    private string postgres = string.Empty;
    private int iteration;
    private RecordStore? store;
    private string? schema;

    [Params(50_000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var screener = new CaseScreener(ScreeningWorkload.Timeline());
        var ledger = new ReturnsLedger(ArrangementSet.BuiltIn, recordEvents: false);
        using (var formatter = new CaseDecisionLineWriter(screener, ledger, Stream.Null, null, BulkTraceMode.Shared))
        {
            lines = [.. ScreeningWorkload.Cases(Rows).Select(c =>
            {
                var o = screener.Classify(c);
                var allocation = o.Removal == RemovalPath.Removable ? ledger.Allocate(new ReturnRequest(c.Id, c.Citizenship, c.EntryInstant, c.Has(CaseFacts.UnaccompaniedChild))) : null;
                return (formatter.Format(c, o, allocation), c);
            })];
        }

        folder = Path.Combine(Path.GetTempPath(), $"threshold-record-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);

        // The anchor's input: the rows exactly as the record stores them.
        var sample = RecordStore.Open(Path.Combine(folder, "sample"), SystemClock.Instance);
        new DecisionRecord(sample, SystemClock.Instance).StoreLines(lines, "bench", "bench");
        var builder = new StringBuilder();
        using (var connection = sample.Database.OpenConnection())
        {
            foreach (var (caseId, input, output, trace) in connection.Query<(string, string, string, string)>("SELECT case_id, input_json, output_json, template_id FROM screening_decision ORDER BY decision_id"))
            {
                builder.Append(Quote(caseId)).Append(',').Append(Quote(input)).Append(',').Append(Quote(output)).Append(',').Append(trace).Append('\n');
            }
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        csv = Path.Combine(folder, "rows.csv");
        File.WriteAllText(csv, builder.ToString());

        postgres = Environment.GetEnvironmentVariable("THRESHOLD_TEST_POSTGRES") ?? string.Empty;
        if (postgres.Length == 0)
        {
            clusterDirectory = $"/tmp/threshold-pg-bench-{Environment.ProcessId}";
            postgres = RunScript("start", clusterDirectory).Trim();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (clusterDirectory is not null)
        {
            RunScript("stop", clusterDirectory);
        }

        Directory.Delete(folder, recursive: true);
    }

    [IterationSetup(Targets = [nameof(SqliteStoreWithChain)])]
    public void FreshSqliteRecord() => store = RecordStore.Open(Path.Combine(folder, $"store-{iteration++}"), SystemClock.Instance);

    [IterationSetup(Targets = [nameof(PostgresStoreWithChain)])]
    public void FreshPostgresRecord()
    {
        schema = $"bench_{Environment.ProcessId}_{iteration++}";
        Psql($"CREATE SCHEMA {schema}");
        store = RecordStore.Open(new PostgresRecordDatabase(new Npgsql.NpgsqlConnectionStringBuilder(postgres) { SearchPath = schema }.ConnectionString), SystemClock.Instance);
    }

    [IterationCleanup(Targets = [nameof(SqliteStoreWithChain), nameof(PostgresStoreWithChain)])]
    public void DropRecord()
    {
        if (schema is not null)
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            Psql($"DROP SCHEMA {schema} CASCADE");
            schema = null;
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [BenchmarkCategory("SQLite"), Benchmark(Baseline = true, Description = "sqlite3 .import of the same rows (raw anchor)")]
    public int Sqlite3Import() => Sqlite3Import(pageSize: null);

    /// <summary>The anchor again with the record's page size and WAL checkpoint (<see cref="SqliteRecordDatabase"/>), to separate that choice from the code.</summary>
    [BenchmarkCategory("SQLite"), Benchmark(Description = "sqlite3 .import, 16 KiB pages as the record (raw anchor)")]
    public int Sqlite3ImportRecordPages() => Sqlite3Import(SqliteRecordDatabase.NewFilePageSize);

    private int Sqlite3Import(int? pageSize)
    {
        var db = Path.Combine(folder, $"anchor-{iteration++}.db");
        var start = new ProcessStartInfo("sqlite3") { RedirectStandardInput = true, UseShellExecute = false };
        start.ArgumentList.Add(db);
        using var process = Process.Start(start)!;
        if (pageSize is { } size)
        {
            process.StandardInput.WriteLine(FormattableString.Invariant($"PRAGMA page_size={size};"));
            process.StandardInput.WriteLine(FormattableString.Invariant($"PRAGMA wal_autocheckpoint={SqliteRecordDatabase.WalCheckpointBytes / size};"));
        }

        process.StandardInput.WriteLine("PRAGMA journal_mode=WAL;");
        process.StandardInput.WriteLine("CREATE TABLE decision(case_id TEXT, input_json TEXT, output_json TEXT, template_id TEXT);");
        process.StandardInput.WriteLine(".mode csv");
        process.StandardInput.WriteLine($".import {csv} decision");
        process.StandardInput.Close();
        process.WaitForExit();
        File.Delete(db);
        return process.ExitCode;
    }

    [BenchmarkCategory("SQLite"), Benchmark(Description = "DecisionRecord.StoreLines into SQLite, with the hash chain")]
    public long SqliteStoreWithChain() => new DecisionRecord(store!, SystemClock.Instance).StoreLines(lines, "bench", "bench")!.Count;

    [BenchmarkCategory("PostgreSQL"), Benchmark(Baseline = true, Description = "psql \\copy of the same rows (raw anchor)")]
    public int PsqlCopy()
    {
        var table = $"anchor_{Environment.ProcessId}_{iteration++}";
        Psql($"CREATE TABLE {table} (case_id TEXT, input_json TEXT, output_json TEXT, template_id TEXT)");
        var code = Psql($"\\copy {table} FROM '{csv}' WITH (FORMAT csv)");
        Psql($"DROP TABLE {table}");
        return code;
    }

    [BenchmarkCategory("PostgreSQL"), Benchmark(Description = "DecisionRecord.StoreLines into PostgreSQL (binary COPY), with the hash chain")]
    public long PostgresStoreWithChain() => new DecisionRecord(store!, SystemClock.Instance).StoreLines(lines, "bench", "bench")!.Count;

    private int Psql(string command)
    {
        var b = new Npgsql.NpgsqlConnectionStringBuilder(postgres);
        var start = new ProcessStartInfo("psql") { UseShellExecute = false };
        foreach (var a in new[] { "-q", "-v", "ON_ERROR_STOP=1", "-h", b.Host!, "-p", b.Port.ToString(CultureInfo.InvariantCulture), "-U", b.Username ?? "threshold", "-d", b.Database ?? "postgres", "-c", command })
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        process.WaitForExit();
        return process.ExitCode == 0 ? 0 : throw new InvalidOperationException($"psql failed ({process.ExitCode}): {command}");
    }

    private static string RunScript(string verb, string directory)
    {
        var script = Path.Combine(RepositoryRoot(), "tests", "postgres-cluster.sh");
        var start = new ProcessStartInfo(script) { UseShellExecute = false, RedirectStandardOutput = true };
        start.ArgumentList.Add(verb);
        start.ArgumentList.Add(directory);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"{script} {verb} failed ({process.ExitCode})");
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Threshold.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("run the benchmark from inside the repository");
    }

    private static string Quote(string s) => "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}

/// <summary>A short job with rows per second and each backend's ratio to its raw anchor in the same run.</summary>
public sealed class RecordWriteConfig : ManualConfig
{
    public RecordWriteConfig()
    {
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(8).WithInvocationCount(1).WithUnrollFactor(1));
        AddColumnProvider(DefaultColumnProviders.Instance);
        AddColumn(StatisticColumn.Median, new PerSecondColumn(
            "Rows/s (median)", "Rows stored per second: Rows / median time of one operation", c => PerSecondColumn.Parameter(c, "Rows")));
        AddLogicalGroupRules(BenchmarkLogicalGroupRule.ByCategory); // each backend's ratio is to its own anchor
        AddLogger(BenchmarkDotNet.Loggers.ConsoleLogger.Default);
        AddExporter(BenchmarkDotNet.Exporters.MarkdownExporter.GitHub);
    }
}
