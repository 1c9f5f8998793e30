using System.Data.Common;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Dapper;
using NodaTime;
using Threshold.Engine;

using Threshold.Sources;

namespace Threshold.Record;

/// <summary>The result of importing one monthly file; <see cref="ImportId"/>, <see cref="AuditSeq"/> and <see cref="RecordedAt"/> are null when unchanged.</summary>
public sealed record MonthlyImportResult(
    ImportOutcome Outcome,
    string Table,
    string Layout,
    string SourceName,
    string ContentSha256,
    int RowCount,
    int NewRowCount,
    int RevisedRowCount,
    long? ImportId,
    long? AuditSeq,
    Instant? RecordedAt);

/// <summary>One recorded import of a monthly file.</summary>
public sealed record MonthlyImportRecord(long ImportId, string Table, string Layout, string SourceName, string ContentSha256, Instant RecordedAt, int RowCount, int NewRowCount, int RevisedRowCount);

/// <summary>A monthly total of one component or region.</summary>
public sealed record MonthlyTotal(string Name, long Total);

/// <summary>A monthly table as known at an instant (<see cref="MonthlyImports.AsKnownOn"/>): its columns and its rows in key order.</summary>
public sealed record MonthlyTable(string Table, IReadOnlyList<string> Columns, IReadOnlyList<object?[]> Rows, Instant AsKnownOn)
{
    /// <summary>The table as CSV (RFC 4180: a field with a comma, quote or line break is quoted), header first, LF line ends.</summary>
    public void WriteCsv(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(string.Join(",", Columns));
        writer.Write('\n');
        foreach (var row in Rows)
        {
            writer.Write(string.Join(",", row.Select(Field)));
            writer.Write('\n');
        }
    }

    private static string Field(object? value)
    {
        var text = value switch
        {
            null => string.Empty,
            long n => n.ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty,
        };
        return text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : text;
    }
}

/// <summary>
/// Imports the real monthly layouts of <c>data/source</c> into the bitemporal tables of migration 0003:
/// <c>cbp_sbo_monthly</c> (CBP Southwest Land Border Encounters, and the tableau scrape without Month Grouping) and
/// <c>khsm_monthly</c> (the OHSS KHSM USBP monthly region files, with or without a Sector / Family Status /
/// Citizenship column). Every row of a file is validated before anything is written, so a bad row stores nothing;
/// a good file is written in ONE transaction with one <c>monthly-import</c> audit entry. A cell is never updated:
/// a file that changes it adds a revision with a later recorded_at, and an identical re-import writes nothing.
/// </summary>
public static class MonthlyImports
{
    /// <summary>The audit-log kind of a monthly import.</summary>
    public const string AuditKind = "monthly-import";

    private static readonly TableSpec CbpSbo = new(
        MonthlyCsv.CbpSboTable,
        ["year_month", "component", "demographic", "citizenship_grouping", "title_of_authority", "encounter_type"],
        ["fiscal_year", "demographic_label", "month_abbv", "month_grouping", "encounter_count"]);

    private static readonly TableSpec Khsm = new(
        MonthlyCsv.KhsmTable,
        ["breakdown", "region", "breakdown_value", "year_month"],
        ["fiscal_year", "month_label", "quantity", "calendar_year", "calendar_month"]);

    /// <summary>Imports a CBP Southwest Land Border Encounters CSV (or the tableau scrape) into <c>cbp_sbo_monthly</c>, recorded at the system clock.</summary>
    public static MonthlyImportResult ImportCbpSbo(RecordStore store, string path) => ImportCbpSbo(store, path, SystemClock.Instance);

    /// <summary>Imports a CBP Southwest Land Border Encounters CSV (or the tableau scrape) into <c>cbp_sbo_monthly</c>.</summary>
    public static MonthlyImportResult ImportCbpSbo(RecordStore store, string path, IClock clock) =>
        Import(store, path, clock, MonthlyCsv.ReadCbpSbo, CbpSbo);

    /// <summary>Imports a KHSM USBP monthly region CSV (the breakdown column is detected from the header) into <c>khsm_monthly</c>, recorded at the system clock.</summary>
    public static MonthlyImportResult ImportKhsm(RecordStore store, string path) => ImportKhsm(store, path, SystemClock.Instance);

    /// <summary>Imports a KHSM USBP monthly region CSV (the breakdown column is detected from the header) into <c>khsm_monthly</c>.</summary>
    public static MonthlyImportResult ImportKhsm(RecordStore store, string path, IClock clock) =>
        Import(store, path, clock, MonthlyCsv.ReadKhsm, Khsm);

