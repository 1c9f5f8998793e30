using System.Globalization;
using BenchmarkDotNet.Attributes;
using NodaTime;
using Threshold.Engine;
using Threshold.Law;

namespace Threshold.Benchmarks;

/// <summary>
/// The replay core on its real public path, <see cref="SuspensionReplay.Run(CompiledPolicy, EncounterSeries)"/>, against the hand-written native loop
/// of 10773's v1 rules (<see cref="NativeV1Loop.Run"/>, the baseline; <see cref="NativeV1Loop.RunSimple"/> for
/// scale), all in one run so the ratio is measured under the same machine noise. One operation replays one series of
/// <see cref="Days"/> days: Days day-steps (see docs/performance.md).
/// <list type="bullet">
/// <item><c>Replay_10773</c>: Proclamation 10773 as shipped, series from 2024-06-01 (before its 2024-06-05 in-force
/// date) across the v1 → v2 switch of 2024-10-01 (28-day streak, unaccompanied children counted).</item>
/// <item><c>Replay_10773_V1Only</c>: 10773 with the v1 rules on every date (<c>--set deactivate.streak_days=1
/// --set counting.exclude_noncontiguous_uc=true</c>), one rule version: the same computation as the baseline, which
/// the setup checks day by day.</item>
/// <item><c>Replay_Senate</c>: senate-border-act-2024 in force from 2024-06-01 on its own series (ports of entry
/// counted; single-day, discretionary and 75 % relative levels; day caps; sunset after 3 years, so of 36,500 days
/// only the first 1,095 are live and the rest are filled as expired).</item>
/// </list>
/// </summary>
[Config(typeof(ReplayConfig))]
public class ReplayBenchmarks
{
    internal static readonly LocalDate SeriesStart = new(2024, 6, 1);

    private CompiledPolicy proclamation = null!;
    private CompiledPolicy proclamationV1 = null!;
    private CompiledPolicy senate = null!;
    private EncounterSeries series10773 = null!;
    private EncounterSeries seriesSenate = null!;
    private int[] countedV1 = [];
    private byte[] status = [];
    private int inForceIndex;

    /// <summary>Series length in days: one year, and a century (the population runs' long horizon).</summary>
    [Params(365, 36_500)]
    public int Days { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var document = BuiltInPolicies.Get("proclamation-10773");
        proclamation = CompiledPolicy.Compile(document);
        proclamationV1 = CompileV1Only(document);
        senate = CompiledPolicy.Compile(BuiltInPolicies.Get("senate-border-act-2024"), new ReplayOptions { InForce = SeriesStart });
        series10773 = SyntheticSeries.Build(SeriesStart, Days, SyntheticSeries.Proclamation10773, 10773);
        seriesSenate = SyntheticSeries.Build(SeriesStart, Days, SyntheticSeries.SenateBorderAct, 4361, countsPortsOfEntry: true);
        if (proclamation.Versions.Count != 2 || proclamationV1.Versions.Count != 1)
        {
            throw new InvalidOperationException($"expected 2 rule versions for 10773 and 1 for its v1-only variant, got {proclamation.Versions.Count} and {proclamationV1.Versions.Count}");
        }

        countedV1 = new int[Days];
        proclamationV1.Versions[0].Counting.CountInto(series10773, countedV1);
        status = new byte[Days];
        inForceIndex = Period.Between(SeriesStart, proclamation.InForce, PeriodUnits.Days).Days;

        // The baseline must compute what the engine computes, or the ratio means nothing.
        var engine = SuspensionReplay.Run(proclamationV1, series10773);
        Check("Run", NativeV1Loop.Run(countedV1, status, inForceIndex), engine);
        Check("RunSimple", NativeV1Loop.RunSimple(countedV1, status, inForceIndex), engine);

        Describe("10773", SuspensionReplay.Run(proclamation, series10773));
        Describe("10773 v1-only", engine);
        Describe("senate", SuspensionReplay.Run(senate, seriesSenate));
    }

    [Benchmark(Baseline = true, Description = "Native v1 loop (bench only)")]
    public int NativeV1() => NativeV1Loop.Run(countedV1, status, inForceIndex);

    [Benchmark(Description = "Native v1 simple loop (bench only)")]
    public int NativeV1Simple() => NativeV1Loop.RunSimple(countedV1, status, inForceIndex);

    [Benchmark]
    public SuspensionTimeline Replay_10773() => SuspensionReplay.Run(proclamation, series10773);

    [Benchmark]
    public SuspensionTimeline Replay_10773_V1Only() => SuspensionReplay.Run(proclamationV1, series10773);

    [Benchmark]
    public SuspensionTimeline Replay_Senate() => SuspensionReplay.Run(senate, seriesSenate);

    internal static CompiledPolicy CompileV1Only(PolicyDocument document) => CompiledPolicy.Compile(document, new ReplayOptions
    {
        Overrides = [new ParameterOverride("deactivate.streak_days", "1"), new ParameterOverride("counting.exclude_noncontiguous_uc", "true")],
    });

    private void Check(string loop, int native, SuspensionTimeline engine)
    {
        var engineStatuses = engine.Statuses;
        for (var i = 0; i < Days; i++)
        {
            if ((byte)engineStatuses[i] != status[i])
            {
                throw new InvalidOperationException($"NativeV1Loop.{loop} disagrees with the engine on day {i} ({SeriesStart.PlusDays(i):yyyy-MM-dd}): {status[i]} vs {engineStatuses[i]}");
            }
        }

        var engineTransitions = engine.Transitions.Count(t => t.Cause == TransitionCause.Determination && !t.AfterSeriesEnd);
        if (native >> 16 != engine.Determinations.Count || (native & 0xFFFF) != engineTransitions)
        {
            throw new InvalidOperationException($"NativeV1Loop.{loop}: {native >> 16} determinations / {native & 0xFFFF} transitions; engine: {engine.Determinations.Count} / {engineTransitions}");
        }
    }

    /// <summary>Event density of a workload, printed into the benchmark log so the numbers can be read against it.</summary>
    internal static void Describe(string name, SuspensionTimeline timeline)
    {
        var days = timeline.Series.Length;
        var statuses = timeline.Statuses;
        var active = 0;
        var expired = 0;
        foreach (var s in statuses)
        {
            active += s == DayStatus.Active ? 1 : 0;
            expired += s == DayStatus.Expired ? 1 : 0;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"// workload {name}, {days} days: {timeline.Determinations.Count} determinations, {timeline.Transitions.Count} transitions, {active} active days, {expired} expired days"));
    }
}
