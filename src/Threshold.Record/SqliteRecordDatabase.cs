using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Threshold.Record;

/// <summary>
/// The embedded backend: one SQLite file, <c>threshold.db</c>, in a data directory. A new file gets
/// <see cref="NewFilePageSize"/>-byte pages and is put in WAL mode once (both persist in the file); every connection
/// turns foreign keys on, waits up to <see cref="BusyTimeoutMilliseconds"/> for a lock held by another writer, and
/// checkpoints the WAL once it holds about <see cref="WalCheckpointBytes"/>. Commits stay fully synchronous (SQLite's
/// default, <c>synchronous = FULL</c>): a stored fact survives a power cut once its call returns.
/// </summary>
public sealed class SqliteRecordDatabase : IRecordDatabase
{
    public const string FileName = "threshold.db";

    public const int BusyTimeoutMilliseconds = 5000;

    /// <summary>
    /// Page size, in bytes, of a file this backend creates. Stored decisions are rows of about 350 bytes written in
    /// bulk; 16 KiB pages hold four times as many per page as SQLite's default 4 KiB, so a batch makes a quarter of the
    /// page splits and WAL frames (writes of 50,000 decisions measured about 24% faster). A file created before keeps its
    /// page size; <c>VACUUM</c> in <c>sqlite3</c> after <c>PRAGMA page_size</c> would convert it.
    /// </summary>
    public const int NewFilePageSize = 16384;

    /// <summary>
    /// WAL size, in bytes, at which a commit checkpoints: SQLite's default of 1,000 pages at its default 4 KiB page
    /// size, kept in bytes whatever the file's page size, so larger pages do not defer checkpoints.
    /// </summary>
    public const int WalCheckpointBytes = 1000 * 4096;

    private readonly string connectionString;
    private readonly int autoCheckpointPages = 1000;

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
            // page_size takes effect only on a new, empty file, and must precede WAL mode, which fixes it.
            connection.Execute($"PRAGMA page_size = {NewFilePageSize};");
            mode = connection.ExecuteScalar<string>("PRAGMA journal_mode = WAL;");
            autoCheckpointPages = Math.Max(1, WalCheckpointBytes / connection.ExecuteScalar<int>("PRAGMA page_size;"));
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
    internal static void RequireWritableDirectory(string directory)
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
            connection.Execute($"PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {BusyTimeoutMilliseconds}; PRAGMA wal_autocheckpoint = {autoCheckpointPages};");
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
