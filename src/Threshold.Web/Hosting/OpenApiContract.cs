using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Threshold.Web.Security;

namespace Threshold.Web.Hosting;

/// <summary>Marks an endpoint that writes to the record, so its OpenAPI operation documents the full-disk 507.</summary>
public sealed class RecordWriteMetadata
{
    /// <summary>The one instance endpoints carry.</summary>
    public static readonly RecordWriteMetadata Instance = new();
}

/// <summary>
/// What the OpenAPI document promises beyond the endpoints' own metadata (issue 17 item 3): the two ways to present a
/// key (<c>X-Api-Key</c> and a bearer token) as security schemes; a security requirement on every operation that needs
/// a role, naming the least role, and an explicit "no key needed" on the public ones; every operation's error answers
/// as ProblemDetails with an example (400, 401, 403, 404, 413, 415, 429, 503, 507 as they apply); and a server (the
/// address the document was read from, or the default address in the committed copy).
/// </summary>
public static class OpenApiContract
{
    /// <summary>The security scheme of the <c>X-Api-Key</c> header.</summary>
    public const string ApiKeyScheme = "ApiKey";

    /// <summary>The security scheme of a bearer token (where the server accepts them).</summary>
    public const string BearerScheme = "Bearer";

    private const string ProblemSchema = "ProblemDetails";
    private const string ProblemJson = "application/problem+json";
    private const string ExampleCorrelationId = "4bf92f3577b34da6a3ce929d0e0e4736";

    /// <summary>The error answers, by status: the shared component's name, its description and an example.</summary>
    private static readonly Dictionary<int, (string Name, string Description, string Title, string Detail, (string Key, JsonNode Value)[] Extensions)> Errors = new()
    {
        [400] = ("BadRequest", "The request is not valid: the answer names the query parameter or body field (field), or the input line (line, source), and the problem.", "A request parameter is not valid.", "policy 'proclamation-1077' is not a built-in policy (proclamation-10773, proclamation-10817, proclamation-10888, asylum-rule-2024, senate-border-act-2024, hr2-2023)", [("field", "policy")]),
        [401] = ("Unauthorized", "No key was presented, or the key is unknown or revoked. requiredRole names the least role the operation needs.", "A key is needed.", "This request needs a key with the viewer role (or higher), sent in the X-Api-Key header (or a bearer token where the server accepts them). Ask an admin for a key with that role.", [("requiredRole", "viewer")]),
        [403] = ("Forbidden", "The key's role is below the operation's least role (requiredRole).", "The key's role is not enough.", "This request needs the operator role (or higher); the key presented has the viewer role. Ask an admin for a key with the operator role.", [("requiredRole", "operator")]),
        [404] = ("NotFound", "Nothing has the id in the path.", "No such policy", "'proclamation-1077' is not a built-in policy (proclamation-10773, proclamation-10817, proclamation-10888, asylum-rule-2024, senate-border-act-2024, hr2-2023)", []),
        [413] = ("PayloadTooLarge", "The request body is larger than the operation accepts (Threshold:MaxRequestBodyBytes, or the operation's own smaller limit).", "The request is not valid.", "the request body is larger than this endpoint accepts (268,435,456 bytes)", []),
        [415] = ("UnsupportedMediaType", "The body's Content-Type is not one the operation reads (its requestBody lists them).", "Unsupported Media Type", "the body's Content-Type application/json is not one this operation reads (it reads text/csv)", []),
        [429] = ("TooManyRequests", "Too many requests from this client (Threshold:RequestsPerSecondPerClient), or the heavy-job queue is full for it; Retry-After says when to retry.", "Too Many Requests", "Too many requests from this client; retry after the time in Retry-After.", []),
        [503] = ("ServiceUnavailable", "The record is unavailable, read-only, damaged or fails verification (fault names which); nothing was stored. Retry-After is set when waiting helps.", "The record is unavailable: nothing was stored.", "the record: the database is unreachable; nothing was stored; retry shortly", [("fault", "unavailable")]),
        [507] = ("InsufficientStorage", "The disk under the record is full: the write was rolled back and nothing was stored; retry after Retry-After once space is freed.", "Disk full: nothing was stored.", "the record: disk full: the write was rolled back and nothing was stored; free space and retry", [("fault", "disk-full")]),
    };

    /// <summary>Adds the contract's transformers to the OpenAPI options.</summary>
    public static OpenApiOptions AddThresholdContract(this OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddOperationTransformer(DescribeOperationAsync);
        options.AddDocumentTransformer((document, _, _) =>
        {
            DescribeDocument(document);
            return Task.CompletedTask;
        });
        return options;
    }

