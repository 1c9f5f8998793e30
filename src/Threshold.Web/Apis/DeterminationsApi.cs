using Microsoft.AspNetCore.Http.HttpResults;
using Threshold.Engine;
using Threshold.Law;
using Threshold.Record;
using Threshold.Web.Hosting;
using Threshold.Web.Security;

namespace Threshold.Web.Apis;

/// <summary>The Secretary's recorded factual determinations, and how they compare with what the data proposes.</summary>
public static class DeterminationsApi
{
    /// <summary>The body of <c>POST /api/v1/determinations</c>, with the CLI's option names.</summary>
    /// <param name="Policy">The built-in policy it was made under (default proclamation-10773, the only one before determinations named theirs).</param>
    public sealed record RecordDeterminationRequest(string? Date, string? Kind, string? WindowStart, string? WindowEnd, string? By, string? Note, string? Policy = null);

    public static IEndpointRouteBuilder MapDeterminationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/determinations").WithTags("Determinations");
        api.MapGet("/", List).RequireAuthorization(Roles.Viewer)
            .WithName("ListDeterminations").WithSummary("The recorded determinations, by date.");
        api.MapPost("/", Record).RequireAuthorization(Roles.Operator).WithMetadata(RecordWriteMetadata.Instance)
            .WithName("RecordDetermination").WithSummary("Record a determination: date, kind (activation or deactivation), the window relied on, who, a note. It joins the audit chain.");
        api.MapGet("/diff", Diff).RequireAuthorization(Roles.Viewer)
            .WithName("DiffDeterminations").WithSummary("Where the official timeline (the shipped record of determinations made, and those recorded) and the proposed one (from the data) part: determinations and days.");
        return app;
    }

    public static Ok<Stamped<IReadOnlyList<RecordedDeterminationDto>>> List(RecordHolder record) =>
        TypedResults.Ok(Stamped.Of<IReadOnlyList<RecordedDeterminationDto>>([.. record.Store.Determinations.List().Select(RecordedDeterminationDto.From)]));

    public static Created<Stamped<RecordedDeterminationDto>> Record(RecordDeterminationRequest body, RecordHolder record)
    {
        ArgumentNullException.ThrowIfNull(body);
        var recorded = RecordDetermination(record, body);
        return TypedResults.Created($"/api/v1/determinations", Stamped.Of<RecordedDeterminationDto>(recorded));
    }

    /// <remarks>
    /// The diff always compares both timelines, so <c>timeline</c> is refused rather than ignored. The official side is
    /// the instrument as written: the query's what-ifs change only the proposed side.
    /// </remarks>
    public static Ok<Stamped<DeterminationComparison>> Diff([AsParameters] ReplayQuery query, TimelineService timelines, RecordHolder record)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(timelines);
        ArgumentNullException.ThrowIfNull(record);
        if (query.Timeline is not null)
        {
            throw new RequestValidationException("timeline", $"timeline: the diff compares the official and the proposed timelines, so it takes no timeline (got '{query.Timeline}')");
        }

        var proposed = timelines.ReplayStored(query);
        var official = BuiltInDeterminations.For(query.PolicyDocument().Id) is null ? null
            : timelines.ReplayStored(new ReplayQuery { Policy = query.Policy, Series = query.Series, AsKnownOn = query.AsKnownOn, Timeline = "official" });
        return TypedResults.Ok(Stamped.Of(DeterminationComparison.Between(proposed, official, record.Store.Determinations.List())));
    }

    /// <summary>Validates and records a determination; shared by the API and the dashboard's form.</summary>
    public static RecordedDeterminationDto RecordDetermination(RecordHolder record, RecordDeterminationRequest body)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(body);
        var kind = body.Kind switch
        {
            "activation" => DeterminationKind.Activation,
            "deactivation" => DeterminationKind.Deactivation,
            null => throw new RequestValidationException("kind", "kind is required (activation or deactivation)"),
            var other => throw new RequestValidationException("kind", $"kind '{other}' must be activation or deactivation"),
        };
        var policy = body.Policy ?? RecordedDetermination.FirstPolicy;
        if (DeterminationPolicies.Problem(policy) is { } problem)
        {
            throw new RequestValidationException("policy", $"policy '{policy}' {problem}");
        }

        var date = ReplayQuery.Date("date", body.Date ?? throw new RequestValidationException("date", "date is required (yyyy-MM-dd)"));
        var start = ReplayQuery.Date("windowStart", body.WindowStart ?? throw new RequestValidationException("windowStart", "windowStart is required (yyyy-MM-dd)"));
        var end = ReplayQuery.Date("windowEnd", body.WindowEnd ?? throw new RequestValidationException("windowEnd", "windowEnd is required (yyyy-MM-dd)"));
        if (end < start)
        {
            throw new RequestValidationException("windowEnd", $"windowEnd {ReplayReport.Iso(end)} is before windowStart {ReplayReport.Iso(start)}");
        }

        if (end > date)
        {
            throw new RequestValidationException("windowEnd", $"a determination made on {ReplayReport.Iso(date)} cannot rest on data through {ReplayReport.Iso(end)}");
        }

        var by = RequestText.Checked("by", body.By) is { Length: > 0 and <= 200 } b ? b : throw new RequestValidationException("by", "by is required (who records the determination, up to 200 characters)");
        if (RequestText.Checked("note", body.Note, multiline: true) is { Length: > 4000 })
        {
            throw new RequestValidationException("note", "note is limited to 4,000 characters");
        }

        return RecordedDeterminationDto.From(record.Store.Determinations.RecordDetermination(date, kind, start, end, by, body.Note, policy));
    }
}
