using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Threshold.Law;

namespace Threshold.Engine.Tests;

/// <summary>
/// <see cref="DailySuspensionReplay"/> fed one day at a time gives exactly the batch replay: statuses, determinations
/// (with their words and citations) and transitions, on the repository's daily series, on the law cases' series and on
/// random series, for the three built-in policies and with court orders and rule-version switches.
/// </summary>
public sealed class DailyReplayTests
{
    /// <summary>Policies covering every mechanism, relative and absolute deactivation, caps, a sunset, a court order and a lag change.</summary>
    private static IEnumerable<CompiledPolicy> Policies()
    {
        yield return CompiledPolicy.Compile(BuiltInPolicies.Get("proclamation-10773"));
        yield return CompiledPolicy.Compile(BuiltInPolicies.Get("proclamation-10773"), new ReplayOptions { CourtOrders = [new CourtOrderInput("streak-enjoined", new LocalDate(2024, 11, 1))] });
        yield return CompiledPolicy.Compile(BuiltInPolicies.Get("proclamation-10773"), new ReplayOptions { DeterminationLagDays = 0 });
        yield return CompiledPolicy.Compile(BuiltInPolicies.Get("senate-border-act-2024"), new ReplayOptions { InForce = new LocalDate(2024, 5, 10) });
        yield return CompiledPolicy.Compile(BuiltInPolicies.Get("senate-border-act-2024"), new ReplayOptions { InForce = new LocalDate(2024, 6, 1), Overrides = [new ParameterOverride("activate.discretionary_exercised", "false")] });
        yield return CompiledPolicy.Compile(BuiltInPolicies.Get("senate-border-act-2024"), new ReplayOptions { InForce = new LocalDate(2023, 3, 1) });
        yield return CompiledPolicy.Compile(BuiltInPolicies.Get("hr2-2023"), new ReplayOptions
        {
            InForce = new LocalDate(2024, 5, 1),
            Determinations = [new SecretaryDeterminationInput(new LocalDate(2024, 6, 3), true), new SecretaryDeterminationInput(new LocalDate(2024, 9, 1), false)],
        });
    }

    /// <summary>Feeds <paramref name="series"/> day by day, checking each day's status as it opens, and returns the timeline.</summary>
    internal static SuspensionTimeline FeedDaily(CompiledPolicy policy, EncounterSeries series)
    {
        var replay = new DailySuspensionReplay(policy, series.Start, series.Length);
        for (var pass = 0; pass < 2; pass++)
        {
            // The second pass proves Reset leaves nothing behind.
            replay.Reset();
            for (var i = 0; i < series.Length; i++)
            {
                replay.OpenDay();
                replay.CloseDay(At(EncounterColumn.BetweenPorts), At(EncounterColumn.Coastal), At(EncounterColumn.PortsOfEntry), At(EncounterColumn.UcNoncontiguousBetweenPorts), At(EncounterColumn.UcNoncontiguousPorts));

                int At(EncounterColumn column) => series.Value(column, i) ?? 0;
            }
        }

        var timeline = replay.ToTimeline(series);
        // What the simulator reads while stepping must agree with the timeline it would build.
        Assert.Equal(Statuses(timeline), replay.Statuses.ToArray());
        Assert.Equal(timeline.Transitions.Where(t => !t.AfterSeriesEnd).Select(Describe), replay.Transitions.Select(Describe));
        Assert.Equal(timeline.Determinations.Select(Describe), replay.Determinations.Select(Describe));
        return timeline;
    }

    /// <summary>Asserts the two timelines say the same thing, word for word.</summary>
    internal static void AssertSame(SuspensionTimeline batch, SuspensionTimeline daily)
    {
        Assert.Equal(Statuses(batch), Statuses(daily));
        Assert.Equal(batch.Determinations.Select(Describe), daily.Determinations.Select(Describe));
        Assert.Equal(batch.Transitions.Select(Describe), daily.Transitions.Select(Describe));
        Assert.Equal(batch.Caveats, daily.Caveats);
    }

