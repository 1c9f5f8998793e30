using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using NodaTime;

namespace Threshold.Record;

/// <summary>What a key lets its holder do; each role includes the ones before it.</summary>
public enum ApiRole
{
    /// <summary>Reads: policies, timelines, explanations, the record.</summary>
    Viewer,

    /// <summary>Also runs replays with uploaded data, screens cases and runs simulations.</summary>
    Analyst,

    /// <summary>Also imports data, records determinations and allocates the ledger.</summary>
    Operator,

    /// <summary>Also manages keys.</summary>
    Admin,
}

/// <summary>A stored key, without its secret.</summary>
public sealed record ApiKeyInfo(string KeyId, string Name, ApiRole Role, Instant CreatedAt, Instant? RevokedAt)
{
    public bool IsRevoked => RevokedAt is not null;
}

/// <summary>A newly created key: <see cref="Secret"/> is the only time the key is available in clear.</summary>
public sealed record CreatedApiKey(ApiKeyInfo Key, string Secret);

/// <summary>
/// API keys for the web service. A key is <c>thr_</c> + a 12-character public id + <c>_</c> + 43 characters of
/// base64url randomness (256 bits); the record keeps only its SHA-256, so a copy of the database does not reveal a
/// usable key. A fast unsalted hash is enough here because the key is high-entropy random, not a password. Creating
/// and revoking a key are audit-log entries ("api-key-created", "api-key-revoked") written in the same transaction.
/// </summary>
public sealed class ApiKeyRecord
{
    private const string Prefix = "thr_";

    private readonly IRecordDatabase database;
    private readonly RecordStore store;
    private readonly IClock clock;

    public ApiKeyRecord(RecordStore store, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(clock);
        this.store = store;
        database = store.Database;
        this.clock = clock;
    }

    /// <summary>Role names as they appear in the record, the CLI and the API.</summary>
    public static string RoleName(ApiRole role) => role.ToString().ToLowerInvariant();

    /// <summary>Parses a role name (viewer, analyst, operator, admin).</summary>
    public static bool TryParseRole(string? text, out ApiRole role)
    {
        foreach (var candidate in Enum.GetValues<ApiRole>())
        {
            if (string.Equals(RoleName(candidate), text, StringComparison.Ordinal))
            {
                role = candidate;
                return true;
            }
        }

        role = default;
        return false;
    }

    /// <summary>Creates a key; the returned secret is not stored anywhere.</summary>
    public CreatedApiKey Create(string name, ApiRole role, string createdBy)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(createdBy);
        if (!Enum.IsDefined(role))
        {
            throw new ArgumentOutOfRangeException(nameof(role));
        }

