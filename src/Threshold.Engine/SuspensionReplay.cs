using System.Globalization;
using NodaTime;
using Threshold.Law;

namespace Threshold.Engine;

/// <summary>
/// Replays a daily series through a compiled policy. The contract:
/// <list type="bullet">
/// <item>A determination made on day D reads the window ending on D − lag (default lag 1: a day's data is complete the next day).</item>
/// <item>Deactivation (10773 §2(a) discontinuation) takes effect at 12:01 a.m. Eastern on D + 14; activation (§2(b)) on D + 1.</item>
/// <item>While a deactivation is pending (days D+1 … D+13), a reading at the activation level cancels it where the policy says so (§2(b)).</item>
/// <item>The rule version used is the one in force on the determination date D; a day's own count uses that day's version.</item>
/// <item>The engine proposes only determinations that would change something; it never proposes one whose window is incomplete or touches a missing day.</item>
/// </list>
/// </summary>
public static partial class SuspensionReplay
{
    /// <summary>Replays <paramref name="series"/>; throws <see cref="InputFileException"/> if it lacks a column the policy needs.</summary>
    public static SuspensionTimeline Run(CompiledPolicy policy, EncounterSeries series) => Run(policy, series, fastPath: true);

    /// <summary>
    /// The <paramref name="kind"/> timeline of <paramref name="series"/>: proposed from the data (as <see cref="Run(CompiledPolicy, EncounterSeries)"/>),
    /// or official, following only the policy's shipped record and the determinations in <paramref name="recorded"/>.
    /// Throws <see cref="ReplayRequestException"/> for an official timeline of a policy with no record, or with a what-if.
    /// </summary>
    public static SuspensionTimeline Run(CompiledPolicy policy, EncounterSeries series, TimelineKind kind, IReadOnlyList<OfficialDetermination>? recorded = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return kind == TimelineKind.Official
            ? OfficialReplay.Run(policy, series, OfficialBasis.For(policy.Policy, recorded))
            : Run(policy, series);
    }

    /// <summary>As <see cref="Run(CompiledPolicy, EncounterSeries)"/>; <paramref name="fastPath"/> false forces the day-by-day path (tests prove both agree).</summary>
    internal static SuspensionTimeline Run(CompiledPolicy policy, EncounterSeries series, bool fastPath)
    {
        RequireColumns(policy, series);
        return policy.Policy.Mechanism == MechanismKind.EncounterThreshold
            ? new ThresholdRun(policy, series.Start, series.Length, series.CountedFor, series.MissingArray).Execute(series, fastPath)
            : RunSupplied(policy, series);
    }

    public static void RequireColumns(CompiledPolicy policy, EncounterSeries series)
    {
        foreach (var (column, version) in policy.RequiredColumns(series.Start, series.End))
        {
            if (!series.Has(column))
            {
                var why = column is EncounterColumn.UcNoncontiguousBetweenPorts or EncounterColumn.UcNoncontiguousPorts
                    ? version.Values["counting.exclude_noncontiguous_uc"].Citation.Text
                    : version.Counting.Formula;
                throw new InputFileException(series.SourceName, series.HeaderLine, $"column '{column.HeaderName()}' is needed by {policy.Policy.Id} for days from {version.From:yyyy-MM-dd} (count = {version.Counting.Formula}; {why}) but the file lacks it");
            }
        }
    }

    /// <summary>Words and citations of the determinations a user supplied (secretary-determination policies).</summary>
    private sealed class SuppliedText(Citation authority, Citation effectiveDays) : IEventText
    {
        public IReadOnlyList<Citation> Citations(Determination determination) => [authority, effectiveDays];

        public string Rule(Determination d) =>
            $"Supplied determination: suspension {(d.Kind == DeterminationKind.Activation ? "necessary" : "not necessary")} to achieve operational control; effective 12:01 a.m. Eastern on {d.EffectiveDate:yyyy-MM-dd}";
    }

    internal static string Format(decimal value) => decimal.Round(value, 2).ToString("#,0.##", CultureInfo.InvariantCulture);

    internal static SuspensionTimeline RunSupplied(CompiledPolicy policy, EncounterSeries series) =>
        RunSupplied(policy, series, policy.SecretaryDeterminations, null, null);

