using Microsoft.Data.Sqlite;

namespace Threshold.Record;

/// <summary>
/// Backup and restore of the embedded SQLite record through SQLite's online backup API: a consistent copy taken while
/// other connections may be writing, page by page, without stopping them. A restore first verifies that the backup
/// opens, migrates and has an intact audit chain, then replaces the live database in one step.
/// </summary>
public static class SqliteBackup
{
    /// <summary>Copies the record in <paramref name="dataDirectory"/> to <paramref name="backupFile"/> (overwritten).</summary>
    public static void Backup(string dataDirectory, string backupFile)
    {
        var source = new SqliteRecordDatabase(dataDirectory);
        if (!File.Exists(source.FilePath))
        {
            throw new RecordException($"{source.FilePath}: no record to back up");
        }

        var full = Path.GetFullPath(backupFile);
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
        {
            throw new RecordException($"{backupFile}: folder {folder} does not exist");
        }

        var temp = full + ".partial";
        File.Delete(temp);
        using (var from = (SqliteConnection)source.OpenConnection())
        using (var to = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = temp, Pooling = false }.ToString()))
        {
            to.Open();
            from.BackupDatabase(to);
        }

        File.Move(temp, full, overwrite: true);
    }

    /// <summary>
    /// Replaces the record in <paramref name="dataDirectory"/> with <paramref name="backupFile"/>, after checking that the
    /// backup's audit chain verifies. Returns the verification of the restored chain.
    /// </summary>
    public static ChainVerification Restore(string backupFile, string dataDirectory, NodaTime.IClock clock)
    {
        if (!File.Exists(backupFile))
        {
            throw new RecordException($"{backupFile}: backup file not found");
        }

        // Open a scratch copy first: a corrupt or tampered backup must never replace a good record.
        var scratch = Path.Combine(Path.GetTempPath(), $"threshold-restore-{Guid.NewGuid():N}");
        Directory.CreateDirectory(scratch);
        try
        {
            File.Copy(backupFile, Path.Combine(scratch, SqliteRecordDatabase.FileName));
            var check = RecordStore.Open(scratch, clock).Verify();
            if (!check.IsValid)
            {
                throw new RecordException($"{backupFile}: the backup's audit chain fails at entry {check.FailedSeq} ({check.Reason}); nothing was restored");
            }

            Directory.CreateDirectory(dataDirectory);
            var target = new SqliteRecordDatabase(dataDirectory);
            using (var from = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(scratch, SqliteRecordDatabase.FileName), Pooling = false }.ToString()))
            using (var to = (SqliteConnection)target.OpenConnection())
            {
                from.Open();
                from.BackupDatabase(to);
            }

            return RecordStore.Open(dataDirectory, clock).Verify();
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(scratch, recursive: true);
        }
    }
}
