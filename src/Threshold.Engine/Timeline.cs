using NodaTime;
using Threshold.Law;

namespace Threshold.Engine;

/// <summary>
/// A day's status after any transition at 12:01 a.m. Eastern that day.
/// <list type="bullet">
/// <item><c>not-in-force</c>: before the policy applies.</item>
/// <item><c>active</c>: the suspension applies (also during a 14-day wind-down; see <see cref="TimelineDay.PendingDeactivation"/>).</item>
/// <item><c>inactive</c>: in force but not applying, e.g. after a discontinuation.</item>
/// <item><c>cap-reached</c>: would apply, but the year's cap of active days is used up (Senate authority).</item>
/// <item><c>expired</c>: past the policy's sunset.</item>
/// </list>
/// </summary>
public enum DayStatus : byte
{
    NotInForce,
    Active,
    Inactive,
    CapReached,
    Expired,
}

/// <summary>What a determination decides.</summary>
public enum DeterminationKind
{
    /// <summary>The suspension applies (10773 §2(b) reactivation; Senate activation).</summary>
    Activation,

    /// <summary>The suspension ends after the wind-down (10773 §2(a) discontinuation; Senate deactivation).</summary>
    Deactivation,

    /// <summary>A reading at the activation level during the wind-down cancels a pending deactivation (10773 §2(b)).</summary>
    DeactivationCancelled,
}

/// <summary>Which test of the data a determination rests on.</summary>
public enum DeterminationTrigger
{
    /// <summary>7-day average at or above the (mandatory) activation threshold.</summary>
    AverageAtOrAbove,

    /// <summary>One calendar day at or above the single-day threshold.</summary>
    SingleDayAtOrAbove,

    /// <summary>7-day average at or above the discretionary threshold, discretion exercised.</summary>
    DiscretionaryAverageAtOrAbove,

    /// <summary>7-day average strictly below the deactivation level, for the required streak of days.</summary>
    AverageBelow,

    /// <summary>A determination supplied by the user (secretary-determination policies).</summary>
    Supplied,

    /// <summary>A determination actually made and published (the official record), or recorded by a user as such.</summary>
    Official,
}

/// <summary>Why a transition happened.</summary>
public enum TransitionCause
{
    /// <summary>The instrument itself took effect (10773 §1: 12:01 a.m. EDT June 5, 2024).</summary>
    InForce,

    /// <summary>A factual determination took effect.</summary>
    Determination,

    /// <summary>The year's cap of active days was reached.</summary>
    CapReached,

    /// <summary>The policy sunset.</summary>
    Sunset,
}

/// <summary>Builds the words and citations of events on demand, so a replay in an inner loop pays only for numbers.</summary>
internal interface IEventText
{
    IReadOnlyList<Citation> Citations(Determination determination);

    string Rule(Determination determination);
}

/// <summary>
/// A factual determination: on the proposed timeline one the data supports, proposed by the engine; on the official
/// timeline one actually made (<see cref="DeterminationTrigger.Official"/>). The window is
/// [<see cref="WindowStart"/>, <see cref="WindowEnd"/>] inclusive (7 days); for a streak, every day from
/// <see cref="StreakStart"/> to <see cref="WindowEnd"/> inclusive had its own 7-day average under the level.
/// Dates, rule text and citations are derived on first use from day indexes into the series.
/// </summary>
public sealed class Determination
{
    private readonly LocalDate origin;
    private readonly int dateIndex;
    private readonly int windowEndIndex;
    private readonly int effectiveIndex;
    private readonly int streakStartIndex;
    private readonly IEventText text;
    private IReadOnlyList<Citation>? citations;
    private string? rule;

