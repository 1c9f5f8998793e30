using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using NodaTime;

namespace Threshold.Record;

/// <summary>One entry of the decision log.</summary>
public sealed record AuditEntry(long Seq, string Kind, Instant RecordedAt, string Payload, string PrevHash, string Hash);

/// <summary>Why verification stopped.</summary>
public enum ChainFailure
{
    /// <summary>The stored hash is not the hash of the entry's own content and prev_hash.</summary>
    HashMismatch,

    /// <summary>The entry's prev_hash is not the hash of the entry before it (or the genesis value for seq 1).</summary>
    PrevMismatch,

    /// <summary>A sequence number is missing: the entry was deleted (or entries were renumbered).</summary>
    GapInSeq,

    /// <summary>A stored field cannot be read (payload not canonical JSON, malformed instant).</summary>
    Malformed,

    /// <summary>The chain holds, but a stored fact (a decision row, a trace) no longer matches the entry recording it.</summary>
    FactMismatch,
}

/// <summary>
/// The outcome of <see cref="IAuditLog.Verify()"/>: either the whole chain holds (<see cref="IsValid"/>, with the
/// count and head hash to anchor elsewhere), or the first entry at which it breaks and why.
/// </summary>
public sealed record ChainVerification(long EntryCount, string HeadHash, long? FailedSeq, ChainFailure? Failure, string? Reason)
{
    public bool IsValid => FailedSeq is null;

    /// <summary>The table whose rows no longer match (a <see cref="ChainFailure.FactMismatch"/>), when one is named.</summary>
    public string? Table { get; init; }

    /// <summary>The row or rows involved (an import id, an audit seq), when they can be named.</summary>
    public string? Row { get; init; }

    /// <summary>
    /// What verification could not bind: entries from before fact binding (schema 7) checked against their payloads
    /// only, and which of their facts no payload states; null when every entry was fully bound.
    /// </summary>
    public string? Legacy { get; init; }
}

/// <summary>The tamper-evident, append-only decision log.</summary>
public interface IAuditLog
{
    /// <summary>Appends one entry in its own transaction and returns it.</summary>
    AuditEntry Append(string kind, JsonObject payload);

    IReadOnlyList<AuditEntry> Entries();

    /// <summary>Walks the chain from seq 1 and names the first entry that fails.</summary>
    ChainVerification Verify();

    /// <summary>
    /// Resumes from a verified checkpoint: entry <see cref="VerifiedCheckpoint.Seq"/> must still hash to
    /// <see cref="VerifiedCheckpoint.Hash"/>, and the chain is walked from there. Entries up to the checkpoint are taken
    /// as verified before (a periodic full verification still covers them).
    /// </summary>
    ChainVerification Verify(VerifiedCheckpoint from);

    /// <summary>
    /// <see cref="Verify()"/> (from <paramref name="from"/> when given) reporting progress as it goes: <paramref name="progress"/>
    /// gets the number of entries checked since its last call, every <see cref="AuditChain.ProgressEvery"/> entries and
    /// once at the end, so the counts add up to the entries checked.
    /// </summary>
    ChainVerification Verify(VerifiedCheckpoint? from, Action<long> progress);
}

/// <summary>A head an earlier verification reported: <c>SEQ:HASH</c> (e.g. from <c>audit verify</c>'s output).</summary>
public sealed record VerifiedCheckpoint(long Seq, string Hash)
{
    /// <summary>Parses <c>SEQ:HASH</c>; null when it is not that form.</summary>
    public static VerifiedCheckpoint? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon > 0
            && long.TryParse(text.AsSpan(0, colon), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seq) && seq >= 1
            && text.Length - colon - 1 == 64 && text[(colon + 1)..].All(char.IsAsciiHexDigitLower)
            ? new VerifiedCheckpoint(seq, text[(colon + 1)..])
            : null;
    }

    public override string ToString() => $"{Seq.ToString(System.Globalization.CultureInfo.InvariantCulture)}:{Hash}";
}

