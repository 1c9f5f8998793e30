using Microsoft.Data.Sqlite;
using Npgsql;

namespace Threshold.Record;

/// <summary>What is wrong with the record's storage, as opposed to the request: the same request can succeed later.</summary>
public enum RecordFaultKind
{
    /// <summary>The disk (or the PostgreSQL server's disk) is full: nothing was written; free space and retry.</summary>
    DiskFull,

    /// <summary>The database cannot be reached or went away mid-request (a restart, a network cut): retry shortly.</summary>
    Unavailable,

    /// <summary>The data directory or database file cannot be written (read-only mount, permissions).</summary>
    ReadOnly,

    /// <summary>
    /// The database file is malformed (SQLITE_CORRUPT, SQLITE_NOTADB; PostgreSQL XX001, XX002): a page or the header
    /// holds bytes SQLite did not write. It does not clear by itself: nothing more is written until a verified backup
    /// is restored (<c>db restore</c>).
    /// </summary>
    Damaged,
}

/// <summary>
/// A storage fault of the record: a full disk, a database that restarted or cannot be reached, a read-only file. The
/// transaction it interrupted rolled back, so nothing half-written is visible; the message names the record (its
/// directory, or the server without its password) and the problem. The web API answers 507 (disk full) or 503 (the
/// others) with Retry-After; the CLI exits 4. A <see cref="RecordFaultKind.Damaged"/> file does not clear by itself.
/// </summary>
public sealed class RecordFaultException : Exception
{
    public RecordFaultException()
        : this(RecordFaultKind.Unavailable, "the record is unavailable")
    {
    }

    public RecordFaultException(string message)
        : this(RecordFaultKind.Unavailable, message)
    {
    }

    public RecordFaultException(string message, Exception innerException)
        : this(RecordFaultKind.Unavailable, message, innerException)
    {
    }

    public RecordFaultException(RecordFaultKind kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
    }

    public RecordFaultKind Kind { get; }

    /// <summary>
    /// The storage fault behind <paramref name="exception"/> (looking through wrappers), described against
    /// <paramref name="where"/>, or null when it is not one (a bug or bad input stays what it is).
    /// </summary>
    /// <remarks>
    /// On a full disk SQLite in WAL mode often reports an I/O error (its shared-memory file cannot grow) rather than
    /// SQLITE_FULL; given the record's <paramref name="directory"/>, an I/O error there with (almost) no space left is
    /// reported as the full disk it is.
    /// </remarks>
    public static RecordFaultException? From(Exception exception, string where, string? directory = null)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case RecordFaultException fault:
                    return fault;
                case SqliteException sqlite:
                    // Extended result codes carry the primary code in their low byte.
                    switch (sqlite.SqliteErrorCode & 0xff)
                    {
                        case 13: // SQLITE_FULL
                            return new(RecordFaultKind.DiskFull, $"{where}: disk full: the write was rolled back and nothing was stored; free space and retry", exception);
                        case 8: // SQLITE_READONLY
                        case 14: // SQLITE_CANTOPEN
                            return new(RecordFaultKind.ReadOnly, $"{where}: cannot write the database ({sqlite.Message.TrimEnd('.')}); check that the directory exists and is writable", exception);
                        case 10 when directory is not null && NearlyFull(directory): // SQLITE_IOERR
                            return new(RecordFaultKind.DiskFull, $"{where}: disk full (SQLite reports an I/O error and the file system has no space left): nothing was stored; free space and retry", exception);
                        case 10:
                            return new(RecordFaultKind.Unavailable, $"{where}: I/O error ({sqlite.Message.TrimEnd('.')}); nothing was stored", exception);
                        case 5: // SQLITE_BUSY: another process held the write lock past the busy timeout
                        case 6: // SQLITE_LOCKED
                            return new(RecordFaultKind.Unavailable, $"{where}: the database is busy (another process held its write lock for longer than {SqliteRecordDatabase.BusyTimeoutMilliseconds / 1000} s); nothing was stored; retry shortly", exception);
                        case 11: // SQLITE_CORRUPT
                        case 26: // SQLITE_NOTADB
                            return new(RecordFaultKind.Damaged, $"{where}: the database file is damaged ({sqlite.Message.TrimEnd('.')}); nothing was stored; restore a verified backup (db restore)", exception);
                    }

                    break;
                case PostgresException { SqlState: "53100" }: // disk_full
                    return new(RecordFaultKind.DiskFull, $"{where}: the database server's disk is full: nothing was stored; free space and retry", exception);
                case PostgresException { SqlState: "XX001" or "XX002" } corrupted: // data_corrupted, index_corrupted
                    return new(RecordFaultKind.Damaged, $"{where}: the database reports damaged data ({FirstLine(corrupted.MessageText)}); nothing was stored", exception);
                case PostgresException { SqlState: "25006" }: // read_only_sql_transaction (a standby)
                    return new(RecordFaultKind.ReadOnly, $"{where}: the database is read-only (a standby?): nothing was stored", exception);
                case NpgsqlException npgsql when npgsql.IsTransient || npgsql is PostgresException { SqlState: ['0', '8', ..] or ['5', '7', 'P', ..] }:
                    // Class 08 (connection) and 57P (the server shut down or restarted): the transaction did not commit.
                    return new(RecordFaultKind.Unavailable, $"{where}: the database is unavailable ({FirstLine(npgsql.Message)}); nothing was stored; retry shortly", exception);
                case IOException io when io.HResult is 28 or unchecked((int)0x80070070): // ENOSPC
                    return new(RecordFaultKind.DiskFull, $"{where}: disk full ({io.Message})", exception);
            }
        }

        return null;
    }

    private static bool NearlyFull(string directory)
    {
        try
        {
            return new DriveInfo(Path.GetFullPath(directory)).AvailableFreeSpace < 64 * 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return false;
        }
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].TrimEnd('.', '\r');
}
