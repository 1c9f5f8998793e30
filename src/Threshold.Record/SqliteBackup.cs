using Microsoft.Data.Sqlite;

namespace Threshold.Record;

/// <summary>
/// Backup and restore of the embedded SQLite record through SQLite's online backup API: a consistent copy taken while
/// other connections may be writing, page by page, without stopping them. Neither copies a damaged file
/// (<see cref="SqliteIntegrity"/>). A restore holds the record alone (<see cref="RecordHolderLock"/>, so never under a
/// running server), checks that the backup is intact and its audit chain verifies, refuses to roll the live chain back
/// unless told to, keeps a safety copy of the live record, then replaces it in one step.
/// </summary>
public static class SqliteBackup
{
    /// <summary>
    /// Copies the record in <paramref name="dataDirectory"/> to <paramref name="backupFile"/> (overwritten), after
    /// <c>quick_check</c> finds the live file intact: a damaged record is a <see cref="RecordFaultKind.Damaged"/> fault
    /// and nothing is written.
    /// </summary>
    public static void Backup(string dataDirectory, string backupFile)
    {
        var live = Path.GetFullPath(Path.Combine(dataDirectory, SqliteRecordDatabase.FileName));
        if (!File.Exists(live))
        {
            throw new RecordException($"{live}: no record to back up");
        }

        var full = Path.GetFullPath(backupFile);
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
        {
            throw new RecordException($"{backupFile}: folder {folder} does not exist");
        }

        SqliteIntegrity.Require(live, full: false, "nothing was backed up");
        Copy(dataDirectory, full);
    }

