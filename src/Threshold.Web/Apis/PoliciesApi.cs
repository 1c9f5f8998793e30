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
        api.MapGet("/", ListPolicies).WithName("ListPolicies").WithSummary("Every built-in policy with its parameters, citations and verification marks.");
        api.MapGet("/{id}", GetPolicy).WithName("GetPolicy").WithSummary("One built-in policy.");
        return app;
    }

    public static Ok<PoliciesDocument> ListPolicies() =>
        TypedResults.Ok(new PoliciesDocument(RuleSetVersion.EngineVersion, RuleSetVersion.Current, [.. BuiltInPolicies.All().Select(PolicyDocumentDto.From)]));

    public static Results<Ok<PoliciesDocument>, NotFound<ProblemDetails>> GetPolicy(string id) => BuiltInPolicies.Exists(id)
        ? TypedResults.Ok(new PoliciesDocument(RuleSetVersion.EngineVersion, RuleSetVersion.Current, [PolicyDocumentDto.From(BuiltInPolicies.Get(id))]))
        : TypedResults.NotFound(new ProblemDetails { Status = 404, Title = "No such policy", Detail = $"'{id}' is not a built-in policy ({string.Join(", ", BuiltInPolicies.Ids)})" });
}
