using System.Text;
using System.Text.RegularExpressions;

namespace Threshold.Cli.Tests;

/// <summary>
/// The documentation cannot rot: every <c>console</c> block of docs/guide.md is run and its printed output checked, and
/// every <c>./threshold</c> command of the README's shell blocks is run and must succeed. They run in a sandbox (the
/// repository's data/source, examples and scenarios linked, data/modeled copied), so a guide step that regenerates the
/// bundled series or creates a record never touches the repository.
/// </summary>
public sealed class GuideAndReadmeTests : IDisposable
{
    /// <summary>The guide's elision: a line of only this stands for any lines; inside a line, for any text.</summary>
    private const string Elision = "…";

    private readonly TempFolder sandbox = new();

    public GuideAndReadmeTests()
    {
        var root = Cli.RepositoryRoot;
        Directory.CreateDirectory(sandbox.PathOf("data"));
        Directory.CreateSymbolicLink(sandbox.PathOf("data/source"), Path.Combine(root, "data/source"));
        Directory.CreateDirectory(sandbox.PathOf("data/modeled"));
        foreach (var file in Directory.GetFiles(Path.Combine(root, "data/modeled")))
        {
            File.Copy(file, sandbox.PathOf(Path.Combine("data/modeled", Path.GetFileName(file))));
        }

        foreach (var folder in new[] { "examples", "scenarios" })
        {
            Directory.CreateSymbolicLink(sandbox.PathOf(folder), Path.Combine(root, folder));
        }
    }

    public static TheoryData<int, string> GuideBlocks()
    {
        var data = new TheoryData<int, string>();
        foreach (var (line, body) in FencedBlocks(Path.Combine(Cli.RepositoryRoot, "docs/guide.md"), "console"))
        {
            data.Add(line, body);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(GuideBlocks))]
    public void GuideBlock_PrintsWhatTheGuideShows(int line, string block)
    {
        var steps = ParseConsoleBlock(block, line);
        Assert.NotEmpty(steps);
        foreach (var (command, expected) in steps)
        {
            var r = Cli.RunIn(sandbox.Path, Arguments(command, line));
            Assert.True(r.ExitCode == 0, $"docs/guide.md:{line}: `{command}` exited {r.ExitCode}\n{r}");
            var actual = (r.Stdout + r.Stderr).Replace("\r", string.Empty, StringComparison.Ordinal).Split('\n').Select(l => l.TrimEnd()).ToList();
            while (actual.Count > 0 && actual[^1].Length == 0)
            {
                actual.RemoveAt(actual.Count - 1);
            }

            Assert.True(Matches(expected, 0, actual, 0), $"docs/guide.md:{line}: the output of `{command}` is not what the guide shows.\nGuide:\n{string.Join('\n', expected)}\nActual:\n{string.Join('\n', actual)}");
        }
    }

    [Fact]
    public void Guide_AnswersTheFiveQuestions_AndHasAGlossary()
    {
        var text = File.ReadAllText(Path.Combine(Cli.RepositoryRoot, "docs/guide.md"));
        Assert.Contains("## Glossary", text, StringComparison.Ordinal);
        foreach (var question in new[] { "When did the June 2024 suspension take effect?", "Would it have lifted by January 2025?", "What applied to a person who crossed on 2025-03-10?", "How many Venezuelans could Mexico take back in a month?", "How does an operator import a new month of data?" })
        {
            Assert.Contains(question, text, StringComparison.Ordinal);
        }

        Assert.True(FencedBlocks(Path.Combine(Cli.RepositoryRoot, "docs/guide.md"), "console").Count() >= 5);
    }