    /// <summary>
    /// The total encounters of each component (U.S. Border Patrol, Office of Field Operations) in the calendar month,
    /// summed over the latest revision of every cell recorded at or before <paramref name="asKnownOn"/>.
    /// </summary>
    public static IReadOnlyList<MonthlyTotal> CbpSboTotalsByComponent(RecordStore store, YearMonth month, Instant asKnownOn)
    {
        ArgumentNullException.ThrowIfNull(store);
        using var connection = store.Database.OpenConnection();
        return [.. connection.Query<TotalRow>(
            """
            SELECT component AS Name, CAST(SUM(encounter_count) AS BIGINT) AS Total FROM (
                SELECT component, encounter_count,
                       ROW_NUMBER() OVER (PARTITION BY component, demographic, citizenship_grouping, title_of_authority, encounter_type
                                          ORDER BY recorded_at DESC, import_id DESC) AS rn
                FROM cbp_sbo_monthly
                WHERE year_month = @yearMonth AND recorded_at <= @at
            ) latest
            WHERE rn = 1
            GROUP BY component
            ORDER BY component
            """,
            new { yearMonth = YearMonthText(month), at = RecordTime.Format(asKnownOn) })
            .Select(r => new MonthlyTotal(r.Name, r.Total))];
    }

    /// <summary>
    /// The USBP total of each region in the calendar month as known at <paramref name="asKnownOn"/>, from the
    /// region-only file (<paramref name="breakdown"/> null) or summed over one breakdown file ("Sector",
    /// "Family Status", "Citizenship"). The files are never added together: each one covers the whole total.
    /// </summary>
    public static IReadOnlyList<MonthlyTotal> KhsmTotalsByRegion(RecordStore store, YearMonth month, Instant asKnownOn, string? breakdown = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (breakdown is not null && !MonthlyCsv.KhsmBreakdowns.Contains(breakdown))
        {
            throw new ArgumentException($"breakdown must be null or one of: {string.Join(", ", MonthlyCsv.KhsmBreakdowns)}", nameof(breakdown));
        }

        using var connection = store.Database.OpenConnection();
        return [.. connection.Query<TotalRow>(
            """
            SELECT region AS Name, CAST(SUM(quantity) AS BIGINT) AS Total FROM (
                SELECT region, quantity,
                       ROW_NUMBER() OVER (PARTITION BY region, breakdown_value ORDER BY recorded_at DESC, import_id DESC) AS rn
                FROM khsm_monthly
                WHERE year_month = @yearMonth AND recorded_at <= @at AND COALESCE(breakdown, '') = @breakdown
            ) latest
            WHERE rn = 1
            GROUP BY region
            ORDER BY region
            """,
            new { yearMonth = YearMonthText(month), at = RecordTime.Format(asKnownOn), breakdown = breakdown ?? "" })
            .Select(r => new MonthlyTotal(r.Name, r.Total))];
    }

    /// <summary>The monthly tables the record keeps, by name.</summary>
    public static IReadOnlyList<string> Tables { get; } = [MonthlyCsv.CbpSboTable, MonthlyCsv.KhsmTable];

