using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Threshold.Record;
using Threshold.Web;
using Threshold.Web.Hosting;

namespace Threshold.Web.Tests;

/// <summary>
/// The real application over a fresh SQLite record in a temporary folder (the bundled series is imported on start, as
/// <c>./threshold serve</c> does). Settings are passed as configuration, e.g. the bound URLs or anonymous access.
/// </summary>
public sealed class ThresholdFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> settings;

    public ThresholdFactory(params (string Key, string? Value)[] settings)
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), "threshold-web-tests-" + Guid.NewGuid().ToString("N"));
        this.settings = settings.ToDictionary(s => s.Key, s => s.Value);
        this.settings.TryAdd("urls", "http://127.0.0.1:5080");
        this.settings["Threshold:DataDirectory"] = DataDirectory;
    }

    public string DataDirectory { get; }

    public RecordHolder Record => Services.GetRequiredService<RecordHolder>();

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
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }
}
