using NodaTime;
using Threshold.Law;

namespace Threshold.Engine;

/// <summary>
/// The series an instrument with no numeric threshold is replayed over when no encounter data is given: its days from
/// the day before it took effect to a given day (today, read at the caller's edge), every count missing, so its
/// timeline follows its dated findings alone and no count is ever shown as zero.
/// </summary>
public static class UncountedSeries
{
    /// <param name="inForce">The instrument's in-force date (12:01 a.m. Eastern).</param>
    /// <param name="through">The last day listed, inclusive (at least the in-force date).</param>
    public static EncounterSeries For(PolicyDocument policy, LocalDate inForce, LocalDate through)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var start = inForce.PlusDays(-1);
        var length = Math.Max(2, Period.DaysBetween(start, through) + 1);
        var columns = EncounterColumns.All.ToDictionary(c => c, _ => new int[length]);
        var missing = new bool[length];
        Array.Fill(missing, true);
        return new EncounterSeries(
            $"(no encounter data: {policy.Id} has no numeric threshold)",
            start,
            length,
            columns,
            missing,
            [$"No encounter series was given: {policy.Id} has no numeric threshold, so its days are listed without counts, from {start:yyyy-MM-dd} to {start.PlusDays(length - 1):yyyy-MM-dd}."]);
    }
}
