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
    /// Verifies the whole record: the hash chain (<see cref="IAuditLog.Verify"/>), every stored decision and trace
    /// against the entry that records it (<see cref="DecisionRecord.VerifyFacts"/>), then every other stored fact —
    /// series days, monthly rows, determinations, API keys, ledger events — against its entry's digest, with every row
    /// belonging to exactly one entry (<see cref="RecordFacts"/>). The result names the first entry that fails, and the
    /// table and row involved. Each step streams or pages, so memory does not grow with the record.
    /// </summary>
    public ChainVerification Verify()
    {
        var chain = Audit.Verify();
        if (!chain.IsValid)
        {
            return chain;
        }

        if (new DecisionRecord(this, clock).VerifyFacts() is { } failure)
        {
            return chain with { FailedSeq = failure.Seq, Failure = ChainFailure.FactMismatch, Reason = failure.Reason, Table = "screening_decision" };
        }

        var legacy = new LegacyFacts();
        using var connection = Database.OpenConnection();
        using var transaction = Database.BeginRead(connection);
        if (RecordFacts.Verify(connection, transaction, legacy) is { } fact)
        {
            return chain with { FailedSeq = fact.Seq, Failure = ChainFailure.FactMismatch, Reason = fact.Reason, Table = fact.Table, Row = fact.Row, Legacy = legacy.Describe() };
        }

        return chain with { Legacy = legacy.Describe() };
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
