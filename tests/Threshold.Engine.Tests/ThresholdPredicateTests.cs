using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Threshold.Engine.Predicates;
using Threshold.Law;
using static Threshold.Engine.Predicates.ThresholdPredicates;

namespace Threshold.Engine.Tests;

/// <summary>
/// Each named predicate of the replay kernel at its boundaries (docs/engine.md lists them with their citations), the
/// levels the shipped policies resolve to, and the deciding window: built from scratch it equals the window slid day by
/// day, sum and streak alike.
/// </summary>
public sealed class ThresholdPredicateTests
{
    [Fact]
    public void InForce_FromTheInForceDayOn()
    {
        Assert.False(InForce(41, 42));
        Assert.True(InForce(42, 42));
        Assert.True(InForce(0, -5));
    }

    [Fact]
    public void Sunset_OnTheSunsetDayAndAfter_NeverWithoutOne()
    {
        Assert.False(SunsetReached(1094, 1095));
        Assert.True(SunsetReached(1095, 1095));
        Assert.False(SunsetReached(int.MaxValue - 1, int.MaxValue));
    }

    [Fact]
    public void VersionSwitch_OnTheNextVersionsFirstDay()
    {
        Assert.False(VersionSwitches(117, 118));
        Assert.True(VersionSwitches(118, 118));
    }

    [Fact]
    public void WindowEnd_IsTheDeterminationDayLessTheLag()
    {
        Assert.Equal(9, WindowEndFor(10, 1));
        Assert.Equal(10, WindowEndFor(10, 0));
        Assert.Equal(-20, WindowEndFor(10, 30));
    }

    [Fact]
    public void WindowComplete_OnceItsFirstDayIsInTheSeries()
    {
        // A 7-day window ending on day 6 covers days 0..6.
        Assert.False(WindowComplete(5, 7));
        Assert.True(WindowComplete(6, 7));
        Assert.False(WindowComplete(-1, 1));
        Assert.True(WindowComplete(0, 1));
    }

    [Fact]
    public void WindowReadable_CompleteAndWithoutAMissingDay()
    {
        Assert.True(WindowReadable(6, 7, 0));
        Assert.False(WindowReadable(6, 7, 1));
        Assert.False(WindowReadable(5, 7, 0));
    }

    [Fact]
    public void BelowTheDeactivationLevel_IsStrict()
    {
        // 10773 §2(a): "fallen below 1,500": a sum of exactly 7 × 1,500 is not below.
        Assert.True(BelowDeactivationLevel(10_499, 10_500));
        Assert.False(BelowDeactivationLevel(10_500, 10_500));
    }

    [Fact]
    public void Streak_GrowsWhileBelow_BreaksOtherwise_AndIsReachedAtItsLength()
    {
        var streak = 0;
        for (var day = 0; day < 27; day++)
        {
            streak = NextStreak(streak, true);
        }

        Assert.False(StreakReached(streak, 28));
        streak = NextStreak(streak, true);
        Assert.True(StreakReached(streak, 28));
        Assert.Equal(0, NextStreak(streak, false));
        Assert.True(StreakReached(NextStreak(0, true), 1));
    }

    [Fact]
    public void AtOrAboveTheActivationLevel_IncludesTheLevel()
    {
        // 10773 §2(b): "2,500 or more".
        Assert.True(AtOrAboveActivationLevel(17_500, 17_500));
        Assert.False(AtOrAboveActivationLevel(17_499, 17_500));
    }

    [Fact]
    public void SingleDay_AndItsIntegerBound_AgreeForEveryCount()
    {
        foreach (var threshold in new[] { 8500m, 8500.5m, 0.25m })
        {
            var bound = SingleDayBound(threshold);
            for (var count = (int)bound - 2; count <= bound + 2; count++)
            {
                Assert.Equal(SingleDayAtOrAbove(count, threshold), count >= bound);
            }
        }

        Assert.Equal(long.MaxValue, SingleDayBound(null));
    }

    [Fact]
    public void Discretionary_OnlyWhenExercised()
    {
        Assert.True(DiscretionaryAtOrAbove(28_000, 28_000, true));
        Assert.False(DiscretionaryAtOrAbove(28_000, 28_000, false));
        Assert.False(DiscretionaryAtOrAbove(27_999, 28_000, true));
    }

    [Property(MaxTest = 300)]
    public Property MayActivate_IsExactlyTheDisjunctionOfTheThreeTests() => Prop.ForAll(
        Gen.Choose(0, 60_000).ToArbitrary(), Gen.Choose(0, 12_000).ToArbitrary(), Gen.Elements(true, false).ToArbitrary(), (sum, day, exercised) =>
        {
            // The Senate authority's levels: 5,000 average, 8,500 in a day, 4,000 average at discretion.
            var exact = AtOrAboveActivationLevel(sum, 35_000) || SingleDayAtOrAbove(day, 8500m) || DiscretionaryAtOrAbove(sum, 28_000, exercised);
            return MayActivate(sum, day, 35_000, SingleDayBound(8500m), exercised ? 28_000 : long.MaxValue) == exact;
        });

