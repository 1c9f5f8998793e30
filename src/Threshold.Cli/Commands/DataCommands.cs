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
    [Description("Where to write the MODELED daily CSV ('-' for stdout; default: data/modeled/daily_encounters_2024-01-01_LAST.modeled.csv, named by its range).")]
    public string? Output { get; init; }

    [CommandOption("--through <DATE>")]
    [Description("Last day of the series: the last day of a month from 2025-01 to the last month of the between-ports figures (default: that last month's end), or 2025-01-19 for the earlier edition that stops the day before Proclamation 10888.")]
    public string? Through { get; init; }
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

        var sources = MonthlySources.Load(settings.Source);
        var lastDay = DailySeriesSynthesizer.LatestLastDay(sources);
        if (settings.Through is { } through)
        {
            lastDay = NodaTime.Text.LocalDatePattern.Iso.Parse(through) is { Success: true } parsed
                ? parsed.Value
                : throw new UsageException($"--through {through}: not a date (yyyy-MM-dd)");
        }

        SynthesizedSeries series;
        try
        {
            series = DailySeriesSynthesizer.Synthesize(sources, SynthesisParameters.Default, lastDay);
        }
        catch (ArgumentOutOfRangeException e) when (e.ParamName == "lastDay")
        {
            throw new UsageException($"--through {settings.Through}: {e.Message[..e.Message.IndexOf(" (Parameter", StringComparison.Ordinal)]}");
        }

        var text = SynthesizedSeriesCsv.ToCsvString(series);
        var output = settings.Output ?? SynthesizedSeriesCsv.PathFor(lastDay);
        if (output == "-")
        {
            Console.Out.Write(text);
            return ExitCodes.Ok;
        }

        // Write beside the target and rename, so a failure never leaves a half-written series.
        var full = Path.GetFullPath(output);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            var temp = full + ".tmp";
            File.WriteAllText(temp, text);
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A folder that is a file, a read-only place, a full disk: the option is at fault, not the program.
            throw new UsageException($"--output {output}: cannot be written ({e.Message.TrimEnd('.')})");
        }

        Console.Out.WriteLine($"wrote {series.Days.Count} MODELED days ({series.Days[0].Date:yyyy-MM-dd} to {series.Days[^1].Date:yyyy-MM-dd}) to {output}");
        return ExitCodes.Ok;
    }
}

internal sealed class CheckReportedSettings : CommandSettings
{
    [CommandOption("--encounters <FILE>")]
    [Description("Daily series to check, with all five columns (default: the bundled modeled series with the latest last day).")]
    public string? Encounters { get; init; }
}

/// <summary><c>threshold data check-reported</c>: how a daily series compares with the published 2024 and 2025 statements.</summary>
internal sealed class CheckReportedCommand : Command<CheckReportedSettings>
{
    public override int Execute(CommandContext context, CheckReportedSettings settings, CancellationToken cancellationToken)
    {
        var bundled = SynthesizedSeriesCsv.Bundled(SynthesizedSeriesCsv.BundledFolder);
        var file = settings.Encounters
            ?? (bundled.Count > 0 ? bundled[0] : null)
            ?? throw new UsageException($"--encounters: no bundled series in {SynthesizedSeriesCsv.BundledFolder}; name a file");
        var series = EncounterCsvReader.ReadFile(file);
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
        IReadOnlyList<ReportedFigureResult> results;
        try
        {
            results = ReportedFigureCheck.Evaluate(days);
        }
        catch (ArgumentException e)
        {
            throw new InputFileException(series.SourceName, 0, e.Message[..e.Message.IndexOf(" (Parameter", StringComparison.Ordinal)]);
        }

        var console = Terminal.Create();
        if (series.IsModeled)
        {
            console.MarkupLine("[yellow bold]MODELED series[/]: synthesised from monthly totals; the published statements are bounds, not data points.");
        }

        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn("Statement");
        table.AddColumn("Mark");
        table.AddColumn("Claim");
        table.AddColumn("How checked");
        table.AddColumn(new TableColumn("Series value").RightAligned());
        table.AddColumn("Agrees");
        foreach (var r in results)
        {
            table.AddRow(Markup.Escape(r.StatementDate), Markup.Escape(r.Mark), Markup.Escape(r.Claim), Markup.Escape(r.Criterion), r.ComputedValue.ToString("N1", CultureInfo.InvariantCulture), r.Passed ? "[green]yes[/]" : "[red]NO[/]");
        }

        console.Write(table);
        console.MarkupLine($"{results.Count(r => r.Passed)} of {results.Count} statements agree ({Markup.Escape(file)}).");
        foreach (var skipped in ReportedFigureCheck.Skipped(days))
        {
            console.MarkupLine($"not evaluated (the series does not cover {skipped.Window}): {Markup.Escape(skipped.StatementDate)} {Markup.Escape(skipped.Claim)}");
        }

        return results.All(r => r.Passed) ? ExitCodes.Ok : ExitCodes.BadInput;
    }
}
