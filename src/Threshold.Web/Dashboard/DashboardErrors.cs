using Threshold.Engine;
using Threshold.Law;
using Threshold.Record;
using Threshold.Screening;
using Threshold.Web.Hosting;

namespace Threshold.Web.Dashboard;

/// <summary>Which failures a dashboard page shows to the user as a message (bad input, a rule conflict) rather than as a crash.</summary>
public static class DashboardErrors
{
    public static bool IsExpected(Exception e) =>
        e is LocatedInputException or RequestValidationException or ReplayRequestException or UnknownPeriodException
            or ScreeningConflictException or RecordException or RecordFaultException or ArgumentException;

    /// <summary>The message a person reads: for bad input, the file, the line and the field in words.</summary>
    public static string Describe(Exception e) => e switch
    {
        LocatedInputException { Line: > 0 } located => $"{located.FileName}, line {located.Line}{(located.Field is null ? string.Empty : $", field {located.Field}")}: {located.Problem}",
        _ => e.Message,
    };
}