    [Fact]
    public void DeterminationsOpen_ByStatusAndWhatIsPending()
    {
        Assert.True(DeactivationOpen(true, None));
        Assert.False(DeactivationOpen(true, 30));
        Assert.False(DeactivationOpen(false, None));

        Assert.True(CancellationOpen(true, 30, true));
        Assert.False(CancellationOpen(true, 30, false));
        Assert.False(CancellationOpen(true, None, true));
        Assert.False(CancellationOpen(false, 30, true));

        Assert.True(ActivationOpen(true, None));
        Assert.False(ActivationOpen(true, 12));
        Assert.False(ActivationOpen(false, None));
    }

    [Fact]
    public void Effects_TakeHoldOnTheDeterminationDayPlusTheirDays()
    {
        // 10773 §2(a): 14 calendar days; §2(b): the next day.
        Assert.Equal(24, EffectiveDay(10, 14));
        Assert.Equal(11, EffectiveDay(10, 1));
        Assert.True(TakesEffect(24, 24));
        Assert.False(TakesEffect(23, 24));
        Assert.False(TakesEffect(0, None));
    }

    [Fact]
    public void Caps_ANewYear_AndTheCapReachedOnceUsedUp()
    {
        Assert.False(NewCapYear(364, 365));
        Assert.True(NewCapYear(365, 365));
        Assert.False(CapReached(269, 270));
        Assert.True(CapReached(270, 270));
        Assert.True(CapReached(0, 0));
    }

    [Fact]
    public void ShippedPolicies_ResolveToTheseExactSums()
    {
        var p10773 = CompiledPolicy.Compile(BuiltInPolicies.Get("proclamation-10773"));
        var v1 = p10773.Versions[0];
        Assert.Equal(17_500, v1.ActivateSum);
        Assert.Equal(10_500, v1.SumThreshold(v1.DeactivationLevel(v1.ActivateThreshold)));
        Assert.Equal(1, v1.StreakDays);
        Assert.Equal(28, p10773.Versions[1].StreakDays);

        var senate = CompiledPolicy.Compile(BuiltInPolicies.Get("senate-border-act-2024"), new ReplayOptions { InForce = new NodaTime.LocalDate(2024, 6, 5) });
        var s = senate.Versions[0];
        Assert.Equal(35_000, s.ActivateSum);
        Assert.Equal(28_000, s.DiscretionarySum);
        Assert.Equal(8_500, SingleDayBound(s.SingleDayThreshold));
        // 75 % of the threshold that activated: 3,750 a day after a 5,000 activation, 3,000 after a 4,000 one.
        Assert.Equal(26_250, s.SumThreshold(s.DeactivationLevel(5000m)));
        Assert.Equal(21_000, s.SumThreshold(s.DeactivationLevel(4000m)));
        Assert.Equal(new[] { 270, 225, 180 }, s.CapDays);
    }

    /// <summary>Random counts around the 10773 levels, with some days missing.</summary>
    private static Arbitrary<(int[] Counts, bool[] Missing)> CountsWithGaps() =>
        Gen.Choose(1_000, 3_000).ArrayOf().Where(a => a.Length is >= 1 and <= 80)
            .SelectMany(counts => Gen.Choose(0, 9).ArrayOf(counts.Length).Select(m => (counts, m.Select(x => x == 0).ToArray())))
            .ToArbitrary();

    [Property(MaxTest = 200)]
    public Property DecidingWindow_BuiltFromScratch_EqualsTheWindowSlidDayByDay() => Prop.ForAll(
        CountsWithGaps(), Gen.Choose(1, 10).ToArbitrary(), Gen.Choose(1, 30).ToArbitrary(), (input, days, streakDays) =>
        {
            var (counts, missing) = input;
            const long level = 1_500L;
            var levelSum = level * days;
            // Slide from before the first day, as the kernel does from a window ending on a negative day.
            var slid = DecidingWindow.Build(counts, missing, counts.Length, -1, days, levelSum, streakDays);
            for (var end = 0; end < counts.Length; end++)
            {
                slid.Slide(missing);
                var built = DecidingWindow.Build(counts, missing, counts.Length, end, days, levelSum, streakDays);
                if (built.Sum != slid.Sum || built.Gaps != slid.Gaps || built.End != slid.End || built.Readable != slid.Readable
                    || Math.Min(built.Streak, streakDays) != Math.Min(slid.Streak, streakDays))
                {
                    return false;
                }
            }

            return true;
        });
}
