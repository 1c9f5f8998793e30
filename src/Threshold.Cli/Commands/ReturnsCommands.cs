using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;
using Threshold.Engine;
using Threshold.Law;
using Threshold.Returns;
using Threshold.Screening;

namespace Threshold.Cli.Commands;

internal sealed class ReturnsReportSettings : CaseRunSettings
{
    [CommandOption("--from-record")]
    [Description("Report the ledger held in the record (--data-dir) instead of screening --cases.")]
    public bool FromRecord { get; init; }

    [CommandOption("--as-of <INSTANT>")]
    [Description("With --from-record: the ledger as it stood at this instant.")]
    public string? AsOf { get; init; }

    [CommandOption("--format <table|json>")]
    [Description("table (default) or json.")]
    public string Format { get; init; } = "table";
}

internal sealed class ReturnsAdoptSettings : CaseRunSettings
{
    [CommandOption("--by <NAME>")]
    [Description("Who adopts the arrangement set (recorded in the audit log).")]
    public string? By { get; init; }
}

/// <summary>
/// <c>threshold returns adopt-arrangements</c>: records in the audit log that the record's ledger is written, from now
/// on, under the built-in arrangements plus any --arrangements files; until then a writer with another set is refused.
/// </summary>
internal sealed class ReturnsAdoptCommand : Command<ReturnsAdoptSettings>
{
    public override int Execute(CommandContext context, ReturnsAdoptSettings settings, CancellationToken cancellationToken)
    {
        var by = settings.By ?? throw new UsageException("--by NAME is required: the audit log records who adopted the arrangement set");
        var ledger = new Threshold.Record.LedgerRecord(settings.Store.Open(), ArrangementSet.Load(settings.Arrangements), NodaTime.SystemClock.Instance);
        var before = ledger.RecordedArrangementsSha256();
        var entry = ledger.AdoptArrangements(by);
        Console.Out.WriteLine($"adopted: arrangement set {ledger.Arrangements.AllocationSha256} (was {before ?? "none recorded"}); audit entry {entry.Seq}");
        return ExitCodes.Ok;
    }
}

/// <summary><c>threshold returns report</c>: screens the cases in input order and reports the ledger.</summary>
internal sealed class ReturnsReportCommand : Command<ReturnsReportSettings>
{
    public override int Execute(CommandContext context, ReturnsReportSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Format is not ("table" or "json"))
        {
            throw new UsageException($"--format {settings.Format}: must be table or json");
        }

