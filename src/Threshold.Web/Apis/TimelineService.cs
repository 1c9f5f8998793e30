using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using NodaTime;
using Threshold.Engine;
using Threshold.Record;
using Threshold.Web.Hosting;

namespace Threshold.Web.Apis;

/// <summary>
/// Finds the series a request names (in the record, as known at an instant, or uploaded) and replays it. Reading a
/// stored series costs a query of every day, so series are cached by what identifies them exactly: the latest import
/// of that series (for "as known now") or the as-known-on instant (a past instant's data never changes, because every
/// new import is recorded later).
/// </summary>
public sealed class TimelineService(RecordHolder record)
{
    private const int MaxCachedSeries = 64;

    /// <summary>
    /// How long the latest import of a series is taken as known without asking the record again. Imports through this
    /// server clear it at once; an import by another process (the CLI) is seen within this time.
    /// </summary>
    private const long LatestImportTtlMilliseconds = 1000;

    private readonly ConcurrentDictionary<string, (long ImportId, long CheckedAt)> latestImports = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(EncounterSeries Series, string Query), byte[]> documentCache = new();

    private readonly ConcurrentDictionary<(string Name, string Version), EncounterSeries> seriesCache = new();
    private readonly ConcurrentDictionary<(EncounterSeries Series, string Query), SuspensionTimeline> timelineCache = new();

    /// <summary>The series a request reads when it names none: the first recorded (the bundled series on a fresh record).</summary>
    public string? DefaultSeriesName() => record.Store.Encounters.FirstSeriesName();

    /// <summary>
    /// The series a dashboard page opens on: the stored series whose last day is latest (ties: the name that sorts
    /// last), as known now, so a newer bundled or imported series is shown without naming it. A series the record
    /// cannot rebuild (its page says why when chosen) is passed over. Null for an empty record. The API's default stays
    /// <see cref="DefaultSeriesName"/>, which a later import never changes.
    /// </summary>
    public string? LatestSeriesName()
    {
        (string Name, LocalDate End)? latest = null;
        foreach (var name in SeriesNames())
        {
            LocalDate end;
            try
            {
                end = StoredSeries(name, null).End;
            }
            catch (Exception e) when (e is RecordException or RequestValidationException)
            {
                continue;
            }

            if (latest is not { } l || end > l.End || (end == l.End && string.CompareOrdinal(name, l.Name) > 0))
            {
                latest = (name, end);
            }
        }

        return latest?.Name;
    }

    /// <summary>The names of the stored series.</summary>
    public IReadOnlyList<string> SeriesNames() => record.Store.Encounters.SeriesNames();

    /// <summary>The named series (or the default) as recorded at <paramref name="asKnownOn"/> (default: now).</summary>
    public EncounterSeries StoredSeries(string? name, Instant? asKnownOn)
    {
        name = RequestText.Checked("series", name) ?? DefaultSeriesName() ?? throw new RequestValidationException("series", "the record holds no series yet; import one first");
        var now = record.Clock.GetCurrentInstant();
        string version;
        if (asKnownOn is { } at && at <= now)
        {
            version = "at:" + at.ToUnixTimeTicks().ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            version = "import:" + LatestImportId(name).ToString(System.Globalization.CultureInfo.InvariantCulture);
            asKnownOn = now;
        }

        if (seriesCache.TryGetValue((name, version), out var cached))
        {
            return cached;
        }

        var series = record.Store.Encounters.AsKnownOn(name, asKnownOn.Value)
            ?? throw new RequestValidationException("asKnownOn", $"series '{name}': nothing was recorded under that name by {asKnownOn}");
        if (seriesCache.Count >= MaxCachedSeries)
        {
            seriesCache.Clear();
            timelineCache.Clear();
            documentCache.Clear();
        }

        seriesCache[(name, version)] = series;
        return series;
    }