    /// <summary>The online backup of the (checked) record into <paramref name="full"/>, through a scratch name so a failed copy leaves nothing.</summary>
    private static void Copy(string dataDirectory, string full)
    {
        var source = new SqliteRecordDatabase(dataDirectory);
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
    /// Replaces the record in <paramref name="dataDirectory"/> with <paramref name="backupFile"/>.
    /// </summary>
    /// <remarks>
    /// In order, each refusal leaving the live record untouched: a running server holds the record (a
    /// <see cref="RecordFaultKind.Unavailable"/> fault); the backup or the live file is damaged
    /// (<see cref="RecordFaultKind.Damaged"/>); the backup's chain does not verify (<see cref="RecordException"/>); the
    /// backup would roll the live chain back (<see cref="RollbackRefusedException"/>) unless
    /// <paramref name="forceRollback"/>. "Roll back" means some live entry would be lost: the backup is older (its chain
    /// is a proper prefix of the live one), forked from it or unrelated (an entry of the same seq differs in hash). A
    /// backup equal to the live chain, or extending it, loses nothing. Then a safety copy of the live record is made
    /// beside it (<see cref="SqliteRestoreResult.SafetyCopy"/>) before the backup is copied in.
    /// </remarks>
    public static SqliteRestoreResult Restore(string backupFile, string dataDirectory, NodaTime.IClock clock, bool forceRollback = false)
    {
        ArgumentNullException.ThrowIfNull(clock);
        if (!File.Exists(backupFile))
        {
            throw new RecordException($"{backupFile}: backup file not found");
        }

        // Held until the copy is in: no server can start on a half-restored file, none is running now.
        using var holder = RecordHolderLock.Exclusive(dataDirectory);

        // Open a scratch copy first: a corrupt or tampered backup must never replace a good record.
        var scratch = Path.Combine(Path.GetTempPath(), $"threshold-restore-{Guid.NewGuid():N}");
        Directory.CreateDirectory(scratch);
        try
        {
            var scratchFile = Path.Combine(scratch, SqliteRecordDatabase.FileName);
            File.Copy(backupFile, scratchFile);
            if (SqliteIntegrity.Check(scratchFile, full: true) is { IsIntact: false } damage)
            {
                throw SqliteIntegrity.Damaged(backupFile, damage.Problem!, "nothing was restored");
            }

            var check = RecordStore.Open(scratch, clock).Verify();
            if (!check.IsValid)
            {
                throw new RecordException($"{backupFile}: the backup's audit chain fails at entry {check.FailedSeq} ({check.Reason}); nothing was restored");
            }

            var live = Path.GetFullPath(Path.Combine(dataDirectory, SqliteRecordDatabase.FileName));
            string? safety = null;
            RestoreLoss? loss = null;
            if (File.Exists(live))
            {
                if (SqliteIntegrity.Check(live, full: false) is { IsIntact: false } liveDamage)
                {
                    throw SqliteIntegrity.Damaged(live, liveDamage.Problem!, "nothing was restored; move it and its -wal file aside, then restore into the emptied directory");
                }

                loss = Compare(scratchFile, live);
                if (loss is not null && !forceRollback)
                {
                    throw new RollbackRefusedException(backupFile, live, loss);
                }

                safety = SafetyCopyPath(dataDirectory, clock);
                Copy(dataDirectory, safety);
            }

            Directory.CreateDirectory(dataDirectory);
            var target = new SqliteRecordDatabase(dataDirectory);
            using (var from = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = scratchFile, Pooling = false }.ToString()))
            using (var to = (SqliteConnection)target.OpenConnection())
            {
                from.Open();
                MatchPageSize(from, to);
                from.BackupDatabase(to);
            }

            return new SqliteRestoreResult(RecordStore.Open(dataDirectory, clock).Verify(), safety, loss);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>
    /// What restoring <paramref name="backup"/> over <paramref name="live"/> would lose, or null when the live chain is a
    /// prefix of (or equal to) the backup's. Both chains are read in step by seq, so memory stays constant.
    /// </summary>
    private static RestoreLoss? Compare(string backup, string live)
    {
        using var b = ReadOnly(backup);
        using var l = ReadOnly(live);
        if (!HasTable(l, "audit_log"))
        {
            return null;
        }

        using var bq = b.CreateCommand();
        bq.CommandText = "SELECT seq, hash FROM audit_log ORDER BY seq;";
        using var lq = l.CreateCommand();
        lq.CommandText = bq.CommandText;
        using var br = bq.ExecuteReader();
        using var lr = lq.ExecuteReader();
        long backupEntries = 0;
        while (true)
        {
            var hasBackup = br.Read();
            var hasLive = lr.Read();
            if (!hasLive)
            {
                return null; // every live entry is in the backup, at the same seq with the same hash
            }

            if (!hasBackup)
            {
                return Loss(l, lr.GetInt64(0), backupEntries, RollbackKind.Older);
            }

            if (br.GetInt64(0) != lr.GetInt64(0) || !string.Equals(br.GetString(1), lr.GetString(1), StringComparison.Ordinal))
            {
                return Loss(l, lr.GetInt64(0), Count(b, "SELECT COUNT(*) FROM audit_log;"), backupEntries == 0 ? RollbackKind.Unrelated : RollbackKind.Forked);
            }

            backupEntries++;
        }
    }

    private static RestoreLoss Loss(SqliteConnection live, long fromSeq, long backupEntries, RollbackKind kind)
    {
        var seq = fromSeq.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new RestoreLoss(
            kind,
            fromSeq,
            backupEntries,
            Count(live, "SELECT COUNT(*) FROM audit_log;"),
            Count(live, $"SELECT COUNT(*) FROM audit_log WHERE seq >= {seq};"),
            HasTable(live, "screening_decision") ? Count(live, $"SELECT COUNT(*) FROM screening_decision WHERE audit_seq >= {seq};") : 0,
            HasTable(live, "ledger_event") ? Count(live, $"SELECT COUNT(*) FROM ledger_event WHERE audit_seq >= {seq};") : 0);
    }

    /// <summary><c>threshold-before-restore-YYYYMMDDTHHMMSSZ.db</c> in the data directory, numbered if that name is taken.</summary>
    private static string SafetyCopyPath(string dataDirectory, NodaTime.IClock clock)
    {
        var stamp = NodaTime.Text.InstantPattern.CreateWithInvariantCulture("uuuuMMdd'T'HHmmss'Z'").Format(clock.GetCurrentInstant());
        var folder = Path.GetFullPath(dataDirectory);
        var path = Path.Combine(folder, $"threshold-before-restore-{stamp}.db");
        for (var n = 2; File.Exists(path); n++)
        {
            path = Path.Combine(folder, $"threshold-before-restore-{stamp}-{n}.db");
        }

        return path;
    }

    private static SqliteConnection ReadOnly(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static bool HasTable(SqliteConnection connection, string table)
    {
        using var query = connection.CreateCommand();
        query.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $name;";
        query.Parameters.AddWithValue("$name", table);
        return (long)query.ExecuteScalar()! > 0;
    }

    private static long Count(SqliteConnection connection, string sql)
    {
        using var query = connection.CreateCommand();
        query.CommandText = sql;
        return (long)query.ExecuteScalar()!;
    }
}

/// <summary>How a backup's chain stands to the live one when restoring it would lose live entries.</summary>
public enum RollbackKind
{
    /// <summary>The backup's chain is a proper prefix of the live chain: it was taken before the live record's last entries.</summary>
    Older,

    /// <summary>The chains share their first entries and then differ: the backup comes from a copy that went its own way.</summary>
    Forked,

    /// <summary>The chains differ from entry 1: the backup is of another record.</summary>
    Unrelated,
}

/// <summary>What a restore loses of the live record: every live entry from <paramref name="FromSeq"/> on, and the facts they recorded.</summary>
/// <param name="Kind">How the backup's chain stands to the live one.</param>
/// <param name="FromSeq">The first live entry the backup does not have (at the same seq, with the same hash).</param>
/// <param name="BackupEntries">Audit entries in the backup.</param>
/// <param name="LiveEntries">Audit entries in the live record.</param>
/// <param name="Entries">Live audit entries lost (seq ≥ <paramref name="FromSeq"/>).</param>
/// <param name="Decisions">Stored screening decisions of those entries.</param>
/// <param name="LedgerEvents">Ledger events (return allocations) of those entries.</param>
public sealed record RestoreLoss(RollbackKind Kind, long FromSeq, long BackupEntries, long LiveEntries, long Entries, long Decisions, long LedgerEvents)
{
    /// <summary>One phrase: "3 audit entries, 120 decisions and 2 ledger events".</summary>
    public string Describe() => FormattableString.Invariant($"{Entries} audit entries, {Decisions} decisions and {LedgerEvents} ledger events");

    /// <summary>How the chains differ, in words, e.g. "the backup is older than the live record (4 of its 7 entries)".</summary>
    public string Relation() => Kind switch
    {
        RollbackKind.Older => FormattableString.Invariant($"the backup is older than the live record (it has {BackupEntries} of its {LiveEntries} audit entries)"),
        RollbackKind.Forked => FormattableString.Invariant($"the backup's audit chain forks from the live record's at entry {FromSeq} (backup {BackupEntries} entries, live {LiveEntries})"),
        _ => FormattableString.Invariant($"the backup's audit chain is unrelated to the live record's (they differ from entry 1; backup {BackupEntries} entries, live {LiveEntries})"),
    };
}

/// <summary>What <see cref="SqliteBackup.Restore"/> did.</summary>
/// <param name="Verification">The restored record's chain, verified.</param>
/// <param name="SafetyCopy">Where the live record was copied first (absolute path), or null when there was none.</param>
/// <param name="RolledBack">What was given up, when a rollback was forced; null when nothing was lost.</param>
public sealed record SqliteRestoreResult(ChainVerification Verification, string? SafetyCopy, RestoreLoss? RolledBack);

/// <summary>A restore refused because it would lose entries of the live record; nothing was written.</summary>
public sealed class RollbackRefusedException : Exception
{
    public RollbackRefusedException()
    {
    }

    public RollbackRefusedException(string message)
        : base(message)
    {
    }

    public RollbackRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The refusal, naming the backup, the live file and what would be lost.</summary>
    public RollbackRefusedException(string backupFile, string liveFile, RestoreLoss loss)
        : base($"{backupFile}: {loss?.Relation()}: restoring it over {liveFile} would lose {loss?.Describe()}; nothing was restored")
    {
        Loss = loss;
    }

    /// <summary>What the refused restore would have lost.</summary>
    public RestoreLoss? Loss { get; }
}
