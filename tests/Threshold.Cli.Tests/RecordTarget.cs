using System.Diagnostics;
using Dapper;
using Npgsql;
using Threshold.TestSupport;

namespace Threshold.Cli.Tests;

/// <summary>
/// An empty record for one test, named on the command line: a SQLite data directory (<c>--data-dir</c>) or a fresh
/// schema in the test run's PostgreSQL cluster (<c>--database</c>). Dropped on dispose.
/// </summary>
public sealed class RecordTarget : IDisposable
{
    private readonly string? schema;
    private readonly string? connectionString;
    private readonly string dataDirectory;

    public RecordTarget(Backend backend, string dataDirectory)
    {
        Backend = backend;
        this.dataDirectory = dataDirectory;
        if (backend == Backend.Postgres)
        {
            schema = "c_" + Guid.NewGuid().ToString("N");
            // The application name tells this record's sessions apart from other tests' on the shared server.
            connectionString = new NpgsqlConnectionStringBuilder(PostgresTestServer.CreateSchema(schema)) { ApplicationName = schema }.ConnectionString;
            Args = ["--database", connectionString];
        }
        else
        {
            Args = ["--data-dir", dataDirectory];
        }
    }

    public Backend Backend { get; }

    /// <summary>The options that point a command at this record.</summary>
    public IReadOnlyList<string> Args { get; }

    /// <summary>
    /// Waits (up to two minutes) until <paramref name="process"/> holds a write transaction on this record that has
    /// touched <paramref name="table"/>: on PostgreSQL, a session of this record in a transaction whose statement names
    /// the table; on SQLite, the write lock seen held twice 25 ms apart (a no-op migration check holds it for far
    /// less). False if the process exits first.
    /// </summary>
    public bool WaitForOpenWriteTransaction(Process process, string table) => WaitForOpenWriteTransaction(() => !process.HasExited, table);

    /// <summary>The same, while <paramref name="working"/> holds (e.g. a request to a server is still running).</summary>
    public bool WaitForOpenWriteTransaction(Func<bool> working, string table)
    {
        var clock = Stopwatch.StartNew();
        while (working() && clock.Elapsed < TimeSpan.FromMinutes(2))
        {
            if (Backend == Backend.Postgres ? PostgresWriting(table) : SqliteLocked() && Pause() && SqliteLocked())
            {
                return true;
            }

            Thread.Sleep(5);
        }

        return false;

        static bool Pause()
        {
            Thread.Sleep(25);
            return true;
        }
    }

    /// <summary>
    /// After a kill, waits (up to a minute) until PostgreSQL has ended the killed program's sessions of this record: the
    /// server rolls a dead client's transaction back only when it notices the closed connection, and the next command
    /// would queue behind its lock until then. A no-op on SQLite, where the lock dies with the process.
    /// </summary>
    public void WaitForKilledSessionsToEnd()
    {
        if (Backend != Backend.Postgres)
        {
            return;
        }

        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(1))
        {
            using var connection = new NpgsqlConnection(PostgresTestServer.ConnectionString);
            connection.Open();
            if (connection.ExecuteScalar<long>("SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = @App", new { App = schema }) == 0)
            {
                return;
            }

            Thread.Sleep(50);
        }
    }

    private bool PostgresWriting(string table)
    {
        using var connection = new NpgsqlConnection(PostgresTestServer.ConnectionString);
        connection.Open();
        return connection.ExecuteScalar<long>(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = @App AND xact_start IS NOT NULL AND query ILIKE @Table",
            new { App = schema, Table = $"%{table}%" }) > 0;
    }

    private bool SqliteLocked()
    {
        var file = Path.Combine(dataDirectory, "threshold.db");
        if (!File.Exists(file))
        {
            return false;
        }

        SQLitePCL.Batteries_V2.Init(); // what Microsoft.Data.Sqlite does before its first connection; idempotent
        // Through the native API: Microsoft.Data.Sqlite retries a busy statement until its command timeout, and 0 there
        // means "wait for ever", while this probe must fail at once.
        if (SQLitePCL.raw.sqlite3_open_v2(file, out var db, SQLitePCL.raw.SQLITE_OPEN_READWRITE, null) != SQLitePCL.raw.SQLITE_OK)
        {
            db.Dispose();
            return false;
        }

        using (db)
        {
            var rc = SQLitePCL.raw.sqlite3_exec(db, "BEGIN IMMEDIATE;");
            if (rc == SQLitePCL.raw.SQLITE_OK)
            {
                SQLitePCL.raw.sqlite3_exec(db, "ROLLBACK;");
            }

            return rc == SQLitePCL.raw.SQLITE_BUSY; // another connection holds the write lock
        }
    }

    public void Dispose()
    {
        if (schema is not null)
        {
            PostgresTestServer.DropSchema(schema, connectionString!);
        }
    }
}

/// <summary>
/// A CLI test of the record, run once per backend by its two sealed subclasses: a temp folder for input and output
/// files, and the record under test, created on first use.
/// </summary>
public abstract class RecordCommandTest(Backend backend) : IDisposable
{
    private RecordTarget? target;

    protected Backend Backend { get; } = backend;

    protected TempFolder Temp { get; } = new();

    /// <summary>The record under test (its SQLite folder sits in the temp folder).</summary>
    protected RecordTarget Target => target ??= new RecordTarget(Backend, Temp.PathOf("store"));

    public void Dispose()
    {
        target?.Dispose();
        Temp.Dispose();
        GC.SuppressFinalize(this);
    }
}
