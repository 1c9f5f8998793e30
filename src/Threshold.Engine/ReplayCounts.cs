namespace Threshold.Engine;

/// <summary>
/// Counted values and rolling window sums of one series under each rule version of a policy, for display and
/// explanations (the replay kernel streams them instead). Versions with the same
/// counting rule and window share arrays. A window sum is −1 when the window is incomplete (before the series start)
/// and −2 when it touches a missing day, so validity costs no separate array.
/// </summary>
internal sealed class ReplayCounts
{
    private const long Incomplete = -1;
    private const long TouchesGap = -2;

    private readonly int[][] countedByVersion;
    private readonly long[][] sumByVersion;
    private readonly EncounterSeries series;
    private readonly Dictionary<(long[] Sums, long Level), int[]> streaks = new(new StreakKeyComparer());

    public ReplayCounts(CompiledPolicy policy, EncounterSeries series)
    {
        this.series = series;
        var n = series.Length;
        var versions = policy.Versions;
        countedByVersion = new int[versions.Count][];
        sumByVersion = new long[versions.Count][];
        var shared = new Dictionary<(CountingRule, int), (int[], long[])>();
        var missing = series.MissingFlags;
        for (var v = 0; v < versions.Count; v++)
        {
            // Versions that govern no day of the series are never read, and may need columns the series lacks.
            var from = v == 0 ? NodaTime.LocalDate.MinIsoValue : versions[v].From;
            var to = v + 1 < versions.Count ? versions[v + 1].From.PlusDays(-1) : NodaTime.LocalDate.MaxIsoValue;
            if (to < series.Start || from > series.End)
            {
                countedByVersion[v] = [];
                sumByVersion[v] = [];
                continue;
            }

            var key = (versions[v].Counting, versions[v].WindowDays);
            if (!shared.TryGetValue(key, out var arrays))
            {
                var counted = series.CountedFor(versions[v].Counting);
                arrays = (counted, RollingSums(counted, missing, versions[v].WindowDays));
                shared[key] = arrays;
            }

            (countedByVersion[v], sumByVersion[v]) = arrays;
        }
    }

    public int Counted(int version, int day) => countedByVersion[version][day];

    /// <summary>Window sum ending on <paramref name="day"/>, or a negative marker when invalid (also for days outside the series).</summary>
    public long Sum(int version, int day) => day >= 0 && day < series.Length ? sumByVersion[version][day] : Incomplete;

    /// <summary>Why the window ending on <paramref name="day"/> cannot be determined, or null if it can.</summary>
    public string? WhyInvalid(int version, int day)
    {
        var s = Sum(version, day);
        if (s >= 0)
        {
            return null;
        }

        if (day < 0 || s == Incomplete)
        {
            return "window incomplete: the series starts too late for the window this day's determination reads";
        }

        return "window touches a missing day: a missing day is never counted as zero";
    }

    /// <summary>
    /// Streak ending on each day: how many consecutive days up to and including it had a valid window sum below
    /// <paramref name="level"/>. Computed once per (sums, level) pair.
    /// </summary>
    public int[] Streak(int version, long level)
    {
        var sums = sumByVersion[version];
        if (!streaks.TryGetValue((sums, level), out var streak))
        {
            streak = new int[sums.Length];
            var run = 0;
            for (var i = 0; i < sums.Length; i++)
            {
                var s = sums[i];
                run = s >= 0 && s < level ? run + 1 : 0;
                streak[i] = run;
            }

            streaks[(sums, level)] = streak;
        }

        return streak;
    }

    private static long[] RollingSums(int[] counted, ReadOnlySpan<bool> missing, int window)
    {
        var n = counted.Length;
        var sums = new long[n];
        long sum = 0;
        var gapsInWindow = 0;
        var hasGaps = !missing.IsEmpty;
        for (var i = 0; i < n; i++)
        {
            sum += counted[i];
            if (hasGaps && missing[i])
            {
                gapsInWindow++;
            }

            if (i >= window)
            {
                sum -= counted[i - window];
                if (hasGaps && missing[i - window])
                {
                    gapsInWindow--;
                }
            }

            sums[i] = i < window - 1 ? Incomplete : gapsInWindow > 0 ? TouchesGap : sum;
        }

        return sums;
    }

    private sealed class StreakKeyComparer : IEqualityComparer<(long[] Sums, long Level)>
    {
        public bool Equals((long[] Sums, long Level) x, (long[] Sums, long Level) y) => ReferenceEquals(x.Sums, y.Sums) && x.Level == y.Level;

        public int GetHashCode((long[] Sums, long Level) obj) => HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj.Sums), obj.Level);
    }
}
