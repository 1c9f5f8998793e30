using Spectre.Console;
using Threshold.Engine;
using Threshold.Law;
using Threshold.Returns;
using Threshold.Screening;

namespace Threshold.Cli.Commands;

/// <summary>A readable explanation of one screened case: the answer, then every rule considered with its citation and mark.</summary>
internal static class DecisionTable
{
    public static void Write(IAnsiConsole console, CaseDecision decision, SuspensionTimeline timeline)
    {
        var r = decision.Screening;
        var policy = timeline.Policy.Policy;
        console.Write(new Rule($"[bold]Case {Markup.Escape(r.Id)}[/] under {Markup.Escape(policy.Id)}" + (policy.Standing == LegalStanding.Hypothetical ? " [yellow](HYPOTHETICAL: not law)[/]" : string.Empty)).LeftJustified());
        if (timeline.Series.IsModeled)
        {
            console.MarkupLine("[yellow]The suspension periods come from a MODELED encounter series, not an official daily count.[/]");
        }

        console.MarkupLine(Markup.Escape(timeline.Note));
        var answer = new Table().Border(TableBorder.Rounded).HideHeaders();
        answer.AddColumn("Question");
        answer.AddColumn("Answer");
        static string YesNo(bool b) => b ? "[bold]yes[/]" : "no";
        answer.AddRow("Status at entry", Markup.Escape($"{ReplayReport.StatusName(r.StatusAtEntry)} (day {r.StatusDay:yyyy-MM-dd}; decided {r.DecidedOn:yyyy-MM-dd})"));
        if (r.StandingOnDecision is { } standing)
        {
            answer.AddRow("Standing on the decision date", Markup.Escape($"[{standing.Status.Code()}] {standing.Summary}"));
        }
        answer.AddRow("Suspension applies", YesNo(r.SuspensionApplies));
        answer.AddRow("Exception", Markup.Escape(r.Exception is null ? "none" : string.Join(", ", r.Exceptions)));
        answer.AddRow("Asylum limitation applies", YesNo(r.AsylumLimitationApplies));
        answer.AddRow("Exceptionally compelling", Markup.Escape(r.ExceptionallyCompelling ?? "none"));
        answer.AddRow("Withholding and CAT barred", YesNo(r.WithholdingCatBarred));
        answer.AddRow("Fear referral", YesNo(r.FearReferral));
        answer.AddRow("Screening standard", Markup.Escape(r.ScreeningStandard ?? "none"));
        answer.AddRow("Removal", Markup.Escape(r.Removal.Code() ?? "none"));
        answer.AddRow("Return destination", Markup.Escape((decision.ReturnDestination ?? "none") + (decision.Overflow ? " (overflow: the arrangement's cap was full)" : string.Empty) + (decision.Return is { } a ? $" — {a.Reason}" : string.Empty)));
        foreach (var f in r.Flags)
        {
            answer.AddRow("Flag", Markup.Escape($"{f.Text} — {f.Citation.Text}"));
        }

        foreach (var e in r.AppliedOrderEvents)
        {
            answer.AddRow("Court order applied", Markup.Escape($"{e.Id} (effective {e.Effective:yyyy-MM-dd}): {e.Text} — {e.Citation.Text}"));
        }

        console.Write(answer);
        if (r.LaterOrders.Count > 0)
        {
            console.MarkupLine($"[yellow bold]Decided later, this answer would differ[/] (decided on {r.DecidedOn:yyyy-MM-dd}; pass --decided-on to decide on another day):");
            foreach (var l in r.LaterOrders)
            {
                console.MarkupLine(Markup.Escape($"  • from {l.Date:yyyy-MM-dd}, {l.Id} [{l.Citation.Status.Code()}] changes {string.Join(", ", l.Fields)}: {l.Text}"));
            }
        }
        var trace = new Table().Border(TableBorder.Simple).Title("Every rule considered");
        trace.AddColumn("Rule");
        trace.AddColumn("Held");
        trace.AddColumn("Text");
        trace.AddColumn("Citation");
        foreach (var t in r.Trace)
        {
            trace.AddRow(Markup.Escape(t.Rule), t.Held ? "[bold]yes[/]" : "no", Markup.Escape(t.Label + (t.Note is null ? string.Empty : $" ({t.Note})")), Markup.Escape(t.Citation?.Text ?? "—"));
        }

        console.Write(trace);
        console.MarkupLine("Marks: [[V]] verified text, [[V-off]] official summary, [[S]] press report, [[U]] unverified or assumption.");
    }
}
