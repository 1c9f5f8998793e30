using System.Net;
using System.Net.Http.Json;
using System.Text;
using Threshold.Record;

namespace Threshold.Web.Tests.Security;

/// <summary>Each role boundary, allowed and denied, through the real pipeline.</summary>
public sealed class RoleBoundaryTests : IDisposable
{
    private const string Timeline = "/api/v1/timeline?policy=proclamation-10773";
    private const string Screen = "/api/v1/screen?policy=proclamation-10773";
    private const string Case = """{"id":"c1","enteredAt":"2024-07-01T10:00:00-04:00","place":"between-ports","citizenship":"VE"}""";

    private readonly ThresholdFactory factory = new();

    public void Dispose() => factory.Dispose();

    [Fact]
    public async Task Anonymous_OnLoopback_ReadsButCannotScreen()
    {
        var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Timeline)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync(Screen, Json(Case))).StatusCode);
    }

    [Fact]
    public async Task Anonymous_BoundBeyondLoopback_IsRefusedEvenForReads()
    {
        using var exposed = new ThresholdFactory(("urls", "http://0.0.0.0:5080"));
        var response = await exposed.CreateClient().GetAsync(Timeline);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, (await exposed.ClientWithRole(ApiRole.Viewer).GetAsync(Timeline)).StatusCode);
    }

    /// <summary>Issue 17: a refusal says which role the request needs and, for 403, which role the key has.</summary>
    [Fact]
    public async Task Refusals_NameTheRoleNeeded_AndTheRoleHeld()
    {
        var viewer = factory.ClientWithRole(ApiRole.Viewer);
        var screen = await (await viewer.PostAsync(Screen, Json(Case))).Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.Equal(403, screen.GetProperty("status").GetInt32());
        Assert.Equal("analyst", screen.GetProperty("requiredRole").GetString());
        Assert.Contains("needs the analyst role", screen.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("has the viewer role", screen.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var keys = await (await viewer.GetAsync("/api/v1/keys")).Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.Equal("admin", keys.GetProperty("requiredRole").GetString());

        using var closed = new ThresholdFactory(("Threshold:AllowAnonymousRead", "false"));
        var anonymous = await closed.CreateClient().GetAsync(Timeline);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var problem = await anonymous.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.Equal("viewer", problem.GetProperty("requiredRole").GetString());
        Assert.Contains("X-Api-Key", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("--", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Anonymous_OnLoopbackWithSettingOff_IsRefused()
    {
        using var closed = new ThresholdFactory(("Threshold:AllowAnonymousRead", "false"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await closed.CreateClient().GetAsync(Timeline)).StatusCode);
    }

    [Fact]
    public async Task UnknownKey_IsRefused_NotTreatedAsAnonymous()
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", "thr_000000000000_not-a-real-key");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(Timeline)).StatusCode);
    }

    [Fact]
    public async Task Viewer_Reads_ButCannotScreenImportRecordOrManageKeys()
    {
        var viewer = factory.ClientWithRole(ApiRole.Viewer);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync(Timeline)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/v1/audit/verify")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync(Screen, Json(Case))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync("/api/v1/series/x", Csv("date,between_ports\n"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsJsonAsync("/api/v1/determinations", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync("/api/v1/keys")).StatusCode);
    }

    [Fact]
    public async Task Analyst_Screens_ButCannotImportOrRecord()
    {
        var analyst = factory.ClientWithRole(ApiRole.Analyst);
        Assert.Equal(HttpStatusCode.OK, (await analyst.PostAsync(Screen, Json(Case))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.PostAsync("/api/v1/series/x", Csv("date,between_ports\n"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.PostAsJsonAsync("/api/v1/determinations", new { })).StatusCode);
    }

    [Fact]
    public async Task Operator_RecordsDeterminations_ButCannotManageKeys()
    {
        var op = factory.ClientWithRole(ApiRole.Operator);
        var recorded = await op.PostAsJsonAsync("/api/v1/determinations", new { date = "2024-12-20", kind = "deactivation", windowStart = "2024-12-13", windowEnd = "2024-12-19", by = "operator test", note = (string?)null });
        Assert.Equal(HttpStatusCode.Created, recorded.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await op.PostAsync(Screen, Json(Case))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await op.GetAsync("/api/v1/keys")).StatusCode);
    }

    [Fact]
    public async Task Admin_CreatesAndRevokesKeys_AndARevokedKeyStopsWorking()
    {
        var admin = factory.ClientWithRole(ApiRole.Admin);
        var created = await admin.PostAsJsonAsync("/api/v1/keys", new { name = "temporary", role = "viewer" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        var secret = body.GetProperty("key").GetString()!;
        var keyId = body.GetProperty("info").GetProperty("keyId").GetString()!;

        var holder = factory.CreateClient();
        holder.DefaultRequestHeaders.Add("X-Api-Key", secret);
        Assert.Equal(HttpStatusCode.OK, (await holder.GetAsync(Timeline)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync($"/api/v1/keys/{keyId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await holder.GetAsync(Timeline)).StatusCode);

        var kinds = factory.Record.Store.Audit.Entries().Select(e => e.Kind).ToList();
        Assert.Contains("api-key-created", kinds);
        Assert.Contains("api-key-revoked", kinds);
        Assert.True(factory.Record.Store.Audit.Verify().IsValid);
    }

    [Fact]
    public void Keys_AreStoredOnlyAsTheirHash()
    {
        var created = factory.Record.Keys.Create("hash check", ApiRole.Viewer, "tests");
        var database = File.ReadAllBytes(Path.Combine(factory.DataDirectory, "threshold.db"));
        var wal = Path.Combine(factory.DataDirectory, "threshold.db-wal");
        var all = database.Concat(File.Exists(wal) ? File.ReadAllBytes(wal) : []).ToArray();
        Assert.DoesNotContain(created.Secret, Encoding.UTF8.GetString(all), StringComparison.Ordinal);
        Assert.Equal(created.Key.KeyId, factory.Record.Keys.Authenticate(created.Secret)?.KeyId);
    }

    [Fact]
    public async Task RateLimit_RefusesRequestsOverThePerClientLimit()
    {
        using var limited = new ThresholdFactory(("Threshold:RequestsPerSecondPerClient", "3"));
        var client = limited.CreateClient();
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            codes.Add((await client.GetAsync("/api/v1/policies")).StatusCode);
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, codes);
    }

    internal static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    internal static StringContent Csv(string csv) => new(csv, Encoding.UTF8, "text/csv");
}
