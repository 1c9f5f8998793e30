using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Threshold.Record;

namespace Threshold.Web.Tests.Hosting;

/// <summary>
/// Issue 17 item 7: ASP.NET Core health checks as liveness and readiness probes (the record's database in
/// readiness), and OpenTelemetry metrics exposed for Prometheus only when configured.
/// </summary>
public sealed class OperabilityTests
{
    private const string Case = """{"id":"metrics-1","enteredAt":"2024-07-01T10:00:00-04:00","place":"between-ports","citizenship":"VE"}""";

    [Fact]
    public async Task LiveAndReady_AreHealthy_OnAnOpenRecord_AndHealthKeepsItsContract()
    {
        using var factory = new ThresholdFactory();
        using var client = factory.CreateClient();

        var live = await Probe(client, "/health/live");
        Assert.Equal(HttpStatusCode.OK, live.Status);
        Assert.Equal("healthy", live.Body.GetProperty("status").GetString());
        Assert.Empty(live.Body.GetProperty("checks").EnumerateArray()); // liveness checks no dependency

        var ready = await Probe(client, "/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.Status);
        Assert.Equal("healthy", ready.Body.GetProperty("status").GetString());
        var record = Assert.Single(ready.Body.GetProperty("checks").EnumerateArray());
        Assert.Equal("record", record.GetProperty("name").GetString());
        Assert.Equal("healthy", record.GetProperty("status").GetString());

        // The original /health answer is unchanged: status ready, versions, the series count.
        var health = await client.GetFromJsonAsync<JsonElement>("/health");
        Assert.Equal("ready", health.GetProperty("status").GetString());
        Assert.True(health.GetProperty("series").GetInt32() >= 1);
        Assert.False(string.IsNullOrEmpty(health.GetProperty("engineVersion").GetString()));
    }

    [Fact]
    public async Task Ready_Is503Damaged_OnceTheRecordIsSeenDamaged_WhileLiveStays200()
    {
        using var factory = new ThresholdFactory();
        using var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await Probe(client, "/health/ready")).Status);

        factory.Record.MarkDamaged(new RecordFaultException(RecordFaultKind.Damaged, "the record: the database file is damaged (database disk image is malformed)"));

        var ready = await Probe(client, "/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Status);
        Assert.Equal("unhealthy", ready.Body.GetProperty("status").GetString());
        var record = Assert.Single(ready.Body.GetProperty("checks").EnumerateArray());
        Assert.Equal("damaged", record.GetProperty("fault").GetString());
        Assert.Equal(HttpStatusCode.OK, (await Probe(client, "/health/live")).Status);
    }

    [Fact]
    public async Task Ready_Is503Unavailable_WhenTheDatabaseDoesNotAnswer_WhileLiveStays200()
    {
        // A PostgreSQL record on a port where nothing listens: the server starts (nothing opens the record on start
        // without the bundled import), live answers, ready says the database is unavailable.
        using var factory = new ThresholdFactory(
            ("Threshold:Database", "Host=127.0.0.1;Port=9;Username=threshold;Database=threshold;Timeout=3;Pooling=false"),
            ("Threshold:ImportBundledSeries", "false"));
        using var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await Probe(client, "/health/live")).Status);
        var ready = await Probe(client, "/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Status);
        var record = Assert.Single(ready.Body.GetProperty("checks").EnumerateArray());
        Assert.Equal("unhealthy", record.GetProperty("status").GetString());
        Assert.Equal("unavailable", record.GetProperty("fault").GetString());
        Assert.DoesNotContain("Host=", ready.Text, StringComparison.Ordinal); // no connection string in the answer
        Assert.Equal(HttpStatusCode.OK, (await Probe(client, "/health/live")).Status);
    }

    [Fact]
    public async Task Metrics_AreOffByDefault_404()
    {
        using var factory = new ThresholdFactory();
        using var admin = factory.ClientWithRole(ApiRole.Admin);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task Metrics_WhenEnabled_ArePrometheusText_WithTheServersOwnMeters_AfterRequests()
    {
        using var factory = new ThresholdFactory(("Threshold:Metrics:Prometheus", "true"));
        using var analyst = factory.ClientWithRole(ApiRole.Analyst);
        Assert.Equal(HttpStatusCode.OK, (await analyst.GetAsync("/api/v1/policies")).StatusCode);
        using (var screen = await analyst.PostAsync("/api/v1/screen?policy=proclamation-10773", new StringContent(Case, System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, screen.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await analyst.GetAsync("/api/v1/audit/verify")).StatusCode);

        using var scrape = await analyst.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        Assert.Equal("text/plain", scrape.Content.Headers.ContentType?.MediaType);
        var text = await scrape.Content.ReadAsStringAsync();
        Assert.Contains("threshold_api_request_duration_seconds_bucket{", text, StringComparison.Ordinal);
        Assert.Contains("http_route=\"/api/v1/policies/\"", text, StringComparison.Ordinal);
        Assert.Matches("threshold_cases_screened_total\\{[^}]*endpoint=\"screen\"[^}]*\\} 1", text);
        Assert.Contains("threshold_heavy_jobs_waiting", text, StringComparison.Ordinal);
        Assert.Contains("threshold_heavy_jobs_running", text, StringComparison.Ordinal);
        // Other test servers in this process may verify too (a meter listener sees every meter of its name), so at least 1.
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(text, "threshold_audit_verifications_total\\{[^}]*outcome=\"valid\"[^}]*\\} [1-9][0-9]*\\b"), string.Join("\n", text.Split('\n').Where(l => l.Contains("threshold_audit", StringComparison.Ordinal))));
        Assert.Contains("threshold_audit_verify_entries_total", text, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds_bucket{", text, StringComparison.Ordinal); // ASP.NET Core's own
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body, string Text)> Probe(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone(), text);
    }
}
