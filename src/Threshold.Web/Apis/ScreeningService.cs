using System.Collections.Concurrent;
using NodaTime;
using Threshold.Engine;
using Threshold.Returns;
using Threshold.Screening;

namespace Threshold.Web.Apis;

/// <summary>
/// Screens cases against a timeline with the domain's <see cref="CaseScreener"/> and <see cref="ReturnsLedger"/>, under
/// the server's return arrangements (the built-ins plus <see cref="Hosting.ThresholdSettings.ArrangementFiles"/>,
/// loaded once at start so a bad file stops the server with its line named). Screeners are cached per timeline and
/// options (building one indexes every day of the series); each request gets its own ledger, so one caller's
/// allocations never count against another's.
/// </summary>
public sealed class ScreeningService(Hosting.ThresholdSettings settings)
{
    /// <summary>The return arrangements every screening and ledger of this server uses.</summary>
    public ArrangementSet Arrangements { get; } = ArrangementSet.Load(settings.ArrangementFiles);

    private const int MaxCachedScreeners = 64;

    private readonly ConcurrentDictionary<(SuspensionTimeline Timeline, LocalDate? DecidedOn, string Off), CaseScreener> screeners = new();

    /// <summary>The screener for a timeline and options.</summary>
    public CaseScreener Screener(SuspensionTimeline timeline, ScreeningQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var off = query.SwitchedOff();
        var key = (timeline, query.DecidedOnDate(), string.Join('\u001f', off.Order(StringComparer.Ordinal)));
        if (screeners.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var screener = new CaseScreener(timeline, key.Item2, off);
        if (screeners.Count >= MaxCachedScreeners)
        {
            screeners.Clear();
        }

        screeners[key] = screener;
        return screener;
    }

    /// <summary>Decides one case, its return allocated on a fresh ledger; an entry outside the series or a rule conflict names the field.</summary>
    public CaseDecision Decide(CaseScreener screener, ScreeningCase c, string source, long line)
    {
        ArgumentNullException.ThrowIfNull(screener);
        return Located(source, line, () => new CaseProcessor(screener, new ReturnsLedger(Arrangements, recordEvents: false)).Process(c));
    }

    /// <summary>Runs <paramref name="screen"/>, turning the screening's expected failures into a line-located input error.</summary>
    public static T Located<T>(string source, long line, Func<T> screen)
    {
        ArgumentNullException.ThrowIfNull(screen);
        try
        {
            return screen();
        }
        catch (UnknownPeriodException e)
        {
            throw new CaseInputException(source, line, "enteredAt", e.Message);
        }
        catch (ScreeningConflictException e)
        {
            throw new CaseInputException(source, line, null, e.Message);
        }
    }

    /// <summary>Reads cases from JSONL or (when <paramref name="csv"/>) CSV with the contract's field names.</summary>
    public static IEnumerable<(long Line, ScreeningCase Case)> ReadCases(Stream stream, bool csv, string source) => csv
        ? CaseCsvReader.Read(new StreamReader(stream, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true, 1 << 16, leaveOpen: true), source)
        : CaseJsonReader.ReadLines(stream, source);

    /// <summary>Screens every case in input order on one ledger and returns its report, as <c>returns report</c> does.</summary>
    public (long Screened, long Synthetic, LedgerReport Report) ReturnsReport(CaseScreener screener, IEnumerable<(long Line, ScreeningCase Case)> cases, string source)
    {
        ArgumentNullException.ThrowIfNull(cases);
        var ledger = new ReturnsLedger(Arrangements, recordEvents: false);
        var processor = new CaseProcessor(screener, ledger);
        long screened = 0, synthetic = 0;
        foreach (var (line, c) in cases)
        {
            Located(source, line, () => processor.Process(c));
            screened++;
            if (c.Id.StartsWith("synthetic-", StringComparison.Ordinal))
            {
                synthetic++;
            }
        }

        return (screened, synthetic, ledger.Report());
    }
}
