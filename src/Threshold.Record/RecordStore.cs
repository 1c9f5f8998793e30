using NodaTime;

namespace Threshold.Record;

/// <summary>
/// The record of one deployment: the decision log, the bitemporal encounter data and the recorded determinations,
/// over one <see cref="IRecordDatabase"/>. Opening applies any pending schema migrations. Every "recorded at"
/// instant comes from the injected <see cref="IClock"/>.
/// </summary>
public sealed class RecordStore
{
    private RecordStore(IRecordDatabase database, IClock clock, MigrationResult migration)
    {
        Database = database;
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
