using System.Diagnostics;
using System.Globalization;
using Threshold.Engine;
using Threshold.Law;
using Threshold.Screening;

namespace Threshold.Benchmarks;

/// <summary>
/// The agreement check of the side-by-side benchmark: every case through <see cref="CaseScreener.Classify"/> and
/// through the RulesEngine workflow, compared on covered place, suspension applies, first exception code, asylum
/// limitation, fear referral and screening standard. Prints the number of differences (which must be 0) and the
/// outcome counts, and throws if any case differs, so a benchmark never reports a ratio between two different answers.
/// </summary>
internal static class ScreeningCheck
{
    /// <summary>How many cases are also put through the full <see cref="CaseScreener.Screen"/>, to tie Classify to the published result.</summary>
    public const int ScreenSample = 20_000;

    public static ComparableOutcome FromThreshold(ScreeningOutcome o, IReadOnlyList<ScreeningRule> rules) => new(
        o.CoveredPlace,
        o.SuspensionApplies,
        o.DecisiveRule >= 0 ? rules[o.DecisiveRule].Code : null,
        o.AsylumLimitationApplies,
        o.FearReferral,
        o.ScreeningStandard);

    public static void Run(string label, IReadOnlyList<ScreeningCase> cases, CaseScreener screener, SuspensionTimeline timeline, RulesEngineScreening rulesEngine)
    {
        var rules = screener.Rules.Rules.Rules;
        var differences = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["coveredPlace"] = 0,
            ["suspensionApplies"] = 0,
            ["firstException"] = 0,
            ["asylumLimitationApplies"] = 0,
            ["fearReferral"] = 0,
            ["screeningStandard"] = 0,
        };
        var differingCases = 0;
        var examples = new List<string>();
        var statuses = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var exceptions = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var standards = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int subject = 0, limited = 0, lifted = 0, referred = 0, exceptedInPeriod = 0;
        var thresholdTime = new Stopwatch();
        var rulesEngineTime = new Stopwatch();
        for (var i = 0; i < cases.Count; i++)
        {
            var c = cases[i];
            thresholdTime.Start();
            var o = screener.Classify(c);
            thresholdTime.Stop();
            var mine = FromThreshold(o, rules);
            var input = RulesEngineScreening.Input(c, timeline);
            rulesEngineTime.Start();
            var theirs = rulesEngine.Evaluate(input);
            rulesEngineTime.Stop();
            if (mine != theirs)
            {
                differingCases++;
                Count(differences, "coveredPlace", mine.CoveredPlace != theirs.CoveredPlace);
                Count(differences, "suspensionApplies", mine.SuspensionApplies != theirs.SuspensionApplies);
                Count(differences, "firstException", mine.FirstException != theirs.FirstException);
                Count(differences, "asylumLimitationApplies", mine.AsylumLimitationApplies != theirs.AsylumLimitationApplies);
                Count(differences, "fearReferral", mine.FearReferral != theirs.FearReferral);
                Count(differences, "screeningStandard", mine.ScreeningStandard != theirs.ScreeningStandard);
                if (examples.Count < 5)
                {
                    examples.Add($"{c.Id}: Threshold {mine} / RulesEngine {theirs}");
                }
            }

            if (i < ScreenSample)
            {
                CheckScreen(c, screener.Screen(c), o, mine);
            }

            Count(statuses, ReplayReport.StatusName(o.Status), true);
            Count(exceptions, mine.FirstException ?? "(none)", true);
            Count(standards, mine.ScreeningStandard ?? "(none)", true);
            subject += mine.SuspensionApplies ? 1 : 0;
            limited += mine.AsylumLimitationApplies ? 1 : 0;
            lifted += o.LimitedBeforeRelief && o.GroundIndex >= 0 ? 1 : 0;
            referred += mine.FearReferral ? 1 : 0;
            exceptedInPeriod += o.InPeriod && o.CoveredPlace && o.Excepted ? 1 : 0;
        }

        var n = cases.Count;
        Console.WriteLine(Invariant($"// screening check ({label}): {n:N0} cases, {differingCases:N0} differ between Threshold Classify and RulesEngine ({string.Join(", ", differences.Select(d => $"{d.Key} {d.Value:N0}"))})"));
        Console.WriteLine(Invariant($"// screening check: Screen() agrees with Classify() on the first {Math.Min(n, ScreenSample):N0} cases"));
        Console.WriteLine(Invariant($"// outcome counts: status at entry {Join(statuses)}"));
        Console.WriteLine(Invariant($"// outcome counts: suspension applies {subject:N0}; excepted in an active period {exceptedInPeriod:N0}; asylum limitation applies {limited:N0}; limitation lifted by a compelling ground {lifted:N0}; fear referral {referred:N0}"));
        Console.WriteLine(Invariant($"// outcome counts: first exception (any period) {Join(exceptions)}"));
        Console.WriteLine(Invariant($"// outcome counts: screening standard {Join(standards)}"));
        Console.WriteLine(Invariant($"// check timing (Stopwatch, not the benchmark): Threshold Classify {thresholdTime.Elapsed.TotalMilliseconds * 1e6 / n:N1} ns/case, RulesEngine {rulesEngineTime.Elapsed.TotalMilliseconds * 1e6 / n:N1} ns/case"));
        foreach (var e in examples)
        {
            Console.WriteLine("// difference: " + e);
        }

        if (differingCases != 0)
        {
            throw new InvalidOperationException(Invariant($"Threshold and RulesEngine disagree on {differingCases:N0} of {n:N0} cases; first: {examples[0]}"));
        }
    }

    /// <summary>The full screening reports what the fast path decided (its exception is the decisive one, reported only when it mattered).</summary>
    private static void CheckScreen(ScreeningCase c, ScreeningResult full, ScreeningOutcome o, ComparableOutcome mine)
    {
        var reported = o.InPeriod && o.CoveredPlace && !o.SuspensionApplies ? mine.FirstException : null;
        if (full.SuspensionApplies != mine.SuspensionApplies || full.Exception != reported || full.AsylumLimitationApplies != mine.AsylumLimitationApplies
            || full.FearReferral != mine.FearReferral || full.ScreeningStandard != mine.ScreeningStandard)
        {
            throw new InvalidOperationException($"{c.Id}: Screen() and Classify() disagree: {full.SuspensionApplies}/{full.Exception}/{full.AsylumLimitationApplies}/{full.FearReferral}/{full.ScreeningStandard} vs {mine}");
        }
    }

    private static void Count<TKey>(IDictionary<TKey, int> counts, TKey key, bool when)
        where TKey : notnull
    {
        if (when)
        {
            counts[key] = counts.TryGetValue(key, out var v) ? v + 1 : 1;
        }
    }

    private static string Join(IEnumerable<KeyValuePair<string, int>> counts) =>
        string.Join(", ", counts.Select(kv => Invariant($"{kv.Key} {kv.Value:N0}")));

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
