using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Threshold.Record;

namespace Threshold.Web.Tests.Security;

/// <summary>
/// Every endpoint of the application (read from its <see cref="EndpointDataSource"/>, so an endpoint added without a
/// row here fails) called by anonymous, viewer, analyst, operator and admin clients: the roles at or above its least
/// role get past authorization, the others are refused: 403 for a signed-in role that is too low, 401 (API) or a
/// redirect to the sign-in page (dashboard) when nobody is signed in. Once with anonymous reads on loopback (the
/// default: an anonymous caller is a viewer) and once with them turned off (<c>serve --no-anonymous-read</c>).
/// </summary>
public sealed class RoleMatrixTests
{
    private const string Case = """{"id":"m1","enteredAt":"2024-07-01T10:00:00-04:00","place":"between-ports","citizenship":"VE"}""";

    /// <summary>Who is calling: null is nobody signed in.</summary>
    private static readonly ApiRole?[] Callers = [null, ApiRole.Viewer, ApiRole.Analyst, ApiRole.Operator, ApiRole.Admin];

    /// <summary>
    /// Each endpoint ("METHOD route pattern") with the requests that exercise it and the least role each needs (null:
    /// anyone, even with anonymous reads off). Bodies are minimal: an allowed call may well be a 400, but never a
    /// 401, 403 or 5xx.
    /// </summary>
    private static readonly Dictionary<string, Call[]> Matrix = new(StringComparer.Ordinal)
    {
        ["GET /health"] = [new("GET", "/health", null)],
        ["GET /health/live"] = [new("GET", "/health/live", null)],
        ["GET /health/ready"] = [new("GET", "/health/ready", null)],
        ["GET /openapi/{documentName}.json"] = [new("GET", "/openapi/v1.json", null)],
        ["GET /scalar/{documentName?}"] = [new("GET", "/scalar/v1", null)],
        ["POST /session/signin"] = [new("POST", "/session/signin", null, "apiKey=x", "application/x-www-form-urlencoded")],
        ["POST /session/signout"] = [new("POST", "/session/signout", null)],
        ["GET /api/v1/policies/"] = [new("GET", "/api/v1/policies", ApiRole.Viewer)],
        ["GET /api/v1/policies/{id}"] = [new("GET", "/api/v1/policies/proclamation-10773", ApiRole.Viewer)],
        ["GET /api/v1/timeline"] = [new("GET", "/api/v1/timeline?policy=proclamation-10773", ApiRole.Viewer)],
        ["POST /api/v1/timeline"] = [new("POST", "/api/v1/timeline?policy=proclamation-10773", ApiRole.Analyst, "date,between_ports\n", "text/csv")],
        ["GET /api/v1/explain"] = [new("GET", "/api/v1/explain?policy=proclamation-10773&date=2024-07-01", ApiRole.Viewer)],
        ["POST /api/v1/explain"] = [new("POST", "/api/v1/explain?policy=proclamation-10773&date=2024-07-01", ApiRole.Analyst, "date,between_ports\n", "text/csv")],
        ["POST /api/v1/screen/"] = [new("POST", "/api/v1/screen?policy=proclamation-10773", ApiRole.Analyst, Case)],
        ["POST /api/v1/screen/bulk"] =
        [
            new("POST", "/api/v1/screen/bulk?policy=proclamation-10773", ApiRole.Analyst, Case + "\n", "application/x-ndjson"),
            new("POST", "/api/v1/screen/bulk?policy=proclamation-10773&record=true", ApiRole.Operator, Case + "\n", "application/x-ndjson"),
        ],
        ["GET /api/v1/returns/arrangements"] = [new("GET", "/api/v1/returns/arrangements", ApiRole.Viewer)],
        ["POST /api/v1/returns/report"] = [new("POST", "/api/v1/returns/report?policy=proclamation-10773", ApiRole.Analyst, Case + "\n", "application/x-ndjson")],
        ["GET /api/v1/returns/ledger"] = [new("GET", "/api/v1/returns/ledger", ApiRole.Viewer)],
        ["GET /api/v1/series/"] = [new("GET", "/api/v1/series", ApiRole.Viewer)],
        ["POST /api/v1/series/{name}"] = [new("POST", "/api/v1/series/matrix", ApiRole.Operator, "not a csv\n", "text/csv")],
        ["POST /api/v1/monthly"] = [new("POST", "/api/v1/monthly", ApiRole.Operator, "x\n", "text/csv")],
        ["GET /api/v1/monthly"] = [new("GET", "/api/v1/monthly", ApiRole.Viewer)],
        ["GET /api/v1/monthly/{table}"] = [new("GET", "/api/v1/monthly/khsm_monthly", ApiRole.Viewer)],
        ["GET /api/v1/determinations/"] = [new("GET", "/api/v1/determinations", ApiRole.Viewer)],
        ["POST /api/v1/determinations/"] = [new("POST", "/api/v1/determinations", ApiRole.Operator, "{}")],
        ["GET /api/v1/determinations/diff"] = [new("GET", "/api/v1/determinations/diff?policy=proclamation-10773", ApiRole.Viewer)],
        ["GET /api/v1/audit/verify"] = [new("GET", "/api/v1/audit/verify", ApiRole.Viewer)],
        ["GET /api/v1/audit/export"] = [new("GET", "/api/v1/audit/export", ApiRole.Viewer)],
        ["GET /api/v1/keys/"] = [new("GET", "/api/v1/keys", ApiRole.Admin)],
        ["POST /api/v1/keys/"] = [new("POST", "/api/v1/keys", ApiRole.Admin, "{}")],
        ["DELETE /api/v1/keys/{keyId}"] = [new("DELETE", "/api/v1/keys/thr_000000000000", ApiRole.Admin)],
        ["GET /api/v1/simulation/scenarios"] = [new("GET", "/api/v1/simulation/scenarios", ApiRole.Viewer)],
        ["GET /api/v1/simulation/parameters"] = [new("GET", "/api/v1/simulation/parameters", ApiRole.Viewer)],
        ["POST /api/v1/simulation/"] = [new("POST", "/api/v1/simulation", ApiRole.Analyst, "", "application/yaml")],
        ["POST /api/v1/simulation/sweeps"] = [new("POST", "/api/v1/simulation/sweeps?scenario=baseline-2024", ApiRole.Analyst, "", "application/yaml")],
        ["GET /api/v1/simulation/sweeps/{id}"] = [new("GET", "/api/v1/simulation/sweeps/000000000000000000000000", ApiRole.Analyst)],
        ["GET /api/v1/simulation/sweeps/{id}/result"] = [new("GET", "/api/v1/simulation/sweeps/000000000000000000000000/result", ApiRole.Analyst)],
        ["DELETE /api/v1/simulation/sweeps/{id}"] = [new("DELETE", "/api/v1/simulation/sweeps/000000000000000000000000", ApiRole.Analyst)],
        ["GET /"] = [new("GET", "/", ApiRole.Viewer)],
        ["GET /monitor"] = [new("GET", "/monitor", ApiRole.Viewer)],
        ["GET /audit"] = [new("GET", "/audit", ApiRole.Viewer)],
        ["GET /compare"] = [new("GET", "/compare", ApiRole.Viewer)],
        ["GET /data"] = [new("GET", "/data", ApiRole.Viewer)],
        ["GET /law-timeline"] = [new("GET", "/law-timeline", ApiRole.Viewer)],
        ["GET /returns"] = [new("GET", "/returns", ApiRole.Viewer)],
        ["GET /screen"] = [new("GET", "/screen", ApiRole.Viewer)],
        ["GET /simulate"] = [new("GET", "/simulate", ApiRole.Viewer)],
        ["POST /"] = [new("POST", "/", ApiRole.Viewer, "x=1", "application/x-www-form-urlencoded")],
        ["POST /monitor"] = [new("POST", "/monitor", ApiRole.Viewer, "x=1", "application/x-www-form-urlencoded")],
        ["POST /audit"] = [new("POST", "/audit", ApiRole.Viewer, "x=1", "application/x-www-form-urlencoded")],
        ["POST /compare"] = [new("POST", "/compare", ApiRole.Viewer, "x=1", "application/x-www-form-urlencoded")],
        ["POST /data"] = [new("POST", "/data", ApiRole.Viewer, "x=1", "application/x-www-form-urlencoded")],
        ["POST /law-timeline"] = [new("POST", "/law-timeline", ApiRole.Viewer, "x=1", "application/x-www-form-urlencoded")],
        ["POST /returns"] = [new("POST", "/returns", ApiRole.Viewer, "x=1", "application/x-www-form-urlencoded")],
        ["POST /screen"] = [new("POST", "/screen", ApiRole.Viewer, "x=1", "application/x-www-form-urlencoded")],
        ["POST /simulate"] = [new("POST", "/simulate", ApiRole.Viewer, "x=1", "application/x-www-form-urlencoded")],
        ["GET /signin"] = [new("GET", "/signin", null)],
        ["POST /signin"] = [new("POST", "/signin", null, "x=1", "application/x-www-form-urlencoded")],

        // The Blazor circuit (SignalR) and the framework's own endpoints: signed-in users only.
        ["ANY /_blazor/negotiate"] = [new("POST", "/_blazor/negotiate?negotiateVersion=1", ApiRole.Viewer)],
        ["ANY /_blazor"] = [new("GET", "/_blazor", ApiRole.Viewer)],
        ["ANY /_blazor/disconnect/"] = [new("POST", "/_blazor/disconnect", ApiRole.Viewer)],
        ["ANY /_blazor/initializers/"] = [new("GET", "/_blazor/initializers", ApiRole.Viewer)],
        ["GET /_framework/opaque-redirect"] = [new("GET", "/_framework/opaque-redirect", ApiRole.Viewer)],

        // A path that names no file and no page: the fallback still asks for a signed-in user before answering 404.
        ["GET /{**path:file}"] = [new("GET", "/no-such-file.txt", ApiRole.Viewer)],
        ["HEAD /{**path:file}"] = [new("HEAD", "/no-such-file.txt", ApiRole.Viewer)],

        // The API reference's own files, public like the OpenAPI document.
        ["GET /scalar/scalar.js"] = [new("GET", "/scalar/scalar.js", null)],
        ["GET /scalar/scalar.aspnetcore.js"] = [new("GET", "/scalar/scalar.aspnetcore.js", null)],
        ["GET /scalar/favicon.svg"] = [new("GET", "/scalar/favicon.svg", null)],
    };

