using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace Threshold.Web.Security;

/// <summary>
/// Keeps other sites from writing through a signed-in browser. A page on another origin can make a browser send a
/// POST without asking the server first (a "simple" request) only as a form or with <c>text/plain</c>; the session
/// cookie is SameSite=Strict, but another port or name of the same host is the same site and still gets it. So every
/// API write must name a JSON, CSV or YAML body (415 otherwise, none accepted when absent), which a browser sends across
/// origins only after a CORS preflight this server never grants; and a write authenticated by the session cookie alone
/// must also carry the antiforgery token of its user in the <see cref="TokenHeader"/> header (403 otherwise). Keys and
/// bearer tokens are not sent by browsers on their own, so they need neither.
/// </summary>
public static class CrossSiteWrites
{
    /// <summary>The header carrying the antiforgery request token of a cookie-authenticated API write.</summary>
    public const string TokenHeader = "RequestVerificationToken";

    /// <summary>The media types an API write may carry (parameters such as charset allowed).</summary>
    public static IReadOnlyList<string> AcceptedTypes { get; } =
    [
        "application/json", "application/x-ndjson", "application/jsonl",
        "text/csv",
        "application/yaml", "application/x-yaml", "text/yaml",
    ];

    /// <summary>Checks API writes after authorization: the content type, then the antiforgery token of a session cookie.</summary>
    public static IApplicationBuilder UseCrossSiteWriteChecks(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!IsApiWrite(context.Request))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        if (!HasAcceptedType(context.Request))
        {
            await RefuseAsync(
                context,
                StatusCodes.Status415UnsupportedMediaType,
                "The request body's media type is not accepted.",
                $"an API write needs a Content-Type of {string.Join(", ", AcceptedTypes)} (got {(context.Request.ContentType is { Length: > 0 } t ? "'" + t + "'" : "none")})").ConfigureAwait(false);
            return;
        }

        if (context.User.Identity?.AuthenticationType == CookieAuthenticationDefaults.AuthenticationScheme
            && !await context.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(context).ConfigureAwait(false))
        {
            await RefuseAsync(
                context,
                StatusCodes.Status403Forbidden,
                "A signed-in browser session may not write through the API without an antiforgery token.",
                $"send the session's antiforgery token in the {TokenHeader} header, or call the API with an X-Api-Key header or a bearer token").ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    });

    /// <summary>
    /// POST, PUT and PATCH under <c>/api</c>; a DELETE only when it carries a body. A bodiless DELETE cannot be sent
    /// across origins without a CORS preflight (which this server never grants), and <c>DELETE /api/v1/keys/{id}</c>
    /// has always been sent without one.
    /// </summary>
    internal static bool IsApiWrite(HttpRequest request) =>
        request.Path.StartsWithSegments("/api", StringComparison.Ordinal)
        && (HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method)
            || (HttpMethods.IsDelete(request.Method) && (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0 || request.ContentType is not null)));

    private static bool HasAcceptedType(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
        && AcceptedTypes.Contains(type.MediaType.Value ?? string.Empty, StringComparer.OrdinalIgnoreCase);

    private static Task RefuseAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        if (status == StatusCodes.Status415UnsupportedMediaType)
        {
            problem.Extensions["accepted"] = AcceptedTypes;
        }

        return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }).AsTask();
    }
}
