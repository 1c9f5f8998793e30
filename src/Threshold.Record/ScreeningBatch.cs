using Dapper;
using NodaTime;
using Threshold.Returns;
using Threshold.Screening;

namespace Threshold.Record;

/// <summary>
/// Stores one batch of screened cases atomically: the ledger allocations of its removals and then its decisions, in ONE
/// write transaction. After a crash at any point a batch is either fully present (events, decisions, audit entries) or
/// fully absent, so a run can be resumed by skipping the cases already stored.
/// </summary>
public sealed class ScreeningBatch(RecordStore store, LedgerRecord ledger, DecisionRecord decisions, IClock clock)
{
    /// <param name="removals">The ledger requests of the batch's removable cases, in input order.</param>
    /// <param name="screenedUnder">The series the batch was screened under, stored in its audit entry (null: not stated).</param>
    /// <param name="decide">Builds the batch's decisions from the recorded allocations (one per removal, same order).</param>
    public IReadOnlyList<StoredDecision> Store(
        IReadOnlyList<ReturnRequest> removals,
        Func<IReadOnlyList<RecordedAllocation>, IReadOnlyList<(CaseDecision Decision, ScreeningCase Input)>> decide,
        string ruleSetVersion,
        string engineVersion,
        ScreenedUnder? screenedUnder = null)
    {
        ArgumentNullException.ThrowIfNull(decide);
        return InOneTransaction(removals, (connection, transaction, allocations, at) =>
            DecisionRecord.StoreWithin(connection, transaction, decide(allocations), ruleSetVersion, engineVersion, at, screenedUnder));
    }

    /// <summary>
    /// The bulk form of <see cref="Store"/>: the batch's decisions are bulk screening lines
    /// (<see cref="CaseDecisionLineWriter.Format"/>), built by <paramref name="format"/> from the recorded allocations.
    /// </summary>
    public StoredBatch? StoreLines(
        IReadOnlyList<ReturnRequest> removals,
        Func<IReadOnlyList<RecordedAllocation>, IReadOnlyList<(FormattedDecision Line, ScreeningCase Input)>> format,
        string ruleSetVersion,
        string engineVersion,
        ScreenedUnder? screenedUnder = null)
    {
        ArgumentNullException.ThrowIfNull(format);
        return InOneTransaction(removals, (connection, transaction, allocations, at) =>
            DecisionRecord.StoreLinesWithin(connection, transaction, format(allocations), ruleSetVersion, engineVersion, at, screenedUnder));
    }

    /// <summary>Allocates the removals and stores what <paramref name="storeDecisions"/> builds from them, in ONE write transaction.</summary>
    private T InOneTransaction<T>(IReadOnlyList<ReturnRequest> removals, Func<System.Data.Common.DbConnection, System.Data.Common.DbTransaction, IReadOnlyList<RecordedAllocation>, Instant, T> storeDecisions)
    {
        ArgumentNullException.ThrowIfNull(removals);
        using var connection = store.Database.OpenConnection();
        using var transaction = store.Database.BeginWrite(connection);
        var at = RecordTime.Normalise(clock.GetCurrentInstant());
        var stored = storeDecisions(connection, transaction, ledger.AllocateWithin(connection, transaction, removals, at), at);
        transaction.Commit();
        return stored;
    }

    /// <summary>Ids of the cases whose decisions are already stored (to resume an interrupted run).</summary>
    public IReadOnlySet<string> StoredCaseIds() => decisions.CaseIds();

    /// <summary>
    /// The stored input JSON (<see cref="CaseJsonReader.Write(ScreeningCase)"/>) of every decision under each of
    /// <paramref name="caseIds"/>, read by the case_id index in chunks; an id with no decision is absent.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> StoredInputs(IEnumerable<string> caseIds)
    {
        ArgumentNullException.ThrowIfNull(caseIds);
        var inputs = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        using var connection = store.Database.OpenConnection();
        foreach (var chunk in caseIds.Chunk(500))
        {
            // One named parameter per id: Dapper would send a list to Npgsql as one array parameter, which IN cannot take.
            var parameters = new DynamicParameters();
            for (var i = 0; i < chunk.Length; i++)
            {
                parameters.Add($"Id{i}", chunk[i]);
            }

            var sql = $"SELECT case_id, input_json FROM screening_decision WHERE case_id IN ({string.Join(", ", chunk.Select((_, i) => $"@Id{i}"))})";
            foreach (var (caseId, inputJson) in connection.Query<(string, string)>(sql, parameters))
            {
                if (!inputs.TryGetValue(caseId, out var list))
                {
                    inputs[caseId] = list = [];
                }

                list.Add(inputJson);
            }
        }

        return inputs.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value, StringComparer.Ordinal);
    }
}
