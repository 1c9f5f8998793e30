using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Threshold.Web.Hosting;

/// <summary>
/// Every JSON request body is read strictly: a member the body type does not have, or one given twice, is a 400
/// naming it, as is a string that is not valid text (a lone surrogate such as <c>"\ud800"</c>). A misspelt
/// <c>"nots"</c> once recorded a permanent determination without its note.
/// </summary>
internal static partial class StrictJson
{
    /// <summary>Makes <paramref name="options"/> refuse unknown and duplicate members (reading only; writing is unchanged).</summary>
    public static void Apply(JsonSerializerOptions options)
    {
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.AllowDuplicateProperties = false;
    }

    /// <summary>
    /// Turns the framework's "cannot read the body" failure into a 400 naming the member. Minimal APIs throw it only with
    /// <c>RouteHandlerOptions.ThrowOnBadRequest</c>; otherwise they answer a bare 400 that names nothing.
    /// </summary>
    public static IApplicationBuilder UseStrictJsonErrors(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e) when (e.InnerException is JsonException json && !context.Response.HasStarted)
        {
            throw Named(json);
        }
    });

    /// <summary>The 400 for a body System.Text.Json refused, naming the member at fault.</summary>
    public static RequestValidationException Named(JsonException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var path = e.Path is { Length: > 2 } p && p.StartsWith("$.", StringComparison.Ordinal) ? p[2..] : null;
        var quoted = QuotedName().Match(e.Message) is { Success: true } m ? m.Groups[1].Value : null;
        if (e.Message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            var member = quoted ?? path ?? "body";
            return new RequestValidationException(member, $"unknown member '{member}' in the JSON body");
        }

        if (e.Message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase))
        {
            var member = path ?? quoted ?? "body";
            return new RequestValidationException(member, $"member '{member}' is given twice in the JSON body");
        }

        if (e.InnerException is InvalidOperationException || e.Message.Contains("UTF-16", StringComparison.Ordinal) || e.Message.Contains("surrogate", StringComparison.OrdinalIgnoreCase))
        {
            var member = path ?? "body";
            return new RequestValidationException(member, $"member '{member}' holds a lone surrogate (an escape such as \\ud800 without its pair), which is not text");
        }

        var at = path ?? "body";
        return new RequestValidationException(at, $"the JSON body is not valid at '{at}'{(e.LineNumber is { } line ? $" (line {line + 1}, byte {e.BytePositionInLine + 1})" : string.Empty)}");
    }

    /// <summary>
    /// Refuses a JSON body holding a string that is not text (a lone surrogate escape), naming the member it belongs to,
    /// before a reader that does not expect one fails without a name. Malformed JSON is left to that reader, which
    /// names the line.
    /// </summary>
    public static void CheckStrings(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 });
        var member = "body";
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is not (JsonTokenType.PropertyName or JsonTokenType.String))
                {
                    continue;
                }

                string text;
                try
                {
                    text = reader.GetString()!;
                }
                catch (InvalidOperationException)
                {
                    throw new RequestValidationException(member, $"member '{member}' holds a lone surrogate (an escape such as \\ud800 without its pair), which is not text");
                }

                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    member = text;
                }
            }
        }
        catch (JsonException)
        {
            // Malformed JSON: the reader of the body names it with its line.
        }
    }

    [GeneratedRegex("'([^']+)'")]
    private static partial Regex QuotedName();
}
