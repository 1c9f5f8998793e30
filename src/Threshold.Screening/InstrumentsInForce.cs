using NodaTime;
using Threshold.Engine;
using Threshold.Law;

namespace Threshold.Screening;

/// <summary>One consequence across instruments: whether any instrument imposes it, and which ones do.</summary>
/// <param name="By">Ids of the instruments that impose it, in the stack's order.</param>
public sealed record StackedConsequence(bool Applies, IReadOnlyList<string> By);

/// <summary>
/// What every instrument in force at entry adds up to for one case: whether any suspension applied; which instruments
/// bar or limit asylum and bar withholding and CAT; the fear screening that follows; and the removal path, each naming
/// the instrument that drives it.
/// </summary>
/// <remarks>
/// Instruments in force together apply together: a bar imposed by any of them binds. Where they prescribe different
/// processing, the most restrictive is reported (no fear screening over a screening; repatriation over an INA removal
/// over contiguous return over none), naming the instrument; how DHS combined them in practice is not verified [U].
/// </remarks>
/// <param name="FearScreening">Whether a fear screening follows: only when every instrument under which the person is subject refers them.</param>
/// <param name="ScreeningStandard">The standard of the driving referral (the first instrument's), or null.</param>
/// <param name="Removal">The most restrictive removal path, and the instruments that prescribe it.</param>
/// <param name="LaterOrders">Every instrument's later orders, in date order.</param>
/// <param name="Note">The combination rule, stated for the reader with its mark.</param>
public sealed record StackSummary(
    bool AnySuspensionApplies,
    IReadOnlyList<string> SuspendedBy,
    StackedConsequence AsylumLimited,
    StackedConsequence WithholdingCatBarred,
    bool FearScreening,
    string? ScreeningStandard,
    RemovalPath Removal,
    IReadOnlyList<string> RemovalBy,
    IReadOnlyList<(string Instrument, LaterOrder Order)> LaterOrders,
    string Note);

/// <summary>An instrument in force at entry that could not answer (e.g. the entry is outside the encounter series it needs).</summary>
public sealed record UnansweredInstrument(string Policy, string Reason);

/// <summary>One case under every instrument in force on its entry date: each answer, those that could not answer, and the combination.</summary>
public sealed record InForceScreening(ScreeningCase Case, IReadOnlyList<ScreeningResult> Results, IReadOnlyList<UnansweredInstrument> Unanswered, StackSummary Summary);

/// <summary>The instruments whose standing is in force on a day, and the combination of their answers for one case.</summary>
public static class InstrumentsInForce
{
    /// <summary>
    /// Screens <paramref name="c"/> under every instrument of <paramref name="policies"/> in force on its Eastern entry
    /// date. <paramref name="timelineFor"/> gives each instrument's timeline; the court-order ids switched off apply to
    /// the instruments that declare them. A rule conflict is thrown (the input's problem); an entry outside an
    /// instrument's timeline leaves that instrument unanswered.
    /// </summary>
    public static InForceScreening Screen(ScreeningCase c, IEnumerable<PolicyDocument> policies, Func<PolicyDocument, SuspensionTimeline> timelineFor, LocalDate? decidedOn, IReadOnlySet<string> switchedOff)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(timelineFor);
        ArgumentNullException.ThrowIfNull(switchedOff);
        var results = new List<ScreeningResult>();
        var unanswered = new List<UnansweredInstrument>();
        foreach (var policy in InForceOn(policies, c.EntryDateEastern))
        {
            var declared = policy.Screening!.CourtOrders;
            var off = switchedOff.Where(id => CourtOrderComposition.Declares(declared, id)).ToHashSet(StringComparer.Ordinal);
            try
            {
                results.Add(new CaseScreener(timelineFor(policy), decidedOn, off).Screen(c));
            }
            catch (UnknownPeriodException e)
            {
                unanswered.Add(new UnansweredInstrument(policy.Id, e.Message));
            }
        }

        return new InForceScreening(c, results, unanswered, Summarise(results));
    }

    /// <summary>Refuses a switched-off id that no instrument of <paramref name="policies"/> declares.</summary>
    public static void CheckSwitchedOff(IEnumerable<PolicyDocument> policies, IReadOnlySet<string> switchedOff)
    {
        ArgumentNullException.ThrowIfNull(switchedOff);
        var all = policies.Where(p => p.Screening is not null).ToArray();
        foreach (var id in switchedOff)
        {
            if (!all.Any(p => CourtOrderComposition.Declares(p.Screening!.CourtOrders, id)))
            {
                throw new ReplayRequestException(new WhatIfProblem(WhatIfOption.WithoutOrder, id, $"no instrument declares such a court order or order event; they declare: {string.Join(", ", all.SelectMany(p => CourtOrderComposition.SwitchIds(p.Screening!.CourtOrders)))}"));
            }
        }
    }

    /// <summary>The combination rule as stated in every stacked answer.</summary>
    public const string CombinationNote =
        "Instruments in force together apply together: a bar imposed by any of them binds; where their processing differs, the most restrictive is reported with the instrument that imposes it. How DHS combined them in practice is not verified [U].";

    /// <summary>Built-in instruments (not bills) whose standing on <paramref name="day"/> is in force, in id order.</summary>
    public static IReadOnlyList<PolicyDocument> InForceOn(IEnumerable<PolicyDocument> policies, LocalDate day) =>
        [.. policies.Where(p => p.Screening is not null && p.StandingHistory.On(day).State == StandingState.InForce)];

    /// <summary>Combines the answers of the instruments in force at entry for one case.</summary>
    public static StackSummary Summarise(IReadOnlyList<ScreeningResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var subject = results.Where(r => r.SuspensionApplies).ToArray();
        static int Severity(RemovalPath p) => p switch
        {
            RemovalPath.Repatriation => 3,
            RemovalPath.Removable => 2,
            RemovalPath.ContiguousReturn => 1,
            RemovalPath.None => 0,
        };
        var worst = results.Count == 0 ? RemovalPath.None : results.MaxBy(r => Severity(r.Removal))!.Removal;
        var fear = subject.Length > 0 && subject.All(r => r.FearReferral);
        return new StackSummary(
            subject.Length > 0,
            [.. subject.Select(r => r.Policy)],
            new StackedConsequence(results.Any(r => r.AsylumLimitationApplies), [.. results.Where(r => r.AsylumLimitationApplies).Select(r => r.Policy)]),
            new StackedConsequence(results.Any(r => r.WithholdingCatBarred), [.. results.Where(r => r.WithholdingCatBarred).Select(r => r.Policy)]),
            fear,
            fear ? subject[0].ScreeningStandard : null,
            worst,
            worst == RemovalPath.None ? [] : [.. results.Where(r => r.Removal == worst).Select(r => r.Policy)],
            [.. results.SelectMany(r => r.LaterOrders.Select(l => (r.Policy, l))).OrderBy(x => x.l.Date)],
            CombinationNote);
    }
}
