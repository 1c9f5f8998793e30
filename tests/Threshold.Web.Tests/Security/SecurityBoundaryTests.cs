using System.Net;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Threshold.Record;
using Threshold.Web.Security;

namespace Threshold.Web.Tests.Security;

/// <summary>
/// The edges a hostile client pushes on: bodies over the limits (413 ProblemDetails), forged and revoked keys, and
/// tampered, expired and role-raising session cookies (401), and the security headers on every kind of response. Anonymous
/// reads are off, so a refused credential is a 401 rather than a fall back to the anonymous viewer.
/// </summary>
public sealed class SecurityBoundaryTests : IDisposable
{
    private const string Case = """{"id":"c1","enteredAt":"2024-07-01T10:00:00-04:00","place":"between-ports","citizenship":"VE"}""";
    private const string Screen = "/api/v1/screen?policy=proclamation-10773";
    private const int BodyLimit = 16 * 1024;

    private readonly ThresholdFactory factory = new(("Threshold:AllowAnonymousRead", "false"), ("Threshold:MaxRequestBodyBytes", BodyLimit.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public void Dispose() => factory.Dispose();

    [Fact]
    public async Task BodiesOverTheLimit_Are413ProblemDetails_OnEveryEndpointThatTakesABody()
    {
        var op = factory.ClientWithRole(ApiRole.Operator);
        var big = new string('1', BodyLimit + 1);
        var oneCaseTooBig = "{\"id\":\"" + new string('x', 70 * 1024) + "\"}";
        var calls = new (string Path, string Body, string Type)[]
        {
            (Screen, oneCaseTooBig, "application/json"), // one case is limited to 64 KiB whatever the server-wide limit
            ("/api/v1/screen/bulk?policy=proclamation-10773", big, "application/x-ndjson"),
            ("/api/v1/screen/bulk?policy=proclamation-10773&record=true", big, "application/x-ndjson"),
            ("/api/v1/returns/report?policy=proclamation-10773", big, "application/x-ndjson"),
            ("/api/v1/timeline?policy=proclamation-10773", big, "text/csv"),
            ("/api/v1/explain?policy=proclamation-10773&date=2024-07-01", big, "text/csv"),
            ("/api/v1/series/big", big, "text/csv"),
            ("/api/v1/monthly?layout=cbp-sbo", big, "text/csv"),
            ("/api/v1/simulation", "# " + new string('y', 2 << 20), "application/yaml"),
        };
        foreach (var (path, body, type) in calls)
        {
            var response = await op.PostAsync(path, new StringContent(body, Encoding.UTF8, type));
            Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.DoesNotContain("big", factory.Record.Store.Encounters.SeriesNames());
    }

    [Fact]
    public async Task ForgedMalformedAndRevokedKeys_Are401()
    {
        var created = factory.Record.Keys.Create("real", ApiRole.Admin, "tests");
        var secret = created.Secret;
        var forgeries = new[]
        {
            secret[..^1] + (secret[^1] == 'A' ? 'B' : 'A'), // the real id with a wrong secret
            "thr_000000000000_" + new string('A', 43),       // well formed, unknown
            secret.ToUpperInvariant(),
            secret + " ",
            "Bearer " + secret,
            "thr_" + new string('a', 500),                   // oversized
            string.Empty,
            "' OR 1=1 --",
        };
        foreach (var forged in forgeries)
        {
            var client = factory.CreateClient();
            client.DefaultRequestHeaders.TryAddWithoutValidation("X-Api-Key", forged);
            Assert.True((await client.GetAsync("/api/v1/keys")).StatusCode == HttpStatusCode.Unauthorized, $"key {forged}");
        }

        var holder = factory.CreateClient();
        holder.DefaultRequestHeaders.Add("X-Api-Key", secret);
        Assert.Equal(HttpStatusCode.OK, (await holder.GetAsync("/api/v1/keys")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await holder.DeleteAsync($"/api/v1/keys/{created.Key.KeyId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await holder.GetAsync("/api/v1/policies")).StatusCode);
    }

    [Fact]
    public async Task SessionCookies_TamperedExpiredRevokedOrClaimingAnotherRole_Are401()
    {
        var key = factory.Record.Keys.Create("cookie holder", ApiRole.Analyst, "tests");
        // An API write with the session cookie carries its antiforgery token (CrossSiteWriteTests).
        var (antiforgery, token) = CrossSiteWriteTests.AntiforgeryFor(factory, Roles.Principal(key.Key.Name, key.Key.Role, CookieAuthenticationDefaults.AuthenticationScheme, key.Key.KeyId));
        using var signedIn = WithCookie(Cookie(factory, key.Key, DateTimeOffset.UtcNow.AddHours(1)) + "; " + antiforgery);
        signedIn.DefaultRequestHeaders.Add(CrossSiteWrites.TokenHeader, token);
        Assert.Equal(HttpStatusCode.OK, (await signedIn.PostAsync(Screen, Json(Case))).StatusCode);

        var good = Cookie(factory, key.Key, DateTimeOffset.UtcNow.AddHours(1));
        var middle = good.Length / 2;
        var tampered = good[..middle] + (good[middle] == 'A' ? 'B' : 'A') + good[(middle + 1)..];
        var expired = Cookie(factory, key.Key, DateTimeOffset.UtcNow.AddMinutes(-1));
        // Sealed properly but claiming more than the key holds (as someone who could read the server's data-protection
        // keys might forge it): the role is checked against the record on every request.
        var raised = Cookie(factory, key.Key with { Role = ApiRole.Admin }, DateTimeOffset.UtcNow.AddHours(1));
        var unknown = Cookie(factory, key.Key with { KeyId = "000000000000" }, DateTimeOffset.UtcNow.AddHours(1));
        foreach (var (what, cookie) in new[] { ("tampered", tampered), ("expired", expired), ("raised role", raised), ("unknown key", unknown), ("garbage", "not-a-ticket") })
        {
            var response = await WithCookie(cookie).PostAsync(Screen, Json(Case));
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{what} cookie: {(int)response.StatusCode}");
        }

        factory.Record.Keys.Revoke(key.Key.KeyId, "tests");
        Assert.Equal(HttpStatusCode.Unauthorized, (await WithCookie(good).PostAsync(Screen, Json(Case))).StatusCode);
    }

    [Fact]
    public async Task EveryKindOfResponse_CarriesTheSecurityHeaders()
    {
        var viewer = factory.ClientWithRole(ApiRole.Viewer);
        var anonymous = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var responses = new (string What, HttpResponseMessage Response)[]
        {
            ("health", await anonymous.GetAsync("/health")),
            ("API 200", await viewer.GetAsync("/api/v1/policies")),
            ("API 400", await viewer.GetAsync("/api/v1/timeline?policy=no-such-policy")),
            ("API 401", await anonymous.GetAsync("/api/v1/policies")),
            ("API 403", await viewer.GetAsync("/api/v1/keys")),
            ("API 404", await viewer.GetAsync("/api/v1/no-such-thing")),
            ("API 413", await factory.ClientWithRole(ApiRole.Analyst).PostAsync(Screen, Json(new string(' ', 70 * 1024)))),
            ("dashboard", await viewer.GetAsync("/")),
            ("sign-in redirect", await anonymous.GetAsync("/audit")),
            ("sign-in page", await anonymous.GetAsync("/signin")),
            ("stylesheet", await anonymous.GetAsync("/app.css")),
            ("blazor script", await anonymous.GetAsync("/_framework/blazor.web.js")),
            ("OpenAPI", await anonymous.GetAsync("/openapi/v1.json")),
            ("API reference", await anonymous.GetAsync("/scalar/v1")),
        };
        foreach (var (what, response) in responses)
        {
            var csp = Header(response, "Content-Security-Policy");
            Assert.True(csp is not null, $"{what}: no Content-Security-Policy ({(int)response.StatusCode})");
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
            Assert.Equal(what == "API reference" ? SecurityHeaders.ApiReferencePolicy : SecurityHeaders.ContentSecurityPolicy, csp);
            Assert.True(Header(response, "X-Content-Type-Options") == "nosniff", $"{what}: nosniff");
            Assert.True(Header(response, "X-Frame-Options") == "DENY", $"{what}: X-Frame-Options");
            Assert.True(Header(response, "Referrer-Policy") == "no-referrer", $"{what}: Referrer-Policy");
        }

        Assert.Equal(HttpStatusCode.OK, responses.Single(r => r.What == "stylesheet").Response.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, responses.Single(r => r.What == "sign-in redirect").Response.StatusCode);
    }

    /// <summary>A session cookie sealed by <paramref name="server"/>'s data protection, as signing in would issue it.</summary>
    private static string Cookie(ThresholdFactory server, ApiKeyInfo key, DateTimeOffset expires)
    {
        _ = server.Services; // starts the host
        var options = server.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(CookieAuthenticationDefaults.AuthenticationScheme);
        var principal = Roles.Principal(key.Name, key.Role, CookieAuthenticationDefaults.AuthenticationScheme, key.KeyId);
        var properties = new AuthenticationProperties { IssuedUtc = expires.AddHours(-8), ExpiresUtc = expires };
        return options.TicketDataFormat.Protect(new AuthenticationTicket(principal, properties, CookieAuthenticationDefaults.AuthenticationScheme));
    }

    private HttpClient WithCookie(string value)
    {
        var client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false });
        client.DefaultRequestHeaders.Add("Cookie", "Threshold.Session=" + value);
        return client;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values)
        : response.Content.Headers.TryGetValues(name, out var content) ? string.Join(",", content) : null;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
