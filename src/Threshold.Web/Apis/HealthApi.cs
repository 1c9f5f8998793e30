using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Threshold.Law;
using Threshold.Web.Hosting;

namespace Threshold.Web.Apis;

/// <summary>
/// Health: <c>GET /health</c> (the original answer: the record is open and the bundled data is in it), and the
/// ASP.NET Core health checks as a liveness probe (<c>GET /health/live</c>: the process answers; no dependency is
/// checked, so a database outage never gets the process restarted) and a readiness probe (<c>GET /health/ready</c>:
/// the record's database answers; 503 when it is unavailable or damaged, so a load balancer stops sending traffic).
/// </summary>
public static class HealthApi
{
    /// <summary>The tag of the checks that readiness runs.</summary>
    public const string ReadyTag = "ready";

    /// <summary>The health answer.</summary>
    public sealed record Health(string Status, string EngineVersion, string RuleSetVersion, int Series);

    /// <summary>A probe's answer: <c>healthy</c> or <c>unhealthy</c>, and each check that ran.</summary>
    public sealed record ProbeDocument(string Status, string EngineVersion, string RuleSetVersion, IReadOnlyList<ProbeCheck> Checks);

    /// <summary>One health check's outcome; <c>fault</c> names a storage fault as the API's ProblemDetails do.</summary>
    public sealed record ProbeCheck(string Name, string Status, string? Description, string? Fault, double DurationMs);

    /// <summary>Registers the checks: the record's database, in readiness.</summary>
    public static IServiceCollection AddThresholdHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<RecordHealthCheck>(RecordHealthCheck.Name, HealthStatus.Unhealthy, [ReadyTag]);
        return services;
    }

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", (RecordHolder record) => TypedResults.Ok(new Health("ready", Threshold.Law.RuleSetVersion.EngineVersion, Threshold.Law.RuleSetVersion.Current, record.Store.Encounters.SeriesNames().Count)))
            .WithName("Health").WithSummary("Readiness: the record is open and migrated.").WithTags("Health").AllowAnonymous()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        app.MapGet("/health/live", Live)
            .WithName("Liveness").WithSummary("Liveness probe: the process answers requests. Checks no dependency, so an unavailable database never restarts the process.").WithTags("Health").AllowAnonymous();
        app.MapGet("/health/ready", Ready)
            .WithName("Readiness").WithSummary("Readiness probe (ASP.NET Core health checks): the record's database answers a read and has not been seen damaged. 503 with the failing check and its fault (unavailable, damaged, read-only, disk-full) otherwise.")
            .WithTags("Health").AllowAnonymous()
            .Produces<ProbeDocument>(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    public static async Task<Ok<ProbeDocument>> Live(HealthCheckService checks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checks);
        var report = await checks.CheckHealthAsync(_ => false, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(Document(report));
    }

    public static async Task<Results<Ok<ProbeDocument>, JsonHttpResult<ProbeDocument>>> Ready(HealthCheckService checks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checks);
        var report = await checks.CheckHealthAsync(c => c.Tags.Contains(ReadyTag), cancellationToken).ConfigureAwait(false);
        var document = Document(report);
        return report.Status == HealthStatus.Unhealthy
            ? TypedResults.Json(document, statusCode: StatusCodes.Status503ServiceUnavailable)
            : TypedResults.Ok(document);
    }

    private static ProbeDocument Document(HealthReport report) => new(
        Word(report.Status),
        Threshold.Law.RuleSetVersion.EngineVersion,
        Threshold.Law.RuleSetVersion.Current,
        [.. report.Entries.Select(e => new ProbeCheck(e.Key, Word(e.Value.Status), e.Value.Description, e.Value.Data.TryGetValue("fault", out var f) ? f as string : null, Math.Round(e.Value.Duration.TotalMilliseconds, 3)))]);

    private static string Word(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };
}
