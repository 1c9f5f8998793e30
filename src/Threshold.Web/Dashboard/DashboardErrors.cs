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
            or ScreeningConflictException or RecordException or ArgumentException;
}
