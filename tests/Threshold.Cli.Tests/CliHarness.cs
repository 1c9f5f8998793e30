using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Threshold.Cli.Tests;

/// <summary>What one run of the CLI produced.</summary>
internal sealed record CliResult(int ExitCode, string Stdout, string Stderr, string CommandLine)
{
    /// <summary>A short description for assertion messages.</summary>
    public override string ToString() =>
        $"threshold {CommandLine}\nexit {ExitCode}\n--- stdout ({Stdout.Length} chars) ---\n{Shorten(Stdout)}\n--- stderr ---\n{Shorten(Stderr)}";

    public JsonDocument Json()
    {
        try
        {
            return JsonDocument.Parse(Stdout);
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"stdout is not one JSON document ({e.Message}):\n{this}", e);
        }
    }

    /// <summary>Parses stdout as one JSON document and returns a detached copy of its root.</summary>
    public JsonElement Root()
    {
        using var doc = Json();
        return doc.RootElement.Clone();
    }

    private static string Shorten(string text) => text.Length <= 3000 ? text : text[..3000] + "…";
}

/// <summary>
/// Runs the built CLI (threshold.dll, copied beside the tests by the project reference) as a child process with the
/// repository root as the working directory, so relative paths such as data/modeled/… and data/source resolve as for
/// a user of ./threshold.
/// </summary>
internal static class Cli
{
    public const string Bundled = "data/modeled/daily_encounters_2024-01-01_2025-01-19.modeled.csv";

    // Generous: a whole-file import or a 20,000-case recorded run takes seconds alone, but CI runs the suites side by side.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(240);
    private static readonly Lazy<string> Root = new(FindRoot);

    public static string RepositoryRoot => Root.Value;

    public static string Dll => Path.Combine(AppContext.BaseDirectory, "threshold.dll");

    public static CliResult Run(params string[] args) => RunIn(RepositoryRoot, args);

    /// <summary>Runs the CLI with <paramref name="workingDirectory"/> as its working directory (a sandbox of the repository's data).</summary>
    public static CliResult RunIn(string workingDirectory, params string[] args)
    {
        var start = StartInfo(args);
        start.WorkingDirectory = workingDirectory;
        start.RedirectStandardInput = true;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"threshold {string.Join(' ', args)} did not finish within {Timeout.TotalSeconds} s");
        }

        process.WaitForExit(); // flushes the redirected streams
        return new CliResult(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult(), string.Join(' ', args));
    }

    /// <summary>
    /// Starts the CLI without waiting, for a test that kills it (SIGKILL through <see cref="Process.Kill(bool)"/>) or
    /// talks to it (<c>serve</c>). Its stdout and stderr are drained into <paramref name="output"/> (when given), so a
    /// chatty process never blocks on a full pipe.
    /// </summary>
    public static Process Start(IEnumerable<string> args, System.Collections.Concurrent.ConcurrentQueue<string>? output = null)
    {
        var process = Process.Start(StartInfo(args)) ?? throw new InvalidOperationException("could not start dotnet");
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;

        void Keep(string? line)
        {
            if (line is not null)
            {
                output?.Enqueue(line);
            }
        }
    }

    private static ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        if (!File.Exists(Dll))
        {
            throw new InvalidOperationException($"{Dll} is missing; the project reference to Threshold.Cli should copy it");
        }

        var start = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
        };
        start.ArgumentList.Add(Dll);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["NO_COLOR"] = "1";
        start.Environment["TERM"] = "dumb";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        // The copy beside the tests is not ReadyToRun, so every method is compiled as it is first called. The CLI asks
        // for loops to be compiled optimised at once (right for its long simulations); the tests' hundreds of short
        // runs start about a quarter sooner with the quick first tier instead. Only how code is compiled, never what it
        // does, so no test's outcome depends on it (docs/performance.md §Fourth round).
        start.Environment["DOTNET_TC_QuickJitForLoops"] = "1";
        // The simulator's cache of its inputs beside the tests, not in the home directory of whoever runs them.
        start.Environment["THRESHOLD_CACHE_DIR"] = Path.Combine(AppContext.BaseDirectory, "inputs-cache");
        return start;
    }

    /// <summary>The dotnet muxer running these tests when there is one, else the one on PATH.</summary>
    private static string DotnetHost()
    {
        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return self;
        }

        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet";
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Threshold.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (Threshold.sln) above " + AppContext.BaseDirectory);
    }
}

