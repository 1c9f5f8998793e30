using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Threshold.Record;

namespace Threshold.Web.Tests.Apis;

/// <summary>
/// Issue 17 item 1: every endpoint of the API, read from the application's <see cref="EndpointDataSource"/> (so a
/// route added later is swept without a line here), sent garbage with an admin key: each query and route parameter in
/// turn replaced by malformed, absurd, huge, unknown and badly dated values, and each body endpoint sent malformed
/// JSON, wrong types, a wrong shape, binary and text it does not read. Never a 500; never a stack trace or a server
/// path; every refusal is <c>application/problem+json</c> with a one-line title and detail, a 400 for a bad parameter
/// names it; and the status is one the OpenAPI document lists for that operation.
/// </summary>
public sealed class GarbageSweepTests : IDisposable
{
    /// <summary>Values that make a request answerable, so the one garbage parameter is what the server meets.</summary>
    private static readonly Dictionary<string, string> Valid = new(StringComparer.OrdinalIgnoreCase)
    {
        ["policy"] = "proclamation-10773",
        ["date"] = "2024-07-01",
        ["layout"] = "khsm",
        ["paths"] = "10",
        ["scenario"] = "baseline-2024",
        ["id"] = "proclamation-10773",
        ["table"] = "khsm_monthly",
        ["name"] = "sweep",
        ["keyId"] = "thr_000000000000",
    };

    /// <summary>Garbage for any parameter: (label, value, already percent-encoded).</summary>
    private static readonly (string Label, string Value, bool Encoded)[] Garbage =
    [
        ("empty", string.Empty, false),
        ("words", "not a value", false),
        ("unknown id", "no-such-policy", false),
        ("impossible date", "2024-02-30", false),
        ("malformed date", "9999-99-99", false),
        ("negative", "-1", false),
        ("huge number", "99999999999999999999999999", false),
        ("overflowing float", "1e309", false),
        ("NUL", "a\0b", false),
        ("newline", "line one\nline two", false),
        ("path", "../../../../etc/passwd", false),
        ("SQL", "'; DROP TABLE audit_log;--", false),
        ("pair", "a=b=c", false),
        ("lone surrogate", "%ED%A0%80", true),
        ("invalid UTF-8", "%C3%28%FF", true),
        ("huge", new string('x', 4000), false),
    ];

    /// <summary>Bodies that no endpoint reads: (label, bytes, content type).</summary>
    private static readonly (string Label, byte[] Body, string ContentType)[] Bodies =
    [
        ("malformed JSON", "{\"date\": \"2024-"u8.ToArray(), "application/json"),
        ("wrong types", """{"date":5,"kind":[],"windowStart":{},"windowEnd":true,"by":1,"note":null,"name":7,"role":false,"id":3,"enteredAt":"x"}"""u8.ToArray(), "application/json"),
        ("an array", "[1,2,3]"u8.ToArray(), "application/json"),
        ("null", "null"u8.ToArray(), "application/json"),
        ("unknown members", """{"nots":"a","x":{"y":[1]}}"""u8.ToArray(), "application/json"),
        ("deep nesting", Encoding.UTF8.GetBytes(new string('[', 5000) + new string(']', 5000)), "application/json"),
        ("binary", [0xff, 0xfe, 0x00, 0x01, 0xc3, 0x28, 0x80, 0x00], "application/octet-stream"),
        ("garbage CSV", "date,between_ports\n2024-13-45,-7\nnot,a,row,at,all\n"u8.ToArray(), "text/csv"),
        ("garbage JSONL", "{\"id\":\"a\"}\n{not json\n"u8.ToArray(), "application/x-ndjson"),
        ("garbage YAML", "policies: [\n  - {id: : :\n\t- ]"u8.ToArray(), "application/yaml"),
        ("huge line", Encoding.UTF8.GetBytes("{\"id\":\"" + new string('x', 2_000_000) + "\"}"), "application/json"),
    ];

    private readonly ThresholdFactory factory = new();

    public void Dispose() => factory.Dispose();

