using Dapper;
using NodaTime;
using System.Text.Json.Nodes;
using Threshold.Returns;

namespace Threshold.Record;

/// <summary>
/// The encounter series a batch of recorded decisions was screened under, stored in the batch's
/// <c>decision-batch</c> audit entry (members <see cref="SeriesMember"/> and <see cref="ModeledMember"/>), so the
/// hash chain binds it and a later report of the recorded ledger can say whether its allocations rest on a MODELED
/// series.
/// </summary>
/// <param name="Series">The series' source name (a bundled file name or a recorded series name).</param>
/// <param name="ModeledEncounters">True when that series is MODELED (synthesised from monthly totals, not an official daily count).</param>
public sealed record ScreenedUnder(string Series, bool ModeledEncounters)
{
    /// <summary>The payload member naming the series (entries written before this member existed have none).</summary>
    public const string SeriesMember = "series";

    /// <summary>The payload member, a boolean, saying whether that series is MODELED.</summary>
    public const string ModeledMember = "modeledEncounters";

    internal void WriteTo(JsonObject payload)
    {
        payload[SeriesMember] = Series;
        payload[ModeledMember] = ModeledEncounters;
    }

    internal static ScreenedUnder? ReadFrom(JsonObject payload) =>
        payload[SeriesMember] is JsonValue s && s.TryGetValue<string>(out var series)
        && payload[ModeledMember] is JsonValue m && m.TryGetValue<bool>(out var modeled)
            ? new ScreenedUnder(series, modeled)
            : null;
}

/// <summary>
/// What the record says about the series behind its ledger allocations up to an instant: each allocation is matched
/// with the decision stored in the same transaction (same case id, same recorded instant) and that decision's batch
/// entry. An allocation with no such decision, or whose entry predates the series members, is <i>unstated</i>.
/// </summary>
/// <param name="Allocations">Allocations up to the instant.</param>
/// <param name="Modeled">Of those, screened under a MODELED series.</param>
/// <param name="Real">Of those, screened under a series that is not MODELED.</param>
/// <param name="Series">The distinct series named, in name order.</param>
public sealed record RecordedSeries(long Allocations, long Modeled, long Real, IReadOnlyList<string> Series)
{
    /// <summary>Allocations whose series the record does not state.</summary>
    public long Unstated => Allocations - Modeled - Real;

    /// <summary>True when any allocation rests on a MODELED series; false when every one is stated and none does; null when none does but some are unstated.</summary>
    public bool? ModeledEncounters => Modeled > 0 ? true : Unstated > 0 ? null : false;

    /// <summary>One sentence for a reader: which series, how many allocations rest on a MODELED one, and what is unstated.</summary>
    public string Note()
    {
        if (Allocations == 0)
        {
            return "The recorded ledger has no allocations up to this instant.";
        }

        var named = Series.Count == 0 ? string.Empty : $" Series named: {string.Join(", ", Series)}.";
        var stated = Modeled > 0
            ? $"{Modeled:N0} of the {Allocations:N0} allocations were screened under a MODELED encounter series (suspension periods from a synthesised daily series, not an official daily count)."
            : Unstated == 0 ? $"All {Allocations:N0} allocations were screened under a series that is not MODELED." : string.Empty;
        var unstated = Unstated > 0
            ? $" {Unstated:N0} allocation(s) were recorded without their series (before the record stored it, or outside a screening batch): {ProvenanceLabels.RecordedSeriesNote}"
            : string.Empty;
        return (stated + unstated + named).Trim();
    }

    /// <summary>The record's statement for the allocations recorded up to <paramref name="asOf"/> (null: all).</summary>
    public static RecordedSeries Read(RecordStore store, Instant? asOf)
    {
        ArgumentNullException.ThrowIfNull(store);
        using var connection = store.Database.OpenConnection();
        var bound = asOf is { } i ? RecordTime.Format(RecordTime.Normalise(i)) : null;
        // One row per allocation: the batch entry of the decision stored with it, if any (several decisions of the same
        // case in one transaction share the entry).
        var byEntry = connection.Query<(long? Seq, long Count)>(
            """
            SELECT m.audit_seq, COUNT(*) FROM (
                SELECT e.seq, (SELECT MIN(d.audit_seq) FROM screening_decision d WHERE d.case_id = e.case_id AND d.recorded_at = e.recorded_at) AS audit_seq
                FROM ledger_event e
                WHERE @AsOf IS NULL OR e.recorded_at <= @AsOf
            ) m GROUP BY m.audit_seq
            """,
            new { AsOf = bound }).AsList();
        var seqs = byEntry.Where(r => r.Seq is not null).Select(r => r.Seq!.Value).ToList();
        var stated = new Dictionary<long, ScreenedUnder>();
        foreach (var chunk in seqs.Chunk(500))
        {
            var parameters = new DynamicParameters();
            parameters.Add("Kind", DecisionRecord.BatchKind);
            for (var k = 0; k < chunk.Length; k++)
            {
                parameters.Add($"S{k}", chunk[k]);
            }

            foreach (var (seq, payload) in connection.Query<(long, string)>($"SELECT seq, payload FROM audit_log WHERE kind = @Kind AND seq IN ({string.Join(", ", chunk.Select((_, k) => $"@S{k}"))})", parameters))
            {
                if (JsonNode.Parse(payload) is JsonObject o && ScreenedUnder.ReadFrom(o) is { } under)
                {
                    stated[seq] = under;
                }
            }
        }

        long all = 0, modeled = 0, real = 0;
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (seq, count) in byEntry)
        {
            all += count;
            if (seq is { } s && stated.TryGetValue(s, out var under))
            {
                names.Add(under.Series);
                if (under.ModeledEncounters)
                {
                    modeled += count;
                }
                else
                {
                    real += count;
                }
            }
        }

        return new RecordedSeries(all, modeled, real, [.. names]);
    }
}
