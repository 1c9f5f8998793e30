using System.Runtime.CompilerServices;

namespace Threshold.Engine.Predicates;

/// <summary>
/// The tests an encounter-threshold policy applies each day, one named predicate each, over plain values: day indices
/// (days since the series start, so a <c>LocalDate</c> is one subtraction away), window sums and counts as integers, and
/// the policy's levels already resolved to exact integer sums by <see cref="RuleVersion"/> ("average ≥ T" over a W-day
/// window is "sum ≥ ⌈T·W⌉"; nothing is rounded). They hold no state and read no engine object, so the scalar kernel
/// (<see cref="SuspensionReplay"/>) and a lane-parallel kernel over many paths share them; docs/engine.md lists each
/// with its citation. The values they compare come from the policy files in <c>law/policies/</c>: each predicate names
/// the parameter, and the parameter carries the citation for the policy at hand.
/// </summary>
/// <remarks>
/// A pending effect is a day index, or <see cref="None"/> (−1) when nothing is pending: the convention of the kernels.
/// </remarks>
public static partial class ThresholdPredicates
{
    /// <summary>No effect pending: the value of a pending-effect day index when there is none.</summary>
    public const int None = -1;

    /// <summary>
    /// In force: day <paramref name="day"/> is on or after the in-force day <paramref name="inForceDay"/>
    /// (parameter <c>in_force</c>; 10773 §1, "12:01 a.m. eastern daylight time on June 5, 2024"; for the Senate
    /// authority the day after enactment, supplied with <c>--in-force</c>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool InForce(int day, int inForceDay) => day >= inForceDay;

    /// <summary>
    /// Sunset: the authority has expired on day <paramref name="day"/>, the in-force date plus <c>sunset.years</c>
    /// (<paramref name="sunsetDay"/>; int.MaxValue when the policy has no sunset). Senate Border Act: "expires after three
    /// years" (CRS summary [V-off]). 10773 has none.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool SunsetReached(int day, int sunsetDay) => day >= sunsetDay;

    /// <summary>
    /// Version switch: on day <paramref name="day"/> the next rule version (from <paramref name="nextVersionDay"/>) governs,
    /// as a determination date and as a counting day. 10773 v1 → v2 on 2024-10-01 (Proclamation 10817 §4 with the final
    /// rule's effective date, 89 FR 81156); a court order's dated overlay is a version switch too (10817 §4).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool VersionSwitches(int day, int nextVersionDay) => day >= nextVersionDay;

    /// <summary>
    /// The last day of the window a determination made on day <paramref name="determinationDay"/> reads: the day less
    /// <c>determination.lag_days</c> (<paramref name="lagDays"/>; an engine assumption [U], LEGAL-SPEC §9.1: a day's
    /// data is complete only the next day, so the default is 1).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int WindowEndFor(int determinationDay, int lagDays) => determinationDay - lagDays;

    /// <summary>
    /// Window complete: the <paramref name="windowDays"/>-day window ending on day <paramref name="windowEnd"/> lies within
    /// the series (<c>average.window_days</c>; 10773 §2(a)-(b) "a 7-consecutive-day average"; Senate "a period of seven
    /// consecutive calendar days" [S]). The engine never proposes a determination on a shorter window.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool WindowComplete(int windowEnd, int windowDays) => windowEnd >= windowDays - 1;

    /// <summary>
    /// Window readable: complete (<see cref="WindowComplete"/>) and touching no missing day (<paramref name="missingDays"/>
    /// of its days have no data). An engine rule [U] (LEGAL-SPEC §9): a determination is never proposed from a window
    /// with a gap, and a gap breaks a deactivation streak.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool WindowReadable(int windowEnd, int windowDays, int missingDays) => missingDays == 0 && WindowComplete(windowEnd, windowDays);

    /// <summary>
    /// Below the deactivation level: the window's average is strictly under the level, as the exact test
    /// <paramref name="windowSum"/> &lt; <paramref name="levelSum"/> = ⌈level × window days⌉.
    /// The level is <c>deactivate.threshold</c> (10773 §2(a): "fallen below 1,500") or
    /// <c>deactivate.fraction_of_activation_threshold</c> × the threshold that activated (Senate: "fall below 75%" [S]).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool BelowDeactivationLevel(long windowSum, long levelSum) => windowSum < levelSum;

    /// <summary>
    /// The deactivation streak after one more day: one longer when the window ending that day is readable
    /// (<see cref="WindowReadable"/>) and below the level (<see cref="BelowDeactivationLevel(long, long)"/>), else broken to 0.
    /// 10773 §2(a) as amended by Proclamation 10817 §1: "for 28 consecutive days" (v1: a single day).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int NextStreak(int streak, bool readableAndBelow) => readableAndBelow ? streak + 1 : 0;

    /// <summary>
    /// Streak reached: <paramref name="streak"/> consecutive days of averages below the level are at least
    /// <c>deactivate.streak_days</c> (<paramref name="streakDays"/>; 10773 §2(a): 1 until Sept 30, 2024; 28 from Oct 1,
    /// 2024 under Proclamation 10817 §1; Senate: 1, "over a seven-day period" [S]).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool StreakReached(int streak, int streakDays) => streak >= streakDays;

