using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Threshold.Law;

namespace Threshold.Engine.Tests;

/// <summary>
/// The official timeline (only determinations actually made) beside the proposed one (from the data): what each says
/// about itself on every output, what it never does, and the [U] readings explain states (LEGAL-REVIEW-2026-12 C4, C5, E6).
/// </summary>
public sealed class OfficialTimelineTests
{
    private static readonly CompiledPolicy Proclamation = CompiledPolicy.Compile(BuiltInPolicies.Get("proclamation-10773"));

    /// <summary>Between-ports counts: <paramref name="high"/> a day to <paramref name="switchDay"/> inclusive, <paramref name="low"/> after.</summary>
    private static EncounterSeries Step(LocalDate start, LocalDate end, LocalDate switchDay, int high, int low)
    {
        var n = Period.DaysBetween(start, end) + 1;
        var counts = Enumerable.Range(0, n).Select(i => start.PlusDays(i) <= switchDay ? high : low).ToArray();
        var zeros = new int[n];
        return new EncounterSeries("step", start, n, new Dictionary<EncounterColumn, int[]>
        {
            [EncounterColumn.BetweenPorts] = counts,
            [EncounterColumn.Coastal] = zeros,
            [EncounterColumn.PortsOfEntry] = zeros,
            [EncounterColumn.UcNoncontiguousBetweenPorts] = zeros,
            [EncounterColumn.UcNoncontiguousPorts] = zeros,
        }, null, []);
    }

    private static readonly EncounterSeries PastJanuary2025 = Step(new LocalDate(2024, 5, 1), new LocalDate(2025, 3, 31), new LocalDate(2024, 12, 15), 3000, 500);

    [Property(MaxTest = 200)]
    public Property Official_WithNothingRecorded_IsActiveOnEveryInForceDayAndProposesNothing() => Prop.ForAll(ReplayPropertyTests.Series(), counts =>
    {
        var series = ReplayPropertyTests.Build(counts);
        var official = SuspensionReplay.Run(Proclamation, series, TimelineKind.Official);
        var inForce = Period.DaysBetween(series.Start, Proclamation.InForce);
        for (var i = 0; i < series.Length; i++)
        {
            var expected = i < inForce ? DayStatus.NotInForce : DayStatus.Active;
            if (official.StatusOn(i) != expected)
            {
                return false;
            }
        }

        return official.Determinations.Count == 0 && official.Transitions.Count == 1 && official.Transitions[0].Cause == TransitionCause.InForce;
    });

    [Fact]
    public void Report_SaysWhichTimelineOnEachAndNamesTheRecordOnTheOfficialOne()
    {
        var proposed = ReplayReport.Build(SuspensionReplay.Run(Proclamation, PastJanuary2025, TimelineKind.Proposed));
        Assert.Equal("proposed", proposed.Timeline);
        Assert.Equal(TimelineNotes.Proposed, proposed.TimelineNote);
        Assert.Contains("not determinations that were made", proposed.TimelineNote, StringComparison.Ordinal);
        Assert.Null(proposed.Official);

        var official = ReplayReport.Build(SuspensionReplay.Run(Proclamation, PastJanuary2025, TimelineKind.Official));
        Assert.Equal("official", official.Timeline);
        Assert.StartsWith("OFFICIAL timeline:", official.TimelineNote, StringComparison.Ordinal);
        Assert.Contains("law/determinations/proclamation-10773.yaml, last checked 2026-12-06", official.TimelineNote, StringComparison.Ordinal);
        Assert.Contains("[U]", official.TimelineNote, StringComparison.Ordinal);
        Assert.Equal("law/determinations/proclamation-10773.yaml", official.Official!.Source);
        Assert.Equal(["deactivation", "activation"], official.Official.NoneFound!.Kinds);
        Assert.Equal(("2024-06-05", "2026-12-06", "U"), (official.Official.NoneFound.From, official.Official.NoneFound.To, official.Official.NoneFound.Citation.Status));
        // Counts and averages are still there, for information.
        var day = official.Days.Single(d => d.Date == "2025-02-15");
        Assert.Equal((500, 500m, "active"), (day.Counted, day.Average7, day.Status));
    }

