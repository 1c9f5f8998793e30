using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Threshold.Record;

/// <summary>
/// The canonical JSON text the audit chain hashes: object keys sorted by ordinal (UTF-16 code unit) order at every
/// depth, no whitespace between tokens, strings escaped only where JSON requires it (<c>"</c>, <c>\</c> and control
/// characters below U+0020, the latter as <c>\b \f \n \r \t</c> or <c>\u00xx</c> in lower case), every other
/// character written as itself and the whole encoded as UTF-8. Numbers must be integers (written in plain decimal);
/// a fraction or exponent is refused, so decimals must travel as strings. The result equals Python's
/// <c>json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)</c> for such values.
/// </summary>
public static class CanonicalJson
{
    public static string Serialize(JsonNode? node)
    {
        var builder = new StringBuilder();
        Write(builder, node);
        return builder.ToString();
    }

    /// <summary>Canonicalises JSON text.</summary>
    public static string Canonicalize(string json) => Serialize(JsonNode.Parse(json));

    private static void Write(StringBuilder builder, JsonNode? node)
    {
        switch (node)
        {
            case null:
                builder.Append("null");
                break;
            case JsonObject obj:
                builder.Append('{');
                var first = true;
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (!first)
                    {
                        builder.Append(',');
                    }

                    first = false;
                    WriteString(builder, key);
                    builder.Append(':');
                    Write(builder, value);
                }

                builder.Append('}');
                break;
            case JsonArray array:
                builder.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(',');
                    }

                    Write(builder, array[i]);
                }

                builder.Append(']');
                break;
            default:
                WriteValue(builder, node.AsValue());
                break;
        }
    }

    private static void WriteValue(StringBuilder builder, JsonValue value)
    {
        // Through JsonElement, so values built from CLR primitives and values parsed from text are treated alike.
        using var document = JsonDocument.Parse(value.ToJsonString());
        var element = document.RootElement;
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                WriteString(builder, element.GetString()!);
                break;
            case JsonValueKind.Number:
                if (!element.TryGetInt64(out var integer))
                {
                    throw new ArgumentException($"canonical JSON admits integers only (got {element.GetRawText()}); write decimals as strings");
                }

                builder.Append(integer.ToString(CultureInfo.InvariantCulture));
                break;
            case JsonValueKind.True:
                builder.Append("true");
                break;
            case JsonValueKind.False:
                builder.Append("false");
                break;
            case JsonValueKind.Null:
                builder.Append("null");
                break;
            default:
                throw new ArgumentException($"unexpected JSON value kind {element.ValueKind}");
        }
    }

    private static void WriteString(StringBuilder builder, string text)
    {
        builder.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case '\b':
                    builder.Append("\\b");
                    break;
                case '\f':
                    builder.Append("\\f");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                case < ' ':
                    builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        builder.Append('"');
    }
}
