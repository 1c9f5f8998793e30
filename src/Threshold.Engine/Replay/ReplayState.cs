using NodaTime;
using Threshold.Engine.Predicates;

namespace Threshold.Engine;

/// <summary>
/// The day indices a replay's calendar fixes from the policy alone (days since the series start, so negative before
/// it): the in-force day, the first day replayed, the sunset, each rule version's first day and each cap year's first
/// day. Fixed for a replay, so a path of the simulator and every lane of a batch share one.
/// </summary>
internal readonly struct ReplayCalendar
{
    public ReplayCalendar(CompiledPolicy policy, RuleVersion initial, LocalDate start)
    {
        var versions = policy.Versions;
        InForce = Index(policy.InForce);
        First = Math.Max(0, InForce);
        VersionStarts = new int[versions.Count + 1];
        for (var v = 1; v < versions.Count; v++)
        {
            VersionStarts[v] = Index(versions[v].From);
        }

        VersionStarts[0] = int.MinValue;
        VersionStarts[versions.Count] = int.MaxValue;
        Sunset = initial.SunsetYears is { } years ? Index(policy.InForce.PlusYears(years)) : int.MaxValue;
        Caps = [.. initial.CapDays];
        CapYearStarts = new int[Caps.Length + 1];
        for (var y = 0; y <= Caps.Length; y++)
        {
            CapYearStarts[y] = Index(policy.InForce.PlusYears(y));
        }

        int Index(LocalDate date) => Period.DaysBetween(start, date);
    }

    /// <summary>The in-force day (negative when the series starts after it).</summary>
    public int InForce { get; }

    /// <summary>The first day replayed: the in-force day, or the series start if later.</summary>
    public int First { get; }

    /// <summary>The first expired day (in force + <c>sunset.years</c>), or int.MaxValue.</summary>
    public int Sunset { get; }

    /// <summary>First day of each rule version, with int.MinValue before the first and int.MaxValue after the last.</summary>
    public int[] VersionStarts { get; }

    /// <summary>First day of each cap year and of the year after the last (in force + 0, 1, … years).</summary>
    public int[] CapYearStarts { get; }

    /// <summary>Most active days in each cap year; empty when uncapped.</summary>
    public int[] Caps { get; }

    /// <summary>The index of the version in force on <paramref name="day"/> (as a determination date and counting day).</summary>
    public int VersionOn(int day)
    {
        var vi = 0;
        while (ThresholdPredicates.VersionSwitches(day, VersionStarts[vi + 1]))
        {
            vi++;
        }

        return vi;
    }

    /// <summary>The cap year of <paramref name="day"/>: the number of cap years begun after the first, at most the cap count.</summary>
    public int CapYearOn(int day)
    {
        var year = 0;
        while (year < Caps.Length && ThresholdPredicates.NewCapYear(day, CapYearStarts[year + 1]))
        {
            year++;
        }

        return year;
    }
}

/// <summary>
/// The rule version in force and the bounds the kernel reads every day, resolved once per version: its lag, the exact
/// activation sum, the integer bounds of the single-day and discretionary tests, the streak length, and the day the
/// next version begins.
/// </summary>
internal readonly struct VersionInForce
{
    public VersionInForce(int index, RuleVersion version, int nextStart)
    {
        Index = index;
        Version = version;
        Lag = version.LagDays;
        ActivateSum = version.ActivateSum;
        SingleDayBound = ThresholdPredicates.SingleDayBound(version.SingleDayThreshold);
        DiscretionarySum = version.DiscretionaryThreshold is not null && version.DiscretionaryExercised ? version.DiscretionarySum : long.MaxValue;
        StreakDays = version.StreakDays;
        NextStart = nextStart;
    }

    /// <summary>Index of the version in <see cref="CompiledPolicy.Versions"/>.</summary>
    public int Index { get; }

    public RuleVersion Version { get; }

    /// <summary><c>determination.lag_days</c>.</summary>
    public int Lag { get; }

    /// <summary>⌈<c>activate.threshold</c> × window days⌉.</summary>
    public long ActivateSum { get; }

    /// <summary>⌈<c>activate.single_day_threshold</c>⌉, or long.MaxValue.</summary>
    public long SingleDayBound { get; }

    /// <summary>⌈<c>activate.discretionary_threshold</c> × window days⌉ when discretion is exercised, else long.MaxValue.</summary>
    public long DiscretionarySum { get; }

    /// <summary><c>deactivate.streak_days</c>.</summary>
    public int StreakDays { get; }

    /// <summary>First day of the next version, or int.MaxValue.</summary>
    public int NextStart { get; }
}

/// <summary>An effect determined on day <see cref="DeterminedOn"/> and pending until 12:01 a.m. Eastern on <see cref="Day"/>.</summary>
internal readonly record struct PendingEffect(int Day, int DeterminedOn)
{
    /// <summary>Nothing pending.</summary>
    public static PendingEffect None => new(ThresholdPredicates.None, 0);

    public bool IsPending => Day >= 0;
}

/// <summary>
/// The suspension's own state: today's status, whether the authority has expired, the discontinuation and the activation
/// pending (each at most one), and the threshold that last activated (a relative deactivation level follows it).
/// </summary>
internal struct SuspensionState
{
    public DayStatus Status;
    public bool Expired;
    public PendingEffect Deactivation;
    public PendingEffect Activation;
    public decimal ActivatedAt;

    /// <summary>The state before the first day: <c>initial.active</c>, nothing pending, activated at <c>activate.threshold</c>.</summary>
    public static SuspensionState Initial(RuleVersion initial) => new()
    {
        Status = initial.InitialActive ? DayStatus.Active : DayStatus.Inactive,
        Expired = false,
        Deactivation = PendingEffect.None,
        Activation = PendingEffect.None,
        ActivatedAt = initial.ActivateThreshold,
    };
}

