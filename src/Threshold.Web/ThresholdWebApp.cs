using System.Reflection;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.IdentityModel.Tokens;
using NodaTime;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Scalar.AspNetCore;
using Threshold.Record;
using Threshold.Web.Apis;
using Threshold.Web.Components;
using Threshold.Web.Hosting;
using Threshold.Web.Security;

namespace Threshold.Web;

/// <summary>
/// Builds the web service: the REST API under <c>/api/v1</c>, the OpenAPI document at <c>/openapi/v1.json</c>, the
/// API reference at <c>/scalar</c>, and the Blazor dashboard, over the embedded record. Used by <see cref="Program"/>
/// and by <c>./threshold serve</c>.
/// </summary>
public static class ThresholdWebApp
{
    /// <summary>Builds the application from command-line style arguments (<c>--urls</c>, <c>--Threshold:DataDirectory=…</c>).</summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // Named after this assembly even when started from the CLI, so its static assets are found.
            ApplicationName = typeof(ThresholdWebApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseStaticWebAssets();
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        AddServices(builder);
        var app = builder.Build();
        UsePipeline(app);
        return app;
    }

    private static void AddServices(WebApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(ThresholdSettings.DefaultUrls);
            builder.Configuration["urls"] = ThresholdSettings.DefaultUrls;
        }

        var settings = builder.Configuration.GetSection(ThresholdSettings.Section).Get<ThresholdSettings>() ?? new ThresholdSettings();
        var services = builder.Services;
        services.AddSingleton(settings);
        services.AddSingleton(new ServerBinding(builder.Configuration["urls"]!));
        services.AddSingleton<IClock>(NodaTime.SystemClock.Instance); // the edge: rules never read it
        services.AddSingleton<RecordHolder>();
        services.AddSingleton<ApiKeyCache>();
        services.AddSingleton<TimelineService>();
        services.AddSingleton<SimulationService>();
        services.AddSingleton<HeavyJobs>();
        services.AddSingleton<ThresholdMetrics>();
        services.AddThresholdHealthChecks();
        AddTelemetry(services, settings.Metrics);
        services.AddSingleton(new ScreeningService(settings)); // now, so a bad arrangement file stops the start with its line named
        // The build-time OpenAPI generator starts the host to read its endpoints; it must not create a record.
        if (Assembly.GetEntryAssembly()?.GetName().Name != "GetDocument.Insider")
        {
            services.AddHostedService<BundledSeriesImport>();
        }

