namespace Threshold.Screening;

/// <summary>A case file is unusable: names the file, the 1-based line (0 if none), the field (if one) and the problem.</summary>
public sealed class CaseInputException : Exception
{
    public CaseInputException(string fileName, long line, string? field, string problem)
        : base($"{fileName}{(line > 0 ? $":{line}" : string.Empty)}: {(field is null ? string.Empty : $"field '{field}': ")}{problem}")
    {
        FileName = fileName;
        Line = line;
        Field = field;
        Problem = problem;
    }

    public CaseInputException()
    {
        FileName = string.Empty;
        Problem = string.Empty;
    }

    public CaseInputException(string message)
        : base(message)
    {
        FileName = string.Empty;
        Problem = message;
    }

    public CaseInputException(string message, Exception innerException)
        : base(message, innerException)
    {
        FileName = string.Empty;
        Problem = message;
    }

    public string FileName { get; }

    public long Line { get; }

    public string? Field { get; }

    public string Problem { get; }
}
