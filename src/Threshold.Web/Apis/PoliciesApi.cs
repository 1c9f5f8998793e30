using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Threshold.Law;
using Threshold.Web.Security;

namespace Threshold.Web.Apis;

/// <summary>The instruments: every parameter with its dates, value, citation and verification mark.</summary>
public static class PoliciesApi
{
    public static IEndpointRouteBuilder MapPoliciesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/policies").WithTags("Policies").RequireAuthorization(Roles.Viewer);
        api.MapGet("/", ListPolicies).WithName("ListPolicies").WithSummary("Every built-in policy with its parameters, dated standing events, citations and verification marks; standingOn is today's standing (Eastern) unless ?on=yyyy-MM-dd.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/{id}", GetPolicy).WithName("GetPolicy").WithSummary("One built-in policy, with its standing on ?on=yyyy-MM-dd (default today, Eastern).")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    // Problems go out as TypedResults.Problem: application/problem+json, like every other error of the API.
    public static Results<Ok<PoliciesDocument>, ProblemHttpResult> ListPolicies(NodaTime.IClock clock, string? on = null) =>
        StandingDay(clock, on, out var day) is { } problem
            ? TypedResults.Problem(problem)
            : TypedResults.Ok(new PoliciesDocument(RuleSetVersion.EngineVersion, RuleSetVersion.Current, [.. BuiltInPolicies.All().Select(p => PolicyDocumentDto.From(p, day))]));

    public static Results<Ok<PoliciesDocument>, ProblemHttpResult> GetPolicy(string id, NodaTime.IClock clock, string? on = null) =>
        !BuiltInPolicies.Exists(id)
            ? TypedResults.Problem(new ProblemDetails { Status = 404, Title = "No such policy", Detail = $"'{Threshold.Web.Hosting.ProblemMapping.Quoted(id)}' is not a built-in policy ({string.Join(", ", BuiltInPolicies.Ids)})" })
            : StandingDay(clock, on, out var day) is { } problem
                ? TypedResults.Problem(problem)
                : TypedResults.Ok(new PoliciesDocument(RuleSetVersion.EngineVersion, RuleSetVersion.Current, [PolicyDocumentDto.From(BuiltInPolicies.Get(id), day)]));

    /// <summary>The day whose standing is reported: <paramref name="on"/>, or today in America/New_York by the injected clock.</summary>
    private static ProblemDetails? StandingDay(NodaTime.IClock clock, string? on, out NodaTime.LocalDate day)
    {
        day = Threshold.Engine.EasternTime.DateOf(clock.GetCurrentInstant());
        if (on is null)
        {
            return null;
        }

        var parsed = NodaTime.Text.LocalDatePattern.Iso.Parse(on);
        day = parsed.Success ? parsed.Value : day;
        return parsed.Success ? null : new ProblemDetails { Status = 400, Title = "Invalid query parameter", Detail = $"on: '{Threshold.Web.Hosting.ProblemMapping.Quoted(on)}' is not a date in yyyy-MM-dd form" };
    }
}
