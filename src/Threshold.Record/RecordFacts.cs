using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;

using Threshold.Sources;

namespace Threshold.Record;

/// <summary>
/// Binds every stored fact outside the decision tables to the audit entry that records it (schema 7, issue 15).
/// Each entry of a fact kind carries <c>rowsSha256</c>, the <see cref="Digest"/> of the rows it wrote, read by the
/// queries of <see cref="Queries"/>; <see cref="Verify"/> recomputes every digest and checks that every row of every
/// fact table belongs to exactly one entry. Entries written before schema 7 carry no digest: they are checked as far as
/// their payloads allow, and the verification says which facts that leaves unbound.
/// </summary>
/// <remarks>
/// A row's canonical form is its selected columns in order, each framed as its UTF-8 byte length (8 bytes, big-endian,
/// −1 for NULL) and its bytes; integers are written in invariant decimal. The entry's digest is the lower-hex SHA-256
/// of the rows' own SHA-256 values in ascending byte order, so it needs no collation-dependent ORDER BY and reads the
/// same on SQLite and PostgreSQL; every row carries its own key (day, seq, id), so moving a value between rows still
/// changes a row.
/// </remarks>
public static class RecordFacts
{
    /// <summary>The payload member holding the digest of the rows an entry wrote.</summary>
    public const string RowsMember = "rowsSha256";

    /// <summary>Audit kinds whose entries record facts in these tables (decisions are checked by <see cref="DecisionRecord.VerifyFacts()"/>).</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["import", MonthlyImports.AuditKind, "determination", "ledger-allocation", "api-key-created", "api-key-revoked"];

    internal const string EncounterImportColumns = "import_id, series_name, source_name, content_sha256, recorded_at, day_count, new_day_count, revised_day_count, provenance";

    internal const string EncounterDayColumns = "series_name, day, recorded_at, import_id, between_ports, coastal, ports_of_entry, uc_noncontiguous_between_ports, uc_noncontiguous_ports";

    internal const string MonthlyImportColumns = "import_id, table_name, layout, source_name, content_sha256, recorded_at, row_count, new_row_count, revised_row_count";

    /// <summary>Columns of a recorded determination as bound before schema 8 (its audit_seq is the key that selects it).</summary>
    internal const string DeterminationColumns = "determination_id, determined_on, kind, window_start, window_end, made_by, note, recorded_at";

    /// <summary>Columns of a recorded determination as bound from schema 8 on, by an entry whose payload names its policy.</summary>
    internal const string DeterminationPolicyColumns = DeterminationColumns + ", policy_id";

    /// <summary>Columns of a ledger event as bound (its audit_seq is the key that selects it).</summary>
    internal const string LedgerColumns = "seq, case_id, citizenship, encountered_at, unaccompanied_child, destination, overflow, arrangement_id, ledger_month, recorded_at, arrangements_sha256, rule_set_version";

    /// <summary>Columns of a key's creation as bound (created_audit_seq selects it); the revocation columns are bound by their own entry.</summary>
    internal const string KeyCreatedColumns = "key_id, name, role, key_sha256, created_at";

    internal const string KeyRevokedColumns = "key_id, revoked_at";

    /// <summary>
    /// One query over one fact table for an entry: <c>@Key</c> is the entry's seq, or the import id its payload names.
    /// </summary>
    internal sealed record FactQuery(string Table, string Sql, bool KeyIsImportId);

    /// <summary>The queries whose rows an entry of <paramref name="kind"/> binds, in order (for a monthly import, of its <paramref name="monthlyTable"/>).</summary>
    /// <param name="policyBound">For a determination entry: whether its payload names its policy (schema 8), so its digest binds policy_id.</param>
    internal static FactQuery[] Queries(string kind, string? monthlyTable = null, bool policyBound = false) => kind switch
    {
        "import" =>
        [
            new("encounter_import", $"SELECT {EncounterImportColumns} FROM encounter_import WHERE import_id = @Key", true),
            new("encounter_day", $"SELECT {EncounterDayColumns} FROM encounter_day WHERE import_id = @Key", true),
        ],
        MonthlyImports.AuditKind =>
        [
            new("monthly_import", $"SELECT {MonthlyImportColumns} FROM monthly_import WHERE import_id = @Key", true),
            new(monthlyTable!, $"SELECT {MonthlyImports.FactColumns(monthlyTable!)} FROM {monthlyTable} WHERE import_id = @Key", true),
        ],
        "determination" => [new("recorded_determination", $"SELECT {(policyBound ? DeterminationPolicyColumns : DeterminationColumns)} FROM recorded_determination WHERE audit_seq = @Key", false)],
        "ledger-allocation" => [new("ledger_event", $"SELECT {LedgerColumns} FROM ledger_event WHERE audit_seq = @Key", false)],
        "api-key-created" => [new("api_key", $"SELECT {KeyCreatedColumns} FROM api_key WHERE created_audit_seq = @Key", false)],
        "api-key-revoked" => [new("api_key (revocation)", $"SELECT {KeyRevokedColumns} FROM api_key WHERE revoked_audit_seq = @Key", false)],
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a fact kind"),
    };