    private static void DescribeDocument(OpenApiDocument document)
    {
        // Served at run time, the document names the address it was read from (the generator adds it from the request),
        // so "try it" in the API reference calls this server; the build-time copy names the default address.
        if (document.Servers is not { Count: > 0 })
        {
            document.Servers = [new OpenApiServer { Url = ThresholdSettings.DefaultUrls, Description = "The default address of ./threshold serve (--urls changes it); the document a server serves names the address it was read from." }];
        }
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
        document.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ThresholdAuthenticationHandler.ApiKeyHeader,
            Description = "An API key (thr_<id>_<secret>) from ./threshold keys create --name NAME --role ROLE or POST /api/v1/keys. Roles are cumulative: viewer < analyst < operator < admin; each operation names its least role.",
        };
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A bearer token from the organisation's identity provider, where the server is configured for one (Threshold:Jwt); its role claim (threshold_role by default) gives the role.",
        };

        // The generator reads ProblemDetails with the API's strict JSON settings (no unknown members); an answer
        // carries extensions, so the schema names them and admits others.
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        document.Components.Schemas[ProblemSchema] = ProblemDetailsSchema();

        foreach (var tag in document.Tags ?? Enumerable.Empty<OpenApiTag>())
        {
            if (tag.Name is { } name && TagDescriptions.TryGetValue(name, out var text))
            {
                tag.Description = text;
            }
        }
    }

    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        ["Health"] = "Liveness and readiness probes, and the original /health answer; no key needed.",
        ["Data"] = "The bitemporal encounter series and the real monthly CBP/OHSS tables: list, and import (operator).",
        ["Policies"] = "The built-in instruments: every parameter with its dates, value, citation and verification mark.",
        ["Timeline"] = "Replays and explanations of one day, for a stored series or an uploaded CSV, with what-if options.",
        ["Screening"] = "Screening one case or many (JSONL or CSV) under one instrument or every instrument in force.",
        ["Returns"] = "The Mexico return arrangements, the ledger report of a batch, and the recorded ledger.",
        ["Determinations"] = "The Secretary's recorded determinations, and how they compare with what the data proposes.",
        ["Audit"] = "The tamper-evident audit chain: verify it, export its entries.",
        ["Simulation"] = "MODELED Monte Carlo runs of the flow model under a scenario.",
        ["Keys"] = "API keys (admin): list, create, revoke.",
    };

    private static OpenApiSchema ProblemDetailsSchema()
    {
        static OpenApiSchema Text(string description) => new() { Type = JsonSchemaType.String, Description = description };
        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "RFC 9457 problem details. Besides the standard members, an answer may carry: correlationId (always), field, line, source, fault, requiredRole, lane, and others named in the docs.",
            Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
            {
                ["type"] = Text("A URI reference naming the kind of problem."),
                ["title"] = Text("A short summary of the kind of problem."),
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "The HTTP status code." },
                ["detail"] = Text("One line: what is wrong, naming the parameter, field, line or option."),
                ["instance"] = Text("The request the problem is about."),
                ["correlationId"] = Text("The id under which the server logged the request (also the X-Correlation-Id header)."),
                ["field"] = Text("The query parameter or body field at fault."),
                ["line"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Description = "The 1-based line of the input at fault." },
                ["source"] = Text("The input the line is in (e.g. request body, uploaded.csv)."),
                ["fault"] = Text("A storage fault: unavailable, read-only, damaged, disk-full or fails-verification."),
                ["requiredRole"] = Text("The least role the operation needs: viewer, analyst, operator or admin."),
                ["lane"] = Text("The heavy-job lane that is full: simulation, verify or record."),
            },
            Required = new HashSet<string>(StringComparer.Ordinal) { "title", "status" },
        };
    }

    private static async Task DescribeOperationAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var document = context.Document ?? throw new InvalidOperationException("the OpenAPI generator gave no document to the operation transformer");
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        operation.Responses ??= [];

        var isPublic = metadata.OfType<IAllowAnonymous>().Any();
        var path = "/" + (context.Description.RelativePath ?? string.Empty).TrimStart('/');
        if (isPublic)
        {
            // An empty requirement: no key needed (a key sent anyway is still checked).
            operation.Security = [new OpenApiSecurityRequirement()];
        }
        else
        {
            var role = LeastRole(metadata);
            operation.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, document)] = [] },
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] },
            ];
            operation.Description = (operation.Description is { Length: > 0 } d ? d + "\n\n" : string.Empty) + $"Least role: **{role}** (X-Api-Key or a bearer token; on a loopback-only server an anonymous caller reads as a viewer unless Threshold:AllowAnonymousRead is false).";
        }

        var statuses = new SortedSet<int> { 429 };
        if (!isPublic)
        {
            statuses.Add(401);
            statuses.Add(403);
        }

        if (context.Description.ParameterDescriptions.Any(p => p.Source != Microsoft.AspNetCore.Mvc.ModelBinding.BindingSource.Services && p.Source != Microsoft.AspNetCore.Mvc.ModelBinding.BindingSource.Special)
            || operation.RequestBody is not null)
        {
            statuses.Add(400);
        }

        if (operation.RequestBody is not null)
        {
            statuses.Add(413);
        }

        if (metadata.OfType<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>().Any(a => a.ContentTypes.Count > 0))
        {
            statuses.Add(415); // routing refuses a body of another content type before the operation runs
        }

        if (path.StartsWith("/api/", StringComparison.Ordinal) || path == "/health" || path == "/health/ready")
        {
            statuses.Add(503); // every answer reads the record (a fault is a 503, never a 500)
        }

        if (metadata.Contains(RecordWriteMetadata.Instance))
        {
            statuses.Add(507);
        }

        if (operation.Responses.ContainsKey("404"))
        {
            statuses.Add(404);
        }

        foreach (var status in statuses)
        {
            var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (operation.Responses.TryGetValue(key, out var existing) && existing.Content is { } content && content.Keys.Any(k => k != ProblemJson))
            {
                continue; // the operation's own answer for this status (e.g. readiness's 503 document)
            }

            await EnsureComponentAsync(document, status, context, cancellationToken).ConfigureAwait(false);
            operation.Responses[key] = new OpenApiResponseReference(Errors[status].Name, document);
        }
    }

    private static async Task EnsureComponentAsync(OpenApiDocument document, int status, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        if (!document.Components.Schemas.ContainsKey(ProblemSchema))
        {
            document.AddComponent(ProblemSchema, await context.GetOrCreateSchemaAsync(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), null, cancellationToken).ConfigureAwait(false));
        }

        document.Components.Responses ??= new Dictionary<string, IOpenApiResponse>(StringComparer.Ordinal);
        var (name, description, title, detail, extensions) = Errors[status];
        if (document.Components.Responses.ContainsKey(name))
        {
            return;
        }

        var example = new JsonObject
        {
            ["type"] = status switch
            {
                400 => "https://tools.ietf.org/html/rfc9110#section-15.5.1",
                401 => "https://tools.ietf.org/html/rfc9110#section-15.5.2",
                403 => "https://tools.ietf.org/html/rfc9110#section-15.5.4",
                404 => "https://tools.ietf.org/html/rfc9110#section-15.5.5",
                413 => "https://tools.ietf.org/html/rfc9110#section-15.5.14",
                415 => "https://tools.ietf.org/html/rfc9110#section-15.5.16",
                429 => "https://tools.ietf.org/html/rfc6585#section-4",
                503 => "https://tools.ietf.org/html/rfc9110#section-15.6.4",
                _ => "https://tools.ietf.org/html/rfc4918#section-11.5",
            },
            ["title"] = title,
            ["status"] = status,
            ["detail"] = detail,
        };
        foreach (var (k, v) in extensions)
        {
            example[k] = v.DeepClone();
        }

        example["correlationId"] = ExampleCorrelationId;
        var response = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal)
            {
                [ProblemJson] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(ProblemSchema, document), Example = example },
            },
        };
        if (status is 429 or 503 or 507)
        {
            response.Headers = new Dictionary<string, IOpenApiHeader>(StringComparer.Ordinal)
            {
                ["Retry-After"] = new OpenApiHeader { Description = "Seconds to wait before retrying (absent when waiting does not help, e.g. a damaged record).", Schema = new OpenApiSchema { Type = JsonSchemaType.Integer } },
            };
        }

        document.AddComponent(name, response);
    }

    /// <summary>The least role the endpoint's policies name; the fallback policy (viewer) when it names none.</summary>
    private static string LeastRole(IList<object> metadata)
    {
        var policies = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).OfType<string>().ToList();
        string[] order = [Roles.Viewer, Roles.Analyst, Roles.Operator, Roles.Admin];
        return order.LastOrDefault(policies.Contains) ?? Roles.Viewer;
    }
}
