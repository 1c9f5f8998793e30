using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Routing;

namespace Threshold.Web.Hosting;

/// <summary>
/// The server's own meter, <c>Threshold.Web</c>, beside ASP.NET Core's (<c>http.server.request.duration</c> and the
/// rest, from its OpenTelemetry instrumentation): API request latency by route, the heavy-job queue
/// (<see cref="HeavyJobs"/>), audit verification progress and cases screened. Exported with the rest when the
/// Prometheus endpoint is on (<see cref="MetricsSettings"/>); the instruments cost nothing while nothing listens.
/// </summary>
public sealed class ThresholdMetrics
{
    /// <summary>The meter's name, for an OpenTelemetry pipeline to subscribe to.</summary>
    public const string MeterName = "Threshold.Web";

    /// <summary>The activity source of the server's own spans (audit verification, bulk screening passes).</summary>
    public static readonly ActivitySource Activities = new(MeterName);

    private readonly Histogram<double> requestDuration;
    private readonly Counter<long> casesScreened;
    private readonly Counter<long> verifications;
    private readonly Counter<long> entriesVerified;
    private readonly UpDownCounter<long> verificationsRunning;
    private readonly Histogram<double> verifyDuration;

    public ThresholdMetrics(IMeterFactory meters, HeavyJobs jobs)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(jobs);
        var meter = meters.Create(MeterName);
        requestDuration = meter.CreateHistogram<double>(
            "threshold.api.request.duration",
            unit: "s",
            description: "Time to answer an API request (/api/v1 and /health), by route template, method and status code.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120] });
        casesScreened = meter.CreateCounter<long>(
            "threshold.cases.screened",
            unit: "{case}",
            description: "Cases screened by the API (one case, bulk, the returns report), by endpoint and policy.");
        verifications = meter.CreateCounter<long>(
            "threshold.audit.verifications",
            unit: "{verification}",
            description: "Audit verifications completed (the hash chain and every stored fact), by outcome: valid or failed.");
        entriesVerified = meter.CreateCounter<long>(
            "threshold.audit.verify.entries",
            unit: "{entry}",
            description: "Audit chain entries checked, counted every 1,000 entries as each verification goes: the progress of a running verification.");
        verificationsRunning = meter.CreateUpDownCounter<long>(
            "threshold.audit.verify.running",
            unit: "{verification}",
            description: "Audit verifications (and exports, which verify first) running now.");
        verifyDuration = meter.CreateHistogram<double>(
            "threshold.audit.verify.duration",
            unit: "s",
            description: "Time one audit verification took.");
        meter.CreateObservableGauge(
            "threshold.heavy_jobs.waiting",
            () => (long)jobs.Waiting,
            unit: "{job}",
            description: "Heavy jobs (simulations, audit verification and export, recorded bulk screening) waiting for a turn.");
        meter.CreateObservableGauge(
            "threshold.heavy_jobs.running",
            () => (long)jobs.Running,
            unit: "{job}",
            description: "Heavy jobs running now.");
    }

    /// <summary>Counts cases screened by <paramref name="endpoint"/> under <paramref name="policy"/>.</summary>
    public void Screened(long cases, string endpoint, string? policy)
    {
        if (cases > 0)
        {
            casesScreened.Add(cases, new KeyValuePair<string, object?>("endpoint", endpoint), new KeyValuePair<string, object?>("policy", policy ?? "none"));
        }
    }

    /// <summary>
    /// Runs one audit verification, counting it running while it runs and its chain entries as they are checked (the
    /// callback given to <paramref name="verify"/>), then its outcome and duration, in a span of its own.
    /// </summary>
    public T Verifying<T>(Func<Action<long>, T> verify, Func<T, bool> valid)
    {
        ArgumentNullException.ThrowIfNull(verify);
        ArgumentNullException.ThrowIfNull(valid);
        using var activity = Activities.StartActivity("threshold.audit.verify");
        verificationsRunning.Add(1);
        var started = Stopwatch.GetTimestamp();
        long entries = 0;
        try
        {
            var result = verify(checkedEntries =>
            {
                entries += checkedEntries;
                entriesVerified.Add(checkedEntries);
            });
            var ok = valid(result);
            verifications.Add(1, new KeyValuePair<string, object?>("outcome", ok ? "valid" : "failed"));
            activity?.SetTag("threshold.audit.entries", entries);
            activity?.SetTag("threshold.audit.valid", ok);
            return result;
        }
        finally
        {
            verificationsRunning.Add(-1);
            verifyDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    /// <summary>Times every request to the API and health routes, by route template (never the raw path: ids stay out).</summary>
    public static IApplicationBuilder UseRequestLatency(IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var path = context.Request.Path;
        if (!path.StartsWithSegments("/api", StringComparison.Ordinal) && !path.StartsWithSegments("/health", StringComparison.Ordinal))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(unmatched)";
            context.RequestServices.GetRequiredService<ThresholdMetrics>().requestDuration.Record(
                Stopwatch.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>("http.route", route),
                new KeyValuePair<string, object?>("http.request.method", context.Request.Method),
                new KeyValuePair<string, object?>("http.response.status_code", context.Response.StatusCode));
        }
    });
}

/// <summary>Metrics and traces settings (<c>Threshold:Metrics</c>).</summary>
public sealed record MetricsSettings
{
    /// <summary>
    /// Serve the Prometheus scrape endpoint (<see cref="Path"/>). Off by default: turn it on with
    /// <c>--Threshold:Metrics:Prometheus=true</c> or <c>Threshold__Metrics__Prometheus=true</c>.
    /// </summary>
    public bool Prometheus { get; init; }

    /// <summary>The path of the scrape endpoint.</summary>
    public string Path { get; init; } = "/metrics";
}
