using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Threshold.Record;
using Threshold.Web;
using Threshold.Web.Hosting;

namespace Threshold.Web.Tests;

/// <summary>
/// The real application over a fresh record (the bundled series is imported on start, as <c>./threshold serve</c>
/// does): a SQLite file in a temporary folder, or a fresh schema in the test run's PostgreSQL cluster. Settings are
/// passed as configuration, e.g. the bound URLs or anonymous access. <see cref="SharingRecordOf"/> starts a second
/// server instance on the same record.
/// </summary>
public sealed class ThresholdFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> settings;
    private readonly string? schema;
    private readonly bool ownsRecord = true;

    public ThresholdFactory(params (string Key, string? Value)[] settings)
        : this(Backend.Sqlite, settings)
    {
    }

    public ThresholdFactory(Backend backend, params (string Key, string? Value)[] settings)
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), "threshold-web-tests-" + Guid.NewGuid().ToString("N"));
        this.settings = settings.ToDictionary(s => s.Key, s => s.Value);
        this.settings.TryAdd("urls", "http://127.0.0.1:5080");
        this.settings["Threshold:DataDirectory"] = DataDirectory;
        if (backend == Backend.Postgres)
        {
            schema = "w_" + Guid.NewGuid().ToString("N");
            DatabaseConnection = PostgresTestServer.CreateSchema(schema);
            this.settings["Threshold:Database"] = DatabaseConnection;
        }
    }

    private ThresholdFactory(ThresholdFactory first, (string Key, string? Value)[] settings)
    {
        ownsRecord = false;
        DataDirectory = first.DataDirectory;
        DatabaseConnection = first.DatabaseConnection;
        this.settings = new Dictionary<string, string?>(first.settings);
        foreach (var (key, value) in settings)
        {
            this.settings[key] = value;
        }
    }

    /// <summary>A second server instance over the same record (same folder or schema); the first one owns the record.</summary>
    public static ThresholdFactory SharingRecordOf(ThresholdFactory first, params (string Key, string? Value)[] settings)
    {
        ArgumentNullException.ThrowIfNull(first);
        return new ThresholdFactory(first, settings);
    }

    public string DataDirectory { get; }

    /// <summary>The PostgreSQL connection string of the record, or null for SQLite.</summary>
    public string? DatabaseConnection { get; }

    public RecordHolder Record => Services.GetRequiredService<RecordHolder>();

    /// <summary>When set, receives every log message of the server at every level (the app's own filters overridden).</summary>
    public CapturedLog? Log { get; init; }

    /// <summary>A client that sends a fresh key of <paramref name="role"/> in the X-Api-Key header.</summary>
    public HttpClient ClientWithRole(ApiRole role)
    {
        var key = Record.Keys.Create($"test {ApiKeyRecord.RoleName(role)}", role, "tests");
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key.Secret);
        return client;
    }

    /// <summary>A client with a bearer token.</summary>
    public HttpClient ClientWithToken(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        if (Log is { } log)
        {
            builder.ConfigureLogging(logging => logging.AddProvider(log).AddFilter<CapturedLog>(null, LogLevel.Trace).SetMinimumLevel(LogLevel.Trace));
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!ownsRecord)
        {
            return;
        }

        if (disposing && schema is not null)
        {
            PostgresTestServer.DropSchema(schema, DatabaseConnection!);
        }

        if (disposing && Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }
}
