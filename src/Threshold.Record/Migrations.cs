using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Dapper;
using NodaTime;

namespace Threshold.Record;

/// <summary>One numbered schema script: <c>Migrations/{set}/NNNN_name.sql</c>, embedded in this assembly.</summary>
public sealed record Migration(int Version, string Name, string Sql)
{
    /// <summary>SHA-256 (lower-case hex) of the script's UTF-8 text with line endings normalised to LF.</summary>
    public string Checksum { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql.ReplaceLineEndings("\n"))));
}

/// <summary>What opening did to the schema.</summary>
public sealed record MigrationResult(int FromVersion, int ToVersion, IReadOnlyList<Migration> Applied);

/// <summary>
/// Applies the embedded migrations of a set, in version order, in one transaction, recording each in
/// <c>schema_version</c>. Re-running is a no-op. A database that records a version this build does not know, or a
/// script whose checksum differs from the one recorded, is refused rather than guessed at.
/// </summary>
public static partial class Migrations
{
    private const string ResourcePrefix = "Threshold.Record.Migrations.";

    public static IReadOnlyList<Migration> Embedded(string set)
    {
        var assembly = typeof(Migrations).Assembly;
        var prefix = ResourcePrefix + set + ".";
        var list = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var fileName = resource[prefix.Length..];
            var match = ScriptName().Match(fileName);
            if (!match.Success)
            {
                throw new RecordException($"migration resource '{fileName}' is not named NNNN_name.sql");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            list.Add(new Migration(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), match.Groups[2].Value, reader.ReadToEnd()));
        }

        list.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i].Version != i + 1)
            {
                throw new RecordException($"migrations of set '{set}' must be numbered 1, 2, 3 … without gaps; found {string.Join(", ", list.Select(m => m.Version))}");
            }
        }

        if (list.Count == 0)
        {
            throw new RecordException($"no embedded migrations for set '{set}'");
        }

        return list;
    }

    public static MigrationResult Apply(IRecordDatabase database, IReadOnlyList<Migration> migrations, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(migrations);

        // A record already at this build's schema is opened without the migration lock, so many readers (sixteen
        // concurrent verifies) do not queue for a write lock they do not need.
        if (UpToDate(database, migrations) is { } current)
        {
            return new MigrationResult(current, current, []);
        }

        using var connection = database.OpenConnection();
        using var transaction = database.BeginMigration(connection);
        connection.Execute(
            """
            CREATE TABLE IF NOT EXISTS schema_version (
                version    BIGINT PRIMARY KEY,
                name       TEXT NOT NULL,
                checksum   TEXT NOT NULL,
                applied_at TEXT NOT NULL
            )
            """,
            transaction: transaction);
        var applied = connection.Query<AppliedRow>("SELECT version AS Version, name AS Name, checksum AS Checksum FROM schema_version ORDER BY version", transaction: transaction).ToList();
        var known = migrations.ToDictionary(m => m.Version);
        foreach (var row in applied)
        {
            if (!known.TryGetValue(checked((int)row.Version), out var migration))
            {
                throw new RecordException($"{database.Description}: schema version {row.Version} ({row.Name}) is newer than this build knows (latest {migrations.Max(m => m.Version)}); use a newer Threshold");
            }

            if (migration.Checksum != row.Checksum)
            {
                throw new RecordException($"{database.Description}: migration {row.Version} ({row.Name}) was applied from a script whose checksum differs from this build's; the schema history has been edited");
            }
        }

        var from = applied.Count == 0 ? 0 : checked((int)applied.Max(r => r.Version));
        var pending = migrations.Where(m => m.Version > from).OrderBy(m => m.Version).ToList();
        var at = RecordTime.Format(clock.GetCurrentInstant());
        foreach (var migration in pending)
        {
            connection.Execute(migration.Sql, transaction: transaction);
            connection.Execute(
                "INSERT INTO schema_version (version, name, checksum, applied_at) VALUES (@Version, @Name, @Checksum, @At)",
                new { migration.Version, migration.Name, migration.Checksum, At = at },
                transaction);
        }

        transaction.Commit();
        return new MigrationResult(from, pending.Count == 0 ? from : pending[^1].Version, pending);
    }

    /// <summary>The schema version when every embedded migration is recorded with its checksum; null otherwise (then the locked path decides and names any problem).</summary>
    private static int? UpToDate(IRecordDatabase database, IReadOnlyList<Migration> migrations)
    {
        using var connection = database.OpenConnection();
        List<AppliedRow> applied;
        try
        {
            applied = connection.Query<AppliedRow>("SELECT version AS Version, name AS Name, checksum AS Checksum FROM schema_version ORDER BY version").ToList();
        }
        catch (DbException)
        {
            return null; // no schema_version yet: a new record
        }

        return applied.Count == migrations.Count && applied.All(r => migrations.Any(m => m.Version == r.Version && m.Checksum == r.Checksum))
            ? migrations.Max(m => m.Version)
            : null;
    }

    [GeneratedRegex(@"^(\d{4})_([a-z0-9_]+)\.sql$")]
    private static partial Regex ScriptName();

    private sealed record AppliedRow(long Version, string Name, string Checksum);
}
