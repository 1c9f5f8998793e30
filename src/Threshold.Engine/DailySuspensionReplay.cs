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
    private readonly CountMask[] masks;
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
        masks = [.. rules.Select(r => r.Mask)];
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
        Record(i, new DayCounts(betweenPorts, coastal, portsOfEntry, ucNoncontiguousBetweenPorts, ucNoncontiguousPorts));
        run?.CloseDay(i);
        open = false;
        Day = i + 1;
    }

    /// <summary>
    /// Runs every remaining day (from <see cref="Day"/> to the last) through <paramref name="model"/>: each day's status
    /// goes to <see cref="IDailyCountModel.Day"/>, which answers with the day's counts. The same statuses,
    /// determinations and transitions as <see cref="OpenDay"/> and <see cref="CloseDay"/> day by day with the model's
    /// counts, on the batch replay's faster loop (between possible events the replay's state stays in registers).
    /// </summary>
    /// <remarks>An exception from the model leaves the replay part-way through its days: <see cref="Reset"/> it before reuse.</remarks>
    /// <exception cref="InvalidOperationException">A day is open.</exception>
    public void Run<TModel>(ref TModel model)
        where TModel : struct, IDailyCountModel
    {
        if (open)
        {
            throw OutOfOrder("a day is open: close it first");
        }

        var sink = new ModelSink<TModel>(this, ref model);
        if (run is not null)
        {
            run.RunDays(Day, Length, ref sink);
        }
        else
        {
            for (var i = Day; i < Length; i++)
            {
                sink.Day(i, supplied!.StatusOn(i));
            }
        }

        Day = Length;
    }

    /// <summary>Records day <paramref name="i"/>'s counts under every counting rule and under the day's own.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private void Record(int i, in DayCounts counts)
    {
        var own = dayRule[i];
        var counted = 0;
        var (b, c, p, ub, up) = (counts.BetweenPorts, counts.Coastal, counts.PortsOfEntry, counts.UcNoncontiguousBetweenPorts, counts.UcNoncontiguousPorts);
        for (var r = 0; r < masks.Length; r++)
        {
            var count = countedByRule[r][i] = masks[r].Count(b, c, p, ub, up);
            counted = r == own ? count : counted;
        }

        countedOnDay[i] = counted;
    }

    /// <summary>The engine's loop to a model: each day's status to the model, the model's counts recorded.</summary>
    private ref struct ModelSink<TModel>(DailySuspensionReplay replay, ref TModel model) : IDaySink
        where TModel : struct, IDailyCountModel
    {
        private ref TModel model = ref model;

        public void Day(int day, DayStatus status)
        {
            replay.statuses[day] = status;
            replay.Record(day, model.Day(day, status));
        }
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

/// <summary>One day's counts in the columns of <see cref="EncounterColumn"/> (people).</summary>
public readonly record struct DayCounts(int BetweenPorts, int Coastal, int PortsOfEntry, int UcNoncontiguousBetweenPorts, int UcNoncontiguousPorts);

/// <summary>
/// A model whose counts on a day may depend on that day's status and earlier ones (the scenario simulator), for
/// <see cref="DailySuspensionReplay.Run{TModel}"/>. A struct, so the replay's loop calls it directly.
/// </summary>
public interface IDailyCountModel
{
    /// <summary>
    /// Day <paramref name="day"/> (index from <see cref="DailySuspensionReplay.Start"/>) has <paramref name="status"/>,
    /// which depends only on earlier days' counts; returns the day's counts. Called once a day, in order.
    /// </summary>
    DayCounts Day(int day, DayStatus status);
}
