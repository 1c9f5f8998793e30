using System.Diagnostics;

namespace Threshold.Web.Hosting;

/// <summary>
/// One id per request that ties a response to the server's log: the W3C trace id of the request's activity (so a
/// trace exported through OpenTelemetry carries the same id), else ASP.NET Core's request identifier. It is sent back
/// in the <c>X-Correlation-Id</c> header of every response, put in every ProblemDetails as <c>correlationId</c>, and
/// held in a logging scope (<c>CorrelationId</c>) around everything logged while the request runs. A client's own
/// header of that name is ignored: the id names the server's log lines, so only the server mints it.
/// </summary>
public static class CorrelationId
{
    /// <summary>The response header that carries the id.</summary>
    public const string Header = "X-Correlation-Id";

    /// <summary>The ProblemDetails extension and the logging scope property that carry the id.</summary>
    public const string Property = "correlationId";

    private static readonly object ItemKey = new();

    /// <summary>The request's correlation id (the same value on every call for one request).</summary>
    public static string Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Items.TryGetValue(ItemKey, out var known) && known is string id)
        {
            return id;
        }

        id = Activity.Current is { TraceId: var trace } activity && activity.IdFormat == ActivityIdFormat.W3C
            ? trace.ToHexString()
            : context.TraceIdentifier;
        context.Items[ItemKey] = id;
        return id;
    }

    /// <summary>Sends the id on every response (errors included) and scopes the request's log lines with it.</summary>
    public static IApplicationBuilder UseCorrelationIds(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var id = Of(context);
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[Header] = id; // when the response starts: the exception handler clears headers set earlier
            return Task.CompletedTask;
        });
        var log = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CorrelationId).FullName!);
        using (log.BeginScope(new Dictionary<string, object> { ["CorrelationId"] = id }))
        {
            await next(context).ConfigureAwait(false);
        }
    });
}
