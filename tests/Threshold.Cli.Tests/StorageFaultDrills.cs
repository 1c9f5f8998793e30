using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Threshold.Cli.Tests;

/// <summary>
/// Fault drills (issue 7) on the storage under the record: a data directory that cannot be written or a database that
/// is unreachable or gone stops <c>./threshold serve</c> at start-up with exit 4 naming it (never "ready"); a full disk
/// answers 507 ProblemDetails (the web API) or exit 4 (the CLI), corrupts nothing, and the same request succeeds once
/// space returns, without a restart.
/// </summary>
public sealed class StorageFaultDrills : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Serve_OnAReadOnlyDataDirectory_ExitsFourNamingIt_AndIsNeverReady()
    {
        using var readOnly = Mounts.ReadOnlyFolder(temp.PathOf("read-only"));
        foreach (var dir in new[] { readOnly.Path, Path.Combine(readOnly.Path, "cannot-create") })
        {
            var (exit, output, ready) = ServerProcess.StartExpectingFailure(["--data-dir", dir]);
            Assert.True(exit == ExitCodes.RecordUnavailable, $"exit {exit}\n{output}");
            Assert.Contains($"threshold: {dir}: the data directory cannot be written", output, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", output, StringComparison.Ordinal); // a message, not a stack trace
            Assert.False(ready);
        }
    }

    [Fact]
    public void Serve_WithAnUnreachableOrMissingDatabase_ExitsFourNamingTheServerNotThePassword()
    {
        // Port 1 on loopback: nothing listens there. Then a database that does not exist on the test run's server.
        var unreachable = "Host=127.0.0.1;Port=1;Username=u;Password=hunter2;Database=d;Timeout=3";
        var gone = new NpgsqlConnectionStringBuilder(PostgresTestServer.ConnectionString) { Database = "gone_" + Guid.NewGuid().ToString("N"), Password = "hunter2" };
        foreach (var (connection, named) in new[] { (unreachable, "PostgreSQL u@127.0.0.1:1/d: cannot connect"), (gone.ConnectionString, $"/{gone.Database}: cannot connect: 3D000") })
        {
            var (exit, output, ready) = ServerProcess.StartExpectingFailure(["--database", connection]);
            Assert.True(exit == ExitCodes.RecordUnavailable, $"exit {exit}\n{output}");
            Assert.Contains(named, output, StringComparison.Ordinal);
            Assert.DoesNotContain("hunter2", output, StringComparison.Ordinal);
            Assert.False(ready);
        }
    }

    [RootFact]
    public async Task DiskFull_UnderTheServerAndTheCli_IsAClearError_NothingCorrupt_AndRecoversWhenSpaceReturns()
    {
        using var tiny = Mounts.Tmpfs(temp.PathOf("tiny"), "4m");
        var dataDir = Path.Combine(tiny.Path, "data");
        string[] record = ["--data-dir", dataDir];
        var key = ServerProcess.CreateKey(record, "operator");
        var revised = string.Join('\n', File.ReadAllLines(Path.Combine(Cli.RepositoryRoot, Cli.Bundled)).Select((l, i) => i == 0 || l.StartsWith('#') || l.StartsWith("date", StringComparison.Ordinal) ? l : Bump(l))) + "\n";
        var csv = temp.Write("revised.csv", revised);

        using var server = ServerProcess.StartReady(record);
        using var client = server.Client(key);
        var entries = EntryCount(record);
        var filler = Path.Combine(tiny.Path, "filler");
        Mounts.Fill(filler);

        using (var full = await client.PostAsync(new Uri("/api/v1/series/drill", UriKind.Relative), new StringContent(revised, Encoding.UTF8, "text/csv")))
        {
            var body = await full.Content.ReadAsStringAsync();
            Assert.True(full.StatusCode == HttpStatusCode.InsufficientStorage, $"{full.StatusCode}: {body}");
            Assert.Equal("application/problem+json", full.Content.Headers.ContentType?.MediaType);
            var problem = JsonDocument.Parse(body).RootElement;
            Assert.Equal("disk-full", problem.GetProperty("fault").GetString());
            Assert.Contains("Disk full", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
            Assert.DoesNotContain(tiny.Path, body, StringComparison.Ordinal); // the server's folders stay private
            Assert.NotNull(full.Headers.RetryAfter);
        }

        var cli = Cli.Run(["store", "import", csv, "--series", "drill", .. record]);
        Assert.True(cli.ExitCode == ExitCodes.RecordUnavailable, cli.ToString());
        Assert.Contains($"{dataDir}/threshold.db: disk full", cli.Stderr, StringComparison.Ordinal);

        File.Delete(filler); // space returns
        Assert.Equal("ok", IntegrityCheck(Path.Combine(dataDir, "threshold.db")));
        Assert.Equal(entries, EntryCount(record)); // nothing half-written: no entry, and the chain verifies

        using (var retried = await client.PostAsync(new Uri("/api/v1/series/drill", UriKind.Relative), new StringContent(revised, Encoding.UTF8, "text/csv")))
        {
            Assert.True(retried.StatusCode == HttpStatusCode.OK, await retried.Content.ReadAsStringAsync());
            Assert.Equal(385, (await retried.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result").GetProperty("newDays").GetInt32());
        }

        Assert.Equal(entries + 1, EntryCount(record));

        static string Bump(string line)
        {
            var f = line.Split(',');
            f[1] = (int.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return string.Join(',', f);
        }
    }

    private static long EntryCount(IEnumerable<string> record)
    {
        var verify = Cli.Run(["audit", "verify", .. record]);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        return long.Parse(System.Text.RegularExpressions.Regex.Match(verify.Stdout, @"^verified: (\d+) entries").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string IntegrityCheck(string file)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check;";
        return (string)command.ExecuteScalar()!;
    }
}

/// <summary>A test that needs root (mounting a tmpfs); skipped, saying so, for anyone else. CI runs as root.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!Mounts.IsRoot)
        {
            Skip = "needs root to mount a small tmpfs (CI and ./run-tests as root run it)";
        }
    }
}

/// <summary>Small file systems for the storage drills, unmounted on dispose.</summary>
internal static class Mounts
{
    public static bool IsRoot { get; } = File.ReadLines("/proc/self/status").Any(l => l.StartsWith("Uid:", StringComparison.Ordinal) && l.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1] == "0");

    /// <summary>A tmpfs of <paramref name="size"/> (e.g. "4m") at <paramref name="path"/>.</summary>
    public static Mount Tmpfs(string path, string size)
    {
        Directory.CreateDirectory(path);
        ExternalCommand.Run("mount", "-t", "tmpfs", "-o", $"size={size},mode=0755", "tmpfs", path);
        return new Mount(path, mounted: true);
    }

    /// <summary>
    /// A folder nobody may write: as root (whom permissions do not stop) a read-only tmpfs mounted there, otherwise a
    /// folder with mode 0555.
    /// </summary>
    public static Mount ReadOnlyFolder(string path)
    {
        Directory.CreateDirectory(path);
        if (IsRoot)
        {
            ExternalCommand.Run("mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", path);
            return new Mount(path, mounted: true);
        }

        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("the storage drills run on Linux");
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return new Mount(path, mounted: false);
    }

    /// <summary>Writes <paramref name="file"/> until the file system has no space left.</summary>
    public static void Fill(string file)
    {
        var block = new byte[64 * 1024];
        using var stream = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.None, 1);
        try
        {
            while (true)
            {
                stream.Write(block);
            }
        }
        catch (IOException)
        {
            // ENOSPC: full
        }

        for (var size = 4096; size >= 1; size /= 2)
        {
            try
            {
                stream.Write(block.AsSpan(0, size)); // the last partial pages
            }
            catch (IOException)
            {
                // that much no longer fits
            }
        }
    }

    internal sealed class Mount(string path, bool mounted) : IDisposable
    {
        public string Path { get; } = path;

        public void Dispose()
        {
            if (mounted)
            {
                ExternalCommand.Run("umount", "--lazy", Path);
            }
            else if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
    }
}
