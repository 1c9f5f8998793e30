using System.ComponentModel;
using NodaTime;
using Threshold.Engine;
using Threshold.Law;
using Threshold.Web.Hosting;

namespace Threshold.Web.Apis;

/// <summary>The options of the CLI's <c>screen</c> beyond the replay: the decision date and court orders left out.</summary>
public sealed record ScreeningQuery
{
    /// <summary>The <see cref="DecidedOn"/> value that decides on today's Eastern date by the server's clock.</summary>
    public const string Today = "today";

    [Description("Decision date (yyyy-MM-dd, or today: today's Eastern date by the server's clock): the court-order events in effect on it apply (default: each case's Eastern entry date).")]
    [Microsoft.AspNetCore.Mvc.FromQuery(Name = "decidedOn")]
    public string? DecidedOn { get; init; }

    [Description("Court orders to leave out, e.g. las-americas-2025, or single order events, e.g. raices-2025-partial-stay (repeatable).")]
    [Microsoft.AspNetCore.Mvc.FromQuery(Name = "withoutOrder")]
    public string[]? WithoutOrder { get; init; }

    /// <summary>The server's clock, read only for <c>decidedOn=today</c> (bound from the services, so a test can fix it).</summary>
    [Microsoft.AspNetCore.Mvc.FromServices]
    public IClock? Clock { get; init; }

    public LocalDate? DecidedOnDate() => DecidedOn switch
    {
        null => null,
        Today => EasternTime.DateOf((Clock ?? throw new InvalidOperationException("decidedOn=today needs the server's clock")).GetCurrentInstant()),
        var text => NodaTime.Text.LocalDatePattern.Iso.Parse(text) is { Success: true } parsed ? parsed.Value
            : throw new RequestValidationException("decidedOn", $"decidedOn: '{text}' is neither a date in yyyy-MM-dd form nor today"),
    };

    /// <summary>The orders and order events left out, parsed by the engine's what-if grammar.</summary>
    public IReadOnlySet<string> SwitchedOff()
    {
        try
        {
            return WhatIfGrammar.WithoutOrders(WithoutOrder ?? []);
        }
        catch (ReplayRequestException e) when (e.WhatIf is { } what)
        {
            throw ReplayQuery.Invalid(what);
        }
    }

    /// <summary>
    /// The orders and order events left out, each one declared by at least one of <paramref name="policies"/>; checked
    /// here so the 400 names the query parameter rather than the CLI's option.
    /// </summary>
    public IReadOnlySet<string> SwitchedOff(IReadOnlyCollection<PolicyDocument> policies)
    {
        ArgumentNullException.ThrowIfNull(policies);
        var off = SwitchedOff();
        var declaring = policies.Where(p => p.Screening is not null).ToArray();
        foreach (var id in off.Where(id => !declaring.Any(p => CourtOrderComposition.Declares(p.Screening!.CourtOrders, id))))
        {
            var declared = declaring.SelectMany(p => CourtOrderComposition.SwitchIds(p.Screening!.CourtOrders)).ToArray();
            throw new RequestValidationException("withoutOrder", $"withoutOrder: '{id}' is no court order or order event of {string.Join(", ", policies.Select(p => p.Id))}; they declare: {(declared.Length == 0 ? "none" : string.Join(", ", declared))}");
        }

        return off;
    }
}
