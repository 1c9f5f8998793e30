using Threshold.Law;

namespace Threshold.Screening;

/// <summary>A case file is unusable: names the file, the 1-based line (0 if none), the field (if one) and the problem.</summary>
public sealed class CaseInputException : LocatedInputException
{
    public CaseInputException(string fileName, long line, string? field, string problem)
        : base(fileName, line, problem, field)
    {
    }

    public CaseInputException()
    {
    }

    public CaseInputException(string message)
        : base(message)
    {
    }

    public CaseInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
