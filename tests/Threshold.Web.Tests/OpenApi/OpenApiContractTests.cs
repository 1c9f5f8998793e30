using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Threshold.Web.Tests.Apis;

namespace Threshold.Web.Tests.OpenApi;

/// <summary>
/// Issue 17 item 3: the OpenAPI document describes the API as it behaves. Both the document the server serves and
/// the one committed under <c>src/Threshold.Web/openapi</c> declare the <c>X-Api-Key</c> and bearer schemes, a
/// security requirement on every operation that needs a key (and an explicit "none" on the public ones), every
/// operation's error answers as ProblemDetails with an example, camelCase query names and a server; and Redocly's
/// CLI with its recommended rules finds no error in the committed one.
/// </summary>
public sealed class OpenApiContractTests : IClassFixture<OpenApiContractTests.Server>
{
    private static readonly string CommittedPath = Path.Combine(ApiBehaviourTests.RepositoryRoot(), "src", "Threshold.Web", "openapi", "Threshold.Web.json");

    private readonly Server server;

    public OpenApiContractTests(Server server) => this.server = server;

    public static TheoryData<string> Documents => new() { "served", "committed" };

    [Theory]
    [MemberData(nameof(Documents))]
    public async Task SecuritySchemes_AndAServer_AreDeclared(string which)
    {
        var document = await Document(which);
        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        var apiKey = schemes.GetProperty("ApiKey");
        Assert.Equal("apiKey", apiKey.GetProperty("type").GetString());
        Assert.Equal("header", apiKey.GetProperty("in").GetString());
        Assert.Equal("X-Api-Key", apiKey.GetProperty("name").GetString());
        var bearer = schemes.GetProperty("Bearer");
        Assert.Equal("http", bearer.GetProperty("type").GetString());
        Assert.Equal("bearer", bearer.GetProperty("scheme").GetString());
        Assert.NotEmpty(document.GetProperty("servers").EnumerateArray());
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public async Task EveryOperation_HasItsSecurity_AndItsErrorAnswers_AsProblemDetailsWithAnExample(string which)
    {
        var document = await Document(which);
        var anonymous = PublicOperations();
        var failures = new List<string>();
        var operations = 0;
        foreach (var (path, method, operation) in Operations(document))
        {
            operations++;
            var name = $"{method.ToUpperInvariant()} {path}";
            var security = operation.TryGetProperty("security", out var s) ? s.EnumerateArray().ToList() : [];
            var isPublic = anonymous.Contains(name);
            if (isPublic && !(security.Count == 1 && !security[0].EnumerateObject().Any()))
            {
                failures.Add($"{name}: public, so its security must be [{{}}] (no key needed)");
            }

            if (!isPublic && !(security.Any(r => r.TryGetProperty("ApiKey", out _)) && security.Any(r => r.TryGetProperty("Bearer", out _))))
            {
                failures.Add($"{name}: needs a key, so its security must offer ApiKey and Bearer");
            }

            var responses = operation.GetProperty("responses");
            var expected = new List<string> { "429" };
            if (!isPublic)
            {
                expected.AddRange(["401", "403"]);
            }

            if (operation.TryGetProperty("parameters", out var parameters) && parameters.GetArrayLength() > 0 || operation.TryGetProperty("requestBody", out _))
            {
                expected.Add("400");
            }

            if (operation.TryGetProperty("requestBody", out _))
            {
                expected.Add("413");
            }

            if (path.StartsWith("/api/", StringComparison.Ordinal))
            {
                expected.Add("503");
            }

            foreach (var status in expected)
            {
                if (!responses.TryGetProperty(status, out var response))
                {
                    failures.Add($"{name}: no {status} answer");
                    continue;
                }

                var resolved = Resolve(document, response);
                if (!resolved.TryGetProperty("content", out var content) || !content.TryGetProperty("application/problem+json", out var problem))
                {
                    if (!(name == "GET /health/ready" && status == "503"))
                    {
                        failures.Add($"{name}: its {status} answer is not application/problem+json");
                    }

                    continue;
                }

                if (problem.GetProperty("schema").GetProperty("$ref").GetString() != "#/components/schemas/ProblemDetails")
                {
                    failures.Add($"{name}: its {status} answer's schema is not ProblemDetails");
                }

                if (!problem.TryGetProperty("example", out var example) || example.GetProperty("status").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture) != status)
                {
                    failures.Add($"{name}: its {status} answer has no example with that status");
                }
            }

            foreach (var parameter in operation.TryGetProperty("parameters", out var ps) ? ps.EnumerateArray() : default)
            {
                var parameterName = parameter.GetProperty("name").GetString()!;
                if (parameter.GetProperty("in").GetString() == "query" && !char.IsLower(parameterName[0]))
                {
                    failures.Add($"{name}: query parameter {parameterName} is not camelCase");
                }
            }
        }

        Assert.True(operations >= 29, $"only {operations} operations in the {which} document");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task TheCommittedDocument_IsTheOneTheServerServes()
    {
        // The build regenerates the committed file; a stale one means a change that was not committed with it.
        var served = await Document("served");
        var committed = await Document("committed");
        Assert.Equal(Paths(committed), Paths(served));
    }

    [Fact]
    public async Task CamelCaseQueryNames_Bind_AndThePascalCaseOnesOnceDocumented_StillDo()
    {
        using var client = server.Factory.CreateClient();
        foreach (var query in new[] { "policy=proclamation-10773&asKnownOn=2030-01-01T00:00:00Z", "Policy=proclamation-10773&AsKnownOn=2030-01-01T00:00:00Z" })
        {
            using var response = await client.GetAsync("/api/v1/explain?" + query + "&date=2024-07-01");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using var bad = await client.GetAsync("/api/v1/timeline?policy=proclamation-10773&determinationLag=soon");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("determinationLag", problem.GetProperty("field").GetString());
        Assert.StartsWith("determinationLag: 'soon'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RedoclyLint_WithItsRecommendedRules_FindsNoError_InTheCommittedDocument()
    {
        var root = ApiBehaviourTests.RepositoryRoot();
        var tool = Path.Combine(root, "tools", "redocly");
        Assert.True(
            File.Exists(Path.Combine(tool, "node_modules", ".bin", "redocly")),
            $"Redocly CLI is not installed in {tool}: run `npm ci --prefix tools/redocly` (./run-tests does this); the OpenAPI lint cannot run without it.");
        var start = new ProcessStartInfo("npx", ["--no-install", "--prefix", tool, "redocly", "lint", CommittedPath, "--format=json"])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), "redocly lint did not finish in 3 minutes");
        var output = await stdout;
        var json = output[output.IndexOf('{', StringComparison.Ordinal)..];
        var report = JsonDocument.Parse(json).RootElement;
        var errors = report.GetProperty("totals").GetProperty("errors").GetInt32();
        var problems = report.GetProperty("problems").EnumerateArray()
            .Where(p => p.GetProperty("severity").GetString() == "error")
            .Select(p => $"{p.GetProperty("ruleId").GetString()}: {p.GetProperty("message").GetString()}");
        Assert.True(errors == 0, $"redocly lint: {errors} errors\n{string.Join("\n", problems)}\n{await stderr}");
    }

    private async Task<JsonElement> Document(string which)
    {
        if (which == "committed")
        {
            return JsonDocument.Parse(await File.ReadAllTextAsync(CommittedPath)).RootElement;
        }

        using var client = server.Factory.CreateClient();
        return JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json")).RootElement;
    }

    private static IEnumerable<(string Path, string Method, JsonElement Operation)> Operations(JsonElement document)
    {
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name is "get" or "post" or "put" or "delete" or "patch"))
            {
                yield return (path.Name, operation.Name, operation.Value);
            }
        }
    }

    private static string Paths(JsonElement document) =>
        string.Join("\n", Operations(document).Select(o => $"{o.Method} {o.Path} {string.Join(",", o.Operation.GetProperty("responses").EnumerateObject().Select(r => r.Name).Order(StringComparer.Ordinal))} {string.Join(",", (o.Operation.TryGetProperty("parameters", out var p) ? p.EnumerateArray() : default).Select(x => x.GetProperty("name").GetString()))}").Order(StringComparer.Ordinal));

    private static JsonElement Resolve(JsonElement document, JsonElement response)
    {
        if (!response.TryGetProperty("$ref", out var reference))
        {
            return response;
        }

        var node = document;
        foreach (var part in reference.GetString()!.TrimStart('#', '/').Split('/'))
        {
            node = node.GetProperty(part);
        }

        return node;
    }

    /// <summary>"METHOD /path" of every API endpoint that allows anonymous callers, from the application's own endpoints.</summary>
    private HashSet<string> PublicOperations()
    {
        _ = server.Factory.CreateClient();
        return server.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m => $"{m} /{e.RoutePattern.RawText!.TrimStart('/').TrimEnd('/')}"))
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>One server for the class.</summary>
    public sealed class Server : IDisposable
    {
        public ThresholdFactory Factory { get; } = new();

        public void Dispose() => Factory.Dispose();
    }
}
