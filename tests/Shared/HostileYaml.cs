using System.Text;

namespace Threshold.TestSupport;

/// <summary>YAML a hostile or broken file could hold, for the limit tests of every YAML reader.</summary>
public static class HostileYaml
{
    /// <summary>
    /// The "billion laughs" bomb: nine levels of anchors each aliasing the one before ten times, 10^9 strings once
    /// expanded, in under 1 KB. <paramref name="key"/> is the top-level key it hangs under.
    /// </summary>
    public static string BillionLaughs(string key)
    {
        var text = new StringBuilder();
        text.Append(key).Append(":\n  l0: &l0 lol\n");
        for (var level = 1; level <= 9; level++)
        {
            text.Append("  l").Append(level).Append(": &l").Append(level).Append(" [")
                .AppendJoin(", ", Enumerable.Repeat($"*l{level - 1}", 10)).Append("]\n");
        }

        return text.ToString();
    }

    /// <summary>
    /// A flow sequence nested <paramref name="depth"/> levels deep under <paramref name="key"/>. At 49,000 levels (98 KB,
    /// under every size and node limit) YamlDotNet 18.1.0's recursive loader overflowed the stack and killed the process.
    /// </summary>
    public static string DeepNesting(string key, int depth) => $"{key}: {new string('[', depth)}{new string(']', depth)}\n";

    /// <summary>Text on which YamlDotNet's scanner throws InvalidOperationException instead of a YamlException (found by fuzzing).</summary>
    public const string ScannerFault = "    : {\nt";

    /// <summary>YamlDotNet's parser ends this mapping after the empty key and drops "A"; its loader then threw ArgumentException (found by fuzzing).</summary>
    public const string KeyWithoutValue = " : A";

    /// <summary>A malformed tag: YamlDotNet's parser threw ArgumentException ("Global tags must be valid URIs") (found by fuzzing).</summary>
    public const string BadTag = "!!+!";

    /// <summary>A NUL in a key: YamlDotNet's loader refused the event it made with an ArgumentException (found by fuzzing).</summary>
    public const string NulKey = "\0: 3\n";
}
