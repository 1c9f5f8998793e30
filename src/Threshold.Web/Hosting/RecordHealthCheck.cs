using Microsoft.Extensions.Diagnostics.HealthChecks;
using Threshold.Record;

namespace Threshold.Web.Hosting;

/// <summary>
/// Readiness of the record's database: the record opens (migrated), has not been seen damaged while serving
/// (<see cref="RecordHolder.Damage"/>), and answers a read of the audit chain's head through the same backend the
/// requests use. Unhealthy otherwise, naming the fault (<c>unavailable</c>, <c>damaged</c>, <c>read-only</c>,
/// <c>disk-full</c>) without a server path.
/// </summary>
internal sealed class RecordHealthCheck(RecordHolder record) : IHealthCheck
{
    /// <summary>The check's name in the health answers.</summary>
    public const string Name = "record";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (record.Damage is { } damage)
        {
            return Task.FromResult(Unhealthy(RecordFaultKind.Damaged, "the record was found damaged while serving; restore a verified backup and restart", damage));
        }

        try
        {
            var database = record.Store.Database;
            using var connection = database.OpenConnection();
            using var transaction = database.BeginRead(connection);
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "SELECT seq FROM audit_log ORDER BY seq DESC LIMIT 1";
            var head = command.ExecuteScalar();
            transaction.Commit();
            return Task.FromResult(HealthCheckResult.Healthy(
                "the record is open and answers",
                new Dictionary<string, object> { ["backend"] = database.MigrationSet, ["auditEntries"] = head is null or DBNull ? 0L : Convert.ToInt64(head, System.Globalization.CultureInfo.InvariantCulture) }));
        }
        catch (Exception e) when (RecordFaultException.From(e, "the record", record.DataDirectory) is { } fault)
        {
            if (fault.Kind == RecordFaultKind.Damaged)
            {
                record.MarkDamaged(fault);
            }

            return Task.FromResult(Unhealthy(fault.Kind, "the record's database does not answer", e));
        }
    }

    private static HealthCheckResult Unhealthy(RecordFaultKind kind, string description, Exception exception) =>
        HealthCheckResult.Unhealthy(description, exception, new Dictionary<string, object> { ["fault"] = FaultName(kind) });

    /// <summary>The fault's name as the API's ProblemDetails give it.</summary>
    internal static string FaultName(RecordFaultKind kind) => kind switch
    {
        RecordFaultKind.DiskFull => "disk-full",
        RecordFaultKind.ReadOnly => "read-only",
        RecordFaultKind.Damaged => "damaged",
        _ => "unavailable",
    };
}
