namespace Threshold.Web.Hosting;

/// <summary>
/// Free text a client asks the record to keep (a series name, an import's source, a key's name, who recorded a
/// determination and why). Any character is stored as sent except control characters: PostgreSQL cannot store NUL in
/// text (SQLite can, so the two backends would differ) and the others hide in listings. A note may hold line breaks
/// and tabs.
/// </summary>
internal static class RequestText
{
    /// <summary>Returns <paramref name="value"/>, or throws a 400 naming <paramref name="field"/> if it holds a control character.</summary>
    public static string? Checked(string field, string? value, bool multiline = false) =>
        value is not null && value.Any(c => char.IsControl(c) && !(multiline && c is '\n' or '\r' or '\t'))
            ? throw new RequestValidationException(field, $"{field} must not contain control characters{(multiline ? " other than line breaks and tabs" : string.Empty)}")
            : value is not null && HasLoneSurrogate(value)
                ? throw new RequestValidationException(field, $"{field} holds a lone surrogate (half of a UTF-16 pair), which is not text and cannot be stored")
                : value;

    /// <summary>True when <paramref name="value"/> has a UTF-16 surrogate without its pair (JSON can escape one: <c>"\ud800"</c>).</summary>
    public static bool HasLoneSurrogate(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return true;
            }
        }

        return false;
    }
}
