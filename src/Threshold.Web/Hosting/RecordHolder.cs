using NodaTime;
using Threshold.Record;

namespace Threshold.Web.Hosting;

/// <summary>
/// The one <see cref="RecordStore"/> of this server, opened (and migrated) on first use, with the key store beside
/// it. Opening is deferred so that building the application (e.g. for the build-time OpenAPI document) touches no
/// database.
/// </summary>
/// <remarks>
/// For a SQLite record, opening first takes the record's holder lock shared (<see cref="RecordHolderLock"/>) and keeps
/// it until the server stops, so <c>db restore</c> is refused while the server runs: the file is never replaced under
/// its clients, and the store opened here is the only one it ever serves. Opening then runs <c>quick_check</c>, so a
/// damaged file stops the start with a <see cref="RecordFaultKind.Damaged"/> fault (<c>serve</c> exits 4). Damage seen
/// later (<see cref="MarkDamaged"/>) makes every further write fail with 503 until the server is restarted on a
/// repaired record.
/// </remarks>
public sealed class RecordHolder : IDisposable
{
    private readonly Lazy<RecordStore> store;
    private readonly Lazy<ApiKeyRecord> keys;
    private RecordHolderLock? holderLock;
    private RecordFaultException? damage;

    public RecordHolder(ThresholdSettings settings, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(settings);
        DataDirectory = Path.GetFullPath(settings.ResolveDataDirectory());
        Clock = clock;
        var database = settings.ResolveDatabase();
        store = new Lazy<RecordStore>(
            () => RecordStore.Open(new DamageGuardedDatabase(database is null ? OpenSqlite() : new PostgresRecordDatabase(database), this), clock),
            LazyThreadSafetyMode.ExecutionAndPublication);
        keys = new Lazy<ApiKeyRecord>(() => new ApiKeyRecord(Store, clock), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Absolute path of the data directory (never sent in a response); unused for a PostgreSQL record.</summary>
    public string DataDirectory { get; }

    /// <summary>The clock every "recorded at" instant comes from.</summary>
    public IClock Clock { get; }

    public RecordStore Store => store.Value;

    public ApiKeyRecord Keys => keys.Value;

    /// <summary>The first damage seen while serving, or null: once set, every write is refused with it.</summary>
    public RecordFaultException? Damage => Volatile.Read(ref damage);

    /// <summary>Records that the record was found damaged (SQLITE_CORRUPT or SQLITE_NOTADB during a request); the first report is kept.</summary>
    public void MarkDamaged(RecordFaultException fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        Interlocked.CompareExchange(ref damage, fault, null);
    }

    /// <summary>Releases the holder lock (the server is stopping).</summary>
    public void Dispose() => Interlocked.Exchange(ref holderLock, null)?.Dispose();

    private SqliteRecordDatabase OpenSqlite()
    {
        var held = RecordHolderLock.Share(DataDirectory);
        try
        {
            var file = Path.Combine(DataDirectory, SqliteRecordDatabase.FileName);
            if (File.Exists(file))
            {
                SqliteIntegrity.Require(file, full: false, "the server did not start; restore a verified backup (db restore)");
            }

            var database = new SqliteRecordDatabase(DataDirectory);
            holderLock = held;
            return database;
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }
}
