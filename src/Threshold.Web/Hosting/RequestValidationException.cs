namespace Threshold.Web.Hosting;

/// <summary>A query parameter or body field of a request is missing or malformed: answered with 400 naming <see cref="Field"/>.</summary>
public sealed class RequestValidationException : Exception
{
    public RequestValidationException(string field, string message)
        : base(message)
    {
        Field = field;
    }

    public RequestValidationException()
    {
        Field = string.Empty;
    }

    public RequestValidationException(string message)
        : base(message)
    {
        Field = string.Empty;
    }

    public RequestValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Field = string.Empty;
    }

    /// <summary>The query parameter or body field at fault.</summary>
    public string Field { get; }
}
