using System.Data;
using System.Data.Common;
using Dapper;
using Npgsql;

namespace Threshold.Record;

/// <summary>
/// The shared backend: a PostgreSQL database named by an Npgsql connection string (<c>--database</c> or
/// <c>THRESHOLD_DATABASE</c>), for teams that run several Threshold processes or servers against one record. The schema
/// lives in the connection's first search-path schema (<c>public</c> unless <c>Search Path</c> says otherwise), built by
/// the <c>Migrations/Postgres</c> scripts. Writers serialise on an EXCLUSIVE lock of <c>audit_log</c>, so every process
/// sees the same single-writer semantics as the embedded SQLite record.
/// </summary>
public sealed class PostgresRecordDatabase : IRecordDatabase
{
    /// <summary>Key of the transaction-scoped advisory lock taken while migrating (any fixed 64-bit number).</summary>
    private const long MigrationLockKey = 0x7468726573686F6C; // "threshol"

    private readonly string connectionString;

    /// <exception cref="RecordException">The connection string cannot be parsed, or names no database host.</exception>
    public PostgresRecordDatabase(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new RecordException($"the PostgreSQL connection string is malformed: {e.Message}");
        }

        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            throw new RecordException("the PostgreSQL connection string names no Host");
        }

        this.connectionString = builder.ConnectionString;
        // Never the password: the description appears in messages and logs.
        Description = $"PostgreSQL {builder.Username ?? "(default user)"}@{builder.Host}:{builder.Port}/{builder.Database ?? "(default database)"}"
            + (string.IsNullOrEmpty(builder.SearchPath) ? string.Empty : $" schema {builder.SearchPath}");
    }

    public string MigrationSet => "Postgres";

    public string Description { get; }

    /// <summary>Closes every pooled connection (e.g. after the server restarted under them); later opens connect afresh.</summary>
    public static void DiscardPooledConnections() => NpgsqlConnection.ClearAllPools();

    public DbConnection OpenConnection()
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            connection.Open();
            return connection;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            connection.Dispose();
            throw new RecordFaultException(RecordFaultKind.Unavailable, $"{Description}: cannot connect: {e.Message}", e);
        }
    }

    public DbTransaction BeginWrite(DbConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var transaction = connection.BeginTransaction(IsolationLevel.ReadCommitted);
        try
        {
            // EXCLUSIVE conflicts with itself and with every write lock, but not with plain reads: readers are never
            // blocked, writers take turns. READ COMMITTED gives each later statement a fresh snapshot taken after the
            // lock was granted, so it sees every fact committed before.
            connection.Execute("LOCK TABLE audit_log IN EXCLUSIVE MODE", transaction: transaction);
            return transaction;
        }
        catch
        {
            transaction.Dispose();
            throw;
        }
    }

    public DbTransaction BeginRead(DbConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return connection.BeginTransaction(IsolationLevel.RepeatableRead);
    }

    public DbTransaction BeginMigration(DbConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var transaction = connection.BeginTransaction(IsolationLevel.ReadCommitted);
        try
        {
            connection.Execute("SELECT pg_advisory_xact_lock(@Key)", new { Key = MigrationLockKey }, transaction);
            return transaction;
        }
        catch
        {
            transaction.Dispose();
            throw;
        }
    }
}
