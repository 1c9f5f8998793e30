using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Threshold.Record;
using Threshold.Web.Hosting;

namespace Threshold.Web.Security;

/// <summary>
/// The server's one authentication scheme. In order: an API key in the <c>X-Api-Key</c> header; a bearer token when
/// JWT is configured; the dashboard's session cookie (set by signing in with a key); and, only while the server is
/// bound to loopback, the caller's address is loopback and the setting allows it, an anonymous viewer. A header that is present but wrong fails outright
/// rather than falling through to anonymous access.
/// </summary>
internal sealed class ThresholdAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyCache keys,
    ThresholdSettings settings,
    ServerBinding binding)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Threshold";

    public const string ApiKeyHeader = "X-Api-Key";

    public const string AnonymousName = "anonymous (loopback)";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Request.Headers.TryGetValue(ApiKeyHeader, out var presented))
        {
            var key = keys.Authenticate(presented.ToString());
            return key is null
                ? AuthenticateResult.Fail("unknown or revoked API key")
                : Success(Roles.Principal(key.Name, key.Role, SchemeName, key.KeyId));
        }

        if (settings.Jwt.Enabled && Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var bearer = await Context.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme).ConfigureAwait(false);
            if (!bearer.Succeeded)
            {
                return bearer;
            }

            var roleText = bearer.Principal.FindFirst(settings.Jwt.RoleClaim)?.Value;
            return ApiKeyRecord.TryParseRole(roleText, out var role)
                ? Success(Roles.Principal(bearer.Principal.Identity?.Name ?? bearer.Principal.FindFirst("sub")?.Value ?? "token", role, SchemeName))
                : AuthenticateResult.Fail($"the token carries no Threshold role in claim '{settings.Jwt.RoleClaim}'");
        }

        var cookie = await Context.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme).ConfigureAwait(false);
        if (cookie.Succeeded)
        {
            return Success(cookie.Principal);
        }

        // The caller must be local too: behind a proxy with forwarded headers on, the remote address is the real client's.
        // (No address at all: an in-process test server.)
        var localCaller = Context.Connection.RemoteIpAddress is not { } remote || IPAddress.IsLoopback(remote);
        return settings.AllowAnonymousRead && binding.IsLoopbackOnly && localCaller
            ? Success(Roles.Principal(AnonymousName, ApiRole.Viewer, SchemeName))
            : AuthenticateResult.NoResult();
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (!IsApi(Request))
        {
            Response.Redirect("/signin?returnUrl=" + Uri.EscapeDataString(Request.Path + Request.QueryString));
            return Task.CompletedTask;
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = $"ApiKey header=\"{ApiKeyHeader}\"";
        var role = RequiredRole();
        return WriteProblem(
            "A key is needed.",
            $"This request needs a key with the {role} role (or higher), sent in the {ApiKeyHeader} header (or a bearer token where the server accepts them). Ask an admin for a key with that role.",
            role);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        if (!IsApi(Request))
        {
            return Task.CompletedTask;
        }

        var role = RequiredRole();
        string[] order = [Roles.Viewer, Roles.Analyst, Roles.Operator, Roles.Admin];
        var held = order.LastOrDefault(Context.User.IsInRole);
        return WriteProblem(
            "The key's role is not enough.",
            $"This request needs the {role} role (or higher); the key presented has the {held ?? "no"} role. Ask an admin for a key with the {role} role.",
            role);
    }

    /// <summary>The lowest role the endpoint's authorization policies name (the roles are ordered viewer &lt; analyst &lt; operator &lt; admin).</summary>
    private string RequiredRole()
    {
        var policies = Context.GetEndpoint()?.Metadata.GetOrderedMetadata<Microsoft.AspNetCore.Authorization.IAuthorizeData>()
            .Select(a => a.Policy).OfType<string>().ToList() ?? [];
        string[] order = [Roles.Viewer, Roles.Analyst, Roles.Operator, Roles.Admin];
        return order.LastOrDefault(policies.Contains) ?? Roles.Viewer;
    }

    private Task WriteProblem(string title, string detail, string role)
    {
        var problems = Context.RequestServices.GetRequiredService<IProblemDetailsService>();
        var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = Response.StatusCode, Title = title, Detail = detail };
        problem.Extensions["requiredRole"] = role;
        return problems.WriteAsync(new ProblemDetailsContext { HttpContext = Context, ProblemDetails = problem }).AsTask();
    }

    private static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments("/api", StringComparison.Ordinal);

    private static AuthenticateResult Success(ClaimsPrincipal principal) => AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
}
