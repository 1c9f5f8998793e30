using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Threshold.Record;

namespace Threshold.Web.Tests.Apis;

/// <summary>
/// The sweep API (issue 18): an analyst starts a sweep, polls its progress and reads its table, MODELED; each cell is
/// the plain simulation of the scenario with the swept value set, on the same seed (common random numbers); a sweep
/// can be cancelled; only its caller sees it; bad grids and work over the caps are 400s naming the field.
/// </summary>
public sealed class SimulationSweepApiTests(SimulationSweepApiTests.Server server) : IClassFixture<SimulationSweepApiTests.Server>
{
    private const string SmallScenario = """
        name: web-sweep
        seed: 3
        paths: 12
        horizon: { start: 2024-06-05, end: 2024-08-31 }
        policies:
          - id: proclamation-10773
          - id: senate-border-act-2024
            label: senate-border-act
            in_force: 2024-06-05
        """;

    [Fact]
    public async Task Analyst_SweepsAParameter_PollsIt_AndEachCellIsThePlainRunWithThatValue()
    {
        var start = await server.Analyst.PostAsync("/api/v1/simulation/sweeps?sweep=deterrence.effect%3D0.3..0.5%3A2&output=people_subject", Yaml(SmallScenario));
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        var job = await start.Content.ReadFromJsonAsync<JsonElement>();
        Assert.StartsWith("MODELED", job.GetProperty("notice").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, job.GetProperty("cells").GetInt32());
        Assert.Equal(24, job.GetProperty("pathsTotal").GetInt64());
        var status = job.GetProperty("status").GetString()!;
        Assert.Equal(status, start.Headers.Location?.OriginalString);

        var done = await Finished(server.Analyst, status);
        Assert.Equal("finished", done.GetProperty("state").GetString());
        Assert.Equal(24, done.GetProperty("pathsDone").GetInt64());

        var csv = await server.Analyst.GetStringAsync(done.GetProperty("result").GetString() + "?format=sweep.csv");
        Assert.StartsWith("# MODELED", csv, StringComparison.Ordinal);
        Assert.Contains("rule set ", csv, StringComparison.Ordinal);
        var sweep = JsonDocument.Parse(await server.Analyst.GetStringAsync(done.GetProperty("result").GetString())).RootElement;
        Assert.True(sweep.GetProperty("modeled").GetBoolean());
        var cell = sweep.GetProperty("cells")[1];
        Assert.Equal(0.5, cell.GetProperty("values").GetProperty("deterrence.effect").GetDouble());

        var plain = await server.Analyst.PostAsync("/api/v1/simulation", Yaml(SmallScenario + "\nparameters:\n  deterrence.effect: 0.5\n"));
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        var result = JsonDocument.Parse(await plain.Content.ReadAsStringAsync()).RootElement;
        foreach (var policy in result.GetProperty("policies").EnumerateArray())
        {
            var label = policy.GetProperty("label").GetString()!;
            foreach (var output in new[] { "people_subject", "days_active", "encounters_between_ports" })
            {
                var expected = policy.GetProperty("outputs").GetProperty(output);
                var actual = cell.GetProperty("policies").GetProperty(label).GetProperty(output);
                Assert.Equal(expected.GetProperty("p50").GetDouble(), actual.GetProperty("p50").GetDouble());
                Assert.Equal(expected.GetProperty("p90").GetDouble(), actual.GetProperty("p90").GetDouble());
            }
        }

        // Its charts, as the CLI writes them: one PNG and one SVG a policy, listed once it has finished.
        var charts = done.GetProperty("charts").EnumerateArray().Select(c => c.GetString()!).ToArray();
        Assert.Equal(
            ["sweep-people_subject-proclamation-10773.png", "sweep-people_subject-proclamation-10773.svg", "sweep-people_subject-senate-border-act.png", "sweep-people_subject-senate-border-act.svg"],
            charts.Select(c => Uri.UnescapeDataString(c[(c.IndexOf("format=", StringComparison.Ordinal) + 7)..])));
        var png = await server.Analyst.GetAsync(charts[0]);
        Assert.Equal(HttpStatusCode.OK, png.StatusCode);
        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, (await png.Content.ReadAsByteArrayAsync())[..4]);
        var svg = await server.Analyst.GetAsync(charts[3]);
        Assert.Equal("image/svg+xml", svg.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<svg", await svg.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var noSuchChart = await server.Analyst.GetAsync(done.GetProperty("result").GetString() + "?format=sweep-days_active-senate-border-act.png");
        Assert.Equal(HttpStatusCode.BadRequest, noSuchChart.StatusCode);
        Assert.Contains("sweep-people_subject-senate-border-act.png", await noSuchChart.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Only its caller sees it.
        var other = server.Factory.ClientWithRole(ApiRole.Analyst);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync(status)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.DeleteAsync(status)).StatusCode);
    }

    [Fact]
    public async Task ASweep_CanBeCancelled_AndThenHasNoResult()
    {
        var caller = server.Factory.ClientWithRole(ApiRole.Admin);
        var start = await caller.PostAsync("/api/v1/simulation/sweeps?paths=2000&sweep=deterrence.effect%3D0.2..0.6%3A20&sweep=flow.level_scale%3D0.8..1.2%3A20", Yaml(SmallScenario));
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        var status = (await start.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString()!;
        var cancel = await caller.DeleteAsync(status);
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        var ended = await Finished(caller, status);
        Assert.Equal("cancelled", ended.GetProperty("state").GetString());
        Assert.True(ended.GetProperty("pathsDone").GetInt64() < ended.GetProperty("pathsTotal").GetInt64());
        var result = await caller.GetAsync(status + "/result");
        Assert.Equal(HttpStatusCode.Conflict, result.StatusCode);
        Assert.Contains("cancelled", await result.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "sweep")]
    [InlineData("sweep=no.such%3D0..1%3A3", "sweep")]
    [InlineData("sweep=deterrence.effect%3D0.6..0.2%3A3", "sweep")]
    [InlineData("sweep=deterrence.effect%3D0.2..0.6%3A1", "sweep")]
    [InlineData("sweep=deterrence.effect%3D0.2..0.6%3A21&sweep=flow.level_scale%3D0.8..1.2%3A20", "sweep")]
    [InlineData("sweep=deterrence.effect%3D0.2..0.6%3A3&output=nothing", "output")]
    [InlineData("sweep=deterrence.effect%3D0.2..0.6%3A3&paths=10001", "paths")]
    [InlineData("sweep=deterrence.effect%3D0.2..0.6%3A20&sweep=flow.level_scale%3D0.8..1.2%3A20&paths=10000", "cost")]
    public async Task BadSweeps_AreA400NamingTheField(string query, string field)
    {
        var response = await server.Analyst.PostAsync("/api/v1/simulation/sweeps?" + query, Yaml(SmallScenario));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(field, problem.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Viewer_CannotSweep()
    {
        var viewer = server.Factory.ClientWithRole(ApiRole.Viewer);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync("/api/v1/simulation/sweeps?sweep=deterrence.effect%3D0.2..0.6%3A3", Yaml(SmallScenario))).StatusCode);
    }

    /// <summary>Polls the job until it has ended (a small sweep takes seconds; the machine may be busy).</summary>
    private static async Task<JsonElement> Finished(HttpClient client, string status)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            var job = await client.GetFromJsonAsync<JsonElement>(status);
            if (job.GetProperty("state").GetString() is not ("queued" or "running") || DateTime.UtcNow > deadline)
            {
                return job;
            }

            await Task.Delay(100);
        }
    }

    private static StringContent Yaml(string text) => new(text, Encoding.UTF8, "application/yaml");

    /// <summary>One server for the class, with an analyst's client.</summary>
    public sealed class Server : IDisposable
    {
        public Server()
        {
            Analyst = Factory.ClientWithRole(ApiRole.Analyst);
        }

        public ThresholdFactory Factory { get; } = new();

        public HttpClient Analyst { get; }

        public void Dispose() => Factory.Dispose();
    }
}
