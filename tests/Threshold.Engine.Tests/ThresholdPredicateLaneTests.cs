using System.Runtime.Intrinsics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Threshold.Engine.Predicates;
using Threshold.Law;
using Threshold.TestSupport;

namespace Threshold.Engine.Tests;

/// <summary>
/// The lane kernel (<see cref="LaneSuspensionReplay"/>) against the scalar one: the lane forms of the predicates equal
/// the scalar predicates lane by lane, and a lane run gives every path exactly the statuses, counts, determinations (words
/// and citations) and transitions that <see cref="DailySuspensionReplay"/> gives it alone, day by day, for every built-in
/// policy (Proclamation 10888 included), with court orders, rule-version switches, lags 0 to 30 and random series, at
/// every lane width.
/// </summary>
public sealed class ThresholdPredicateLaneTests
{
    private static readonly long[] Edges = [long.MinValue + 1, -1, 0, 1, 6, 7, 27, 28, 10_499, 10_500, 10_501, 17_499, 17_500, 17_501, 35_000, int.MaxValue, long.MaxValue - 1, long.MaxValue];

    private static Gen<long> Values() => Gen.OneOf(Gen.Elements(Edges), Gen.Choose(-5, 40_000).Select(v => (long)v));

    /// <summary>Lane l of a vector of all ones (true) or zero (false).</summary>
    private static bool Lane(Vector256<long> v, int l) => v[l] switch { -1 => true, 0 => false, var x => throw new InvalidOperationException($"lane {l} is {x}, not a mask") };

    private static bool Lane(Vector512<long> v, int l) => v[l] switch { -1 => true, 0 => false, var x => throw new InvalidOperationException($"lane {l} is {x}, not a mask") };

    [Property(MaxTest = 400)]
    public Property LanePredicates_EqualTheScalarPredicatesLaneByLane() => Prop.ForAll(
        Values().ArrayOf(8 * 6).ToArbitrary(),
        raw =>
        {
            var a = Vector512.Create(raw.AsSpan(0, 8));
            var b = Vector512.Create(raw.AsSpan(8, 8));
            var c = Vector512.Create(raw.AsSpan(16, 8));
            var d = Vector512.Create(raw.AsSpan(24, 8));
            var e = Vector512.Create(raw.AsSpan(32, 8));
            // A streak and a day's count are ints in the kernels; streaks are never negative.
            var streak = Vector512.Create(raw.AsSpan(40, 8).ToArray().Select(x => (long)(int)Math.Clamp(x, 0, int.MaxValue - 1)).ToArray());
            var day = Vector512.Create(raw.AsSpan(40, 8).ToArray().Select(x => (long)(int)Math.Clamp(x, int.MinValue, int.MaxValue)).ToArray());
            var below = ThresholdPredicates.BelowDeactivationLevel(a, b);
            var next = ThresholdPredicates.NextStreak(streak, below);
            var reached = ThresholdPredicates.StreakReached(streak, Vector512.Create(raw.AsSpan(8, 8).ToArray().Select(x => (long)(int)Math.Clamp(x, 1, 3660)).ToArray()));
            var may = ThresholdPredicates.MayActivate(a, day, c, d, e);
            for (var l = 0; l < 8; l++)
            {
                Assert.Equal(ThresholdPredicates.BelowDeactivationLevel(a[l], b[l]), Lane(below, l));
                Assert.Equal(ThresholdPredicates.NextStreak((int)streak[l], ThresholdPredicates.BelowDeactivationLevel(a[l], b[l])), next[l]);
                Assert.Equal(ThresholdPredicates.StreakReached((int)streak[l], (int)Math.Clamp(raw[8 + l], 1, 3660)), Lane(reached, l));
                Assert.Equal(ThresholdPredicates.MayActivate(a[l], (int)day[l], c[l], d[l], e[l]), Lane(may, l));
            }

            // The 256-bit forms on the lower half.
            var below4 = ThresholdPredicates.BelowDeactivationLevel(a.GetLower(), b.GetLower());
            var next4 = ThresholdPredicates.NextStreak(streak.GetLower(), below4);
            var may4 = ThresholdPredicates.MayActivate(a.GetLower(), day.GetLower(), c.GetLower(), d.GetLower(), e.GetLower());
            var reached4 = ThresholdPredicates.StreakReached(streak.GetLower(), Vector256.Create(raw.AsSpan(8, 4).ToArray().Select(x => (long)(int)Math.Clamp(x, 1, 3660)).ToArray()));
            for (var l = 0; l < 4; l++)
            {
                Assert.Equal(Lane(below, l), Lane(below4, l));
                Assert.Equal(next[l], next4[l]);
                Assert.Equal(Lane(may, l), Lane(may4, l));
                Assert.Equal(Lane(reached, l), Lane(reached4, l));
            }
        });

