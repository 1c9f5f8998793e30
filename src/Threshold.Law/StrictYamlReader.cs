using NodaTime;
using NodaTime.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Threshold.Law;

/// <summary>
/// The strict reading shared by every cited data file (policies, arrangements): size capped, YAML aliases refused,
/// node count capped, duplicate keys refused, and helpers whose every failure names the file and the line.
/// A reader derives from it and says which exception type carries the message.
/// </summary>
public abstract class StrictYamlReader(string source)
{
    /// <summary>
    /// Most YAML events (scalars, mapping and sequence starts and ends) in one file: a policy has a few thousand. With
    /// aliases refused, this bounds the nodes built whatever the text, so a crafted file cannot expand in memory.
    /// </summary>
    public const int MaxEvents = 100_000;

    /// <summary>
    /// Deepest nesting of mappings and sequences: a policy nests six levels. YamlDotNet's node loader recurses once a
    /// level, and 49,000 '[' (98 KB, within the size and node limits) overflowed the stack and killed the process; now
    /// the scan before loading refuses the first level past this one, naming the line.
    /// </summary>
    public const int MaxDepth = 32;

    private static readonly string[] CitationKeys = ["instrument", "section", "fr", "status", "source"];

    protected string Source => source;

    /// <summary>Loads <paramref name="yaml"/> as one document whose root is a mapping, refusing what a hostile file could abuse.</summary>
    /// <param name="kind">What the file is, for messages, e.g. "policy".</param>
    public static YamlMappingNode LoadRoot(string yaml, string sourceName, int maxChars, string kind, Func<long, string, Exception> error)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(error);
        if (yaml.Length > maxChars)
        {
            throw error(0, $"text is longer than {maxChars} characters");
        }

        // YAML allows no control characters but tab and line breaks; YamlDotNet lets some through (a NUL became an event
        // its own loader then refused with an ArgumentException, found by fuzzing), so refuse them here with their line.
        var bad = FirstControlCharacter(yaml);
        if (bad >= 0)
        {
            throw error(yaml.AsSpan(0, bad).Count('\n') + 1, $"control character U+{(int)yaml[bad]:X4} is not allowed in YAML");
        }

