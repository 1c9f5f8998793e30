using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.WebUtilities;
using NodaTime;
using NodaTime.Text;

namespace Threshold.Web.Dashboard;

/// <summary>
/// A page's state as read from its link's query string (every view is a link). Each reader takes one parameter and
/// returns its value, or null when the link does not give it; a value that cannot be read is never an exception: it
/// adds a sentence naming the parameter to <see cref="Problems"/> and the page keeps its default, so a mistyped link
/// still opens and says what it ignored.
/// </summary>
public sealed class QueryState
{
    /// <summary>Longest text value read; a longer one is refused (links are shared and pasted, not documents).</summary>
    public const int MaxTextLength = 400;

    private readonly Dictionary<string, string[]> values;
    private readonly HashSet<string> read = new(StringComparer.Ordinal);
    private readonly List<string> problems = [];

    private QueryState(Dictionary<string, string[]> values) => this.values = values;

    /// <summary>The sentences, one per parameter that could not be read, in the order read.</summary>
    public IReadOnlyList<string> Problems => problems;

    /// <summary>Reads the query of <paramref name="uri"/> (absolute, or a relative path with a query).</summary>
    public static QueryState Parse(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var at = uri.IndexOf('?', StringComparison.Ordinal);
        var query = at < 0 ? string.Empty : uri[at..];
        var hash = query.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            query = query[..hash];
        }

