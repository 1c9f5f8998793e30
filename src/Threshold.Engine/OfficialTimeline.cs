using NodaTime;
using Threshold.Law;

namespace Threshold.Engine;

/// <summary>Which timeline a replay computes.</summary>
public enum TimelineKind
{
    /// <summary>Determinations proposed from the data: the earliest each rule allows under the engine's reading. Never history.</summary>
    Proposed,

    /// <summary>Only the determinations actually made and published (the official record), plus any a user recorded as such.</summary>
    Official,
}

/// <summary>
/// What an official timeline follows: the shipped record of an instrument (law/determinations/*.yaml) and the
/// determinations users recorded as official, merged by date. A recorded determination that repeats a shipped one
/// (same date and kind) counts once, as the shipped one.
/// </summary>
public sealed class OfficialBasis
{
    private OfficialBasis(OfficialDeterminations record, IReadOnlyList<OfficialDetermination> recorded)
    {
        Record = record;
        Recorded = recorded;
        var merged = record.Determinations.ToList();
        merged.AddRange(recorded.Where(r => !record.Determinations.Any(s => s.Date == r.Date && s.Kind == r.Kind)));
        // Stable: on one date the shipped entry comes before a recorded one.
        Determinations = [.. merged.OrderBy(d => d.Date)];
    }

    /// <summary>The shipped record.</summary>
    public OfficialDeterminations Record { get; }

    /// <summary>The determinations users recorded as official (e.g. in the record's determinations table).</summary>
    public IReadOnlyList<OfficialDetermination> Recorded { get; }

    /// <summary>Every official determination, shipped and recorded, in date order.</summary>
    public IReadOnlyList<OfficialDetermination> Determinations { get; }

    /// <summary>The record's in-force finding, if it has one (10773 §1).</summary>
    public OfficialDetermination? InForce => Record.Determinations.FirstOrDefault(d => d.Kind == OfficialKind.InForce);

    /// <summary>
    /// The official basis of <paramref name="policy"/>: its shipped record and <paramref name="recorded"/>. Throws
    /// <see cref="ReplayRequestException"/> when no record is shipped for it (a bill or a reform was never law, so
    /// nothing was ever determined under it).
    /// </summary>
    public static OfficialBasis For(PolicyDocument policy, IReadOnlyList<OfficialDetermination>? recorded = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var record = BuiltInDeterminations.For(policy.Id) ?? throw new ReplayRequestException(
            $"{policy.Id} has no official record of determinations (law/determinations/ has {string.Join(", ", BuiltInDeterminations.PolicyIds)}); an instrument that was never law has only a proposed timeline");
        return new OfficialBasis(record, recorded ?? []);
    }
}

/// <summary>The statement every output of a timeline repeats, so a proposal is never read as history.</summary>
public static class TimelineNotes
{
    public const string Proposed =
        "PROPOSED timeline: its determinations are proposals computed from the data (the earliest each rule allows under this engine's reading), not determinations that were made. The official timeline follows only the determinations actually made and published.";

    public static string Official(OfficialBasis basis)
    {
        ArgumentNullException.ThrowIfNull(basis);
        var record = basis.Record;
        var recorded = basis.Recorded.Count == 0 ? string.Empty : $", and {basis.Recorded.Count} determination(s) users recorded as official [U]";
        var none = record.NoneFound is { } n ? $" {n.Text.TrimEnd('.')} ({n.Citation.Text})." : string.Empty;
        return $"OFFICIAL timeline: statuses follow the instrument's own terms and only the determinations actually made and published ({record.SourceName}, last checked {record.LastChecked:yyyy-MM-dd}){recorded}; none is proposed from the data, and counts and averages are shown for information only.{none}";
    }