    /// <summary>The digest of rows given as field values (string, integer or null), in any order.</summary>
    public static string Digest(IEnumerable<IReadOnlyList<object?>> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var accumulator = new Accumulator();
        foreach (var row in rows)
        {
            accumulator.Add(row);
        }

        return accumulator.Finish();
    }

    /// <summary>The digest of the rows the queries of an entry read now (the write side of imports, and every verification).</summary>
    internal static string DigestOf(DbConnection connection, DbTransaction transaction, IEnumerable<FactQuery> queries, long key, Dictionary<string, long>? counts = null)
    {
        var accumulator = new Accumulator();
        foreach (var query in queries)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = query.Sql;
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@Key";
            parameter.Value = key;
            command.Parameters.Add(parameter);
            using var reader = command.ExecuteReader();
            var values = new object?[reader.FieldCount];
            long n = 0;
            while (reader.Read())
            {
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                }

                accumulator.Add(values);
                n++;
            }

            if (counts is not null)
            {
                counts[query.Table] = counts.GetValueOrDefault(query.Table) + n;
            }
        }

        return accumulator.Finish();
    }

    /// <summary>The first fact that no longer matches its entry, or null; see <see cref="RecordStore.Verify"/>.</summary>
    /// <param name="afterSeq">Check only the entries after this seq, and only the rows bound to them (a resumed verification); 0 for all.</param>
    internal static FactFailure? Verify(DbConnection connection, DbTransaction transaction, LegacyFacts legacy, long afterSeq = 0)
    {
        var boundFrom = connection.ExecuteScalar<long?>("SELECT from_seq FROM fact_binding", transaction: transaction) ?? 1;
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        // Fixed kind names, written into the SQL: Dapper's list expansion differs between the two providers.
        var kinds = string.Join(", ", Kinds.Select(k => $"'{k}'"));
        var after = afterSeq;
        while (true)
        {
            // Pages of entries, so memory stays constant whatever the record's size; the row queries run between pages.
            var page = connection.Query<(long Seq, string Kind, string RecordedAt, string Payload)>(
                $"SELECT seq, kind, recorded_at, payload FROM audit_log WHERE seq > @After AND kind IN ({kinds}) ORDER BY seq LIMIT 1000",
                new { After = after },
                transaction).AsList();
            if (page.Count == 0)
            {
                break;
            }

            foreach (var (seq, kind, recordedAt, payloadText) in page)
            {
                var payload = JsonNode.Parse(payloadText)!.AsObject();
                FactFailure? failure;
                try
                {
                    failure = VerifyEntry(connection, transaction, seq, kind, recordedAt, payload, boundFrom, counts, legacy);
                }
                catch (FormatException e)
                {
                    failure = new FactFailure(seq, Table(kind), null, $"{kind} entry {seq}: {e.Message}");
                }

                if (failure is not null)
                {
                    return failure;
                }
            }

            after = page[^1].Seq;
        }

        return Coverage(connection, transaction, counts, afterSeq);
    }

    /// <summary>
    /// A verified read's check (replay from the record, the ledger's cap count, a key lookup): every entry of
    /// <paramref name="kind"/> that <paramref name="selects"/> still hashes to its stored hash and is linked to by the
    /// next entry, its rows still match its digest, and <paramref name="countSql"/> (the rows the read will use) counts
    /// exactly the rows those entries bound in <paramref name="table"/>. Cost: one pass over the entries of that kind
    /// (indexed by kind) and a read of the rows they bound; the rest of the chain is not walked (that is
    /// <see cref="RecordStore.Verify"/>, against an anchored head).
    /// </summary>
    internal static FactFailure? VerifySubset(DbConnection connection, DbTransaction transaction, string kind, Func<JsonObject, bool> selects, string table, string countSql, object? countArgs)
    {
        var boundFrom = connection.ExecuteScalar<long?>("SELECT from_seq FROM fact_binding", transaction: transaction) ?? 1;
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var legacy = new LegacyFacts();
        long after = 0;
        while (true)
        {
            var page = connection.Query<(long Seq, string RecordedAt, string Payload, string PrevHash, string Hash)>(
                "SELECT seq, recorded_at, payload, prev_hash, hash FROM audit_log WHERE kind = @Kind AND seq > @After ORDER BY seq LIMIT 1000",
                new { Kind = kind, After = after },
                transaction).AsList();
            if (page.Count == 0)
            {
                break;
            }

            foreach (var (seq, recordedAt, payloadText, prevHash, hash) in page)
            {
                var payload = JsonNode.Parse(payloadText)!.AsObject();
                if (!selects(payload))
                {
                    continue;
                }

                var recomputed = AuditChain.ComputeHash(prevHash, seq, kind, RecordTime.ParseInstant(recordedAt), payloadText);
                var next = connection.ExecuteScalar<string?>("SELECT prev_hash FROM audit_log WHERE seq = @Next", new { Next = seq + 1 }, transaction);
                if (recomputed != hash || (next is not null && next != hash))
                {
                    return new FactFailure(seq, "audit_log", $"seq {seq}", $"{kind} entry {seq} no longer hashes into the chain: run audit verify");
                }

                if (VerifyEntry(connection, transaction, seq, kind, recordedAt, payload, boundFrom, counts, legacy) is { } failure)
                {
                    return failure;
                }
            }

            after = page[^1].Seq;
        }

        var total = connection.ExecuteScalar<long>(countSql, countArgs, transaction);
        var covered = counts.GetValueOrDefault(table);
        return total == covered ? null
            : new FactFailure(0, table, null, $"{table} holds {total} row(s) for this read but the audit entries record {covered}: rows were {(total > covered ? "added outside the log" : "deleted")}");
    }

    private static FactFailure? VerifyEntry(DbConnection connection, DbTransaction transaction, long seq, string kind, string recordedAt, JsonObject payload, long boundFrom, Dictionary<string, long> counts, LegacyFacts legacy)
    {
        var monthlyTable = kind == MonthlyImports.AuditKind ? Text(payload, "table") : null;
        if (monthlyTable is not null && monthlyTable != MonthlyCsv.CbpSboTable && monthlyTable != MonthlyCsv.KhsmTable)
        {
            return new FactFailure(seq, "monthly_import", null, $"monthly-import entry {seq} names table '{monthlyTable}', which is not a monthly table");
        }

        var policyBound = kind == "determination" && payload.ContainsKey("policy");
        var queries = Queries(kind, monthlyTable ?? MonthlyCsv.CbpSboTable, policyBound);
        var key = queries[0].KeyIsImportId ? Number(payload, "importId") : seq;
        if (kind == "determination" && !policyBound && Attribution(connection, transaction, seq) is { } misattributed)
        {
            return misattributed;
        }

        if (Text(payload, RowsMember) is { } bound)
        {
            if (seq < boundFrom)
            {
                return new FactFailure(seq, queries[0].Table, null, $"entry {seq} carries {RowsMember} but fact_binding says binding began at seq {boundFrom}: fact_binding was edited");
            }

            var digest = DigestOf(connection, transaction, queries, key, counts);
            if (digest != bound)
            {
                var rows = string.Join(", ", queries.Select(q => q.Table));
                var which = queries[0].KeyIsImportId ? $"import {key}" : $"the row of audit_seq {seq}";
                return new FactFailure(seq, rows, which, $"{kind} entry {seq}: the rows of {rows} for {which} no longer hash to its {RowsMember}: a row was edited, added, moved or deleted");
            }

            return null;
        }

        if (seq >= boundFrom)
        {
            return new FactFailure(seq, queries[0].Table, null, $"{kind} entry {seq} was written after fact binding began (seq {boundFrom}) but carries no {RowsMember}");
        }

        return LegacyEntry(connection, transaction, seq, kind, recordedAt, payload, queries, key, counts, legacy);
    }

    /// <summary>
    /// A determination entry from before schema 8 names no policy, so its digest cannot bind policy_id: the row must
    /// carry the documented attribution (<see cref="RecordedDetermination.FirstPolicy"/>), or it was edited.
    /// </summary>
    private static FactFailure? Attribution(DbConnection connection, DbTransaction transaction, long seq)
    {
        var policy = connection.ExecuteScalar<string?>("SELECT policy_id FROM recorded_determination WHERE audit_seq = @Seq", new { Seq = seq }, transaction);
        return policy is null || policy == RecordedDetermination.FirstPolicy ? null
            : new FactFailure(seq, "recorded_determination", $"the row of audit_seq {seq}", $"determination entry {seq} was recorded before determinations named a policy, so it is attributed to {RecordedDetermination.FirstPolicy}, but recorded_determination.policy_id is {policy}: a row was edited");
    }

    /// <summary>An entry from before schema 7: its rows are compared with what its payload states, and what it cannot state is counted as unbound.</summary>
    private static FactFailure? LegacyEntry(DbConnection connection, DbTransaction transaction, long seq, string kind, string recordedAt, JsonObject payload, FactQuery[] queries, long key, Dictionary<string, long> counts, LegacyFacts legacy)
    {
        var rows = queries.Select(q => Rows(connection, transaction, q, key)).ToArray();
        for (var i = 0; i < queries.Length; i++)
        {
            counts[queries[i].Table] = counts.GetValueOrDefault(queries[i].Table) + rows[i].Count;
        }

        legacy.Entries++;
        var head = rows[0];
        if (head.Count != 1)
        {
            return new FactFailure(seq, queries[0].Table, KeyText(queries[0], key), $"{kind} entry {seq} records one row of {queries[0].Table} ({KeyText(queries[0], key)}), but the table holds {head.Count}");
        }

        var row = head[0];
        (string Column, object? Expected)[] expected = kind switch
        {
            "import" =>
            [
                ("series_name", Text(payload, "series")), ("source_name", Text(payload, "source")), ("content_sha256", Text(payload, "sha256")),
                ("day_count", Number(payload, "dayCount")), ("new_day_count", Number(payload, "newDayCount")), ("revised_day_count", Number(payload, "revisedDayCount")),
                ("recorded_at", recordedAt),
            ],
            MonthlyImports.AuditKind =>
            [
                ("table_name", Text(payload, "table")), ("layout", Text(payload, "layout")), ("source_name", Text(payload, "file")), ("content_sha256", Text(payload, "sha256")),
                ("row_count", Number(payload, "rowCount")), ("new_row_count", Number(payload, "newRowCount")), ("revised_row_count", Number(payload, "revisedRowCount")),
                ("recorded_at", recordedAt),
            ],
            "determination" =>
            [
                ("determined_on", Text(payload, "date")), ("kind", Text(payload, "kind")), ("window_start", Text(payload, "windowStart")),
                ("window_end", Text(payload, "windowEnd")), ("made_by", Text(payload, "by")), ("note", Text(payload, "note")), ("recorded_at", recordedAt),
            ],
            "ledger-allocation" =>
            [
                ("seq", Number(payload, "seq")), ("case_id", Text(payload, "caseId")), ("citizenship", Text(payload, "citizenship")),
                ("encountered_at", Text(payload, "encounteredAt")), ("unaccompanied_child", Flag(payload, "unaccompaniedChild")), ("destination", Text(payload, "destination")),
                ("overflow", Flag(payload, "overflow")), ("arrangement_id", Text(payload, "arrangementId")), ("ledger_month", Text(payload, "month")), ("recorded_at", recordedAt),
            ],
            "api-key-created" => [("key_id", Text(payload, "keyId")), ("name", Text(payload, "name")), ("role", Text(payload, "role")), ("created_at", recordedAt)],
            _ => [("key_id", Text(payload, "keyId")), ("revoked_at", recordedAt)],
        };
        foreach (var (column, value) in expected)
        {
            if (!Equals(Canonical(row[column]), Canonical(value)))
            {
                return new FactFailure(seq, queries[0].Table, KeyText(queries[0], key), $"{kind} entry {seq}: {queries[0].Table}.{column} of {KeyText(queries[0], key)} is {Canonical(row[column]) ?? "NULL"}, but the entry records {Canonical(value) ?? "NULL"}");
            }
        }

        switch (kind)
        {
            case "import" or MonthlyImports.AuditKind:
                var stated = kind == "import"
                    ? Number(payload, "newDayCount") + Number(payload, "revisedDayCount")
                    : Number(payload, "newRowCount") + Number(payload, "revisedRowCount");
                if (rows[1].Count != stated)
                {
                    return new FactFailure(seq, queries[1].Table, KeyText(queries[1], key), $"{kind} entry {seq} wrote {stated} row(s) of {queries[1].Table} for import {key}, but the table holds {rows[1].Count}");
                }

                legacy.Add($"values of {queries[1].Table} rows", rows[1].Count);
                break;
            case "api-key-created":
                legacy.Add("key hashes of api_key rows", 1);
                break;
        }

        return null;
    }

    /// <summary>Every row of every fact table belongs to an entry: the rows the entries read must be all the rows there are.</summary>
    private static FactFailure? Coverage(DbConnection connection, DbTransaction transaction, Dictionary<string, long> counts, long afterSeq)
    {
        // Resumed: only the rows of entries after afterSeq (import rows by import id, the others by their entry's seq).
        var encounterFrom = LastImportUpTo(connection, transaction, "import", afterSeq);
        var monthlyFrom = LastImportUpTo(connection, transaction, MonthlyImports.AuditKind, afterSeq);
        (string Table, string Count, string Stray)[] tables =
        [
            ("encounter_import", "SELECT COUNT(*) FROM encounter_import WHERE import_id > @Encounter", "SELECT MIN(import_id) FROM encounter_import"),
            ("encounter_day", "SELECT COUNT(*) FROM encounter_day WHERE import_id > @Encounter", "SELECT MIN(import_id) FROM encounter_day"),
            ("monthly_import", "SELECT COUNT(*) FROM monthly_import WHERE import_id > @Monthly", "SELECT MIN(import_id) FROM monthly_import"),
            (MonthlyCsv.CbpSboTable, $"SELECT COUNT(*) FROM {MonthlyCsv.CbpSboTable} WHERE import_id > @Monthly", $"SELECT MIN(import_id) FROM {MonthlyCsv.CbpSboTable}"),
            (MonthlyCsv.KhsmTable, $"SELECT COUNT(*) FROM {MonthlyCsv.KhsmTable} WHERE import_id > @Monthly", $"SELECT MIN(import_id) FROM {MonthlyCsv.KhsmTable}"),
            ("recorded_determination", "SELECT COUNT(*) FROM recorded_determination WHERE audit_seq > @After", "SELECT MIN(audit_seq) FROM recorded_determination"),
            ("ledger_event", "SELECT COUNT(*) FROM ledger_event WHERE audit_seq > @After", "SELECT MIN(audit_seq) FROM ledger_event"),
            ("api_key", "SELECT COUNT(*) FROM api_key WHERE created_audit_seq > @After", "SELECT MIN(created_audit_seq) FROM api_key"),
            ("api_key (revocation)", "SELECT COUNT(*) FROM api_key WHERE revoked_audit_seq > @After", "SELECT MIN(revoked_audit_seq) FROM api_key"),
        ];
        foreach (var (table, count, stray) in tables)
        {
            var total = connection.ExecuteScalar<long>(count, new { Encounter = encounterFrom, Monthly = monthlyFrom, After = afterSeq }, transaction);
            var covered = counts.GetValueOrDefault(table);
            if (total != covered)
            {
                var near = connection.ExecuteScalar<long?>(stray, transaction: transaction);
                return new FactFailure(0, table, null, $"{table} holds {total} row(s) but the audit entries record {covered}: {(total > covered ? "rows were added outside the log or moved to an entry of another kind" : "rows were deleted")} (the lowest key there is {near?.ToString(CultureInfo.InvariantCulture) ?? "none"})");
            }
        }

        return null;
    }

    /// <summary>The highest import id that an entry of <paramref name="kind"/> at or before <paramref name="seq"/> records (0 when none).</summary>
    private static long LastImportUpTo(DbConnection connection, DbTransaction transaction, string kind, long seq)
    {
        if (seq == 0)
        {
            return 0;
        }

        var payload = connection.QuerySingleOrDefault<string?>(
            "SELECT payload FROM audit_log WHERE kind = @Kind AND seq <= @Seq ORDER BY seq DESC LIMIT 1", new { Kind = kind, Seq = seq }, transaction);
        return payload is null ? 0 : Number(JsonNode.Parse(payload)!.AsObject(), "importId");
    }

    private static List<Dictionary<string, object?>> Rows(DbConnection connection, DbTransaction transaction, FactQuery query, long key) =>
        [.. connection.Query(query.Sql, new { Key = key }, transaction).Select(r => ((IDictionary<string, object?>)r).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal))];

    private static string KeyText(FactQuery query, long key) => query.KeyIsImportId ? $"import {key}" : $"audit_seq {key}";

    private static string Table(string kind) => Kinds.Contains(kind) ? Queries(kind, MonthlyCsv.CbpSboTable)[0].Table : kind;

    private static string? Text(JsonObject payload, string name) => payload[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static long Number(JsonObject payload, string name) =>
        payload[name] is JsonValue v && v.TryGetValue<long>(out var n) ? n : throw new FormatException($"the payload has no integer \"{name}\"");

    private static long Flag(JsonObject payload, string name) =>
        payload[name] is JsonValue v && v.TryGetValue<bool>(out var b) ? (b ? 1 : 0) : throw new FormatException($"the payload has no boolean \"{name}\"");

    /// <summary>A field's canonical text: strings as they are, integers in invariant decimal, NULL as null.</summary>
    internal static string? Canonical(object? value) => value switch
    {
        null or DBNull => null,
        string s => s,
        long n => n.ToString(CultureInfo.InvariantCulture),
        int n => n.ToString(CultureInfo.InvariantCulture),
        short n => n.ToString(CultureInfo.InvariantCulture),
        bool b => b ? "1" : "0",
        _ => throw new FormatException($"a stored fact has a value of type {value.GetType().Name}"),
    };

    /// <summary>Row hashes, combined order-independently.</summary>
    private sealed class Accumulator
    {
        private readonly List<byte[]> rowHashes = [];
        private byte[] buffer = new byte[256];

        public void Add(IReadOnlyList<object?> row)
        {
            var used = 0;
            foreach (var value in row)
            {
                var text = Canonical(value);
                var most = 8 + (text is null ? 0 : Encoding.UTF8.GetMaxByteCount(text.Length));
                if (buffer.Length - used < most)
                {
                    Array.Resize(ref buffer, Math.Max(buffer.Length * 2, used + most));
                }

                var count = text is null ? -1 : Encoding.UTF8.GetBytes(text, buffer.AsSpan(used + 8));
                System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(buffer.AsSpan(used), count);
                used += 8 + Math.Max(count, 0);
            }

            rowHashes.Add(SHA256.HashData(buffer.AsSpan(0, used)));
        }

        public string Finish()
        {
            rowHashes.Sort((a, b) => a.AsSpan().SequenceCompareTo(b));
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            foreach (var h in rowHashes)
            {
                hash.AppendData(h);
            }

            return Convert.ToHexStringLower(hash.GetHashAndReset());
        }
    }
}

/// <summary>Where the facts stopped matching the log: the entry (0 when the failure is a row no entry records), the table, the row, and why.</summary>
public sealed record FactFailure(long Seq, string Table, string? Row, string Reason);

/// <summary>What verification of entries written before fact binding (schema 7) could not check, for the report.</summary>
public sealed class LegacyFacts
{
    /// <summary>Entries of a fact kind checked against their payloads only.</summary>
    public long Entries { get; internal set; }

    private readonly SortedDictionary<string, long> unbound = new(StringComparer.Ordinal);

    /// <summary>What those payloads do not state, so no verification can bind it: a count per kind of fact.</summary>
    public IReadOnlyDictionary<string, long> Unbound => unbound;

    internal void Add(string what, long count) => unbound[what] = unbound.GetValueOrDefault(what) + count;

    /// <summary>One sentence for the report, or null when every entry was bound.</summary>
    public string? Describe() => Entries == 0 ? null
        : $"{Entries} entr{(Entries == 1 ? "y" : "ies")} from before fact binding (schema 7) were checked against their payloads only; not bound: {(unbound.Count == 0 ? "nothing" : string.Join("; ", unbound.Select(u => $"{u.Value} {u.Key}")))}";
}
