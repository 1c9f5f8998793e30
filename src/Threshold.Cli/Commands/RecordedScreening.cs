using NodaTime;
using Threshold.Record;
using Threshold.Returns;
using Threshold.Screening;

namespace Threshold.Cli.Commands;

/// <summary>
/// <c>screen --record</c>: the batched, resumable recorded screening shared with the web service
/// (<see cref="Threshold.Record.RecordedScreening"/>), reporting skipped cases on stderr.
/// </summary>
internal static class RecordedScreening
{
    public static void RunOne(RecordStore store, CaseScreener screener, ArrangementSet arrangements, ScreeningCase c, string path, TextWriter output) =>
        Threshold.Record.RecordedScreening.RunOne(store, SystemClock.Instance, screener, arrangements, c, path, output);

    public static void Run(RecordStore store, CaseScreener screener, ArrangementSet arrangements, Func<IEnumerable<(long Line, ScreeningCase Case)>> read, string path, CaseDecisionLineWriter lines)
    {
        var skipped = Threshold.Record.RecordedScreening.Run(store, SystemClock.Instance, screener, arrangements, read, path, lines);
        if (skipped > 0)
        {
            Console.Error.WriteLine($"threshold: resumed: {skipped:N0} case(s) already in the record were skipped");
        }
    }
}