    public static string Name(TimelineKind kind) => kind switch
    {
        TimelineKind.Proposed => "proposed",
        TimelineKind.Official => "official",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}

/// <summary>
/// The official timeline: the status starts as the instrument's own terms say (<c>initial.active</c>) and changes only
/// with an official determination, applied with the policy's own effective-day rules (a deactivation made on D takes
/// effect at 12:01 a.m. Eastern on D + <c>deactivate.effective_days</c>, an activation on D + <c>activate.effective_days</c>,
/// and an activation during a wind-down cancels it where <c>deactivate.cancelled_by_activation</c> says so). The
/// version used is the one in force on the determination date, as on the proposed timeline. Nothing is proposed.
/// </summary>
internal static class OfficialReplay
{
    public static SuspensionTimeline Run(CompiledPolicy policy, EncounterSeries series, OfficialBasis basis)
    {
        if (policy.Overlays.Count > 0)
        {
            throw new ReplayRequestException(policy.Overlays[0].Problem("a what-if changes the proposed timeline only; the official timeline follows the determinations actually made"));
        }

        if (policy.Policy.InForce.Citation.Instrument == PolicyOverlay.WhatIfInForce)
        {
            throw new ReplayRequestException(new WhatIfProblem(WhatIfOption.InForce, $"{policy.InForce:yyyy-MM-dd}", "a what-if in-force date changes the proposed timeline only; the official timeline takes the instrument's own"));
        }

        if (basis.InForce is { } finding && finding.Date != policy.InForce)
        {
            throw new ReplayRequestException($"{basis.Record.SourceName}: the in-force finding is dated {finding.Date:yyyy-MM-dd} but {policy.Policy.Id} is in force from {policy.InForce:yyyy-MM-dd}");
        }

        if (basis.Determinations.FirstOrDefault(d => d.Kind != OfficialKind.InForce && d.Date < policy.InForce) is { } early)
        {
            throw new ReplayRequestException($"{Source(basis, early)}: a {OfficialDeterminationsReader.Name(early.Kind)} dated {early.Date:yyyy-MM-dd} precedes the in-force date {policy.InForce:yyyy-MM-dd}");
        }

        if (policy.Policy.Mechanism != MechanismKind.EncounterThreshold)
        {
            if (policy.SecretaryDeterminations.Count > 0)
            {
                throw new ReplayRequestException($"determination of {policy.SecretaryDeterminations[0].Date:yyyy-MM-dd}: a supplied determination is a what-if for the proposed timeline; record it as official to have the official timeline follow it");
            }

            var inputs = basis.Determinations.Where(d => d.Kind != OfficialKind.InForce).ToArray();
            return SuspensionReplay.RunSupplied(
                policy, series, [.. inputs.Select(d => new SecretaryDeterminationInput(d.Date, d.Kind == OfficialKind.Activation))], i => new SuppliedOfficialText(inputs[i]), basis);
        }

        var initial = policy.VersionOn(policy.InForce);
        if (initial.CapDays.Count > 0 || initial.SunsetYears is not null)
        {
            throw new ReplayRequestException($"{policy.Policy.Id}: the official timeline does not model day caps or a sunset; only the proposed timeline does");
        }

        SuspensionReplay.RequireColumns(policy, series);
        return new Threshold(policy, series, basis).Execute();
    }

    private static string Source(OfficialBasis basis, OfficialDetermination d) =>
        d.Line > 0 ? $"{basis.Record.SourceName}:{d.Line}" : $"recorded determination ({d.Citation.Text})";

    /// <summary>The event-driven walk of an encounter-threshold policy's official timeline, from its in-force date.</summary>
    private sealed class Threshold(CompiledPolicy policy, EncounterSeries series, OfficialBasis basis)
    {
        private const int None = int.MinValue;
        private readonly LocalDate start = series.Start;
        private readonly List<Determination> determinations = [];
        private readonly List<Transition> transitions = [];
        private bool active;
        private int pendingDeactivation = None;
        private int pendingDeactivationFrom;
        private RuleVersion? deactivationVersion;
        private int pendingActivation = None;
        private int pendingActivationFrom;
        private RuleVersion? activationVersion;

        private int Index(LocalDate date) => Period.DaysBetween(start, date);

        public SuspensionTimeline Execute()
        {
            var n = series.Length;
            var status = new DayStatus[n];
            var inForce = Index(policy.InForce);
            active = policy.VersionOn(policy.InForce).InitialActive;
            if (active)
            {
                // The official in-force finding is a fact even before the series starts, so it is listed whatever the series.
                transitions.Add(new Transition(start, inForce, true, TransitionCause.InForce, None, basis.InForce?.Citation ?? policy.Policy.InForce.Citation, null, null, inForce >= n));
            }

            // Determinations after the series end say nothing about its days.
            var events = basis.Determinations.Where(d => d.Kind != OfficialKind.InForce && d.Date <= series.End).ToArray();
            var next = 0;
            for (var i = inForce; i < n; i++)
            {
                TakeEffect(i);
                if (i >= 0)
                {
                    status[i] = active ? DayStatus.Active : DayStatus.Inactive;
                }

                // Made during the day, after any effect at 12:01 a.m. (as on the proposed timeline).
                while (next < events.Length && Index(events[next].Date) == i)
                {
                    Apply(events[next++], i);
                }
            }

            if (pendingDeactivation >= n)
            {
                transitions.Add(new Transition(start, pendingDeactivation, false, TransitionCause.Determination, pendingDeactivationFrom, null, deactivationVersion, "deactivate.effective_days", true));
            }

            if (pendingActivation >= n)
            {
                transitions.Add(new Transition(start, pendingActivation, true, TransitionCause.Determination, pendingActivationFrom, null, activationVersion, "activate.effective_days", true));
            }

            return new SuspensionTimeline(policy, series, status, determinations, transitions, null, basis);
        }

        /// <summary>The pending deactivation, then the pending activation, that take effect at 12:01 a.m. on day <paramref name="i"/>.</summary>
        private void TakeEffect(int i)
        {
            if (i == pendingDeactivation)
            {
                pendingDeactivation = None;
                Switch(i, false, pendingDeactivationFrom, deactivationVersion, "deactivate.effective_days");
            }

            if (i == pendingActivation)
            {
                pendingActivation = None;
                Switch(i, true, pendingActivationFrom, activationVersion, "activate.effective_days");
            }
        }

