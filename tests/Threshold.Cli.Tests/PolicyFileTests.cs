namespace Threshold.Cli.Tests;

/// <summary>A user policy file given to --policy as a path: a valid edit replays, a malformed file is exit 2 naming file and line.</summary>
public class PolicyFileTests(TempFolder temp) : IClassFixture<TempFolder>
{
    private static readonly string[] Original =
        File.ReadAllText(Path.Combine(Cli.RepositoryRoot, "law", "policies", "proclamation-10773.yaml")).ReplaceLineEndings("\n").Split('\n');

    private static int IndexOf(List<string> lines, Func<string, bool> match, int from = 0)
    {
        for (var i = from; i < lines.Count; i++)
        {
            if (match(lines[i]))
            {
                return i;
            }
        }

        throw new InvalidOperationException("law/policies/proclamation-10773.yaml no longer has the line this test edits");
    }

    /// <summary>Copies the built-in policy to a temp file after <paramref name="edit"/>, which returns the 1-based line it broke.</summary>
    private (string File, int Line) Edited(string name, Func<List<string>, int> edit)
    {
        var lines = Original.ToList();
        var line = edit(lines);
        return (temp.Write(name, string.Join("\n", lines)), line);
    }

    private static CliResult Replay(string policy) =>
        Cli.Run("replay", "--policy", policy, "--encounters", Cli.Bundled, "--format", "json");

    [Fact]
    public void Replay_UserPolicyFileWithRaisedThreshold_ExitsZeroWithDetermination()
    {
        var (file, _) = Edited("raised.yaml", lines =>
        {
            var p = IndexOf(lines, l => l.Trim() == "deactivate.threshold:");
            var v = IndexOf(lines, l => l.Trim() == "value: 1500", p);
            lines[v] = lines[v].Replace("1500", "2000", StringComparison.Ordinal);
            return v + 1;
        });
        var r = Replay(file);
        CliAssert.Ok(r);
        var root = r.Root();
        Assert.Equal("proclamation-10773", root.GetProperty("policy").GetProperty("id").GetString());
        Assert.Equal(0, root.GetProperty("policy").GetProperty("overlays").GetArrayLength()); // edited in the file, not overlaid
        var d = Assert.Single(root.GetProperty("determinations").EnumerateArray());
        Assert.Equal("deactivation", d.GetProperty("kind").GetString());
        Assert.Equal(2000m, d.GetProperty("thresholdPerDay").GetDecimal());
    }

    [Fact]
    public void Replay_UserPolicyUnknownKey_ExitsTwoNamingFileAndLine()
    {
        var (file, line) = Edited("unknown-key.yaml", lines =>
        {
            var title = IndexOf(lines, l => l.StartsWith("title:", StringComparison.Ordinal));
            lines.Insert(title + 1, "bogus_key: 1");
            return title + 2;
        });
        CliAssert.BadInput(Replay(file), $"{file}:{line}:", "bogus_key");
    }

    [Fact]
    public void Replay_UserPolicyBadCitationStatus_ExitsTwoNamingFileAndLine()
    {
        var (file, line) = Edited("bad-status.yaml", lines =>
        {
            var p = IndexOf(lines, l => l.Trim() == "deactivate.threshold:");
            var c = IndexOf(lines, l => l.Contains("status: V }", StringComparison.Ordinal), p);
            lines[c] = lines[c].Replace("status: V }", "status: X }", StringComparison.Ordinal);
            return c + 1;
        });
        CliAssert.BadInput(Replay(file), $"{file}:{line}:", "'X'");
    }

    [Fact]
    public void Replay_UserPolicyAlias_ExitsTwoNamingFileAndLine()
    {
        var (file, line) = Edited("alias.yaml", lines =>
        {
            var title = IndexOf(lines, l => l.StartsWith("title:", StringComparison.Ordinal));
            lines[title] = "title: &a Proclamation 10773 with an anchor";
            var caveats = IndexOf(lines, l => l.StartsWith("caveats:", StringComparison.Ordinal));
            lines.Insert(caveats + 1, "  - *a");
            return caveats + 2;
        });
        CliAssert.BadInput(Replay(file), $"{file}:{line}:", "alias");
    }

    [Fact]
    public void Replay_UserPolicyFileMissing_ExitsTwoNamingFile()
    {
        var file = temp.PathOf("missing.yaml");
        CliAssert.BadInput(Replay(file), file, "not found");
    }
}
