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
    /// SQLite cannot back up into a WAL-mode file whose page size differs (records made before 16 KiB pages, or their
    /// backups, have 4 KiB): the scratch copy is rewritten to the live file's page size first, outside WAL mode.
    /// </summary>
    private static void MatchPageSize(SqliteConnection from, SqliteConnection to)
    {
        var wanted = PageSize(to);
        if (PageSize(from) == wanted)
        {
            return;
        }

        using var convert = from.CreateCommand();
        convert.CommandText = $"PRAGMA journal_mode = DELETE; PRAGMA page_size = {wanted}; VACUUM;";
        convert.ExecuteNonQuery();
        if (PageSize(from) != wanted)
        {
            throw new RecordException($"the backup could not be converted to the record's page size of {wanted} bytes");
        }
    }

    private static long PageSize(SqliteConnection connection)
    {
        using var query = connection.CreateCommand();
        query.CommandText = "PRAGMA page_size;";
        return (long)query.ExecuteScalar()!;
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
                MatchPageSize(from, to);
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
