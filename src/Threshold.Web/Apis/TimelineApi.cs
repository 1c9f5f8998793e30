using Microsoft.AspNetCore.Http.HttpResults;
using Threshold.Engine;
using Threshold.Web.Hosting;
using Threshold.Web.Security;

namespace Threshold.Web.Apis;

/// <summary>
/// Replays (the timeline) and explanations of one day, for a stored series or an uploaded CSV, on the timeline asked
/// for (<c>timeline=proposed</c>, the default, or <c>official</c>); every document says which.
/// </summary>
public static class TimelineApi
{
    /// <summary>Name given to an uploaded series in messages and in the replay document.</summary>
    public const string UploadedSource = "uploaded.csv";

    public static IEndpointRouteBuilder MapTimelineApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("Timeline");
        api.MapGet("/timeline", StoredTimeline).RequireAuthorization(Roles.Viewer).Produces<ReplayReport.ReplayDocument>(StatusCodes.Status200OK, "application/json")
            .WithName("Timeline").WithSummary("Replay a stored series (as known on an instant): day statuses, determinations, transitions, each cited; timeline=official follows only the determinations actually made.");
        api.MapPost("/timeline", UploadedTimeline).RequireAuthorization(Roles.Analyst).Accepts<string>("text/csv")
            .WithName("TimelineOfUpload").WithSummary("Replay an uploaded daily encounter CSV (the body) without storing it.");
        api.MapGet("/explain", StoredExplain).RequireAuthorization(Roles.Viewer)
            .WithName("Explain").WithSummary("The chain of reasoning for one day of a stored series.");
        api.MapPost("/explain", UploadedExplain).RequireAuthorization(Roles.Analyst).Accepts<string>("text/csv")
            .WithName("ExplainUpload").WithSummary("The chain of reasoning for one day of an uploaded CSV.");
        return app;
    }

    /// <remarks>The document of a stored series is serialized once per series version and options, then served as bytes.</remarks>
    public static FileContentHttpResult StoredTimeline([AsParameters] ReplayQuery query, TimelineService timelines) =>
        TypedResults.Bytes(timelines.ReplayDocumentJson(query), "application/json");

    public static async Task<Ok<ReplayReport.ReplayDocument>> UploadedTimeline([AsParameters] ReplayQuery query, bool? allowGaps, HttpRequest request, ThresholdSettings settings, TimelineService timelines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timelines);
        var series = await UploadAsync(request, allowGaps, settings, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(ReplayReport.Build(TimelineService.Replay(query, series, timelines.RecordedFor(query))));
    }

    public static Ok<ExplainDocument> StoredExplain([AsParameters] ReplayQuery query, string? date, TimelineService timelines) =>
        Explain(timelines.ReplayStored(query), date);

    public static async Task<Ok<ExplainDocument>> UploadedExplain([AsParameters] ReplayQuery query, string? date, bool? allowGaps, HttpRequest request, ThresholdSettings settings, TimelineService timelines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timelines);
        var series = await UploadAsync(request, allowGaps, settings, cancellationToken).ConfigureAwait(false);
        return Explain(TimelineService.Replay(query, series, timelines.RecordedFor(query)), date);
    }

    internal static async Task<EncounterSeries> UploadAsync(HttpRequest request, bool? allowGaps, ThresholdSettings settings, CancellationToken cancellationToken)
    {
        var text = await ThresholdWebApp.ReadBodyTextAsync(request, settings.MaxRequestBodyBytes, cancellationToken).ConfigureAwait(false);
        return TimelineService.Uploaded(text, UploadedSource, allowGaps ?? false);
    }

    private static Ok<ExplainDocument> Explain(SuspensionTimeline timeline, string? date)
    {
        var day = ReplayQuery.Date("date", date ?? throw new RequestValidationException("date", "date is required (yyyy-MM-dd)"));
        return TypedResults.Ok(ExplainDocument.From(timeline, DayExplanation.For(timeline, day)));
    }
}
