using System.Data.Common;
using System.Globalization;
using System.Text.Json.Nodes;
using Dapper;
using NodaTime;
using NodaTime.Text;
using Threshold.Returns;

namespace Threshold.Record;

/// <summary>
/// One allocation of the persistent returns ledger as recorded (a row of <c>ledger_event</c>): its position in
/// allocation order, the request, where it went, and when it was recorded. The reason and citation are not stored:
/// they follow from the arrangements, and <see cref="LedgerRecord.LedgerAsOf"/> rebuilds them.
/// </summary>
public sealed record RecordedAllocation(
    long Sequence,
    ReturnRequest Request,
    string Destination,
    bool Overflow,
    string? ArrangementId,
    YearMonth Month,
    Instant RecordedAt,
    long AuditSeq)
{
    /// <summary>The ledger's own decision, with its reason and citation, when this allocation was made in this process (null when read back).</summary>
    public ReturnAllocation? Decision { get; init; }

    /// <summary>Equal when the stored facts are: <see cref="Decision"/> is a convenience of the writing process, not part of the record.</summary>
    public bool Equals(RecordedAllocation? other) =>
        other is not null && Sequence == other.Sequence && Request == other.Request && Destination == other.Destination && Overflow == other.Overflow
        && ArrangementId == other.ArrangementId && Month == other.Month && RecordedAt == other.RecordedAt && AuditSeq == other.AuditSeq;

    public override int GetHashCode() => HashCode.Combine(Sequence, Request, Destination, Overflow, ArrangementId, Month, RecordedAt, AuditSeq);

    /// <summary>Whether <paramref name="allocation"/> (e.g. from the in-memory ledger) decided the same destination, overflow, arrangement and month.</summary>
    public bool Matches(ReturnAllocation allocation)
    {
        ArgumentNullException.ThrowIfNull(allocation);
        return allocation.CaseId == Request.CaseId && allocation.Destination == Destination && allocation.Overflow == Overflow
            && allocation.ArrangementId == ArrangementId && allocation.Month == Month;
    }
}

/// <summary>
/// The ledger as it stood at <see cref="AsOf"/>: the allocations recorded at or before that instant, and an in-memory
/// <see cref="ReturnsLedger"/> rebuilt from them (its <see cref="ReturnsLedger.Events"/> carry reasons and citations).
/// </summary>
public sealed record LedgerSnapshot(Instant AsOf, IReadOnlyList<RecordedAllocation> Allocations, ReturnsLedger Ledger)
{
    public LedgerReport Report() => Ledger.Report();
}

/// <summary>
/// The Mexico returns ledger as an append-only event table (<c>ledger_event</c>, migration 0002). Each allocation is
/// decided inside a write transaction (<c>BEGIN IMMEDIATE</c> on SQLite) from the committed events, inserted, and
/// recorded as an audit-log entry of kind <c>ledger-allocation</c> in the same transaction; so any number of writers
/// (threads or processes, each with its own connection) never exceed a monthly cap and never lose an allocation.
/// </summary>
/// <remarks>
/// The record decides nothing itself: a <see cref="ReturnsLedger.Continuing"/> ledger over the same
/// <see cref="ArrangementSet"/> decides each allocation with the rules of <see cref="ReturnsLedger"/>, and the record
/// stores its decision. All the record supplies is the committed use of a cap, read under the write lock: the number of
/// events under that arrangement in that Eastern month that did not overflow. Every writer to one database must use the
/// same arrangements; <see cref="LedgerAsOf"/> refuses events the arrangements would not have produced.
/// </remarks>
public sealed class LedgerRecord
{
    private static readonly YearMonthPattern MonthText = YearMonthPattern.Iso;

    private readonly IRecordDatabase database;
    private readonly IClock clock;

    /// <summary>The ledger of an opened (hence migrated) record, allocating under <paramref name="arrangements"/>.</summary>
    public LedgerRecord(RecordStore store, ArrangementSet arrangements, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(arrangements);
        ArgumentNullException.ThrowIfNull(clock);
        database = store.Database;
        this.store = store;
        Arrangements = arrangements;
        this.clock = clock;
    }

    public ArrangementSet Arrangements { get; }

