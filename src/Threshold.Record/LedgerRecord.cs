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
/// The rules are those of <see cref="ReturnsLedger"/>, applied through the same <see cref="ArrangementSet"/> API
/// (<see cref="ArrangementSet.Applicable"/>, <see cref="Arrangement.MonthlyCap"/>): an unaccompanied child goes to the
/// country of citizenship outside any arrangement; a Mexican national to MX outside any cap; a nationality an
/// arrangement takes on the Eastern date of the encounter goes to MX under it unless its cap for the Eastern month is
/// used up (then: country of citizenship, overflow); anyone else to the country of citizenship. A month's use of a cap
/// is the count of that arrangement's non-overflow events in that month. Every writer to one database must use the
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
        Arrangements = arrangements;
        this.clock = clock;
    }

    public ArrangementSet Arrangements { get; }

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
        var seq = connection.ExecuteScalar<long>("SELECT COALESCE(MAX(seq), 0) FROM ledger_event", transaction: transaction);
        var result = new List<RecordedAllocation>();
        foreach (var request in requests)
        {
            seq = checked(seq + 1);
            result.Add(Insert(connection, transaction, seq, request, at));
        }

        return result;
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

    private RecordedAllocation Insert(DbConnection connection, DbTransaction transaction, long seq, ReturnRequest request, Instant at)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.CaseId, nameof(request));
        var citizenship = request.Citizenship;
        if (citizenship is not { Length: 2 } || !char.IsAsciiLetterUpper(citizenship[0]) || !char.IsAsciiLetterUpper(citizenship[1]))
        {
            throw new ArgumentException($"case {request.CaseId}: citizenship '{citizenship}' is not an ISO 3166-1 alpha-2 code (two upper-case letters)", nameof(request));
        }

        var encountered = RecordTime.Normalise(request.EncounteredAt);
        request = request with { EncounteredAt = encountered };
        var date = ReturnsLedger.EasternDate(encountered);
        var month = date.ToYearMonth();
        var monthText = MonthText.Format(month);

        string destination;
        bool overflow = false;
        string? arrangementId = null;
        if (request.UnaccompaniedChild)
        {
            destination = citizenship;
        }
        else if (citizenship == "MX")
        {
            destination = "MX";
        }
        else if (Arrangements.Applicable(citizenship, date) is { } arrangement)
        {
            arrangementId = arrangement.Id;
            destination = "MX";
            if (arrangement.MonthlyCap is { } cap)
            {
                // The committed use of this month's cap (plus this transaction's own rows): no other writer can add to it
                // before this transaction commits, because it holds the write lock.
                var used = connection.ExecuteScalar<long>(
                    "SELECT COUNT(*) FROM ledger_event WHERE ledger_month = @Month AND arrangement_id = @Arrangement AND overflow = 0",
                    new { Month = monthText, Arrangement = arrangement.Id },
                    transaction);
                if (used >= cap)
                {
                    overflow = true;
                    destination = citizenship;
                }
            }
        }
        else
        {
            destination = citizenship;
        }

        var payload = new JsonObject
        {
            ["seq"] = seq,
            ["caseId"] = request.CaseId,
            ["citizenship"] = citizenship,
            ["encounteredAt"] = RecordTime.Format(encountered),
            ["unaccompaniedChild"] = request.UnaccompaniedChild,
            ["destination"] = destination,
            ["overflow"] = overflow,
            ["arrangementId"] = arrangementId,
            ["month"] = monthText,
        };
        var entry = AuditChain.Append(connection, transaction, "ledger-allocation", payload, at);
        connection.Execute(
            """
            INSERT INTO ledger_event (seq, case_id, citizenship, encountered_at, unaccompanied_child, destination, overflow, arrangement_id, ledger_month, recorded_at, audit_seq)
            VALUES (@Seq, @CaseId, @Citizenship, @EncounteredAt, @Child, @Destination, @Overflow, @ArrangementId, @Month, @RecordedAt, @AuditSeq)
            """,
            new
            {
                Seq = seq,
                request.CaseId,
                Citizenship = citizenship,
                EncounteredAt = RecordTime.Format(encountered),
                Child = request.UnaccompaniedChild ? 1 : 0,
                Destination = destination,
                Overflow = overflow ? 1 : 0,
                ArrangementId = arrangementId,
                Month = monthText,
                RecordedAt = RecordTime.Format(at),
                AuditSeq = entry.Seq,
            },
            transaction);
        return new RecordedAllocation(seq, request, destination, overflow, arrangementId, month, at, entry.Seq);
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
