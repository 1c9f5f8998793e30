using NodaTime.Text;
using Threshold.Engine;
using Threshold.Law;
using Threshold.Record;

namespace Threshold.Web.Apis;

/// <summary>
/// The <c>determinations diff</c> contract: where the official timeline (the determinations actually made: the shipped
/// record in law/determinations/ and those recorded in the record) and the proposed one (computed from the data) part.
/// Each row's <c>status</c> is <c>proposed-not-recorded</c> (the data support it, nobody made it), <c>agree</c>,
/// <c>recorded-supported-not-proposed</c>, <c>recorded-not-supported</c> or <c>recorded-window-unknown</c> (an official
/// determination whose publication names no window); the evidence is the engine's <see cref="DeterminationEvidence"/>
/// for that date, kind and window. <c>statusDifferences</c> lists the days on which the two timelines' statuses differ,
/// and <c>official</c> the shipped record compared, with what it found none of.
/// </summary>
public sealed record DeterminationComparison(string Policy, bool ModeledEncounters, IReadOnlyList<DeterminationComparison.Row> Rows)
{
    /// <summary>Who "recorded" an official determination that ships with Threshold.</summary>
    public const string ShippedRecord = "official record";

    /// <summary>One determination, proposed or official, and how the other side sees it.</summary>
    /// <param name="WindowStart">First day of the window relied on; null when an official determination names none.</param>
    public sealed record Row(string Status, string Date, string Kind, string? WindowStart, string? WindowEnd, string? RecordedBy, string Evidence, string? Citation);

    /// <summary>A run of days on which the official and proposed statuses differ.</summary>
    public sealed record StatusDifference(string From, string To, int Days, string Official, string Proposed);

    /// <summary>The shipped record compared; null when the policy has none (a bill, a reform: nothing was ever determined).</summary>
    public ReplayReport.OfficialRecordDto? Official { get; init; }

    /// <summary>What the official timeline is (null when there is none), said as on every output of it.</summary>
    public string? OfficialNote { get; init; }

    /// <summary>What the proposed timeline is: proposals, never history.</summary>
    public string ProposedNote { get; init; } = TimelineNotes.Proposed;

    /// <summary>Runs of days where the timelines part, in date order; empty when they agree on every day (or there is no official one).</summary>
    public IReadOnlyList<StatusDifference> StatusDifferences { get; init; } = [];

    /// <summary>
    /// Out of the box: the proposed timeline against the official one of the instrument itself (its shipped record and
    /// <paramref name="recorded"/>, without the proposed replay's what-ifs), when the policy has a shipped record.
    /// </summary>
    public static DeterminationComparison Between(SuspensionTimeline proposed, IReadOnlyList<RecordedDetermination> recorded)
    {
        ArgumentNullException.ThrowIfNull(proposed);
        var policy = proposed.Policy.Policy;
        var instrument = BuiltInPolicies.Exists(policy.Id) ? BuiltInPolicies.Get(policy.Id) : proposed.Policy.Overlays.Count == 0 ? policy : null;
        return Between(proposed, instrument is null ? null : OfficialTimeline(instrument, proposed.Series, recorded), recorded);
    }

    /// <summary>
    /// The comparison of <paramref name="proposed"/> with <paramref name="official"/> (null: only the recorded
    /// determinations). Of <paramref name="recorded"/>, only those made under the proposed timeline's policy are compared.
    /// </summary>
    public static DeterminationComparison Between(SuspensionTimeline proposed, SuspensionTimeline? official, IReadOnlyList<RecordedDetermination> recorded)
    {
        ArgumentNullException.ThrowIfNull(proposed);
        ArgumentNullException.ThrowIfNull(recorded);
        recorded = Of(proposed.Policy.Policy.Id, recorded);
        if (proposed.Kind != TimelineKind.Proposed || official is { Kind: not TimelineKind.Official })
        {
            throw new ArgumentException("compare a proposed timeline with an official one");
        }

        var proposals = proposed.Determinations.Where(d => d.Kind != DeterminationKind.DeactivationCancelled).ToList();
        // The official side: the shipped record's determinations (not its in-force finding) and the recorded ones.
        var shipped = official?.Official?.Record.Determinations.Where(d => d.Kind != OfficialKind.InForce).ToList() ?? [];
        bool IsOfficial(Determination p) =>
            recorded.Any(r => r.Date == p.Date && r.Kind == p.Kind) || shipped.Any(s => s.Date == p.Date && Kind(s.Kind) == p.Kind);
        bool IsProposed(NodaTime.LocalDate date, DeterminationKind kind) => proposals.Any(p => p.Date == date && p.Kind == kind);

        var unrecorded = proposals.Where(p => !IsOfficial(p)).Select(p => new Row(
            "proposed-not-recorded", ReplayReport.Iso(p.Date), ReplayReport.KindName(p.Kind), ReplayReport.Iso(p.WindowStart), ReplayReport.Iso(p.WindowEnd), null, p.Rule, p.Citations[0].Text));
        var judged = recorded.Select(r =>
        {
            var evidence = DeterminationEvidence.Check(proposed, r.Date, r.Kind, r.WindowStart, r.WindowEnd);
            return new Row(Status(evidence, IsProposed(r.Date, r.Kind)), ReplayReport.Iso(r.Date), ReplayReport.KindName(r.Kind), ReplayReport.Iso(r.WindowStart), ReplayReport.Iso(r.WindowEnd), r.By, evidence.Explanation, null);
        });
        var published = shipped.Where(s => !recorded.Any(r => r.Date == s.Date && r.Kind == Kind(s.Kind))).Select(s =>
        {
            var kind = Kind(s.Kind);
            if (s.Window is not { } window)
            {
                return new Row("recorded-window-unknown", ReplayReport.Iso(s.Date), ReplayReport.KindName(kind), null, null, ShippedRecord, "the publication names no window of data, so the data cannot be checked against it", s.Citation.Text);
            }

            var evidence = DeterminationEvidence.Check(proposed, s.Date, kind, window.Start, window.End);
            return new Row(Status(evidence, IsProposed(s.Date, kind)), ReplayReport.Iso(s.Date), ReplayReport.KindName(kind), ReplayReport.Iso(window.Start), ReplayReport.Iso(window.End), ShippedRecord, evidence.Explanation, s.Citation.Text);
        });

        return new DeterminationComparison(proposed.Policy.Policy.Id, proposed.Series.IsModeled, [.. unrecorded.Concat(judged).Concat(published).OrderBy(r => r.Date, StringComparer.Ordinal)])
        {
            Official = official?.Official is { } basis ? ReplayReport.OfficialRecordDto.From(basis) : null,
            OfficialNote = official?.Note,
            StatusDifferences = official is null ? [] : Differences(official, proposed),
        };
    }

