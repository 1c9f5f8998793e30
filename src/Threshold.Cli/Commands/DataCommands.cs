using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using Threshold.Engine;
using Threshold.Synthesis;

namespace Threshold.Cli.Commands;

internal sealed class SynthesizeDailySettings : CommandSettings
{
    [CommandOption("--source <DIR>")]
    [Description("Folder with the real monthly CBP/OHSS files (default: data/source).")]
    public string Source { get; init; } = "data/source";

    [CommandOption("--output <FILE>")]
    [Description("Where to write the MODELED daily CSV ('-' for stdout; default: the bundled path).")]
    public string Output { get; init; } = SynthesizedSeriesCsv.RepositoryPath;
}

/// <summary><c>threshold data synthesize-daily</c>: derive the modeled daily series from monthly totals (docs/data-synthesis.md).</summary>
internal sealed class SynthesizeDailyCommand : Command<SynthesizeDailySettings>
{
    public override int Execute(CommandContext context, SynthesizeDailySettings settings, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(settings.Source))
        {
            throw new UsageException($"--source {settings.Source}: folder not found");
        }

        var series = DailySeriesSynthesizer.Synthesize(MonthlySources.Load(settings.Source));
        var text = SynthesizedSeriesCsv.ToCsvString(series);
        if (settings.Output == "-")
        {
            Console.Out.Write(text);
            return ExitCodes.Ok;
        }

        // Write beside the target and rename, so a failure never leaves a half-written series.
        var full = Path.GetFullPath(settings.Output);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + ".tmp";
        File.WriteAllText(temp, text);
        File.Move(temp, full, overwrite: true);
        Console.Out.WriteLine($"wrote {series.Days.Count} MODELED days ({series.Days[0].Date:yyyy-MM-dd} to {series.Days[^1].Date:yyyy-MM-dd}) to {settings.Output}");
        return ExitCodes.Ok;
    }
}

internal sealed class CheckReportedSettings : CommandSettings
{
    [CommandOption("--encounters <FILE>")]
    [Description("Daily series to check, with all five columns (default: the bundled modeled series).")]
    public string Encounters { get; init; } = SynthesizedSeriesCsv.RepositoryPath;
}

/// <summary><c>threshold data check-reported</c>: how a daily series compares with the published 2024 statements.</summary>
internal sealed class CheckReportedCommand : Command<CheckReportedSettings>
{
    public override int Execute(CommandContext context, CheckReportedSettings settings, CancellationToken cancellationToken)
    {
        var series = EncounterCsvReader.ReadFile(settings.Encounters);
        foreach (var c in EncounterColumns.All)
        {
            if (!series.Has(c))
            {
                throw new InputFileException(series.SourceName, series.HeaderLine, $"column '{c.HeaderName()}' is needed to check the published figures");
            }
        }

        var days = Enumerable.Range(0, series.Length).Select(i => new SynthesizedDay(
            series.DateAt(i),
            series.Column(EncounterColumn.BetweenPorts)[i],
            series.Column(EncounterColumn.Coastal)[i],
            series.Column(EncounterColumn.PortsOfEntry)[i],
            series.Column(EncounterColumn.UcNoncontiguousBetweenPorts)[i],
            series.Column(EncounterColumn.UcNoncontiguousPorts)[i])).ToArray();
        var results = ReportedFigureCheck.Evaluate(days);
        var console = Terminal.Create();
        if (series.IsModeled)
        {
            console.MarkupLine("[yellow bold]MODELED series[/]: synthesised from monthly totals; the published statements are bounds, not data points.");
        }

        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn("Statement");
        table.AddColumn("Claim");
        table.AddColumn("How checked");
        table.AddColumn(new TableColumn("Series value").RightAligned());
        table.AddColumn("Agrees");
        foreach (var r in results)
        {
            table.AddRow(Markup.Escape(r.StatementDate), Markup.Escape(r.Claim), Markup.Escape(r.Criterion), r.ComputedValue.ToString("N1", CultureInfo.InvariantCulture), r.Passed ? "[green]yes[/]" : "[red]NO[/]");
        }

        console.Write(table);
        console.MarkupLine($"{results.Count(r => r.Passed)} of {results.Count} statements agree.");
        return results.All(r => r.Passed) ? ExitCodes.Ok : ExitCodes.BadInput;
    }
}
