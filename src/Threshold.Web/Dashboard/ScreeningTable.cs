using Threshold.Engine;
using Threshold.Returns;

namespace Threshold.Web.Dashboard;

/// <summary>
/// A screening answer (one instrument's, or each instrument's under "every instrument in force") as one downloadable
/// table: a row per consequence, standing, court-order event, flag and rule considered, each with its citation and
/// mark, the instrument named on every row. The page shows the same items.
/// </summary>
public static class ScreeningTable
{
    /// <summary>The answer as a table; <paramref name="summary"/> rows (in-force only) come first, under "summary".</summary>
    public static CsvTable Of(IReadOnlyList<CaseDecisionJson.CaseDecisionDto> answers, DataLabel label, IReadOnlyList<string> notes, IEnumerable<(string Item, string Value)>? summary = null)
    {
        ArgumentNullException.ThrowIfNull(answers);
        var rows = new List<IReadOnlyList<string>>();
        foreach (var (item, value) in summary ?? [])
        {
            rows.Add(["summary", item, value, string.Empty, string.Empty]);
        }

        foreach (var r in answers)
        {
            void Add(string item, string? value, ReplayReport.CitationDto? citation = null) =>
                rows.Add([r.Policy, item, value ?? string.Empty, citation?.Text ?? string.Empty, citation?.Status ?? string.Empty]);

            Add("suspensionApplies", YesNo(r.SuspensionApplies));
            Add("exception", r.Exception);
            Add("exceptions", string.Join(";", r.Exceptions));
            Add("asylumLimitationApplies", YesNo(r.AsylumLimitationApplies));
            Add("withholdingCatBarred", YesNo(r.WithholdingCatBarred));
            Add("exceptionallyCompelling", r.ExceptionallyCompelling);
            Add("fearReferral", YesNo(r.FearReferral));
            Add("screeningStandard", r.ScreeningStandard);
            Add("removal.path", r.Removal.Path is null ? null : $"{r.Removal.Path}{(r.Removal.Reason is null ? string.Empty : $": {r.Removal.Reason}")}", r.Removal.Citation);
            Add("returnDestination", r.ReturnDestination is null ? null : $"{r.ReturnDestination}{(r.Overflow ? " (overflow)" : string.Empty)}");
            Add("decidedOn", r.DecidedOn);
            if (r.Standing is { } s)
            {
                Add("standing.atEntry", $"{s.AtEntry.Date}: {s.AtEntry.State} — {s.AtEntry.Summary} (weakest mark {s.AtEntry.Status})");
                Add("standing.onDecision", $"{s.OnDecision.Date}: {s.OnDecision.State} — {s.OnDecision.Summary} (weakest mark {s.OnDecision.Status})");
            }

            foreach (var later in r.LaterOrders)
            {
                Add($"laterOrder:{later.Id}", $"{later.Date}: would change {string.Join(", ", later.Fields)} — {later.Text}", later.Citation);
            }

            foreach (var applied in r.AppliedOrderEvents)
            {
                Add($"appliedOrderEvent:{applied.Id}", applied.Text, applied.Citation);
            }

            foreach (var flag in r.Flags)
            {
                Add($"flag:{flag.Code}", flag.Text, flag.Citation);
            }

            foreach (var t in r.Trace)
            {
                Add($"rule:{t.Rule}", $"{(t.Held ? "held" : "did not hold")} — {t.Label}{(t.Note is null ? string.Empty : $" ({t.Note})")}", t.Citation);
            }
        }

        return new CsvTable("Screen: the answer for one case, every consequence and rule considered with its citation and mark", label, ["instrument", "item", "value", "citation", "mark"], rows, notes);
    }

    private static string YesNo(bool value) => value ? "yes" : "no";
}
