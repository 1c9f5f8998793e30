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
