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

    /// <summary>An input file is unusable in a way an option would accept (a gap in dates, with allow-gaps): the message is worded neutrally, and <see cref="WhatIf"/> lets each front end word the option itself.</summary>
    public InputFileException(string fileName, long line, WhatIfProblem problem)
        : base(fileName, line, (problem ?? throw new ArgumentNullException(nameof(problem))).In(WhatIfWording.Neutral))
    {
        WhatIf = problem;
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

    /// <summary>The option that would accept this input, when one would; null for every other defect.</summary>
    public WhatIfProblem? WhatIf { get; }
}

/// <summary>
/// A replay request is inconsistent with the policy (e.g. a bill without an in-force date, an override that changes
/// nothing). When a what-if is at fault, <see cref="WhatIf"/> names it by its typed <see cref="WhatIfOption"/> and the
/// message is worded neutrally; the CLI and the web each word it in their own terms (<see cref="WhatIfWording"/>).
/// </summary>
public sealed class ReplayRequestException : Exception
{
    public ReplayRequestException(WhatIfProblem problem)
        : base((problem ?? throw new ArgumentNullException(nameof(problem))).In(WhatIfWording.Neutral))
    {
        WhatIf = problem;
    }

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

    /// <summary>The what-if at fault, or null when the request is at fault as a whole.</summary>
    public WhatIfProblem? WhatIf { get; }
}
