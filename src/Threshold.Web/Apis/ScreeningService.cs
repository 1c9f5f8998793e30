using System.Collections.Concurrent;
using NodaTime;
using Threshold.Engine;
using Threshold.Law;
using Threshold.Returns;
using Threshold.Screening;
using Threshold.Web.Hosting;

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

    /// <summary>The <c>policy</c> value that screens under every instrument in force at entry (the CLI's <c>--policy in-force</c>).</summary>
    public const string InForcePolicies = "in-force";

    private readonly ConcurrentDictionary<(SuspensionTimeline Timeline, LocalDate? DecidedOn, string Off), CaseScreener> screeners = new();

    private readonly ConcurrentDictionary<string, SuspensionTimeline> uncounted = new(StringComparer.Ordinal);

    /// <summary>The screener for a timeline and options.</summary>
    public CaseScreener Screener(SuspensionTimeline timeline, ScreeningQuery query)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        ArgumentNullException.ThrowIfNull(query);
        var off = query.SwitchedOff([timeline.Policy.Policy]);
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

    /// <summary>
    /// The timeline a single-policy request is screened against: the stored series, except that an instrument with no
    /// threshold (proclamation-10888) is listed from its start to today (Eastern, by <paramref name="clock"/>) without
    /// counts unless the request names a series or an as-known-on instant, so an entry after the stored data still
    /// has an answer (as the CLI without <c>--encounters</c>).
    /// </summary>
    public SuspensionTimeline Timeline(TimelineService timelines, ReplayQuery replay, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(timelines);
        ArgumentNullException.ThrowIfNull(replay);
        return replay.Series is null && replay.AsKnownOn is null && replay.PolicyDocument().Mechanism != MechanismKind.EncounterThreshold
            ? Uncounted(replay, clock)
            : timelines.ReplayStored(replay);
    }

    /// <summary>The query's policy (one with no threshold) replayed over its days to today without counts; cached per day.</summary>
    public SuspensionTimeline Uncounted(ReplayQuery replay, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(replay);
        ArgumentNullException.ThrowIfNull(clock);
        var today = EasternTime.DateOf(clock.GetCurrentInstant());
        var key = string.Join(
            '\u001f',
            replay.Policy,
            replay.Timeline,
            today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            replay.InForce,
            replay.DeterminationLag,
            string.Join('\u001e', replay.Set ?? []),
            string.Join('\u001e', replay.CourtOrder ?? []),
            string.Join('\u001e', replay.Determination ?? []));
        if (uncounted.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var policy = replay.PolicyDocument();
        var series = UncountedSeries.For(policy, CompiledPolicy.Compile(policy, replay.Options()).InForce, today);
        var timeline = TimelineService.Replay(replay, series);
        if (uncounted.Count >= MaxCachedScreeners)
        {
            uncounted.Clear();
        }

        uncounted[key] = timeline;
        return timeline;
    }

    /// <summary>
    /// The screener of <c>policy=in-force</c> for one request: every built-in instrument in force on a case's entry
    /// date, threshold instruments against the stored series the request names (or the default) and instruments with
    /// no threshold over their days to today without counts, as the CLI's <c>--policy in-force</c>. The options that
    /// name one policy's parameters are refused, naming the parameter.
    /// </summary>
    public InForceScreener InForce(TimelineService timelines, ReplayQuery replay, ScreeningQuery query, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(timelines);
        ArgumentNullException.ThrowIfNull(replay);
        ArgumentNullException.ThrowIfNull(query);
        foreach (var (name, given) in new[] { ("set", replay.Set is { Length: > 0 }), ("courtOrder", replay.CourtOrder is { Length: > 0 }), ("inForce", replay.InForce is not null), ("determination", replay.Determination is { Length: > 0 }), ("determinationLag", replay.DeterminationLag is not null) })
        {
            if (given)
            {
                throw new RequestValidationException(name, $"{name}: policy=in-force screens under the instruments as they stand; {name} changes one policy's replay, so screen with policy=ID to use it");
            }
        }

        var switchedOff = query.SwitchedOff(BuiltInPolicies.All());
        var decidedOn = query.DecidedOnDate();
        // As the CLI: the official timeline unless asked otherwise. It reads no counts, so every instrument runs over its
        // days to today (a named series would only cut it short) and a 2025 entry has an answer under 10773 too.
        var timeline = replay.Timeline ?? "official";
        var counted = timeline != "official";
        return new InForceScreener(
            policy => policy.Mechanism == MechanismKind.EncounterThreshold && counted
                ? timelines.ReplayStored(replay with { Policy = policy.Id, Timeline = timeline })
                : Uncounted(new ReplayQuery { Policy = policy.Id, Timeline = timeline }, clock),
            decidedOn,
            switchedOff);
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
        ? CaseCsvReader.Read(stream, source)
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
            if (ProvenanceLabels.IsSynthetic(c.Id))
            {
                synthetic++;
            }
        }

        return (screened, synthetic, ledger.Report());
    }
}