        return new QueryState(QueryHelpers.ParseQuery(query).ToDictionary(kv => kv.Key, kv => kv.Value.Select(v => v ?? string.Empty).ToArray(), StringComparer.Ordinal));
    }

    /// <summary>The query of the page's current link.</summary>
    public static QueryState Of(NavigationManager navigation)
    {
        ArgumentNullException.ThrowIfNull(navigation);
        return Parse(navigation.Uri);
    }

    /// <summary>
    /// A value typed into a page's field, to be read by the same rule as the link parameter it becomes, so the field
    /// and the link accept and refuse the same values with the same message.
    /// </summary>
    public static QueryState Field(string name, string? typed) =>
        Parse($"?{Uri.EscapeDataString(name)}={Uri.EscapeDataString(typed ?? string.Empty)}");

    /// <summary>An instant's text as given (kept as typed, so the link shows it unchanged), or null when not given or not an instant.</summary>
    public string? InstantText(string name) => InstantOf(name) is not null ? Text(name) : null;

    /// <summary>Whether the link gives <paramref name="name"/> at all.</summary>
    public bool Has(string name) => values.ContainsKey(name);

    /// <summary>One text value, trimmed; empty counts as not given. Given twice, or too long, is a problem.</summary>
    public string? Text(string name)
    {
        read.Add(name);
        if (!values.TryGetValue(name, out var given))
        {
            return null;
        }

        if (given.Length > 1)
        {
            return Problem($"{name} is given {given.Length} times; a link gives it once");
        }

        var text = given[0].Trim();
        if (text.Length > MaxTextLength)
        {
            return Problem($"{name} is {text.Length} characters long; at most {MaxTextLength} are read");
        }

        return text.Any(char.IsControl) ? Problem($"{name} holds a control character") : text.Length == 0 ? null : text;
    }

    /// <summary>Every value of a repeatable parameter, trimmed, empty ones left out.</summary>
    public IReadOnlyList<string> Texts(string name, int max = 20)
    {
        read.Add(name);
        if (!values.TryGetValue(name, out var given))
        {
            return [];
        }

        if (given.Length > max)
        {
            Problem($"{name} is given {given.Length} times; at most {max} are read");
            return [];
        }

        var texts = given.Select(v => v.Trim()).Where(v => v.Length > 0).ToList();
        if (texts.Any(t => t.Length > MaxTextLength || t.Any(char.IsControl)))
        {
            Problem($"a value of {name} is too long or holds a control character");
            return [];
        }

        return texts;
    }

    /// <summary>One of <paramref name="allowed"/>, compared exactly.</summary>
    public string? OneOf(string name, IReadOnlyCollection<string> allowed)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        return Text(name) is not { } text ? null
            : allowed.Contains(text, StringComparer.Ordinal) ? text
            : Problem($"{name}: '{Shown(text)}' is not one of {Choices(allowed)}");
    }

    /// <summary>Every value of a repeatable parameter that is one of <paramref name="allowed"/>; the others are problems.</summary>
    public IReadOnlyList<string> AllOf(string name, IReadOnlyCollection<string> allowed)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        var texts = Texts(name);
        foreach (var bad in texts.Where(t => !allowed.Contains(t, StringComparer.Ordinal)))
        {
            Problem($"{name}: '{Shown(bad)}' is not one of {Choices(allowed)}");
        }

        return [.. texts.Where(t => allowed.Contains(t, StringComparer.Ordinal)).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>A calendar date in yyyy-MM-dd form.</summary>
    public LocalDate? Date(string name) =>
        Text(name) is not { } text ? null
        : LocalDatePattern.Iso.Parse(text) is { Success: true } parsed ? parsed.Value
        : ProblemValue<LocalDate>($"{name}: '{Shown(text)}' is not a date in yyyy-MM-dd form");

    /// <summary>An ISO-8601 instant, in UTC (…Z) or with an offset.</summary>
    public Instant? InstantOf(string name)
    {
        if (Text(name) is not { } text)
        {
            return null;
        }

        if (InstantPattern.ExtendedIso.Parse(text) is { Success: true } utc)
        {
            return utc.Value;
        }

        if (OffsetDateTimePattern.ExtendedIso.Parse(text) is { Success: true } offset
            && offset.Value.LocalDateTime.Year is > 1 and < 9999)
        {
            return offset.Value.ToInstant();
        }

        return ProblemValue<Instant>($"{name}: '{Shown(text)}' is not an ISO-8601 instant such as 2025-01-20T05:01:00Z");
    }

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public long? WholeNumber(string name, long min, long max) =>
        Text(name) is not { } text ? null
        : long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max ? value
        : ProblemValue<long>($"{name}: '{Shown(text)}' is not a whole number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>A number (invariant culture, a point for decimals) from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public double? Number(string name, double min, double max) =>
        Text(name) is not { } text ? null
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && value >= min && value <= max ? value
        : ProblemValue<double>($"{name}: '{Shown(text)}' is not a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>true or false.</summary>
    public bool? Boolean(string name) => OneOf(name, ["true", "false"]) switch
    {
        "true" => true,
        "false" => false,
        _ => null,
    };

    /// <summary>
    /// Adds a problem for every parameter of the link that the page did not read (e.g. a misspelt <c>polcy</c>).
    /// Call it after every reader.
    /// </summary>
    public void RejectUnread()
    {
        foreach (var name in values.Keys.Where(k => !read.Contains(k)).Order(StringComparer.Ordinal))
        {
            problems.Add($"{Shown(name)} is not a parameter of this page; it was ignored");
        }
    }

    /// <summary>Records a problem found by the page itself (a value the law refuses), naming the parameter.</summary>
    public void Refuse(string name, string message)
    {
        read.Add(name);
        problems.Add(message);
    }

    private string? Problem(string message)
    {
        problems.Add(message);
        return null;
    }

    private T? ProblemValue<T>(string message)
        where T : struct
    {
        problems.Add(message);
        return null;
    }

    /// <summary>The choices as a message lists them: all of a short list, else how many (the page shows them).</summary>
    private static string Choices(IReadOnlyCollection<string> allowed) =>
        allowed.Count <= 12 ? string.Join(", ", allowed) : $"the {allowed.Count} this page lists";

    /// <summary>A value as shown in a message: at most 60 characters, so a hostile link cannot fill the page.</summary>
    private static string Shown(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