    public static TheoryData<int, string> ReadmeCommands()
    {
        var data = new TheoryData<int, string>();
        foreach (var (line, body) in FencedBlocks(Path.Combine(Cli.RepositoryRoot, "README.md"), "sh"))
        {
            foreach (var command in body.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("./threshold ", StringComparison.Ordinal)))
            {
                foreach (var part in command.Split(" && "))
                {
                    // `serve` runs until stopped: the serve tests (ServeStartErrorTests, the server drills) start it.
                    if (!part.StartsWith("./threshold serve", StringComparison.Ordinal))
                    {
                        data.Add(line, part);
                    }
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ReadmeCommands))]
    public void ReadmeCommand_Succeeds(int line, string command)
    {
        var r = Cli.RunIn(sandbox.Path, Arguments(command, line));
        Assert.True(r.ExitCode == 0, $"README.md:{line}: `{command}` exited {r.ExitCode}\n{r}");
        Assert.True(r.Stdout.Trim().Length > 0, $"README.md:{line}: `{command}` printed nothing\n{r}");
        Assert.True(r.Stderr.Length == 0, $"README.md:{line}: `{command}` wrote to stderr\n{r}");
        Assert.DoesNotContain("   at ", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void TheMatcher_HonoursElisions()
    {
        Assert.True(Matches(["a", Elision, "d"], 0, ["a", "b", "c", "d"], 0));
        Assert.True(Matches(["a…", "b"], 0, ["abc", "b"], 0));
        Assert.False(Matches(["a", "d"], 0, ["a", "b", "d"], 0));
        Assert.False(Matches(["a"], 0, ["a", "b"], 0));
        Assert.True(Matches(["a", Elision], 0, ["a", "b"], 0));
    }

    public void Dispose() => sandbox.Dispose();

    /// <summary>Each fenced block of <paramref name="language"/> with the line of its first content line.</summary>
    private static IEnumerable<(int Line, string Body)> FencedBlocks(string path, string language)
    {
        var lines = File.ReadAllLines(path);
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() != "```" + language)
            {
                continue;
            }

            var body = new StringBuilder();
            var start = i + 2;
            for (i++; i < lines.Length && lines[i].Trim() != "```"; i++)
            {
                body.Append(lines[i]).Append('\n');
            }

            yield return (start, body.ToString());
        }
    }

    /// <summary>A console block's commands (lines starting "$ ") with the lines shown after each.</summary>
    private static List<(string Command, List<string> Expected)> ParseConsoleBlock(string block, int line)
    {
        var steps = new List<(string, List<string>)>();
        foreach (var text in block.TrimEnd('\n').Split('\n'))
        {
            if (text.StartsWith("$ ", StringComparison.Ordinal))
            {
                steps.Add((text[2..].Trim(), []));
            }
            else if (steps.Count == 0)
            {
                Assert.Fail($"docs/guide.md:{line}: a console block must start with a command line ('$ ./threshold …')");
            }
            else
            {
                steps[^1].Item2.Add(text.TrimEnd());
            }
        }

        return steps;
    }

    /// <summary>The arguments of a <c>./threshold</c> command line: words split on spaces, with single or double quotes.</summary>
    private static string[] Arguments(string command, int line)
    {
        var words = Regex.Matches(command, "\"([^\"]*)\"|'([^']*)'|(\\S+)").Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Success ? m.Groups[2].Value : m.Groups[3].Value).ToArray();
        Assert.True(words.Length > 1 && words[0] == "./threshold", $"line {line}: only ./threshold commands run here: `{command}`");
        return words[1..];
    }

    /// <summary>Whether <paramref name="actual"/> from <paramref name="a"/> matches the guide's lines from <paramref name="e"/>.</summary>
    private static bool Matches(IReadOnlyList<string> expected, int e, IReadOnlyList<string> actual, int a)
    {
        if (e == expected.Count)
        {
            return a == actual.Count;
        }

        if (expected[e] == Elision)
        {
            for (var skip = a; skip <= actual.Count; skip++)
            {
                if (Matches(expected, e + 1, actual, skip))
                {
                    return true;
                }
            }

            return false;
        }

        return a < actual.Count && LineMatches(expected[e], actual[a]) && Matches(expected, e + 1, actual, a + 1);
    }

    private static bool LineMatches(string expected, string actual) =>
        expected.Contains(Elision, StringComparison.Ordinal)
            ? Regex.IsMatch(actual, "^" + string.Join(".*", expected.Split(Elision).Select(Regex.Escape)) + "$", RegexOptions.None, TimeSpan.FromSeconds(5))
            : expected == actual;
}
