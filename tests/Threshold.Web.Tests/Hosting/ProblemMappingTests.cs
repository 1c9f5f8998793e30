using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Threshold.Web.Hosting;

namespace Threshold.Web.Tests.Hosting;

/// <summary>
/// Issue 17 item 1 (web side): only the project's own expected-input failures are 4xx. A bare
/// <see cref="ArgumentException"/> from anywhere is a bug: a 500 logged with its stack and the request's correlation
/// id, which the answer carries (body and header) so the two can be matched.
/// </summary>
public sealed class ProblemMappingTests
{
    [Fact]
    public async Task ABareArgumentException_IsALogged500_CarryingTheCorrelationId()
    {
        var log = new CapturedLog();
        var clock = new BreakableClock();
        using var factory = new ThresholdFactory { Log = log };
        using var broken = factory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<IClock>(clock)));
        using var client = broken.CreateClient(); // anonymous loopback viewer: no key, so nothing else reads the clock
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/policies")).StatusCode);

        clock.Broken = true;
        using var response = await client.GetAsync("/api/v1/policies");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = problem.GetProperty("correlationId").GetString();
        Assert.False(string.IsNullOrEmpty(id));
        Assert.Equal(id, Assert.Single(response.Headers.GetValues(CorrelationId.Header)));
        var body = problem.GetRawText();
        Assert.DoesNotContain("a bug planted by the test", body, StringComparison.Ordinal); // the message stays in the log
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        Assert.Contains("correlationId", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var logged = log.Text;
        Assert.Contains($"Unhandled error {id} on GET /api/v1/policies", logged, StringComparison.Ordinal);
        Assert.Contains("System.ArgumentException: a bug planted by the test", logged, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExpectedInputFailures_Are400_WithTheCorrelationId_AndNoCliWords()
    {
        using var factory = new ThresholdFactory();
        using var client = factory.CreateClient();

        // The engine's ReplayRequestException for a bill without an in-force date, and an override naming no parameter.
        foreach (var query in new[] { "policy=senate-border-act-2024", "policy=proclamation-10773&set=no.such.parameter=1", "policy=proclamation-10773&date=1999-01-01" })
        {
            using var response = await client.GetAsync("/api/v1/explain?" + (query.Contains("date=", StringComparison.Ordinal) ? query : query + "&date=2024-07-01"));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            var detail = problem.GetProperty("detail").GetString()!;
            Assert.False(string.IsNullOrEmpty(problem.GetProperty("correlationId").GetString()));
            foreach (var flag in new[] { "--in-force", "--set", "--date", "--allow-gaps", "--court-order", "--determination-lag", "--without-order" })
            {
                Assert.DoesNotContain(flag, detail, StringComparison.Ordinal);
            }
        }
    }

    /// <summary>
    /// The libraries under the CLI and the web word nothing in CLI terms: every string literal they hold (the metadata's
    /// user strings, interpolation pieces included) is read, and none names a command-line option. Only the data
    /// directory, which an operator sets when starting either front end, may be named by its option.
    /// </summary>
    [Fact]
    public void TheLibraries_HoldNoCommandLineOption_InAnyMessage()
    {
        string[] libraries = ["Threshold.Engine", "Threshold.Law", "Threshold.Screening", "Threshold.Returns", "Threshold.Record", "Threshold.Sources", "Threshold.Synthesis", "Threshold.Population", "Threshold.Simulation"];
        var allowed = new HashSet<string>(StringComparer.Ordinal) { "--data-dir" };
        var found = new List<string>();
        foreach (var name in libraries)
        {
            var path = Path.Combine(AppContext.BaseDirectory, name + ".dll");
            using var stream = File.OpenRead(path);
            using var pe = new System.Reflection.PortableExecutable.PEReader(stream);
            var metadata = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
            var handle = System.Reflection.Metadata.Ecma335.MetadataTokens.UserStringHandle(1);
            var strings = 0;
            while (!handle.IsNil)
            {
                var text = metadata.GetUserString(handle);
                strings++;
                foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(text, @"(?<![\w-])--[a-z][a-z0-9]*(?:-[a-z0-9]+)*(?![\w-])"))
                {
                    if (!allowed.Contains(m.Value))
                    {
                        found.Add($"{name}: {m.Value} in \"{text}\"");
                    }
                }

                handle = System.Reflection.Metadata.Ecma335.MetadataReaderExtensions.GetNextHandle(metadata, handle);
            }

            Assert.True(strings > 10, $"{name}: read only {strings} strings");
        }

        Assert.True(found.Count == 0, "CLI options in library messages:\n" + string.Join("\n", found));
    }

    private sealed class BreakableClock : IClock
    {
        public volatile bool Broken;

        public Instant GetCurrentInstant() => Broken ? throw new ArgumentException("a bug planted by the test") : SystemClock.Instance.GetCurrentInstant();
    }
}
