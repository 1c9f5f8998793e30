using NodaTime;

namespace Threshold.Record;

/// <summary>
/// The record of one deployment: the decision log, the bitemporal encounter data and the recorded determinations,
/// over one <see cref="IRecordDatabase"/>. Opening applies any pending schema migrations. Every "recorded at"
/// instant comes from the injected <see cref="IClock"/>.
/// </summary>
public sealed class RecordStore
{
    private readonly IClock clock;

    private RecordStore(IRecordDatabase database, IClock clock, MigrationResult migration)
    {
        Database = database;
        this.clock = clock;
        Migration = migration;
        Audit = new AuditChain(database, clock);
        Encounters = new EncounterRecord(database, clock);
        Determinations = new DeterminationRecord(database, clock);
    }

    public IRecordDatabase Database { get; }

    /// <summary>What opening did to the schema (nothing, on a database already at the latest version).</summary>
    public MigrationResult Migration { get; }

    public IAuditLog Audit { get; }

    public IEncounterRecord Encounters { get; }

    public IDeterminationRecord Determinations { get; }

    /// <summary>
    /// Verifies the whole record: the hash chain (<see cref="IAuditLog.Verify()"/>), every stored decision and trace
    /// against the entry that records it (<see cref="DecisionRecord.VerifyFacts()"/>), then every other stored fact —
    /// series days, monthly rows, determinations, API keys, ledger events — against its entry's digest, with every row
    /// belonging to exactly one entry (<see cref="RecordFacts"/>). The result names the first entry that fails, and the
    /// table and row involved. Each step streams or pages, so memory does not grow with the record. On SQLite it first
    /// runs <c>PRAGMA quick_check</c> (<c>integrity_check</c> when <paramref name="full"/>): a damaged file is a
    /// <see cref="RecordFaultKind.Damaged"/> fault (exit 4, 503), never "verified".
    /// </summary>
    /// <param name="full">On SQLite, run integrity_check rather than quick_check.</param>
    /// <param name="from">
    /// Resume from a verified checkpoint (an earlier verification's head): the chain, decisions and facts after it
    /// only. Rows bound to entries up to the checkpoint are not re-read, so a periodic full verification still matters.
    /// </param>
    /// <param name="progress">Given the number of chain entries checked since its last call, as the walk goes (see <see cref="IAuditLog.Verify(VerifiedCheckpoint?, Action{long})"/>).</param>
    public ChainVerification Verify(bool full = false, VerifiedCheckpoint? from = null, Action<long>? progress = null)
    {
        if (Database is SqliteRecordDatabase sqlite)
        {
            SqliteIntegrity.Require(sqlite.FilePath, full, "nothing was verified");
        }

        var chain = progress is not null ? Audit.Verify(from, progress) : from is null ? Audit.Verify() : Audit.Verify(from);
        if (!chain.IsValid)
        {
            return chain;
        }

        var after = from?.Seq ?? 0;
        if (new DecisionRecord(this, clock).VerifyFacts(after) is { } failure)
        {
            return chain with { FailedSeq = failure.Seq, Failure = ChainFailure.FactMismatch, Reason = failure.Reason, Table = "screening_decision" };
        }

        var legacy = new LegacyFacts();
        using var connection = Database.OpenConnection();
        using var transaction = Database.BeginRead(connection);
        if (RecordFacts.Verify(connection, transaction, legacy, after) is { } fact)
        {
            return chain with { FailedSeq = fact.Seq, Failure = ChainFailure.FactMismatch, Reason = fact.Reason, Table = fact.Table, Row = fact.Row, Legacy = legacy.Describe() };
        }

        return chain with { Legacy = legacy.Describe() };
    }

    /// <summary>
    /// For a verified replay from the record: every import of <paramref name="seriesName"/> still hashes into the chain
    /// and still binds its days, and no day of the series lies outside them. Throws <see cref="RecordVerificationException"/>.
    /// </summary>
    public void VerifySeries(string seriesName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(seriesName);
        VerifyRead(
            "import",
            p => p["series"] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var s) && s == seriesName,
            "encounter_day",
            "SELECT COUNT(*) FROM encounter_day WHERE series_name = @Name",
            new { Name = seriesName },
            $"series '{seriesName}'");
    }

    /// <summary>For a verified ledger read (the caps' committed use): every allocation still matches its entry, and none was added or deleted.</summary>
    public void VerifyLedger() =>
        VerifyRead("ledger-allocation", _ => true, "ledger_event", "SELECT COUNT(*) FROM ledger_event", null, "the returns ledger");

    /// <summary>For a verified key lookup: the key's creation (role, hash) and revocation still match their entries.</summary>
    public void VerifyKey(string keyId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keyId);
        bool Names(System.Text.Json.Nodes.JsonObject p) => p["keyId"] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var s) && s == keyId;
        VerifyRead("api-key-created", Names, "api_key", "SELECT COUNT(*) FROM api_key WHERE key_id = @Id", new { Id = keyId }, $"API key {keyId}");
        VerifyRead("api-key-revoked", Names, "api_key (revocation)", "SELECT COUNT(*) FROM api_key WHERE key_id = @Id AND revoked_audit_seq IS NOT NULL", new { Id = keyId }, $"API key {keyId}");
    }

    private void VerifyRead(string kind, Func<System.Text.Json.Nodes.JsonObject, bool> selects, string table, string countSql, object? args, string what)
    {
        using var connection = Database.OpenConnection();
        using var transaction = Database.BeginRead(connection);
        if (RecordFacts.VerifySubset(connection, transaction, kind, selects, table, countSql, args) is { } failure)
        {
            throw new RecordVerificationException(failure, $"{what} fails verification: {failure.Reason}");
        }
    }

    /// <summary>Opens (creating if need be) the SQLite record <c>threshold.db</c> in <paramref name="dataDirectory"/>.</summary>
    public static RecordStore Open(string dataDirectory, IClock clock) => Open(new SqliteRecordDatabase(dataDirectory), clock);

    /// <summary>Opens the record on any backend, applying its pending migrations in one transaction.</summary>
    public static RecordStore Open(IRecordDatabase database, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(clock);
        var migration = Migrations.Apply(database, Migrations.Embedded(database.MigrationSet), clock);
        return new RecordStore(database, clock, migration);
    }
}
