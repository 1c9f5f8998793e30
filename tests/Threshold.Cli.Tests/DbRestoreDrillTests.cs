using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using NodaTime;
using Threshold.Record;

namespace Threshold.Cli.Tests;

/// <summary>
/// Issue 15 steps 2 and 3 through <c>./threshold</c>: <c>db backup</c>, <c>db restore</c> and <c>serve</c> refuse a
/// damaged record with exit 4 and one line; a restore refuses older, forked and unrelated backups (exit 2) unless
/// <c>--force-rollback</c>, which prints the loss; a safety copy is always kept; a live server's record is refused.
/// </summary>
public sealed class DbRestoreDrillTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        temp.Dispose();
    }

    [Fact]
    public void Restore_OlderBackup_ExitsTwoNamingTheLoss_ForcedItPrintsTheLossAndTheSafetyCopy()
    {
        var live = temp.PathOf("live");
        var backup = temp.PathOf("older.db");
        Append(live, 3);
        Ok(Cli.Run("db", "backup", backup, "--data-dir", live));
        Append(live, 2);

        var refused = Cli.Run("db", "restore", backup, "--data-dir", live);
        Assert.True(refused.ExitCode == ExitCodes.BadInput, refused.ToString());
        Assert.StartsWith($"threshold: {backup}: the backup is older than the live record (it has 3 of its 5 audit entries)", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("would lose 2 audit entries, 0 decisions and 0 ledger events; nothing was restored", refused.Stderr, StringComparison.Ordinal);
        Assert.Single(refused.Stderr.TrimEnd().Split('\n'));
        Assert.Equal(string.Empty, refused.Stdout);
        Assert.Empty(SafetyCopies(live));

        var forced = Cli.Run("db", "restore", backup, "--data-dir", live, "--force-rollback");
        Ok(forced);
        var safety = Assert.Single(SafetyCopies(live));
        Assert.Contains($"safety copy of the live record: {safety}", forced.Stdout, StringComparison.Ordinal);
        Assert.Contains("rolled back: the backup is older than the live record (it has 3 of its 5 audit entries); lost 2 audit entries, 0 decisions and 0 ledger events (live entries 4 to 5, kept in the safety copy)", forced.Stdout, StringComparison.Ordinal);
        Assert.Contains("restored " + backup + ": 3 audit entries verified", forced.Stdout, StringComparison.Ordinal);
        Ok(Cli.Run("audit", "verify", "--data-dir", live));
    }

    [Fact]
    public void Restore_ForkedAndUnrelatedBackups_ExitTwo_AndTheLiveRecordIsUnchanged()
    {
        var live = temp.PathOf("live");
        var fork = temp.PathOf("fork");
        var stranger = temp.PathOf("stranger");
        var backup = temp.PathOf("b.db");
        Append(live, 2);
        Ok(Cli.Run("db", "backup", backup, "--data-dir", live));
        Ok(Cli.Run("db", "restore", backup, "--data-dir", fork));
        Append(live, 1);
        Append(fork, 2);
        Append(stranger, 1);
        var head = Head(live);

        Ok(Cli.Run("db", "backup", backup, "--data-dir", fork));
        var forked = Cli.Run("db", "restore", backup, "--data-dir", live);
        Assert.True(forked.ExitCode == ExitCodes.BadInput, forked.ToString());
        Assert.StartsWith($"threshold: {backup}: the backup's audit chain forks from the live record's at entry 3 (backup 4 entries, live 3)", forked.Stderr, StringComparison.Ordinal);

        Ok(Cli.Run("db", "backup", backup, "--data-dir", stranger));
        var unrelated = Cli.Run("db", "restore", backup, "--data-dir", live);
        Assert.True(unrelated.ExitCode == ExitCodes.BadInput, unrelated.ToString());
        Assert.StartsWith($"threshold: {backup}: the backup's audit chain is unrelated to the live record's", unrelated.Stderr, StringComparison.Ordinal);
        Assert.Contains("would lose 3 audit entries", unrelated.Stderr, StringComparison.Ordinal);

        Assert.Equal(head, Head(live));
        Assert.Empty(SafetyCopies(live));
    }

    [Fact]
    public void BackupAndRestore_OfADamagedFile_ExitFour_OneLine_WritingNothing()
    {
        var live = temp.PathOf("live");
        var backup = temp.PathOf("good.db");
        Append(live, 2);
        Ok(Cli.Run("db", "backup", backup, "--data-dir", live));
        var damagedBackup = temp.PathOf("damaged.db");
        File.Copy(backup, damagedBackup);
        DamageHeader(damagedBackup);

        var restore = Cli.Run("db", "restore", damagedBackup, "--data-dir", live, "--force-rollback");
        Assert.True(restore.ExitCode == ExitCodes.RecordUnavailable, restore.ToString());
        Assert.Equal($"threshold: {damagedBackup}: the database file is damaged (file is not a database); nothing was restored", restore.Stderr.TrimEnd());
        Assert.Empty(SafetyCopies(live));

        var liveFile = Path.Combine(live, SqliteRecordDatabase.FileName);
        DamageHeader(liveFile);
        var bytes = File.ReadAllBytes(liveFile);
        var copy = temp.PathOf("never.db");
        var refusedBackup = Cli.Run("db", "backup", copy, "--data-dir", live);
        Assert.True(refusedBackup.ExitCode == ExitCodes.RecordUnavailable, refusedBackup.ToString());
        Assert.StartsWith($"threshold: {liveFile}: the database file is damaged (file is not a database); nothing was backed up", refusedBackup.Stderr, StringComparison.Ordinal);
        Assert.Single(refusedBackup.Stderr.TrimEnd().Split('\n'));
        Assert.False(File.Exists(copy));

        var refusedRestore = Cli.Run("db", "restore", backup, "--data-dir", live, "--force-rollback");
        Assert.True(refusedRestore.ExitCode == ExitCodes.RecordUnavailable, refusedRestore.ToString());
        Assert.StartsWith($"threshold: {liveFile}: the database file is damaged", refusedRestore.Stderr, StringComparison.Ordinal);
        Assert.Equal(bytes, File.ReadAllBytes(liveFile));

        var verify = Cli.Run("audit", "verify", "--data-dir", live);
        Assert.True(verify.ExitCode == ExitCodes.RecordUnavailable, verify.ToString());
        Assert.Single(verify.Stderr.TrimEnd().Split('\n'));
    }

    [Fact]
    public void Serve_OnADamagedRecord_ExitsFourNamingTheDamage_AndIsNeverReady()
    {
        var live = temp.PathOf("live");
        Append(live, 1);
        var liveFile = Path.Combine(live, SqliteRecordDatabase.FileName);
        DamageHeader(liveFile);
        var bytes = File.ReadAllBytes(liveFile);

        var (exit, output, ready) = ServerProcess.StartExpectingFailure(["--data-dir", live]);

        Assert.True(exit == ExitCodes.RecordUnavailable, $"exit {exit}\n{output}");
        Assert.Contains($"threshold: {liveFile}: the database file is damaged (file is not a database); the server did not start", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.False(ready);
        Assert.Equal(bytes, File.ReadAllBytes(liveFile));
    }

    [Fact]
    public void Restore_WhileServeRuns_ExitsFourNamingTheLock_AndAfterTheServerStopsSucceeds()
    {
        var live = temp.PathOf("live");
        var backup = temp.PathOf("b.db");
        Append(live, 1);
        Ok(Cli.Run("db", "backup", backup, "--data-dir", live));
        using (ServerProcess.StartReady(["--data-dir", live]))
        {
            var refused = Cli.Run("db", "restore", backup, "--data-dir", live);
            Assert.True(refused.ExitCode == ExitCodes.RecordUnavailable, refused.ToString());
            Assert.Equal($"threshold: {Path.Combine(live, RecordHolderLock.FileName)}: a running server holds this record (threshold serve); stop it first: nothing was restored", refused.Stderr.TrimEnd());
            Assert.Empty(SafetyCopies(live));
        }

        Ok(Cli.Run("db", "restore", backup, "--data-dir", live, "--force-rollback"));
    }

    /// <summary>Appends <paramref name="count"/> audit entries through the library, as any command that records would.</summary>
    private static void Append(string dataDirectory, int count)
    {
        var store = RecordStore.Open(dataDirectory, SystemClock.Instance);
        for (var i = 0; i < count; i++)
        {
            store.Audit.Append("note", new JsonObject { ["dir"] = Path.GetFileName(dataDirectory), ["n"] = i, ["id"] = Guid.NewGuid().ToString("N") });
        }

        SqliteConnection.ClearAllPools();
    }

    private static string Head(string dataDirectory) => RecordStore.Open(dataDirectory, SystemClock.Instance).Audit.Verify().HeadHash;

    /// <summary>Random bytes over the 100-byte header, after checkpointing so the file alone is what readers see.</summary>
    private static void DamageHeader(string file)
    {
        using (var connection = new SqliteConnection($"Data Source={file};Pooling=False"))
        {
            connection.Open();
            using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            checkpoint.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();
        var header = new byte[100];
        new Random(15).NextBytes(header);
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Write);
        stream.Write(header);
    }

    private static string[] SafetyCopies(string dataDirectory) =>
        Directory.Exists(dataDirectory) ? Directory.GetFiles(dataDirectory, "threshold-before-restore-*.db") : [];

    private static void Ok(CliResult result) => Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
}
