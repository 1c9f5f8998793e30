using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Threshold.Engine.Predicates;

/// <summary>
/// The lane forms of the predicates the fast path tests every day (<see cref="BelowDeactivationLevel(long, long)"/>,
/// <see cref="NextStreak(int, bool)"/>, <see cref="StreakReached(int, int)"/>, <see cref="MayActivate(long, int, long, long, long)"/>),
/// for the lane kernel (<see cref="LaneSuspensionReplay"/>): the same comparison on each lane of a vector of paths, a
/// true lane being all ones. They state the scalar test lane by lane and nothing else; a property test
/// (ThresholdPredicateLaneTests) checks every lane against the scalar predicate, at the boundaries and on random values.
/// </summary>
public static partial class ThresholdPredicates
{
    /// <summary><see cref="BelowDeactivationLevel(long, long)"/> on each lane: sum &lt; ⌈level × window days⌉.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<long> BelowDeactivationLevel(Vector256<long> windowSum, Vector256<long> levelSum) => Vector256.LessThan(windowSum, levelSum);

    /// <inheritdoc cref="BelowDeactivationLevel(Vector256{long}, Vector256{long})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<long> BelowDeactivationLevel(Vector512<long> windowSum, Vector512<long> levelSum) => Vector512.LessThan(windowSum, levelSum);

    /// <summary><see cref="NextStreak(int, bool)"/> on each lane: one longer where <paramref name="readableAndBelow"/> is all ones, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<long> NextStreak(Vector256<long> streak, Vector256<long> readableAndBelow) => (streak + Vector256<long>.One) & readableAndBelow;

    /// <inheritdoc cref="NextStreak(Vector256{long}, Vector256{long})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<long> NextStreak(Vector512<long> streak, Vector512<long> readableAndBelow) => (streak + Vector512<long>.One) & readableAndBelow;

    /// <summary><see cref="StreakReached(int, int)"/> on each lane: streak ≥ <c>deactivate.streak_days</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<long> StreakReached(Vector256<long> streak, Vector256<long> streakDays) => Vector256.GreaterThanOrEqual(streak, streakDays);

    /// <inheritdoc cref="StreakReached(Vector256{long}, Vector256{long})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<long> StreakReached(Vector512<long> streak, Vector512<long> streakDays) => Vector512.GreaterThanOrEqual(streak, streakDays);

    /// <summary><see cref="MayActivate(long, int, long, long, long)"/> on each lane: any of the three activation tests, in integers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<long> MayActivate(Vector256<long> windowSum, Vector256<long> lastDayCount, Vector256<long> activateSum, Vector256<long> singleDayBound, Vector256<long> discretionarySum) =>
        Vector256.GreaterThanOrEqual(windowSum, activateSum) | Vector256.GreaterThanOrEqual(lastDayCount, singleDayBound) | Vector256.GreaterThanOrEqual(windowSum, discretionarySum);

    /// <inheritdoc cref="MayActivate(Vector256{long}, Vector256{long}, Vector256{long}, Vector256{long}, Vector256{long})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<long> MayActivate(Vector512<long> windowSum, Vector512<long> lastDayCount, Vector512<long> activateSum, Vector512<long> singleDayBound, Vector512<long> discretionarySum) =>
        Vector512.GreaterThanOrEqual(windowSum, activateSum) | Vector512.GreaterThanOrEqual(lastDayCount, singleDayBound) | Vector512.GreaterThanOrEqual(windowSum, discretionarySum);
}
