using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Threshold.Record;

/// <summary>
/// The embedded backend: one SQLite file, <c>threshold.db</c>, in a data directory. The file is put in WAL mode once
/// (the mode persists in the file); every connection turns foreign keys on and waits up to
/// <see cref="BusyTimeoutMilliseconds"/> for a lock held by another writer.
/// </summary>
public sealed class SqliteRecordDatabase : IRecordDatabase
{
    public const string FileName = "threshold.db";

    public const int BusyTimeoutMilliseconds = 5000;

    private readonly string connectionString;

    public SqliteRecordDatabase(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        FilePath = Path.GetFullPath(Path.Combine(dataDirectory, FileName));
        RequireWritableDirectory(Path.GetFullPath(dataDirectory));
        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            ForeignKeys = true,
            DefaultTimeout = BusyTimeoutMilliseconds / 1000,
            // Unpooled: nothing keeps the file open after the last operation, so a data directory can be moved or
            // deleted as soon as the store is disposed. Opening a SQLite file is cheap.
            Pooling = false,
        }.ToString();
        string? mode;
        try
        {
            using var connection = OpenConnection();
            mode = connection.ExecuteScalar<string>("PRAGMA journal_mode = WAL;");
        }
        catch (SqliteException e) when (RecordFaultException.From(e, FilePath, Path.GetDirectoryName(FilePath)) is { } fault)
        {
            throw fault;
        }

        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw new RecordException($"{FilePath}: could not switch the database to WAL mode (it reports '{mode}')");
        }
    }

    public string FilePath { get; }

    /// <summary>
    /// Creates the directory and proves it writable with a probe file, so a read-only mount or a directory that cannot be
    /// created is named at start-up rather than failing the first write (SQLite would open the file read-only).
    /// </summary>
    private static void RequireWritableDirectory(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
            using var probe = new FileStream(Path.Combine(directory, $".write-probe-{Guid.NewGuid():N}"), FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RecordFaultException(RecordFaultKind.ReadOnly, $"{directory}: the data directory cannot be written ({e.Message.TrimEnd('.')}); give a writable --data-dir (or THRESHOLD_DATA_DIR)", e);
        }
    }

    public string MigrationSet => "Sqlite";

    public string Description => FilePath;

    public DbConnection OpenConnection()
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            connection.Execute($"PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {BusyTimeoutMilliseconds};");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public DbTransaction BeginWrite(DbConnection connection) => ((SqliteConnection)connection).BeginTransaction(deferred: false);

    public DbTransaction BeginRead(DbConnection connection) => ((SqliteConnection)connection).BeginTransaction(deferred: true);

    public DbTransaction BeginMigration(DbConnection connection) => BeginWrite(connection);

    /// <summary>Reads a connection-level PRAGMA, for checks and diagnostics.</summary>
    public T Pragma<T>(string name)
    {
        if (!name.All(c => char.IsAsciiLetterLower(c) || c == '_'))
        {
            throw new ArgumentException($"not a pragma name: {name}", nameof(name));
        }

        using var connection = OpenConnection();
        return connection.ExecuteScalar<T>($"PRAGMA {name};")!;
    }
}
