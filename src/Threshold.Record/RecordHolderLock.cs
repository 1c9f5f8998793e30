namespace Threshold.Record;

/// <summary>
/// Who holds a SQLite record: the lock file <see cref="FileName"/> beside <c>threshold.db</c>. Every server holds it
/// shared for its lifetime (two servers may share one record); <c>db restore</c> holds it exclusively while it
/// replaces the file, so it cannot start while a server runs, and a server cannot start while it runs.
/// </summary>
/// <remarks>
/// .NET takes the lock with <c>flock</c> on Linux and macOS (<see cref="FileShare.None"/> is LOCK_EX, any other share
/// LOCK_SH) and with a share mode on Windows; the kernel drops it when the process dies, even by SIGKILL, so no stale
/// lock outlives its holder. CLI commands other than restore take no lock: SQLite's own locks serialise their writes.
/// </remarks>
public sealed class RecordHolderLock : IDisposable
{
    /// <summary>The lock file's name in the data directory.</summary>
    public const string FileName = "threshold.db.lock";

    private readonly FileStream stream;

    private RecordHolderLock(FileStream stream) => this.stream = stream;

    /// <summary>
    /// Holds the record in <paramref name="dataDirectory"/> as a server: shared with other servers, refused (a
    /// <see cref="RecordFaultKind.Unavailable"/> fault) while a restore holds it.
    /// </summary>
    public static RecordHolderLock Share(string dataDirectory) =>
        Take(dataDirectory, FileShare.ReadWrite, "a db restore is replacing this record; start the server once it has finished");

    /// <summary>
    /// Holds the record in <paramref name="dataDirectory"/> alone, for a restore: refused (a
    /// <see cref="RecordFaultKind.Unavailable"/> fault) while any server holds it.
    /// </summary>
    public static RecordHolderLock Exclusive(string dataDirectory) =>
        Take(dataDirectory, FileShare.None, "a running server holds this record (threshold serve); stop it first: nothing was restored");

    /// <summary>Releases the lock (closing the file).</summary>
    public void Dispose() => stream.Dispose();

    private static RecordHolderLock Take(string dataDirectory, FileShare share, string refusal)
    {
        var directory = Path.GetFullPath(dataDirectory);
        SqliteRecordDatabase.RequireWritableDirectory(directory); // a read-only or uncreatable folder is named as such, before any lock
        var path = Path.Combine(directory, FileName);
        try
        {
            // Read access: a shared flock on a descriptor opened for reading is allowed on every file system.
            return new RecordHolderLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.Read, share));
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new RecordFaultException(RecordFaultKind.Unavailable, $"{path}: {refusal}", e);
        }
    }
}
