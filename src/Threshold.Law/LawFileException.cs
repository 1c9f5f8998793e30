namespace Threshold.Law;

/// <summary>A policy file (or an override of one) is malformed. Names the file, the line and the problem.</summary>
public sealed class LawFileException : Exception
{
    public LawFileException(string fileName, long line, string problem)
        : base(line > 0 ? $"{fileName}:{line}: {problem}" : $"{fileName}: {problem}")
    {
        FileName = fileName;
        Line = line;
        Problem = problem;
    }

    public LawFileException()
    {
        FileName = string.Empty;
        Problem = string.Empty;
    }

    public LawFileException(string message)
        : base(message)
    {
        FileName = string.Empty;
        Problem = message;
    }

    public LawFileException(string message, Exception innerException)
        : base(message, innerException)
    {
        FileName = string.Empty;
        Problem = message;
    }

    public string FileName { get; }

    /// <summary>1-based line, or 0 when the problem is not tied to a line.</summary>
    public long Line { get; }

    public string Problem { get; }
}