        Scan(yaml, sourceName, kind, error);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw error(e.Start.Line, $"not valid YAML: {e.Message}");
        }

        return stream.Documents.Count == 1 && stream.Documents[0].RootNode is YamlMappingNode root
            ? root
            : throw error(1, "expected one YAML document whose top level is a mapping");
    }

    private static void Scan(string yaml, string sourceName, string kind, Func<long, string, Exception> error)
    {
        var parser = new Parser(new StringReader(yaml));
        var events = 0;
        var frames = new Stack<KeyFrame>();
        long lastLine = 0;
        try
        {
            while (parser.MoveNext())
            {
                var current = parser.Current!;
                if (current is not StreamStart)
                {
                    lastLine = current.End.Line;
                }

                if (current is AnchorAlias alias)
                {
                    throw error(alias.Start.Line, $"YAML aliases (*name) are not allowed in {kind} files");
                }

                if (++events > MaxEvents)
                {
                    throw error(current.Start.Line, $"more than {MaxEvents} YAML nodes; a {kind} file is far smaller");
                }

                if (current is MappingEnd or SequenceEnd)
                {
                    // YamlDotNet can end a mapping right after a key and drop its value (" : A", found by fuzzing); its
                    // loader then throws ArgumentException. A mapping must close on a whole key-value pair.
                    var closed = frames.Pop();
                    if (closed.Keys is not null && !closed.ExpectKey)
                    {
                        throw error(closed.KeyLine, "not valid YAML: a mapping key without a value");
                    }

                    continue;
                }

                if (current is not (YamlDotNet.Core.Events.Scalar or MappingStart or SequenceStart))
                {
                    continue;
                }

                // Track mapping keys so a duplicate key is an error with its line, not a silent overwrite.
                if (frames.TryPeek(out var parent) && parent.Keys is { } seen)
                {
                    var isKey = parent.ExpectKey;
                    parent.ExpectKey = !isKey;
                    if (isKey)
                    {
                        parent.KeyLine = current.Start.Line;
                    }

                    if (isKey && current is YamlDotNet.Core.Events.Scalar key && !seen.Add(key.Value))
                    {
                        throw error(key.Start.Line, $"duplicate key '{key.Value}'");
                    }
                }

                if (current is MappingStart or SequenceStart && frames.Count >= MaxDepth)
                {
                    throw error(current.Start.Line, $"nested more than {MaxDepth} levels deep; a {kind} file nests a few");
                }

                if (current is MappingStart)
                {
                    frames.Push(new KeyFrame(new HashSet<string>(StringComparer.Ordinal)));
                }
                else if (current is SequenceStart)
                {
                    frames.Push(new KeyFrame(null));
                }
            }
        }
        catch (YamlException e)
        {
            throw error(e.Start.Line, $"not valid YAML: {e.Message}");
        }
        catch (Exception e) when (IsYamlScannerFault(e))
        {
            throw error(Math.Max(lastLine, 1), NotValidAt);
        }
        catch (ArgumentException e) when (e.TargetSite?.DeclaringType == typeof(TagName))
        {
            // YamlDotNet refuses a malformed tag such as "!!+!" (found by fuzzing) with an ArgumentException.
            throw error(Math.Max(lastLine, 1), NotValidAt + ": a tag (!…) that is not a valid URI");
        }
    }

    /// <summary>Index of the first C0 or C1 control character other than tab, CR, LF and NEL, or -1.</summary>
    private static int FirstControlCharacter(string yaml)
    {
        for (var i = 0; i < yaml.Length; i++)
        {
            var c = yaml[i];
            if ((c < ' ' && c is not ('\t' or '\n' or '\r')) || (c is >= '\u007f' and <= '\u009f' && c != '\u0085'))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>For a failure inside YamlDotNet: the line is that of the last event read, so the fault is there or after.</summary>
    private const string NotValidAt = "not valid YAML at or after this line";

    /// <summary>
    /// YamlDotNet's scanner reports some malformed text (e.g. "    : {\nt", found by fuzzing) with a bare
    /// InvalidOperationException or Exception instead of a YamlException (upstream issue aaubry/YamlDotNet#541). Only
    /// those two types, thrown from inside YamlDotNet, are a syntax error of the file; anything else stays a fault.
    /// </summary>
    private static bool IsYamlScannerFault(Exception e) =>
        (e.GetType() == typeof(InvalidOperationException) || e.GetType() == typeof(Exception))
        && e.TargetSite?.DeclaringType?.Namespace?.StartsWith("YamlDotNet", StringComparison.Ordinal) == true;

    /// <summary>One open mapping (with the keys seen so far) or sequence (no keys) while scanning events.</summary>
    private sealed class KeyFrame(HashSet<string>? keys)
    {
        public HashSet<string>? Keys { get; } = keys;

        public bool ExpectKey { get; set; } = true;

        /// <summary>Line of the last key read, for a key left without a value.</summary>
        public long KeyLine { get; set; }
    }

    /// <summary>The exception for a problem at a line (0 when no line is at fault).</summary>
    protected abstract Exception Fail(long line, string problem);

    protected Exception Error(YamlNode node, string problem) => Fail(node.Start.Line, problem);

    protected static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

    protected void OnlyKeys(YamlMappingNode map, string[] allowed, string what)
    {
        foreach (var key in map.Children.Keys)
        {
            var name = Scalar(key);
            if (Array.IndexOf(allowed, name) < 0)
            {
                throw Error(key, $"unknown key '{name}' in {what}; expected one of: {string.Join(", ", allowed)}");
            }
        }
    }

    protected YamlScalarNode RequiredScalar(YamlMappingNode map, string key) => Child(map, key) switch
    {
        YamlScalarNode s when !string.IsNullOrEmpty(s.Value) => s,
        null => throw Error(map, $"missing required key '{key}'"),
        var other => throw Error(other, $"'{key}' must be a non-empty value"),
    };

    protected string RequiredText(YamlMappingNode map, string key) => RequiredScalar(map, key).Value!;

    protected YamlMappingNode RequiredMapping(YamlMappingNode map, string key) => Child(map, key) switch
    {
        YamlMappingNode m => m,
        null => throw Error(map, $"missing required key '{key}'"),
        var other => throw Error(other, $"'{key}' must be a mapping"),
    };

    protected YamlMappingNode AsMapping(YamlNode node, string what) =>
        node as YamlMappingNode ?? throw Error(node, $"{what} must be a mapping");

    protected YamlSequenceNode AsSequence(YamlNode node, string what) =>
        node as YamlSequenceNode ?? throw Error(node, $"{what} must be a list");

    protected YamlScalarNode AsScalar(YamlNode node, string what) =>
        node as YamlScalarNode ?? throw Error(node, $"{what} must be a plain value");

    protected string Scalar(YamlNode node) =>
        node is YamlScalarNode { Value: { } v } ? v : throw Error(node, "expected a plain value");

    protected LocalDate ParseDate(YamlScalarNode node)
    {
        var result = LocalDatePattern.Iso.Parse(node.Value ?? string.Empty);
        return result.Success ? result.Value : throw Error(node, $"'{node.Value}' is not a date in yyyy-MM-dd form");
    }

    /// <summary>A citation mapping: instrument, optional section, fr and source, and a status of V, V-off, S or U.</summary>
    protected Citation Citation(YamlMappingNode map)
    {
        OnlyKeys(map, CitationKeys, "citation");
        var statusNode = RequiredScalar(map, "status");
        if (!VerificationStatusCodes.TryParse(statusNode.Value ?? string.Empty, out var status))
        {
            throw Error(statusNode, $"citation status '{statusNode.Value}' must be one of V, V-off, S, U");
        }

        string? Optional(string key) => Child(map, key) is { } n && AsScalar(n, key).Value is { Length: > 0 } v ? v : null;
        return new Citation(RequiredText(map, "instrument"), Optional("section") ?? string.Empty, Optional("fr"), status, Optional("source"));
    }

    protected static bool IsToken(string s) => s.Length is > 0 and <= 64 && s.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');
}
