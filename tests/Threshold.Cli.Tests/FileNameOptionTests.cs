namespace Threshold.Cli.Tests;

/// <summary>
/// Options that name files: a missing folder under <c>--out</c> is created, a folder (or <c>..</c>) given as the
/// output file is a usage error naming the option, and <c>..</c> inside a path is the user's own path, resolved as
/// usual. A key printed by <c>keys create</c> appears once, on stdout, never on stderr.
/// </summary>
public sealed class FileNameOptionTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("threshold-file-names-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void Out_IntoAFolderThatDoesNotExist_CreatesItAndWritesTheFile()
    {
        var target = Path.Combine(folder, "missing", "deeper", "cases.jsonl");
        var r = Cli.Run("cases", "generate", "--month", "2024-07", "--count", "5", "--seed", "1", "--out", target);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(5, File.ReadAllLines(target).Length);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/..")]
    public void Out_NamingAFolder_IsAUsageErrorNamingTheOption(string suffix)
    {
        var r = Cli.Run("cases", "generate", "--month", "2024-07", "--count", "5", "--seed", "1", "--out", folder + suffix);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("--out", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("Is a directory", r.Stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(folder, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void Out_WithDotDotSegments_WritesWhereThePathLeads()
    {
        Directory.CreateDirectory(Path.Combine(folder, "a"));
        var r = Cli.Run("cases", "generate", "--month", "2024-07", "--count", "5", "--seed", "1", "--out", Path.Combine(folder, "a", "..", "up.jsonl"));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.True(File.Exists(Path.Combine(folder, "up.jsonl")));
    }

    [Fact]
    public void KeysCreate_PrintsTheKeyOnStdoutOnly()
    {
        var r = Cli.Run("keys", "create", "--name", "secrecy", "--role", "viewer", "--data-dir", Path.Combine(folder, "data"));
        Assert.True(r.ExitCode == 0, r.ToString());
        var key = r.Root().GetProperty("key").GetString()!;
        Assert.StartsWith("thr_", key, StringComparison.Ordinal);
        Assert.DoesNotContain(key, r.Stderr, StringComparison.Ordinal);
        var listed = Cli.Run("keys", "list", "--data-dir", Path.Combine(folder, "data"));
        Assert.DoesNotContain(key, listed.Stdout + listed.Stderr, StringComparison.Ordinal);
    }
}