    /// <summary>
    /// Verified reads: before the caps' committed use is counted (every allocation) and before a snapshot is read, the
    /// whole ledger is checked against its audit entries (<see cref="RecordStore.VerifyLedger"/>), so deleted or edited
    /// allocations cannot free a cap. Costs one pass over the ledger's entries per call (see docs/record.md).
    /// </summary>
    public bool VerifyReads { get; init; }

    private readonly RecordStore store;

    /// <summary>Allocates one request in its own write transaction and returns the recorded event.</summary>
    public RecordedAllocation Allocate(ReturnRequest request) => AllocateMany([request])[0];

    /// <summary>
    /// Allocates the requests in order in ONE write transaction (all recorded, or none), each as its own event and
    /// audit entry; all carry the same recorded instant.
    /// </summary>
    public IReadOnlyList<RecordedAllocation> AllocateMany(IEnumerable<ReturnRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        using var connection = database.OpenConnection();
        using var transaction = database.BeginWrite(connection);
        var at = RecordTime.Normalise(clock.GetCurrentInstant()); // read under the write lock: time order = sequence order
        var result = AllocateWithin(connection, transaction, requests, at);
        transaction.Commit();
        return result;
    }

    /// <summary>Allocates inside a write transaction the caller owns (so a batch can also store its decisions in it).</summary>
    internal List<RecordedAllocation> AllocateWithin(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, IEnumerable<ReturnRequest> requests, Instant at)
    {
        RequireSameArrangements(connection, transaction);
        if (VerifyReads && RecordFacts.VerifySubset(connection, transaction, "ledger-allocation", _ => true, "ledger_event", "SELECT COUNT(*) FROM ledger_event", null) is { } failure)
        {
            throw new RecordVerificationException(failure, $"the returns ledger fails verification: {failure.Reason}");
        }
        var seq = connection.ExecuteScalar<long>("SELECT COALESCE(MAX(seq), 0) FROM ledger_event", transaction: transaction);

        // The ledger decides, from the caps' committed use (no other writer can add to it before this transaction
        // commits, as it holds the write lock); it counts this transaction's own allocations itself.
        var ledger = ReturnsLedger.Continuing(Arrangements, (arrangement, month) => connection.ExecuteScalar<long>(
            "SELECT COUNT(*) FROM ledger_event WHERE ledger_month = @Month AND arrangement_id = @Arrangement AND overflow = 0",
            new { Month = MonthText.Format(month), Arrangement = arrangement.Id },
            transaction));
        var result = new List<RecordedAllocation>();
        foreach (var request in requests)
        {
            seq = checked(seq + 1);
            result.Add(Insert(connection, transaction, ledger, seq, request, at));
        }

        return result;
    }

    /// <summary>The audit kind of an explicit change of the arrangement set a ledger is written under.</summary>
    public const string AdoptedKind = "arrangements-adopted";

    /// <summary>
    /// The arrangement set this record's ledger is written under: the digest of the latest allocation, or of a later
    /// <see cref="AdoptArrangements"/>; null when neither exists (an empty ledger, or events from before schema 7).
    /// </summary>
    public string? RecordedArrangementsSha256()
    {
        using var connection = database.OpenConnection();
        using var transaction = database.BeginRead(connection);
        return RecordedArrangements(connection, transaction);
    }