    /// <summary>Every built-in policy, with court orders, version switches, a sunset, caps, lags from 0 to 30 and Proclamation 10888's dated determinations.</summary>
    internal static IEnumerable<CompiledPolicy> Policies(int lag)
    {
        yield return CompiledPolicy.Compile(BuiltInPolicies.Get("proclamation-10773"), new ReplayOptions { DeterminationLagDays = lag });
        yield return CompiledPolicy.Compile(BuiltInPolicies.Get("proclamation-10773"), new ReplayOptions { CourtOrders = [new CourtOrderInput("streak-enjoined", new LocalDate(2024, 11, 1))], DeterminationLagDays = lag });
        yield return CompiledPolicy.Compile(BuiltInPolicies.Get("senate-border-act-2024"), new ReplayOptions { InForce = new LocalDate(2024, 5, 10), DeterminationLagDays = lag });
        yield return CompiledPolicy.Compile(BuiltInPolicies.Get("senate-border-act-2024"), new ReplayOptions { InForce = new LocalDate(2023, 3, 1), Overrides = [new ParameterOverride("activate.discretionary_exercised", "false")] });
        yield return CompiledPolicy.Compile(BuiltInPolicies.Get("hr2-2023"), new ReplayOptions
        {
            InForce = new LocalDate(2024, 5, 1),
            Determinations = [new SecretaryDeterminationInput(new LocalDate(2024, 6, 3), true), new SecretaryDeterminationInput(new LocalDate(2024, 9, 1), false)],
        });
        yield return CompiledPolicy.Compile(BuiltInPolicies.Get("proclamation-10888"), new ReplayOptions { InForce = ReplayPropertyTests.Start.PlusDays(9) });
    }

    /// <summary>
    /// A path's counts reacting to its own statuses as the simulator's do: crossings fall by a share while the suspension
    /// applied <c>lag</c> days earlier (today when 0).
    /// </summary>
    private static DayCounts React(int[] baseCounts, List<DayStatus> given, int day, int lag, int divisor)
    {
        var b = day >= lag && given[day - lag] == DayStatus.Active ? baseCounts[day] / divisor : baseCounts[day];
        return new DayCounts(b, b / 50, b / 3, b / 10, b / 40);
    }

    private sealed class ScalarModel(int[] baseCounts, int lag, int divisor) : IDailyCountModel
    {
        public List<DayStatus> Given { get; } = [];

        public DayCounts Day(int day, DayStatus status)
        {
            Given.Add(status);
            return React(baseCounts, Given, day, lag, divisor);
        }
    }

    private struct ModelRef(ScalarModel model) : IDailyCountModel
    {
        public readonly DayCounts Day(int day, DayStatus status) => model.Day(day, status);
    }

    /// <summary>
    /// Runs the paths (<paramref name="bases"/>, each with its own reaction) through one lane replay at
    /// <paramref name="width"/> and each alone through <see cref="DailySuspensionReplay.Run{TModel}"/>, and compares
    /// them day by day and path by path.
    /// </summary>
    private static void AssertLanesEqualScalar(CompiledPolicy policy, int[][] bases, int reactionLag, int? width)
    {
        var length = bases.Min(b => b.Length);
        var lanes = new LaneSuspensionReplay(policy, ReplayPropertyTests.Start, length, LaneSuspensionReplay.MaxLanes, width);
        for (var pass = 0; pass < 2; pass++)
        {
            // The second pass proves Reset leaves nothing behind (and runs fewer lanes than the first).
            var paths = pass == 0 ? bases.Length : Math.Max(1, bases.Length - 3);
            lanes.Reset(paths);
            var given = Enumerable.Range(0, paths).Select(_ => new List<DayStatus>()).ToArray();
            var status = new DayStatus[paths];
            var cols = Enumerable.Range(0, 5).Select(_ => new int[paths]).ToArray();
            for (var day = 0; day < length; day++)
            {
                lanes.OpenDay(status);
                for (var l = 0; l < paths; l++)
                {
                    given[l].Add(status[l]);
                    var c = React(bases[l], given[l], day, reactionLag, 2 + (l % 3));
                    (cols[0][l], cols[1][l], cols[2][l], cols[3][l], cols[4][l]) = (c.BetweenPorts, c.Coastal, c.PortsOfEntry, c.UcNoncontiguousBetweenPorts, c.UcNoncontiguousPorts);
                }

                lanes.CloseDay(cols[0], cols[1], cols[2], cols[3], cols[4]);
            }

            for (var l = 0; l < paths; l++)
            {
                var scalar = new DailySuspensionReplay(policy, ReplayPropertyTests.Start, length);
                var model = new ScalarModel(bases[l][..length], reactionLag, 2 + (l % 3));
                var step = new ModelRef(model);
                scalar.Run(ref step);
                Assert.Equal(scalar.Statuses.ToArray(), Enumerable.Range(0, length).Select(i => lanes.StatusOn(i, l)).ToArray());
                Assert.Equal(scalar.CountedOnDay.ToArray(), Enumerable.Range(0, length).Select(i => lanes.CountedOnDay(i, l)).ToArray());
                Assert.Equal(scalar.Determinations.Select(Describe), lanes.Determinations(l).Select(Describe));
                Assert.Equal(scalar.Transitions.Select(Describe), lanes.Transitions(l).Select(Describe));
                if (l == 0 && pass == 1 && policy.Policy.Mechanism == MechanismKind.EncounterThreshold)
                {
                    // Most lane-days of a threshold policy run across lanes, not through each lane's kernel.
                    Assert.True(lanes.QuietLaneDays > 0, "no lane-day ran across lanes");
                }

                if (l == 0)
                {
                    var series = Series(given[0], bases[0][..length], reactionLag, 2);
                    DailyReplayTests.AssertSame(SuspensionReplay.Run(policy, series), lanes.ToTimeline(0, series));
                }
            }
        }
    }