        // Every problem, whichever code wrote it (the exception handler, status-code pages, an endpoint), carries the
        // request's correlation id: the same as its X-Correlation-Id header and its log lines' scope.
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            c.ProblemDetails.Extensions[CorrelationId.Property] = CorrelationId.Of(c.HttpContext);
            c.ProblemDetails.Detail ??= ProblemMapping.DetailOfStatus(c.HttpContext, c.ProblemDetails.Status);
        });
        services.AddExceptionHandler<ProblemMapping>();
        services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Threshold API";
            document.Info.Description = "US border emergency authorities in code: policies, timelines, explanations, case screening, the returns ledger, the record and MODELED simulations. Every response carries the Threshold-Engine-Version and Threshold-Rule-Set-Version headers, and X-Correlation-Id: the id under which the server logged the request, also in every error's correlationId. Errors are ProblemDetails (application/problem+json).";
            return Task.CompletedTask;
        }).AddThresholdContract());
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase;
            o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
            StrictJson.Apply(o.SerializerOptions);
        });

        // A body that cannot be read throws, so StrictJson can name the member instead of a bare 400.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);

        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = settings.MaxRequestBodyBytes;
            k.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            k.AddServerHeader = false;
        });
        services.Configure<FormOptions>(o => o.MultipartBodyLengthLimit = settings.MaxRequestBodyBytes);

        var authentication = services.AddAuthentication(ThresholdAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ThresholdAuthenticationHandler>(ThresholdAuthenticationHandler.SchemeName, null)
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, o =>
            {
                o.Cookie.Name = "Threshold.Session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.LoginPath = "/signin";
                o.Events.OnValidatePrincipal = SessionCookie.RejectRevokedKeys;
            });
        if (settings.Jwt.Enabled)
        {
            authentication.AddJwtBearer(JwtBearerDefaults.AuthenticationScheme, o =>
            {
                o.MapInboundClaims = false;
                if (settings.Jwt.Authority is { Length: > 0 } authority)
                {
                    o.Authority = authority;
                    o.Audience = settings.Jwt.Audience;
                }
                else
                {
                    o.TokenValidationParameters = new TokenValidationParameters
                    {
                        ValidateIssuer = settings.Jwt.Issuer is not null,
                        ValidIssuer = settings.Jwt.Issuer,
                        ValidateAudience = settings.Jwt.Audience is not null,
                        ValidAudience = settings.Jwt.Audience,
                        IssuerSigningKey = new SymmetricSecurityKey(Convert.FromBase64String(settings.Jwt.SigningKey!)),
                    };
                }
            });
        }

        services.AddAuthorizationBuilder()
            .AddPolicy(Roles.Viewer, p => p.RequireRole(Roles.Viewer))
            .AddPolicy(Roles.Analyst, p => p.RequireRole(Roles.Analyst))
            .AddPolicy(Roles.Operator, p => p.RequireRole(Roles.Operator))
            .AddPolicy(Roles.Admin, p => p.RequireRole(Roles.Admin))
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireRole(Roles.Viewer).Build());
        services.AddCascadingAuthenticationState();
        services.AddAntiforgery(o => o.Cookie.SameSite = SameSiteMode.Strict);

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => RateLimitPartition.GetFixedWindowLimiter(
                ClientIdentity(context),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = settings.RequestsPerSecondPerClient, Window = TimeSpan.FromSeconds(1), QueueLimit = 0 }));
        });

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddScoped<AuthenticationStateProvider, DashboardKeyRecheck>(); // replaces the default: open pages re-check their key
    }

    /// <summary>
    /// OpenTelemetry: metrics from ASP.NET Core, the runtime's HTTP and the server's own meter
    /// (<see cref="ThresholdMetrics"/>), and traces from ASP.NET Core and the server's own spans (so each request has a
    /// W3C trace id, which is its correlation id). Prometheus exposition only when <c>Threshold:Metrics:Prometheus</c> is
    /// true; traces go wherever the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> points, when it is set.
    /// </summary>
    private static void AddTelemetry(IServiceCollection services, MetricsSettings metrics)
    {
        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("threshold", serviceVersion: Threshold.Law.RuleSetVersion.EngineVersion))
            .WithMetrics(m =>
            {
                m.AddAspNetCoreInstrumentation().AddMeter(ThresholdMetrics.MeterName);
                if (metrics.Prometheus)
                {
                    m.AddPrometheusExporter();
                }
            })
            .WithTracing(t => t.AddAspNetCoreInstrumentation(o => o.Filter = c => !c.Request.Path.StartsWithSegments("/_blazor", StringComparison.Ordinal)).AddSource(ThresholdMetrics.MeterName));
        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT")))
        {
            otel.UseOtlpExporter();
        }
    }

    private static void UsePipeline(WebApplication app)
    {
        app.UseCorrelationIds(); // first, so the exception handler's log of a bug runs in the request's scope
        ThresholdMetrics.UseRequestLatency(app); // outside the exception handler: a bug is timed as the 500 it answers
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseProvenanceHeaders();
        app.UseSecurityHeaders();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseCrossSiteWriteChecks();
        app.UseAntiforgery();
        app.UseStrictJsonErrors();

        app.MapStaticAssets().AllowAnonymous();
        app.MapOpenApi().AllowAnonymous();
        // The reference's scripts come from this server (Scalar.AspNetCore embeds them); no font CDN and no telemetry, so
        // it runs under the reference's content security policy with nothing fetched from elsewhere.
        app.MapScalarApiReference(o => o
                .WithTitle("Threshold API reference")
                .DisableDefaultFonts()
                .DisableTelemetry()
                .DisableAgent() // the "Ask AI" agent calls a service outside this server
                .AddPreferredSecuritySchemes(OpenApiContract.ApiKeyScheme))
            .AllowAnonymous();
        app.MapHealthApi();
        var metrics = app.Services.GetRequiredService<ThresholdSettings>().Metrics;
        if (metrics.Prometheus)
        {
            // Read like every other page: open on loopback with anonymous reads, else a viewer's key (X-Api-Key).
            app.MapPrometheusScrapingEndpoint(metrics.Path).WithDisplayName("Prometheus scrape");
        }

        app.MapPoliciesApi();
        app.MapTimelineApi();
        app.MapScreeningApi();
        app.MapReturnsApi();
        app.MapSeriesApi();
        app.MapMonthlyApi();
        app.MapDeterminationsApi();
        app.MapAuditApi();
        app.MapSimulationApi();
        app.MapKeysApi();
        app.MapSignInEndpoints();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
    }

    /// <summary>Rate-limit partition: the API key, else the signed-in name, else the remote address.</summary>
    internal static string ClientIdentity(HttpContext context) =>
        context.User.FindFirst(Roles.KeyIdClaim)?.Value is { } key ? "key:" + key
        : context.User.Identity is { IsAuthenticated: true, Name: { } name } && name != ThresholdAuthenticationHandler.AnonymousName ? "user:" + name
        : "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");

    /// <summary>Reads a request body as UTF-8 text (<see cref="Utf8Text"/>), bounded by <paramref name="maxBytes"/>.</summary>
    internal static async Task<string> ReadBodyTextAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken) =>
        Utf8Text((await ReadBodyBytesAsync(request, maxBytes, cancellationToken).ConfigureAwait(false)).Span);

    /// <summary>
    /// UTF-8 bytes as text, without a leading byte-order mark: the CLI reads files through a StreamReader, which drops
    /// it, so an encounter CSV saved with a BOM (as spreadsheet programs do) is read alike by both.
    /// </summary>
    internal static string Utf8Text(ReadOnlySpan<byte> bytes) =>
        Encoding.UTF8.GetString(bytes.StartsWith(Encoding.UTF8.Preamble) ? bytes[Encoding.UTF8.Preamble.Length..] : bytes);

    /// <summary>Reads a request body, bounded by <paramref name="maxBytes"/> (413 beyond it).</summary>
    internal static async Task<ReadOnlyMemory<byte>> ReadBodyBytesAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream(request.ContentLength is { } n and > 0 and < 1 << 20 ? (int)n : 4096);
        await BodyLimit.CopyAsync(request, buffer, maxBytes, cancellationToken).ConfigureAwait(false);
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }
}