        private void Switch(int i, bool toActive, int determinedOn, RuleVersion? version, string parameter)
        {
            if (active != toActive)
            {
                active = toActive;
                transitions.Add(new Transition(start, i, toActive, TransitionCause.Determination, determinedOn, null, version, parameter, false));
            }
        }

        private void Apply(OfficialDetermination d, int i)
        {
            var vi = policy.VersionIndexOn(d.Date);
            var v = policy.Versions[vi];
            DeterminationKind kind;
            var effective = None;
            string effect;
            if (d.Kind == OfficialKind.Deactivation)
            {
                kind = DeterminationKind.Deactivation;
                if (active && pendingDeactivation == None)
                {
                    effective = pendingDeactivation = i + v.DeactivateEffectiveDays;
                    pendingDeactivationFrom = i;
                    deactivationVersion = v;
                    effect = $"the suspension ends at 12:01 a.m. Eastern on {start.PlusDays(effective):yyyy-MM-dd} (determination + {v.DeactivateEffectiveDays} days)";
                }
                else
                {
                    effect = active ? "changes nothing: a discontinuation is already pending" : "changes nothing: the suspension did not apply";
                }
            }
            else if (active && pendingDeactivation != None && v.CancelledByActivation)
            {
                kind = DeterminationKind.DeactivationCancelled;
                pendingDeactivation = None;
                effect = "cancels the pending discontinuation, and the suspension continues";
            }
            else
            {
                kind = DeterminationKind.Activation;
                if (!active && pendingActivation == None)
                {
                    effective = pendingActivation = i + v.ActivateEffectiveDays;
                    pendingActivationFrom = i;
                    activationVersion = v;
                    effect = $"applies from 12:01 a.m. Eastern on {start.PlusDays(effective):yyyy-MM-dd} (determination + {v.ActivateEffectiveDays} day(s))";
                }
                else
                {
                    effect = active ? "changes nothing: the suspension already applied" : "changes nothing: an activation is already pending";
                }
            }

            // The window relied on is counted under the rule in force on the determination date (as on the proposed
            // timeline; LEGAL-REVIEW C4 [U]), for information: the official timeline never tests it.
            var (end, days, sum) = (0, 0, -1L);
            if (d.Window is { } window)
            {
                (end, days) = (Index(window.End), window.Length);
                sum = WindowSum(v, Index(window.Start), end);
            }

            var parameter = kind switch
            {
                DeterminationKind.Deactivation => "deactivate.effective_days",
                DeterminationKind.DeactivationCancelled => "deactivate.cancelled_by_activation",
                _ => "activate.effective_days",
            };
            determinations.Add(new Determination(
                start, i, kind, DeterminationTrigger.Official, end, sum, days, null, 0, 0, None, effective, vi, null, new OfficialText(d, v.Values[parameter].Citation, effect)));
        }

        /// <summary>Sum of the counts from day <paramref name="from"/> to <paramref name="to"/>, or −1 when a day is outside the series or missing.</summary>
        private long WindowSum(RuleVersion v, int from, int to)
        {
            if (from < 0 || to >= series.Length)
            {
                return -1;
            }

            var counted = series.CountedFor(v.Counting);
            long sum = 0;
            for (var k = from; k <= to; k++)
            {
                if (series.IsMissing(k))
                {
                    return -1;
                }

                sum += counted[k];
            }

            return sum;
        }
    }

    /// <summary>The words and citations of one official determination on an encounter-threshold policy.</summary>
    private sealed class OfficialText(OfficialDetermination entry, Citation effectCitation, string effect) : IEventText
    {
        public IReadOnlyList<Citation> Citations(Determination determination) => [entry.Citation, effectCitation];

        public string Rule(Determination d)
        {
            var data = d.HasSum ? $" (the data, for information: 7-day average {SuspensionReplay.Format(d.Average)} over {d.WindowStart:yyyy-MM-dd} to {d.WindowEnd:yyyy-MM-dd})" : string.Empty;
            return $"Official {OfficialDeterminationsReader.Name(entry.Kind)} made {entry.Date:yyyy-MM-dd}: {entry.Text.TrimEnd('.')}; {effect}{data}";
        }
    }

    /// <summary>The words and citations of one official determination (or finding) on a supplied-determination policy.</summary>
    private sealed class SuppliedOfficialText(OfficialDetermination entry) : IEventText
    {
        public IReadOnlyList<Citation> Citations(Determination determination) => [entry.Citation];

        public string Rule(Determination d) =>
            $"Official {OfficialDeterminationsReader.Name(entry.Kind)} made {entry.Date:yyyy-MM-dd}: {entry.Text.TrimEnd('.')}; effective 12:01 a.m. Eastern on {d.EffectiveDate:yyyy-MM-dd}";
    }
}
