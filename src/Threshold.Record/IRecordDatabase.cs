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
}
