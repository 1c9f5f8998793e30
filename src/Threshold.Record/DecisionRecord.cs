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
/// A screening decision as stored: the full input (<see cref="CaseJsonReader.Write"/>), the full output
/// (<see cref="CaseDecisionJson.Build"/> serialised with <see cref="CaseDecisionJson.Compact"/>; it carries the trace),
/// the versions that produced it, the instant recorded and the audit-log entry that records it.
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

/// <summary>
/// Screening decisions as stored facts (table <c>screening_decision</c>, migration 0002). Every decision is also one
/// audit-log entry of kind <c>decision</c>, written in the same transaction; a batch is one transaction, all or
/// nothing. Rows are never updated or deleted.
/// </summary>
public sealed class DecisionRecord
{
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
    public StoredDecision Store(CaseDecision decision, ScreeningCase input, string ruleSetVersion, string engineVersion) =>
        StoreMany([(decision, input)], ruleSetVersion, engineVersion)[0];

    /// <summary>
    /// Stores every decision in ONE transaction: either all are stored (each with its audit entry, all with the same
    /// recorded instant) or, if anything fails (a bad item, an exception thrown while enumerating), none is.
    /// </summary>
    public IReadOnlyList<StoredDecision> StoreMany(IEnumerable<(CaseDecision Decision, ScreeningCase Input)> decisions, string ruleSetVersion, string engineVersion)
    {
        ArgumentNullException.ThrowIfNull(decisions);
        ArgumentException.ThrowIfNullOrWhiteSpace(ruleSetVersion);
        ArgumentException.ThrowIfNullOrWhiteSpace(engineVersion);
        using var connection = database.OpenConnection();
        using var transaction = database.BeginWrite(connection);
        var at = RecordTime.Normalise(clock.GetCurrentInstant()); // read under the write lock: time order = commit order
        var stored = StoreWithin(connection, transaction, decisions, ruleSetVersion, engineVersion, at);
        transaction.Commit();
        return stored;
    }

    /// <summary>Stores inside a write transaction the caller owns.</summary>
    internal static List<StoredDecision> StoreWithin(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, IEnumerable<(CaseDecision Decision, ScreeningCase Input)> decisions, string ruleSetVersion, string engineVersion, Instant at)
    {
        var next = connection.ExecuteScalar<long>("SELECT COALESCE(MAX(decision_id), 0) FROM screening_decision", transaction: transaction);
        var stored = new List<StoredDecision>();
        foreach (var (decision, input) in decisions)
        {
            next = checked(next + 1);
            stored.Add(Insert(connection, transaction, next, decision, input, ruleSetVersion, engineVersion, at));
        }

        return stored;
    }

    /// <summary>One stored decision, or null.</summary>
    public StoredDecision? Get(long decisionId)
    {
        using var connection = database.OpenConnection();
        return connection.QuerySingleOrDefault<Row>(Select + " WHERE decision_id = @decisionId", new { decisionId })?.ToDecision();
    }

    /// <summary>Every stored decision of a case, in the order stored.</summary>
    public IReadOnlyList<StoredDecision> ForCase(string caseId)
    {
        ArgumentNullException.ThrowIfNull(caseId);
        using var connection = database.OpenConnection();
        return [.. connection.Query<Row>(Select + " WHERE case_id = @caseId ORDER BY decision_id", new { caseId }).Select(r => r.ToDecision())];
    }

    /// <summary>Every stored decision, in the order stored.</summary>
    public IReadOnlyList<StoredDecision> List()
    {
        using var connection = database.OpenConnection();
        return [.. connection.Query<Row>(Select + " ORDER BY decision_id").Select(r => r.ToDecision())];
    }

    /// <summary>The output JSON of a decision, exactly as stored.</summary>
    public static string OutputJson(CaseDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return JsonSerializer.Serialize(CaseDecisionJson.Build(decision), CaseDecisionJson.Compact);
    }

    private const string Select =
        """
        SELECT decision_id AS DecisionId, case_id AS CaseId, input_json AS InputJson, output_json AS OutputJson,
               rule_set_version AS RuleSetVersion, engine_version AS EngineVersion, recorded_at AS RecordedAt, audit_seq AS AuditSeq
        FROM screening_decision
        """;

    private static StoredDecision Insert(DbConnection connection, DbTransaction transaction, long id, CaseDecision decision, ScreeningCase input, string ruleSetVersion, string engineVersion, Instant at)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(input);
        if (!string.Equals(decision.Screening.Id, input.Id, StringComparison.Ordinal))
        {
            throw new ArgumentException($"the decision is for case '{decision.Screening.Id}' but the input is case '{input.Id}'", nameof(input));
        }

        var inputJson = CaseJsonReader.Write(input);
        var outputJson = OutputJson(decision);
        var payload = new JsonObject
        {
            ["decisionId"] = id,
            ["caseId"] = input.Id,
            ["inputSha256"] = Sha256(inputJson),
            ["outputSha256"] = Sha256(outputJson),
            ["ruleSetVersion"] = ruleSetVersion,
            ["engineVersion"] = engineVersion,
        };
        var entry = AuditChain.Append(connection, transaction, "decision", payload, at);
        connection.Execute(
            """
            INSERT INTO screening_decision (decision_id, case_id, input_json, output_json, rule_set_version, engine_version, recorded_at, audit_seq)
            VALUES (@Id, @CaseId, @InputJson, @OutputJson, @RuleSetVersion, @EngineVersion, @RecordedAt, @AuditSeq)
            """,
            new
            {
                Id = id,
                CaseId = input.Id,
                InputJson = inputJson,
                OutputJson = outputJson,
                RuleSetVersion = ruleSetVersion,
                EngineVersion = engineVersion,
                RecordedAt = RecordTime.Format(at),
                AuditSeq = entry.Seq,
            },
            transaction);
        return new StoredDecision(id, input.Id, inputJson, outputJson, ruleSetVersion, engineVersion, at, entry.Seq);
    }

    /// <summary>Lower-case hex SHA-256 of the UTF-8 text.</summary>
    internal static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private sealed record Row(long DecisionId, string CaseId, string InputJson, string OutputJson, string RuleSetVersion, string EngineVersion, string RecordedAt, long AuditSeq)
    {
        public StoredDecision ToDecision() => new(DecisionId, CaseId, InputJson, OutputJson, RuleSetVersion, EngineVersion, RecordTime.ParseInstant(RecordedAt), AuditSeq);
    }
}