    [Fact]
    public void Report_RecordedOfficialDetermination_ShowsItsWindowAndTheDataButNoThreshold()
    {
        var recorded = new OfficialDetermination(
            new LocalDate(2024, 7, 15), OfficialKind.Deactivation, new DateInterval(new LocalDate(2024, 7, 8), new LocalDate(2024, 7, 14)), "recorded", new Citation("Recorded determination", string.Empty, null, VerificationStatus.Unverified, "by a test"));
        var report = ReplayReport.Build(SuspensionReplay.Run(Proclamation, PastJanuary2025, TimelineKind.Official, [recorded]));
        var d = Assert.Single(report.Determinations);
        Assert.Equal(("official", "2024-07-08", "2024-07-14", 3000m, (long?)21000, (decimal?)null, "2024-07-29"), (d.Trigger, d.WindowStart, d.WindowEnd, d.Average7, d.Sum7, d.ThresholdPerDay, d.EffectiveDate));
        Assert.Equal("U", d.Status);
        Assert.Equal(1, report.Official!.Recorded);
        Assert.Contains("1 determination(s) users recorded as official [U]", report.TimelineNote, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_Proposed_SaysSoFirstAndStatesTheTrailingWindowReading()
    {
        var e = DayExplanation.For(SuspensionReplay.Run(Proclamation, PastJanuary2025), new LocalDate(2024, 12, 20));
        Assert.Equal(TimelineKind.Proposed, e.Timeline);
        Assert.Equal(TimelineNotes.Proposed, e.Steps[0].Statement);
        Assert.Contains(e.Steps, s => s.Statement == ReadingAssumptions.TrailingWindowText && s.Citation == ReadingAssumptions.TrailingWindow);
        Assert.DoesNotContain(e.Steps, s => s.Citation == ReadingAssumptions.CountingOnDeterminationDate || s.Citation == ReadingAssumptions.PendingSurvivesNewRules);
    }

    [Theory]
    [InlineData("2024-10-01", true)]
    [InlineData("2024-11-03", true)] // reads back to Sept 30 through a 28-day streak of 7-day windows
    [InlineData("2024-11-04", false)]
    [InlineData("2024-09-20", false)] // every day read is counted under the v1 rule it is read under
    public void Explain_Proposed_StatesC4WhenTheDaysReadPredateTheCountingRule(string date, bool stated)
    {
        var e = DayExplanation.For(SuspensionReplay.Run(Proclamation, PastJanuary2025), LocalDate.FromDateTime(DateTime.Parse(date, System.Globalization.CultureInfo.InvariantCulture)));
        var step = e.Steps.SingleOrDefault(s => s.Citation == ReadingAssumptions.CountingOnDeterminationDate);
        Assert.Equal(stated, step is not null);
        if (step is not null)
        {
            Assert.Contains("including days before that rule took effect", step.Statement, StringComparison.Ordinal);
            Assert.Equal(VerificationStatus.Unverified, step.Citation!.Status);
            Assert.Contains("C4", step.Citation.Source, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Explain_Proposed_StatesC5WhileAV1DiscontinuationIsPendingAcrossOctober1()
    {
        // Under 1,500 from Sept 13: the v1 window ending Sept 18 qualifies, so the determination of Sept 19 takes effect Oct 3.
        var timeline = SuspensionReplay.Run(Proclamation, Step(new LocalDate(2024, 8, 1), new LocalDate(2024, 10, 31), new LocalDate(2024, 9, 12), 3000, 1000));
        var determination = Assert.Single(timeline.Determinations);
        Assert.Equal((new LocalDate(2024, 9, 19), new LocalDate(2024, 10, 3)), (determination.Date, determination.EffectiveDate!.Value));
        foreach (var (date, stated) in new[] { (new LocalDate(2024, 9, 30), false), (new LocalDate(2024, 10, 1), true), (new LocalDate(2024, 10, 3), true), (new LocalDate(2024, 10, 4), false) })
        {
            var e = DayExplanation.For(timeline, date);
            var step = e.Steps.SingleOrDefault(s => s.Citation == ReadingAssumptions.PendingSurvivesNewRules);
            Assert.True(stated == step is not null, $"{date:yyyy-MM-dd}: C5 {(stated ? "missing" : "stated")}");
        }
    }

    [Fact]
    public void Explain_Official_SaysSoFirstTestsNoWindowAndProposesNothing()
    {
        var e = DayExplanation.For(SuspensionReplay.Run(Proclamation, PastJanuary2025, TimelineKind.Official), new LocalDate(2025, 2, 15));
        Assert.Equal(TimelineKind.Official, e.Timeline);
        Assert.StartsWith("OFFICIAL timeline:", e.Steps[0].Statement, StringComparison.Ordinal);
        Assert.Equal(VerificationStatus.Unverified, e.Steps[0].Citation!.Status);
        Assert.Contains(e.Steps, s => s.Statement.StartsWith("No official determination was made on 2025-02-15", StringComparison.Ordinal));
        Assert.DoesNotContain(e.Steps, s => s.Citation == ReadingAssumptions.TrailingWindow);
        Assert.Null(e.DeterminationMade);
        Assert.Equal(DayStatus.Active, e.Status);
        Assert.Equal(500m, e.Average);
    }

    [Fact]
    public void Explain_Official_StatesC5ForARecordedV1DiscontinuationPendingOnOctober1AndC4ForAWindowAcrossIt()
    {
        static OfficialDetermination Recorded(LocalDate date, DateInterval? window) =>
            new(date, OfficialKind.Deactivation, window, "recorded", new Citation("Recorded determination", string.Empty, null, VerificationStatus.Unverified, "by a test"));

        var pending = SuspensionReplay.Run(Proclamation, PastJanuary2025, TimelineKind.Official, [Recorded(new LocalDate(2024, 9, 25), null)]);
        Assert.Contains(DayExplanation.For(pending, new LocalDate(2024, 10, 1)).Steps, s => s.Citation == ReadingAssumptions.PendingSurvivesNewRules);
        Assert.DoesNotContain(DayExplanation.For(pending, new LocalDate(2024, 9, 30)).Steps, s => s.Citation == ReadingAssumptions.PendingSurvivesNewRules);

        var across = SuspensionReplay.Run(Proclamation, PastJanuary2025, TimelineKind.Official, [Recorded(new LocalDate(2024, 10, 3), new DateInterval(new LocalDate(2024, 9, 26), new LocalDate(2024, 10, 2)))]);
        var e = DayExplanation.For(across, new LocalDate(2024, 10, 3));
        Assert.Contains(e.Steps, s => s.Citation == ReadingAssumptions.CountingOnDeterminationDate);
        Assert.DoesNotContain(DayExplanation.For(across, new LocalDate(2024, 10, 4)).Steps, s => s.Citation == ReadingAssumptions.CountingOnDeterminationDate);
        Assert.NotNull(e.DeterminationMade);
    }

    [Fact]
    public void Official_SupplyingDeterminationsToHr2_IsRefusedAsABill()
    {
        var hr2 = CompiledPolicy.Compile(BuiltInPolicies.Get("hr2-2023"), new ReplayOptions { InForce = new LocalDate(2024, 6, 1) });
        var e = Assert.Throws<ReplayRequestException>(() => SuspensionReplay.Run(hr2, PastJanuary2025, TimelineKind.Official));
        Assert.Contains("hr2-2023 has no official record of determinations", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Official_WhatIfInForceDate_IsRefused()
    {
        var moved = CompiledPolicy.Compile(BuiltInPolicies.Get("proclamation-10773"), new ReplayOptions { InForce = new LocalDate(2024, 7, 1) });
        var e = Assert.Throws<ReplayRequestException>(() => SuspensionReplay.Run(moved, PastJanuary2025, TimelineKind.Official));
        Assert.Contains("a what-if in-force date changes the proposed timeline only", e.Message, StringComparison.Ordinal);
    }
}
