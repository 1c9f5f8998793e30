using System.Data.Common;
using Threshold.Record;

namespace Threshold.Web.Hosting;

/// <summary>
/// The server's record backend with one addition: once the record has been seen damaged (<see cref="RecordHolder.Damage"/>),
/// every write transaction is refused with that fault before it takes the write lock, so nothing is appended on top of
/// a malformed file however many requests follow. Reads still run: a read that reaches the damage fails by itself.
/// </summary>
internal sealed class DamageGuardedDatabase(IRecordDatabase inner, RecordHolder holder) : IRecordDatabase
{
    public string MigrationSet => inner.MigrationSet;

    public string Description => inner.Description;

    public DbConnection OpenConnection() => inner.OpenConnection();

    public DbTransaction BeginWrite(DbConnection connection)
    {
        if (holder.Damage is { } damage)
        {
            throw new RecordFaultException(RecordFaultKind.Damaged, damage.Message, damage);
        }

        return inner.BeginWrite(connection);
    }

    public DbTransaction BeginRead(DbConnection connection) => inner.BeginRead(connection);

    public DbTransaction BeginMigration(DbConnection connection) => inner.BeginMigration(connection);
}
