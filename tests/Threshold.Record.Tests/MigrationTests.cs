using NodaTime;

namespace Threshold.Record.Tests;

public class MigrationTests
{
    [Fact]
    public void Open_EmptyDirectory_MigratesToLatestVersion()
    {
        using var record = new TempRecord();
        var latest = Migrations.Embedded("Sqlite")[^1].Version;
        Assert.Equal(0, record.Store.Migration.FromVersion);
        Assert.Equal(latest, record.Store.Migration.ToVersion);
        Assert.Equal(latest, record.Store.Migration.Applied.Count);
        Assert.True(File.Exists(record.DbPath));
        Assert.Equal(latest, record.Scalar("SELECT MAX(version) FROM schema_version"));
        Assert.Equal(1, record.Scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'audit_log'"));
    }

    [Fact]
    public void Open_AlreadyMigrated_IsNoOp()
    {
        using var record = new TempRecord();
        var rows = record.Scalar("SELECT COUNT(*) FROM schema_version");
        record.Clock.Advance(Duration.FromDays(1));
        var again = record.Reopen();
        Assert.Empty(again.Migration.Applied);
        Assert.Equal(again.Migration.FromVersion, again.Migration.ToVersion);
        Assert.Equal(rows, record.Scalar("SELECT COUNT(*) FROM schema_version"));
        // applied_at still the first opening's instant
        Assert.Equal(0, record.Scalar("SELECT COUNT(*) FROM schema_version WHERE applied_at > '2025-01-20T12:00:00.000000Z'"));
    }

    [Fact]
    public void Open_Database_UsesWalForeignKeysAndBusyTimeout()
    {
        using var record = new TempRecord();
        var database = Assert.IsType<SqliteRecordDatabase>(record.Store.Database);
        Assert.Equal("wal", database.Pragma<string>("journal_mode"), ignoreCase: true);
        Assert.Equal(1L, database.Pragma<long>("foreign_keys"));
        Assert.Equal(SqliteRecordDatabase.BusyTimeoutMilliseconds, database.Pragma<long>("busy_timeout"));
    }

    [Fact]
    public void Open_EditedMigrationChecksum_IsRefused()
    {
        using var record = new TempRecord();
        record.Sql("UPDATE schema_version SET checksum = 'x' WHERE version = 1");
        var error = Assert.Throws<RecordException>(() => record.Reopen());
        Assert.Contains("checksum", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_DatabaseFromNewerBuild_IsRefused()
    {
        using var record = new TempRecord();
        record.Sql("INSERT INTO schema_version (version, name, checksum, applied_at) VALUES (999, 'future', 'x', '2030-01-01T00:00:00.000000Z')");
        var error = Assert.Throws<RecordException>(() => record.Reopen());
        Assert.Contains("newer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Embedded_SqliteSet_IsNumberedWithoutGaps()
    {
        var migrations = Migrations.Embedded("Sqlite");
        Assert.Equal(Enumerable.Range(1, migrations.Count), migrations.Select(m => m.Version));
        Assert.All(migrations, m => Assert.Equal(64, m.Checksum.Length));
    }
}
