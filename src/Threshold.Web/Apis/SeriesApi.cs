using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Threshold.Web.Hosting;
using Threshold.Web.Security;

namespace Threshold.Web.Apis;

/// <summary>The bitemporal encounter data: the stored series, their imports (revisions), and importing a CSV.</summary>
public static class SeriesApi
{
    public static IEndpointRouteBuilder MapSeriesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/series").WithTags("Data");
        api.MapGet("/", ListSeries).RequireAuthorization(Roles.Viewer)
            .WithName("ListSeries").WithSummary("Every stored series with its imports: when, from which file, how many days were new or revised.");
        api.MapPost("/{name}", Import).RequireAuthorization(Roles.Operator).Accepts<string>("text/csv")
            .WithName("ImportSeries").WithSummary("Record a daily encounter CSV (the body) under a series name. An identical re-import changes nothing; a revision keeps every old value. A bad row stores nothing and is named by line.");
        return app;
    }

    public static Ok<Stamped<IReadOnlyList<SeriesDto>>> ListSeries(RecordHolder record) => TypedResults.Ok(Stamped.Of<IReadOnlyList<SeriesDto>>(
        [.. record.Store.Encounters.SeriesNames().Select(n => new SeriesDto(n, [.. record.Store.Encounters.ImportHistory(n).Select(ImportDto.From)]))]));

    public static async Task<Ok<Stamped<ImportResultDto>>> Import(string name, [FromQuery] string? source, bool? allowGaps, HttpRequest request, RecordHolder record, TimelineService timelines, ThresholdSettings settings, CancellationToken cancellationToken)
    {
        var text = await ThresholdWebApp.ReadBodyTextAsync(request, settings.MaxRequestBodyBytes, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(Stamped.Of<ImportResultDto>(ImportText(record, timelines, name, source ?? TimelineApi.UploadedSource, text, allowGaps ?? false)));
    }

    /// <summary>Validates and records CSV text; shared by the API and the dashboard's upload form.</summary>
    public static ImportResultDto ImportText(RecordHolder record, TimelineService timelines, string name, string source, string csv, bool allowGaps)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(timelines);
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100)
        {
            throw new RequestValidationException("name", "the series name must be 1 to 100 characters");
        }

        var series = TimelineService.Uploaded(csv, Path.GetFileName(source), allowGaps);
        var result = ImportResultDto.From(record.Store.Encounters.Import(name, series, Path.GetFileName(source), TimelineService.Sha256(csv)));
        timelines.Invalidate(name);
        return result;
    }
}