    /// <summary>
    /// The official timeline of <paramref name="instrument"/> (as written, no what-ifs) over <paramref name="series"/>,
    /// following its shipped record and <paramref name="recorded"/>; null when no record ships for it.
    /// </summary>
    public static SuspensionTimeline? OfficialTimeline(PolicyDocument instrument, EncounterSeries series, IReadOnlyList<RecordedDetermination> recorded)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        return BuiltInDeterminations.For(instrument.Id) is null
            ? null
            : SuspensionReplay.Run(CompiledPolicy.Compile(instrument), series, TimelineKind.Official, RecordedFor(instrument, recorded));
    }

    /// <summary>
    /// The recorded determinations made under <paramref name="policy"/>, as its official ones. Each names the policy it
    /// was made under (those recorded before determinations named one are proclamation-10773's), so a determination under
    /// one instrument is never taken for a finding under another; and each rests on a window of encounter data, so only
    /// an encounter-threshold policy follows any.
    /// </summary>
    public static IReadOnlyList<OfficialDetermination> RecordedFor(PolicyDocument policy, IReadOnlyList<RecordedDetermination> recorded)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(recorded);
        return policy.Mechanism == MechanismKind.EncounterThreshold ? [.. Of(policy.Id, recorded).Select(AsOfficial)] : [];
    }

    /// <summary>The determinations of <paramref name="recorded"/> made under the policy <paramref name="policyId"/>.</summary>
    public static IReadOnlyList<RecordedDetermination> Of(string policyId, IReadOnlyList<RecordedDetermination> recorded)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        return [.. recorded.Where(r => string.Equals(r.PolicyId, policyId, StringComparison.Ordinal))];
    }

    /// <summary>A recorded determination as an official one: its window, its recorder, and [U] (nobody checked it against a published text).</summary>
    public static OfficialDetermination AsOfficial(RecordedDetermination r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var kind = r.Kind switch
        {
            DeterminationKind.Activation => OfficialKind.Activation,
            DeterminationKind.Deactivation => OfficialKind.Deactivation,
            _ => throw new ArgumentOutOfRangeException(nameof(r), r.Kind, "only activations and deactivations are recorded"),
        };
        var citation = new Citation(
            "Recorded determination", string.Empty, null, VerificationStatus.Unverified,
            $"recorded under {r.PolicyId} by {r.By} at {InstantPattern.ExtendedIso.Format(r.RecordedAt)}, audit entry {r.AuditSeq}; not checked against a published text");
        return new OfficialDetermination(r.Date, kind, new NodaTime.DateInterval(r.WindowStart, r.WindowEnd), r.Note ?? "recorded determination", citation);
    }

    private static DeterminationKind Kind(OfficialKind kind) => kind switch
    {
        OfficialKind.Activation => DeterminationKind.Activation,
        OfficialKind.Deactivation => DeterminationKind.Deactivation,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static string Status(DeterminationSupport evidence, bool proposed) =>
        evidence.Supported ? (proposed ? "agree" : "recorded-supported-not-proposed") : "recorded-not-supported";

    private static List<StatusDifference> Differences(SuspensionTimeline official, SuspensionTimeline proposed)
    {
        var result = new List<StatusDifference>();
        var series = proposed.Series;
        var from = -1;
        for (var i = 0; i <= series.Length; i++)
        {
            var differs = i < series.Length && official.StatusOn(i) != proposed.StatusOn(i);
            var continues = differs && from >= 0 && official.StatusOn(i) == official.StatusOn(from) && proposed.StatusOn(i) == proposed.StatusOn(from);
            if (from >= 0 && !continues)
            {
                result.Add(new StatusDifference(
                    ReplayReport.Iso(series.DateAt(from)), ReplayReport.Iso(series.DateAt(i - 1)), i - from, ReplayReport.StatusName(official.StatusOn(from)), ReplayReport.StatusName(proposed.StatusOn(from))));
                from = -1;
            }

            if (differs && from < 0)
            {
                from = i;
            }
        }

        return result;
    }
}
