using Threshold.Law;

namespace Threshold.Sources;

/// <summary>
/// A monthly source file (under <c>data/source</c>, or one given to <c>store import-monthly</c>) is missing, malformed or
/// lacks a month its reader needs. Names the file, the 1-based line (0 when the problem is not tied to one line) and
/// the problem.
/// </summary>
public sealed class SourceDataException : LocatedInputException
{
    public SourceDataException(string fileName, long line, string problem)
        : base(fileName, line, problem)
    {
    }

    public SourceDataException()
    {
    }

    public SourceDataException(string message)
        : base(message)
    {
    }

    public SourceDataException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The 1-based line (same as <see cref="LocatedInputException.Line"/>).</summary>
    public long LineNumber => Line;
}
