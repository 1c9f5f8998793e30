using System.Data.Common;
using System.Globalization;
using System.Text;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;
using NodaTime;
using NodaTime.Testing;

using Threshold.TestSupport;

namespace Threshold.Record.Tests;

/// <summary>
/// A real, empty record with a fake clock, deleted on dispose: a SQLite file in a fresh temp folder, or a fresh schema in
/// the throwaway PostgreSQL cluster that <c>./run-tests</c> starts (<see cref="PostgresTestServer"/>). The temp folder
/// exists for both, for input files.
/// </summary>
public sealed class TempRecord : IDisposable
{
    private readonly string? schema;

    private readonly RecordStore? store;

    /// <param name="open">False leaves the database empty (no schema) until the test opens it.</param>
    public TempRecord(Backend backend = Backend.Sqlite, bool open = true)
    {
        Backend = backend;
        Directory = Path.Combine(Path.GetTempPath(), "threshold-record-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        Clock = new FakeClock(Instant.FromUtc(2025, 1, 20, 12, 0, 0), Duration.FromSeconds(1));
        if (backend == Backend.Postgres)
        {
            schema = "t_" + Guid.NewGuid().ToString("N");
            ConnectionString = PostgresTestServer.CreateSchema(schema);
        }

        store = open ? Reopen() : null;
    }

    public Backend Backend { get; }

    public string Directory { get; }

    /// <summary>The PostgreSQL connection string (with its own search path), or null for SQLite.</summary>
    public string? ConnectionString { get; }

    public FakeClock Clock { get; }

    public RecordStore Store => store ?? throw new InvalidOperationException("this record was created unopened");

    public string DbPath => Path.Combine(Directory, SqliteRecordDatabase.FileName);

    /// <summary>A second handle on the same record, as another process would open it.</summary>
    public IRecordDatabase NewDatabase() => Backend == Backend.Postgres ? new PostgresRecordDatabase(ConnectionString!) : new SqliteRecordDatabase(Directory);

    public RecordStore Reopen() => RecordStore.Open(NewDatabase(), Clock);

    /// <summary>Runs raw SQL against the database, as someone with access to it could.</summary>
    public void Sql(string sql)
    {
        using var connection = OpenRaw();
        connection.Execute(sql);
    }

    public long Scalar(string sql)
    {
        using var connection = OpenRaw();
        return Convert.ToInt64(connection.ExecuteScalar(sql), CultureInfo.InvariantCulture);
    }

    /// <summary>What an intruder with write access does first: drop the append-only triggers of a table.</summary>
    public void DropAppendOnlyGuards(string table) =>
        Sql(Backend == Backend.Postgres
            ? $"DROP TRIGGER {table}_no_update ON {table}; DROP TRIGGER {table}_no_delete ON {table};"
            : $"DROP TRIGGER {table}_no_update; DROP TRIGGER {table}_no_delete;");

    /// <summary>Writes a daily CSV (all five columns) with the given between_ports values from <paramref name="start"/>.</summary>
    public string WriteCsv(string name, LocalDate start, IReadOnlyList<int> betweenPorts, string? comment = "modeled: test series")
    {
        var text = new StringBuilder();
        if (comment is not null)
        {
            text.Append("# ").Append(comment).Append('\n');
        }

        text.Append("date,between_ports,coastal,ports_of_entry,uc_noncontiguous_between_ports,uc_noncontiguous_ports\n");
        for (var i = 0; i < betweenPorts.Count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{start.PlusDays(i):yyyy-MM-dd},{betweenPorts[i]},10,500,5,3\n");
        }

        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, text.ToString());
        return path;
    }

    public void Dispose()
    {
        if (schema is not null)
        {
            PostgresTestServer.DropSchema(schema, ConnectionString!);
        }
        else
        {
            SqliteConnection.ClearAllPools();
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }

    private DbConnection OpenRaw()
    {
        if (Backend == Backend.Postgres)
        {
            var connection = new NpgsqlConnection(ConnectionString);
            connection.Open();
            return connection;
        }

        var sqlite = new SqliteConnection($"Data Source={DbPath};Pooling=False");
        sqlite.Open();
        return sqlite;
    }
}
