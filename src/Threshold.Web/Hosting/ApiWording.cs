using System.Text.RegularExpressions;

namespace Threshold.Web.Hosting;

/// <summary>
/// Words a message of the engine in the API's terms: a CLI option (<c>--in-force DATE</c>, <c>--set NAME=VALUE</c>,
/// <c>--allow-gaps</c>) becomes the query parameter a client sends (<c>inForce=DATE</c>, <c>set=NAME=VALUE</c>,
/// <c>allowGaps=true</c>). The engine's own message stays the CLI's; only the web's answer is reworded.
/// </summary>
public static partial class ApiWording
{
    /// <summary>The CLI options that have a query parameter, by the option's name, with the parameter's.</summary>
    private static readonly Dictionary<string, string> Parameters = new(StringComparer.Ordinal)
    {
        ["in-force"] = "inForce",
        ["set"] = "set",
        ["allow-gaps"] = "allowGaps",
        ["court-order"] = "courtOrder",
        ["determination-lag"] = "determinationLag",
        ["determination"] = "determination",
        ["date"] = "date",
        ["without-order"] = "withoutOrder",
        ["decided-on"] = "decidedOn",
        ["as-known-on"] = "asKnownOn",
        ["policy"] = "policy",
        ["series"] = "series",
        ["timeline"] = "timeline",
        ["trace"] = "trace",
        ["record"] = "record",
        ["paths"] = "paths",
        ["seed"] = "seed",
        ["format"] = "format",
    };

    /// <summary>Options that take no value on the command line: the query parameter is a boolean.</summary>
    private static readonly HashSet<string> Switches = new(StringComparer.Ordinal) { "allow-gaps", "record" };

    /// <summary>The message with every known CLI option worded as its query parameter.</summary>
    public static string Reword(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Option().Replace(message, m =>
        {
            var name = m.Groups["name"].Value;
            if (!Parameters.TryGetValue(name, out var parameter))
            {
                return m.Value;
            }

            var value = m.Groups["value"];
            return Switches.Contains(name) ? parameter + "=true" + (value.Success ? " " + value.Value : string.Empty)
                : value.Success ? parameter + "=" + value.Value
                : parameter;
        });
    }

    /// <summary>The query parameter named by the first known CLI option in the message, if any.</summary>
    public static string? ParameterNamed(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        foreach (Match m in Option().Matches(message))
        {
            if (Parameters.TryGetValue(m.Groups["name"].Value, out var parameter))
            {
                return parameter;
            }
        }

        return null;
    }

    /// <summary>
    /// <c>--name</c> not inside a word, with the value that follows after one space when there is one (a token that
    /// starts with a letter, digit or quote: <c>DATE</c>, <c>2024-06-05</c>, <c>deactivate.threshold=2000</c>).
    /// </summary>
    [GeneratedRegex(@"(?<![\w-])--(?<name>[a-z][a-z0-9]*(?:-[a-z0-9]+)*)(?![\w-])(?: (?<value>[A-Za-z0-9'][^\s:;,()]*))?")]
    private static partial Regex Option();
}