    /// <summary>Forgets what is cached about a series, after this server imported into it.</summary>
    public void Invalidate(string name) => latestImports.TryRemove(name, out _);

    /// <summary>The replay document (the CLI's replay JSON contract) of a stored series as UTF-8 JSON, cached with the timeline.</summary>
    public byte[] ReplayDocumentJson(ReplayQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var timeline = ReplayStored(query);
        var key = (timeline.Series, QueryKey(query) + RecordedKey(timeline.Official?.Recorded));
        if (documentCache.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(ReplayReport.Build(timeline), Threshold.Returns.CaseDecisionJson.Compact);
        if (documentCache.Count >= MaxCachedSeries)
        {
            documentCache.Clear();
        }

        documentCache[key] = json;
        return json;
    }

    private long LatestImportId(string name)
    {
        var now = Environment.TickCount64;
        if (latestImports.TryGetValue(name, out var known) && now - known.CheckedAt < LatestImportTtlMilliseconds)
        {
            return known.ImportId;
        }

        var latest = (record.Store.Encounters.ImportHistory(name) is { Count: > 0 } history ? history[^1] : null)
            ?? throw new RequestValidationException("series", $"series '{name}': nothing recorded under that name");
        latestImports[name] = (latest.ImportId, now);
        return latest.ImportId;
    }

    /// <summary>Reads an uploaded CSV body (the encounter contract); errors name the line.</summary>
    public static EncounterSeries Uploaded(string csv, string sourceName, bool allowGaps) =>
        EncounterCsvReader.Read(new StringReader(csv), sourceName, allowGaps);

    /// <summary>
    /// Replays a series under the query's policy and options, on the query's timeline; an override that changes nothing
    /// is an error. An official timeline also follows <paramref name="recorded"/> (the record's determinations).
    /// </summary>
    public static SuspensionTimeline Replay(ReplayQuery query, EncounterSeries series, IReadOnlyList<RecordedDetermination>? recorded = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        var document = query.PolicyDocument();
        var kind = query.TimelineKind();
        var compiled = CompiledPolicy.Compile(document, query.Options());
        var timeline = SuspensionReplay.Run(compiled, series, kind, kind == TimelineKind.Official ? DeterminationComparison.RecordedFor(document, recorded ?? []) : null);
        OverlayEvaluation.RequireEffect(timeline);
        return timeline;
    }

    /// <summary>The determinations recorded in the record, when <paramref name="query"/> asks for the official timeline (which follows them).</summary>
    public IReadOnlyList<RecordedDetermination>? RecordedFor(ReplayQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return query.TimelineKind() == TimelineKind.Official ? record.Store.Determinations.List() : null;
    }

    /// <summary>The stored series named by the query, replayed; cached, since the same stored series and options always replay the same.</summary>
    public SuspensionTimeline ReplayStored(ReplayQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var series = StoredSeries(query.Series, query.AsKnownOnInstant());
        var recorded = RecordedFor(query);
        // An official timeline also depends on the recorded determinations, so they are part of its key.
        var key = (series, QueryKey(query) + RecordedKey(recorded));
        if (timelineCache.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var timeline = Replay(query, series, recorded);
        if (timelineCache.Count >= MaxCachedSeries * 4)
        {
            timelineCache.Clear();
        }

        timelineCache[key] = timeline;
        return timeline;
    }

    /// <summary>The SHA-256 of an uploaded body, as the record stores it.</summary>
    public static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static string QueryKey(ReplayQuery q) => string.Join(
        '\u001f',
        q.Policy,
        q.InForce,
        q.DeterminationLag,
        string.Join('\u001e', q.Set ?? []),
        string.Join('\u001e', q.CourtOrder ?? []),
        string.Join('\u001e', q.Determination ?? []),
        q.Timeline);

    private static string RecordedKey<T>(IReadOnlyList<T>? recorded) =>
        recorded is null ? string.Empty : "\u001frecorded:" + string.Join('\u001e', recorded);
}