    /// <param name="effectiveIndex">Index of the effective day, or int.MinValue when the determination only cancels.</param>
    /// <param name="streakStartIndex">Index of the first streak day, or int.MinValue for a single window.</param>
    internal Determination(
        LocalDate origin, int dateIndex, DeterminationKind kind, DeterminationTrigger trigger, int windowEndIndex, long windowSum, int windowDays,
        int? singleDayCount, decimal thresholdPerDay, int streakDays, int streakStartIndex, int effectiveIndex, int versionIndex, string? triggerParameter, IEventText text)
    {
        this.origin = origin;
        this.dateIndex = dateIndex;
        Kind = kind;
        Trigger = trigger;
        this.windowEndIndex = windowEndIndex;
        WindowSum = windowSum;
        WindowDays = windowDays;
        SingleDayCount = singleDayCount;
        ThresholdPerDay = thresholdPerDay;
        StreakDays = streakDays;
        this.streakStartIndex = streakStartIndex;
        this.effectiveIndex = effectiveIndex;
        VersionIndex = versionIndex;
        TriggerParameter = triggerParameter;
        this.text = text;
    }

    /// <summary>The date the Secretary could make the determination.</summary>
    public LocalDate Date => origin.PlusDays(dateIndex);

    public DeterminationKind Kind { get; }

    public DeterminationTrigger Trigger { get; }

    /// <summary>First day of the 7-day window read (inclusive).</summary>
    public LocalDate WindowStart => origin.PlusDays(windowEndIndex - Math.Max(WindowDays, 1) + 1);

    /// <summary>Last day of the 7-day window read (inclusive): the determination date less the lag.</summary>
    public LocalDate WindowEnd => origin.PlusDays(windowEndIndex);

    /// <summary>Exact sum of the window's counts.</summary>
    public long WindowSum { get; }

    public int WindowDays { get; }

    /// <summary>The one day's count, for a single-day trigger.</summary>
    public int? SingleDayCount { get; }

    /// <summary>The threshold compared, in encounters a day.</summary>
    public decimal ThresholdPerDay { get; }

    /// <summary>Consecutive qualifying days the rule needed (1 for a single average).</summary>
    public int StreakDays { get; }

    /// <summary>First day of the qualifying streak (inclusive), when more than one day was needed.</summary>
    public LocalDate? StreakStart => streakStartIndex == int.MinValue ? null : origin.PlusDays(streakStartIndex);

    /// <summary>The day from whose 12:01 a.m. Eastern the determination takes effect; null when it only cancels.</summary>
    public LocalDate? EffectiveDate => effectiveIndex == int.MinValue ? null : origin.PlusDays(effectiveIndex);

    /// <summary>Index of the rule version in force on <see cref="Date"/>.</summary>
    public int VersionIndex { get; }

    /// <summary>The parameter whose threshold was met, for activations.</summary>
    internal string? TriggerParameter { get; }

    /// <summary>The rules applied, the decisive one first.</summary>
    public IReadOnlyList<Citation> Citations => citations ??= text.Citations(this);

    /// <summary>The determination in words, with its numbers.</summary>
    public string Rule => rule ??= text.Rule(this);

    /// <summary>Exact mean of the window (sum ÷ days); comparisons use the sum, never a rounded mean.</summary>
    public decimal Average => WindowDays == 0 ? 0 : (decimal)WindowSum / WindowDays;

    /// <summary>
    /// Whether the determination names the window it read: always for a proposal, never for a supplied one, and for an
    /// official one when its publication (or its recorder) names it.
    /// </summary>
    public bool HasWindow => Trigger != DeterminationTrigger.Supplied && WindowDays > 0;

    /// <summary>Whether <see cref="WindowSum"/> was computed: the window is named, inside the series and touches no missing day.</summary>
    public bool HasSum => HasWindow && WindowSum >= 0;
}

/// <summary>
/// A change in whether the suspension applies, effective at 12:01 a.m. America/New_York (EDT or EST as the date falls)
/// on <see cref="EffectiveDate"/>.
/// </summary>
public sealed class Transition
{
    private readonly LocalDate origin;
    private readonly int effectiveIndex;
    private readonly int determinationIndex;
    private readonly RuleVersion? version;
    private readonly string? parameter;
    private Citation? citation;

