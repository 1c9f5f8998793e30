using System.Diagnostics;
using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using NodaTime;
using Threshold.Record;
using Threshold.Returns;
using Threshold.Screening;

namespace Threshold.Benchmarks;

/// <summary>
/// Storing screening decisions with the hash chain into the SQLite record (<see cref="DecisionRecord.StoreMany"/>: one
/// transaction, one row and one audit entry per decision), beside the raw anchor measured in the same run: the
/// <c>sqlite3</c> command-line tool's <c>.import</c> of the same rows (no chain, no JSON canonicalisation). One
/// operation stores <see cref="Rows"/> decisions into a fresh database. Needs Debian's <c>sqlite3</c> package.
/// </summary>
[Config(typeof(RecordWriteConfig))]
public class RecordWriteBenchmarks
{
    private (CaseDecision Decision, ScreeningCase Input)[] decisions = [];
    private string csv = string.Empty;
    private string folder = string.Empty;
    private int iteration;

    [Params(20_000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var timeline = ScreeningWorkload.Timeline();
        var processor = new CaseProcessor(new CaseScreener(timeline), new ReturnsLedger(ArrangementSet.BuiltIn, recordEvents: false));
        decisions = [.. ScreeningWorkload.Cases(Rows).Select(c => (processor.Process(c), c))];
        folder = Path.Combine(Path.GetTempPath(), $"threshold-record-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        var builder = new StringBuilder();
        foreach (var (d, c) in decisions)
        {
            builder.Append(Quote(c.Id)).Append(',').Append(Quote(CaseJsonReader.Write(c))).Append(',').Append(Quote(DecisionRecord.OutputJson(d))).Append('\n');
        }

        csv = Path.Combine(folder, "rows.csv");
        File.WriteAllText(csv, builder.ToString());
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(folder, recursive: true);

    [Benchmark(Baseline = true, Description = "sqlite3 .import of the same rows (raw anchor)")]
    public int Sqlite3Import()
    {
        var db = Path.Combine(folder, $"anchor-{iteration++}.db");
        var start = new ProcessStartInfo("sqlite3") { RedirectStandardInput = true, UseShellExecute = false };
        start.ArgumentList.Add(db);
        using var process = Process.Start(start)!;
        process.StandardInput.WriteLine("PRAGMA journal_mode=WAL;");
        process.StandardInput.WriteLine("CREATE TABLE decision(case_id TEXT, input_json TEXT, output_json TEXT);");
        process.StandardInput.WriteLine(".mode csv");
        process.StandardInput.WriteLine($".import {csv} decision");
        process.StandardInput.Close();
        process.WaitForExit();
        File.Delete(db);
        return process.ExitCode;
    }

    [Benchmark(Description = "DecisionRecord.StoreMany with the hash chain")]
    public int StoreWithChain()
    {
        var dir = Path.Combine(folder, $"store-{iteration++}");
        var store = RecordStore.Open(dir, SystemClock.Instance);
        var stored = new DecisionRecord(store, SystemClock.Instance).StoreMany(decisions, "bench", "bench").Count;
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(dir, recursive: true);
        return stored;
    }

    private static string Quote(string s) => "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}

/// <summary>A short job with rows per second and the ratio to the sqlite3 anchor in the same run.</summary>
public sealed class RecordWriteConfig : ManualConfig
{
    public RecordWriteConfig()
    {
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(8).WithInvocationCount(1).WithUnrollFactor(1));
        AddColumnProvider(DefaultColumnProviders.Instance);
        AddColumn(StatisticColumn.Median, new RowsPerSecondColumn());
        AddLogger(BenchmarkDotNet.Loggers.ConsoleLogger.Default);
        AddExporter(BenchmarkDotNet.Exporters.MarkdownExporter.GitHub);
    }

    private sealed class RowsPerSecondColumn : IColumn
    {
        public string Id => "RowsPerSecond";

        public string ColumnName => "Rows/s (median)";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Rows stored per second: Rows / median time of one operation";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var report = summary[benchmarkCase];
            var rows = (int)benchmarkCase.Parameters["Rows"];
            return report?.ResultStatistics is { } stats ? (rows / (stats.Median / 1e9)).ToString("N0", CultureInfo.InvariantCulture) : "n/a";
        }

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}
