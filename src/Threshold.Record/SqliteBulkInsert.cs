using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Threshold.Record;

/// <summary>
/// SQLite's bulk path for stored decisions: one statement prepared on the connection's native handle, its columns bound
/// straight from the frames' UTF-8 bytes and stepped once per row, inside the caller's write transaction. It is what
/// binary COPY is to PostgreSQL: the provider's per-command work (parameter objects, boxing, UTF-16 to UTF-8 conversion
/// of every value) cost about a third of the insert time. Failures surface as <see cref="SqliteException"/>, exactly as
/// from the provider, so a full disk or a constraint maps to the same errors.
/// </summary>
internal static class SqliteBulkInsert
{
    /// <summary>
    /// Inserts every row with <paramref name="sql"/>, whose parameters ?1 to ?9 are decision_id, case_id, input_json,
    /// output_json, the shared id, rule_set_version, engine_version, recorded_at and audit_seq.
    /// </summary>
    public static void Rows(SqliteConnection connection, string sql, DecisionRowFrames rows, long auditSeq)
    {
        var db = connection.Handle ?? throw new InvalidOperationException("the SQLite connection is not open");
        Check(raw.sqlite3_prepare_v2(db, sql, out var statement), db);
        using (statement)
        {
            Check(raw.sqlite3_bind_text(statement, 6, rows.RuleSetVersion), db);
            Check(raw.sqlite3_bind_text(statement, 7, rows.EngineVersion), db);
            Check(raw.sqlite3_bind_text(statement, 8, rows.RecordedAt), db);
            Check(raw.sqlite3_bind_int64(statement, 9, auditSeq), db);
            rows.ForEachRow((id, caseId, input, output, shared) =>
            {
                Check(raw.sqlite3_bind_int64(statement, 1, id), db);
                BindText(statement, 2, caseId.Span, db);
                BindText(statement, 3, input.Span, db);
                BindText(statement, 4, output.Span, db);
                BindText(statement, 5, shared.Span, db);
                var done = raw.sqlite3_step(statement);
                raw.sqlite3_reset(statement);
                if (done != raw.SQLITE_DONE)
                {
                    SqliteException.ThrowExceptionForRC(done, db);
                    throw new InvalidOperationException($"SQLite returned {done} for an INSERT");
                }
            });
        }
    }

    /// <summary>Binds UTF-8 text (copied by SQLite); an empty span binds '' rather than the NULL a null pointer would.</summary>
    private static void BindText(sqlite3_stmt statement, int index, ReadOnlySpan<byte> utf8, sqlite3 db) =>
        Check(utf8.IsEmpty ? raw.sqlite3_bind_text(statement, index, string.Empty) : raw.sqlite3_bind_text(statement, index, utf8), db);

    private static void Check(int code, sqlite3 db)
    {
        if (code != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(code, db);
        }
    }
}
