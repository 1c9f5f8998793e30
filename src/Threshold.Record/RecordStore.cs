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
    /// Verifies the whole record: the hash chain (<see cref="IAuditLog.Verify"/>), then every stored decision and
    /// trace against the entry that records it (<see cref="DecisionRecord.VerifyFacts"/>). The result names the first
    /// entry that fails.
    /// </summary>
    public ChainVerification Verify()
    {
        var chain = Audit.Verify();
        if (!chain.IsValid)
        {
            return chain;
        }

        return new DecisionRecord(this, clock).VerifyFacts() is { } failure
            ? chain with { FailedSeq = failure.Seq, Failure = ChainFailure.FactMismatch, Reason = failure.Reason }
            : chain;
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