    private static DayStatus[] Statuses(SuspensionTimeline t) => Enumerable.Range(0, t.Series.Length).Select(t.StatusOn).ToArray();

    private static string Describe(Determination d) =>
        $"{d.Date} {d.Kind} {d.Trigger} {d.WindowStart}..{d.WindowEnd} {d.WindowSum}/{d.WindowDays} {d.SingleDayCount} {d.ThresholdPerDay} {d.StreakDays} {d.StreakStart} {d.EffectiveDate} v{d.VersionIndex} {d.Rule} [{string.Join("; ", d.Citations.Select(c => c.Text))}]";

    private static string Describe(Transition t) =>
        $"{t.EffectiveDate} {t.ToActive} {t.Cause} {t.DeterminationDate} {t.AfterSeriesEnd} {t.Citation.Text}";

    private static EncounterSeries Build(int[] betweenPorts)
    {
        var n = betweenPorts.Length;
        return new EncounterSeries("daily", ReplayPropertyTests.Start, n, new Dictionary<EncounterColumn, int[]>
        {
            [EncounterColumn.BetweenPorts] = betweenPorts,
            [EncounterColumn.Coastal] = betweenPorts.Select(v => v / 50).ToArray(),
            [EncounterColumn.PortsOfEntry] = betweenPorts.Select(v => v / 3).ToArray(),
            [EncounterColumn.UcNoncontiguousBetweenPorts] = betweenPorts.Select(v => v / 10).ToArray(),
            [EncounterColumn.UcNoncontiguousPorts] = betweenPorts.Select(v => v / 40).ToArray(),
        }, null, []);
    }

    [Fact]
    public void DailyReplay_RepositorySeries_SameAsBatchForEveryPolicy()
    {
        var series = EncounterCsvReader.ReadFile(Path.Combine(RepositoryRoot(), "data", "modeled", "daily_encounters_2024-01-01_2025-01-19.modeled.csv"));
        foreach (var policy in Policies())
        {
            AssertSame(SuspensionReplay.Run(policy, series), FeedDaily(policy, series));
        }
    }

    [Property(MaxTest = 150)]
    public Property DailyReplay_RandomSeries_SameAsBatch() => Prop.ForAll(
        ReplayPropertyTests.Series(),
        counts =>
        {
            var series = Build(counts);
            foreach (var policy in Policies())
            {
                AssertSame(SuspensionReplay.Run(policy, series), FeedDaily(policy, series));
            }
        });

    /// <summary>
    /// A model that reacts to its statuses as the simulator does: crossings halve while the suspension applied
    /// <c>lag</c> days earlier (today when 0). It records the statuses it was given, in the order given.
    /// </summary>
    private struct ReactiveModel(int[] baseCounts, int lag) : IDailyCountModel
    {
        public List<(int Day, DayStatus Status)> Given { get; } = [];

        public DayCounts Day(int day, DayStatus status)
        {
            Given.Add((day, status));
            var b = day >= lag && Given[day - lag].Status == DayStatus.Active ? baseCounts[day] / 2 : baseCounts[day];
            return new DayCounts(b, b / 50, b / 3, b / 10, b / 40);
        }
    }

