using Threshold.Law;

namespace Threshold.Engine;

/// <summary>
/// An input file is unusable. The message names the file, the 1-based line (0 when no single line is at fault)
/// and the problem, e.g. "series.csv:14: duplicate date 2024-07-02 (first on line 9)".
/// </summary>
public sealed class InputFileException : LocatedInputException
{
    public InputFileException(string fileName, long line, string problem)
        : base(fileName, line, problem)
    {
    }

    public InputFileException()
    {
    }

    public InputFileException(string message)
        : base(message)
    {
    }

    public InputFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
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
