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

        var answer = new Table().Border(TableBorder.Rounded).HideHeaders();
        answer.AddColumn("Question");
        answer.AddColumn("Answer");
        static string YesNo(bool b) => b ? "[bold]yes[/]" : "no";
        answer.AddRow("Status at entry", Markup.Escape($"{ReplayReport.StatusName(r.StatusAtEntry)} (day {r.StatusDay:yyyy-MM-dd}; decided {r.DecidedOn:yyyy-MM-dd})"));
        answer.AddRow("Suspension applies", YesNo(r.SuspensionApplies));
        answer.AddRow("Exception", Markup.Escape(r.Exception is null ? "none" : string.Join(", ", r.Exceptions)));
        answer.AddRow("Asylum limitation applies", YesNo(r.AsylumLimitationApplies));
        answer.AddRow("Exceptionally compelling", Markup.Escape(r.ExceptionallyCompelling ?? "none"));
        answer.AddRow("Fear referral", YesNo(r.FearReferral));
        answer.AddRow("Screening standard", Markup.Escape(r.ScreeningStandard ?? "none"));
        answer.AddRow("Return destination", Markup.Escape((decision.ReturnDestination ?? "none") + (decision.Overflow ? " (overflow: the arrangement's cap was full)" : string.Empty) + (decision.Return is { } a ? $" — {a.Reason}" : string.Empty)));
        foreach (var f in r.Flags)
        {
            answer.AddRow("Flag", Markup.Escape($"{f.Text} — {f.Citation.Text}"));
        }

        foreach (var o in r.AppliedOrders)
        {
            answer.AddRow("Court order applied", Markup.Escape($"{o.Title}: vacates {string.Join(", ", o.Vacates)}; upholds {string.Join(", ", o.Upholds)} — {o.Citation.Text}"));
        }

        console.Write(answer);
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
