using System.ComponentModel;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;
using Threshold.Engine;
using Threshold.Law;

namespace Threshold.Cli.Commands;

internal sealed class ExplainSettings : ReplaySettings
{
    [CommandOption("--date <DATE>")]
    [Description("The day to explain (yyyy-MM-dd).")]
    public string? Date { get; init; }

    [CommandOption("--format <text|json>")]
    [Description("text (default) or json.")]
    public string Format { get; init; } = "text";
}

/// <summary><c>threshold explain</c>: the chain of reasoning for one day.</summary>
internal sealed class ExplainCommand : Command<ExplainSettings>
{
    public override int Execute(CommandContext context, ExplainSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Format is not ("text" or "json"))
        {
            throw new UsageException($"--format {settings.Format}: must be text or json");
        }

        var date = ReplaySettings.ParseDate("--date", settings.Date ?? throw new UsageException("--date is required (yyyy-MM-dd)"));
        var timeline = settings.Replay();
        var explanation = DayExplanation.For(timeline, date);
        if (settings.Format == "json")
        {
            var doc = new
            {
                engineVersion = RuleSetVersion.EngineVersion,
                ruleSetVersion = RuleSetVersion.Current,
                policy = timeline.Policy.Policy.Id,
                timeline = TimelineNotes.Name(explanation.Timeline),
                timelineNote = explanation.TimelineNote,
                date = ReplayReport.Iso(explanation.Date),
                status = ReplayReport.StatusName(explanation.Status),
                countingFormula = explanation.CountingFormula,
                components = explanation.Components.ToDictionary(c => c.Column, c => c.Value),
                counted = explanation.Counted,
                window = explanation.Window.Select(w => new { date = ReplayReport.Iso(w.Date), counted = w.Counted }),
                sum7 = explanation.WindowSum,
                average7 = explanation.Average is { } a ? decimal.Round(a, 4) : (decimal?)null,
                steps = explanation.Steps.Select(s => new { statement = s.Statement, citation = s.Citation is null ? null : ReplayReport.CitationDto.From(s.Citation) }),
                determination = explanation.DeterminationMade is null ? null : ReplayReport.DeterminationDto.From(explanation.DeterminationMade),
                caveats = explanation.Caveats,
            };
            Console.Out.WriteLine(JsonSerializer.Serialize(doc, ReplayReport.JsonOptions));
            return ExitCodes.Ok;
        }

        var console = Terminal.Create();
        console.Write(new Rule($"[bold]{timeline.Policy.Policy.Id}[/] on {explanation.Date:yyyy-MM-dd}: [bold]{ReplayReport.StatusName(explanation.Status)}[/] on the {TimelineNotes.Name(explanation.Timeline)} timeline").LeftJustified());
        var window = new Table().Border(TableBorder.Simple).Title($"Window ({explanation.CountingFormula})");
        window.AddColumn("Date");
        window.AddColumn(new TableColumn("Counted").RightAligned());
        foreach (var (d, c) in explanation.Window)
        {
            window.AddRow(d.ToString("yyyy-MM-dd", null), c?.ToString("N0", null) ?? "missing");
        }

        window.AddRow("[bold]sum / average[/]", explanation.WindowSum is { } sum ? $"{sum:N0} / {explanation.Average:N4}" : "undeterminable");
        console.Write(window);
        var n = 1;
        foreach (var step in explanation.Steps)
        {
            console.MarkupLine($"{n++}. {Markup.Escape(step.Statement)}");
            if (step.Citation is { } c)
            {
                console.MarkupLine($"   [dim]{Markup.Escape(c.Text)} — {Markup.Escape(c.Status.Meaning())}[/]");
            }
        }

        console.WriteLine();
        foreach (var caveat in explanation.Caveats)
        {
            console.MarkupLine($" • {Markup.Escape(caveat)}");
        }

        return ExitCodes.Ok;
    }
}
