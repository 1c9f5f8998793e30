using System.Collections.Concurrent;
using Threshold.Record;
using Threshold.Web.Hosting;

namespace Threshold.Web.Security;

/// <summary>
/// Remembers, for <see cref="TtlMilliseconds"/>, which presented keys the record accepted, so that a busy client does
/// not cost a database query per request. Revoking through this server clears the cache at once; a key revoked by
/// <c>./threshold keys revoke</c> in another process stops working within the TTL. Unknown keys are never cached, so a
/// new key works at once.
/// </summary>
public sealed class ApiKeyCache(RecordHolder record)
{
    /// <summary>How long an accepted key is trusted without asking the record again.</summary>
    public const long TtlMilliseconds = 2000;

    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, (ApiKeyInfo Key, long CheckedAt)> accepted = new(StringComparer.Ordinal);

    /// <summary>The live key for this secret, or null.</summary>
    public ApiKeyInfo? Authenticate(string secret)
    {
        var now = Environment.TickCount64;
        if (accepted.TryGetValue(secret, out var known) && now - known.CheckedAt < TtlMilliseconds)
        {
            return known.Key;
        }

        // Verified on every miss (and so again after the TTL): a role raised or a revocation undone in the database is
        // refused (503, the record fails verification) rather than let in. Costs one pass over the key entries.
        var key = record.Keys.Authenticate(secret, verified: true);
        if (key is null)
        {
            accepted.TryRemove(secret, out _);
            return null;
        }

        if (accepted.Count >= MaxEntries)
        {
            accepted.Clear();
        }

        accepted[secret] = (key, now);
        return key;
    }

    /// <summary>Forgets every accepted key, after a revocation.</summary>
    public void Clear() => accepted.Clear();
}
