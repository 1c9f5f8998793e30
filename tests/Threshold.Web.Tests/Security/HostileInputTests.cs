using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Threshold.Record;

namespace Threshold.Web.Tests.Security;

/// <summary>
/// SQL injection strings through every input that reaches a query, and path traversal through every name a client
/// gives, on both backends. Each text is stored exactly as sent or refused with a 400 naming its field; never a 500.
/// Afterwards the tables are all there, the bundled series still replays and the audit chain verifies.
/// </summary>
public abstract class HostileInputTests : IDisposable
{
    /// <summary>Classic injection strings, a NUL (which PostgreSQL cannot store in text) and its escaped spelling.</summary>
    public static readonly string[] Injections =
    [
        "'; DROP TABLE audit_log; --",
        "\" OR 1=1 --",
        "' OR '1'='1",
        "1); DELETE FROM api_keys; --",
        "x' UNION SELECT key_hash, key_hash FROM api_keys --",
        "Robert'); DROP TABLE encounter_days;--",
        "\\x00",
        "nul\0byte",
    ];

    /// <summary>Names that would leave a folder if a server ever joined them onto a path.</summary>
    public static readonly string[] Traversals =
    [
        "../../../../etc/passwd",
        "..",
        "/etc/passwd",
        "..\\..\\windows\\win.ini",
        "file:/etc/passwd",
        "%2e%2e%2fetc%2fpasswd",
        "baseline-2024/../../../etc/hostname",
    ];

    /// <summary>Thirty days of July 2024.</summary>
    private static readonly string Csv = "date,between_ports,coastal,ports_of_entry,uc_noncontiguous_between_ports,uc_noncontiguous_ports\n"
        + string.Concat(Enumerable.Range(1, 30).Select(d => $"2024-07-{d:00},{1000 + d},10,100,50,5\n"));

    private readonly CapturedLog log = new();
    private readonly ThresholdFactory factory;
    private readonly HttpClient admin;
    private readonly string bundled;

