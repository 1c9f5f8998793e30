using System.ComponentModel;
using Spectre.Console.Cli;

namespace Threshold.Cli.Commands;

/// <summary>Options shared by the commands that screen cases (screen, returns report): the cases, the decision date, court orders and arrangements.</summary>
internal class CaseRunSettings : ReplaySettings
{
    [CommandOption("--cases <FILE>")]
    [Description("Many cases: JSONL (one object a line) or CSV with contract field names in the header.")]
    public string? Cases { get; init; }

    [CommandOption("--decided-on <DATE>")]
    [Description("Decision date (yyyy-MM-dd, or 'today' in Eastern time): the court-order events in effect on it apply (default: each case's Eastern entry date; every result lists in laterOrders the later events that would change it).")]
    public string? DecidedOn { get; init; }

    /// <summary>The decision date: <see cref="DecidedOn"/>, 'today' read from the clock at this edge, or null for each case's entry date.</summary>
    internal NodaTime.LocalDate? DecisionDate(NodaTime.IClock clock) => DecidedOn switch
    {
        null => null,
        "today" => Threshold.Engine.EasternTime.DateOf(clock.GetCurrentInstant()),
        var text => ReplaySettings.ParseDate("--decided-on", text),
    };

    [CommandOption("--without-order <ID>")]
    [Description("Leave a court order out, e.g. las-americas-2025 ('what if it is reversed on appeal?') (repeatable).")]
    public string[] WithoutOrder { get; init; } = [];

    [CommandOption("--arrangements <FILE>")]
    [Description("An extra returns-arrangement YAML file (a new nationality list or cap), added to the built-ins (repeatable).")]
    public string[] Arrangements { get; init; } = [];
}
