using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Threshold.Law;

namespace Threshold.Engine.Tests;

/// <summary>Properties of every replay, over random piecewise-constant series that cross the thresholds.</summary>
public sealed class ReplayPropertyTests
{
    internal static readonly LocalDate Start = new(2024, 5, 1);
    private static readonly int[] Levels = [0, 800, 1400, 1499, 1500, 1501, 2000, 2499, 2500, 3000, 3749, 3750, 4000, 5000, 8600];

    /// <summary>Random piecewise-constant daily counts of 8 to 900 days around the thresholds.</summary>
    internal static Arbitrary<int[]> Series() =>
        Gen.Choose(0, Levels.Length - 1).Select(i => Levels[i])
            .Zip(Gen.Choose(1, 45), (level, days) => Enumerable.Repeat(level, days).ToArray())
            .NonEmptyListOf()
            .Select(segments => segments.SelectMany(s => s).Take(900).ToArray())
            .Where(days => days.Length >= 8)
            .ToArbitrary();

    internal static EncounterSeries Build(int[] betweenPorts, int[]? uc = null)
    {
        var n = betweenPorts.Length;
        return new EncounterSeries("property", Start, n, new Dictionary<EncounterColumn, int[]>
        {
            [EncounterColumn.BetweenPorts] = betweenPorts,
            [EncounterColumn.Coastal] = new int[n],
            [EncounterColumn.PortsOfEntry] = betweenPorts.Select(v => v / 3).ToArray(),
            [EncounterColumn.UcNoncontiguousBetweenPorts] = uc ?? betweenPorts.Select(v => v / 10).ToArray(),
            [EncounterColumn.UcNoncontiguousPorts] = new int[n],
        }, null, []);
    }

    private static IEnumerable<SuspensionTimeline> AllPolicies(EncounterSeries series)
    {
        yield return SuspensionReplay.Run(CompiledPolicy.Compile(BuiltInPolicies.Get("proclamation-10773")), series);
        yield return SuspensionReplay.Run(CompiledPolicy.Compile(BuiltInPolicies.Get("proclamation-10773"), new ReplayOptions { CourtOrders = [new CourtOrderInput("streak-enjoined", new LocalDate(2024, 11, 1))] }), series);
        yield return SuspensionReplay.Run(CompiledPolicy.Compile(BuiltInPolicies.Get("senate-border-act-2024"), new ReplayOptions { InForce = new LocalDate(2024, 5, 10) }), series);
    }

    [Property(MaxTest = 200)]
    public Property Transition_EveryDeterminationCausedTransitionHasItsDetermination() => Prop.ForAll(Series(), counts =>
        AllPolicies(Build(counts)).All(t => t.Transitions.All(tr =>
            tr.Cause != TransitionCause.Determination
            || (tr.DeterminationDate is { } d && t.Determinations.Any(x => x.Date == d && x.EffectiveDate == tr.EffectiveDate && (x.Kind == DeterminationKind.Activation) == tr.ToActive)))));

    [Property(MaxTest = 200)]
    public Property Transition_NoStatusChangeWithoutATransition() => Prop.ForAll(Series(), counts =>
        AllPolicies(Build(counts)).All(t =>
        {
            var statuses = t.Statuses.ToArray();
            for (var i = 1; i < statuses.Length; i++)
            {
                var wasActive = statuses[i - 1] == DayStatus.Active;
                var isActive = statuses[i] == DayStatus.Active;
                if (wasActive != isActive && !t.Transitions.Any(tr => tr.EffectiveDate == t.Series.DateAt(i) && tr.ToActive == isActive))
                {
                    return false;
                }
            }

            return true;
        }));

    [Property(MaxTest = 200)]
    public Property Transition_AlwaysAt0001Eastern() => Prop.ForAll(Series(), counts =>
        AllPolicies(Build(counts)).SelectMany(t => t.Transitions).All(tr =>
            tr.Effective.Zone.Id == "America/New_York"
            && tr.Effective.TimeOfDay == new LocalTime(0, 1)
            && tr.Effective.Date == tr.EffectiveDate
            && tr.Effective.Offset.ToTimeSpan() == EasternByDotNet.GetUtcOffset(new DateTime(tr.EffectiveDate.Year, tr.EffectiveDate.Month, tr.EffectiveDate.Day, 0, 1, 0, DateTimeKind.Unspecified))));

    // An independent time-zone source (the OS ICU/tzdata via .NET) to cross-check NodaTime's offsets.
    private static readonly TimeZoneInfo EasternByDotNet = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    [Property(MaxTest = 200)]
    public Property Discontinuation_SeriesAlwaysAtOrAbove2500_NeverDiscontinues() => Prop.ForAll(
        Gen.Choose(2500, 20000).ArrayOf().Where(a => a.Length >= 8).ToArbitrary(),
        counts =>
        {
            var timeline = SuspensionReplay.Run(CompiledPolicy.Compile(BuiltInPolicies.Get("proclamation-10773")), Build(counts, new int[counts.Length]));
            return timeline.Determinations.Count == 0 && timeline.Statuses.ToArray().All(s => s is DayStatus.Active or DayStatus.NotInForce);
        });