        if (settings.FromRecord)
        {
            var store = settings.Store.Open();
            var recordLedger = new Threshold.Record.LedgerRecord(store, ArrangementSet.Load(settings.Arrangements), NodaTime.SystemClock.Instance) { VerifyReads = settings.Verified };
            var snapshot = settings.AsOf is null ? recordLedger.Current() : recordLedger.LedgerAsOf(InstantOption.Parse("--as-of", settings.AsOf));
            var asOf = NodaTime.Text.InstantPattern.ExtendedIso.Format(snapshot.AsOf);
            var recordedSynthetic = snapshot.Allocations.LongCount(a => ProvenanceLabels.IsSynthetic(a.Request.CaseId));
            var series = Threshold.Record.RecordedSeries.Read(store, snapshot.AsOf);
            if (settings.Format == "json")
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(new { engineVersion = RuleSetVersion.EngineVersion, ruleSetVersion = RuleSetVersion.Current, asOf, events = snapshot.Allocations.Count, syntheticCases = recordedSynthetic, modeledEncounters = series.ModeledEncounters, modeledAllocations = series.Modeled, unstatedAllocations = series.Unstated, series = series.Series, labels = ProvenanceLabels.Of(series.ModeledEncounters ?? false, recordedSynthetic), seriesNote = series.Note(), report = LedgerReportJson.Build(snapshot.Report()) }, ReplayReport.JsonOptions));
                return ExitCodes.Ok;
            }

            var recordConsole = Terminal.Create();
            recordConsole.Write(new Rule($"[bold]Mexico returns ledger[/] in the record as of {asOf}: {snapshot.Allocations.Count:N0} allocations").LeftJustified());
            Provenance(recordConsole, series.ModeledEncounters, recordedSynthetic, snapshot.Allocations.Count, "allocations", series.Note());
            WriteReport(recordConsole, snapshot.Report());
            return ExitCodes.Ok;
        }

        if (settings.AsOf is not null)
        {
            throw new UsageException("--as-of needs --from-record");
        }

        var path = settings.Cases ?? throw new UsageException("--cases FILE is required (JSONL or CSV), or --from-record");
        var decidedOn = settings.DecidedOn is null ? (NodaTime.LocalDate?)null : ReplaySettings.ParseDate("--decided-on", settings.DecidedOn);
        var timeline = settings.Replay();
        var ledger = new ReturnsLedger(ArrangementSet.Load(settings.Arrangements), recordEvents: false);
        var processor = new CaseProcessor(new CaseScreener(timeline, decidedOn, settings.WithoutOrder.ToHashSet(StringComparer.Ordinal)), ledger);
        if (!File.Exists(path))
        {
            throw new CaseInputException(path, 0, null, "file not found");
        }

        long screened = 0;
        long synthetic = 0;
        using (var stream = File.OpenRead(path))
        {
            var cases = path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)
                ? CaseCsvReader.Read(stream, path)
                : CaseJsonReader.ReadLines(stream, path);
            foreach (var (line, c) in cases)
            {
                try
                {
                    processor.Process(c);
                    screened++;
                    if (ProvenanceLabels.IsSynthetic(c.Id))
                    {
                        synthetic++;
                    }
                }
                catch (Exception e) when (e is UnknownPeriodException or ScreeningConflictException)
                {
                    throw new CaseInputException(path, line, e is UnknownPeriodException ? "enteredAt" : null, e.Message);
                }
            }
        }

        var report = ledger.Report();
        if (settings.Format == "json")
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new { engineVersion = RuleSetVersion.EngineVersion, ruleSetVersion = RuleSetVersion.Current, policy = timeline.Policy.Policy.Id, modeledEncounters = timeline.Series.IsModeled, casesScreened = screened, syntheticCases = synthetic, labels = ProvenanceLabels.Of(timeline.Series.IsModeled, synthetic), report = LedgerReportJson.Build(report) }, ReplayReport.JsonOptions));
            return ExitCodes.Ok;
        }

        var console = Terminal.Create();
        console.Write(new Rule($"[bold]Mexico returns ledger[/]: {screened:N0} cases screened under {Markup.Escape(timeline.Policy.Policy.Id)}").LeftJustified());
        Provenance(console, timeline.Series.IsModeled, synthetic, screened, "cases");
        WriteReport(console, report);
        return ExitCodes.Ok;
    }

    /// <summary>
    /// The labels above the tables, where they cannot be missed: MODELED when the series is synthesised (null: the
    /// record does not know, and says so), SYNTHETIC when generated cases are among them, and the rule-set version.
    /// </summary>
    private static void Provenance(IAnsiConsole console, bool? modeled, long synthetic, long of, string what, string? seriesNote = null)
    {
        if (modeled is true)
        {
            console.MarkupLine($"[yellow bold]{ProvenanceLabels.Modeled}[/][yellow]: suspension periods come from a MODELED encounter series, not an official daily count.[/]");
        }

        if (seriesNote is not null)
        {
            console.MarkupLine($"[yellow]{Markup.Escape(seriesNote)}[/]");
        }

        if (synthetic > 0)
        {
            console.MarkupLine($"[yellow bold]{ProvenanceLabels.Synthetic}[/][yellow]: {synthetic:N0} of the {of:N0} {what} are of SYNTHETIC cases (ids starting '{ProvenanceLabels.SyntheticIdPrefix}'): drawn from the real monthly mix, not real people.[/]");
        }

        console.MarkupLine($"Rule set {Markup.Escape(RuleSetVersion.Current)} (engine {Markup.Escape(RuleSetVersion.EngineVersion)}).");
    }

    /// <summary>The ledger report as tables: arrangements by month, the burden on Mexico by month, and the totals.</summary>
    private static void WriteReport(IAnsiConsole console, LedgerReport report)
    {
        var caps = new Table().Border(TableBorder.Rounded).Title("Capped and uncapped arrangements by month");
        foreach (var h in new[] { "Month", "Arrangement", "Cap", "To Mexico", "Utilisation", "Remaining", "Overflow", "By nationality (to Mexico / overflow)", "Citation" })
        {
            caps.AddColumn(h);
        }

        foreach (var line in report.Arrangements)
        {
            caps.AddRow(
                line.Month.ToString("yyyy-MM", CultureInfo.InvariantCulture),
                Markup.Escape(line.ArrangementId),
                line.Cap?.ToString("N0", CultureInfo.InvariantCulture) ?? "none",
                line.AllocatedToMexico.ToString("N0", CultureInfo.InvariantCulture),
                line.Utilisation is { } u ? u.ToString("P1", CultureInfo.InvariantCulture) : "—",
                line.RemainingCapacity?.ToString("N0", CultureInfo.InvariantCulture) ?? "—",
                line.Overflow.ToString("N0", CultureInfo.InvariantCulture),
                Markup.Escape(string.Join(", ", line.ByNationality.Select(n => $"{n.Nationality} {n.AllocatedToMexico:N0}/{n.Overflow:N0}"))),
                Markup.Escape(line.Citation.Text));
        }

        console.Write(caps);
        var burden = new Table().Border(TableBorder.Rounded).Title("Burden on Mexico by month");
        foreach (var h in new[] { "Month", "Under caps", "Uncapped arrangements", "Mexican nationals", "Total to Mexico", "Overflow to citizenship", "All removals", "Share to Mexico" })
        {
            burden.AddColumn(h);
        }

        foreach (var b in report.MexicoBurden)
        {
            burden.AddRow(b.Month.ToString("yyyy-MM", CultureInfo.InvariantCulture), $"{b.UnderCaps:N0}", $"{b.UnderUncappedArrangements:N0}", $"{b.MexicanNationals:N0}", $"{b.TotalToMexico:N0}", $"{b.OverflowToCitizenship:N0}", $"{b.AllRemovals:N0}", b.ShareOfAllRemovals.ToString("P1", CultureInfo.InvariantCulture));
        }

        console.Write(burden);
        var t = report.Totals;
        console.MarkupLine($"Totals: {t.AllRemovals:N0} removals; {t.TotalToMexico:N0} to Mexico ({t.ShareToMexico.ToString("P1", CultureInfo.InvariantCulture)}): {t.UnderCaps:N0} under caps, {t.UnderUncappedArrangements:N0} under uncapped arrangements, {t.MexicanNationals:N0} Mexican nationals; {t.OverflowToCitizenship:N0} overflowed to their country of citizenship.");
    }
}