/// <summary>Runs of the bundled series shared by several test classes (each run once per test session).</summary>
internal static class BundledRuns
{
    private static readonly Lazy<CliResult> LazyJson = new(() => Cli.Run("replay", "--policy", "proclamation-10773", "--encounters", Cli.Bundled, "--format", "json"));

    /// <summary><c>replay --policy proclamation-10773 --encounters (bundled) --format json</c>.</summary>
    public static CliResult Json => LazyJson.Value;

    /// <summary>The parsed stdout of <see cref="Json"/>.</summary>
    public static JsonElement JsonRoot => LazyRoot.Value;

    private static readonly Lazy<JsonElement> LazyRoot = new(() => Json.Root());
}

/// <summary>The exit-code contract: 0 with a result, or 2 with one line on stderr and nothing on stdout.</summary>
internal static class CliAssert
{
    public static void Ok(CliResult r)
    {
        Assert.True(r.ExitCode == 0, $"expected exit 0\n{r}");
        Assert.True(r.Stdout.Length > 0, $"expected output on stdout\n{r}");
        Assert.True(r.Stderr.Length == 0, $"expected nothing on stderr\n{r}");
    }

    /// <summary>Exit 2, empty stdout, exactly one stderr line; returns that line.</summary>
    public static string BadInput(CliResult r, params string[] mentions)
    {
        Assert.True(r.ExitCode == 2, $"expected exit 2 (bad input)\n{r}");
        Assert.True(r.Stdout.Length == 0, $"expected nothing on stdout\n{r}");
        var text = r.Stderr.TrimEnd('\r', '\n');
        Assert.True(text.Length > 0, $"expected a message on stderr\n{r}");
        Assert.True(!text.Contains('\n', StringComparison.Ordinal) && !text.Contains('\r', StringComparison.Ordinal), $"expected ONE line on stderr\n{r}");
        Assert.StartsWith("threshold: ", text, StringComparison.Ordinal);
        foreach (var m in mentions)
        {
            Assert.True(text.Contains(m, StringComparison.Ordinal), $"expected the message to mention '{m}'\n{r}");
        }

        return text;
    }
}

/// <summary>A private temporary folder for the files one test class writes; deleted afterwards.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "threshold-cli-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>Writes <paramref name="text"/> (exactly, no newline translation) and returns the absolute path.</summary>
    public string Write(string name, string text)
    {
        var file = System.IO.Path.Combine(Path, name);
        File.WriteAllText(file, text, new UTF8Encoding(false));
        return file;
    }

    public string PathOf(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
        catch (UnauthorizedAccessException)
        {
            // best effort
        }
    }
}

/// <summary>Builds small daily encounter CSVs.</summary>
internal static class Csv
{
    public const string Header = "date,between_ports,coastal,ports_of_entry,uc_noncontiguous_between_ports,uc_noncontiguous_ports";

    /// <summary>One row per day of June 2024 (1..<paramref name="days"/>), each counting 1000 + 10 − 100 = 910 under 10773.</summary>
    public static List<string> JuneRows(int days = 30) =>
        Enumerable.Range(1, days).Select(d => $"2024-06-{d:00},1000,10,1500,100,20").ToList();

    public static string File(IEnumerable<string> rows, string header = Header) => header + "\n" + string.Join("\n", rows) + "\n";
}

/// <summary>Runs a system command (mount, the test cluster's script) from the repository root; its stdout, or an exception with its stderr.</summary>
internal static class ExternalCommand
{
    public static string Run(params string[] command)
    {
        var start = new ProcessStartInfo(command[0]) { WorkingDirectory = Cli.RepositoryRoot, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in command.Skip(1))
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {command[0]}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return process.ExitCode == 0
            ? stdout.GetAwaiter().GetResult()
            : throw new InvalidOperationException($"{string.Join(' ', command)} failed ({process.ExitCode}): {stderr.GetAwaiter().GetResult()}");
    }
}
