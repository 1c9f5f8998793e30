namespace Threshold.Record;

/// <summary>The record refused an operation: a schema it does not know, a clock that went backwards, inconsistent data.</summary>
public sealed class RecordException : Exception
{
    public RecordException()
    {
    }

    public RecordException(string message)
        : base(message)
    {
    }

    public RecordException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The record's ledger was written under another arrangement set than the writer's: allocating would count one cap
/// under two sets of rules. Names both digests (<see cref="Threshold.Returns.ArrangementSet.AllocationSha256"/>).
/// </summary>
public sealed class ArrangementMismatchException : Exception
{
    public ArrangementMismatchException()
    {
    }

    public ArrangementMismatchException(string message)
        : base(message)
    {
    }

    public ArrangementMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ArrangementMismatchException(string recorded, string writer)
        : base($"the record's returns ledger was written under arrangement set {recorded}, but this process has {writer}: nothing was recorded; use the same arrangement files, or adopt the new set explicitly (returns adopt-arrangements), which the audit log records")
    {
        Recorded = recorded;
        Writer = writer;
    }

    /// <summary>The arrangement set the ledger was written under.</summary>
    public string? Recorded { get; }

    /// <summary>The arrangement set of the process that tried to write.</summary>
    public string? Writer { get; }
}

/// <summary>A verified read found stored facts that no longer match the audit log: the read is refused, not answered from them.</summary>
public sealed class RecordVerificationException : Exception
{
    public RecordVerificationException()
    {
    }

    public RecordVerificationException(string message)
        : base(message)
    {
    }

    public RecordVerificationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public RecordVerificationException(FactFailure failure, string message)
        : base(message)
    {
        Failure = failure;
    }

    /// <summary>The entry, table and row that failed.</summary>
    public FactFailure? Failure { get; }
}