    /// <summary>
    /// A monthly table as known at <paramref name="asKnownOn"/>: the latest revision recorded at or before it of every
    /// cell, in key order, with the import that recorded it. <see cref="MonthlyTable.Columns"/> names the fields of each
    /// row (the key columns, the value columns, then recorded_at and import_id); values are strings, integers or null.
    /// </summary>
    public static MonthlyTable AsKnownOn(RecordStore store, string table, Instant asKnownOn)
    {
        ArgumentNullException.ThrowIfNull(store);
        var spec = table == CbpSbo.Table ? CbpSbo : table == Khsm.Table ? Khsm
            : throw new ArgumentException($"table {table}: must be one of {string.Join(", ", Tables)}", nameof(table));
        var keys = string.Join(", ", spec.KeyColumns);
        var values = string.Join(", ", spec.ValueColumns);
        var order = string.Join(", ", spec.KeyColumns.Select(k => $"COALESCE({k}, '')"));
        using var connection = store.Database.OpenConnection();
        using var transaction = store.Database.BeginRead(connection);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            SELECT {keys}, {values}, recorded_at, import_id FROM (
                SELECT {keys}, {values}, recorded_at, import_id,
                       ROW_NUMBER() OVER (PARTITION BY {keys} ORDER BY recorded_at DESC, import_id DESC) AS rn
                FROM {spec.Table}
                WHERE recorded_at <= @at
            ) latest
            WHERE rn = 1
            ORDER BY {order}
            """;
        var at = command.CreateParameter();
        at.ParameterName = "@at";
        at.Value = RecordTime.Format(asKnownOn);
        command.Parameters.Add(at);
        var rows = new List<object?[]>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = Cell(reader.GetValue(i));
            }

            rows.Add(row);
        }

        return new MonthlyTable(spec.Table, [.. spec.KeyColumns, .. spec.ValueColumns, "recorded_at", "import_id"], rows, asKnownOn);
    }

    /// <summary>The monthly imports recorded at or before <paramref name="asKnownOn"/>, oldest first.</summary>
    public static IReadOnlyList<MonthlyImportRecord> ImportHistory(RecordStore store, Instant asKnownOn) =>
        [.. ImportHistory(store).Where(i => i.RecordedAt <= asKnownOn)];

    /// <summary>Every recorded monthly import, oldest first.</summary>
    public static IReadOnlyList<MonthlyImportRecord> ImportHistory(RecordStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        using var connection = store.Database.OpenConnection();
        return [.. connection.Query<ImportRow>(
            """
            SELECT import_id AS ImportId, table_name AS TableName, layout AS Layout, source_name AS SourceName, content_sha256 AS ContentSha256,
                   recorded_at AS RecordedAt, row_count AS RowCount, new_row_count AS NewRowCount, revised_row_count AS RevisedRowCount
            FROM monthly_import ORDER BY import_id
            """)
            .Select(r => new MonthlyImportRecord(r.ImportId, r.TableName, r.Layout, r.SourceName, r.ContentSha256, RecordTime.ParseInstant(r.RecordedAt), checked((int)r.RowCount), checked((int)r.NewRowCount), checked((int)r.RevisedRowCount)))];
    }

    private static MonthlyImportResult Import(RecordStore store, string path, IClock clock, Func<byte[], string, MonthlyFile> read, TableSpec spec)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(clock);
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new SourceDataException(path, 0, "file not found");
        }

        if (info.Length > MonthlyCsv.MaxBytes)
        {
            throw new SourceDataException(path, 0, $"file is {info.Length} bytes; the limit is {MonthlyCsv.MaxBytes}");
        }

        // Hash and parse the same bytes; every row is validated before the database is touched.
        var bytes = File.ReadAllBytes(path);
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var file = read(bytes, path);
        var sourceName = Path.GetFileName(path);

        using var connection = store.Database.OpenConnection();
        using var transaction = store.Database.BeginWrite(connection);
        var known = KnownCells(connection, transaction, spec);
        var changed = new List<MonthlyRow>();
        int newRows = 0, revisedRows = 0;
        foreach (var row in file.Rows)
        {
            if (!known.TryGetValue(MonthlyCsv.KeyText(row.Key), out var before))
            {
                newRows++;
                changed.Add(row);
            }
            else if (!before.SequenceEqual(row.Values))
            {
                revisedRows++;
                changed.Add(row);
            }
        }

        var rowCount = file.Rows.Count;
        if (changed.Count == 0)
        {
            return new MonthlyImportResult(ImportOutcome.Unchanged, spec.Table, file.Layout, sourceName, sha, rowCount, 0, 0, null, null, null);
        }

        var at = RecordTime.Normalise(clock.GetCurrentInstant());
        var atText = RecordTime.Format(at);
        var importId = connection.ExecuteScalar<long>(
            """
            INSERT INTO monthly_import (table_name, layout, source_name, content_sha256, recorded_at, row_count, new_row_count, revised_row_count)
            VALUES (@table, @layout, @sourceName, @sha, @atText, @rowCount, @newRows, @revisedRows)
            RETURNING import_id
            """,
            new { table = spec.Table, layout = file.Layout, sourceName, sha, atText, rowCount, newRows, revisedRows },
            transaction);

        InsertRows(connection, transaction, spec, changed, atText, importId);

        var payload = new JsonObject
        {
            ["table"] = spec.Table,
            ["layout"] = file.Layout,
            ["importId"] = importId,
            ["file"] = sourceName,
            ["sha256"] = sha,
            ["rowCount"] = rowCount,
            ["newRowCount"] = newRows,
            ["revisedRowCount"] = revisedRows,
            [RecordFacts.RowsMember] = RecordFacts.DigestOf(connection, transaction, RecordFacts.Queries(AuditKind, spec.Table), importId),
        };
        var entry = AuditChain.Append(connection, transaction, AuditKind, payload, at);
        transaction.Commit();
        return new MonthlyImportResult(ImportOutcome.Recorded, spec.Table, file.Layout, sourceName, sha, rowCount, newRows, revisedRows, importId, entry.Seq, at);
    }

    /// <summary>The latest revision of every cell of the table, by key text.</summary>
    private static Dictionary<string, object?[]> KnownCells(DbConnection connection, DbTransaction transaction, TableSpec spec)
    {
        var keys = string.Join(", ", spec.KeyColumns);
        var values = string.Join(", ", spec.ValueColumns);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            SELECT {keys}, {values} FROM (
                SELECT {keys}, {values},
                       ROW_NUMBER() OVER (PARTITION BY {keys} ORDER BY recorded_at DESC, import_id DESC) AS rn
                FROM {spec.Table}
            ) latest
            WHERE rn = 1
            """;
        var known = new Dictionary<string, object?[]>(StringComparer.Ordinal);
        using var reader = command.ExecuteReader();
        var keyCount = spec.KeyColumns.Length;
        while (reader.Read())
        {
            var key = new object?[keyCount];
            for (var i = 0; i < keyCount; i++)
            {
                key[i] = Cell(reader.GetValue(i));
            }

            var row = new object?[spec.ValueColumns.Length];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = Cell(reader.GetValue(keyCount + i));
            }

            known[MonthlyCsv.KeyText(key)] = row;
        }

