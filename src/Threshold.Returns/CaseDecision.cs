using Threshold.Law;
using Threshold.Screening;

namespace Threshold.Returns;

/// <summary>
/// A screened case and, when it leads to a removal, where the removal goes. A person returned to contiguous territory
/// pending proceedings (H.R. 2) goes to Mexico outside any arrangement; a removable person goes where the returns
/// ledger allocates (Mexico under an arrangement and its cap, Mexico for Mexican nationals, or the country of
/// citizenship, including overflow).
/// </summary>
public sealed record CaseDecision(ScreeningResult Screening, ReturnAllocation? Return)
{
    /// <summary>ISO 3166-1 alpha-2 destination of the removal, or null when no removal follows.</summary>
    public string? ReturnDestination => Screening.Removal switch
    {
        RemovalPath.ContiguousReturn => "MX",
        RemovalPath.Removable or RemovalPath.Repatriation => Return!.Destination,
        _ => null,
    };

    /// <summary>True when the arrangement's monthly cap was full and the person went to their country of citizenship instead.</summary>
    public bool Overflow => Return?.Overflow ?? false;
}

/// <summary>Screens cases and allocates their removals, in input order, against one returns ledger.</summary>
public sealed class CaseProcessor(CaseScreener screener, ReturnsLedger ledger)
{
    public CaseScreener Screener => screener;

    public ReturnsLedger Ledger => ledger;

    public CaseDecision Process(ScreeningCase c)
    {
        var result = screener.Screen(c);
        var allocation = result.Removal.GoesToLedger()
            ? ledger.Allocate(new ReturnRequest(c.Id, c.Citizenship, c.EntryInstant, c.Has(CaseFacts.UnaccompaniedChild)))
            : null;
        return new CaseDecision(result, allocation);
    }
}
