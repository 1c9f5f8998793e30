using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Threshold.Record.Tests;

public sealed class SqliteBackupTests
{
    [Fact]
    public void BackupThenRestore_ReturnsTheRecordToTheBackedUpState()
    {
        using var record = new TempRecord();
        record.Store.Audit.Append("note", new JsonObject { ["n"] = 1 });
        var backup = Path.Combine(record.Directory, "..", $"backup-{Guid.NewGuid():N}.db");
        try
        {
            SqliteBackup.Backup(record.Directory, backup);
            record.Clock.AdvanceSeconds(1);
            record.Store.Audit.Append("note", new JsonObject { ["n"] = 2 });
            Assert.Equal(2, record.Store.Audit.Verify().EntryCount);

            var restored = SqliteBackup.Restore(backup, record.Directory, record.Clock, forceRollback: true).Verification;
            Assert.True(restored.IsValid);
            Assert.Equal(1, restored.EntryCount);
            Assert.Single(record.Reopen().Audit.Entries());
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(backup);
        }
    }

    [Fact]
    public void Restore_TamperedBackup_IsRefusedAndTheLiveRecordIsKept()
    {
        using var record = new TempRecord();
        record.Store.Audit.Append("note", new JsonObject { ["n"] = 1 });
        record.Clock.AdvanceSeconds(1);
        record.Store.Audit.Append("note", new JsonObject { ["n"] = 2 });
        var backup = Path.Combine(record.Directory, "..", $"backup-{Guid.NewGuid():N}.db");
        try
        {
            SqliteBackup.Backup(record.Directory, backup);
            using (var connection = new SqliteConnection($"Data Source={backup};Pooling=False"))
            {
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET payload = '{\"n\":9}' WHERE seq = 1;";
                command.ExecuteNonQuery();
            }

            var e = Assert.Throws<RecordException>(() => SqliteBackup.Restore(backup, record.Directory, record.Clock));
            Assert.Contains("fails at entry 1", e.Message, StringComparison.Ordinal);
            Assert.Equal(2, record.Reopen().Audit.Verify().EntryCount);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(backup);
        }
    }

    [Fact]
    public void NewRecord_Has16KiBPages_ChecksPointsByBytes_AndCommitsFullySynchronously()
    {
        using var record = new TempRecord();
        var database = new SqliteRecordDatabase(record.Directory);
        Assert.Equal(SqliteRecordDatabase.NewFilePageSize, database.Pragma<long>("page_size"));
        Assert.Equal(SqliteRecordDatabase.WalCheckpointBytes / SqliteRecordDatabase.NewFilePageSize, database.Pragma<long>("wal_autocheckpoint"));
        Assert.Equal(2, database.Pragma<long>("synchronous")); // FULL
    }

    [Fact]
    public void RecordMadeWith4KiBPages_KeepsThem_AndStillCheckpointsEvery4MB()
    {
        using var record = RecordWithPageSize(4096);
        var store = record.Reopen();
        store.Audit.Append("note", new JsonObject { ["n"] = 1 });
        var database = new SqliteRecordDatabase(record.Directory);
        Assert.Equal(4096, database.Pragma<long>("page_size"));
        Assert.Equal(1000, database.Pragma<long>("wal_autocheckpoint"));
        Assert.True(store.Verify().IsValid);
    }

    [Theory]
    [InlineData(4096, 16384)]
    [InlineData(16384, 4096)]
    public void Restore_AcrossPageSizes_ConvertsTheBackupAndKeepsTheLiveFilesPageSize(int backupPageSize, int livePageSize)
    {
        using var source = RecordWithPageSize(backupPageSize);
        source.Reopen().Audit.Append("note", new JsonObject { ["n"] = 1 });
        using var live = RecordWithPageSize(livePageSize);
        var liveStore = live.Reopen();
        liveStore.Audit.Append("note", new JsonObject { ["n"] = 7 });
        live.Clock.AdvanceSeconds(1);
        liveStore.Audit.Append("note", new JsonObject { ["n"] = 8 });
        var backup = Path.Combine(source.Directory, "..", $"backup-{Guid.NewGuid():N}.db");
        try
        {
            SqliteBackup.Backup(source.Directory, backup);
            var restored = SqliteBackup.Restore(backup, live.Directory, live.Clock, forceRollback: true).Verification;
            Assert.True(restored.IsValid);
            Assert.Equal(1, restored.EntryCount);
            Assert.Equal(livePageSize, new SqliteRecordDatabase(live.Directory).Pragma<long>("page_size"));
            Assert.Equal("{\"n\":1}", Assert.Single(live.Reopen().Audit.Entries()).Payload);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(backup);
        }
    }

    /// <summary>An unopened record whose file was created with <paramref name="pageSize"/>-byte pages (4096: as before 16 KiB pages).</summary>
    private static TempRecord RecordWithPageSize(int pageSize)
    {
        var record = new TempRecord(open: false);
        using (var connection = new SqliteConnection($"Data Source={record.DbPath};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA page_size = {pageSize}; PRAGMA journal_mode = WAL;";
            command.ExecuteNonQuery();
        }

        return record;
    }
}
