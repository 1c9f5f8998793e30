using Threshold.Law;

namespace Threshold.Engine;

/// <summary>
/// Readings of the text that the engine takes and the December 2026 legal review asks to keep visible, each [U]:
/// the texts are silent, so these are assumptions, not law. <c>explain</c> states each where it bears on the day.
/// </summary>
public static class ReadingAssumptions
{
    private static Citation Review(string point, string what) =>
        new("Threshold engine assumption", string.Empty, null, VerificationStatus.Unverified, $"LEGAL-REVIEW-2026-12 {point}: {what}");

    /// <summary>C4: the counting rule of a determination's window.</summary>
    public static readonly Citation CountingOnDeterminationDate = Review("C4", "a defensible reading of Proclamation 10817, not stated in its text");

    /// <summary>C5: a pending deactivation across a change of rules.</summary>
    public static readonly Citation PendingSurvivesNewRules = Review("C5", "the text is silent");

    /// <summary>E6: which window a determination reads.</summary>
    public static readonly Citation TrailingWindow = Review("E6", "10773 §2(a) requires a determination \"that there has been\" a qualifying average, not that it be the latest week");

    /// <summary>C4 in words, for a determination made on <paramref name="date"/> whose data begin before the rule it counts under.</summary>
    public static string CountingOnDeterminationDateText(NodaTime.LocalDate date, RuleVersion version) =>
        $"The days a determination made on {date:yyyy-MM-dd} reads are all counted under the rule in force on that date ({version.Counting.Formula}, from {version.From:yyyy-MM-dd}), including days before that rule took effect; a defensible reading of Proclamation 10817, not stated in its text [U].";

    /// <summary>C5 in words.</summary>
    public static string PendingSurvivesNewRulesText(Determination pending, RuleVersion now) =>
        $"The deactivation determined on {pending.Date:yyyy-MM-dd} under the earlier rules stays pending after the rules changed on {now.From:yyyy-MM-dd} and takes effect as determined; the text is silent on this [U].";

    /// <summary>E6 in words.</summary>
    public const string TrailingWindowText =
        "The window read is the trailing one ending on the determination date less the lag; the text may allow a determination about any past qualifying week (10773 §2(a) asks for one \"that there has been\" a qualifying average, not that it be the latest) [U].";
}
