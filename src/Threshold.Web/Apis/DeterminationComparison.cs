using Threshold.Engine;
using Threshold.Record;

namespace Threshold.Web.Apis;

/// <summary>
/// The <c>determinations diff</c> contract: where the official timeline (recorded determinations) and the proposed one
/// (computed from the data) part. Each row's <c>status</c> is <c>proposed-not-recorded</c>, <c>agree</c>,
/// <c>recorded-supported-not-proposed</c> or <c>recorded-not-supported</c>; the evidence is the engine's
/// <see cref="DeterminationEvidence"/> for that date, kind and window.
/// </summary>
public sealed record DeterminationComparison(string Policy, bool ModeledEncounters, IReadOnlyList<DeterminationComparison.Row> Rows)
{
    /// <summary>One determination, proposed or recorded, and how the other side sees it.</summary>
    public sealed record Row(string Status, string Date, string Kind, string WindowStart, string WindowEnd, string? RecordedBy, string Evidence, string? Citation);

    public static DeterminationComparison Between(SuspensionTimeline timeline, IReadOnlyList<RecordedDetermination> recorded)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        ArgumentNullException.ThrowIfNull(recorded);
        var proposals = timeline.Determinations.Where(d => d.Kind != DeterminationKind.DeactivationCancelled).ToList();
        bool IsRecorded(Determination p) => recorded.Any(r => r.Date == p.Date && r.Kind == p.Kind);
        bool IsProposed(RecordedDetermination r) => proposals.Any(p => p.Date == r.Date && p.Kind == r.Kind);

        var unrecorded = proposals.Where(p => !IsRecorded(p)).Select(p => new Row(
            "proposed-not-recorded", ReplayReport.Iso(p.Date), ReplayReport.KindName(p.Kind), ReplayReport.Iso(p.WindowStart), ReplayReport.Iso(p.WindowEnd), null, p.Rule, p.Citations[0].Text));
        var judged = recorded.Select(r =>
        {
            var evidence = DeterminationEvidence.Check(timeline, r.Date, r.Kind, r.WindowStart, r.WindowEnd);
            var status = evidence.Supported ? (IsProposed(r) ? "agree" : "recorded-supported-not-proposed") : "recorded-not-supported";
            return new Row(status, ReplayReport.Iso(r.Date), ReplayReport.KindName(r.Kind), ReplayReport.Iso(r.WindowStart), ReplayReport.Iso(r.WindowEnd), r.By, evidence.Explanation, null);
        });
        return new DeterminationComparison(timeline.Policy.Policy.Id, timeline.Series.IsModeled, [.. unrecorded.Concat(judged).OrderBy(r => r.Date, StringComparer.Ordinal)]);
    }
}
