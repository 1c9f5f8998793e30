namespace Threshold.Web.Hosting;

/// <summary>
/// On start, opens the record (applying migrations) and, when it holds no series yet, imports the bundled MODELED daily
/// series, so a fresh <c>./threshold serve</c> is ready to use. Hosted services start before the server listens, so
/// <c>/health</c> answers only once this is done.
/// </summary>
internal sealed class BundledSeriesImport(RecordHolder record, ThresholdSettings settings, IWebHostEnvironment environment, ILogger<BundledSeriesImport> log) : IHostedService
{
    /// <summary>The bundled series, relative to the repository root.</summary>
    public const string RelativePath = "data/modeled/daily_encounters_2024-01-01_2025-01-19.modeled.csv";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var store = record.Store;
        if (!settings.ImportBundledSeries || store.Encounters.SeriesNames().Count > 0)
        {
            return Task.CompletedTask;
        }

        if (Find() is not { } path)
        {
            log.LogWarning("The bundled series {Path} was not found; the record starts empty", RelativePath);
            return Task.CompletedTask;
        }

        var result = store.Encounters.ImportFile(Path.GetFileNameWithoutExtension(path), path);
        if (log.IsEnabled(LogLevel.Information))
        {
            log.LogInformation("Imported the bundled MODELED series {Series}: {Days} days", result.SeriesName, result.DayCount);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Looks for the file above the working directory, the content root and the program's folder.</summary>
    private string? Find() => RepositoryFiles.Find(RelativePath, folder: false, environment.ContentRootPath);
}