/// <summary>
/// The hash chain over <c>audit_log</c>. For entry n:
/// <c>hash(n) = lower-hex(SHA-256(UTF-8(prev_hash(n) + canonical_json({"kind":…,"payload":…,"recordedAt":…,"seq":n}))))</c>,
/// where <c>prev_hash(1)</c> is <see cref="GenesisHash"/> and <c>prev_hash(n)</c> = <c>hash(n−1)</c> otherwise;
/// <c>prev_hash</c> enters the hash as its 64 lower-case hex characters. See docs/record.md.
/// </summary>
public sealed class AuditChain : IAuditLog
{
    /// <summary>The prev_hash of the first entry: 64 zeros.</summary>
    public static readonly string GenesisHash = new('0', 64);

    private readonly IRecordDatabase database;
    private readonly IClock clock;

    internal AuditChain(IRecordDatabase database, IClock clock)
    {
        this.database = database;
        this.clock = clock;
    }

    /// <summary>The hash of an entry, from its fields: the definition every verifier must reproduce.</summary>
    public static string ComputeHash(string prevHash, long seq, string kind, Instant recordedAt, string canonicalPayload)
    {
        var entry = new JsonObject
        {
            ["seq"] = seq,
            ["kind"] = kind,
            ["recordedAt"] = RecordTime.Format(recordedAt),
            ["payload"] = JsonNode.Parse(canonicalPayload),
        };
        var text = prevHash + CanonicalJson.Serialize(entry);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    public AuditEntry Append(string kind, JsonObject payload)
    {
        using var connection = database.OpenConnection();
        using var transaction = database.BeginWrite(connection);
        var entry = Append(connection, transaction, kind, payload, clock.GetCurrentInstant());
        transaction.Commit();
        return entry;
    }

    /// <summary>
    /// Appends inside the caller's transaction, so an entry is written exactly when the change it records is. The
    /// recorded instant may not precede the last entry's: the log is in time order, which as-of reads rely on.
    /// </summary>
    internal static AuditEntry Append(DbConnection connection, DbTransaction transaction, string kind, JsonObject payload, Instant at)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        at = RecordTime.Normalise(at);
        var last = connection.QuerySingleOrDefault<HeadRow>("SELECT seq AS Seq, recorded_at AS RecordedAt, hash AS Hash FROM audit_log ORDER BY seq DESC LIMIT 1", transaction: transaction);
        if (last is not null && RecordTime.ParseInstant(last.RecordedAt) > at)
        {
            throw new RecordException($"the clock reads {RecordTime.Format(at)}, before the last log entry ({last.RecordedAt}); refusing to record out of time order");
        }

        var seq = last is null ? 1 : checked(last.Seq + 1);
        var prev = last?.Hash ?? GenesisHash;
        var canonical = CanonicalJson.Serialize(payload);
        var hash = ComputeHash(prev, seq, kind, at, canonical);
        connection.Execute(
            "INSERT INTO audit_log (seq, kind, recorded_at, payload, prev_hash, hash) VALUES (@Seq, @Kind, @RecordedAt, @Payload, @PrevHash, @Hash)",
            new { Seq = seq, Kind = kind, RecordedAt = RecordTime.Format(at), Payload = canonical, PrevHash = prev, Hash = hash },
            transaction);
        return new AuditEntry(seq, kind, at, canonical, prev, hash);
    }

    public IReadOnlyList<AuditEntry> Entries()
    {
        using var connection = database.OpenConnection();
        return [.. ReadRows(connection).Select(r => new AuditEntry(r.Seq, r.Kind, RecordTime.ParseInstant(r.RecordedAt), r.Payload, r.PrevHash, r.Hash))];
    }

    /// <summary>How many entries a verification checks between two progress reports.</summary>
    public const int ProgressEvery = 1000;

    public ChainVerification Verify() => Walk(null, null);

    public ChainVerification Verify(VerifiedCheckpoint from)
    {
        ArgumentNullException.ThrowIfNull(from);
        return Walk(from, null);
    }

    public ChainVerification Verify(VerifiedCheckpoint? from, Action<long> progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        return Walk(from, progress);
    }