    /// <summary>
    /// At or above the activation level: the window's average is at least <c>activate.threshold</c>, as the exact test
    /// <paramref name="windowSum"/> ≥ <paramref name="activateSum"/> = ⌈threshold × window days⌉
    /// (10773 §2(b): "2,500 or more"; Senate: "5,000 or more" [S]).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AtOrAboveActivationLevel(long windowSum, long activateSum) => windowSum >= activateSum;

    /// <summary>
    /// Single day at or above: the last day of the window alone reached <c>activate.single_day_threshold</c>
    /// (Senate: "8,500 in a single day" [S]; 10773 has none). The exact test against the decimal threshold;
    /// <see cref="SingleDayBound"/> gives the integer form.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool SingleDayAtOrAbove(int dayCount, decimal singleDayThreshold) => dayCount >= singleDayThreshold;

    /// <summary>
    /// Discretionary level reached: discretion is exercised (<c>activate.discretionary_exercised</c>, an engine
    /// assumption [U]) and the average is at least <c>activate.discretionary_threshold</c>, as the exact test on sums
    /// (Senate: "may activate ... 4,000" (CRS summary [V-off])).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool DiscretionaryAtOrAbove(long windowSum, long discretionarySum, bool exercised) => exercised && windowSum >= discretionarySum;

    /// <summary>
    /// The integer bound of <see cref="SingleDayAtOrAbove"/>: a whole count reaches a threshold T exactly when it reaches
    /// ⌈T⌉; long.MaxValue (never reached) when the policy has no single-day threshold.
    /// </summary>
    public static long SingleDayBound(decimal? singleDayThreshold) => singleDayThreshold is { } single ? (long)decimal.Ceiling(single) : long.MaxValue;

    /// <summary>
    /// May activate: the integer pre-test of the three activation tests together (<see cref="AtOrAboveActivationLevel"/>,
    /// <see cref="SingleDayAtOrAbove"/> through <see cref="SingleDayBound"/>, <see cref="DiscretionaryAtOrAbove"/> with
    /// <paramref name="discretionarySum"/> long.MaxValue when discretion is not exercised). True exactly when one of them
    /// passes; the kernels run the exact tests, which name the trigger and its citation, only then.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool MayActivate(long windowSum, int lastDayCount, long activateSum, long singleDayBound, long discretionarySum) =>
        windowSum >= activateSum || lastDayCount >= singleDayBound || windowSum >= discretionarySum;

    /// <summary>
    /// Deactivation open: a discontinuation can be determined today because the suspension applies and none is pending
    /// (10773 §2(a); Senate "must suspend the activation" [S]). A suspension stopped by a reached cap or sunset is not active.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool DeactivationOpen(bool active, int pendingDeactivation) => active && pendingDeactivation < 0;

    /// <summary>
    /// Cancellation open: during the wind-down (a discontinuation pending, the suspension still applying) a reading at the
    /// activation level cancels it, where <c>deactivate.cancelled_by_activation</c> says so (10773 §2(b):
    /// "Notwithstanding a factual determination made under subsection (a)"; the Senate text has no such provision [U]).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool CancellationOpen(bool active, int pendingDeactivation, bool cancelledByActivation) => active && pendingDeactivation >= 0 && cancelledByActivation;

    /// <summary>
    /// Activation open: the suspension does not apply, is not stopped by a cap or the sunset, and no activation is pending,
    /// so an activation can be determined (10773 §2(b); Senate activation [S]).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool ActivationOpen(bool inactive, int pendingActivation) => inactive && pendingActivation < 0;

    /// <summary>
    /// The day a determination made on day <paramref name="determinationDay"/> takes effect, at 12:01 a.m. Eastern:
    /// plus <c>deactivate.effective_days</c> (10773 §2(a): 14 calendar days; Senate: "within 14 days" [S]) or
    /// <c>activate.effective_days</c> (10773 §2(b): the next day; Senate: "within 24 hours" [S]).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int EffectiveDay(int determinationDay, int effectiveDays) => determinationDay + effectiveDays;

    /// <summary>
    /// Takes effect: a pending effect (<paramref name="pendingDay"/>, or <see cref="None"/>) takes hold at 12:01 a.m.
    /// Eastern on day <paramref name="day"/> (see <see cref="EffectiveDay"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TakesEffect(int day, int pendingDay) => day == pendingDay;

    /// <summary>
    /// New cap year: day <paramref name="day"/> starts the next year of the cap schedule (<paramref name="nextYearDay"/>,
    /// the in-force date plus whole years). Each year counts its active days afresh and lifts a reached cap
    /// (<c>cap.year1_days</c>, <c>cap.year2_days</c>, <c>cap.year3_days</c>; Senate: 270, 225 and 180 days [S]).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool NewCapYear(int day, int nextYearDay) => day >= nextYearDay;

    /// <summary>
    /// Cap reached: the suspension has already applied on <paramref name="activeDaysThisYear"/> days of the current cap
    /// year, as many as the year's cap <paramref name="capDays"/> allows (<c>cap.yearN_days</c>; Senate [S]), so it
    /// cannot apply on one more day and stops for the rest of the year.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool CapReached(int activeDaysThisYear, int capDays) => activeDaysThisYear >= capDays;
}
