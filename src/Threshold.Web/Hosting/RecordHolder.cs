using NodaTime;
using Threshold.Record;

namespace Threshold.Web.Hosting;

/// <summary>
/// The one <see cref="RecordStore"/> of this server, opened (and migrated) on first use, with the key store beside
/// it. Opening is deferred so that building the application (e.g. for the build-time OpenAPI document) touches no
/// database.
/// </summary>
public sealed class RecordHolder
{
    private readonly Lazy<RecordStore> store;
    private readonly Lazy<ApiKeyRecord> keys;

    public RecordHolder(ThresholdSettings settings, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(settings);
        DataDirectory = Path.GetFullPath(settings.ResolveDataDirectory());
        Clock = clock;
        var database = settings.ResolveDatabase();
        store = new Lazy<RecordStore>(
            () => RecordStore.Open(database is null ? new SqliteRecordDatabase(DataDirectory) : new PostgresRecordDatabase(database), clock),
            LazyThreadSafetyMode.ExecutionAndPublication);
        keys = new Lazy<ApiKeyRecord>(() => new ApiKeyRecord(Store, clock), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Absolute path of the data directory (never sent in a response); unused for a PostgreSQL record.</summary>
    public string DataDirectory { get; }

    /// <summary>The clock every "recorded at" instant comes from.</summary>
    public IClock Clock { get; }

    public RecordStore Store => store.Value;

    public ApiKeyRecord Keys => keys.Value;
}
