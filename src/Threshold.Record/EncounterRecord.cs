using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using NodaTime;
using Threshold.Engine;

namespace Threshold.Record;

/// <summary>What an import did.</summary>
public enum ImportOutcome
{
    /// <summary>At least one day was new or revised (or the provenance lines changed): an import and an audit entry were written.</summary>
    Recorded,

    /// <summary>Every day and the provenance were already recorded with these values: nothing was written.</summary>
    Unchanged,
}

/// <summary>The result of importing a daily series; <see cref="ImportId"/> and <see cref="AuditSeq"/> are null when unchanged.</summary>
public sealed record ImportResult(
    ImportOutcome Outcome,
    string SeriesName,
    string SourceName,
    string ContentSha256,
    int DayCount,
    int NewDayCount,
    int RevisedDayCount,
    long? ImportId,
    long? AuditSeq,
    Instant? RecordedAt);

/// <summary>One recorded import of a series.</summary>
public sealed record ImportRecord(long ImportId, string SeriesName, string SourceName, string ContentSha256, Instant RecordedAt, int DayCount, int NewDayCount, int RevisedDayCount);

/// <summary>
/// Bitemporal daily encounter values: each value is kept with the day it describes and the instant it was recorded,
/// and no value is ever overwritten, so the series can be rebuilt exactly as it was known at any past instant.
/// </summary>
public interface IEncounterRecord
{
    /// <summary>Reads a CSV file with <see cref="EncounterCsvReader"/> and imports it under <paramref name="seriesName"/>.</summary>
    ImportResult ImportFile(string seriesName, string path, bool allowGaps = false);

    /// <summary>Imports a series already read; <paramref name="contentSha256"/> is the SHA-256 of the source content.</summary>
    ImportResult Import(string seriesName, EncounterSeries series, string sourceName, string contentSha256);

    /// <summary>The series as recorded at <paramref name="at"/> (the latest revision of each day recorded at or before it), or null if nothing was recorded by then.</summary>
    EncounterSeries? AsKnownOn(string seriesName, Instant at);

    IReadOnlyList<string> SeriesNames();

    /// <summary>
    /// The series imported first (the bundled series on a record the server seeded), or null for an empty record: a
    /// default that a later import never changes, whatever its name.
    /// </summary>
    string? FirstSeriesName();

    IReadOnlyList<ImportRecord> ImportHistory(string seriesName);
}

/// <summary>The <see cref="IEncounterRecord"/> over the portable schema of migration 0001.</summary>
public sealed class EncounterRecord : IEncounterRecord
{
    private static readonly string[] ColumnNames = [.. EncounterColumns.All.Select(c => c.HeaderName())];

    private readonly IRecordDatabase database;
    private readonly IClock clock;

    internal EncounterRecord(IRecordDatabase database, IClock clock)
    {
        this.database = database;
        this.clock = clock;
    }

    /// <summary>Test hook: called inside the import transaction after the day rows are written, before the audit entry.</summary>
    internal Action? AfterDaysWritten { get; set; }

    public ImportResult ImportFile(string seriesName, string path, bool allowGaps = false)
    {
        var info = new FileInfo(path);
        if (info.Exists && info.Length > EncounterCsvReader.MaxBytes)
        {
            throw new InputFileException(path, 0, $"file is {info.Length} bytes; the limit is {EncounterCsvReader.MaxBytes}");
        }

        if (!info.Exists)
        {
            throw new InputFileException(path, 0, "file not found");
        }

        // Hash and parse the same bytes.
        var bytes = File.ReadAllBytes(path);
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var series = EncounterCsvReader.Read(reader, path, allowGaps);
        return Import(seriesName, series, Path.GetFileName(path), sha);
    }

    public ImportResult Import(string seriesName, EncounterSeries series, string sourceName, string contentSha256)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(seriesName);
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(sourceName);
        if (contentSha256.Length != 64 || !contentSha256.All(char.IsAsciiHexDigitLower))
        {
            throw new ArgumentException("the content hash must be 64 lower-case hex digits", nameof(contentSha256));
        }

