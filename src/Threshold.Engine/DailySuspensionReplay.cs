using NodaTime;
using Threshold.Law;

namespace Threshold.Engine;

/// <summary>
/// The replay of <see cref="SuspensionReplay"/> fed one day at a time, for models whose counts depend on earlier
/// statuses (the scenario simulator). It runs the same kernel as the batch replay, so for the same counts it gives the
/// same statuses, determinations and transitions (tested against <see cref="SuspensionReplay.Run(CompiledPolicy, EncounterSeries)"/>). Days run from
/// <see cref="Start"/> (index 0) to index <see cref="Length"/> − 1 inclusive, each in two steps: <see cref="OpenDay"/>
/// gives the day's status, which under every rule depends only on earlier days' counts, then <see cref="CloseDay"/>
/// takes the day's counts and makes the day's determination. No day may be missing. Mutable and not thread-safe: one
/// instance per thread, reused with <see cref="Reset"/>; nothing is allocated per day.
/// </summary>
public sealed class DailySuspensionReplay
{
    private readonly SuspensionReplay.ThresholdRun? run;
    private readonly SuspensionTimeline? supplied;
    private readonly Transition[] suppliedTransitions = [];
    private readonly CountingRule[] rules;
    private readonly int[][] countedByRule;
    private readonly int[] dayRule;
    private readonly DayStatus[] statuses;
    private readonly int[] countedOnDay;
    private bool open;

    /// <summary>Prepares a replay of <paramref name="policy"/> over <paramref name="length"/> days from <paramref name="start"/>.</summary>
    public DailySuspensionReplay(CompiledPolicy policy, LocalDate start, int length)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        Policy = policy;
        Start = start;
        Length = length;
        rules = policy.Versions.Select(v => v.Counting).Distinct().ToArray();
        countedByRule = rules.Select(_ => new int[length]).ToArray();
        countedOnDay = new int[length];
        // The counting rule of each day is that of the version in force on it as a counting day.
        dayRule = new int[length];
        statuses = new DayStatus[length];
        for (var i = 0; i < length; i++)
        {
            dayRule[i] = Array.IndexOf(rules, policy.VersionOn(start.PlusDays(i)).Counting);
        }

        if (policy.Policy.Mechanism == MechanismKind.EncounterThreshold)
        {
            run = new SuspensionReplay.ThresholdRun(policy, start, length, rule => countedByRule[Array.IndexOf(rules, rule)], null);
        }
        else
        {
            // Dated determinations do not read the counts: the statuses are known before the first day.
            var zeros = EncounterColumns.All.ToDictionary(c => c, _ => new int[length]);
            supplied = SuspensionReplay.RunSupplied(policy, new EncounterSeries("supplied determinations", start, length, zeros, null, []));
            suppliedTransitions = supplied.Transitions.Where(t => !t.AfterSeriesEnd).ToArray();
        }
    }

    /// <summary>The policy replayed.</summary>
    public CompiledPolicy Policy { get; }

    /// <summary>Day index 0.</summary>
    public LocalDate Start { get; }

    /// <summary>Number of days (the last is index Length − 1).</summary>
    public int Length { get; }

    /// <summary>Index of the next day to open (0 after <see cref="Reset"/>; <see cref="Length"/> when all are closed).</summary>
    public int Day { get; private set; }

    /// <summary>
    /// Determinations made so far, in order. Dated determinations (secretary-determination policies) are known before
    /// the first day, so all of them are listed from the start.
    /// </summary>
    public IReadOnlyList<Determination> Determinations => run?.Determinations ?? supplied!.Determinations;

    /// <summary>
    /// Transitions that took effect so far, within the days (those pending past the last day only appear in
    /// <see cref="ToTimeline"/>). For dated determinations, all of them within the days, from the start.
    /// </summary>
    public IReadOnlyList<Transition> Transitions => run is not null ? run.Transitions : suppliedTransitions;

    /// <summary>Each closed day's count under the counting rule of the version in force that day (encounters).</summary>
    public ReadOnlySpan<int> CountedOnDay => countedOnDay.AsSpan(0, Day);

    /// <summary>The status of each opened day.</summary>
    public ReadOnlySpan<DayStatus> Statuses => statuses.AsSpan(0, open ? Day + 1 : Day);

    /// <summary>Starts again from the first day with the policy's initial state.</summary>
    public void Reset()
    {
        run?.Reset();
        Day = 0;
        open = false;
    }

    /// <summary>The status of day <see cref="Day"/>; call once, then <see cref="CloseDay"/> with that day's counts.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public DayStatus OpenDay()
    {
        var i = Day;
        if (open || i >= Length)
        {
            throw OutOfOrder(open ? "day already open: close it first" : "every day has been replayed");
        }

        open = true;
        return statuses[i] = run is not null ? run.OpenDay(i) : supplied!.StatusOn(i);
    }

    /// <summary>Gives the open day's counts (people; the columns of <see cref="EncounterColumn"/>) and makes its determination.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void CloseDay(int betweenPorts, int coastal, int portsOfEntry, int ucNoncontiguousBetweenPorts, int ucNoncontiguousPorts)
    {
        if (!open)
        {
            throw OutOfOrder("no day is open");
        }

        var i = Day;
        var own = dayRule[i];
        var counted = 0;
        for (var r = 0; r < rules.Length; r++)
        {
            var count = countedByRule[r][i] = rules[r].Count(betweenPorts, coastal, portsOfEntry, ucNoncontiguousBetweenPorts, ucNoncontiguousPorts);
            counted = r == own ? count : counted;
        }

        countedOnDay[i] = counted;
        run?.CloseDay(i);
        open = false;
        Day = i + 1;
    }

    /// <summary>The error for a day opened or closed out of turn, built out of line so the daily steps stay small enough to inline.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static InvalidOperationException OutOfOrder(string message) => new(message);

    /// <summary>
    /// The timeline once every day is closed, as <see cref="SuspensionReplay.Run(CompiledPolicy, EncounterSeries)"/> gives it; <paramref name="series"/>
    /// must hold the counts that were fed (it is what the timeline shows and explains).
    /// </summary>
    public SuspensionTimeline ToTimeline(EncounterSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (Day != Length || series.Length != Length || series.Start != Start)
        {
            throw new InvalidOperationException("the timeline needs every day closed and a series of the same days");
        }

        return run is not null ? run.Finish(series, (DayStatus[])statuses.Clone()) : SuspensionReplay.RunSupplied(Policy, series);
    }
}
