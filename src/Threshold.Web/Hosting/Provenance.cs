using Threshold.Law;

namespace Threshold.Web.Hosting;

/// <summary>
/// Stamps every response with the engine version and the rule-set version, the provenance a reader needs to know
/// which law files an answer was computed with (the headers mirror the CLI's <c>engineVersion</c> and
/// <c>ruleSetVersion</c> fields).
/// </summary>
public static class Provenance
{
    public const string EngineVersionHeader = "Threshold-Engine-Version";

    public const string RuleSetVersionHeader = "Threshold-Rule-Set-Version";

    /// <summary>Adds the provenance headers to every response.</summary>
    public static IApplicationBuilder UseProvenanceHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        // Set when the response starts, so error responses (whose headers the exception handler clears) carry them too.
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[EngineVersionHeader] = RuleSetVersion.EngineVersion;
            context.Response.Headers[RuleSetVersionHeader] = RuleSetVersion.Current;
            return Task.CompletedTask;
        });
        return next(context);
    });
}
