using System.Security.Cryptography;
using Dapper;
using Microsoft.Data.Sqlite;
using NodaTime;
using Threshold.Returns;
using Threshold.Screening;

namespace Threshold.Record.Tests;

/// <summary>
/// Issue 15 step 2: random bytes written into a table page, an index page and the header of a real record are found
/// by <see cref="SqliteIntegrity"/>, and neither a backup nor a restore copies them or writes anything.
/// </summary>
public sealed class SqliteDamageTests
{
    public enum Where
    {
        TablePage,
        IndexPage,
        Header,
    }

    [Fact]
    public void Integrity_IntactRecord_IsIntactQuickAndFull()
    {
        using var record = RealRecord();
        Assert.True(SqliteIntegrity.Check(record.DbPath, full: false).IsIntact);
        Assert.True(SqliteIntegrity.Check(record.DbPath, full: true).IsIntact);
    }

    [Theory]
    [InlineData(Where.TablePage)]
    [InlineData(Where.IndexPage)]
    [InlineData(Where.Header)]
    public void Integrity_RandomBytesInThePage_AreFoundQuickAndFull_OnOneLine(Where where)
    {
        using var record = RealRecord();
        Damage(record.DbPath, where);

        foreach (var full in new[] { false, true })
        {
            var result = SqliteIntegrity.Check(record.DbPath, full);
            Assert.False(result.IsIntact, $"{where}, full={full}");
            Assert.DoesNotContain('\n', result.Problem!);
        }
    }

