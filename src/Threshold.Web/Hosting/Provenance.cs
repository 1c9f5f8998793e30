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

    /// <summary>Adds the provenance headers and the security headers to every response.</summary>
    public static IApplicationBuilder UseProvenanceAndSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        // Set when the response starts, so error responses (whose headers the exception handler clears) carry them too.
        context.Response.OnStarting(() =>
        {
            Stamp(context);
            return Task.CompletedTask;
        });
        return next(context);
    });

    private static void Stamp(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers[EngineVersionHeader] = RuleSetVersion.EngineVersion;
        headers[RuleSetVersionHeader] = RuleSetVersion.Current;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
        // The API reference page loads its own bundled script with inline configuration; the dashboard and the API
        // get the strict policy. Plotly draws with inline styles, hence style-src 'unsafe-inline'.
        if (!context.Request.Path.StartsWithSegments("/scalar", StringComparison.Ordinal))
        {
            headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";
        }
    }
}