        using var connection = database.OpenConnection();
        using var transaction = database.BeginWrite(connection);
        var at = RecordTime.Normalise(clock.GetCurrentInstant()); // read under the write lock: the log stays in time order
        var atText = RecordTime.Format(at);

        var known = LatestRows(connection, transaction, seriesName, asOf: null).ToDictionary(r => r.Day, r => r.Values());
        var provenance = CanonicalJson.Serialize(new JsonArray([.. series.Provenance.Select(p => (JsonNode)JsonValue.Create(p))]));
        var knownProvenance = connection.QuerySingleOrDefault<string>(
            "SELECT provenance FROM encounter_import WHERE series_name = @seriesName ORDER BY recorded_at DESC, import_id DESC LIMIT 1",
            new { seriesName },
            transaction);

        var changed = new List<(string Day, long?[] Values)>();
        int dayCount = 0, newDays = 0, revisedDays = 0;
        for (var i = 0; i < series.Length; i++)
        {
            if (series.IsMissing(i))
            {
                continue;
            }

            dayCount++;
            var day = RecordTime.Format(series.DateAt(i));
            var values = EncounterColumns.All.Select(c => (long?)series.Value(c, i)).ToArray();
            if (!known.TryGetValue(day, out var before))
            {
                newDays++;
                changed.Add((day, values));
            }
            else if (!before.SequenceEqual(values))
            {
                revisedDays++;
                changed.Add((day, values));
            }
        }

        if (changed.Count == 0 && knownProvenance == provenance)
        {
            return new ImportResult(ImportOutcome.Unchanged, seriesName, sourceName, contentSha256, dayCount, 0, 0, null, null, null);
        }

        var importId = connection.ExecuteScalar<long>(
            """
            INSERT INTO encounter_import (series_name, source_name, content_sha256, recorded_at, day_count, new_day_count, revised_day_count, provenance)
            VALUES (@seriesName, @sourceName, @contentSha256, @atText, @dayCount, @newDays, @revisedDays, @provenance)
            RETURNING import_id
            """,
            new { seriesName, sourceName, contentSha256, atText, dayCount, newDays, revisedDays, provenance },
            transaction);

        var insert = $"INSERT INTO encounter_day (series_name, day, recorded_at, import_id, {string.Join(", ", ColumnNames)}) VALUES (@SeriesName, @Day, @RecordedAt, @ImportId, @V0, @V1, @V2, @V3, @V4)";
        foreach (var (day, v) in changed)
        {
            connection.Execute(insert, new { SeriesName = seriesName, Day = day, RecordedAt = atText, ImportId = importId, V0 = v[0], V1 = v[1], V2 = v[2], V3 = v[3], V4 = v[4] }, transaction);
        }

        AfterDaysWritten?.Invoke();