    protected HostileInputTests(Backend backend)
    {
        factory = new ThresholdFactory(backend) { Log = log };
        admin = factory.ClientWithRole(ApiRole.Admin);
        // The earlier bundled edition: the tests below were written against its days.
        bundled = factory.Record.Store.Encounters.SeriesNames().Single(n => n.EndsWith("2025-01-19.modeled", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        factory.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task InjectionStrings_AreStoredVerbatimOrRefusedNamingTheField_AndTheRecordStaysWhole()
    {
        var failures = new List<string>();
        for (var i = 0; i < Injections.Length; i++)
        {
            var text = Injections[i];
            var q = Uri.EscapeDataString(text);

            // Series name and import source: stored as given (both are labels, never paths) or refused. A NUL cannot
            // travel in a URL path (the server refuses %00 there before routing), so it goes through the source only.
            var name = text.Contains('\0', StringComparison.Ordinal) ? $"nul-{i}" : text;
            var imported = await admin.PostAsync($"/api/v1/series/{Uri.EscapeDataString(name)}?source={q}", new StringContent(Csv, Encoding.UTF8, "text/csv"));
            if (await Verdict(imported, failures, $"series {Show(text)}", "name", "source") == HttpStatusCode.OK)
            {
                var series = await admin.GetFromJsonAsync<JsonElement>("/api/v1/series");
                var stored = series.GetProperty("result").EnumerateArray().Where(s => s.GetProperty("name").GetString() == name).ToList();
                Expect(failures, stored.Count == 1, $"series {Show(name)} is not listed verbatim");
                var replay = await admin.GetAsync($"/api/v1/timeline?policy=proclamation-10773&series={Uri.EscapeDataString(name)}");
                Expect(failures, replay.StatusCode == HttpStatusCode.OK, $"series {Show(name)} does not replay: {(int)replay.StatusCode} {await replay.Content.ReadAsStringAsync()}");
            }

            // Key name.
            var key = await admin.PostAsJsonAsync("/api/v1/keys", new { name = text, role = "viewer" });
            if (await Verdict(key, failures, $"key name {Show(text)}", "name") == HttpStatusCode.Created)
            {
                var keys = await admin.GetFromJsonAsync<JsonElement>("/api/v1/keys");
                Expect(failures, keys.EnumerateArray().Any(k => k.GetProperty("name").GetString() == text), $"key name {Show(text)} not listed verbatim");
            }

            // Determination: who and the note.
            var date = new DateOnly(2024, 12, 1).AddDays(i);
            var determination = await admin.PostAsJsonAsync("/api/v1/determinations", new
            {
                date = date.ToString("yyyy-MM-dd"),
                kind = "deactivation",
                windowStart = date.AddDays(-7).ToString("yyyy-MM-dd"),
                windowEnd = date.AddDays(-1).ToString("yyyy-MM-dd"),
                by = text,
                note = text,
            });
            if (await Verdict(determination, failures, $"determination by/note {Show(text)}", "by", "note") == HttpStatusCode.Created)
            {
                var list = await admin.GetFromJsonAsync<JsonElement>("/api/v1/determinations");
                Expect(failures, list.GetProperty("result").EnumerateArray().Any(d => d.GetProperty("by").GetString() == text && d.GetProperty("note").GetString() == text), $"determination {Show(text)} not listed verbatim");
            }

            // A case id, stored with its decision and ledger allocation.
            var line = JsonSerializer.Serialize(new { id = text, enteredAt = "2024-07-01T10:00:00-04:00", place = "between-ports", citizenship = "VE" });
            var bulk = await admin.PostAsync($"/api/v1/screen/bulk?policy=proclamation-10773&record=true&series={Uri.EscapeDataString(bundled)}", new StringContent(line + "\n", Encoding.UTF8, "application/x-ndjson"));
            await Verdict(bulk, failures, $"case id {Show(text)}", "id");

            // Instants, dates, ids and names that are looked up: refused naming the field, or simply not found.
            await Refused(failures, $"/api/v1/returns/ledger?asOf={q}", "asOf");
            await Refused(failures, $"/api/v1/timeline?policy=proclamation-10773&series={Uri.EscapeDataString(bundled)}&asKnownOn={q}", "asKnownOn");
            await Refused(failures, $"/api/v1/timeline?policy={q}", "policy");
            await Refused(failures, $"/api/v1/audit/export?from={q}", "from");
            await Refused(failures, $"/api/v1/audit/export?to={q}", "to");
            await Refused(failures, $"/api/v1/explain?policy=proclamation-10773&series={Uri.EscapeDataString(bundled)}&date={q}", "date");
            await Refused(failures, $"/api/v1/timeline?policy=proclamation-10773&series={Uri.EscapeDataString(bundled)}&set={q}", "set");
            await Refused(failures, $"/api/v1/timeline?policy=proclamation-10773&series=no{q}", "series");
            if (!text.Contains('\0', StringComparison.Ordinal))
            {
                await NotFound(failures, await admin.GetAsync($"/api/v1/policies/{q}"), $"policy id {Show(text)}");
                await NotFound(failures, await admin.DeleteAsync($"/api/v1/keys/{q}"), $"key id {Show(text)}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        await AssertRecordWhole();
    }

    [Fact]
    public async Task TraversalNames_NeverReachAFile()
    {
        var failures = new List<string>();
        foreach (var name in Traversals)
        {
            var q = Uri.EscapeDataString(name);
            await Refused(failures, $"/api/v1/timeline?policy={q}", "policy");
            await Refused(failures, $"/api/v1/timeline?policy=proclamation-10773&series={q}", "series");
            var simulation = await admin.PostAsync($"/api/v1/simulation?scenario={q}", new StringContent(string.Empty, System.Text.Encoding.UTF8, "application/yaml"));
            await Verdict(simulation, failures, $"scenario {Show(name)}", "scenario");

            // A series source is a label kept with the import: only its last segment is stored, and nothing is opened.
            var imported = await admin.PostAsync($"/api/v1/series/traversal?source={q}", new StringContent(Csv, Encoding.UTF8, "text/csv"));
            await Verdict(imported, failures, $"series source {Show(name)}", "source");

            // A monthly upload is spooled to a file of the server's own choosing; a bad body is named by line, not a 500.
            var monthly = await admin.PostAsync($"/api/v1/monthly?layout=cbp-sbo&source={q}", new StringContent("not,the,layout\n1,2,3\n", Encoding.UTF8, "text/csv"));
            Expect(failures, monthly.StatusCode == HttpStatusCode.BadRequest, $"monthly source {Show(name)}: {(int)monthly.StatusCode} {await monthly.Content.ReadAsStringAsync()}");
        }

        // A series name is a key in the record, not a path: a traversal stores under that exact name.
        var stored = await admin.PostAsync($"/api/v1/series/{Uri.EscapeDataString("..%2f..%2fetc")}", new StringContent(Csv, Encoding.UTF8, "text/csv"));
        Expect(failures, stored.StatusCode == HttpStatusCode.OK, $"series named ..%2f..%2fetc: {(int)stored.StatusCode}");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        await AssertRecordWhole();
    }

    [Fact]
    public async Task Keys_AreStoredOnlyAsTheirSha256_AndNeverLogged()
    {
        // A key created through the API, used, mistyped, used in a failing request, then revoked.
        var created = await admin.PostAsJsonAsync("/api/v1/keys", new { name = "secrecy", role = "analyst" });
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var secret = body.GetProperty("key").GetString()!;
        var keyId = body.GetProperty("info").GetProperty("keyId").GetString()!;
        var holder = factory.CreateClient();
        holder.DefaultRequestHeaders.Add("X-Api-Key", secret);
        Assert.Equal(HttpStatusCode.OK, (await holder.GetAsync("/api/v1/policies")).StatusCode);
        var forged = secret[..^4] + (secret.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");
        var mistyped = factory.CreateClient();
        mistyped.DefaultRequestHeaders.Add("X-Api-Key", forged);
        Assert.Equal(HttpStatusCode.Unauthorized, (await mistyped.GetAsync("/api/v1/policies")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await holder.GetAsync("/api/v1/timeline?policy=no-such-policy")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync($"/api/v1/keys/{keyId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await holder.GetAsync("/api/v1/policies")).StatusCode);

        var logged = log.Text;
        Assert.Contains("ThresholdAuthenticationHandler", logged, StringComparison.Ordinal); // the capture sees authentication
        // The secret part after "thr_<12-hex id>_" (it may itself hold '_' or '-': base64url).
        var random = secret["thr_000000000000_".Length..];
        Assert.Equal(43, random.Length);
        Assert.DoesNotContain(random, logged, StringComparison.Ordinal);
        Assert.DoesNotContain(forged["thr_000000000000_".Length..], logged, StringComparison.Ordinal);

        // The table itself: the key's SHA-256, never the key.
        using var connection = factory.Record.Store.Database.OpenConnection();
        var cells = connection.Query("SELECT * FROM api_key").Cast<IDictionary<string, object?>>()
            .SelectMany(row => row.Values).Select(v => v?.ToString() ?? string.Empty).ToList();
        Assert.DoesNotContain(cells, c => c.Contains(random, StringComparison.Ordinal));
        Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret))), cells);
    }

    private async Task AssertRecordWhole()
    {
        var verify = await admin.GetFromJsonAsync<JsonElement>("/api/v1/audit/verify");
        Assert.True(verify.GetProperty("result").GetProperty("valid").GetBoolean(), verify.ToString());
        Assert.True(factory.Record.Store.Audit.Verify().IsValid);
        Assert.NotEmpty(factory.Record.Store.Audit.Entries());
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/v1/timeline?policy=proclamation-10773&series={Uri.EscapeDataString(bundled)}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/keys")).StatusCode); // the admin key survived
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/returns/ledger")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/determinations")).StatusCode);
    }

    /// <summary>Accepts a 2xx, or a 400 whose ProblemDetails names one of <paramref name="fields"/>; anything else is a failure.</summary>
    private static async Task<HttpStatusCode> Verdict(HttpResponseMessage response, List<string> failures, string what, params string[] fields)
    {
        if (response.IsSuccessStatusCode)
        {
            return response.StatusCode;
        }

        var body = await response.Content.ReadAsStringAsync();
        var field = response.StatusCode == HttpStatusCode.BadRequest ? Field(body) : null;
        Expect(failures, field is not null && fields.Contains(field), $"{what}: {(int)response.StatusCode}, expected 2xx or a 400 naming {string.Join(" or ", fields)}: {body}");
        return response.StatusCode;
    }

    private async Task Refused(List<string> failures, string path, string field)
    {
        var response = await admin.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        // Named in the field member, or (for an override the engine rejects, e.g. set) by the message: "--set ...".
        var named = Field(body) == field || body.Contains($"\"detail\":\"--{field} ", StringComparison.Ordinal);
        Expect(failures, response.StatusCode == HttpStatusCode.BadRequest && named, $"GET {path}: {(int)response.StatusCode}, expected a 400 naming {field}: {body}");
    }

    private static async Task NotFound(List<string> failures, HttpResponseMessage response, string what)
    {
        Expect(failures, response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static string? Field(string problem)
    {
        try
        {
            return JsonDocument.Parse(problem).RootElement.TryGetProperty("field", out var f) ? f.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void Expect(List<string> failures, bool condition, string message)
    {
        if (!condition)
        {
            failures.Add(message);
        }
    }

    private static string Show(string text) => JsonSerializer.Serialize(text);
}

public sealed class HostileInputTestsOnSqlite() : HostileInputTests(Backend.Sqlite);

public sealed class HostileInputTestsOnPostgres() : HostileInputTests(Backend.Postgres);
