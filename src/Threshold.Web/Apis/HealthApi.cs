using Microsoft.AspNetCore.Http.HttpResults;
using Threshold.Law;
using Threshold.Web.Hosting;

namespace Threshold.Web.Apis;

/// <summary><c>GET /health</c>: answers once the record is open and the bundled data is in it.</summary>
public static class HealthApi
{
    /// <summary>The health answer.</summary>
    public sealed record Health(string Status, string EngineVersion, string RuleSetVersion, int Series);

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", (RecordHolder record) => TypedResults.Ok(new Health("ready", Threshold.Law.RuleSetVersion.EngineVersion, Threshold.Law.RuleSetVersion.Current, record.Store.Encounters.SeriesNames().Count)))
            .WithName("Health").WithSummary("Readiness: the record is open and migrated.").WithTags("Health").AllowAnonymous();
        return app;
    }
}
