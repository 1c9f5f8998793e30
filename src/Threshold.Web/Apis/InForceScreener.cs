using NodaTime;
using Threshold.Engine;
using Threshold.Law;
using Threshold.Returns;
using Threshold.Screening;

namespace Threshold.Web.Apis;

/// <summary>
/// The <c>policy=in-force</c> answer, as the CLI's <c>screen --policy in-force</c> prints it: provenance, then the
/// case under every instrument in force at entry, those that could not answer, and the summary.
/// </summary>
/// <param name="ModeledEncounters">Whether an instrument that answered read a MODELED series (one left unanswered by the series' dates rests nothing on it).</param>
public sealed record InForceDocument(
    string EngineVersion,
    string RuleSetVersion,
    bool ModeledEncounters,
    string Id,
    string Policy,
    IReadOnlyList<CaseDecisionJson.CaseDecisionDto> Instruments,
    IReadOnlyList<UnansweredInstrument> Unanswered,
    CaseDecisionJson.InForceSummaryDto Summary);

/// <summary>
/// Screens cases of one request under every built-in instrument in force on each case's Eastern entry date
/// (<see cref="InstrumentsInForce"/>). Each instrument's timeline is resolved once per request, on first need, so an
/// unknown series is a 400 from the first case that needs it. Not thread-safe: one request, one thread.
/// </summary>
public sealed class InForceScreener(Func<PolicyDocument, SuspensionTimeline> resolve, LocalDate? decidedOn, IReadOnlySet<string> switchedOff)
{
    private readonly Dictionary<string, SuspensionTimeline> timelines = new(StringComparer.Ordinal);

    /// <summary>Screens one case and allocates one removal for the person on <paramref name="ledger"/> (the summary's, not one per instrument).</summary>
    public InForceDocument Screen(ScreeningCase c, string source, long line, ReturnsLedger ledger)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(ledger);
        var (screening, modeled) = Screening(c, source, line);
        var allocation = screening.Summary.Removal.GoesToLedger()
            ? ledger.Allocate(new ReturnRequest(c.Id, c.Citizenship, c.EntryInstant, c.Has(CaseFacts.UnaccompaniedChild)))
            : null;
        var dto = CaseDecisionJson.BuildInForce(screening, allocation);
        return new InForceDocument(Threshold.Law.RuleSetVersion.EngineVersion, Threshold.Law.RuleSetVersion.Current, modeled, dto.Id, dto.Policy, dto.Instruments, dto.Unanswered, dto.Summary);
    }

    /// <summary>Screens one case without allocating anything: the check pass of a bulk request, which fails on the first bad case.</summary>
    public void Check(ScreeningCase c, string source, long line) => Screening(c, source, line);

    private (InForceScreening Screening, bool Modeled) Screening(ScreeningCase c, string source, long line)
    {
        SuspensionTimeline TimelineFor(PolicyDocument policy)
        {
            if (!timelines.TryGetValue(policy.Id, out var timeline))
            {
                timelines[policy.Id] = timeline = resolve(policy);
            }

            return timeline;
        }

        InForceScreening screening;
        try
        {
            screening = InstrumentsInForce.Screen(c, BuiltInPolicies.All(), TimelineFor, decidedOn, switchedOff);
        }
        catch (ScreeningConflictException e)
        {
            throw new CaseInputException(source, line, null, e.Message);
        }

        return (screening, screening.Results.Any(r => timelines[r.Policy].Series.IsModeled));
    }
}