    /// <summary>
    /// The replay of a supplied-determination policy from <paramref name="inputs"/> (in date order): the user's what-ifs,
    /// or with <paramref name="official"/> the determinations actually made, each worded by <paramref name="textOf"/>.
    /// </summary>
    internal static SuspensionTimeline RunSupplied(CompiledPolicy policy, EncounterSeries series, IReadOnlyList<SecretaryDeterminationInput> inputs, Func<int, IEventText>? textOf, OfficialBasis? official)
    {
        var n = series.Length;
        var start = series.Start;
        var status = new DayStatus[n];
        var version = policy.VersionOn(policy.InForce);
        var defaultActive = version.Values["determination.default_active"];
        var effectiveDays = version.Values["determination.effective_days"];
        var lag = (int)effectiveDays.Value.Number;
        var authority = version.Values["determination.authority"].Citation;
        var text = new SuppliedText(authority, effectiveDays.Citation);
        var determinations = new List<Determination>();
        var transitions = new List<Transition>();
        string? caveat = null;
        var effectiveByIndex = new Dictionary<int, SecretaryDeterminationInput>();
        var trigger = official is null ? DeterminationTrigger.Supplied : DeterminationTrigger.Official;
        for (var k = 0; k < inputs.Count; k++)
        {
            var d = inputs[k];
            if (d.Date < policy.InForce)
            {
                throw new ReplayRequestException(new WhatIfProblem(WhatIfOption.Determination, $"{d.Date:yyyy-MM-dd}", $"made before the in-force date {policy.InForce:yyyy-MM-dd}"));
            }

            var effective = d.Date.PlusDays(lag);
            var vi = policy.VersionIndexOn(d.Date);
            determinations.Add(new Determination(
                d.Date, 0, d.Active ? DeterminationKind.Activation : DeterminationKind.Deactivation, trigger, 0, 0, 0, null, 0, 0, int.MinValue, lag, vi, null, textOf?.Invoke(k) ?? text));
            effectiveByIndex[Period.Between(start, effective, PeriodUnits.Days).Days] = d;
        }

        var inForceIndex = Period.Between(start, policy.InForce, PeriodUnits.Days).Days;
        var active = defaultActive.Value.Flag;
        if (inForceIndex < 0)
        {
            caveat = $"The series starts after the in-force date {policy.InForce:yyyy-MM-dd}; determinations before the series start are taken into account.";
            foreach (var d in inputs.Where(d => d.Date.PlusDays(lag) <= start))
            {
                active = d.Active;
            }
        }

        for (var i = 0; i < n; i++)
        {
            if (i < inForceIndex)
            {
                status[i] = DayStatus.NotInForce;
                continue;
            }

            var date = start.PlusDays(i);
            if (i == inForceIndex && active)
            {
                transitions.Add(new Transition(date, 0, true, TransitionCause.InForce, int.MinValue, defaultActive.Citation, null, null, false));
            }

            if (effectiveByIndex.TryGetValue(i, out var det) && det.Active != active)
            {
                active = det.Active;
                transitions.Add(new Transition(det.Date, Period.DaysBetween(det.Date, date), active, TransitionCause.Determination, 0, effectiveDays.Citation, null, null, false));
            }

            status[i] = active ? DayStatus.Active : DayStatus.Inactive;
        }

        foreach (var d in inputs.Where(d => d.Date.PlusDays(lag) > series.End))
        {
            var effective = d.Date.PlusDays(lag);
            transitions.Add(new Transition(d.Date, Period.DaysBetween(d.Date, effective), d.Active, TransitionCause.Determination, 0, effectiveDays.Citation, null, null, true));
        }

        return new SuspensionTimeline(policy, series, status, determinations, transitions, caveat, official);
    }
}

/// <summary>Receives each day of a replay's loop with its status (internal to the engine's loops).</summary>
internal interface IDaySink
{
    /// <summary>Day <paramref name="day"/> has <paramref name="status"/>; for a model, its count must be recorded now.</summary>
    void Day(int day, DayStatus status);
}

/// <summary>The batch replay's sink: the statuses into an array.</summary>
internal readonly struct StatusSink(DayStatus[] statuses) : IDaySink
{
    public void Day(int day, DayStatus status) => statuses[day] = status;
}
