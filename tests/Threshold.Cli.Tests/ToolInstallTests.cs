using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Threshold.Cli.Tests;

/// <summary>
/// Threshold as a .NET tool: <c>dotnet pack</c> builds the package <c>Threshold.Tool</c> (command <c>threshold</c>), it
/// installs into a tool path, and the installed command works from a folder that is not a checkout: it lists the
/// policies, and <c>serve</c> starts on the data packed with it until <c>/health</c> answers.
/// </summary>
public sealed class ToolInstallTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(240);
    private readonly TempFolder temp = new();

    [Fact]
    public async Task PackedTool_Installs_ListsPolicies_AndServesUntilHealthAnswers()
    {
        var packages = temp.PathOf("package");
        var tools = temp.PathOf("tools");
        var elsewhere = Directory.CreateDirectory(temp.PathOf("elsewhere")).FullName;

        // --no-build: the suite's build made the Release output this packs (the test project references the CLI).
        Run(Cli.RepositoryRoot, "dotnet", "pack", "src/Threshold.Cli/Threshold.Cli.csproj", "-c", "Release", "--no-build", "-o", packages, "--nologo", "-v", "quiet");
        Assert.Single(Directory.GetFiles(packages, "Threshold.Tool.*.nupkg"));
        Run(elsewhere, "dotnet", "tool", "install", "Threshold.Tool", "--tool-path", tools, "--add-source", packages, "--ignore-failed-sources");
        var command = Path.Combine(tools, "threshold");
        Assert.True(File.Exists(command), $"the tool path has no 'threshold' command: {string.Join(", ", Directory.GetFiles(tools))}");

        using (var policies = JsonDocument.Parse(Run(elsewhere, command, "policies", "--format", "json")))
        {
            var ids = policies.RootElement.GetProperty("policies").EnumerateArray().Select(p => p.GetProperty("id").GetString()).ToArray();
            Assert.Contains("proclamation-10773", ids);
            Assert.Contains("proclamation-10888", ids);
        }

        var url = $"http://127.0.0.1:{FreePort()}";
        var start = new ProcessStartInfo(command) { WorkingDirectory = elsewhere, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "serve", "--urls", url, "--data-dir", temp.PathOf("record") })
        {
            start.ArgumentList.Add(a);
        }

        using var server = Process.Start(start) ?? throw new InvalidOperationException("could not start the installed threshold");
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        server.OutputDataReceived += (_, e) => output.Enqueue(e.Data ?? string.Empty);
        server.ErrorDataReceived += (_, e) => output.Enqueue(e.Data ?? string.Empty);
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var clock = Stopwatch.StartNew();
            string? health = null;
            while (health is null && clock.Elapsed < Patience && !server.HasExited)
            {
                try
                {
                    using var response = await http.GetAsync(new Uri(url + "/health"));
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        health = await response.Content.ReadAsStringAsync();
                    }
                }
                catch (HttpRequestException)
                {
                    // not listening yet
                }
                catch (TaskCanceledException)
                {
                    // busy starting
                }

                if (health is null)
                {
                    await Task.Delay(250);
                }
            }

            Assert.True(health is not null, $"the installed tool's server did not answer /health within {Patience.TotalSeconds} s:\n{string.Join('\n', output)}");

            // The series packed with the tool were imported: the server found them beside threshold.dll, not in a checkout.
            using var doc = JsonDocument.Parse(health!);
            var bundled = Directory.GetFiles(Path.Combine(Cli.RepositoryRoot, "data/modeled"), "*.modeled.csv").Length;
            Assert.True(doc.RootElement.GetProperty("series").GetInt32() == bundled, $"expected the {bundled} bundled series imported: {health}");
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }

    public void Dispose() => temp.Dispose();

    private static string Run(string workingDirectory, string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Patience))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within {Patience.TotalSeconds} s");
        }

        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} exited {process.ExitCode}\n{stdout.Result}\n{stderr.Result}");
        return stdout.Result;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