    [Property(MaxTest = 100)]
    public Property Csv_PermutingRows_ChangesNothing() => Prop.ForAll(Series(), Gen.Choose(0, int.MaxValue).ToArbitrary(), (counts, seed) =>
    {
        var rows = counts.Select((v, i) => $"{Start.PlusDays(i):yyyy-MM-dd},{v},0,{v / 3},{v / 10},0").ToList();
        var shuffled = rows.OrderBy(_ => Random.Shared.Next()).ToList();
        new Random(seed).Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(shuffled));
        const string header = "date,between_ports,coastal,ports_of_entry,uc_noncontiguous_between_ports,uc_noncontiguous_ports";
        string Json(IEnumerable<string> lines)
        {
            var series = EncounterCsvReader.Read(new StringReader(header + "\n" + string.Join("\n", lines)), "p.csv");
            return ReplayReport.ToJson(SuspensionReplay.Run(CompiledPolicy.Compile(BuiltInPolicies.Get("proclamation-10773")), series));
        }

        return Json(rows) == Json(shuffled);
    });

    [Property(MaxTest = 100)]
    public Property Determination_NeverReadsAnIncompleteWindow() => Prop.ForAll(Series(), counts =>
        AllPolicies(Build(counts)).SelectMany(t => t.Determinations).All(d =>
            d.WindowStart >= Start && Period.Between(d.WindowStart, d.WindowEnd, PeriodUnits.Days).Days == d.WindowDays - 1 && d.WindowEnd < d.Date));

    [Property(MaxTest = 100)]
    public Property Senate_ActiveDaysPerYear_NeverExceedTheCap() => Prop.ForAll(
        Gen.Choose(4000, 9000).ArrayOf().Where(a => a.Length >= 8).Select(a => Enumerable.Repeat(a, 1 + (1200 / a.Length)).SelectMany(x => x).Take(1200).ToArray()).ToArbitrary(),
        counts =>
        {
            var inForce = new LocalDate(2024, 5, 10);
            var t = SuspensionReplay.Run(CompiledPolicy.Compile(BuiltInPolicies.Get("senate-border-act-2024"), new ReplayOptions { InForce = inForce }), Build(counts, new int[counts.Length]));
            int[] caps = [270, 225, 180];
            for (var year = 0; year < 3; year++)
            {
                var from = inForce.PlusYears(year);
                var to = inForce.PlusYears(year + 1);
                var active = Enumerable.Range(0, counts.Length).Count(i => t.Series.DateAt(i) >= from && t.Series.DateAt(i) < to && t.StatusOn(i) == DayStatus.Active);
                if (active > caps[year])
                {
                    return false;
                }
            }

            return true;
        });
}

/// <summary>The streaming kernel's per-state fast loops compute exactly what the day-by-day path computes.</summary>
public sealed class FastPathEquivalenceTests
{
    private static readonly int[] Levels = [0, 800, 1400, 1499, 1500, 2000, 2499, 2500, 3000, 3749, 3750, 4000, 5000, 8600];

    [Property(MaxTest = 300)]
    public Property FastPath_AgreesWithDayByDayPath() => Prop.ForAll(
        Gen.Choose(0, Levels.Length - 1).Select(i => Levels[i]).Zip(Gen.Choose(1, 60), (level, days) => Enumerable.Repeat(level, days).ToArray())
            .NonEmptyListOf().Select(s => s.SelectMany(x => x).Take(1500).ToArray()).Where(a => a.Length >= 8).ToArbitrary(),
        Gen.Choose(0, 3).ToArbitrary(),
        (counts, policyChoice) =>
        {
            var n = counts.Length;
            var series = new EncounterSeries("equivalence", new LocalDate(2024, 5, 1), n, new Dictionary<EncounterColumn, int[]>
            {
                [EncounterColumn.BetweenPorts] = counts,
                [EncounterColumn.Coastal] = new int[n],
                [EncounterColumn.PortsOfEntry] = counts.Select(v => v / 4).ToArray(),
                [EncounterColumn.UcNoncontiguousBetweenPorts] = counts.Select(v => v / 10).ToArray(),
                [EncounterColumn.UcNoncontiguousPorts] = new int[n],
            }, null, []);
            var policy = policyChoice switch
            {
                0 => CompiledPolicy.Compile(BuiltInPolicies.Get("proclamation-10773")),
                1 => CompiledPolicy.Compile(BuiltInPolicies.Get("proclamation-10773"), new ReplayOptions { CourtOrders = [new CourtOrderInput("streak-enjoined", new LocalDate(2024, 12, 1))] }),
                2 => CompiledPolicy.Compile(BuiltInPolicies.Get("senate-border-act-2024"), new ReplayOptions { InForce = new LocalDate(2024, 5, 3) }),
                _ => CompiledPolicy.Compile(BuiltInPolicies.Get("senate-border-act-2024"), new ReplayOptions { InForce = new LocalDate(2024, 6, 1), Overrides = [new ParameterOverride("activate.discretionary_exercised", "false")] }),
            };
            var fast = SuspensionReplay.Run(policy, series, fastPath: true);
            var slow = SuspensionReplay.Run(policy, series, fastPath: false);
            return fast.Statuses.SequenceEqual(slow.Statuses)
                && fast.Determinations.Select(Describe).SequenceEqual(slow.Determinations.Select(Describe))
                && fast.Transitions.Select(t => (t.EffectiveDate, t.ToActive, t.Cause, t.DeterminationDate)).SequenceEqual(slow.Transitions.Select(t => (t.EffectiveDate, t.ToActive, t.Cause, t.DeterminationDate)));
        });

    private static string Describe(Determination d) => $"{d.Date} {d.Kind} {d.Trigger} {d.WindowEnd} {d.WindowSum} {d.StreakStart} {d.EffectiveDate} {d.ThresholdPerDay}";
}
