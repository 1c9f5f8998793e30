using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Threshold.Record;
using Threshold.Web.Apis;
using Threshold.Web.Hosting;

namespace Threshold.Web.Tests.Apis;

/// <summary>
/// The simulation API: analysts run scenarios (small ones here: tens of paths over a summer), viewers cannot; the
/// result is the CLI's <c>result.json</c>, MODELED, and the same for the same seed; bad scenarios and work over the
/// caps are 400s naming the key or field. The simulator reads no record, so SQLite alone is enough.
/// </summary>
public sealed class SimulationApiTests(SimulationApiTests.Server server) : IClassFixture<SimulationApiTests.Server>
{
    private const string SmallScenario = """
        name: web-test
        seed: 3
        paths: 24
        horizon: { start: 2024-06-05, end: 2024-08-31 }
        policies:
          - id: proclamation-10773
          - id: senate-border-act-2024
            label: senate-border-act
            in_force: 2024-06-05
        parameters:
          mexico.enforcement_share: { preset: "2023" }
        """;

    [Fact]
    public async Task Analyst_RunsAScenario_AndTheSameSeedGivesTheSameResult_Modeled()
    {
        var first = await server.Analyst.PostAsync("/api/v1/simulation?seed=11", Yaml(SmallScenario));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("application/json", first.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Threshold.Law.RuleSetVersion.Current, first.Headers.GetValues(Provenance.RuleSetVersionHeader).Single());
        var text = await first.Content.ReadAsStringAsync();
        var again = await (await server.Analyst.PostAsync("/api/v1/simulation?seed=11", Yaml(SmallScenario))).Content.ReadAsStringAsync();
        Assert.Equal(text, again);

        var result = JsonDocument.Parse(text).RootElement;
        Assert.True(result.GetProperty("modeled").GetBoolean());
        Assert.StartsWith("MODELED", result.GetProperty("notice").GetString(), StringComparison.Ordinal);
        Assert.Equal(11UL, result.GetProperty("scenario").GetProperty("seed").GetUInt64());
        Assert.Equal(24, result.GetProperty("scenario").GetProperty("paths").GetInt32());
        var policies = result.GetProperty("policies").EnumerateArray().ToList();
        Assert.Equal(["proclamation-10773", "senate-border-act"], policies.Select(p => p.GetProperty("label").GetString()));
        var days = policies[0].GetProperty("outputs").GetProperty("days_active");
        Assert.InRange(days.GetProperty("p50").GetDouble(), 0, 88);
        Assert.Equal("hypothetical", policies[1].GetProperty("standing").GetString());

        var other = await (await server.Analyst.PostAsync("/api/v1/simulation?seed=12", Yaml(SmallScenario))).Content.ReadAsStringAsync();
        Assert.NotEqual(text, other);
    }