        var payload = new JsonObject
        {
            ["series"] = seriesName,
            ["importId"] = importId,
            ["source"] = sourceName,
            ["sha256"] = contentSha256,
            ["dayCount"] = dayCount,
            ["newDayCount"] = newDays,
            ["revisedDayCount"] = revisedDays,
            [RecordFacts.RowsMember] = RecordFacts.DigestOf(connection, transaction, RecordFacts.Queries("import"), importId),
        };
        var entry = AuditChain.Append(connection, transaction, "import", payload, at);
        transaction.Commit();
        return new ImportResult(ImportOutcome.Recorded, seriesName, sourceName, contentSha256, dayCount, newDays, revisedDays, importId, entry.Seq, at);
    }

    public EncounterSeries? AsKnownOn(string seriesName, Instant at)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(seriesName);
        var atText = RecordTime.Format(at);
        using var connection = database.OpenConnection();
        using var transaction = database.BeginRead(connection);
        var rows = LatestRows(connection, transaction, seriesName, atText);
        if (rows.Count == 0)
        {
            return null;
        }

        var provenanceText = connection.QuerySingle<string>(
            "SELECT provenance FROM encounter_import WHERE series_name = @seriesName AND recorded_at <= @atText ORDER BY recorded_at DESC, import_id DESC LIMIT 1",
            new { seriesName, atText },
            transaction);
        var provenance = JsonNode.Parse(provenanceText)!.AsArray().Select(n => n!.GetValue<string>()).ToArray();

        var start = RecordTime.ParseDate(rows[0].Day);
        var end = RecordTime.ParseDate(rows[^1].Day);
        var length = checked(Period.Between(start, end, PeriodUnits.Days).Days + 1);
        var missing = new bool[length];
        Array.Fill(missing, true);
        var columns = new Dictionary<EncounterColumn, int[]>();
        var present = new bool[ColumnNames.Length];
        var absent = new bool[ColumnNames.Length];
        var data = new int[ColumnNames.Length][];
        for (var c = 0; c < data.Length; c++)
        {
            data[c] = new int[length];
        }

        foreach (var row in rows)
        {
            var index = Period.Between(start, RecordTime.ParseDate(row.Day), PeriodUnits.Days).Days;
            missing[index] = false;
            var values = row.Values();
            for (var c = 0; c < values.Length; c++)
            {
                if (values[c] is { } v)
                {
                    present[c] = true;
                    data[c][index] = checked((int)v);
                }
                else
                {
                    absent[c] = true;
                }
            }
        }

        for (var c = 0; c < ColumnNames.Length; c++)
        {
            if (present[c] && absent[c])
            {
                throw new RecordException($"series '{seriesName}' as known at {atText}: column {ColumnNames[c]} has values on some days and none on others; a series needs a column on every day or none");
            }

            if (present[c])
            {
                columns[EncounterColumns.All[c]] = data[c];
            }
        }

        return new EncounterSeries($"record:{seriesName}@{atText}", start, length, columns, missing, provenance);
    }

    public string? FirstSeriesName()
    {
        using var connection = database.OpenConnection();
        return connection.QueryFirstOrDefault<string>("SELECT series_name FROM encounter_import ORDER BY import_id LIMIT 1");
    }

    public IReadOnlyList<string> SeriesNames()
    {
        using var connection = database.OpenConnection();
        return [.. connection.Query<string>("SELECT DISTINCT series_name FROM encounter_import ORDER BY series_name")];
    }

    public IReadOnlyList<ImportRecord> ImportHistory(string seriesName)
    {
        using var connection = database.OpenConnection();
        return [.. connection.Query<ImportRow>(
            """
            SELECT import_id AS ImportId, series_name AS SeriesName, source_name AS SourceName, content_sha256 AS ContentSha256,
                   recorded_at AS RecordedAt, day_count AS DayCount, new_day_count AS NewDayCount, revised_day_count AS RevisedDayCount
            FROM encounter_import WHERE series_name = @seriesName ORDER BY import_id
            """,
            new { seriesName })
            .Select(r => new ImportRecord(r.ImportId, r.SeriesName, r.SourceName, r.ContentSha256, RecordTime.ParseInstant(r.RecordedAt), checked((int)r.DayCount), checked((int)r.NewDayCount), checked((int)r.RevisedDayCount)))];
    }

    /// <summary>The latest revision of every day recorded at or before <paramref name="asOf"/> (all revisions when null), ordered by day.</summary>
    private static List<DayRow> LatestRows(DbConnection connection, DbTransaction transaction, string seriesName, string? asOf) =>
        [.. connection.Query<DayRow>(
            $"""
            SELECT Day, V0, V1, V2, V3, V4 FROM (
                SELECT day AS Day,
                       {string.Join(", ", ColumnNames.Select((n, i) => $"{n} AS V{i}"))},
                       ROW_NUMBER() OVER (PARTITION BY day ORDER BY recorded_at DESC, import_id DESC) AS rn
                FROM encounter_day
                WHERE series_name = @seriesName{(asOf is null ? "" : " AND recorded_at <= @asOf")}
            ) latest
            WHERE rn = 1
            ORDER BY Day
            """,
            new { seriesName, asOf },
            transaction)];

    private sealed record DayRow(string Day, long? V0, long? V1, long? V2, long? V3, long? V4)
    {
        public long?[] Values() => [V0, V1, V2, V3, V4];
    }

    private sealed record ImportRow(long ImportId, string SeriesName, string SourceName, string ContentSha256, string RecordedAt, long DayCount, long NewDayCount, long RevisedDayCount);
}