        return known;
    }

    /// <summary>A stored cell as the parser produces it: null, long or string.</summary>
    private static object? Cell(object value) => value switch
    {
        DBNull => null,
        int i => (long)i,
        _ => value,
    };

    private static void InsertRows(DbConnection connection, DbTransaction transaction, TableSpec spec, List<MonthlyRow> rows, string atText, long importId)
    {
        var columns = spec.KeyColumns.Concat(["recorded_at", "import_id"]).Concat(spec.ValueColumns).ToArray();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO {spec.Table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select((_, i) => "@p" + RecordTime.Invariant(i)))})";
        var parameters = new DbParameter[columns.Length];
        for (var i = 0; i < columns.Length; i++)
        {
            parameters[i] = command.CreateParameter();
            parameters[i].ParameterName = "@p" + RecordTime.Invariant(i);
            command.Parameters.Add(parameters[i]);
        }

        var keyCount = spec.KeyColumns.Length;
        var prepared = false;
        foreach (var row in rows)
        {
            for (var i = 0; i < keyCount; i++)
            {
                parameters[i].Value = row.Key[i] ?? DBNull.Value;
            }

            parameters[keyCount].Value = atText;
            parameters[keyCount + 1].Value = importId;
            for (var i = 0; i < row.Values.Length; i++)
            {
                parameters[keyCount + 2 + i].Value = row.Values[i] ?? DBNull.Value;
            }

            if (!prepared)
            {
                // Npgsql infers each parameter's type from its first value, so prepare once the values are set.
                command.Prepare();
                prepared = true;
            }

            command.ExecuteNonQuery();
        }
    }

    /// <summary>Every column of a monthly table as bound to its import's entry (<see cref="RecordFacts"/>).</summary>
    internal static string FactColumns(string table)
    {
        var spec = table == CbpSbo.Table ? CbpSbo : table == Khsm.Table ? Khsm : throw new ArgumentOutOfRangeException(nameof(table), table, "not a monthly table");
        return string.Join(", ", spec.KeyColumns.Concat(["recorded_at", "import_id"]).Concat(spec.ValueColumns));
    }

    private static string YearMonthText(YearMonth month) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{month.Year:D4}-{month.Month:D2}");

    private sealed record TableSpec(string Table, string[] KeyColumns, string[] ValueColumns);

    /// <summary>A class with setters, not a positional record: on an empty result SQLite reports no column types for Dapper to match a constructor against.</summary>
    private sealed class TotalRow
    {
        public string Name { get; set; } = "";

        public long Total { get; set; }
    }

    private sealed record ImportRow(long ImportId, string TableName, string Layout, string SourceName, string ContentSha256, string RecordedAt, long RowCount, long NewRowCount, long RevisedRowCount);
}