    [Fact]
    public async Task Viewer_ListsScenariosAndParameters_ButCannotRunOne()
    {
        var viewer = server.Factory.ClientWithRole(ApiRole.Viewer);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync("/api/v1/simulation", Yaml(SmallScenario))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync("/api/v1/simulation?scenario=baseline-2024&paths=2", Yaml(string.Empty))).StatusCode);
        var scenarios = await viewer.GetFromJsonAsync<JsonElement>("/api/v1/simulation/scenarios");
        Assert.Contains("mexico-2023-levels", scenarios.GetProperty("scenarios").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        var parameters = await viewer.GetFromJsonAsync<JsonElement>("/api/v1/simulation/parameters");
        var mexico = parameters.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "mexico.enforcement_share");
        Assert.Equal("[S]", mexico.GetProperty("mark").GetString());
        Assert.Equal(0.6, mexico.GetProperty("plausibleHigh").GetDouble());
    }

    [Fact]
    public async Task BundledScenario_ByName_GivesItsSummaryCsv_Modeled()
    {
        var response = await server.Analyst.PostAsync("/api/v1/simulation?scenario=mexico-2023-levels&paths=6&format=summary.csv", Yaml(string.Empty));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n');
        Assert.StartsWith("# MODELED", lines[0], StringComparison.Ordinal);
        Assert.Contains("senate-border-act,cap_binding_days,", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sensitivity_OnRequest_GivesItsTable_AndOverItsCapIsA400()
    {
        var yaml = SmallScenario + "\nsensitivity: { paths: 8, parameters: [deterrence.effect, mexico.enforcement_share] }\n";
        var response = await server.Analyst.PostAsync("/api/v1/simulation?paths=8&sensitivity=true&format=sensitivity.csv", Yaml(yaml));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var csv = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("# MODELED", csv, StringComparison.Ordinal);
        Assert.Contains("senate-border-act,days_active,1,", csv, StringComparison.Ordinal);

        var tooMany = await Problem(await server.Analyst.PostAsync("/api/v1/simulation?sensitivity=true", Yaml(yaml.Replace("paths: 8,", "paths: 501,", StringComparison.Ordinal))));
        Assert.Equal("sensitivity.paths", tooMany.GetProperty("field").GetString());
    }

    [Fact]
    public async Task BadScenario_UnknownParameter_IsA400NamingTheKeyAndLine()
    {
        var yaml = SmallScenario.Replace("mexico.enforcement_share: { preset: \"2023\" }", "mexico.enforcment_share: 0.3", StringComparison.Ordinal);
        var problem = await Problem(await server.Analyst.PostAsync("/api/v1/simulation", Yaml(yaml)));
        Assert.Equal("parameters.mexico.enforcment_share", problem.GetProperty("field").GetString());
        Assert.Equal(11, problem.GetProperty("line").GetInt32());
        Assert.Contains("unknown parameter", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WorkOverTheCaps_AndPolicyFiles_AreRefusedNamingTheField()
    {
        var tooMany = await Problem(await server.Analyst.PostAsync("/api/v1/simulation?paths=10001", Yaml(SmallScenario)));
        Assert.Equal("paths", tooMany.GetProperty("field").GetString());

        var tooLong = await Problem(await server.Analyst.PostAsync("/api/v1/simulation", Yaml(SmallScenario.Replace("end: 2024-08-31", "end: 2028-08-31", StringComparison.Ordinal))));
        Assert.Equal("horizon", tooLong.GetProperty("field").GetString());

        var file = await Problem(await server.Analyst.PostAsync("/api/v1/simulation", Yaml(SmallScenario.Replace("- id: proclamation-10773", "- file: /etc/passwd", StringComparison.Ordinal))));
        Assert.Equal("policies.file", file.GetProperty("field").GetString());
        Assert.Equal(6, file.GetProperty("line").GetInt32());

        var format = await Problem(await server.Analyst.PostAsync("/api/v1/simulation?format=sensitivity.csv", Yaml(SmallScenario)));
        Assert.Equal("format", format.GetProperty("field").GetString());
    }

    [Fact]
    public async Task ARun_StopsWhenItsCallerCancels()
    {
        var simulations = server.Factory.Services.GetRequiredService<SimulationService>();
        var scenario = simulations.Bounded(SimulationService.FromYaml(SmallScenario), simulations.MaxPaths, null, sensitivity: false);
        using var cancel = new CancellationTokenSource();
        var finished = 0;
        var progress = new Inline(done =>
        {
            finished = done;
            cancel.Cancel(); // as a client that goes away once the run has started
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => simulations.RunAsync(scenario, sensitivity: false, progress, cancel.Token));
        Assert.InRange(finished, 1, simulations.MaxPaths - 1);
    }

    private static StringContent Yaml(string text) => new(text, Encoding.UTF8, "application/yaml");

    private static async Task<JsonElement> Problem(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Reports progress on the worker's thread, at once (Progress&lt;T&gt; would post it later).</summary>
    private sealed class Inline(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }

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
