using NodaTime;
using Threshold.Record;
using Threshold.Returns;
using Threshold.Screening;

namespace Threshold.Cli.Commands;

/// <summary>
/// <c>screen --record</c>: the batched, resumable recorded screening shared with the web service
/// (<see cref="Threshold.Web.Apis.RecordedScreening"/>), reporting skipped cases on stderr.
/// </summary>
internal static class RecordedScreening
{
    public static void Run(RecordStore store, CaseScreener screener, ArrangementSet arrangements, IEnumerable<(long Line, ScreeningCase Case)> cases, string path, TextWriter output)
    {
        var skipped = Threshold.Web.Apis.RecordedScreening.Run(store, SystemClock.Instance, screener, arrangements, cases, path, output);
        if (skipped > 0)
        {
            Console.Error.WriteLine($"threshold: resumed: {skipped:N0} case(s) already in the record were skipped");
        }
    }
}