    [Theory]
    [InlineData(Where.TablePage)]
    [InlineData(Where.IndexPage)]
    [InlineData(Where.Header)]
    public void Backup_OfADamagedRecord_IsADamagedFault_AndWritesNothing(Where where)
    {
        using var record = RealRecord();
        Damage(record.DbPath, where);
        var before = Digest(record.Directory);
        var backup = Path.Combine(Path.GetTempPath(), $"threshold-damaged-backup-{Guid.NewGuid():N}.db");

        var fault = Assert.Throws<RecordFaultException>(() => SqliteBackup.Backup(record.Directory, backup));

        Assert.Equal(RecordFaultKind.Damaged, fault.Kind);
        Assert.Contains(record.DbPath, fault.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was backed up", fault.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(backup));
        Assert.False(File.Exists(backup + ".partial"));
        Assert.Equal(before, Digest(record.Directory));
    }

    [Theory]
    [InlineData(Where.TablePage)]
    [InlineData(Where.IndexPage)]
    [InlineData(Where.Header)]
    public void Restore_OfADamagedBackup_IsADamagedFault_AndTheLiveRecordIsUntouched(Where where)
    {
        using var source = RealRecord();
        using var live = RealRecord();
        var backup = Path.Combine(Path.GetTempPath(), $"threshold-damaged-backup-{Guid.NewGuid():N}.db");
        try
        {
            SqliteBackup.Backup(source.Directory, backup);
            Damage(backup, where);
            var before = Digest(live.Directory);

            var fault = Assert.Throws<RecordFaultException>(() => SqliteBackup.Restore(backup, live.Directory, live.Clock, forceRollback: true));

            Assert.Equal(RecordFaultKind.Damaged, fault.Kind);
            Assert.StartsWith(backup + ": the database file is damaged", fault.Message, StringComparison.Ordinal);
            Assert.Equal(before, Digest(live.Directory));
            Assert.True(live.Reopen().Verify().IsValid);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(backup);
        }
    }

    [Theory]
    [InlineData(Where.TablePage)]
    [InlineData(Where.Header)]
    public void Restore_OverADamagedLiveRecord_IsRefusedNamingIt_AndWritesNothing(Where where)
    {
        using var live = RealRecord();
        var backup = Path.Combine(Path.GetTempPath(), $"threshold-backup-{Guid.NewGuid():N}.db");
        try
        {
            SqliteBackup.Backup(live.Directory, backup);
            Damage(live.DbPath, where);
            var before = Digest(live.Directory);

            var fault = Assert.Throws<RecordFaultException>(() => SqliteBackup.Restore(backup, live.Directory, live.Clock, forceRollback: true));

            Assert.Equal(RecordFaultKind.Damaged, fault.Kind);
            Assert.StartsWith(live.DbPath + ": the database file is damaged", fault.Message, StringComparison.Ordinal);
            Assert.Equal(before, Digest(live.Directory));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(backup);
        }
    }

    [Fact]
    public void Damage_MetByAQuery_IsADamagedStorageFault()
    {
        using var record = RealRecord();
        Damage(record.DbPath, Where.Header);
        var e = Assert.ThrowsAny<Exception>(() => record.Reopen().Verify());
        var fault = RecordFaultException.From(e, "the record");
        Assert.NotNull(fault);
        Assert.Equal(RecordFaultKind.Damaged, fault.Kind);
    }

    /// <summary>
    /// A record built through the public stores: a 400-day series (several table and index pages), decisions, ledger
    /// allocations and a determination, checkpointed so every page is in the main file.
    /// </summary>
    internal static TempRecord RealRecord()
    {
        var record = new TempRecord();
        record.Store.Encounters.ImportFile("daily", record.WriteCsv("daily.csv", new LocalDate(2024, 1, 1), [.. Enumerable.Range(0, 400).Select(i => 1000 + (i * 7 % 3000))]));
        var processor = new CaseProcessor(RecordFixtures.Screener, new ReturnsLedger(RecordFixtures.SmallCaps, recordEvents: false));
        var cases = new[] { RecordFixtures.Case("d-1", "MX", 4), RecordFixtures.Case("d-2", "EC", 4), RecordFixtures.Case("d-3", "HN", 5) };
        new DecisionRecord(record.Store, record.Clock).StoreMany([.. cases.Select(c => (processor.Process(c), c))], "rules-1", "engine-1");
        var ledger = new LedgerRecord(record.Store, RecordFixtures.SmallCaps, record.Clock);
        ledger.Allocate(new ReturnRequest("l-1", "VE", RecordFixtures.June(10), false));
        ledger.Allocate(new ReturnRequest("l-2", "EC", RecordFixtures.June(11), false));
        record.Store.Determinations.RecordDetermination(new LocalDate(2024, 7, 1), Threshold.Engine.DeterminationKind.Deactivation, new LocalDate(2024, 6, 24), new LocalDate(2024, 6, 30), "tests");
        Checkpoint(record.DbPath);
        return record;
    }

    /// <summary>Moves every committed page from the WAL into the main file, so bytes written there are what readers read.</summary>
    internal static void Checkpoint(string dbPath)
    {
        using (var connection = new SqliteConnection($"Data Source={dbPath};Pooling=False"))
        {
            connection.Open();
            connection.Execute("PRAGMA wal_checkpoint(TRUNCATE);");
        }

        SqliteConnection.ClearAllPools();
    }

    /// <summary>
    /// Overwrites with seeded random bytes: a whole leaf page of <c>encounter_day</c>, a whole page of its index, or the
    /// first 100 bytes (the header). Pages are found from <c>sqlite_master.rootpage</c> and <c>PRAGMA page_size</c>.
    /// </summary>
    internal static void Damage(string dbPath, Where where)
    {
        long offset;
        int length;
        using (var connection = new SqliteConnection($"Data Source={dbPath};Mode=ReadOnly;Pooling=False"))
        {
            connection.Open();
            var pageSize = connection.ExecuteScalar<long>("PRAGMA page_size;");
            var page = where switch
            {
                Where.TablePage => connection.ExecuteScalar<long>("SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = 'encounter_day';"),
                Where.IndexPage => connection.ExecuteScalar<long>("SELECT rootpage FROM sqlite_master WHERE type = 'index' AND tbl_name = 'encounter_day' AND sql IS NOT NULL LIMIT 1;"),
                _ => 1,
            };
            Assert.True(page > 1 || where == Where.Header, $"no page found for {where}");
            offset = (page - 1) * pageSize;
            length = where == Where.Header ? 100 : (int)pageSize;
        }

        SqliteConnection.ClearAllPools();
        var bytes = new byte[length];
        new Random(15 + (int)where).NextBytes(bytes);
        using var file = new FileStream(dbPath, FileMode.Open, FileAccess.Write);
        file.Position = offset;
        file.Write(bytes);
    }

    /// <summary>
    /// SHA-256 of the record's data: the database file and its WAL (the -shm index is rebuilt by any reader, a reader
    /// may leave an empty WAL behind, and the holder lock file holds no data), to prove nothing was written.
    /// </summary>
    internal static string Digest(string folder)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var path in new[] { SqliteRecordDatabase.FileName, SqliteRecordDatabase.FileName + "-wal" }.Select(n => Path.Combine(folder, n)).Where(p => File.Exists(p) && new FileInfo(p).Length > 0))
        {
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(path)));
            sha.AppendData(File.ReadAllBytes(path));
        }

        return Convert.ToHexString(sha.GetHashAndReset());
    }
}
