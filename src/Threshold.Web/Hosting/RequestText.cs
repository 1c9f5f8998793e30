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
            : value;
}