/// <summary>The cap year reached (0 for the first) and the days the suspension has applied in it.</summary>
internal struct CapYearState
{
    public int Year;
    public int ActiveDays;
}

/// <summary>
/// Quiet days: before <see cref="Until"/> nothing changes but the cap count, by <see cref="CapCount"/> a day, so a day's
/// status is the state's (the kernel's fast path for opening a day).
/// </summary>
internal struct QuietDays
{
    public int Until;
    public int CapCount;
}

/// <summary>
/// The deciding window: the window read by the latest determination, ending on day <see cref="End"/>, with its sum, its
/// missing days and the deactivation streak ending there, under the counting rule, window length and deactivation level
/// of the version in force. <see cref="Stale"/> until rebuilt after a version change.
/// </summary>
internal struct DecidingWindow
{
    /// <summary>Each day's count under the counting rule in force; read only up to <see cref="End"/>.</summary>
    public int[] Counted;

    /// <summary><c>average.window_days</c>.</summary>
    public int Days;

    public int End;

    public long Sum;

    /// <summary>Missing days in the window.</summary>
    public int Gaps;

    /// <summary>⌈deactivation level × window days⌉.</summary>
    public long LevelSum;

    /// <summary>Consecutive days, ending on <see cref="End"/>, whose windows were readable and below the level.</summary>
    public int Streak;

    public bool Stale;

    /// <summary>
    /// The window ending on <paramref name="end"/> built from scratch, and its streak looked back no further than
    /// <paramref name="streakDays"/> (more never matters).
    /// </summary>
    public static DecidingWindow Build(int[] counted, bool[]? missing, int length, int end, int days, long levelSum, int streakDays)
    {
        long total = 0;
        var missingDays = 0;
        for (var k = Math.Max(0, end - days + 1); k <= end && k < counted.Length; k++)
        {
            total += counted[k];
            missingDays += IsMissing(missing, length, k) ? 1 : 0;
        }

        var run = 0;
        var (s, g) = (total, missingDays);
        for (var k = end; ThresholdPredicates.WindowComplete(k, days) && run < streakDays; k--)
        {
            if (k != end)
            {
                // Slide the window back one day: add the day entering on the left, drop day k+1.
                s += counted[k - days + 1] - counted[k + 1];
                g += (IsMissing(missing, length, k - days + 1) ? 1 : 0) - (IsMissing(missing, length, k + 1) ? 1 : 0);
            }

            if (g != 0 || !ThresholdPredicates.BelowDeactivationLevel(s, levelSum))
            {
                break;
            }

            run++;
        }

        return new DecidingWindow { Counted = counted, Days = days, End = end, Sum = total, Gaps = missingDays, LevelSum = levelSum, Streak = run };
    }

    /// <summary>
    /// Slides the window one day on and extends or breaks the streak. Unchecked: counts are at most 10^7 a day and
    /// windows at most 366 days, so a long sum cannot overflow.
    /// </summary>
    public void Slide(bool[]? missing)
    {
        unchecked
        {
            var end = ++End;
            if (end >= 0)
            {
                Sum += Counted[end];
                var leaving = end - Days;
                if (leaving >= 0)
                {
                    Sum -= Counted[leaving];
                }

                if (missing is not null)
                {
                    Gaps += (missing[end] ? 1 : 0) - (leaving >= 0 && missing[leaving] ? 1 : 0);
                }
            }

            Streak = ThresholdPredicates.NextStreak(Streak, ThresholdPredicates.WindowReadable(end, Days, Gaps) && ThresholdPredicates.BelowDeactivationLevel(Sum, LevelSum));
        }
    }

    /// <summary>Readable (<see cref="ThresholdPredicates.WindowReadable"/>): complete and with no missing day.</summary>
    public readonly bool Readable => ThresholdPredicates.WindowReadable(End, Days, Gaps);

    private static bool IsMissing(bool[]? missing, int length, int k) => missing is not null && k >= 0 && k < length && missing[k];
}

/// <summary>What a fast segment may determine: a discontinuation (streak test), an activation or a cancellation (the activation tests), or nothing.</summary>
internal enum FastMode : byte
{
    /// <summary>Active with nothing pending: <see cref="ThresholdPredicates.StreakReached(int, int)"/> decides.</summary>
    Deactivation,

    /// <summary>Inactive with nothing pending, or a cancellable wind-down: <see cref="ThresholdPredicates.MayActivate(long, int, long, long, long)"/> decides.</summary>
    Activation,

    /// <summary>Nothing can be determined: the window only slides.</summary>
    SlideOnly,
}

/// <summary>
/// A run of quiet days after day <see cref="From"/> closed, up to <see cref="Limit"/> (exclusive): the status holds and
/// only the window slides, so a fast loop carries just the window's end, sum and streak (and hands them back).
/// </summary>
internal struct FastSegment
{
    /// <summary>The day closed before the segment.</summary>
    public int From;

    /// <summary>The first day on which more than the window can change (the segment ends before it).</summary>
    public int Limit;

    public FastMode Mode;

    /// <summary>The status of every day of the segment.</summary>
    public DayStatus Status;

    /// <summary>Active under a capped year: each day run counts against the cap.</summary>
    public bool ActiveCapped;

    public int End;

    public long Sum;

    public long LevelSum;

    public int Streak;

    /// <summary>The version's <c>average.window_days</c>, <c>deactivate.streak_days</c> and activation bounds (<see cref="VersionInForce"/>).</summary>
    public int WindowDays;

    public int StreakDays;

    public long ActivateSum;

    public long SingleDayBound;

    public long DiscretionarySum;
}
