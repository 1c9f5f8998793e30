using Microsoft.Data.Sqlite;

namespace Threshold.Record;

/// <summary>The outcome of <see cref="SqliteIntegrity.Check"/>: intact, or the first problem SQLite reported.</summary>
/// <param name="Problem">Null when the file is intact; otherwise SQLite's first complaint, on one line.</param>
public sealed record SqliteIntegrityResult(string? Problem)
{
    /// <summary>The file is intact as far as the check reaches.</summary>
    public static SqliteIntegrityResult Intact { get; } = new((string?)null);

    /// <summary>True when SQLite found nothing wrong.</summary>
    public bool IsIntact => Problem is null;
}

/// <summary>
/// Whether a SQLite record file is physically sound: its header, every b-tree page, and (with <c>full</c>) every index
/// against its table. The audit chain proves what the rows say; this proves the file can still be read at all, so that
/// damage stops a command before it writes on top of it.
/// </summary>
public static class SqliteIntegrity
{
    /// <summary>
    /// Runs <c>PRAGMA quick_check</c> (or <c>PRAGMA integrity_check</c> when <paramref name="full"/>) on a read-only
    /// connection to <paramref name="databasePath"/>. A damaged header (SQLITE_NOTADB) or a page too broken to walk
    /// (SQLITE_CORRUPT) is reported as the problem, not thrown. Nothing is written to the file.
    /// </summary>
    /// <remarks>
    /// quick_check reads every page once, O(file size): it finds a broken page, cell or free list but not an index
    /// entry that disagrees with its row; integrity_check also compares every index with its table, several times
    /// slower. Both see committed pages still in the WAL.
    /// </remarks>
    /// <exception cref="RecordException">The file does not exist.</exception>
    public static SqliteIntegrityResult Check(string databasePath, bool full)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        if (!File.Exists(databasePath))
        {
            throw new RecordException($"{databasePath}: no such database file");
        }

        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString();
        try
        {
            using var connection = new SqliteConnection(connectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = full ? "PRAGMA integrity_check(1);" : "PRAGMA quick_check(1);";
            var first = command.ExecuteScalar() as string;
            return string.Equals(first, "ok", StringComparison.Ordinal) ? SqliteIntegrityResult.Intact : new(OneLine(first ?? "no answer from the check"));
        }
        catch (SqliteException e) when (IsDamage(e))
        {
            return new(OneLine(e.Message));
        }
    }

    /// <summary>
    /// Throws a <see cref="RecordFaultKind.Damaged"/> fault naming <paramref name="databasePath"/> and the problem when
    /// <see cref="Check"/> finds one; <paramref name="action"/> says what was therefore not done (e.g. "nothing was backed up").
    /// </summary>
    public static void Require(string databasePath, bool full, string action)
    {
        var result = Check(databasePath, full);
        if (!result.IsIntact)
        {
            throw Damaged(databasePath, result.Problem!, action);
        }
    }

    /// <summary>The fault for a damaged file, worded the same wherever damage is found.</summary>
    public static RecordFaultException Damaged(string databasePath, string problem, string action) =>
        new(RecordFaultKind.Damaged, $"{databasePath}: the database file is damaged ({problem}); {action}");

    /// <summary>SQLITE_CORRUPT (11) or SQLITE_NOTADB (26), in their primary or extended codes.</summary>
    internal static bool IsDamage(SqliteException e) => (e.SqliteErrorCode & 0xff) is 11 or 26;

    private static string OneLine(string text)
    {
        // quick_check's first row may start with "*** in database main ***" on a line of its own.
        var line = string.Join("; ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("***", StringComparison.Ordinal)));
        // The provider's form, "SQLite Error 26: 'file is not a database'.", reduced to SQLite's own words.
        var quoted = System.Text.RegularExpressions.Regex.Match(line, "^SQLite Error [0-9]+: '(.*)'\\.?$", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
        line = quoted.Success ? quoted.Groups[1].Value : line;
        return line.Length == 0 ? text.Trim() : line.TrimEnd('.');
    }
}