    /// <param name="determinationIndex">Index of the determination date, or int.MinValue when no determination caused it.</param>
    /// <param name="citation">The citation, or null to read <paramref name="parameter"/>'s from <paramref name="version"/> on first use.</param>
    internal Transition(LocalDate origin, int effectiveIndex, bool toActive, TransitionCause cause, int determinationIndex, Citation? citation, RuleVersion? version, string? parameter, bool afterSeriesEnd)
    {
        this.origin = origin;
        this.effectiveIndex = effectiveIndex;
        ToActive = toActive;
        Cause = cause;
        this.determinationIndex = determinationIndex;
        this.citation = citation;
        this.version = version;
        this.parameter = parameter;
        AfterSeriesEnd = afterSeriesEnd;
    }

    public LocalDate EffectiveDate => origin.PlusDays(effectiveIndex);

    /// <summary>The legal instant: 12:01 a.m. Eastern on <see cref="EffectiveDate"/>, with its offset.</summary>
    public ZonedDateTime Effective => EasternTime.TransitionInstant(EffectiveDate);

    public bool ToActive { get; }

    public TransitionCause Cause { get; }

    public LocalDate? DeterminationDate => determinationIndex == int.MinValue ? null : origin.PlusDays(determinationIndex);

    public Citation Citation => citation ??= version!.Values[parameter!].Citation;

    /// <summary>True when the transition falls after the last day of the series (scheduled, not yet observed).</summary>
    public bool AfterSeriesEnd { get; }
}

/// <summary>One day of a timeline, for output.</summary>
/// <param name="Counted">Count under the rule in force that day; null for a missing day.</param>
/// <param name="WindowSum">Sum of the 7-day window ending that day under that day's rule; null if incomplete or touching a gap.</param>
/// <param name="PendingDeactivation">During a wind-down, the day the pending deactivation would take effect.</param>
/// <param name="Undeterminable">Why no determination could be made that day (the window it would read is incomplete or touches a gap); null otherwise.</param>
public sealed record TimelineDay(LocalDate Date, int? Counted, long? WindowSum, int WindowDays, DayStatus Status, LocalDate? PendingDeactivation, string? Undeterminable)
{
    public decimal? Average => WindowSum is { } s ? (decimal)s / WindowDays : null;
}

/// <summary>
/// The result of replaying a series through a policy: per-day status arrays plus the rare events (determinations and
/// transitions). Immutable once built.
/// </summary>
public sealed class SuspensionTimeline
{
    /// <param name="official">The official record followed, for an official timeline; null for a proposed one.</param>
    internal SuspensionTimeline(CompiledPolicy policy, EncounterSeries series, DayStatus[] status, IReadOnlyList<Determination> determinations, IReadOnlyList<Transition> transitions, string? replayCaveat, OfficialBasis? official = null)
    {
        Policy = policy;
        Series = series;
        this.status = status;
        Determinations = determinations;
        Transitions = transitions;
        this.replayCaveat = replayCaveat;
        Official = official;
    }

    /// <summary>Which timeline this is: proposed from the data, or following only the determinations actually made.</summary>
    public TimelineKind Kind => Official is null ? TimelineKind.Proposed : TimelineKind.Official;

    /// <summary>The official record this timeline follows; null on a proposed timeline.</summary>
    public OfficialBasis? Official { get; }

    /// <summary>What kind of timeline this is, in words every output repeats (<see cref="TimelineNotes"/>).</summary>
    public string Note => Official is { } basis ? TimelineNotes.Official(basis) : TimelineNotes.Proposed;

    private readonly DayStatus[] status;
    private readonly string? replayCaveat;
    private ReplayCounts? counts;
    private LocalDate?[]? pending;

    public CompiledPolicy Policy { get; }

    public EncounterSeries Series { get; }

    public IReadOnlyList<Determination> Determinations { get; }

    public IReadOnlyList<Transition> Transitions { get; }

    /// <summary>Policy caveats plus those the replay itself raised (e.g. series starting after the in-force date).</summary>
    public IReadOnlyList<string> Caveats => replayCaveat is null ? Policy.Policy.Caveats : [.. Policy.Policy.Caveats, replayCaveat];

    /// <summary>Counted values and window sums for display, computed on first use (the replay itself streams them).</summary>
    internal ReplayCounts Counts => counts ??= new ReplayCounts(Policy, Series);

    /// <summary>For each day, the pending deactivation's effective date during a wind-down, derived from the events.</summary>
    private LocalDate?[] Pending => pending ??= DerivePending();