internal sealed class ArrangementsSettings : CommandSettings
{
    [CommandOption("--arrangements <FILE>")]
    [Description("An extra returns-arrangement YAML file (repeatable).")]
    public string[] Arrangements { get; init; } = [];

    [CommandOption("--format <table|json>")]
    [Description("table (default) or json.")]
    public string Format { get; init; } = "table";

    [CommandOption("--on <DATE>")]
    [Description("Only the arrangements in force on this Eastern calendar date (YYYY-MM-DD, ends inclusive).")]
    public string? On { get; init; }

    [CommandOption("--nationality <CC>")]
    [Description("Only the arrangements that take nationals of this country (ISO 3166-1 alpha-2, e.g. VE); with --on, also says where such a removal goes.")]
    public string? Nationality { get; init; }
}

/// <summary><c>threshold returns arrangements</c>: the dated arrangements with caps, citations and status.</summary>
internal sealed class ArrangementsCommand : Command<ArrangementsSettings>
{
    public override int Execute(CommandContext context, ArrangementsSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Format is not ("table" or "json"))
        {
            throw new UsageException($"--format {settings.Format}: must be table or json");
        }

        var on = settings.On is null ? (NodaTime.LocalDate?)null : ReplaySettings.ParseDate("--on", settings.On);
        if (settings.Nationality is { } n && !(n.Length == 2 && n.All(char.IsAsciiLetterUpper)))
        {
            throw new UsageException($"--nationality {n}: not an ISO 3166-1 alpha-2 code (two upper-case letters, e.g. VE)");
        }

