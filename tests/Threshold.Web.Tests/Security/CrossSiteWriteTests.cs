using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Threshold.Record;
using Threshold.Web.Security;

namespace Threshold.Web.Tests.Security;

/// <summary>
/// Issue 15, step 7: no cross-site writes. An API write names a JSON, CSV or YAML body (415 otherwise); the session
/// cookie writes through the API only with its antiforgery token (403 otherwise); sign-out checks its token; a
/// sign-in's returnUrl is a local path or the home page, never a 500.
/// </summary>
public sealed partial class CrossSiteWriteTests : IDisposable
{
    private const string Determination = """{"date":"2024-07-01","kind":"activation","windowStart":"2024-06-20","windowEnd":"2024-06-30","by":"tests","note":"csrf"}""";

    private readonly ThresholdFactory factory = new();

    public void Dispose() => factory.Dispose();

    [Fact]
    public async Task ApiWrite_WithoutContentType_OrAsAFormOrPlainText_Is415NamingTheAcceptedTypes_AndStoresNothing()
    {
        using var op = factory.ClientWithRole(ApiRole.Operator);
        var none = new ByteArrayContent(Encoding.UTF8.GetBytes(Determination));
        var plain = new StringContent(Determination, Encoding.UTF8, "text/plain");
        var form = new FormUrlEncodedContent([new("date", "2024-07-01")]);
        foreach (var (what, content) in new (string, HttpContent)[] { ("none", none), ("text/plain", plain), ("form", form) })
        {
            var response = await op.PostAsync("/api/v1/determinations", content);
            Assert.True(response.StatusCode == HttpStatusCode.UnsupportedMediaType, $"{what}: {response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Contains("application/json", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Contains("text/csv", problem.GetProperty("accepted").EnumerateArray().Select(e => e.GetString()));
            Assert.Contains("application/yaml", problem.GetProperty("accepted").EnumerateArray().Select(e => e.GetString()));
        }

        Assert.Empty(factory.Record.Store.Determinations.List());

        // A POST without any body is a write too: a bundled scenario is run with an empty YAML body.
        using var analyst = factory.ClientWithRole(ApiRole.Analyst);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await analyst.PostAsync("/api/v1/simulation?scenario=baseline-2024&paths=2", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await op.PostAsync("/api/v1/determinations", new StringContent(Determination, Encoding.UTF8, "application/json"))).StatusCode);
    }

    [Fact]
    public async Task SessionCookie_WritesThroughTheApiOnlyWithItsAntiforgeryToken()
    {
        var key = factory.Record.Keys.Create("cookie operator", ApiRole.Operator, "tests").Key;
        var principal = Roles.Principal(key.Name, key.Role, CookieAuthenticationDefaults.AuthenticationScheme, key.KeyId);
        var session = SessionCookieValue(factory, principal);

        using var bare = Client("Threshold.Session=" + session);
        var refused = await bare.PostAsync("/api/v1/determinations", new StringContent(Determination, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("antiforgery", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(factory.Record.Store.Determinations.List());

        // Reads need no token.
        Assert.Equal(HttpStatusCode.OK, (await bare.GetAsync("/api/v1/determinations")).StatusCode);

        var (cookie, token) = AntiforgeryFor(factory, principal);
        using var withToken = Client($"Threshold.Session={session}; {cookie}");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/determinations") { Content = new StringContent(Determination, Encoding.UTF8, "application/json") };
        request.Headers.Add(CrossSiteWrites.TokenHeader, token);
        Assert.Equal(HttpStatusCode.Created, (await withToken.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task SignOut_WithoutTheFormToken_IsRefused_AndTheSessionStays()
    {
        var key = factory.Record.Keys.Create("cookie viewer", ApiRole.Viewer, "tests").Key;
        var session = SessionCookieValue(factory, Roles.Principal(key.Name, key.Role, CookieAuthenticationDefaults.AuthenticationScheme, key.KeyId));
        using var client = Client("Threshold.Session=" + session);
        var response = await client.PostAsync("/session/signout", new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("Threshold.Session=", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("/\\evil.example")]
    [InlineData("//evil.example")]
    [InlineData("https://evil.example")]
    [InlineData("/\\/evil.example")]
    [InlineData("javascript:alert(1)")]
    public async Task SignIn_WithAReturnUrlOffThisServer_GoesHome_NotA500(string returnUrl)
    {
        var secret = factory.Record.Keys.Create("returning viewer", ApiRole.Viewer, "tests").Secret;
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var page = await client.GetStringAsync("/signin");
        var token = FormToken().Match(page).Groups[1].Value;
        var response = await client.PostAsync("/session/signin", new FormUrlEncodedContent([new("__RequestVerificationToken", token), new("returnUrl", returnUrl), new("apiKey", secret)]));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("/audit", "/audit")]
    [InlineData("/simulate?x=1", "/simulate?x=1")]
    [InlineData("/\\evil.example", "/")]
    [InlineData("//evil.example", "/")]
    [InlineData("https://evil.example", "/")]
    [InlineData("", "/")]
    [InlineData(null, "/")]
    public void ReturnUrl_IsALocalPathOrHome(string? returnUrl, string expected) => Assert.Equal(expected, SessionCookie.LocalPath(returnUrl));

    /// <summary>A session cookie sealed by the server's data protection, as signing in issues it.</summary>
    internal static string SessionCookieValue(ThresholdFactory server, System.Security.Claims.ClaimsPrincipal principal)
    {
        var options = server.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(CookieAuthenticationDefaults.AuthenticationScheme);
        var properties = new AuthenticationProperties { IssuedUtc = DateTimeOffset.UtcNow, ExpiresUtc = DateTimeOffset.UtcNow.AddHours(1) };
        return options.TicketDataFormat.Protect(new AuthenticationTicket(principal, properties, CookieAuthenticationDefaults.AuthenticationScheme));
    }

    /// <summary>The antiforgery cookie ("name=value") and request token the server would give this signed-in user.</summary>
    internal static (string Cookie, string Token) AntiforgeryFor(ThresholdFactory server, System.Security.Claims.ClaimsPrincipal principal)
    {
        var context = new DefaultHttpContext { RequestServices = server.Services, User = principal };
        var tokens = server.Services.GetRequiredService<IAntiforgery>().GetTokens(context);
        var name = server.Services.GetRequiredService<IOptions<AntiforgeryOptions>>().Value.Cookie.Name;
        return ($"{name}={tokens.CookieToken}", tokens.RequestToken!);
    }

    private HttpClient Client(string cookieHeader)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add("Cookie", cookieHeader);
        return client;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex FormToken();
}
