namespace Threshold.Law;

/// <summary>A policy file (or an override of one) is malformed. Names the file, the line and the problem.</summary>
public sealed class LawFileException : LocatedInputException
{
    public LawFileException(string fileName, long line, string problem)
        : base(fileName, line, problem)
    {
    }

    public LawFileException()
    {
    }

    public LawFileException(string message)
        : base(message)
    {
    }

    public LawFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