    public ReadOnlySpan<DayStatus> Statuses => status;

    public int ActiveDays => status.Count(s => s == DayStatus.Active);

    public DayStatus StatusOn(int dayIndex) => status[dayIndex];

    /// <summary>
    /// The status in force at an instant. A day's status takes effect at 12:01 a.m. Eastern, so an instant in the first
    /// minute of a day (00:00:00–00:00:59.999) still has the previous day's status. Returns null where the replay cannot
    /// know it: on or after the in-force date but outside the series. <paramref name="day"/> is the Eastern day whose
    /// status applies.
    /// </summary>
    public DayStatus? StatusAt(Instant instant, out LocalDate day)
    {
        var local = instant.InZone(EasternTime.Zone).LocalDateTime;
        day = local.TimeOfDay < EasternTime.TransitionTime ? local.Date.PlusDays(-1) : local.Date;
        var i = Series.IndexOf(day);
        if (i >= 0)
        {
            return status[i];
        }

        return day < Policy.InForce ? DayStatus.NotInForce : null;
    }

    public TimelineDay Day(int i)
    {
        var date = Series.DateAt(i);
        var v = Policy.VersionIndexOn(date);
        var version = Policy.Versions[v];
        var missing = Series.IsMissing(i);
        long? sum = Counts.Sum(v, i) is var s && s >= 0 ? s : null;
        string? undeterminable = null;
        if (status[i] != DayStatus.NotInForce && status[i] != DayStatus.Expired && Policy.Policy.Mechanism == MechanismKind.EncounterThreshold)
        {
            var dv = Policy.VersionIndexOn(date);
            var w = i - Policy.Versions[dv].LagDays;
            undeterminable = Counts.WhyInvalid(dv, w);
        }

        return new TimelineDay(date, missing ? null : Counts.Counted(v, i), sum, version.WindowDays, status[i], Pending[i], undeterminable);
    }

    // A deactivation determined on day D is pending on days D+1 … E−1 (E its effective day), unless a cancelling
    // determination on day C ends it after C, or a cap or sunset transition on day X ends it from X.
    private LocalDate?[] DerivePending()
    {
        var result = new LocalDate?[Series.Length];
        for (var k = 0; k < Determinations.Count; k++)
        {
            var d = Determinations[k];
            if (d.Kind != DeterminationKind.Deactivation || d.EffectiveDate is not { } effective)
            {
                continue;
            }

            var end = effective.PlusDays(-1);
            var cancel = Determinations.Skip(k + 1).FirstOrDefault(x => x.Kind == DeterminationKind.DeactivationCancelled);
            if (cancel is not null && cancel.Date < end)
            {
                end = cancel.Date;
            }

            foreach (var t in Transitions)
            {
                if (t.Cause is TransitionCause.CapReached or TransitionCause.Sunset && t.EffectiveDate > d.Date && t.EffectiveDate.PlusDays(-1) < end)
                {
                    end = t.EffectiveDate.PlusDays(-1);
                }
            }

            for (var date = d.Date.PlusDays(1); date <= end; date = date.PlusDays(1))
            {
                var i = Series.IndexOf(date);
                if (i >= 0)
                {
                    result[i] = effective;
                }
            }
        }

        return result;
    }

    public IEnumerable<TimelineDay> Days()
    {
        for (var i = 0; i < Series.Length; i++)
        {
            yield return Day(i);
        }
    }

    /// <summary>Counted values of the window ending on day <paramref name="endIndex"/> under version <paramref name="versionIndex"/>'s rule; null entries are missing days or days before the series.</summary>
    public IReadOnlyList<(LocalDate Date, int? Counted)> Window(int versionIndex, int endIndex)
    {
        var days = Policy.Versions[versionIndex].WindowDays;
        var list = new List<(LocalDate, int?)>();
        for (var j = endIndex - days + 1; j <= endIndex; j++)
        {
            var date = Series.Start.PlusDays(j);
            list.Add((date, j < 0 || j >= Series.Length || Series.IsMissing(j) ? null : Counts.Counted(versionIndex, j)));
        }

        return list;
    }
}