    /// <summary>
    /// Records that from now on this ledger is written under <see cref="Arrangements"/> (a new law file, a corrected cap):
    /// an audit entry naming both digests, so the change of rules is itself on the record.
    /// </summary>
    public AuditEntry AdoptArrangements(string by)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(by);
        using var connection = database.OpenConnection();
        using var transaction = database.BeginWrite(connection);
        var at = RecordTime.Normalise(clock.GetCurrentInstant());
        var payload = new JsonObject
        {
            ["arrangementsSha256"] = Arrangements.AllocationSha256,
            ["previousArrangementsSha256"] = RecordedArrangements(connection, transaction),
            ["ruleSetVersion"] = Threshold.Law.RuleSetVersion.Current,
            ["by"] = by,
        };
        var entry = AuditChain.Append(connection, transaction, AdoptedKind, payload, at);
        transaction.Commit();
        return entry;
    }

    private static string? RecordedArrangements(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction)
    {
        var last = connection.QuerySingleOrDefault<(long AuditSeq, string? Sha)?>(
            "SELECT audit_seq, arrangements_sha256 FROM ledger_event ORDER BY seq DESC LIMIT 1", transaction: transaction);
        var adopted = connection.QuerySingleOrDefault<(long Seq, string Payload)?>(
            "SELECT seq, payload FROM audit_log WHERE kind = @Kind ORDER BY seq DESC LIMIT 1", new { Kind = AdoptedKind }, transaction);
        if (adopted is { } a && (last is not { } l || a.Seq > l.AuditSeq))
        {
            return JsonNode.Parse(a.Payload)?["arrangementsSha256"]?.GetValue<string>();
        }

        return last?.Sha;
    }

    /// <summary>
    /// Throws <see cref="ArrangementMismatchException"/> now when this ledger's arrangement set is not the one the record's
    /// ledger was written under: for callers that must refuse before they answer (a streamed HTTP response), not only at
    /// the first allocation.
    /// </summary>
    public void RequireSameArrangements()
    {
        using var connection = database.OpenConnection();
        using var transaction = database.BeginRead(connection);
        RequireSameArrangements(connection, transaction);
    }

    /// <summary>
    /// Refuses to allocate under an arrangement set other than the one the ledger was written under: caps counted under
    /// two sets of rules are exact under neither (two servers with different files once sent 100 people against a cap of 40).
    /// </summary>
    private void RequireSameArrangements(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction)
    {
        if (RecordedArrangements(connection, transaction) is { } recorded && recorded != Arrangements.AllocationSha256)
        {
            throw new ArrangementMismatchException(recorded, Arrangements.AllocationSha256);
        }
    }

    /// <summary>Every recorded allocation, in sequence order.</summary>
    public IReadOnlyList<RecordedAllocation> Events()
    {
        using var connection = database.OpenConnection();
        return Read(connection, null);
    }

    /// <summary>
    /// The allocations recorded at or before <paramref name="asOf"/> (a prefix of the sequence: instants are read under
    /// the write lock and the audit log refuses a clock going backwards), replayed in order through a new
    /// <see cref="ReturnsLedger"/> over <see cref="Arrangements"/>. Throws <see cref="RecordException"/> naming the first
    /// event the replay does not reproduce (events recorded under other arrangements).
    /// </summary>
    public LedgerSnapshot LedgerAsOf(Instant asOf) => Snapshot(RecordTime.Normalise(asOf), RecordTime.Normalise(asOf));

    /// <summary>The whole ledger as it stands now (every event, as of the clock's current reading).</summary>
    public LedgerSnapshot Current() => Snapshot(null, RecordTime.Normalise(clock.GetCurrentInstant()));

    private LedgerSnapshot Snapshot(Instant? bound, Instant asOf)
    {
        if (VerifyReads)
        {
            store.VerifyLedger();
        }

        using var connection = database.OpenConnection();
        var events = Read(connection, bound);
        var ledger = new ReturnsLedger(Arrangements, recordEvents: true);
        foreach (var e in events)
        {
            if (e.Sequence != ledger.Count + 1)
            {
                throw new RecordException($"ledger event {e.Sequence}: expected sequence {ledger.Count + 1}; the ledger has a gap");
            }

            var replayed = ledger.Allocate(e.Request);
            if (!e.Matches(replayed))
            {
                throw new RecordException(
                    $"ledger event {e.Sequence} (case {e.Request.CaseId}): recorded {e.Destination}{(e.Overflow ? " (overflow)" : string.Empty)} under {e.ArrangementId ?? "no arrangement"} " +
                    $"but the arrangements allocate {replayed.Destination}{(replayed.Overflow ? " (overflow)" : string.Empty)} under {replayed.ArrangementId ?? "no arrangement"}");
            }
        }

        return new LedgerSnapshot(asOf, events, ledger);
    }

    private RecordedAllocation Insert(DbConnection connection, DbTransaction transaction, ReturnsLedger ledger, long seq, ReturnRequest request, Instant at)
    {
        ArgumentNullException.ThrowIfNull(request);
        request = request with { EncounteredAt = RecordTime.Normalise(request.EncounteredAt) };
        var decided = ledger.Allocate(request);
        var monthText = MonthText.Format(decided.Month);

        var payload = new JsonObject
        {
            ["seq"] = seq,
            ["caseId"] = request.CaseId,
            ["citizenship"] = request.Citizenship,
            ["encounteredAt"] = RecordTime.Format(request.EncounteredAt),
            ["unaccompaniedChild"] = request.UnaccompaniedChild,
            ["destination"] = decided.Destination,
            ["overflow"] = decided.Overflow,
            ["arrangementId"] = decided.ArrangementId,
            ["month"] = monthText,
            ["arrangementsSha256"] = Arrangements.AllocationSha256,
            ["ruleSetVersion"] = Threshold.Law.RuleSetVersion.Current,
        };
        var row = new
        {
            Seq = seq,
            request.CaseId,
            Citizenship = request.Citizenship,
            EncounteredAt = RecordTime.Format(request.EncounteredAt),
            Child = request.UnaccompaniedChild ? 1 : 0,
            Destination = decided.Destination,
            Overflow = decided.Overflow ? 1 : 0,
            ArrangementId = decided.ArrangementId,
            Month = monthText,
            RecordedAt = RecordTime.Format(at),
            Arrangements = Arrangements.AllocationSha256,
            RuleSet = Threshold.Law.RuleSetVersion.Current,
        };

        // In the order of RecordFacts.LedgerColumns.
        payload[RecordFacts.RowsMember] = RecordFacts.Digest([[row.Seq, row.CaseId, row.Citizenship, row.EncounteredAt, row.Child, row.Destination, row.Overflow, row.ArrangementId, row.Month, row.RecordedAt, row.Arrangements, row.RuleSet]]);
        var entry = AuditChain.Append(connection, transaction, "ledger-allocation", payload, at);
        connection.Execute(
            """
            INSERT INTO ledger_event (seq, case_id, citizenship, encountered_at, unaccompanied_child, destination, overflow, arrangement_id, ledger_month, recorded_at, audit_seq, arrangements_sha256, rule_set_version)
            VALUES (@Seq, @CaseId, @Citizenship, @EncounteredAt, @Child, @Destination, @Overflow, @ArrangementId, @Month, @RecordedAt, @AuditSeq, @Arrangements, @RuleSet)
            """,
            new { row.Seq, row.CaseId, row.Citizenship, row.EncounteredAt, row.Child, row.Destination, row.Overflow, row.ArrangementId, row.Month, row.RecordedAt, AuditSeq = entry.Seq, row.Arrangements, row.RuleSet },
            transaction);
        return new RecordedAllocation(seq, request, decided.Destination, decided.Overflow, decided.ArrangementId, decided.Month, at, entry.Seq) { Decision = decided };
    }

    private static List<RecordedAllocation> Read(DbConnection connection, Instant? asOf) =>
        [.. connection.Query<Row>(
            """
            SELECT seq AS Seq, case_id AS CaseId, citizenship AS Citizenship, encountered_at AS EncounteredAt, unaccompanied_child AS Child,
                   destination AS Destination, overflow AS Overflow, arrangement_id AS ArrangementId, ledger_month AS Month,
                   recorded_at AS RecordedAt, audit_seq AS AuditSeq
            FROM ledger_event
            WHERE @AsOf IS NULL OR recorded_at <= @AsOf
            ORDER BY seq
            """,
            new { AsOf = asOf is { } i ? RecordTime.Format(i) : null })
            .Select(r => new RecordedAllocation(
                r.Seq,
                new ReturnRequest(r.CaseId, r.Citizenship, RecordTime.ParseInstant(r.EncounteredAt), r.Child != 0),
                r.Destination,
                r.Overflow != 0,
                r.ArrangementId,
                MonthText.Parse(r.Month).GetValueOrThrow(),
                RecordTime.ParseInstant(r.RecordedAt),
                r.AuditSeq))];

    private sealed record Row(long Seq, string CaseId, string Citizenship, string EncounteredAt, long Child, string Destination, long Overflow, string? ArrangementId, string Month, string RecordedAt, long AuditSeq);
}
