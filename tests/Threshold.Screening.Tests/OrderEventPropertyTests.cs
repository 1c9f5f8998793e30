using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Threshold.Engine;
using Threshold.Law;

namespace Threshold.Screening.Tests;

/// <summary>
/// Court-order events compose by decision date: an event dated after the decision never changes the answer, and
/// <c>laterOrders</c> is empty exactly when no later event would change it (checked by deciding again on each later day).
/// </summary>
public sealed class OrderEventPropertyTests
{
    private static readonly LocalDate SeriesStart = new(2024, 5, 1);
    private static readonly LocalDate SeriesEnd = new(2026, 12, 31);

    private static readonly Lazy<IReadOnlyDictionary<string, SuspensionTimeline>> Timelines = new(() =>
    {
        var n = Period.DaysBetween(SeriesStart, SeriesEnd) + 1;
        var series = new EncounterSeries("property", SeriesStart, n, new Dictionary<EncounterColumn, int[]>
        {
            [EncounterColumn.BetweenPorts] = [.. Enumerable.Repeat(3000, n)],
            [EncounterColumn.Coastal] = new int[n],
            [EncounterColumn.UcNoncontiguousBetweenPorts] = new int[n],
        }, null, []);
        return new[] { "proclamation-10773", "proclamation-10888" }.ToDictionary(id => id, id => SuspensionReplay.Run(CompiledPolicy.Compile(BuiltInPolicies.Get(id)), series));
    });

    private static readonly string[] Countries = ["MX", "GT", "HN", "CU", "VE", "CO", "IN"];
    private static readonly string?[] Grounds = [null, null, null, "medical-emergency", "other"];

    /// <summary>A policy, a case entered between June 2024 and November 2026, and a decision date on or after entry.</summary>
    private static Arbitrary<(string Policy, ScreeningCase Case, LocalDate DecidedOn)> Draws() =>
        Gen.Choose(0, 1).Zip(Gen.Choose(0, 880)).Zip(Gen.Choose(0, 1 << 16)).Zip(Gen.Choose(0, 900)).Select(t =>
        {
            var (((policy, day), bits), later) = t;
            var entered = new LocalDate(2024, 6, 1).PlusDays(day).At(new LocalTime(10, 0)).InZoneLeniently(EasternTime.Zone).ToOffsetDateTime();
            var facts = (CaseFacts)(uint)(bits & ((1 << 16) - 1) & 0b1010_0011_0000_0001) | (bits % 5 == 0 ? CaseFacts.ManifestsFear : CaseFacts.None);
            var c = new ScreeningCase($"p{day}-{bits}", entered, (EntryPlace)(bits % 3), Countries[bits % Countries.Length], facts, OfficerDiscretion.None, Grounds[bits % Grounds.Length]);
            var decided = LocalDate.Min(c.EntryDateEastern.PlusDays(later), SeriesEnd);
            return (policy == 0 ? "proclamation-10773" : "proclamation-10888", c, decided);
        }).ToArbitrary();

    private static (bool, bool, bool, bool, string?, RemovalPath, string, string) Answer(ScreeningResult r) =>
        (r.SuspensionApplies, r.AsylumLimitationApplies, r.WithholdingCatBarred, r.FearReferral, r.ScreeningStandard, r.Removal,
         string.Join(",", r.Flags.Select(f => f.Code)), string.Join("|", r.Trace.Select(t => $"{t.Rule}:{t.Held}:{t.Note}")));

    [Property(MaxTest = 300)]
    public Property RemovingALaterEvent_NeverChangesTheAnswer() => Prop.ForAll(Draws(), draw =>
    {
        var (policy, c, decided) = draw;
        var timeline = Timelines.Value[policy];
        var orders = timeline.Policy.Policy.Screening!.CourtOrders;
        var baseline = Answer(new CaseScreener(timeline, decided).Screen(c));
        return orders.SelectMany(o => o.Events).Where(e => e.Effective is { } d && d > decided)
            .All(e => Answer(new CaseScreener(timeline, decided, new HashSet<string> { e.Id }).Screen(c)) == baseline);
    });

    [Property(MaxTest = 300)]
    public Property LaterOrders_EmptyExactlyWhenNoLaterDayChangesTheAnswer() => Prop.ForAll(Draws(), draw =>
    {
        var (policy, c, decided) = draw;
        var timeline = Timelines.Value[policy];
        var result = new CaseScreener(timeline, decided).Screen(c);
        static (bool, bool, bool, bool, string?, RemovalPath) Core(ScreeningResult r) =>
            (r.SuspensionApplies, r.AsylumLimitationApplies, r.WithholdingCatBarred, r.FearReferral, r.ScreeningStandard, r.Removal);
        var laterDays = timeline.Policy.Policy.Screening!.CourtOrders.SelectMany(o => o.Events)
            .Where(e => e.Acts && e.Effective is { } d && d > decided).Select(e => e.Effective!.Value).Distinct();
        var anyChange = laterDays.Any(d => Core(new CaseScreener(timeline, d).Screen(c)) != Core(result));
        return (result.LaterOrders.Count == 0) == !anyChange
            && result.LaterOrders.All(l => l.Date > decided && l.Fields.Count > 0);
    });
}
