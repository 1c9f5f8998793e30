namespace Threshold.Returns;

/// <summary>
/// An arrangement file (law/arrangements/*.yaml or a user's own) is malformed, or conflicts with another loaded file.
/// The message is "file:line: problem" (or "file: problem" when no line applies).
/// </summary>
public sealed class ArrangementFileException : Exception
{
    public ArrangementFileException(string fileName, long line, string problem)
        : base(line > 0 ? $"{fileName}:{line}: {problem}" : $"{fileName}: {problem}")
    {
        FileName = fileName;
        Line = line;
        Problem = problem;
    }

    public ArrangementFileException()
    {
        FileName = string.Empty;
        Problem = string.Empty;
    }

    public ArrangementFileException(string message)
        : base(message)
    {
        FileName = string.Empty;
        Problem = message;
    }

    public ArrangementFileException(string message, Exception innerException)
        : base(message, innerException)
    {
        FileName = string.Empty;
        Problem = message;
    }

    /// <summary>The file (or resource name) in which the problem lies.</summary>
    public string FileName { get; }

    /// <summary>1-based line, or 0 when the problem is not tied to a line.</summary>
    public long Line { get; }

    /// <summary>The problem, without the file and line.</summary>
    public string Problem { get; }
}
