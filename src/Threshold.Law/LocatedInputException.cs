namespace Threshold.Law;

/// <summary>
/// An input file is unusable at a known place. The message is always "file:line: problem" ("file: problem" when no
/// single line is at fault, and "file:line: field 'f': problem" when a field is named), so every reader of every input
/// (encounter CSV, policy and arrangement YAML, cases, source data) reports problems the same way.
/// </summary>
public abstract class LocatedInputException : Exception
{
    protected LocatedInputException(string fileName, long line, string problem, string? field = null)
        : base(Format(fileName, line, problem, field))
    {
        FileName = fileName;
        Line = line;
        Problem = problem;
        Field = field;
    }

    protected LocatedInputException()
    {
        FileName = string.Empty;
        Problem = string.Empty;
    }

    protected LocatedInputException(string message)
        : base(message)
    {
        FileName = string.Empty;
        Problem = message;
    }

    protected LocatedInputException(string message, Exception innerException)
        : base(message, innerException)
    {
        FileName = string.Empty;
        Problem = message;
    }

    public string FileName { get; }

    /// <summary>1-based line, or 0 when the problem is not tied to a line.</summary>
    public long Line { get; }

    /// <summary>The contract field at fault, if one.</summary>
    public string? Field { get; }

    public string Problem { get; }

    public static string Format(string fileName, long line, string problem, string? field = null) =>
        $"{fileName}{(line > 0 ? $":{line}" : string.Empty)}: {(field is null ? string.Empty : $"field '{field}': ")}{problem}";
}
