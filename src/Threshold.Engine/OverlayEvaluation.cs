using NodaTime;

namespace Threshold.Engine;

/// <summary>
/// Refuses a what-if that silently did nothing: every set and court-order what-if must change the value of a parameter on at
/// least one day the replay evaluated (an in-force day of the series, or a year it reached for a cap).
/// </summary>
public static class OverlayEvaluation
{
    public static void RequireEffect(SuspensionTimeline timeline)
    {
        var compiled = timeline.Policy;
        var evaluated = new List<LocalDate>();
        for (var i = 0; i < timeline.Series.Length; i++)
        {
            if (timeline.StatusOn(i) is not (DayStatus.NotInForce or DayStatus.Expired))
            {
                evaluated.Add(timeline.Series.DateAt(i));
            }
        }

        foreach (var group in compiled.Overlays.Where(o => o.Option != WhatIfOption.DeterminationLag).GroupBy(o => o.Label))
        {
            var changed = false;
            string? why = null;
            foreach (var overlay in group)
            {
                var current = compiled.Policy.ParametersByName[overlay.Parameter];
                var days = evaluated.AsEnumerable();
                if (CapYear(overlay.Parameter) is { } year)
                {
                    var from = compiled.InForce.PlusYears(year - 1);
                    var to = compiled.InForce.PlusYears(year);
                    days = days.Where(d => d >= from && d < to);
                    why ??= $"the series has no in-force day in year {year} ({from:yyyy-MM-dd} to {to.PlusDays(-1):yyyy-MM-dd})";
                }

                changed |= days.Any(d => current.On(d).Value != overlay.Original.On(d).Value);
            }

            if (!changed)
            {
                var first = group.First();
                throw new ReplayRequestException(first.Problem(evaluated.Count == 0
                    ? "changes nothing this replay evaluated: the policy is not in force on any day of the series"
                    : $"changes nothing this replay evaluated ({why ?? $"{first.Parameter} already has that value on every in-force day from {evaluated[0]:yyyy-MM-dd} to {evaluated[^1]:yyyy-MM-dd}"})"));
            }
        }
    }

    private static int? CapYear(string parameter) =>
        parameter.StartsWith("cap.year", StringComparison.Ordinal) && parameter.EndsWith("_days", StringComparison.Ordinal)
        && int.TryParse(parameter.AsSpan(8, parameter.Length - 13), out var year) ? year : null;
}