    /// <summary><see cref="DailySuspensionReplay.Run{TModel}"/> against the same model stepped with OpenDay and CloseDay.</summary>
    private static void AssertRunEqualsStepping(CompiledPolicy policy, int[] baseCounts, int lag)
    {
        var start = ReplayPropertyTests.Start;
        var stepped = new DailySuspensionReplay(policy, start, baseCounts.Length);
        var steppedModel = new ReactiveModel(baseCounts, lag);
        for (var i = 0; i < baseCounts.Length; i++)
        {
            var counts = steppedModel.Day(i, stepped.OpenDay());
            stepped.CloseDay(counts.BetweenPorts, counts.Coastal, counts.PortsOfEntry, counts.UcNoncontiguousBetweenPorts, counts.UcNoncontiguousPorts);
        }

        var run = new DailySuspensionReplay(policy, start, baseCounts.Length);
        for (var pass = 0; pass < 2; pass++)
        {
            // The second pass proves Reset leaves nothing behind.
            run.Reset();
            var model = new ReactiveModel(baseCounts, lag);
            run.Run(ref model);
            Assert.Equal(steppedModel.Given, model.Given);
        }

        Assert.Equal(baseCounts.Length, run.Day);
        Assert.Equal(stepped.Statuses.ToArray(), run.Statuses.ToArray());
        Assert.Equal(stepped.CountedOnDay.ToArray(), run.CountedOnDay.ToArray());
        Assert.Equal(stepped.Determinations.Select(Describe), run.Determinations.Select(Describe));
        Assert.Equal(stepped.Transitions.Select(Describe), run.Transitions.Select(Describe));
    }

    [Property(MaxTest = 120)]
    public Property Run_ModelReactingToItsStatuses_SameAsSteppingDayByDay() => Prop.ForAll(
        ReplayPropertyTests.Series(),
        Gen.Elements(0, 1, 7, 30).ToArbitrary(),
        (counts, lag) =>
        {
            foreach (var policy in Policies())
            {
                AssertRunEqualsStepping(policy, counts, lag);
            }
        });

    [Fact]
    public void Run_RepositorySeries_SameAsBatchForEveryPolicy()
    {
        var series = EncounterCsvReader.ReadFile(Path.Combine(RepositoryRoot(), "data", "modeled", "daily_encounters_2024-01-01_2025-01-19.modeled.csv"));
        foreach (var policy in Policies())
        {
            var replay = new DailySuspensionReplay(policy, series.Start, series.Length);
            var model = new ColumnsModel(series);
            replay.Run(ref model);
            AssertSame(SuspensionReplay.Run(policy, series), replay.ToTimeline(series));
            var half = new DailySuspensionReplay(policy, series.Start, series.Length);
            // Days stepped first, then the rest run: the two ways mix.
            for (var i = 0; i < 100; i++)
            {
                var c = model.Day(i, half.OpenDay());
                half.CloseDay(c.BetweenPorts, c.Coastal, c.PortsOfEntry, c.UcNoncontiguousBetweenPorts, c.UcNoncontiguousPorts);
            }

            half.Run(ref model);
            AssertSame(SuspensionReplay.Run(policy, series), half.ToTimeline(series));
        }
    }

    /// <summary>A model that gives a series' counts whatever the status.</summary>
    private readonly struct ColumnsModel(EncounterSeries series) : IDailyCountModel
    {
        public DayCounts Day(int day, DayStatus status) => new(
            series.Value(EncounterColumn.BetweenPorts, day) ?? 0,
            series.Value(EncounterColumn.Coastal, day) ?? 0,
            series.Value(EncounterColumn.PortsOfEntry, day) ?? 0,
            series.Value(EncounterColumn.UcNoncontiguousBetweenPorts, day) ?? 0,
            series.Value(EncounterColumn.UcNoncontiguousPorts, day) ?? 0);
    }

    [Fact]
    public void DailyReplay_StatusNeverDependsOnTheDaysOwnCount()
    {
        // What the simulator relies on: OpenDay answers before the day's counts are given, even with lag 0.
        var policy = CompiledPolicy.Compile(BuiltInPolicies.Get("proclamation-10773"), new ReplayOptions { DeterminationLagDays = 0 });
        var replay = new DailySuspensionReplay(policy, policy.InForce, 60);
        Assert.Equal(DayStatus.Active, replay.OpenDay());
        Assert.Throws<InvalidOperationException>(() => replay.OpenDay());
        replay.CloseDay(100, 0, 0, 0, 0);
        Assert.Equal(1, replay.Day);
        Assert.Equal(100, replay.CountedOnDay[0]);
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Threshold.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (Threshold.sln)");
    }
}
