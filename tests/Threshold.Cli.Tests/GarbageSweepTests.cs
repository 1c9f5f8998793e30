using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Threshold.Cli.Tests;

/// <summary>
/// Issue 17, every failure is an answer: every command of the CLI, found from its own <c>--help</c> (so a command added
/// later is swept too), is run with garbage for each of its options and arguments: a file that does not exist, a file
/// of random bytes, a date that is no date, an instant that is none, an unknown policy id, a value outside an option's
/// choices, an option that does not exist. Each must answer with one line on stderr that names the option, file, line or
/// field, no stack trace and no exception type, nothing on stdout, and a documented exit code (README "Exit codes": 2
/// for bad input, 4 when the record named cannot be opened).
/// </summary>
public sealed partial class GarbageSweepTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void EveryCommand_WithGarbage_AnswersWithOneLineNamingWhatIsWrong()
    {
        var commands = Commands([]);
        // The tree as documented in the README: a sweep that found none of these would be sweeping nothing.
        Assert.Contains("replay", commands.Select(c => string.Join(' ', c.Path)));
        Assert.Contains("determinations record", commands.Select(c => string.Join(' ', c.Path)));
        Assert.Contains("store import", commands.Select(c => string.Join(' ', c.Path)));
        Assert.True(commands.Count >= 25, $"found only {commands.Count} commands: {string.Join(", ", commands.Select(c => string.Join(' ', c.Path)))}");

        var random = new byte[4096];
        new Random(17).NextBytes(random);
        var randomFile = temp.PathOf("random.bin");
        File.WriteAllBytes(randomFile, random);
        var missing = temp.PathOf("no-such-folder/no-such-file.csv");

        var runs = new List<(string What, string[] Args, string[] Mentions)>();
        foreach (var command in commands)
        {
            // Every run names a private record, so none touches the repository's default one.
            string[] Record(string skip) => command.Options.ContainsKey("--data-dir") && skip != "--data-dir" ? ["--data-dir", temp.PathOf("record-" + Guid.NewGuid().ToString("N")[..8])] : [];
            string[] Serve(string skip) => command.Path is ["serve"] && skip != "--urls" ? ["--urls", "not-a-url"] : [];

            runs.Add(($"{Name(command)} --no-such-option", [.. command.Path, "--no-such-option", .. Record(string.Empty), .. Serve(string.Empty)], ["no-such-option"]));
            foreach (var argument in command.Arguments)
            {
                if (argument.Contains("FILE", StringComparison.Ordinal) || argument.Contains("SCENARIO", StringComparison.Ordinal))
                {
                    runs.Add(($"{Name(command)} <{argument}> missing", [.. command.Path, missing, .. Record(string.Empty)], ["no-such-file.csv"]));
                    runs.Add(($"{Name(command)} <{argument}> random bytes", [.. command.Path, randomFile, .. Record(string.Empty)], ["random.bin"]));
                }
                else
                {
                    runs.Add(($"{Name(command)} <{argument}> unknown", [.. command.Path, "no-such-thing", .. Record(string.Empty)], ["no-such-thing"]));
                }
            }

            foreach (var (option, placeholder) in command.Options)
            {
                foreach (var (value, mention) in Garbage(option, placeholder, missing, randomFile))
                {
                    runs.Add(($"{Name(command)} {option} {Path.GetFileName(value)}", [.. command.Path, .. Positional(command, randomFile), option, value, .. Record(option), .. Serve(option)], [mention]));
                }
            }
        }

        // Garbage in what the options mean together, not in any one of them.
        var bundled = Cli.Bundled;
        string[] Private() => ["--data-dir", temp.PathOf("record-" + Guid.NewGuid().ToString("N")[..8])];
        runs.Add(("determinations record, a window after the date", ["determinations", "record", "--date", "2024-07-01", "--kind", "activation", "--window-start", "2024-06-24", "--window-end", "2024-07-05", "--by", "x", .. Private()], ["--window-end"]));
        runs.Add(("replay of random bytes", ["replay", "--policy", "proclamation-10773", "--encounters", randomFile], ["random.bin"]));
        runs.Add(("replay of a bill without an in-force date", ["replay", "--policy", "hr2-2023", "--encounters", bundled], ["--in-force"]));
        runs.Add(("replay with an override naming nothing", ["replay", "--policy", "proclamation-10773", "--encounters", bundled, "--set", "no.such=1"], ["--set no.such=1"]));
        runs.Add(("explain a day outside the series", ["explain", "--policy", "proclamation-10773", "--encounters", bundled, "--date", "2030-01-01"], ["--date 2030-01-01"]));
        runs.Add(("screen a case of random bytes", ["screen", "--policy", "proclamation-10773", "--encounters", bundled, "--case", randomFile], ["random.bin"]));
        runs.Add(("screen with an unknown order left out", ["screen", "--policy", "in-force", "--case", randomFile, "--without-order", "no-such-order"], ["--without-order no-such-order"]));
        runs.Add(("determinations diff under an unknown policy", ["determinations", "diff", "--policy", "no-such-policy", .. Private()], ["--policy no-such-policy"]));

        var failures = new ConcurrentBag<string>();
        Parallel.ForEach(runs, new ParallelOptions { MaxDegreeOfParallelism = 3 }, run =>
        {
            var r = Cli.Run(run.Args);
            if (Problem(r, run.Mentions) is { } problem)
            {
                failures.Add($"{run.What}: {problem}\n{r}");
            }
        });

        Assert.True(failures.IsEmpty, $"{failures.Count} of {runs.Count} garbage runs did not answer with one line naming what is wrong:\n\n{string.Join("\n\n", failures.OrderBy(f => f, StringComparer.Ordinal))}");
    }

    /// <summary>Why a run's answer to garbage falls short, or null when it is the one line it should be.</summary>
    private static string? Problem(CliResult r, string[] mentions)
    {
        var err = r.Stderr.TrimEnd('\r', '\n');
        if (r.ExitCode is not (2 or 4))
        {
            return $"exit {r.ExitCode}, expected 2 (bad input) or 4 (record unavailable)";
        }

        if (r.Stdout.Length > 0)
        {
            return "wrote to stdout";
        }

        if (err.Contains('\n', StringComparison.Ordinal))
        {
            return "more than one line on stderr";
        }

        if (err.Contains("   at ", StringComparison.Ordinal) || ExceptionName().IsMatch(err))
        {
            return "a stack trace or an exception type on stderr";
        }

        if (!err.StartsWith("threshold: ", StringComparison.Ordinal))
        {
            return "stderr does not start 'threshold: '";
        }

        // Names the option, the file (with its line) or the field; or at least the offending value itself.
        return err.Contains("--", StringComparison.Ordinal) || mentions.Any(m => err.Contains(m, StringComparison.Ordinal)) || LineOrField().IsMatch(err) || FilePath().IsMatch(err)
            ? null
            : $"names no option, file, line or field (expected e.g. '{mentions[0]}')";
    }

    /// <summary>Garbage for an option, by the form of its value; nothing for a flag or free text.</summary>
    private static IEnumerable<(string Value, string Mention)> Garbage(string option, string? placeholder, string missing, string randomFile)
    {
        if (placeholder is null)
        {
            yield break;
        }

        var form = placeholder.ToUpperInvariant();
        if (form is "DIR")
        {
            yield return (randomFile, "random.bin");
        }
        else if (option.Contains("out", StringComparison.OrdinalIgnoreCase))
        {
            // An output goes where it is told (a missing folder may be created): garbage is a path under a file.
            yield return (Path.Combine(randomFile, "out.csv"), "random.bin");
        }
        else if (form.Contains("FILE", StringComparison.Ordinal) || form is "PATH" or "FOLDER")
        {
            yield return (missing, "no-such-file.csv");
            yield return (randomFile, "random.bin");
        }
        else if (form.Contains("DATE", StringComparison.Ordinal) && !form.Contains('=', StringComparison.Ordinal))
        {
            yield return ("2024-13-45", "2024-13-45");
        }
        else if (form.Contains("INSTANT", StringComparison.Ordinal))
        {
            yield return ("not-an-instant", "not-an-instant");
        }
        else if (form is "ID|FILE" || option == "--policy")
        {
            yield return ("no-such-policy", "no-such-policy");
        }
        else if (form.Contains('|', StringComparison.Ordinal) || form.Contains('=', StringComparison.Ordinal))
        {
            yield return ("sideways", "sideways");
        }
        else if (form is "N" or "DAYS" or "COUNT" or "SEED" or "PATHS" or "MONTH" or "YYYY-MM" or "THREADS" or "LIMIT" or "SIZE")
        {
            yield return ("-1x", "-1x");
        }
        else if (form is "ROLE" or "KIND" or "FORMAT" or "TIMELINE" or "TABLE" or "TRACE")
        {
            yield return ("sideways", "sideways");
        }
        else if (form is "CONNECTION")
        {
            yield return ("garbage;;==", "--database");
        }
        else if (form is "URLS" or "URL")
        {
            yield return ("not-a-url", "not-a-url");
        }
    }

    /// <summary>A positional argument the command requires, so its options are reached: a file of random bytes.</summary>
    private static string[] Positional(Command command, string randomFile) => command.Arguments.Count > 0 ? [randomFile] : [];

    private static string Name(Command command) => string.Join(' ', command.Path);

    /// <summary>Every leaf command under <paramref name="path"/>, with its arguments and options, read from <c>--help</c>.</summary>
    private static List<Command> Commands(string[] path)
    {
        var help = Cli.Run([.. path, "--help"]);
        Assert.True(help.ExitCode == 0, help.ToString());
        var lines = help.Stdout.Split('\n');
        var section = string.Empty;
        var subcommands = new List<string>();
        var arguments = new List<string>();
        var options = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            if (SectionHeading().Match(line) is { Success: true } heading)
            {
                section = heading.Groups[1].Value;
                continue;
            }

            switch (section)
            {
                case "COMMANDS" when CommandLine().Match(line) is { Success: true } c:
                    subcommands.Add(c.Groups[1].Value);
                    break;
                case "ARGUMENTS" when ArgumentLine().Match(line) is { Success: true } a:
                    arguments.Add(a.Groups[1].Value);
                    break;
                case "OPTIONS" when OptionLine().Match(line) is { Success: true } o && o.Groups[1].Value != "--help":
                    options[o.Groups[1].Value] = o.Groups[2].Success ? o.Groups[2].Value : null;
                    break;
            }
        }

        if (subcommands.Count == 0)
        {
            return path.Length == 0 ? [] : [new Command(path, arguments, options)];
        }

        return [.. subcommands.SelectMany(s => Commands([.. path, s]))];
    }

    private sealed record Command(string[] Path, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string?> Options);

    [GeneratedRegex(@"^([A-Z]+):\s*$")]
    private static partial Regex SectionHeading();

    [GeneratedRegex(@"^    ([a-z][a-z0-9-]*)(?: <[^>]+>)?\s{2,}\S")]
    private static partial Regex CommandLine();

    [GeneratedRegex(@"^    [<\[]([A-Za-z_-]+)[>\]]")]
    private static partial Regex ArgumentLine();

    [GeneratedRegex(@"^\s+(?:-\w, )?(--[a-z][a-z0-9-]*)(?: <([^>]+)>)?")]
    private static partial Regex OptionLine();

    [GeneratedRegex(@"\b[A-Z]\w*Exception\b")]
    private static partial Regex ExceptionName();

    [GeneratedRegex(@":\d+:|line \d+|field '")]
    private static partial Regex LineOrField();

    /// <summary>A file named by its path (e.g. the record a command could not open).</summary>
    [GeneratedRegex(@"(^|\s)/[^\s:]+")]
    private static partial Regex FilePath();
}