        var keyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = Prefix + keyId + "_" + Base64Url(RandomNumberGenerator.GetBytes(32));
        using var connection = database.OpenConnection();
        using var transaction = database.BeginWrite(connection);
        var at = RecordTime.Normalise(clock.GetCurrentInstant()); // read under the write lock: the log stays in time order
        var row = new { KeyId = keyId, Name = name, Role = RoleName(role), Hash = HashOf(secret), At = RecordTime.Format(at) };
        var payload = new JsonObject
        {
            ["keyId"] = keyId,
            ["name"] = name,
            ["role"] = row.Role,
            ["by"] = createdBy,
            [RecordFacts.RowsMember] = RecordFacts.Digest([[row.KeyId, row.Name, row.Role, row.Hash, row.At]]), // RecordFacts.KeyCreatedColumns
        };
        var entry = AuditChain.Append(connection, transaction, "api-key-created", payload, at);
        connection.Execute(
            "INSERT INTO api_key (key_id, name, role, key_sha256, created_at, created_audit_seq) VALUES (@KeyId, @Name, @Role, @Hash, @At, @Seq)",
            new { row.KeyId, row.Name, row.Role, row.Hash, row.At, entry.Seq },
            transaction);
        transaction.Commit();
        return new CreatedApiKey(new ApiKeyInfo(keyId, name, role, at, null), secret);
    }

    /// <summary>Revokes a key; revoking an unknown or already revoked key is a <see cref="RecordException"/>.</summary>
    public ApiKeyInfo Revoke(string keyId, string revokedBy)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(revokedBy);
        using var connection = database.OpenConnection();
        using var transaction = database.BeginWrite(connection);
        var at = RecordTime.Normalise(clock.GetCurrentInstant());
        var row = connection.QuerySingleOrDefault<Row>(SelectColumns + " WHERE key_id = @keyId", new { keyId }, transaction)
            ?? throw new RecordException($"no API key with id '{keyId}'");
        if (row.RevokedAt is not null)
        {
            throw new RecordException($"API key '{keyId}' was already revoked at {row.RevokedAt}");
        }

        var entry = AuditChain.Append(connection, transaction, "api-key-revoked", new JsonObject
        {
            ["keyId"] = keyId,
            ["by"] = revokedBy,
            [RecordFacts.RowsMember] = RecordFacts.Digest([[keyId, RecordTime.Format(at)]]), // RecordFacts.KeyRevokedColumns
        }, at);
        connection.Execute(
            "UPDATE api_key SET revoked_at = @At, revoked_audit_seq = @Seq WHERE key_id = @KeyId",
            new { At = RecordTime.Format(at), entry.Seq, KeyId = keyId },
            transaction);
        transaction.Commit();
        return row.ToInfo() with { RevokedAt = at };
    }

    /// <summary>Every key, oldest first, revoked ones included.</summary>
    public IReadOnlyList<ApiKeyInfo> List()
    {
        using var connection = database.OpenConnection();
        return [.. connection.Query<Row>(SelectColumns + " ORDER BY created_at, key_id").Select(r => r.ToInfo())];
    }

    /// <summary>The key with this public id, revoked or not, or null.</summary>
    public ApiKeyInfo? Find(string keyId)
    {
        using var connection = database.OpenConnection();
        return connection.QuerySingleOrDefault<Row>(SelectColumns + " WHERE key_id = @keyId", new { keyId })?.ToInfo();
    }

    /// <summary>
    /// The live (not revoked) key whose secret this is, or null. With <paramref name="verified"/>, a key found is first
    /// checked against its creation and revocation entries (<see cref="RecordStore.VerifyKey"/>): a role raised or a
    /// revocation undone in the database throws <see cref="RecordVerificationException"/> instead of letting it in.
    /// </summary>
    public ApiKeyInfo? Authenticate(string presentedSecret, bool verified)
    {
        var key = Authenticate(presentedSecret);
        if (verified && key is not null)
        {
            store.VerifyKey(key.KeyId);
        }

        return key;
    }

    /// <summary>The live (not revoked) key whose secret this is, or null.</summary>
    public ApiKeyInfo? Authenticate(string presentedSecret)
    {
        if (string.IsNullOrEmpty(presentedSecret) || !presentedSecret.StartsWith(Prefix, StringComparison.Ordinal) || presentedSecret.Length > 128)
        {
            return null;
        }

        using var connection = database.OpenConnection();
        var row = connection.QuerySingleOrDefault<Row>(SelectColumns + " WHERE key_sha256 = @Hash", new { Hash = HashOf(presentedSecret) });
        return row is null || row.RevokedAt is not null ? null : row.ToInfo();
    }

    private const string SelectColumns = "SELECT key_id AS KeyId, name AS Name, role AS Role, created_at AS CreatedAt, revoked_at AS RevokedAt FROM api_key";

    private static string HashOf(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private sealed record Row(string KeyId, string Name, string Role, string CreatedAt, string? RevokedAt)
    {
        public ApiKeyInfo ToInfo() => new(
            KeyId,
            Name,
            TryParseRole(Role, out var role) ? role : throw new RecordException($"API key '{KeyId}' has an unknown role '{Role}'"),
            RecordTime.ParseInstant(CreatedAt),
            RevokedAt is null ? null : RecordTime.ParseInstant(RevokedAt));
    }
}