        var set = ArrangementSet.Load(settings.Arrangements);
        var shown = set.Arrangements
            .Where(a => on is not { } d || a.AppliesOn(d))
            .Where(a => settings.Nationality is not { } c || a.Takes(c))
            .ToArray();
        var route = on is { } day && settings.Nationality is { } code ? RouteSentence(set, code, day) : null;
        if (settings.Format == "json")
        {
            var doc = shown.Select(a => new
            {
                id = a.Id,
                title = a.Title,
                from = ReplayReport.Iso(a.From),
                to = a.To is { } to ? ReplayReport.Iso(to) : null,
                nationalities = a.Nationalities,
                anyNationality = a.AnyNationality,
                destination = a.Destination,
                monthlyCap = a.MonthlyCap,
                priority = a.Priority,
                citation = ReplayReport.CitationDto.From(a.Citation),
                toCitation = a.ToCitation is { } tc ? ReplayReport.CitationDto.From(tc) : null,
                monthlyCapCitation = a.MonthlyCapCitation is { } mc ? ReplayReport.CitationDto.From(mc) : null,
                supporting = a.SupportingCitations.Select(ReplayReport.CitationDto.From),
                note = a.Note,
                source = a.SourceName,
            });
            Console.Out.WriteLine(JsonSerializer.Serialize(new { rules = new { unaccompaniedChildren = set.Rules.UnaccompaniedChildren.Note, mexicanNationals = set.Rules.MexicanNationals.Note, citizenship = set.Rules.Citizenship.Note }, on = on is { } o ? ReplayReport.Iso(o) : null, nationality = settings.Nationality, route, arrangements = doc }, ReplayReport.JsonOptions));
            return ExitCodes.Ok;
        }

        var console = Terminal.Create();
        var table = new Table().Border(TableBorder.Rounded).Title("Mexico's return arrangements (dated, cited)");
        foreach (var h in new[] { "Id", "From", "To", "Nationalities", "Destination", "Monthly cap", "Citation", "Note" })
        {
            table.AddColumn(h);
        }

        foreach (var a in shown)
        {
            table.AddRow(
                Markup.Escape(a.Id),
                ReplayReport.Iso(a.From),
                Markup.Escape(a.To is { } to ? ReplayReport.Iso(to) + (a.ToCitation is { } tc ? $"\n{tc.Text}" : string.Empty) : "open"),
                Markup.Escape(a.NationalitiesText),
                a.Destination,
                Markup.Escape((a.MonthlyCap?.ToString("N0", CultureInfo.InvariantCulture) ?? "none") + (a.MonthlyCapCitation is { } mc ? $"\n{mc.Text}" : string.Empty)),
                Markup.Escape(a.Citation.Text),
                Markup.Escape(a.Note));
        }

        if (shown.Length == 0)
        {
            console.MarkupLine($"No arrangement{(on is { } d ? $" in force on {ReplayReport.Iso(d)}" : string.Empty)}{(settings.Nationality is { } c ? $" takes nationals of {c}" : string.Empty)}.");
        }
        else
        {
            console.Write(table);
        }

        if (route is not null)
        {
            console.MarkupLine(Markup.Escape(route));
        }

        foreach (var rule in new[] { set.Rules.UnaccompaniedChildren, set.Rules.MexicanNationals, set.Rules.Citizenship })
        {
            console.MarkupLine($" • {Markup.Escape(rule.Name)}: {Markup.Escape(rule.Note)} — {Markup.Escape(rule.Citation.Text)}");
        }

        return ExitCodes.Ok;
    }

    /// <summary>
    /// Where an adult national of <paramref name="nationality"/> removed on <paramref name="day"/> goes, by the ledger's
    /// own order (<see cref="ArrangementSet.Applicable"/>): the arrangement and its monthly cap with the cap's citation,
    /// shared with every nationality it takes, or the country of citizenship.
    /// </summary>
    private static string RouteSentence(ArrangementSet set, string nationality, NodaTime.LocalDate day)
    {
        var on = ReplayReport.Iso(day);
        if (nationality == "MX")
        {
            return $"On {on}, a Mexican national is removed to Mexico outside any arrangement and under no cap ({set.Rules.MexicanNationals.Citation.Text}).";
        }

        if (set.Applicable(nationality, day) is not { } a)
        {
            return $"On {on}, no arrangement takes nationals of {nationality}: an adult's removal goes to the country of citizenship ({set.Rules.Citizenship.Citation.Text}).";
        }

        var cap = a.MonthlyCap is { } c
            ? $"a monthly cap of {c.ToString("N0", CultureInfo.InvariantCulture)} for the month, shared by {a.NationalitiesText}{(a.MonthlyCapCitation is { } mc ? $" ({mc.Text})" : string.Empty)}; removals over the cap go to the country of citizenship"
            : "no monthly cap";
        return $"On {on}, an adult national of {nationality} removed across the southern border goes to Mexico under {a.Id} ({a.Citation.Text}), with {cap}. Unaccompanied children go to their country of citizenship.";
    }
}
