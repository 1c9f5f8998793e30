using System.ComponentModel;
using NodaTime;

namespace Threshold.Web.Apis;

/// <summary>The options of the CLI's <c>screen</c> beyond the replay: the decision date and court orders left out.</summary>
public sealed record ScreeningQuery
{
    [Description("Decision date (yyyy-MM-dd): the court orders in force on it apply (default: each case's Eastern entry date).")]
    public string? DecidedOn { get; init; }

    [Description("Court orders to leave out, e.g. las-americas-2025 (repeatable).")]
    [Microsoft.AspNetCore.Mvc.FromQuery(Name = "withoutOrder")]
    public string[]? WithoutOrder { get; init; }

    public LocalDate? DecidedOnDate() => DecidedOn is null ? null : ReplayQuery.Date("decidedOn", DecidedOn);

    public IReadOnlySet<string> SwitchedOff() => (WithoutOrder ?? []).ToHashSet(StringComparer.Ordinal);
}
