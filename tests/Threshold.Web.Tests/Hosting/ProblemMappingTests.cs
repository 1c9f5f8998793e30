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

    [Theory]
    [InlineData("pass --in-force DATE to replay it as a hypothetical", "pass inForce=DATE to replay it as a hypothetical", "inForce")]
    [InlineData("--set deactivate.threshold=x: not a number", "set=deactivate.threshold=x: not a number", "set")]
    [InlineData("gap in dates; pass --allow-gaps to replay", "gap in dates; pass allowGaps=true to replay", "allowGaps")]
    [InlineData("--determination-lag: makes no threshold determinations", "determinationLag: makes no threshold determinations", "determinationLag")]
    [InlineData("--court-order streak-enjoined: unknown", "courtOrder=streak-enjoined: unknown", "courtOrder")]
    [InlineData("--date 2024-01-01 is outside the series", "date=2024-01-01 is outside the series", "date")]
    [InlineData("--without-order x: no instrument declares it", "withoutOrder=x: no instrument declares it", "withoutOrder")]
    [InlineData("Hypothetical in-force date 2025-01-01 (--in-force).", "Hypothetical in-force date 2025-01-01 (inForce).", "inForce")]
    [InlineData("a 2024-01-01--2024-02-01 range and --data-dir", "a 2024-01-01--2024-02-01 range and --data-dir", null)]
    public void ApiWording_NamesTheQueryParameter_NeverTheCliOption(string engine, string api, string? parameter)
    {
        Assert.Equal(api, ApiWording.Reword(engine));
        Assert.Equal(parameter, ApiWording.ParameterNamed(engine));
    }

    private sealed class BreakableClock : IClock
    {
        public volatile bool Broken;

        public Instant GetCurrentInstant() => Broken ? throw new ArgumentException("a bug planted by the test") : SystemClock.Instance.GetCurrentInstant();
    }
}
