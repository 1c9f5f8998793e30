using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Threshold.Web.Hosting;

namespace Threshold.Web.Security;

/// <summary>
/// The dashboard's sign-in: a person pastes an API key into a form (antiforgery-checked); the server checks it and
/// issues a session cookie carrying the key's id and role. Each request re-checks that the key is still live, so a
/// revoked key ends its sessions at once.
/// </summary>
public static class SessionCookie
{
    public static IEndpointRouteBuilder MapSignInEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/session/signin", SignInAsync).AllowAnonymous().ExcludeFromDescription();
        app.MapPost("/session/signout", SignOutAsync).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    /// <summary>Signs in with the posted key; a wrong key returns to the form with a message.</summary>
    internal static async Task<IResult> SignInAsync(HttpContext context, RecordHolder record, IAntiforgery antiforgery)
    {
        await antiforgery.ValidateRequestAsync(context).ConfigureAwait(false);
        var form = await context.Request.ReadFormAsync().ConfigureAwait(false);
        var returnUrl = LocalPath(form["returnUrl"].ToString());
        var key = record.Keys.Authenticate(form["apiKey"].ToString().Trim());
        if (key is null)
        {
            return TypedResults.LocalRedirect("/signin?failed=1&returnUrl=" + Uri.EscapeDataString(returnUrl));
        }

        var principal = Roles.Principal(key.Name, key.Role, CookieAuthenticationDefaults.AuthenticationScheme, key.KeyId);
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal).ConfigureAwait(false);
        return TypedResults.LocalRedirect(returnUrl);
    }

    /// <summary>
    /// Signs out, only with the form's antiforgery token: otherwise any page could end a session (a 400 asking to reload
    /// the page, as for the sign-in form).
    /// </summary>
    internal static async Task<IResult> SignOutAsync(HttpContext context, IAntiforgery antiforgery)
    {
        await antiforgery.ValidateRequestAsync(context).ConfigureAwait(false);
        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme).ConfigureAwait(false);
        return TypedResults.LocalRedirect("/");
    }

    /// <summary>
    /// <paramref name="returnUrl"/> when it is a path on this server, else <c>/</c>. A browser reads <c>\</c> as
    /// <c>/</c>, so <c>/\evil.example</c> is <c>//evil.example</c>, another host (and once made the redirect throw: a
    /// 500); schemes, <c>//</c>, backslashes and control characters all fall back to the home page.
    /// </summary>
    public static string LocalPath(string? returnUrl) =>
        returnUrl is { Length: > 0 } r
        && r[0] == '/'
        && (r.Length == 1 || r[1] is not ('/' or '\\'))
        && !r.Contains('\\', StringComparison.Ordinal)
        && !r.Any(char.IsControl)
        && Uri.IsWellFormedUriString(r, UriKind.Relative)
            ? r
            : "/";

    /// <summary>
    /// Rejects a session whose key has been revoked since it signed in, or whose role is not the key's role in the
    /// record (a cookie is sealed with the server's data-protection keys; whoever could read those could otherwise
    /// raise the role written in it).
    /// </summary>
    public static Task RejectRevokedKeys(CookieValidatePrincipalContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var record = context.HttpContext.RequestServices.GetRequiredService<RecordHolder>();
        if (context.Principal?.FindFirst(Roles.KeyIdClaim) is null || !KeyStillHolds(context.Principal, record))
        {
            context.RejectPrincipal();
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// True unless <paramref name="user"/> signed in with an API key that is now revoked, unknown, or of another role
    /// than the one the user holds. A user without a key (a bearer token, or anonymous reading) has nothing to re-check.
    /// </summary>
    internal static bool KeyStillHolds(ClaimsPrincipal user, RecordHolder record) =>
        user.FindFirst(Roles.KeyIdClaim)?.Value is not { } keyId
        || (record.Keys.Find(keyId) is { IsRevoked: false } key && Roles.HighestRole(user) == key.Role);
}
