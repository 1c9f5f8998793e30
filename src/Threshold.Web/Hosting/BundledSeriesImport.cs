using Threshold.Record;

namespace Threshold.Web.Hosting;

/// <summary>
/// On start, opens the record (applying migrations) and imports every bundled MODELED daily series
/// (<c>data/modeled/daily_encounters_*.modeled.csv</c>) that the record does not hold yet under its name, so a fresh
/// <c>./threshold serve</c> is ready to use and a record made before a new bundled series shipped gains it. A series
/// already recorded is never re-imported here: its revisions are the operator's to make. Hosted services start before
/// the server listens, so <c>/health</c> answers only once this is done.
/// </summary>
internal sealed class BundledSeriesImport(RecordHolder record, ThresholdSettings settings, IWebHostEnvironment environment, ILogger<BundledSeriesImport> log) : IHostedService
{
    /// <summary>The folder of the bundled series, relative to the repository root.</summary>
    public const string RelativeFolder = "data/modeled";

    /// <summary>The file names that are bundled daily series; the series name is the file name without <c>.csv</c>.</summary>
    public const string Pattern = "daily_encounters_*.modeled.csv";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!settings.ImportBundledSeries)
        {
            return Task.CompletedTask;
        }

        if (RepositoryFiles.Find(RelativeFolder, folder: true, environment.ContentRootPath) is not { } folder)
        {
            log.LogWarning("The bundled series folder {Folder} was not found; no bundled series imported", RelativeFolder);
            return Task.CompletedTask;
        }

        foreach (var result in ImportMissing(record.Store.Encounters, folder))
        {
            if (log.IsEnabled(LogLevel.Information))
            {
                log.LogInformation("Imported the bundled MODELED series {Series}: {Days} days", result.SeriesName, result.DayCount);
            }
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Imports each bundled series file in <paramref name="folder"/> whose series name the record does not hold, in
    /// name order (so the record's first series stays the oldest bundled one, as before); returns what was imported.
    /// </summary>
    public static IReadOnlyList<ImportResult> ImportMissing(IEncounterRecord encounters, string folder)
    {
        ArgumentNullException.ThrowIfNull(encounters);
        var held = encounters.SeriesNames().ToHashSet(StringComparer.Ordinal);
        var imported = new List<ImportResult>();
        foreach (var path in Directory.GetFiles(folder, Pattern).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(path);
            if (held.Add(name))
            {
                imported.Add(encounters.ImportFile(name, path));
            }
        }

        return imported;
    }
}
