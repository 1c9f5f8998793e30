using Threshold.Law;

namespace Threshold.Returns;

/// <summary>
/// An arrangement file (law/arrangements/*.yaml or a user's own) is malformed, or conflicts with another loaded file.
/// The message is "file:line: problem" (or "file: problem" when no line applies).
/// </summary>
public sealed class ArrangementFileException : LocatedInputException
{
    public ArrangementFileException(string fileName, long line, string problem)
        : base(fileName, line, problem)
    {
    }

    public ArrangementFileException()
    {
    }

    public ArrangementFileException(string message)
        : base(message)
    {
    }

    public ArrangementFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
