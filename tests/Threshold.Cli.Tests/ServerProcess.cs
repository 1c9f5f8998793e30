using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Threshold.Cli.Tests;

/// <summary>
/// <c>./threshold serve</c> as a real child process on a free loopback port, over a record named by its options: what
/// a fault drill kills with SIGKILL, restarts, or starts against a record it cannot use.
/// </summary>
internal sealed class ServerProcess : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();

    private ServerProcess(IEnumerable<string> options)
    {
        BaseAddress = new Uri($"http://127.0.0.1:{FreePort()}");
        process = Cli.Start(["serve", "--urls", BaseAddress.ToString().TrimEnd('/'), .. options], output);
    }

    public Uri BaseAddress { get; }

    public bool HasExited => process.HasExited;

    /// <summary>Everything the server wrote to stdout and stderr so far, for assertion messages.</summary>
    public string Output => string.Join('\n', output);

    /// <summary>Starts the server and waits until <c>/health</c> answers ready; throws with its output if it exits first.</summary>
    public static ServerProcess StartReady(IEnumerable<string> options)
    {
        var server = new ServerProcess(options);
        try
        {
            server.WaitReady();
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Starts a server that is expected to refuse to start: waits for it to exit and reports what it said.</summary>
    public static (int ExitCode, string Output, bool EverReady) StartExpectingFailure(IEnumerable<string> options)
    {
        using var server = new ServerProcess(options);
        var everReady = false;
        var clock = Stopwatch.StartNew();
        while (!server.process.HasExited && clock.Elapsed < StartTimeout)
        {
            everReady |= server.IsReady();
            Thread.Sleep(100);
        }

        if (!server.process.HasExited)
        {
            throw new TimeoutException($"the server was expected to exit but still runs after {StartTimeout.TotalSeconds} s:\n{server.Output}");
        }

        server.process.WaitForExit(); // drains the output
        return (server.process.ExitCode, server.Output, everReady);
    }

    /// <summary>A client that sends <paramref name="key"/> (when given) in X-Api-Key.</summary>
    public HttpClient Client(string? key = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        return client;
    }

    /// <summary>SIGKILL: no shutdown hook, no rollback by the program, no flush.</summary>
    public void Kill()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        process.WaitForExit();
    }

    public void Dispose()
    {
        Kill();
        process.Dispose();
    }

    /// <summary>Creates an API key of <paramref name="role"/> in the record through the CLI and returns its secret.</summary>
    public static string CreateKey(IEnumerable<string> recordOptions, string role)
    {
        var created = Cli.Run(["keys", "create", "--name", $"drill {role}", "--role", role, .. recordOptions]);
        if (created.ExitCode != 0)
        {
            throw new InvalidOperationException(created.ToString());
        }

        return created.Root().GetProperty("key").GetString()!;
    }

    private void WaitReady()
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < StartTimeout)
        {
            if (process.HasExited)
            {
                process.WaitForExit();
                throw new InvalidOperationException($"the server exited with {process.ExitCode} before it was ready:\n{Output}");
            }

            if (IsReady())
            {
                return;
            }

            Thread.Sleep(100);
        }

        throw new TimeoutException($"the server was not ready within {StartTimeout.TotalSeconds} s:\n{Output}");
    }

    private bool IsReady()
    {
        try
        {
            using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
            using var response = client.GetAsync(new Uri("/health", UriKind.Relative)).GetAwaiter().GetResult();
            return response.StatusCode == HttpStatusCode.OK
                && JsonDocument.Parse(response.Content.ReadAsStringAsync().GetAwaiter().GetResult()).RootElement.GetProperty("status").GetString() == "ready";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
