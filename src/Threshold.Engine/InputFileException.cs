namespace Threshold.Engine;

/// <summary>
/// An input file is unusable. The message names the file, the 1-based line (0 when no single line is at fault)
/// and the problem, e.g. "series.csv:14: duplicate date 2024-07-02 (first on line 9)".
/// </summary>
public sealed class InputFileException : Exception
{
    public InputFileException(string fileName, long line, string problem)
        : base(line > 0 ? $"{fileName}:{line}: {problem}" : $"{fileName}: {problem}")
    {
        FileName = fileName;
        Line = line;
        Problem = problem;
    }

    public InputFileException()
    {
        FileName = string.Empty;
        Problem = string.Empty;
    }

    public InputFileException(string message)
        : base(message)
    {
        FileName = string.Empty;
        Problem = message;
    }

    public InputFileException(string message, Exception innerException)
        : base(message, innerException)
    {
        FileName = string.Empty;
        Problem = message;
    }

    public string FileName { get; }

    public long Line { get; }

    public string Problem { get; }
}

/// <summary>A replay request is inconsistent with the policy (e.g. a bill without --in-force, an override that changes nothing).</summary>
public sealed class ReplayRequestException : Exception
{
    public ReplayRequestException(string message)
        : base(message)
    {
    }

    public ReplayRequestException()
    {
    }

    public ReplayRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
