using System.Data.Common;

namespace Threshold.Record;

/// <summary>
/// One backend of the record: how to open a ready connection and which set of migrations builds its schema. The
/// stores above it use only ADO.NET, Dapper and SQL that both SQLite and PostgreSQL accept, so a second backend is a
/// second implementation of this interface plus its own numbered scripts.
/// </summary>
public interface IRecordDatabase
{
    /// <summary>Name of the embedded migration set, e.g. "Sqlite" for <c>Migrations/Sqlite/NNNN_name.sql</c>.</summary>
    string MigrationSet { get; }

    /// <summary>Where the data lives, for messages (a file path, a host and database name).</summary>
    string Description { get; }

    /// <summary>An open connection with the per-connection settings applied (foreign keys, busy timeout).</summary>
    DbConnection OpenConnection();

    /// <summary>
    /// A write transaction that holds the record's single write lock from its first statement, waiting for another
    /// writer to finish: <c>BEGIN IMMEDIATE</c> on SQLite; on PostgreSQL, READ COMMITTED plus an EXCLUSIVE lock on
    /// <c>audit_log</c>, which every writer takes (every stored fact joins the chain). Every statement after it therefore
    /// sees all committed facts, and none can be committed by another writer before this transaction ends: the audit
    /// sequence and the ledger's cap count are exact under concurrent writers.
    /// </summary>
    DbTransaction BeginWrite(DbConnection connection);

    /// <summary>
    /// A read-only transaction: one consistent snapshot for all its statements, taking no write lock, so a long read
    /// (verifying the whole chain) neither waits for writers nor holds them up: <c>BEGIN DEFERRED</c> on SQLite
    /// (a WAL snapshot from the first read), REPEATABLE READ on PostgreSQL.
    /// </summary>
    DbTransaction BeginRead(DbConnection connection);

    /// <summary>A transaction for applying migrations that excludes any other process migrating the same database.</summary>
    DbTransaction BeginMigration(DbConnection connection);
}