    [Fact]
    public async Task EveryEndpoint_AnswersGarbage_WithADocumentedProblem_NeverA500()
    {
        using var admin = factory.ClientWithRole(ApiRole.Admin);
        var documented = await DocumentedStatuses(admin);
        var failures = new List<string>();
        var requests = 0;
        foreach (var endpoint in ApiEndpoints())
        {
            var statuses = documented.TryGetValue($"{endpoint.Method} {endpoint.Path}", out var s) ? s : [];
            if (statuses.Count == 0)
            {
                failures.Add($"{endpoint.Method} {endpoint.Path}: not in the OpenAPI document");
            }

            foreach (var parameter in endpoint.RouteParameters.Concat(endpoint.QueryParameters))
            {
                foreach (var (label, value, encoded) in Garbage)
                {
                    if (endpoint.RouteParameters.Contains(parameter) && (value.Length == 0 || value.Contains('\0', StringComparison.Ordinal)))
                    {
                        // An empty segment is another route (GET /api/v1/series/ for POST /api/v1/series/{name}); a NUL in
                        // the path never reaches the app (Kestrel refuses the request line, the test server throws).
                        continue;
                    }

                    var uri = endpoint.Uri(parameter, encoded ? value : Uri.EscapeDataString(value));
                    using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), uri);
                    if (endpoint.HasBody)
                    {
                        // A body the endpoint reads, so the garbage parameter is the only thing wrong.
                        request.Content = new ByteArrayContent(ValidBody(endpoint));
                        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(endpoint.ContentType);
                    }

                    requests++;
                    await Check(admin, request, $"{endpoint.Method} {endpoint.Path} with {parameter} = {label}", parameter, statuses, failures);
                }
            }

