using Threshold.Engine;
using Threshold.Law;
using Threshold.Record;
using Threshold.Web.Hosting;

namespace Threshold.Fuzz;

/// <summary>
/// Which exceptions are a "clear, typed error" for a hostile input. Only these are caught by a target; anything else
/// (a NullReferenceException, an IndexOutOfRangeException, an OverflowException under checked arithmetic, a YAML
/// library's own exception leaking through) escapes and afl-fuzz records the input as a crash.
/// </summary>
internal static class FuzzOutcome
{
    /// <summary>
    /// True when <paramref name="error"/> is one the product promises to users: a located input error (file, line,
    /// problem), a record error, a request validation error (HTTP 400 with the field) or a replay request error
    /// (an option that does not fit the policy). Its message must be non-empty: an empty message is not clear.
    /// </summary>
    public static bool IsClearError(Exception error) =>
        error is LocatedInputException or RecordException or RequestValidationException or ReplayRequestException
        && !string.IsNullOrWhiteSpace(error.Message);

    /// <summary>Runs <paramref name="parse"/>, letting only clear errors pass; returns the message of the one caught, else null.</summary>
    public static string? Run(Action parse)
    {
        try
        {
            parse();
            return null;
        }
        catch (Exception e) when (IsClearError(e))
        {
            return e.Message;
        }
    }
}
