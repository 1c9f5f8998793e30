using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using NodaTime;
using Threshold.Returns;
using Threshold.Screening;

namespace Threshold.Record;

/// <summary>
/// A screening decision as stored: the full input (<see cref="CaseJsonReader.Write(ScreeningCase)"/>), the full output
/// (<see cref="CaseDecisionJson.Build"/> serialised with <see cref="CaseDecisionJson.Compact"/>, trace included: the
/// stored trace is joined back in), the versions that produced it, the instant recorded and the audit-log entry that
/// records it (one <c>decision-batch</c> entry for the whole batch).
/// </summary>
public sealed record StoredDecision(
    long DecisionId,
    string CaseId,
    string InputJson,
    string OutputJson,
    string RuleSetVersion,
    string EngineVersion,
    Instant RecordedAt,
    long AuditSeq)
{
    /// <summary>The stored input parsed back into a case (with every check of <see cref="CaseJsonReader"/>).</summary>
    public ScreeningCase Input() => CaseJsonReader.Parse(Encoding.UTF8.GetBytes(InputJson), $"decision {DecisionId}", 1, multiLine: false);
}

/// <summary>A stored batch of decisions: its id range (inclusive), its audit entry and the instant recorded.</summary>
public sealed record StoredBatch(long FirstDecisionId, long LastDecisionId, long AuditSeq, Instant RecordedAt)
{
    public long Count => LastDecisionId - FirstDecisionId + 1;
}

/// <summary>
/// Screening decisions as stored facts (table <c>screening_decision</c>, migrations 0002, 0004 and 0006). A call to
/// <see cref="StoreMany"/> or <see cref="StoreLines"/> is one transaction, all or nothing, recorded by ONE audit entry
/// of kind <c>decision-batch</c> whose payload carries the SHA-256 of the batch's rows (<see cref="BatchDigest"/>).
/// <see cref="StoreMany"/> stores each distinct trace once in <c>screening_trace</c>; <see cref="StoreLines"/> stores a
/// bulk line as its per-case values and its outcome's template, each distinct template once in
/// <c>screening_template</c>; both are keyed by the SHA-256 of their JSON. Rows are never updated or deleted. <see cref="VerifyFacts()"/> checks the stored rows against
/// their audit entries.
/// </summary>
public sealed class DecisionRecord
{
    /// <summary>Audit-entry kind of a batch of decisions (migration 0004 on).</summary>
    public const string BatchKind = "decision-batch";

    /// <summary>Audit-entry kind of one decision stored before migration 0004.</summary>
    public const string LegacyKind = "decision";

    /// <summary>The payload member, <c>true</c>, of a <c>decision-batch</c> entry whose rows name output templates (migration 0006).</summary>
    public const string TemplatesMember = "templates";

    private static readonly byte[] TraceSuffix = ",\"trace\":[]}"u8.ToArray();
    private readonly IRecordDatabase database;
    private readonly IClock clock;

    /// <summary>The decisions of an opened (hence migrated) record; <paramref name="clock"/> gives every "recorded at".</summary>
    public DecisionRecord(RecordStore store, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(clock);
        database = store.Database;
        this.clock = clock;
    }

    /// <summary>Stores one decision with its input in its own transaction.</summary>
    public StoredDecision Store(CaseDecision decision, ScreeningCase input, string ruleSetVersion, string engineVersion, ScreenedUnder? screenedUnder = null) =>
        StoreMany([(decision, input)], ruleSetVersion, engineVersion, screenedUnder)[0];

    /// <summary>
    /// Stores every decision in ONE transaction with one audit entry: either all are stored (all with the same recorded
    /// instant) or, if anything fails (a bad item, an exception thrown while enumerating), none is. An empty batch
    /// stores nothing and writes no entry.
    /// </summary>
    /// <param name="screenedUnder">The series the decisions were screened under, stored in the batch's audit entry (null: not stated).</param>
    public IReadOnlyList<StoredDecision> StoreMany(IEnumerable<(CaseDecision Decision, ScreeningCase Input)> decisions, string ruleSetVersion, string engineVersion, ScreenedUnder? screenedUnder = null)
    {
        ArgumentNullException.ThrowIfNull(decisions);
        ArgumentException.ThrowIfNullOrWhiteSpace(ruleSetVersion);
        ArgumentException.ThrowIfNullOrWhiteSpace(engineVersion);
        using var connection = database.OpenConnection();
        using var transaction = database.BeginWrite(connection);
        var at = RecordTime.Normalise(clock.GetCurrentInstant()); // read under the write lock: time order = commit order
        var stored = StoreWithin(connection, transaction, decisions, ruleSetVersion, engineVersion, at, screenedUnder);
        transaction.Commit();
        return stored;
    }