            if (endpoint.HasBody)
            {
                foreach (var (label, body, contentType) in Bodies)
                {
                    using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), endpoint.Uri(null, null)) { Content = new ByteArrayContent(body) };
                    request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
                    requests++;
                    await Check(admin, request, $"{endpoint.Method} {endpoint.Path} with a body of {label}", null, statuses, failures);
                }
            }
        }

        Assert.True(requests > 500, $"only {requests} requests were sent");
        await File.WriteAllLinesAsync(Path.Combine(Directory.CreateDirectory(Path.Combine(ApiBehaviourTests.RepositoryRoot(), "TestResults")).FullName, "garbage-sweep-failures.txt"), failures);
        Assert.True(failures.Count == 0, $"{failures.Count} of {requests} garbage requests were answered badly:\n" + string.Join("\n", failures.Take(60)));
    }

    private async Task Check(HttpClient client, HttpRequestMessage request, string what, string? parameter, HashSet<int> documented, List<string> failures)
    {
        using var response = await client.SendAsync(request);
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync();
        if (status >= 500 && status is not (503 or 507))
        {
            failures.Add($"{what}: {status} {Short(text)}");
            return;
        }

        if (documented.Count > 0 && !documented.Contains(status) && !(status == 200 && documented.Contains(201)))
        {
            failures.Add($"{what}: {status}, which the OpenAPI document does not list ({string.Join(", ", documented.Order())})");
        }

        foreach (var leak in new[] { "   at ", "Exception:", factory.DataDirectory, AppContext.BaseDirectory.TrimEnd('/'), ApiBehaviourTests.RepositoryRoot(), Path.GetTempPath().TrimEnd('/') + "/" })
        {
            if (text.Contains(leak, StringComparison.Ordinal))
            {
                failures.Add($"{what}: the answer shows '{leak}': {Short(text)}");
            }
        }

        if (status < 400)
        {
            return;
        }

        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            failures.Add($"{what}: {status} as {response.Content.Headers.ContentType?.MediaType ?? "no content type"}, not application/problem+json: {Short(text)}");
            return;
        }

        var problem = JsonDocument.Parse(text).RootElement;
        var title = problem.TryGetProperty("title", out var t) ? t.GetString() : null;
        var detail = problem.TryGetProperty("detail", out var d) ? d.GetString() : null;
        if (string.IsNullOrWhiteSpace(title) || string.IsNullOrWhiteSpace(detail) || detail.Contains('\n', StringComparison.Ordinal) || title.Contains('\n', StringComparison.Ordinal) || detail.Length > 1200)
        {
            failures.Add($"{what}: {status} without a one-line title and detail: {Short(text)}");
        }

        if (status == 400 && parameter is not null && detail is not null)
        {
            var field = problem.TryGetProperty("field", out var f) ? f.GetString() : null;
            if (!string.Equals(field, parameter, StringComparison.OrdinalIgnoreCase) && !detail.Contains(parameter, StringComparison.OrdinalIgnoreCase))
            {
                failures.Add($"{what}: the 400 does not name {parameter}: {Short(text)}");
            }
        }
    }

    private static byte[] ValidBody(Endpoint endpoint)
    {
        var root = ApiBehaviourTests.RepositoryRoot();
        const string Case = """{"id":"sweep-1","enteredAt":"2024-07-01T10:00:00-04:00","place":"between-ports","citizenship":"VE"}""";
        return endpoint.Path == "/api/v1/monthly" ? File.ReadAllBytes(Path.Combine(root, "data", "source", "usbp_khsm_monthly_region_fy2000_fy2025nov.csv"))
            : endpoint.ContentType == "text/csv" ? File.ReadAllBytes(Path.Combine(root, "data", "modeled", "daily_encounters_2024-01-01_2025-01-19.modeled.csv"))
            : endpoint.ContentType == "application/json" ? Encoding.UTF8.GetBytes(Case)
            : endpoint.ContentType == "application/x-ndjson" ? Encoding.UTF8.GetBytes(Case + "\n")
            : [];
    }

    private static string Short(string text) => text.Length <= 300 ? text.ReplaceLineEndings(" ") : text[..300].ReplaceLineEndings(" ") + "…";

    /// <summary>Every API route (under /api and /health) with its method and the parameters the API explorer reads.</summary>
    private List<Endpoint> ApiEndpoints()
    {
        _ = factory.CreateClient(); // starts the host
        var descriptions = factory.Services.GetRequiredService<IApiDescriptionGroupCollectionProvider>().ApiDescriptionGroups.Items
            .SelectMany(g => g.Items)
            .ToLookup(d => $"{d.HttpMethod} /{(d.RelativePath ?? string.Empty).TrimEnd('/')}", StringComparer.OrdinalIgnoreCase);
        var endpoints = new List<Endpoint>();
        foreach (var route in factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var path = "/" + (route.RoutePattern.RawText ?? string.Empty).Trim('/');
            if (!path.StartsWith("/api/", StringComparison.Ordinal) && !path.StartsWith("/health", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var method in route.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            {
                var description = descriptions[$"{method} {path}"].FirstOrDefault();
                var query = description?.ParameterDescriptions.Where(p => p.Source.Id == "Query").Select(p => p.Name).Distinct(StringComparer.Ordinal).ToList() ?? [];
                var hasBody = method is "POST" or "PUT" or "PATCH";
                var contentType = route.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>() is { ContentTypes.Count: > 0 } accepts ? accepts.ContentTypes[0] : "application/json";
                endpoints.Add(new Endpoint(method, path, [.. route.RoutePattern.Parameters.Select(p => p.Name)], query, hasBody, contentType));
            }
        }

        Assert.True(endpoints.Count >= 29, $"only {endpoints.Count} API endpoints found");
        return endpoints;
    }

    /// <summary>The statuses the served OpenAPI document lists for each "METHOD /path".</summary>
    private static async Task<Dictionary<string, HashSet<int>>> DocumentedStatuses(HttpClient client)
    {
        var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json")).RootElement;
        var statuses = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal);
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name is "get" or "post" or "put" or "delete" or "patch"))
            {
                statuses[$"{operation.Name.ToUpperInvariant()} {path.Name.TrimEnd('/')}"] = [.. operation.Value.GetProperty("responses").EnumerateObject().Select(r => int.Parse(r.Name, System.Globalization.CultureInfo.InvariantCulture))];
            }
        }

        return statuses;
    }

    private sealed record Endpoint(string Method, string Path, IReadOnlyList<string> RouteParameters, IReadOnlyList<string> QueryParameters, bool HasBody, string ContentType)
    {
        /// <summary>The path and query with valid values everywhere but <paramref name="garbled"/>, which gets <paramref name="escaped"/>.</summary>
        public string Uri(string? garbled, string? escaped)
        {
            var path = Path;
            foreach (var name in RouteParameters)
            {
                var value = name == garbled ? escaped! : System.Uri.EscapeDataString(Valid.GetValueOrDefault(name, "x"));
                path = path.Replace("{" + name + "}", value, StringComparison.Ordinal);
            }

            var query = QueryParameters
                .Select(q => q == garbled ? $"{q}={escaped}" : Valid.TryGetValue(q, out var v) ? $"{q}={System.Uri.EscapeDataString(v)}" : null)
                .OfType<string>();
            var text = string.Join("&", query);
            return text.Length == 0 ? path : path + "?" + text;
        }
    }
}