    private ChainVerification Walk(VerifiedCheckpoint? from, Action<long>? progress)
    {
        long unreported = 0;
        try
        {
            return WalkEntries(from, progress is null ? null : () =>
            {
                if (++unreported == ProgressEvery)
                {
                    progress(unreported);
                    unreported = 0;
                }
            });
        }
        finally
        {
            if (unreported > 0)
            {
                progress!(unreported);
            }
        }
    }

    private ChainVerification WalkEntries(VerifiedCheckpoint? from, Action? checkedOne)
    {
        using var connection = database.OpenConnection();
        using var transaction = database.BeginRead(connection); // one consistent snapshot, no write lock
        long expected = 1;
        var prev = GenesisHash;
        if (from is not null)
        {
            var stored = connection.QuerySingleOrDefault<string?>("SELECT hash FROM audit_log WHERE seq = @Seq", new { from.Seq }, transaction);
            if (stored != from.Hash)
            {
                return new ChainVerification(0, GenesisHash, from.Seq, ChainFailure.PrevMismatch, stored is null
                    ? $"the checkpoint {from} names entry {from.Seq}, which the record does not hold (it was truncated, or this is another record)"
                    : $"the checkpoint {from} does not match: entry {from.Seq} now hashes to {stored}; the record was rewritten since, run a full audit verify");
            }

            (expected, prev) = (from.Seq + 1, from.Hash);
        }

        // Streamed, not buffered: verifying a record of any size holds one entry at a time.
        foreach (var row in connection.Query<AuditRow>(SelectFrom, new { After = expected - 1 }, transaction: transaction, buffered: false))
        {
            if (row.Seq != expected)
            {
                return Fail(expected, ChainFailure.GapInSeq, row.Seq > expected
                    ? $"seq {expected} is missing (the next entry is seq {row.Seq})"
                    : $"seq {row.Seq} appears where seq {expected} was expected");
            }

            string recomputed;
            try
            {
                var payload = CanonicalJson.Canonicalize(row.Payload);
                if (payload != row.Payload)
                {
                    return Fail(row.Seq, ChainFailure.Malformed, "payload is not in canonical JSON form");
                }

                recomputed = ComputeHash(row.PrevHash, row.Seq, row.Kind, RecordTime.ParseInstant(row.RecordedAt), payload);
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or ArgumentException or NodaTime.Text.UnparsableValueException or InvalidOperationException)
            {
                return Fail(row.Seq, ChainFailure.Malformed, e.Message);
            }

            if (recomputed != row.Hash)
            {
                return Fail(row.Seq, ChainFailure.HashMismatch, $"stored hash {row.Hash} but the entry hashes to {recomputed}");
            }

            if (row.PrevHash != prev)
            {
                return Fail(row.Seq, ChainFailure.PrevMismatch, $"prev_hash {row.PrevHash} but the previous entry's hash is {prev}");
            }

            prev = row.Hash;
            expected = checked(expected + 1);
            checkedOne?.Invoke();
        }

        return new ChainVerification(expected - 1, prev, null, null, null);

        ChainVerification Fail(long seq, ChainFailure failure, string reason) => new(expected - 1, prev, seq, failure, reason);
    }

    private const string SelectRows = "SELECT seq AS Seq, kind AS Kind, recorded_at AS RecordedAt, payload AS Payload, prev_hash AS PrevHash, hash AS Hash FROM audit_log ORDER BY seq";

    private const string SelectFrom = "SELECT seq AS Seq, kind AS Kind, recorded_at AS RecordedAt, payload AS Payload, prev_hash AS PrevHash, hash AS Hash FROM audit_log WHERE seq > @After ORDER BY seq";

    private static IEnumerable<AuditRow> ReadRows(DbConnection connection, DbTransaction? transaction = null) =>
        connection.Query<AuditRow>(SelectRows, transaction: transaction);

    private sealed record HeadRow(long Seq, string RecordedAt, string Hash);

    private sealed record AuditRow(long Seq, string Kind, string RecordedAt, string Payload, string PrevHash, string Hash);
}
