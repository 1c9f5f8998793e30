using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Threshold.Returns;

namespace Threshold.Record.Tests;

/// <summary>
/// Issue 15 step 3, in the library: a restore never silently rolls the live chain back (older, forked and unrelated
/// backups are refused and counted), always keeps a safety copy first, and is refused while a server holds the record.
/// </summary>
public sealed class RestoreDrillTests : IDisposable
{
    private readonly string backup = Path.Combine(Path.GetTempPath(), $"threshold-drill-backup-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(backup);
    }

    [Fact]
    public void Restore_OlderBackup_IsRefusedCountingTheLoss_AndWritesNothing()
    {
        using var live = SqliteDamageTests.RealRecord();
        SqliteBackup.Backup(live.Directory, backup);
        var backedUp = live.Store.Verify().EntryCount;
        AllocateTwo(live);
        var before = SqliteDamageTests.Digest(live.Directory);

        var refused = Assert.Throws<RollbackRefusedException>(() => SqliteBackup.Restore(backup, live.Directory, live.Clock));

        var loss = refused.Loss!;
        Assert.Equal(RollbackKind.Older, loss.Kind);
        Assert.Equal(backedUp + 1, loss.FromSeq);
        Assert.Equal((2L, 0L, 2L), (loss.Entries, loss.Decisions, loss.LedgerEvents));
        Assert.StartsWith($"{backup}: the backup is older than the live record", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', refused.Message);
        Assert.Equal(before, SqliteDamageTests.Digest(live.Directory));
        Assert.Empty(SafetyCopies(live));
    }

    [Fact]
    public void Restore_ForkedBackup_IsRefused_AndForcedItReportsTheLossAndKeepsASafetyCopy()
    {
        using var live = SqliteDamageTests.RealRecord();
        var common = live.Store.Verify().EntryCount;
        SqliteBackup.Backup(live.Directory, backup);
        AllocateTwo(live);
        var liveHead = live.Store.Verify().HeadHash;

        // The fork: the backup, restored elsewhere, went on with an entry of its own.
        using var other = new TempRecord();
        SqliteBackup.Restore(backup, other.Directory, other.Clock);
        other.Clock.AdvanceSeconds(3600);
        other.Reopen().Audit.Append("note", new JsonObject { ["fork"] = true });
        SqliteBackup.Backup(other.Directory, backup);

        var refused = Assert.Throws<RollbackRefusedException>(() => SqliteBackup.Restore(backup, live.Directory, live.Clock));
        Assert.Equal(RollbackKind.Forked, refused.Loss!.Kind);
        Assert.Equal(common + 1, refused.Loss.FromSeq);
        Assert.Contains($"forks from the live record's at entry {common + 1}", refused.Message, StringComparison.Ordinal);

        var result = SqliteBackup.Restore(backup, live.Directory, live.Clock, forceRollback: true);

        Assert.Equal((2L, 0L, 2L), (result.RolledBack!.Entries, result.RolledBack.Decisions, result.RolledBack.LedgerEvents));
        Assert.True(result.Verification.IsValid);
        Assert.Equal(common + 1, result.Verification.EntryCount);
        var safety = Assert.Single(SafetyCopies(live));
        Assert.Equal(safety, result.SafetyCopy);
        Assert.Equal(liveHead, HeadOf(safety));
    }

    [Fact]
    public void Restore_UnrelatedBackup_IsRefusedFromEntryOne()
    {
        using var live = SqliteDamageTests.RealRecord();
        using var stranger = new TempRecord();
        stranger.Store.Audit.Append("note", new JsonObject { ["n"] = 1 });
        SqliteBackup.Backup(stranger.Directory, backup);

        var refused = Assert.Throws<RollbackRefusedException>(() => SqliteBackup.Restore(backup, live.Directory, live.Clock));

        Assert.Equal(RollbackKind.Unrelated, refused.Loss!.Kind);
        Assert.Equal(1, refused.Loss.FromSeq);
        Assert.Equal(live.Store.Verify().EntryCount, refused.Loss.Entries);
        Assert.Equal(3, refused.Loss.Decisions);
        Assert.Equal(2, refused.Loss.LedgerEvents);
    }

    [Fact]
    public void Restore_SameOrNewerBackup_LosesNothing_AndStillKeepsASafetyCopy()
    {
        using var live = SqliteDamageTests.RealRecord();
        SqliteBackup.Backup(live.Directory, backup);

        var same = SqliteBackup.Restore(backup, live.Directory, live.Clock);
        Assert.Null(same.RolledBack);
        Assert.NotNull(same.SafetyCopy);
        Assert.True(File.Exists(same.SafetyCopy));

        // A newer backup: the live record was rolled back to an older state, and the backup extends it.
        using var newer = new TempRecord();
        SqliteBackup.Restore(backup, newer.Directory, newer.Clock);
        AllocateTwo(newer);
        SqliteBackup.Backup(newer.Directory, backup);
        live.Clock.AdvanceSeconds(1);
        var extended = SqliteBackup.Restore(backup, live.Directory, live.Clock);
        Assert.Null(extended.RolledBack);
        Assert.Equal(newer.Store.Verify().HeadHash, extended.Verification.HeadHash);
        Assert.Equal(2, SafetyCopies(live).Length);
    }

    [Fact]
    public void Restore_WhileAServerHoldsTheRecord_IsRefusedNamingTheLock_AndAfterwardsSucceeds()
    {
        using var live = SqliteDamageTests.RealRecord();
        SqliteBackup.Backup(live.Directory, backup);
        var before = SqliteDamageTests.Digest(live.Directory);

        using (RecordHolderLock.Share(live.Directory))
        using (RecordHolderLock.Share(live.Directory)) // two servers may share one record
        {
            var fault = Assert.Throws<RecordFaultException>(() => SqliteBackup.Restore(backup, live.Directory, live.Clock));
            Assert.Equal(RecordFaultKind.Unavailable, fault.Kind);
            Assert.Contains(RecordHolderLock.FileName, fault.Message, StringComparison.Ordinal);
            Assert.Contains("a running server holds this record", fault.Message, StringComparison.Ordinal);
            Assert.Equal(before, SqliteDamageTests.Digest(live.Directory));
            Assert.Empty(SafetyCopies(live));
        }

        Assert.True(SqliteBackup.Restore(backup, live.Directory, live.Clock).Verification.IsValid);
    }

    [Fact]
    public void Server_CannotTakeTheRecordWhileARestoreHoldsIt()
    {
        using var record = new TempRecord();
        using var restoring = RecordHolderLock.Exclusive(record.Directory);
        var fault = Assert.Throws<RecordFaultException>(() => RecordHolderLock.Share(record.Directory));
        Assert.Contains("a db restore is replacing this record", fault.Message, StringComparison.Ordinal);
    }

    private static void AllocateTwo(TempRecord record)
    {
        record.Clock.AdvanceSeconds(60);
        var ledger = new LedgerRecord(record.Reopen(), RecordFixtures.SmallCaps, record.Clock);
        ledger.Allocate(new ReturnRequest($"late-{Guid.NewGuid():N}", "VE", RecordFixtures.June(12), false));
        ledger.Allocate(new ReturnRequest($"late-{Guid.NewGuid():N}", "EC", RecordFixtures.June(13), false));
    }

    private static string[] SafetyCopies(TempRecord record) => Directory.GetFiles(record.Directory, "threshold-before-restore-*.db");

    private static string HeadOf(string file)
    {
        using var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var query = connection.CreateCommand();
        query.CommandText = "SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1;";
        return (string)query.ExecuteScalar()!;
    }
}