    [Fact]
    public async Task EveryEndpoint_AdmitsItsRolesAndRefusesTheOthers_WithAnonymousReadsOn()
    {
        using var factory = new ThresholdFactory();
        var failures = await Failures(factory, anonymousReads: true);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task EveryEndpoint_AdmitsItsRolesAndRefusesTheOthers_WithAnonymousReadsOff()
    {
        using var factory = new ThresholdFactory(("Threshold:AllowAnonymousRead", "false"));
        var failures = await Failures(factory, anonymousReads: false);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static async Task<List<string>> Failures(ThresholdFactory factory, bool anonymousReads)
    {
        var clients = Callers.ToDictionary(c => c?.ToString() ?? "anonymous", c => Client(factory, c));
        var endpoints = Endpoints(factory);
        var failures = endpoints.Where(e => !Matrix.ContainsKey(e)).Select(e => $"{e}: no row in the role matrix").ToList();
        failures.AddRange(Matrix.Keys.Where(k => !endpoints.Contains(k)).Select(k => $"{k}: in the matrix but not an endpoint"));
        foreach (var call in Matrix.Values.SelectMany(calls => calls))
        {
            foreach (var caller in Callers)
            {
                using var request = new HttpRequestMessage(new HttpMethod(call.Method), call.Path);
                if (call.Body is not null)
                {
                    request.Content = new StringContent(call.Body, Encoding.UTF8, call.ContentType);
                }

                using var response = await clients[caller?.ToString() ?? "anonymous"].SendAsync(request);
                var status = (int)response.StatusCode;
                var effective = caller ?? (anonymousReads ? ApiRole.Viewer : null);
                var allowed = call.Least is null || (effective is { } role && role >= call.Least);
                var expected = allowed ? "allowed (not 401/403/5xx)"
                    : effective is not null ? "403"
                    : call.Path.StartsWith("/api/", StringComparison.Ordinal) ? "401" : "302 to /signin";
                var ok = allowed ? status is not (401 or 403) and < 500
                    : effective is not null ? status == 403
                    : call.Path.StartsWith("/api/", StringComparison.Ordinal) ? status == 401
                    : status == 302 && response.Headers.Location?.OriginalString.StartsWith("/signin", StringComparison.Ordinal) == true;
                if (!ok)
                {
                    failures.Add($"{call.Method} {call.Path} as {caller?.ToString() ?? "anonymous"}: {status}, expected {expected}");
                }
            }
        }

        return failures;
    }

    /// <summary>"METHOD pattern" of every routed endpoint, except the static files (each readable by anyone, checked once).</summary>
    private static HashSet<string> Endpoints(ThresholdFactory factory)
    {
        _ = factory.CreateClient(); // starts the host
        var endpoints = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var endpoint in endpoints.Where(e => !IsStaticFile(e)))
        {
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["ANY"];
            foreach (var method in methods)
            {
                names.Add($"{method} {Normalize(endpoint.RoutePattern.RawText)}");
            }
        }

        return names;
    }

    private static string Normalize(string? pattern) => pattern is null ? "?" : pattern.StartsWith('/') ? pattern : "/" + pattern;

    private static bool IsStaticFile(RouteEndpoint endpoint) => endpoint.Metadata.Any(m => m.GetType().Name == "StaticAssetDescriptor");

    private static HttpClient Client(ThresholdFactory factory, ApiRole? role)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (role is { } r)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", factory.Record.Keys.Create($"matrix {r}", r, "tests").Secret);
        }

        return client;
    }

    private sealed record Call(string Method, string Path, ApiRole? Least, string? Body = null, string ContentType = "application/json");
}
