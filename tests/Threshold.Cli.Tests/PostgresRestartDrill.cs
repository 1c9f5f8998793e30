using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using Npgsql;

namespace Threshold.Cli.Tests;

/// <summary>
/// Fault drill (issue 7): the PostgreSQL server restarts while imports run against <c>./threshold serve</c>. Every
/// request either succeeds or answers 503 ProblemDetails with Retry-After; no import is half stored; the chain
/// verifies; and the same server serves again without a restart. The drill restarts its own throwaway cluster
/// (<c>tests/postgres-cluster.sh restart</c>), never the one other tests share.
/// </summary>
public sealed class PostgresRestartDrill(Xunit.Abstractions.ITestOutputHelper log) : IDisposable
{
    private const int Workers = 4;
    private readonly string clusterDirectory = Path.Combine(Path.GetTempPath(), "threshold-pg-restart-" + Guid.NewGuid().ToString("N"));
    private string? connectionString;

    public void Dispose() => Cluster("stop");

    [Fact]
    public async Task PostgresRestartedMidRequest_EachRequestSucceedsOrAnswers503_NothingHalfStored_ServerRecoversWithoutRestart()
    {
        connectionString = Cluster("start").Trim();
        string[] record = ["--database", connectionString];
        var key = ServerProcess.CreateKey(record, "operator");
        var csv = await File.ReadAllTextAsync(Path.Combine(Cli.RepositoryRoot, Cli.Bundled));
        var days = File.ReadLines(Path.Combine(Cli.RepositoryRoot, Cli.Bundled)).Count(l => l.StartsWith("20", StringComparison.Ordinal));
        using var server = ServerProcess.StartReady(record);
        using var client = server.Client(key);

        // Imports (each a transaction of every day of the series) from several workers, before, across and after the restart.
        var answers = new ConcurrentBag<(string Series, HttpStatusCode Status, string Body, bool RetryAfter)>();
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, Workers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var series = $"drill-{w}-{i}";
                using var response = await client.PostAsync(new Uri($"/api/v1/series/{series}", UriKind.Relative), new StringContent(csv, Encoding.UTF8, "text/csv"));
                answers.Add((series, response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.RetryAfter is not null));
            }
        })).ToList();

        await Task.Delay(TimeSpan.FromSeconds(1));
        Cluster("restart");
        await Task.Delay(TimeSpan.FromSeconds(1));
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        Assert.All(answers, a => Assert.True(a.Status is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"{a.Series}: {(int)a.Status} {a.Body}"));
        var refused = answers.Where(a => a.Status == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.NotEmpty(refused); // the restart cut requests in flight (or the pool's connections under them)
        Assert.All(refused, a =>
        {
            var problem = JsonDocument.Parse(a.Body).RootElement;
            Assert.Equal("unavailable", problem.GetProperty("fault").GetString());
            Assert.True(a.RetryAfter, $"{a.Series}: no Retry-After");
        });

        // The same server serves again (bounded wait: a pooled connection cut by the restart may fail once more).
        var clock = Stopwatch.StartNew();
        HttpStatusCode status;
        do
        {
            using var again = await client.PostAsync(new Uri("/api/v1/series/after-restart", UriKind.Relative), new StringContent(csv, Encoding.UTF8, "text/csv"));
            status = again.StatusCode;
        }
        while (status != HttpStatusCode.OK && clock.Elapsed < TimeSpan.FromSeconds(15) && await Delay());
        Assert.Equal(HttpStatusCode.OK, status);
        log.WriteLine($"{answers.Count(a => a.Status == HttpStatusCode.OK)} imports answered 200, {refused.Count} answered 503; serving again {clock.ElapsedMilliseconds} ms after the traffic stopped");

        // Nothing half stored: every import that answered 200 is there whole; one that answered 503 is whole or absent.
        using var connection = new NpgsqlConnection(connectionString);
        var stored = connection.Query<(string Series, long Days, long Imports)>(
            "SELECT series_name, COUNT(*), COUNT(DISTINCT import_id) FROM encounter_day GROUP BY series_name").ToDictionary(r => r.Series);
        // Each series whole, in one import: the drill's imports have the earlier edition's days; the bundled series that
        // serve imported at start have their own files' days.
        int DaysOf(string series) => File.Exists(Path.Combine(Cli.RepositoryRoot, "data", "modeled", series + ".csv"))
            ? File.ReadLines(Path.Combine(Cli.RepositoryRoot, "data", "modeled", series + ".csv")).Count(l => l.StartsWith("20", StringComparison.Ordinal))
            : days;
        Assert.All(stored.Values, s => Assert.True(s.Days == DaysOf(s.Series) && s.Imports == 1, $"{s.Series}: {s.Days} days in {s.Imports} imports (expected {DaysOf(s.Series)} in 1)"));
        Assert.All(answers.Where(a => a.Status == HttpStatusCode.OK), a => Assert.True(stored.ContainsKey(a.Series), $"{a.Series} answered 200 but is not stored"));

        var verify = Cli.Run(["audit", "verify", .. record]);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.StartsWith($"verified: {1 + stored.Count} entries", verify.Stdout, StringComparison.Ordinal); // the key, and one per stored series (the bundled ones included)

        static async Task<bool> Delay()
        {
            await Task.Delay(200);
            return true;
        }
    }

    private string Cluster(string verb) => ExternalCommand.Run("bash", "tests/postgres-cluster.sh", verb, clusterDirectory);
}
