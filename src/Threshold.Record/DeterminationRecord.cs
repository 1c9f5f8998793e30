using System.Text.Json.Nodes;
using Dapper;
using NodaTime;
using Threshold.Engine;

namespace Threshold.Record;

/// <summary>
/// A determination as an official made it (e.g. the Secretary's determination that the 7-day average fell below the
/// discontinuation threshold), recorded with the window of data it rests on. It is a fact about what was decided,
/// distinct from what the engine computes a determination should have been. It names the policy it was made under
/// (<paramref name="PolicyId"/>): only that policy's official timeline follows it, and only its diff compares it.
/// </summary>
/// <param name="PolicyId">
/// The built-in policy it was made under. Determinations recorded before schema 8 named none; they are attributed to
/// <see cref="FirstPolicy"/>, the only policy whose determinations could be recorded then (docs/record.md).
/// </param>
public sealed record RecordedDetermination(
    long DeterminationId,
    LocalDate Date,
    DeterminationKind Kind,
    LocalDate WindowStart,
    LocalDate WindowEnd,
    string By,
    string? Note,
    Instant RecordedAt,
    long AuditSeq,
    string PolicyId = RecordedDetermination.FirstPolicy)
{
    /// <summary>The policy of every determination recorded before schema 8, and of a recording that names none.</summary>
    public const string FirstPolicy = "proclamation-10773";
}

/// <summary>Recorded determinations; each one is also an audit-log entry of kind "determination".</summary>
public interface IDeterminationRecord
{
    /// <summary>Records a determination made under <paramref name="policyId"/> (a built-in policy with an encounter threshold).</summary>
    RecordedDetermination RecordDetermination(LocalDate determinedOn, DeterminationKind kind, LocalDate windowStart, LocalDate windowEnd, string by, string? note = null, string policyId = RecordedDetermination.FirstPolicy);

    /// <summary>Every recorded determination, by date then by the order recorded.</summary>
    IReadOnlyList<RecordedDetermination> List();
}

/// <summary>The <see cref="IDeterminationRecord"/> over the portable schema of migration 0001.</summary>
public sealed class DeterminationRecord : IDeterminationRecord
{
    private readonly IRecordDatabase database;
    private readonly IClock clock;

    internal DeterminationRecord(IRecordDatabase database, IClock clock)
    {
        this.database = database;
        this.clock = clock;
    }

    public RecordedDetermination RecordDetermination(LocalDate determinedOn, DeterminationKind kind, LocalDate windowStart, LocalDate windowEnd, string by, string? note = null, string policyId = RecordedDetermination.FirstPolicy)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(by);
        if (DeterminationPolicies.Problem(policyId) is { } problem)
        {
            throw new RecordException($"policy {policyId}: {problem}");
        }

        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind));
        }

        if (windowStart > windowEnd)
        {
            throw new ArgumentException($"the window starts ({windowStart}) after it ends ({windowEnd})", nameof(windowStart));
        }

        if (windowEnd > determinedOn)
        {
            throw new ArgumentException($"a determination made on {determinedOn} cannot rest on data through {windowEnd}", nameof(windowEnd));
        }

        using var connection = database.OpenConnection();
        using var transaction = database.BeginWrite(connection);
        var at = RecordTime.Normalise(clock.GetCurrentInstant()); // read under the write lock: the log stays in time order
        // The id is taken under the write lock before the entry is written, so the entry's digest can bind it.
        var id = connection.ExecuteScalar<long>("SELECT COALESCE(MAX(determination_id), 0) + 1 FROM recorded_determination", transaction: transaction);
        var row = new
        {
            Id = id,
            Date = RecordTime.Format(determinedOn),
            Kind = kind.ToString(),
            WindowStart = RecordTime.Format(windowStart),
            WindowEnd = RecordTime.Format(windowEnd),
            By = by,
            Note = note,
            RecordedAt = RecordTime.Format(at),
            Policy = policyId,
        };
        var payload = new JsonObject
        {
            ["date"] = RecordTime.Format(determinedOn),
            ["kind"] = kind.ToString(),
            ["windowStart"] = RecordTime.Format(windowStart),
            ["windowEnd"] = RecordTime.Format(windowEnd),
            ["by"] = by,
            ["note"] = note,
            ["policy"] = policyId,
            [RecordFacts.RowsMember] = RecordFacts.Digest([[row.Id, row.Date, row.Kind, row.WindowStart, row.WindowEnd, row.By, row.Note, row.RecordedAt, row.Policy]]), // RecordFacts.DeterminationPolicyColumns
        };
        var entry = AuditChain.Append(connection, transaction, "determination", payload, at);
        connection.Execute(
            """
            INSERT INTO recorded_determination (determination_id, determined_on, kind, window_start, window_end, made_by, note, recorded_at, audit_seq, policy_id)
            VALUES (@Id, @Date, @Kind, @WindowStart, @WindowEnd, @By, @Note, @RecordedAt, @AuditSeq, @Policy)
            """,
            new { row.Id, row.Date, row.Kind, row.WindowStart, row.WindowEnd, row.By, row.Note, row.RecordedAt, AuditSeq = entry.Seq, row.Policy },
            transaction);
        transaction.Commit();
        return new RecordedDetermination(id, determinedOn, kind, windowStart, windowEnd, by, note, at, entry.Seq, policyId);
    }

    public IReadOnlyList<RecordedDetermination> List()
    {
        using var connection = database.OpenConnection();
        return [.. connection.Query<Row>(
            """
            SELECT determination_id AS DeterminationId, determined_on AS DeterminedOn, kind AS Kind, window_start AS WindowStart,
                   window_end AS WindowEnd, made_by AS MadeBy, note AS Note, recorded_at AS RecordedAt, audit_seq AS AuditSeq, policy_id AS PolicyId
            FROM recorded_determination ORDER BY determined_on, determination_id
            """)
            .Select(r => new RecordedDetermination(
                r.DeterminationId,
                RecordTime.ParseDate(r.DeterminedOn),
                Enum.Parse<DeterminationKind>(r.Kind),
                RecordTime.ParseDate(r.WindowStart),
                RecordTime.ParseDate(r.WindowEnd),
                r.MadeBy,
                r.Note,
                RecordTime.ParseInstant(r.RecordedAt),
                r.AuditSeq,
                r.PolicyId))];
    }

    private sealed record Row(long DeterminationId, string DeterminedOn, string Kind, string WindowStart, string WindowEnd, string MadeBy, string? Note, string RecordedAt, long AuditSeq, string PolicyId);
}

/// <summary>Which policies a determination can be recorded under: those whose official timeline follows determinations resting on a window of encounter counts.</summary>
public static class DeterminationPolicies
{
    /// <summary>The built-in policies a determination can be recorded under, in id order.</summary>
    public static IReadOnlyList<string> Ids { get; } =
        [.. Threshold.Law.BuiltInPolicies.Ids.Where(id => Threshold.Law.BuiltInPolicies.Get(id).Mechanism == Threshold.Law.MechanismKind.EncounterThreshold).Order(StringComparer.Ordinal)];

    /// <summary>Why a determination cannot be recorded under <paramref name="policyId"/>, or null when it can.</summary>
    public static string? Problem(string? policyId) =>
        policyId is null || !Threshold.Law.BuiltInPolicies.Exists(policyId) ? $"not a built-in policy; a determination can be recorded under {string.Join(", ", Ids)}"
        : Ids.Contains(policyId, StringComparer.Ordinal) ? null
        : $"has no encounter threshold, so no determination rests on a window of counts; a determination can be recorded under {string.Join(", ", Ids)}";
}
