using System.Text;
using Threshold.Law;

namespace Threshold.Web.Dashboard;

/// <summary>
/// A dashboard table as a downloadable CSV: leading <c># </c> lines with the data label, the rule-set and engine
/// versions, what the table is and the link of the view it came from; then the header and the rows (RFC 4180: a field
/// holding a comma, quote or line break is quoted; LF line ends). A reader that skips <c>#</c> lines re-parses it.
/// </summary>
/// <param name="Title">What the table is, in words (e.g. "Monitor: daily counts, 7-day average and status").</param>
/// <param name="Label">What its numbers rest on.</param>
/// <param name="Header">Column names.</param>
/// <param name="Rows">One list of fields per row, as many as <paramref name="Header"/>.</param>
/// <param name="Notes">Further comment lines (the policy, the series, the timeline...).</param>
public sealed record CsvTable(string Title, DataLabel Label, IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows, IReadOnlyList<string>? Notes = null)
{
    /// <summary>The file text; <paramref name="viewUrl"/> is the link that reopens the view (every view is a link).</summary>
    public string ToText(string? viewUrl)
    {
        var text = new StringBuilder();
        Comment(text, $"{Label.Name}: {Label.Meaning}");
        Comment(text, $"rule set {RuleSetVersion.Current}; engine {RuleSetVersion.EngineVersion}");
        Comment(text, Title);
        foreach (var note in Notes ?? [])
        {
            Comment(text, note);
        }

        if (viewUrl is not null)
        {
            Comment(text, $"view: {viewUrl}");
        }

        Line(text, Header);
        foreach (var row in Rows)
        {
            if (row.Count != Header.Count)
            {
                throw new InvalidOperationException($"{Title}: a row has {row.Count} fields for {Header.Count} columns");
            }

            Line(text, row);
        }

        return text.ToString();
    }

    /// <summary>A comment line; a line break inside it would end the comment and start a data row, so it becomes a space.</summary>
    private static void Comment(StringBuilder text, string comment) =>
        text.Append("# ").Append(comment.ReplaceLineEndings(" ")).Append('\n');

    private static void Line(StringBuilder text, IReadOnlyList<string> fields)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }

            text.Append(Field(fields[i]));
        }

        text.Append('\n');
    }

    /// <summary>One field; a field starting with '#' is quoted too, so no data row can be read as a comment.</summary>
    private static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\n\r") >= 0 || value.StartsWith('#')
            ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : value;
}