    /// <summary>The counts lane 0 was fed, as a series (for its whole timeline).</summary>
    private static EncounterSeries Series(List<DayStatus> given, int[] baseCounts, int lag, int divisor)
    {
        var n = baseCounts.Length;
        var days = Enumerable.Range(0, n).Select(d => React(baseCounts, given, d, lag, divisor)).ToArray();
        return new EncounterSeries("lane 0", ReplayPropertyTests.Start, n, new Dictionary<EncounterColumn, int[]>
        {
            [EncounterColumn.BetweenPorts] = [.. days.Select(d => d.BetweenPorts)],
            [EncounterColumn.Coastal] = [.. days.Select(d => d.Coastal)],
            [EncounterColumn.PortsOfEntry] = [.. days.Select(d => d.PortsOfEntry)],
            [EncounterColumn.UcNoncontiguousBetweenPorts] = [.. days.Select(d => d.UcNoncontiguousBetweenPorts)],
            [EncounterColumn.UcNoncontiguousPorts] = [.. days.Select(d => d.UcNoncontiguousPorts)],
        }, null, []);
    }

    [Property(MaxTest = 40)]
    public Property LaneRun_RandomSeriesAndLags_SameAsEachPathAloneForEveryPolicyAndWidth() => Prop.ForAll(
        ReplayPropertyTests.Series().Generator.Where(s => s.Length >= 300).ArrayOf(11).ToArbitrary(),
        Gen.Elements(0, 1, 2, 7, 14, 30).ToArbitrary(),
        Gen.Choose(0, 30).ToArbitrary(),
        (bases, reactionLag, lag) =>
        {
            foreach (var policy in Policies(lag))
            {
                foreach (var width in LaneWidths.Accelerated())
                {
                    AssertLanesEqualScalar(policy, bases, reactionLag, width);
                }
            }
        });

    [Fact]
    public void LaneRun_RepositorySeriesInEveryLane_SameAsTheBatchReplay()
    {
        var series = EncounterCsvReader.ReadFile(Path.Combine(DailyReplayTests.RepositoryRoot(), "data", "modeled", "daily_encounters_2024-01-01_2025-01-19.modeled.csv"));
        var between = series.Column(EncounterColumn.BetweenPorts).ToArray();
        // Each lane the real series scaled differently, so lanes decide on different days.
        var bases = Enumerable.Range(0, 23).Select(l => between.Select(v => (int)(v * (0.6 + (l * 0.05)))).ToArray()).ToArray();
        foreach (var policy in Policies(1))
        {
            foreach (var width in LaneWidths.Accelerated())
            {
                AssertLanesEqualScalar(policy, bases, 7, width);
            }
        }
    }

    [Fact]
    public void LaneRun_DaysOutOfTurn_AreRefused()
    {
        var lanes = new LaneSuspensionReplay(CompiledPolicy.Compile(BuiltInPolicies.Get("proclamation-10773")), ReplayPropertyTests.Start, 10, 4);
        var status = new DayStatus[4];
        var zeros = new int[4];
        Assert.Throws<InvalidOperationException>(() => lanes.CloseDay(zeros, zeros, zeros, zeros, zeros));
        lanes.OpenDay(status);
        Assert.Throws<InvalidOperationException>(() => lanes.OpenDay(status));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LaneSuspensionReplay(CompiledPolicy.Compile(BuiltInPolicies.Get("proclamation-10773")), ReplayPropertyTests.Start, 10, 65));
    }

    private static string Describe(Determination d) =>
        $"{d.Date} {d.Kind} {d.Trigger} {d.WindowStart}..{d.WindowEnd} {d.WindowSum}/{d.WindowDays} {d.SingleDayCount} {d.ThresholdPerDay} {d.StreakDays} {d.StreakStart} {d.EffectiveDate} v{d.VersionIndex} {d.Rule} [{string.Join("; ", d.Citations.Select(c => c.Text))}]";

    private static string Describe(Transition t) =>
        $"{t.EffectiveDate} {t.ToActive} {t.Cause} {t.DeterminationDate} {t.AfterSeriesEnd} {t.Citation.Text}";
}
