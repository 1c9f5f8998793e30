namespace Threshold.Synthesis;

/// <summary>
/// A monthly source file under <c>data/source</c> is missing, malformed or lacks a month the
/// synthesis needs. Names the file, the 1-based line (0 when the problem is not tied to one
/// line) and the problem.
/// </summary>
public sealed class SourceDataException : Exception
{
    public SourceDataException(string fileName, long lineNumber, string problem)
        : base(lineNumber > 0 ? $"{fileName}, line {lineNumber}: {problem}" : $"{fileName}: {problem}")
    {
        FileName = fileName;
        LineNumber = lineNumber;
        Problem = problem;
    }

    public SourceDataException()
    {
        FileName = string.Empty;
        Problem = string.Empty;
    }

    public SourceDataException(string message)
        : base(message)
    {
        FileName = string.Empty;
        Problem = message;
    }

    public SourceDataException(string message, Exception innerException)
        : base(message, innerException)
    {
        FileName = string.Empty;
        Problem = message;
    }

    /// <summary>The file name (without directory), e.g. <c>cbp_sbo_encounters_fy22_fy25_aug.csv</c>.</summary>
    public string FileName { get; }

    /// <summary>1-based line in the file (the header is line 1), or 0 when not tied to a line.</summary>
    public long LineNumber { get; }

    /// <summary>The problem without the file/line prefix.</summary>
    public string Problem { get; }
}