    /// <summary>
    /// Stores bulk screening lines (<see cref="CaseDecisionLineWriter.Format"/>: each as its per-case values and its
    /// outcome's template, read back whole as the <c>screen --trace inline</c> line) with their inputs in ONE transaction with one audit entry, all or nothing, exactly like
    /// <see cref="StoreMany"/>: the fast path for bulk runs, with no per-decision serialisation.
    /// </summary>
    public StoredBatch? StoreLines(IReadOnlyList<(FormattedDecision Line, ScreeningCase Input)> lines, string ruleSetVersion, string engineVersion, ScreenedUnder? screenedUnder = null)
    {
        ArgumentNullException.ThrowIfNull(lines);
        using var connection = database.OpenConnection();
        using var transaction = database.BeginWrite(connection);
        var at = RecordTime.Normalise(clock.GetCurrentInstant());
        var stored = StoreLinesWithin(connection, transaction, lines, ruleSetVersion, engineVersion, at, screenedUnder);
        transaction.Commit();
        return stored;
    }

    /// <summary><see cref="StoreLines"/> inside a write transaction the caller owns; null for no lines.</summary>
    internal static StoredBatch? StoreLinesWithin(DbConnection connection, DbTransaction transaction, IReadOnlyList<(FormattedDecision Line, ScreeningCase Input)> lines, string ruleSetVersion, string engineVersion, Instant at, ScreenedUnder? screenedUnder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ruleSetVersion);
        ArgumentException.ThrowIfNullOrWhiteSpace(engineVersion);
        using var rows = new DecisionRowFrames(NextId(connection, transaction), ruleSetVersion, engineVersion, RecordTime.Format(at));
        var templates = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (line, input) in lines)
        {
            ArgumentNullException.ThrowIfNull(line);
            ArgumentNullException.ThrowIfNull(input);
            if (!string.Equals(line.CaseId, input.Id, StringComparison.Ordinal))
            {
                throw new ArgumentException($"the line is for case '{line.CaseId}' but the input is case '{input.Id}'", nameof(lines));
            }

            templates.TryAdd(line.TemplateSha256, line.TemplateJson);
            rows.Add(input, line.Values, line.TemplateSha256);
        }

        return StoreRows(connection, transaction, rows, templates, at, byTemplate: true, screenedUnder);
    }

    /// <summary>Stores inside a write transaction the caller owns.</summary>
    internal static List<StoredDecision> StoreWithin(DbConnection connection, DbTransaction transaction, IEnumerable<(CaseDecision Decision, ScreeningCase Input)> decisions, string ruleSetVersion, string engineVersion, Instant at, ScreenedUnder? screenedUnder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ruleSetVersion);
        ArgumentException.ThrowIfNullOrWhiteSpace(engineVersion);
        using var rows = new DecisionRowFrames(NextId(connection, transaction), ruleSetVersion, engineVersion, RecordTime.Format(at));
        var stored = new List<StoredDecision>();
        var traces = new Dictionary<string, string>(StringComparer.Ordinal);
        var serializer = new DecisionSerializer();
        foreach (var (decision, input) in decisions)
        {
            ArgumentNullException.ThrowIfNull(decision);
            ArgumentNullException.ThrowIfNull(input);
            if (!string.Equals(decision.Screening.Id, input.Id, StringComparison.Ordinal))
            {
                throw new ArgumentException($"the decision is for case '{decision.Screening.Id}' but the input is case '{input.Id}'", nameof(decisions));
            }

            var (head, traceId, traceJson) = serializer.Split(decision);
            traces.TryAdd(traceId, traceJson);
            var inputJson = CaseJsonReader.Write(input);
            stored.Add(new StoredDecision(rows.NextDecisionId, input.Id, inputJson, Join(head, traceJson), ruleSetVersion, engineVersion, at, 0));
            rows.Add(input.Id, inputJson, head, traceId);
        }

        return StoreRows(connection, transaction, rows, traces, at, byTemplate: false, screenedUnder) is { } batch
            ? [.. stored.Select(d => d with { AuditSeq = batch.AuditSeq })]
            : [];
    }

    private static long NextId(DbConnection connection, DbTransaction transaction) =>
        checked(connection.ExecuteScalar<long>("SELECT COALESCE(MAX(decision_id), 0) FROM screening_decision", transaction: transaction) + 1);

    /// <summary>
    /// The new shared parts (traces, or with <paramref name="byTemplate"/> output templates: each row names one by its
    /// shared id), the batch's audit entry, then its rows; null (nothing written) for no rows.
    /// </summary>
    private static StoredBatch? StoreRows(DbConnection connection, DbTransaction transaction, DecisionRowFrames rows, Dictionary<string, string> shared, Instant at, bool byTemplate, ScreenedUnder? screenedUnder)
    {
        if (rows.Count == 0)
        {
            return null;
        }

        var first = rows.FirstDecisionId;
        var last = rows.NextDecisionId - 1;
        InsertShared(connection, transaction, shared, byTemplate);
        var payload = new JsonObject
        {
            ["firstDecisionId"] = first,
            ["lastDecisionId"] = last,
            ["count"] = rows.Count,
            ["rowsSha256"] = rows.Sha256(),
            ["ruleSetVersion"] = rows.RuleSetVersion,
            ["engineVersion"] = rows.EngineVersion,
        };
        if (byTemplate)
        {
            payload[TemplatesMember] = true;
        }

        screenedUnder?.WriteTo(payload);

        var entry = AuditChain.Append(connection, transaction, BatchKind, payload, at);
        InsertRows(connection, transaction, rows, entry.Seq, byTemplate ? "template_id" : "trace_id");
        return new StoredBatch(first, last, entry.Seq, at);
    }

    /// <summary>One stored decision, or null.</summary>
    public StoredDecision? Get(long decisionId)
    {
        using var connection = database.OpenConnection();
        return connection.QuerySingleOrDefault<Row>(Select + " WHERE d.decision_id = @decisionId", new { decisionId })?.ToDecision(new TemplateSegments());
    }

    /// <summary>Every stored decision of a case, in the order stored.</summary>
    public IReadOnlyList<StoredDecision> ForCase(string caseId)
    {
        ArgumentNullException.ThrowIfNull(caseId);
        using var connection = database.OpenConnection();
        var templates = new TemplateSegments();
        return [.. connection.Query<Row>(Select + " WHERE d.case_id = @caseId ORDER BY d.decision_id", new { caseId }).Select(r => r.ToDecision(templates))];
    }

    /// <summary>Every stored decision, in the order stored.</summary>
    public IReadOnlyList<StoredDecision> List()
    {
        using var connection = database.OpenConnection();
        var templates = new TemplateSegments();
        return [.. connection.Query<Row>(Select + " ORDER BY d.decision_id").Select(r => r.ToDecision(templates))];
    }

    /// <summary>The case ids of every stored decision (cheaper than <see cref="List"/>: no outputs are read).</summary>
    public IReadOnlySet<string> CaseIds()
    {
        using var connection = database.OpenConnection();
        return connection.Query<string>("SELECT case_id FROM screening_decision").ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The output JSON of a decision, exactly as <see cref="StoredDecision.OutputJson"/> gives it back.</summary>
    public static string OutputJson(CaseDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return JsonSerializer.Serialize(CaseDecisionJson.Build(decision), CaseDecisionJson.Compact);
    }

    /// <summary>
    /// The <c>rowsSha256</c> of a <c>decision-batch</c> entry: lower-hex SHA-256 over the batch's rows in
    /// decision_id order, each row given as its fields decision_id (decimal), case_id, input_json, output_json (as
    /// stored: without trace[], or a bulk line's values), trace_id — or template_id when the entry's payload has
    /// <c>"templates": true</c> — rule_set_version, engine_version and recorded_at, each field written as its UTF-8
    /// byte length (8 bytes, big-endian) followed by its UTF-8 bytes.
    /// </summary>
    public static string BatchDigest(IEnumerable<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        // Fields are framed into one buffer and hashed a buffer at a time: the per-call cost of AppendData, not
        // SHA-256 itself, dominated hashing field by field.
        var buffer = new byte[1 << 16];
        var used = 0;
        foreach (var row in rows)
        {
            foreach (var field in row)
            {
                var most = 8 + Encoding.UTF8.GetMaxByteCount(field.Length);
                if (buffer.Length - used < most)
                {
                    hash.AppendData(buffer, 0, used);
                    used = 0;
                    if (buffer.Length < most)
                    {
                        buffer = new byte[most];
                    }
                }

                var count = Encoding.UTF8.GetBytes(field, buffer.AsSpan(used + 8));
                System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(buffer.AsSpan(used), count);
                used += 8 + count;
            }
        }

        hash.AppendData(buffer, 0, used);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>
    /// Checks every stored decision against the audit log: each <c>decision-batch</c> entry's rows still hash to its
    /// <c>rowsSha256</c> and are exactly its id range; each legacy <c>decision</c> entry still matches its row's input
    /// and output; every trace still hashes to its id; no row lies outside an entry. Returns the first failure (the
    /// entry's seq and why), or null when every row matches. Run it after the chain itself has verified.
    /// </summary>
    public (long Seq, string Reason)? VerifyFacts() => VerifyFacts(0);

    /// <summary>
    /// <see cref="VerifyFacts()"/> for the entries after <paramref name="afterSeq"/> only (a resumed verification: the
    /// decisions of earlier entries were verified before), with the traces and templates those decisions use.
    /// </summary>
    public (long Seq, string Reason)? VerifyFacts(long afterSeq)
    {
        using var connection = database.OpenConnection();
        using var transaction = database.BeginRead(connection); // one snapshot, no write lock
        foreach (var (table, noun) in new[] { ("trace", "trace"), ("template", "output template") })
        {
            // Fixed table and column names: screening_trace (trace_id, trace_json), screening_template (template_id, template_json).
            // Streamed (one row held at a time); the failing row's entry is looked up once the reader is closed.
            string? bad = null;
            foreach (var shared in connection.Query<(string Id, string Json)>(
                $"SELECT {table}_id, {table}_json FROM screening_{table} WHERE @After = 0 OR {table}_id IN (SELECT {table}_id FROM screening_decision WHERE audit_seq > @After)",
                new { After = afterSeq },
                transaction,
                buffered: false))
            {
                if (Sha256(shared.Json) != shared.Id)
                {
                    bad = shared.Id;
                    break;
                }
            }

            if (bad is not null)
            {
                var seq = connection.ExecuteScalar<long?>($"SELECT MIN(audit_seq) FROM screening_decision WHERE {table}_id = @Id", new { Id = bad }, transaction) ?? 0;
                return (seq, $"stored {noun} {bad} no longer hashes to its id");
            }
        }

        long covered = 0;
        var after = afterSeq;
        while (true)
        {
            // Pages of entries, so memory stays constant; each batch's rows are read between pages.
            var page = connection.Query<(long Seq, string Kind, string Payload)>(
                "SELECT seq, kind, payload FROM audit_log WHERE kind IN (@Batch, @Legacy) AND seq > @After ORDER BY seq LIMIT 1000",
                new { Batch = BatchKind, Legacy = LegacyKind, After = after },
                transaction).AsList();
            if (page.Count == 0)
            {
                break;
            }

            after = page[^1].Seq;
            if (VerifyPage(connection, transaction, page, ref covered) is { } failure)
            {
                return failure;
            }
        }

        var total = connection.ExecuteScalar<long>("SELECT COUNT(*) FROM screening_decision WHERE audit_seq > @After", new { After = afterSeq }, transaction);
        if (total != covered)
        {
            var stray = connection.ExecuteScalar<long>("SELECT COALESCE(MAX(audit_seq), 0) FROM screening_decision", transaction: transaction);
            return (stray, $"{total - covered} stored decision(s) are not recorded by any decision entry");
        }

        return null;
    }

    private static (long Seq, string Reason)? VerifyPage(DbConnection connection, DbTransaction transaction, List<(long Seq, string Kind, string Payload)> entries, ref long covered)
    {
        foreach (var (seq, kind, payloadText) in entries)
        {
            var payload = JsonNode.Parse(payloadText)!.AsObject();
            string? failure;
            try
            {
                failure = kind == BatchKind
                    ? VerifyBatch(connection, transaction, seq, payload, ref covered)
                    : VerifyLegacy(connection, transaction, seq, payload, ref covered);
            }
            catch (MalformedEntryException e)
            {
                // A well-hashed entry of a decision kind whose payload is not one: named, never a crash of the verifier.
                failure = $"{kind} entry {seq}: {e.Message}";
            }

            if (failure is not null)
            {
                return (seq, failure);
            }
        }

        return null;
    }

    /// <summary>A payload field the decision tables are checked against, or <see cref="MalformedEntryException"/>.</summary>
    private static T Field<T>(JsonObject payload, string name) =>
        payload[name] is JsonValue value && value.TryGetValue<T>(out var v) ? v : throw new MalformedEntryException($"the payload has no {typeof(T).Name.ToLowerInvariant()} \"{name}\"");

    /// <summary>A text member of a payload, or null when it is absent or not text (then it matches no hash).</summary>
    private static string? Text(JsonObject payload, string name) => payload[name] is JsonValue value && value.TryGetValue<string>(out var v) ? v : null;

    private sealed class MalformedEntryException(string message) : Exception(message);

    private static string? VerifyBatch(DbConnection connection, DbTransaction transaction, long seq, JsonObject payload, ref long covered)
    {
        var first = Field<long>(payload, "firstDecisionId");
        var last = Field<long>(payload, "lastDecisionId");
        var count = Field<long>(payload, "count");
        var ruleSet = Field<string>(payload, "ruleSetVersion");
        var engine = Field<string>(payload, "engineVersion");
        // A primary-key range read, so verifying the whole record stays linear. A row re-pointed to another entry shows
        // here as a wrong audit_seq; a row outside every entry's range, in the total count at the end.
        var byTemplate = payload[TemplatesMember] is JsonValue flag && flag.TryGetValue<bool>(out var templated) && templated;
        var rows = connection.Query<(long DecisionId, string CaseId, string InputJson, string OutputJson, string? TraceId, string? TemplateId, string RuleSetVersion, string EngineVersion, string RecordedAt, long AuditSeq)>(
            "SELECT decision_id, case_id, input_json, output_json, trace_id, template_id, rule_set_version, engine_version, recorded_at, audit_seq FROM screening_decision WHERE decision_id BETWEEN @First AND @Last ORDER BY decision_id",
            new { First = first, Last = last },
            transaction).ToList();
        if (rows.Count == 0 || rows.Count != count || rows.Count != last - first + 1 || rows.Any(r => r.AuditSeq != seq) || rows[0].DecisionId != first || rows[^1].DecisionId != last)
        {
            return $"decision-batch entry {seq} records decisions {first}–{last} ({count}), but the table holds {rows.Count} row(s) for it";
        }

        if (rows.Any(r => r.RuleSetVersion != ruleSet || r.EngineVersion != engine))
        {
            return $"decisions {first}–{last}: a stored rule-set or engine version differs from entry {seq}";
        }

        // A batch stored by template has template_id on every row and no trace_id; an older batch, the reverse.
        if (rows.Any(r => byTemplate ? r.TemplateId is null || r.TraceId is not null : r.TemplateId is not null))
        {
            return $"decisions {first}–{last}: a row's trace_id or template_id does not match how entry {seq} stored the batch";
        }

        var digest = BatchDigest(rows.Select(r => (IReadOnlyList<string>)[RecordTime.Invariant(r.DecisionId), r.CaseId, r.InputJson, r.OutputJson, (byTemplate ? r.TemplateId : r.TraceId) ?? string.Empty, r.RuleSetVersion, r.EngineVersion, r.RecordedAt]));
        if (digest != Text(payload, "rowsSha256"))
        {
            return $"stored decisions {first}–{last} no longer hash to the rowsSha256 of entry {seq}: a row was edited";
        }

        // PostgreSQL keeps no foreign key from a row to its trace or template (migration 0006): check them here.
        var dangling = connection.ExecuteScalar<long>(
            """
            SELECT COUNT(*) FROM screening_decision d
            LEFT JOIN screening_trace t ON t.trace_id = d.trace_id
            LEFT JOIN screening_template o ON o.template_id = d.template_id
            WHERE d.decision_id BETWEEN @First AND @Last
              AND ((d.trace_id IS NOT NULL AND t.trace_id IS NULL) OR (d.template_id IS NOT NULL AND o.template_id IS NULL))
            """,
            new { First = first, Last = last },
            transaction);
        if (dangling > 0)
        {
            return $"decisions {first}–{last}: {dangling} row(s) name a trace or output template that is not stored";
        }

        covered += rows.Count;
        return null;
    }

    private static string? VerifyLegacy(DbConnection connection, DbTransaction transaction, long seq, JsonObject payload, ref long covered)
    {
        var id = Field<long>(payload, "decisionId");
        var row = connection.QuerySingleOrDefault<(string InputJson, string OutputJson, long AuditSeq)?>(
            "SELECT input_json, output_json, audit_seq FROM screening_decision WHERE decision_id = @Id",
            new { Id = id },
            transaction);
        if (row is not { } r || r.AuditSeq != seq)
        {
            return $"decision entry {seq} records decision {id}, which is missing";
        }

        if (Sha256(r.InputJson) != Text(payload, "inputSha256") || Sha256(r.OutputJson) != Text(payload, "outputSha256"))
        {
            return $"stored decision {id} no longer hashes to entry {seq}: the row was edited";
        }

        covered++;
        return null;
    }

    private static void InsertShared(DbConnection connection, DbTransaction transaction, Dictionary<string, string> shared, bool byTemplate) =>
        connection.Execute(
            byTemplate
                ? "INSERT INTO screening_template (template_id, template_json) VALUES (@Id, @Json) ON CONFLICT (template_id) DO NOTHING"
                : "INSERT INTO screening_trace (trace_id, trace_json) VALUES (@Id, @Json) ON CONFLICT (trace_id) DO NOTHING",
            shared.Select(t => new { Id = t.Key, Json = t.Value }),
            transaction);

    /// <summary>Inserts the rows; <paramref name="sharedColumn"/> (trace_id or template_id, a fixed name) takes each row's shared id.</summary>
    private static void InsertRows(DbConnection connection, DbTransaction transaction, DecisionRowFrames rows, long auditSeq, string sharedColumn)
    {
        var columns = $"decision_id, case_id, input_json, output_json, {sharedColumn}, rule_set_version, engine_version, recorded_at, audit_seq";
        if (connection is Npgsql.NpgsqlConnection postgres)
        {
            // Binary COPY: the bulk path PostgreSQL offers, one round trip for the whole batch.
            using var import = postgres.BeginBinaryImport($"COPY screening_decision ({columns}) FROM STDIN (FORMAT BINARY)");
            rows.ForEachRow((id, caseId, input, output, shared) =>
            {
                import.StartRow();
                import.Write(id, NpgsqlTypes.NpgsqlDbType.Bigint);
                foreach (var utf8 in (ReadOnlySpan<ReadOnlyMemory<byte>>)[caseId, input, output, shared])
                {
                    import.Write(utf8, NpgsqlTypes.NpgsqlDbType.Text); // UTF-8 bytes as text: no decoding to strings
                }

                import.Write(rows.RuleSetVersion, NpgsqlTypes.NpgsqlDbType.Text);
                import.Write(rows.EngineVersion, NpgsqlTypes.NpgsqlDbType.Text);
                import.Write(rows.RecordedAt, NpgsqlTypes.NpgsqlDbType.Text);
                import.Write(auditSeq, NpgsqlTypes.NpgsqlDbType.Bigint);
            });
            import.Complete();
            return;
        }

        SqliteBulkInsert.Rows((Microsoft.Data.Sqlite.SqliteConnection)connection, $"INSERT INTO screening_decision ({columns}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", rows, auditSeq);
    }

    /// <summary>The full output: the stored head (which ends where <c>,"trace":…</c> began) with the trace joined back.</summary>
    private static string Join(string head, string traceJson) => string.Concat(head.AsSpan(0, head.Length - 1), ",\"trace\":", traceJson, "}");

    /// <summary>Lower-case hex SHA-256 of the UTF-8 text.</summary>
    internal static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private const string Select =
        """
        SELECT d.decision_id AS DecisionId, d.case_id AS CaseId, d.input_json AS InputJson, d.output_json AS OutputJson,
               d.rule_set_version AS RuleSetVersion, d.engine_version AS EngineVersion, d.recorded_at AS RecordedAt, d.audit_seq AS AuditSeq,
               t.trace_json AS TraceJson, d.template_id AS TemplateId, o.template_json AS TemplateJson
        FROM screening_decision d LEFT JOIN screening_trace t ON t.trace_id = d.trace_id
             LEFT JOIN screening_template o ON o.template_id = d.template_id
        """;

    /// <summary>
    /// Splits a decision's output into the stored head (everything but <c>trace[]</c>, which the contract writes last)
    /// and the trace JSON with its id. Traces repeat across thousands of decisions, so each distinct one is serialised
    /// and hashed once: the cache key is the trace's steps compared by reference (steps come from the compiled rules).
    /// </summary>
    private sealed class DecisionSerializer
    {
        private readonly Dictionary<TraceKey, (string Id, string Json)> cache = [];

        public (string Head, string TraceId, string TraceJson) Split(CaseDecision decision)
        {
            var dto = CaseDecisionJson.Build(decision);
            var headBytes = JsonSerializer.SerializeToUtf8Bytes(dto with { Trace = [] }, CaseDecisionJson.Compact);
            if (!headBytes.AsSpan().EndsWith(TraceSuffix))
            {
                throw new InvalidOperationException("the decision contract no longer ends with trace[]; the stored split needs updating");
            }

            var head = string.Concat(Encoding.UTF8.GetString(headBytes, 0, headBytes.Length - TraceSuffix.Length), "}");
            var key = new TraceKey(decision.Screening.Trace);
            if (!cache.TryGetValue(key, out var trace))
            {
                var json = JsonSerializer.Serialize(dto.Trace, CaseDecisionJson.Compact);
                trace = (Sha256(json), json);
                cache[key] = trace;
            }

            return (head, trace.Id, trace.Json);
        }
    }

    /// <summary>A trace compared step by step: same rule, label, citation and note objects, same held.</summary>
    private readonly struct TraceKey(IReadOnlyList<TraceStep> steps) : IEquatable<TraceKey>
    {
        private readonly IReadOnlyList<TraceStep> steps = steps;

        public bool Equals(TraceKey other)
        {
            if (steps.Count != other.steps.Count)
            {
                return false;
            }

            for (var i = 0; i < steps.Count; i++)
            {
                var (a, b) = (steps[i], other.steps[i]);
                if (a.Held != b.Held || !ReferenceEquals(a.Citation, b.Citation) || !string.Equals(a.Rule, b.Rule, StringComparison.Ordinal)
                    || !string.Equals(a.Label, b.Label, StringComparison.Ordinal) || !string.Equals(a.Note, b.Note, StringComparison.Ordinal))
                {
                    return false;
                }
            }

            return true;
        }

        public override bool Equals(object? obj) => obj is TraceKey other && Equals(other);

        public override int GetHashCode()
        {
            var hash = new HashCode();
            foreach (var s in steps)
            {
                hash.Add(s.Rule);
                hash.Add(s.Held);
                hash.Add(s.Note);
            }

            return hash.ToHashCode();
        }
    }

    /// <summary>Templates parsed once per read: a month's rows share a few dozen, each about 2 KB of JSON.</summary>
    private sealed class TemplateSegments
    {
        private readonly Dictionary<string, IReadOnlyList<string>> parsed = new(StringComparer.Ordinal);

        public IReadOnlyList<string> Of(string templateId, string templateJson)
        {
            if (!parsed.TryGetValue(templateId, out var segments))
            {
                segments = FormattedDecision.Segments(templateJson);
                parsed[templateId] = segments;
            }

            return segments;
        }
    }

    private sealed record Row(long DecisionId, string CaseId, string InputJson, string OutputJson, string RuleSetVersion, string EngineVersion, string RecordedAt, long AuditSeq, string? TraceJson, string? TemplateId, string? TemplateJson)
    {
        public StoredDecision ToDecision(TemplateSegments templates) => new(DecisionId, CaseId, InputJson, Output(templates), RuleSetVersion, EngineVersion, RecordTime.ParseInstant(RecordedAt), AuditSeq);

        private string Output(TemplateSegments templates) =>
            TemplateId is not null && TemplateJson is not null ? FormattedDecision.Join(CaseId, templates.Of(TemplateId, TemplateJson), OutputJson)
            : TraceJson is not null ? Join(OutputJson, TraceJson)
            : OutputJson;
    }
}
