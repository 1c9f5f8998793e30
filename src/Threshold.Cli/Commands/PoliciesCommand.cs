using System.ComponentModel;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;
using Threshold.Engine;
using Threshold.Law;

namespace Threshold.Cli.Commands;

internal sealed class PoliciesSettings : CommandSettings
{
    [CommandArgument(0, "[ID|FILE]")]
    [Description("Show one policy (a built-in id or a YAML file); all built-ins when omitted.")]
    public string? Policy { get; init; }

    [CommandOption("--format <table|json>")]
    [Description("table (default) or json.")]
    public string Format { get; init; } = "table";

    [CommandOption("--on <DATE>")]
    [Description("The day whose standing is stated (default: today, Eastern).")]
    public string? On { get; init; }
}

/// <summary><c>threshold policies</c>: every parameter with its dates, value, citation and verification status.</summary>
internal sealed class PoliciesCommand : Command<PoliciesSettings>
{
    public override int Execute(CommandContext context, PoliciesSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Format is not ("table" or "json"))
        {
            throw new UsageException($"--format {settings.Format}: must be table or json");
        }

        var on = settings.On is null ? EasternTime.DateOf(NodaTime.SystemClock.Instance.GetCurrentInstant()) : ReplaySettings.ParseDate("--on", settings.On);
        var policies = settings.Policy is null ? BuiltInPolicies.All() : [PolicyArgument.Load(settings.Policy)];
        if (settings.Format == "json")
        {
            // The same document as GET /api/v1/policies.
            var doc = new Threshold.Web.Apis.PoliciesDocument(RuleSetVersion.EngineVersion, RuleSetVersion.Current, [.. policies.Select(p => Threshold.Web.Apis.PolicyDocumentDto.From(p, on))]);
            Console.Out.WriteLine(JsonSerializer.Serialize(doc, PoliciesJson.Document));
            return ExitCodes.Ok;
        }

        var console = Terminal.Create();
        foreach (var p in policies)
        {
            console.Write(new Rule($"[bold]{Markup.Escape(p.Id)}[/]: {Markup.Escape(p.Title)}").LeftJustified());
            var standing = p.StandingHistory.On(on);
            console.MarkupLine(p.Standing == LegalStanding.InForce
                ? $"[bold]Standing on {on:yyyy-MM-dd}[/] [[{standing.Status.Code()}]]: {Markup.Escape(standing.Summary)}"
                : "[yellow bold]HYPOTHETICAL: not law[/]");
            console.MarkupLine(Markup.Escape(p.Summary));
            console.MarkupLine($"In force: {(p.InForce.Date is { } d ? $"12:01 a.m. Eastern on {d:yyyy-MM-dd}" : "no date of its own (pass --in-force)")} — {Markup.Escape(p.InForce.Citation.Text)}");
            var table = new Table().Border(TableBorder.Rounded);
            table.AddColumn("Parameter");
            table.AddColumn("From");
            table.AddColumn("Value");
            table.AddColumn("Citation");
            table.AddColumn("Status");
            foreach (var parameter in p.Parameters)
            {
                foreach (var v in parameter.Values)
                {
                    table.AddRow(
                        Markup.Escape(v == parameter.Values[0] ? $"{parameter.Name}\n{parameter.Description}" : string.Empty),
                        v.From.ToString("yyyy-MM-dd", null),
                        Markup.Escape($"{v.Value} {parameter.Unit}"),
                        Markup.Escape(v.Citation.Text + (v.Note is null ? string.Empty : $"\n{v.Note}")),
                        Markup.Escape($"[{v.Citation.Status.Code()}] {v.Citation.Status.Meaning()}"));
                }
            }

            console.Write(table);
            var events = new Table().Border(TableBorder.Rounded).Title("Standing: dated events");
            events.AddColumn("Date");
            events.AddColumn("Event");
            events.AddColumn("Citation");
            events.AddColumn("Status");
            foreach (var e in p.StandingHistory.Events)
            {
                events.AddRow(
                    e.Date is { } day ? day.ToString("yyyy-MM-dd", null) : "date unknown",
                    Markup.Escape($"{e.Kind.Name()}{(e.Components.Count > 0 ? $" ({string.Join(", ", e.Components)})" : string.Empty)}{(e.By is null ? string.Empty : $" by {e.By}")}{(e.OrderEvent is null ? string.Empty : $" [--without-order {e.OrderEvent}]")}\n{e.Text}"),
                    Markup.Escape(e.Citation.Text),
                    Markup.Escape($"[{e.Citation.Status.Code()}] {e.Citation.Status.Meaning()}"));
            }

            console.Write(events);
            foreach (var order in p.CourtOrders)
            {
                console.MarkupLine($"Court-order fallback [bold]{order.Id}[/] (--court-order {order.Id}=DATE): {Markup.Escape(order.Description)} Sets {Markup.Escape(string.Join(", ", order.Sets.Select(kv => $"{kv.Key}={kv.Value}")))}. {Markup.Escape(order.Citation.Text)}");
            }

            foreach (var caveat in p.Caveats)
            {
                console.MarkupLine($" • {Markup.Escape(caveat)}");
            }

            console.WriteLine();
        }

        return ExitCodes.Ok;
    }
}
