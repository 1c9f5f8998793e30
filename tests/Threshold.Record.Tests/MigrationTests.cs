using NodaTime;

namespace Threshold.Record.Tests;

public abstract class MigrationTests(Backend backend)
{
    [Fact]
    public void Open_EmptyDirectory_MigratesToLatestVersion()
    {
        using var record = new TempRecord(backend);
        var latest = Migrations.Embedded(record.Store.Database.MigrationSet)[^1].Version;
        Assert.Equal(0, record.Store.Migration.FromVersion);
        Assert.Equal(latest, record.Store.Migration.ToVersion);
        Assert.Equal(latest, record.Store.Migration.Applied.Count);
        Assert.Equal(latest, record.Scalar("SELECT MAX(version) FROM schema_version"));
        Assert.Equal(0, record.Scalar("SELECT COUNT(*) FROM audit_log"));
        Assert.Equal(0, record.Scalar("SELECT COUNT(*) FROM ledger_event"));
        Assert.Equal(0, record.Scalar("SELECT COUNT(*) FROM khsm_monthly"));
    }

    [Fact]
    public void Open_AlreadyMigrated_IsNoOp()
    {
        using var record = new TempRecord(backend);
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
    public void Open_EditedMigrationChecksum_IsRefused()
    {
        using var record = new TempRecord(backend);
        record.Sql("UPDATE schema_version SET checksum = 'x' WHERE version = 1");
        var error = Assert.Throws<RecordException>(() => record.Reopen());
        Assert.Contains("checksum", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_DatabaseFromNewerBuild_IsRefused()
    {
        using var record = new TempRecord(backend);
        record.Sql("INSERT INTO schema_version (version, name, checksum, applied_at) VALUES (999, 'future', 'x', '2030-01-01T00:00:00.000000Z')");
        var error = Assert.Throws<RecordException>(() => record.Reopen());
        Assert.Contains("newer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_TwoProcessesAtOnce_MigrateOnceWithoutError()
    {
        using var record = new TempRecord(backend, open: false);
        var opened = Enumerable.Range(0, 4).AsParallel().WithDegreeOfParallelism(4).Select(_ => record.Reopen()).ToList();
        var latest = Migrations.Embedded(opened[0].Database.MigrationSet)[^1].Version;
        Assert.Single(opened, o => o.Migration.Applied.Count == latest); // exactly one applied them; the rest waited and found nothing to do
        Assert.All(opened, o => Assert.Equal(latest, o.Migration.ToVersion));
        Assert.Equal(latest, record.Scalar("SELECT COUNT(*) FROM schema_version"));
    }
}

public sealed class MigrationTestsOnSqlite() : MigrationTests(Backend.Sqlite)
{
    [Fact]
    public void Open_Database_UsesWalForeignKeysAndBusyTimeout()
    {
        using var record = new TempRecord(Backend.Sqlite);
        var database = Assert.IsType<SqliteRecordDatabase>(record.Store.Database);
        Assert.Equal("wal", database.Pragma<string>("journal_mode"), ignoreCase: true);
        Assert.Equal(1L, database.Pragma<long>("foreign_keys"));
        Assert.Equal(SqliteRecordDatabase.BusyTimeoutMilliseconds, database.Pragma<long>("busy_timeout"));
    }
}

/// <summary>The two embedded migration sets: numbered without gaps, and the same tables in both.</summary>
public sealed class MigrationSetTests
{
    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public void Embedded_Set_IsNumberedWithoutGaps(string set)
    {
        var migrations = Migrations.Embedded(set);
        Assert.Equal(Enumerable.Range(1, migrations.Count), migrations.Select(m => m.Version));
        Assert.All(migrations, m => Assert.Equal(64, m.Checksum.Length));
    }

    [Fact]
    public void Embedded_Sets_HaveTheSameMigrationsAndTables()
    {
        static IEnumerable<string> Tables(Migration m) => System.Text.RegularExpressions.Regex.Matches(m.Sql, @"CREATE TABLE (\w+)").Select(x => x.Groups[1].Value)
            .Where(t => !System.Text.RegularExpressions.Regex.IsMatch(t, @"_\d{4}$")); // SQLite's rebuild copies, e.g. screening_decision_0004
        var sqlite = Migrations.Embedded("Sqlite");
        var postgres = Migrations.Embedded("Postgres");
        Assert.Equal(sqlite.Select(m => m.Name), postgres.Select(m => m.Name));
        Assert.Equal(sqlite.Select(m => string.Join(",", Tables(m))), postgres.Select(m => string.Join(",", Tables(m))));
    }
}

public sealed class MigrationTestsOnPostgres() : MigrationTests(Backend.Postgres);
