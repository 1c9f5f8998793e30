using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Threshold.Record;
using Threshold.Web.Hosting;

namespace Threshold.Web.Tests.Apis;

/// <summary>
/// Issue 15, step 6: no request can exhaust the server. A scenario of 1,000 policies is refused at policy 9 before any
/// policy is compiled; each role has a cost cap; heavy jobs queue per caller (429 with Retry-After when a caller's
/// queue is full, while other callers are served), fairly, and audit verification runs one at a time.
/// </summary>
public sealed class RequestLimitTests
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
        """;

    [Fact]
    public async Task Scenario_WithAThousandPolicies_Is400AtPolicyNine_BeforeAnyIsCompiled()
    {
        using var factory = new ThresholdFactory();
        using var analyst = factory.ClientWithRole(ApiRole.Analyst);
        var yaml = ManyPolicies(1000);
        Assert.InRange(yaml.Length, 50_000, 60_000); // the 54 KB of the report
        var response = await analyst.PostAsync("/api/v1/simulation", Yaml(yaml));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode}: {text}");
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal("policies", problem.GetProperty("field").GetString());
        Assert.Equal(21, problem.GetProperty("line").GetInt32());
        Assert.Contains("policy 9 of 1000: a scenario may compare at most 8 policies", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // The caps are published.
        var scenarios = JsonDocument.Parse(await analyst.GetStringAsync("/api/v1/simulation/scenarios")).RootElement;
        Assert.Equal(8, scenarios.GetProperty("maxPolicies").GetInt32());
        Assert.True(scenarios.GetProperty("maxCost").GetProperty("analyst").GetInt64() > 0);
    }

    [Fact]
    public async Task Simulation_CostIsCappedPerRole_NamingTheCost()
    {
        // 24 paths x 88 days x 2 policies = 4,224: over the analyst's cap here, within the operator's.
        using var factory = new ThresholdFactory(("Threshold:SimulationMaxCostAnalyst", "4000"), ("Threshold:SimulationMaxCostOperator", "5000"));
        using var analyst = factory.ClientWithRole(ApiRole.Analyst);
        using var op = factory.ClientWithRole(ApiRole.Operator);
        var refused = await analyst.PostAsync("/api/v1/simulation", Yaml(SmallScenario));
        var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("cost", problem.GetProperty("field").GetString());
        Assert.Contains("costs 4,224 (24 paths × 88 days × 2 policies)", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("the analyst role may run at most 4,000", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await op.PostAsync("/api/v1/simulation", Yaml(SmallScenario))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await op.PostAsync("/api/v1/simulation?paths=30", Yaml(SmallScenario))).StatusCode);
    }

    [Fact]
    public async Task HeavyJobs_ACallerWithAFullQueueGets429WithRetryAfter_WhileAnotherCallerIsServed()
    {
        using var factory = new ThresholdFactory(("Threshold:HeavyJobQueuePerCaller", "0"));
        var busyKey = factory.Record.Keys.Create("busy", ApiRole.Analyst, "tests");
        using var busy = factory.CreateClient();
        busy.DefaultRequestHeaders.Add("X-Api-Key", busyKey.Secret);
        using var other = factory.ClientWithRole(ApiRole.Analyst);
        var jobs = factory.Services.GetRequiredService<HeavyJobs>();

        // The busy caller already has a simulation running (held here), and may queue nothing more.
        using (var running = await jobs.EnterAsync(HeavyLane.Simulation, "key:" + busyKey.Key.KeyId, CancellationToken.None))
        {
            Assert.NotNull(running);
            var refused = await busy.GetAsync("/api/v1/audit/verify");
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(HeavyJobs.RetryAfterSeconds), refused.Headers.RetryAfter?.Delta);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.Equal("verify", JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("lane").GetString());

            var served = await other.GetAsync("/api/v1/audit/verify");
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await busy.GetAsync("/api/v1/audit/verify")).StatusCode);
    }

    [Fact]
    public async Task AuditVerify_RunsOneAtATime_TheNextWaitsForTheFirst()
    {
        using var factory = new ThresholdFactory();
        using var viewer = factory.ClientWithRole(ApiRole.Viewer);
        var jobs = factory.Services.GetRequiredService<HeavyJobs>();
        var first = await jobs.EnterAsync(HeavyLane.Verify, "someone else", CancellationToken.None);
        Assert.NotNull(first);
        var second = viewer.GetAsync("/api/v1/audit/verify");
        while (jobs.Waiting == 0)
        {
            Assert.False(second.IsCompleted, "the second verify ran while the first held the verify lane");
            await Task.Delay(10);
        }

        Assert.Equal(1, jobs.Running);
        first.Dispose();
        Assert.Equal(HttpStatusCode.OK, (await second).StatusCode);
        Assert.Equal(0, jobs.Running);
    }

    [Fact]
    public async Task HeavyJobs_AFreedTurnGoesToTheNextCaller_NotBackToTheOneThatJustRan()
    {
        var jobs = new HeavyJobs(new ThresholdSettings { HeavyJobConcurrency = 1, HeavyJobQueuePerCaller = 2 });
        var a1 = await jobs.EnterAsync(HeavyLane.Record, "a", CancellationToken.None);
        var a2 = jobs.EnterAsync(HeavyLane.Record, "a", CancellationToken.None);
        var a3 = jobs.EnterAsync(HeavyLane.Record, "a", CancellationToken.None);
        Assert.Null(await jobs.EnterAsync(HeavyLane.Record, "a", CancellationToken.None)); // one running and two waiting: full
        var b1 = jobs.EnterAsync(HeavyLane.Record, "b", CancellationToken.None);
        Assert.Equal(3, jobs.Waiting);

        a1!.Dispose();
        var next = await b1; // b before a's second job
        Assert.False(a2.IsCompleted);
        next!.Dispose();
        (await a2)!.Dispose();
        (await a3)!.Dispose();
        Assert.Equal(0, jobs.Running);
        Assert.Equal(0, jobs.Waiting);
    }

    /// <summary>A scenario comparing <paramref name="count"/> reforms of 10773, one policy per two lines from line 5.</summary>
    internal static string ManyPolicies(int count)
    {
        var yaml = new StringBuilder("name: many\nhorizon: { start: 2024-06-05, years: 1 }\nparameters: {}\npolicies:\n");
        for (var i = 0; i < count; i++)
        {
            yaml.Append("  - id: proclamation-10773\n    label: reform-").Append(i).Append("-of-10773\n");
        }

        return yaml.ToString();
    }

    private static StringContent Yaml(string yaml) => new(yaml, Encoding.UTF8, "application/yaml");
}
