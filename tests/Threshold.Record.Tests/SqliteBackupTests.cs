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

            var restored = SqliteBackup.Restore(backup, record.Directory, record.Clock);
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
}
