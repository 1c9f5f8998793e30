using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Threshold.Record;

/// <summary>How the decision and ledger stores open their write transactions.</summary>
internal static class RecordTransactions
{
    /// <summary>
    /// A write transaction that holds the database's write lock from its first statement: <c>BEGIN IMMEDIATE</c> on
    /// SQLite (waiting up to the busy timeout for another writer), SERIALIZABLE elsewhere. Reads inside it therefore see
    /// the committed state no other writer can change before this transaction commits.
    /// </summary>
    public static DbTransaction BeginWrite(DbConnection connection) => connection is SqliteConnection sqlite
        ? sqlite.BeginTransaction(deferred: false)
        : connection.BeginTransaction(IsolationLevel.Serializable);
}
