using Spectre.Console;
using Threshold.Engine;
using Threshold.Law;

namespace Threshold.Cli.Commands;

/// <summary>The human summary of a replay: the policy, its caveats, each transition with the determination behind it, and the totals.</summary>
internal static class TimelineTable
{
    /// <summary>Which timeline, in words: a proposal must never read as history, and "none found" is [U].</summary>
    public static void WriteTimelineNote(IAnsiConsole console, SuspensionTimeline timeline)
    {
        var hint = timeline.Kind == TimelineKind.Proposed ? " (--timeline official for the determinations actually made)" : string.Empty;
        console.MarkupLine($"[bold yellow]{Markup.Escape(timeline.Note + hint)}[/]");
    }

    public static void Write(IAnsiConsole console, SuspensionTimeline timeline)
    {
        var compiled = timeline.Policy;
        var policy = compiled.Policy;
        var series = timeline.Series;
        console.Write(new Rule($"[bold]{Markup.Escape(policy.Title)}[/]").LeftJustified());
        console.MarkupLine($"Policy [bold]{policy.Id}[/] ({(policy.Standing == LegalStanding.InForce ? "in force" : "[yellow]HYPOTHETICAL: not law[/]")}), in force from 12:01 a.m. Eastern on {compiled.InForce:yyyy-MM-dd} — {Markup.Escape(policy.InForce.Citation.Text)}");
        var standing = policy.StandingHistory.On(series.End);
        console.MarkupLine($"Standing on {series.End:yyyy-MM-dd} [[{standing.Status.Code()}]]: {Markup.Escape(standing.Summary)}");
        console.MarkupLine($"Series [bold]{Markup.Escape(series.SourceName)}[/]: {series.Start:yyyy-MM-dd} to {series.End:yyyy-MM-dd} ({series.Length} days)" + (series.IsModeled ? " — [yellow bold]MODELED, not an official daily count[/]" : string.Empty));
        console.MarkupLine($"Engine {RuleSetVersion.EngineVersion}, rule set {RuleSetVersion.Current}");
        WriteTimelineNote(console, timeline);
        console.WriteLine();

        var table = new Table().Border(TableBorder.Rounded).Title($"Transitions on the {TimelineNotes.Name(timeline.Kind)} timeline (12:01 a.m. America/New_York)");
        table.AddColumn("Effective");
        table.AddColumn("To");
        table.AddColumn("Cause");
        table.AddColumn("Determination behind it");
        table.AddColumn("Citation");
        foreach (var t in timeline.Transitions)
        {
            var d = t.DeterminationDate is { } dd ? timeline.Determinations.FirstOrDefault(x => x.Date == dd) : null;
            table.AddRow(
                Markup.Escape(ReplayReport.Iso(t.Effective) + (t.AfterSeriesEnd ? " (after series end)" : string.Empty)),
                t.ToActive ? "[red]active[/]" : "[green]inactive[/]",
                ReplayReport.CauseName(t.Cause),
                Markup.Escape(d is null ? (t.Cause == TransitionCause.InForce ? "none: the instrument took effect" : "—") : $"{d.Date:yyyy-MM-dd}: {d.Rule}"),
                Markup.Escape(d?.Citations[0].Text ?? t.Citation.Text));
        }

        if (timeline.Transitions.Count == 0)
        {
            table.AddRow("—", "—", "—", "no transition in this series", "—");
        }

        console.Write(table);

        var other = timeline.Determinations.Where(d => !timeline.Transitions.Any(t => t.DeterminationDate == d.Date)).ToArray();
        if (other.Length > 0)
        {
            var dt = new Table().Border(TableBorder.Simple).Title("Determinations without a transition (e.g. a cancelled wind-down)");
            dt.AddColumn("Date");
            dt.AddColumn("Kind");
            dt.AddColumn("Rule");
            dt.AddColumn("Citation");
            foreach (var d in other)
            {
                dt.AddRow(d.Date.ToString("yyyy-MM-dd", null), ReplayReport.KindName(d.Kind), Markup.Escape(d.Rule), Markup.Escape(d.Citations[0].Text));
            }

            console.Write(dt);
        }

        var doc = ReplayReport.Build(timeline);
        var s = doc.Summary;
        console.MarkupLine($"Days: [red]{s.ActiveDays} active[/], [green]{s.InactiveDays} inactive[/], {s.NotInForceDays} not in force" +
            (s.CapReachedDays > 0 ? $", {s.CapReachedDays} cap reached" : string.Empty) +
            (s.ExpiredDays > 0 ? $", {s.ExpiredDays} expired" : string.Empty) +
            (s.UndeterminableDays > 0 ? $", [yellow]{s.UndeterminableDays} undeterminable[/]" : string.Empty) +
            $". Determinations: {s.Determinations}. Transitions: {s.Transitions}.");
        console.WriteLine();
        console.MarkupLine("[bold]Caveats[/] ([[V]] verified text, [[V-off]] official summary, [[S]] press report, [[U]] unverified or assumption):");
        foreach (var caveat in doc.Caveats)
        {
            console.MarkupLine($" • {Markup.Escape(caveat)}");
        }
    }
}
