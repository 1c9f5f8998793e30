using System.ComponentModel;
using System.Globalization;
using nietras.SeparatedValues;
using Spectre.Console;
using Spectre.Console.Cli;
using Threshold.Engine;
using Threshold.Law;

namespace Threshold.Cli.Commands;

internal sealed class ReplayCommandSettings : ReplaySettings
{
    [CommandOption("--format <json|csv|table>")]
    [Description("Output format: table (for people, default), json (the public contract) or csv (one row per day).")]
    public string Format { get; init; } = "table";
}

/// <summary><c>threshold replay</c>: the whole timeline of a series under a policy.</summary>
internal sealed class ReplayCommand : Command<ReplayCommandSettings>
{
    public override int Execute(CommandContext context, ReplayCommandSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Format is not ("json" or "csv" or "table"))
        {
            throw new UsageException($"--format {settings.Format}: must be json, csv or table");
        }

        var timeline = settings.Replay();
        switch (settings.Format)
        {
            case "json":
                Console.Out.WriteLine(ReplayReport.ToJson(timeline));
                break;
            case "csv":
                WriteCsv(timeline, Console.Out);
                break;
            default:
                TimelineTable.Write(Terminal.Create(), timeline);
                break;
        }

        return ExitCodes.Ok;
    }

    private static void WriteCsv(SuspensionTimeline timeline, TextWriter output)
    {
        var determinations = timeline.Determinations.ToDictionary(d => d.Date);
        var transitions = timeline.Transitions.Where(t => !t.AfterSeriesEnd).GroupBy(t => t.EffectiveDate).ToDictionary(g => g.Key, g => g.Last());
        if (timeline.Series.IsModeled)
        {
            output.WriteLine("# MODELED DATA: the encounter series is synthesised from monthly totals, not an official daily count.");
        }

        output.WriteLine($"# policy: {timeline.Policy.Policy.Id}; engine {RuleSetVersion.EngineVersion}; rule set {RuleSetVersion.Current}");
        // A proposal read as history is the error this line prevents: every file says which timeline it holds.
        output.WriteLine($"# timeline: {TimelineNotes.Name(timeline.Kind)}. {timeline.Note}");
        using var writer = Sep.New(',').Writer(o => o with { Escape = true }).To(output, leaveOpen: true);
        foreach (var day in timeline.Days())
        {
            using var row = writer.NewRow();
            row["date"].Set(ReplayReport.Iso(day.Date));
            row["counted"].Set(day.Counted?.ToString(CultureInfo.InvariantCulture) ?? string.Empty);
            row["average7"].Set(day.Average is { } a ? decimal.Round(a, 4).ToString(CultureInfo.InvariantCulture) : string.Empty);
            row["status"].Set(ReplayReport.StatusName(day.Status));
            row["pending_deactivation"].Set(day.PendingDeactivation is { } p ? ReplayReport.Iso(p) : string.Empty);
            row["undeterminable"].Set(day.Undeterminable ?? string.Empty);
            determinations.TryGetValue(day.Date, out var d);
            row["determination"].Set(d is null ? string.Empty : ReplayReport.KindName(d.Kind));
            row["determination_citation"].Set(d?.Citations[0].Text ?? string.Empty);
            transitions.TryGetValue(day.Date, out var t);
            row["transition"].Set(t is null ? string.Empty : $"{(t.ToActive ? "active" : "inactive")} at {ReplayReport.Iso(t.Effective)}");
        }
    }
}

/// <summary>Creates the console for human-readable output, wide enough for tables when stdout is redirected.</summary>
internal static class Terminal
{
    public static IAnsiConsole Create()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = 160;
        }

        return console;
    }
}
