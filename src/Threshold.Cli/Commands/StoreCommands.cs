using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using NodaTime;
using NodaTime.Text;
using Spectre.Console;
using Spectre.Console.Cli;
using Threshold.Engine;
using Threshold.Law;
using Threshold.Record;

namespace Threshold.Cli.Commands;

/// <summary>Where the embedded SQLite record lives: --data-dir, else THRESHOLD_DATA_DIR, else ./.threshold-data.</summary>
internal class StoreSettings : CommandSettings
{
    public const string DefaultDirectory = ".threshold-data";

    [CommandOption("--data-dir <DIR>")]
    [Description("Folder of the embedded SQLite record (default: $THRESHOLD_DATA_DIR, else ./.threshold-data).")]
    public string? DataDir { get; init; }

    [CommandOption("--database <CONNECTION>")]
    [Description("Npgsql connection string of a shared PostgreSQL record, e.g. \"Host=db;Username=threshold;Database=threshold\" (default: $THRESHOLD_DATABASE; without either, the embedded SQLite record in --data-dir).")]
    public string? Database { get; init; }

    public string ResolveDataDirectory() =>
        DataDir ?? (Environment.GetEnvironmentVariable("THRESHOLD_DATA_DIR") is { Length: > 0 } env ? env : DefaultDirectory);

    /// <summary>The PostgreSQL connection string in force (--database, else $THRESHOLD_DATABASE), or null for SQLite.</summary>
    public string? ResolveDatabase()
    {
        if (Database is not null && DataDir is not null)
        {
            throw new UsageException("give --data-dir (the embedded SQLite record) or --database (a PostgreSQL record), not both");
        }

        return Database ?? (DataDir is null && Environment.GetEnvironmentVariable("THRESHOLD_DATABASE") is { Length: > 0 } env ? env : null);
    }

    /// <summary>The backend in force: PostgreSQL when a connection string is given, else SQLite in the data directory.</summary>
    public IRecordDatabase OpenDatabase()
    {
        var connection = ResolveDatabase();
        OpenedDirectory = connection is null ? Path.GetFullPath(ResolveDataDirectory()) : null;
        OpenedRecord = OpenedDirectory;
        IRecordDatabase database = connection is null ? new SqliteRecordDatabase(ResolveDataDirectory()) : new PostgresRecordDatabase(connection);
        OpenedRecord = database.Description;
        return database;
    }

    /// <summary>The record this process opened last (a directory, or a server without its password), for storage-fault messages.</summary>
    internal static string? OpenedRecord { get; private set; }

    /// <summary>The SQLite data directory this process opened last, or null for PostgreSQL.</summary>
    internal static string? OpenedDirectory { get; private set; }

    /// <summary>Opens (and migrates) the record; the system clock is read here, at the edge, never in rules.</summary>
    public RecordStore Open() => RecordStore.Open(OpenDatabase(), SystemClock.Instance);

    /// <summary>Where the record lives, for messages (never a password).</summary>
    public string Describe() => ResolveDatabase() is not null ? OpenDatabase().Description : ResolveDataDirectory();

    internal static Instant ParseInstant(string option, string text)
    {
        var result = InstantPattern.ExtendedIso.Parse(text);
        if (result.Success)
        {
            return result.Value;
        }

        var offset = OffsetDateTimePattern.ExtendedIso.Parse(text);
        return offset.Success ? offset.Value.ToInstant() : throw new UsageException($"{option} {text}: not an ISO-8601 instant, e.g. 2024-08-01T12:00:00Z or 2024-08-01T08:00:00-04:00");
    }
}

internal sealed class StoreImportSettings : StoreSettings
{
    [CommandArgument(0, "<FILE>")]
    [Description("Daily encounter CSV (the encounter contract).")]
    public string File { get; init; } = string.Empty;

    [CommandOption("--series <NAME>")]
    [Description("Name of the stored series (default: the file name without extension).")]
    public string? Series { get; init; }

    [CommandOption("--allow-gaps")]
    [Description("Accept missing dates (stored as missing, never as zero).")]
    public bool AllowGaps { get; init; }
}

/// <summary><c>threshold store import</c>: records a daily series bitemporally; an identical re-import changes nothing.</summary>
internal sealed class StoreImportCommand : Command<StoreImportSettings>
{
    public override int Execute(CommandContext context, StoreImportSettings settings, CancellationToken cancellationToken)
    {
        var series = settings.Series ?? Path.GetFileNameWithoutExtension(settings.File);
        var store = settings.Open();
        var result = store.Encounters.ImportFile(series, settings.File, settings.AllowGaps);
        Console.Out.WriteLine(result.Outcome == ImportOutcome.Unchanged
            ? $"unchanged: series '{series}' already holds these {result.DayCount} days; nothing was written"
            : $"recorded: series '{series}', {result.DayCount} days ({result.NewDayCount} new, {result.RevisedDayCount} revised) at {InstantPattern.ExtendedIso.Format(result.RecordedAt!.Value)}; audit entry {result.AuditSeq}");
        return ExitCodes.Ok;
    }
}

internal sealed class StoreHistorySettings : StoreSettings
{
    [CommandOption("--series <NAME>")]
    [Description("The series (default: every series).")]
    public string? Series { get; init; }
}

internal sealed class StoreExportSettings : StoreSettings
{
    [CommandOption("--series <NAME>")]
    [Description("The recorded series to export.")]
    public string? Series { get; init; }

    [CommandOption("--as-known-on <INSTANT>")]
    [Description("Export the series as the record knew it at this instant (ISO-8601; default: now).")]
    public string? AsKnownOn { get; init; }

    [CommandOption("--out <FILE>")]
    [Description("Write the CSV here (written whole or not at all); default stdout.")]
    public string? Out { get; init; }
}

/// <summary>
/// <c>threshold store export</c>: a recorded series as known at an instant, in the input CSV format (provenance lines,
/// header, one row per day), so what was stored comes back and re-imports as an unchanged no-op.
/// </summary>
/// <remarks>
/// The record keeps values, not the imported bytes, so export writes them in one canonical form
/// (<see cref="EncounterCsvWriter"/>): each provenance line as <c># </c> and its text, the header with the series'
/// columns in the contract's order, one row per day present in date order, counts in plain decimal, <c>\n</c> line
/// endings, UTF-8 without a byte order mark. A file already in that form (the bundled series, any file export wrote)
/// comes back byte for byte; any other comes back as the same values in that form. Export says which on stderr: it
/// prints the SHA-256 of what it wrote next to the SHA-256 of the series' last import at the instant (the
/// <c>sha256</c> of that import's audit entry) and whether they match.
/// </remarks>
internal sealed class StoreExportCommand : Command<StoreExportSettings>
{
    /// <summary>What export normalises, word for word in its stderr statement and in docs/record.md.</summary>
    public const string Normalised = "the record keeps values, not bytes: export writes '# ' + each provenance line, the header in the contract's column order, one row per day in date order, plain decimal counts, \\n line endings, UTF-8 without BOM";

    public override int Execute(CommandContext context, StoreExportSettings settings, CancellationToken cancellationToken)
    {
        var name = settings.Series ?? throw new UsageException("--series is required");
        var at = settings.AsKnownOn is null ? SystemClock.Instance.GetCurrentInstant() : InstantOption.Parse("--as-known-on", settings.AsKnownOn);
        var store = settings.Open();
        var series = store.Encounters.AsKnownOn(name, at)
            ?? throw new UsageException($"--series {name}: the record holds no such series as known at {InstantPattern.ExtendedIso.Format(at)}");
        var text = new StringWriter();
        EncounterCsvWriter.Write(series, text);
        var csv = text.ToString();
        OutputFile.Write(settings.Out, writer => writer.Write(csv));
        var exported = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(new System.Text.UTF8Encoding(false).GetBytes(csv)));
        var import = store.Encounters.ImportHistory(name).Where(i => i.RecordedAt <= at).MaxBy(i => (i.RecordedAt, i.ImportId));
        Console.Error.WriteLine(Statement(name, exported, import));
        return ExitCodes.Ok;
    }

    /// <summary>
    /// One line for stderr: the export's SHA-256, the last import's (as in its audit entry), and whether the bytes are
    /// the imported file's.
    /// </summary>
    internal static string Statement(string series, string exportedSha256, ImportRecord? import) => import switch
    {
        null => $"exported: series '{series}', sha256 {exportedSha256}; no import of it is recorded at that instant",
        _ when string.Equals(import.ContentSha256, exportedSha256, StringComparison.Ordinal) =>
            $"exported: series '{series}', sha256 {exportedSha256}: the bytes of import {import.ImportId} ({import.SourceName}), whose audit entry has the same sha256",
        _ => $"exported: series '{series}', sha256 {exportedSha256}; import {import.ImportId} ({import.SourceName}) had sha256 {import.ContentSha256}: NOT the imported bytes, the same values normalised ({Normalised}; a series built from several imports holds each day's latest revision)",
    };
}

/// <summary><c>threshold store history</c>: every recorded import, when, from which file and what it changed.</summary>
internal sealed class StoreHistoryCommand : Command<StoreHistorySettings>
{
    public override int Execute(CommandContext context, StoreHistorySettings settings, CancellationToken cancellationToken)
    {
        var store = settings.Open();
        var names = settings.Series is { } one ? [one] : store.Encounters.SeriesNames();
        var table = new Table().Border(TableBorder.Rounded).Title($"Recorded imports in {Markup.Escape(settings.Describe())}");
        foreach (var h in new[] { "Series", "Import", "Recorded at (UTC)", "Source", "SHA-256", "Days", "New", "Revised" })
        {
            table.AddColumn(h);
        }

        foreach (var name in names)
        {
            foreach (var i in store.Encounters.ImportHistory(name))
            {
                table.AddRow(Markup.Escape(name), i.ImportId.ToString(CultureInfo.InvariantCulture), InstantPattern.ExtendedIso.Format(i.RecordedAt), Markup.Escape(i.SourceName), i.ContentSha256[..16] + "…", $"{i.DayCount:N0}", $"{i.NewDayCount:N0}", $"{i.RevisedDayCount:N0}");
            }
        }

        Terminal.Create().Write(table);
        return ExitCodes.Ok;
    }
}

/// <summary><c>threshold audit verify</c>: checks the whole hash chain and names the first entry that fails.</summary>
internal sealed class AuditVerifySettings : StoreSettings
{
    [CommandOption("--from <SEQ:HASH>")]
    [Description("Resume from a verified checkpoint (the 'checkpoint:' line of an earlier verify): check only the entries and rows after it.")]
    public string? From { get; init; }

    [CommandOption("--full")]
    [Description("On SQLite, run integrity_check (every page and index) rather than quick_check before the chain.")]
    public bool Full { get; init; }

    [CommandOption("--export <FILE>")]
    [Description("Check an audit export file (from audit export) with no database: every hash recomputed, every link and count checked; exit 3 naming the first line that fails.")]
    public string? Export { get; init; }
}

/// <summary>
/// <c>threshold audit verify</c>: walks the record's chain; with <c>--export FILE</c>, checks an export offline instead
/// (<see cref="AuditExport.Verify"/>), so whoever receives the file can check it without the database.
/// </summary>
internal sealed class AuditVerifyCommand : Command<AuditVerifySettings>
{
    public override int Execute(CommandContext context, AuditVerifySettings settings, CancellationToken cancellationToken)
    {
        if (settings.Export is { } file)
        {
            return VerifyExport(settings, file);
        }

        var from = settings.From is null ? null
            : VerifiedCheckpoint.Parse(settings.From) ?? throw new UsageException($"--from {settings.From}: not a checkpoint SEQ:HASH (a seq of 1 or more, a colon, 64 lower-case hex digits)");
        var result = settings.Open().Verify(settings.Full, from);
        if (result.IsValid)
        {
            Console.Out.WriteLine($"verified: {result.EntryCount} entries{(from is null ? string.Empty : $" (entries after {from.Seq} checked; 1–{from.Seq} as of the checkpoint)")}; chain head {result.HeadHash}");
            if (result.EntryCount > 0)
            {
                Console.Out.WriteLine($"checkpoint: {result.EntryCount}:{result.HeadHash}");
            }

            if (result.Legacy is { } legacy)
            {
                Console.Out.WriteLine($"note: {legacy}");
            }

            return ExitCodes.Ok;
        }

        var where = result.Table is null ? string.Empty : $" (table {result.Table}{(result.Row is null ? string.Empty : $", {result.Row}")})";
        Console.Error.WriteLine(result.FailedSeq == 0
            ? $"threshold: audit chain FAILS: rows that no entry records{where} — {result.Reason}"
            : $"threshold: audit chain FAILS at entry {result.FailedSeq}: {result.Failure}{where} — {result.Reason}");
        return ExitCodes.VerificationFailed;
    }

    private static int VerifyExport(AuditVerifySettings settings, string file)
    {
        if (settings.DataDir is not null || settings.Database is not null)
        {
            throw new UsageException("--export checks a file without any record: give no --data-dir or --database");
        }

        ExportVerification result;
        try
        {
            using var reader = new StreamReader(file, new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true));
            result = AuditExport.Verify(reader);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{file}: cannot read: {e.Message}");
        }
        catch (System.Text.DecoderFallbackException e)
        {
            throw new UsageException($"{file}: not UTF-8 text: {e.Message}");
        }

        if (!result.IsValid)
        {
            Console.Error.WriteLine($"threshold: {file}, line {result.FailedLine}: export FAILS: {result.Reason}");
            return ExitCodes.VerificationFailed;
        }

        var range = result.Entries == 0 ? "no entries" : $"{result.Entries} entries (seq {result.FirstSeq}..{result.LastSeq})";
        Console.Out.WriteLine(result.HeadChecked
            ? $"verified export: {range} of a chain of {result.ChainEntries}; chain head {result.HeadHash} recomputed from the last entry"
            : $"verified export: {range} of a chain of {result.ChainEntries}; chain head {result.HeadHash} as stated (the export ends before the chain's last entry, so only the database can confirm it)");
        return ExitCodes.Ok;
    }
}

internal sealed class DeterminationRecordSettings : StoreSettings
{
    [CommandOption("--date <DATE>")]
    [Description("The date the Secretary made the factual determination (yyyy-MM-dd).")]
    public string? Date { get; init; }

    [CommandOption("--kind <activation|deactivation>")]
    [Description("activation (the suspension applies) or deactivation (discontinuation).")]
    public string? Kind { get; init; }

    [CommandOption("--window-start <DATE>")]
    [Description("First day of the window relied on.")]
    public string? WindowStart { get; init; }

    [CommandOption("--window-end <DATE>")]
    [Description("Last day of the window relied on.")]
    public string? WindowEnd { get; init; }

    [CommandOption("--by <WHO>")]
    [Description("Who records it (operator name or role).")]
    public string? By { get; init; }

    [CommandOption("--note <TEXT>")]
    [Description("A note, e.g. the memo it rests on.")]
    public string? Note { get; init; }

    [CommandOption("--policy <ID>")]
    [Description("The built-in policy it was made under (default proclamation-10773); only that policy's official timeline and diff follow it.")]
    public string? Policy { get; init; }
}

internal sealed class DeterminationListSettings : StoreSettings
{
    [CommandOption("--policy <ID>")]
    [Description("Only the determinations made under this policy (default: all).")]
    public string? Policy { get; init; }
}

/// <summary><c>threshold determinations record</c>: records the Secretary's factual determination in the audit chain.</summary>
internal sealed class DeterminationRecordCommand : Command<DeterminationRecordSettings>
{
    public override int Execute(CommandContext context, DeterminationRecordSettings settings, CancellationToken cancellationToken)
    {
        LocalDate Need(string option, string? value) => ReplaySettings.ParseDate(option, value ?? throw new UsageException($"{option} is required"));
        var kind = settings.Kind switch
        {
            "activation" => DeterminationKind.Activation,
            "deactivation" => DeterminationKind.Deactivation,
            null => throw new UsageException("--kind is required (activation or deactivation)"),
            var other => throw new UsageException($"--kind {other}: must be activation or deactivation"),
        };
        var start = Need("--window-start", settings.WindowStart);
        var end = Need("--window-end", settings.WindowEnd);
        if (end < start)
        {
            throw new UsageException($"--window-end {end:yyyy-MM-dd} is before --window-start {start:yyyy-MM-dd}");
        }

        var by = settings.By is { Length: > 0 } b ? b : throw new UsageException("--by is required (who records the determination)");
        var policy = settings.Policy ?? RecordedDetermination.FirstPolicy;
        if (DeterminationPolicies.Problem(policy) is { } problem)
        {
            throw new UsageException($"--policy {policy}: {problem}");
        }

        var date = Need("--date", settings.Date);
        if (end > date)
        {
            throw new UsageException($"--window-end {end:yyyy-MM-dd}: a determination made on {date:yyyy-MM-dd} (--date) cannot rest on data through it");
        }

        var recorded = settings.Open().Determinations.RecordDetermination(date, kind, start, end, by, settings.Note, policy);
        Console.Out.WriteLine(JsonSerializer.Serialize(DeterminationJson.From(recorded), ReplayReport.JsonOptions));
        return ExitCodes.Ok;
    }
}

/// <summary><c>threshold determinations list</c>: the recorded determinations.</summary>
internal sealed class DeterminationListCommand : Command<DeterminationListSettings>
{
    public override int Execute(CommandContext context, DeterminationListSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Policy is { } policy && !BuiltInPolicies.Exists(policy))
        {
            throw new UsageException($"--policy {policy}: not a built-in policy ({string.Join(", ", BuiltInPolicies.Ids)})");
        }

        var all = settings.Open().Determinations.List();
        var list = settings.Policy is null ? all : Threshold.Web.Apis.DeterminationComparison.Of(settings.Policy, all);
        Console.Out.WriteLine(JsonSerializer.Serialize(list.Select(DeterminationJson.From), ReplayReport.JsonOptions));
        return ExitCodes.Ok;
    }
}

/// <summary>The JSON form of a recorded determination: ISO dates, the kind by name, the recording instant and its audit entry.</summary>
internal sealed record DeterminationJson(long DeterminationId, string Date, string Kind, string WindowStart, string WindowEnd, string By, string? Note, string RecordedAt, long AuditSeq, string Policy)
{
    public static DeterminationJson From(RecordedDetermination d) => new(
        d.DeterminationId, ReplayReport.Iso(d.Date), ReplayReport.KindName(d.Kind), ReplayReport.Iso(d.WindowStart), ReplayReport.Iso(d.WindowEnd), d.By, d.Note, InstantPattern.ExtendedIso.Format(d.RecordedAt), d.AuditSeq, d.PolicyId);
}

internal sealed class DeterminationDiffSettings : ReplaySettings
{
    [CommandOption("--format <table|json>")]
    [Description("table (default) or json.")]
    public string Format { get; init; } = "table";
}

/// <summary>
/// <c>threshold determinations diff</c>: where the official timeline (the determinations actually made: the shipped
/// record in law/determinations/, plus any recorded in the record) and the proposed one (from the data) part. It needs
/// no recorded determination: out of the box it sets the shipped record against the proposals from the encounters.
/// </summary>
internal sealed class DeterminationDiffCommand : Command<DeterminationDiffSettings>
{
    public override int Execute(CommandContext context, DeterminationDiffSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Format is not ("table" or "json"))
        {
            throw new UsageException($"--format {settings.Format}: must be table or json");
        }

        if (settings.Timeline is not null)
        {
            throw new UsageException($"--timeline {settings.Timeline}: determinations diff compares the official and the proposed timelines; leave --timeline out");
        }

        var policy = settings.PolicyDocument();
        var compiled = settings.Compile(policy);
        var series = settings.SeriesFor(policy, compiled);
        var proposed = ReplaySettings.Replay(compiled, series, TimelineKind.Proposed, []);
        var recorded = settings.RecordedDeterminations();
        // One definition of the comparison, shared with the web service. The official side is the instrument as
        // written: what-ifs (--set, --court-order, --in-force) change only the proposed side.
        var comparison = Threshold.Web.Apis.DeterminationComparison.Between(proposed, Threshold.Web.Apis.DeterminationComparison.OfficialTimeline(policy, series, recorded), recorded);
        if (settings.Format == "json")
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(comparison, ReplayReport.JsonOptions));
            return ExitCodes.Ok;
        }

        var console = Terminal.Create();
        console.MarkupLine($"[bold yellow]Official[/] — {Markup.Escape(comparison.OfficialNote ?? $"{policy.Id} has no official record of determinations: only those recorded in the record are compared.")}");
        console.MarkupLine($"[bold yellow]Proposed[/] — {Markup.Escape(comparison.ProposedNote)}");
        var table = new Table().Border(TableBorder.Rounded).Title("Official (made: shipped record and recorded) against proposed (from the data) determinations");
        foreach (var h in new[] { "Where", "Date", "Kind", "Window", "Recorded by", "The data", "Citation" })
        {
            table.AddColumn(h);
        }

        foreach (var r in comparison.Rows)
        {
            table.AddRow(r.Status, r.Date, r.Kind, r.WindowStart is null ? "none published" : $"{r.WindowStart} to {r.WindowEnd}", Markup.Escape(r.RecordedBy ?? "—"), Markup.Escape(r.Evidence), Markup.Escape(r.Citation ?? "—"));
        }

        if (comparison.Rows.Count == 0)
        {
            table.AddRow("—", "—", "—", "—", "—", "no determination made or proposed", "—");
        }

        console.Write(table);
        if (comparison.StatusDifferences.Count > 0)
        {
            var days = new Table().Border(TableBorder.Simple).Title("Days on which the timelines part");
            foreach (var h in new[] { "From", "To", "Days", "Official", "Proposed" })
            {
                days.AddColumn(h);
            }

            foreach (var d in comparison.StatusDifferences)
            {
                days.AddRow(d.From, d.To, d.Days.ToString(CultureInfo.InvariantCulture), d.Official, d.Proposed);
            }

            console.Write(days);
        }
        else if (comparison.Official is not null)
        {
            console.MarkupLine("The two timelines give every day of the series the same status.");
        }

        if (series.IsModeled)
        {
            console.MarkupLine("[yellow]Proposals come from a MODELED encounter series, not an official daily count.[/]");
        }

        return ExitCodes.Ok;
    }
}

internal sealed class AuditExportSettings : StoreSettings
{
    [CommandOption("--from <INSTANT>")]
    [Description("First recording instant to export (inclusive; ISO-8601). Default: the first entry.")]
    public string? From { get; init; }

    [CommandOption("--to <INSTANT>")]
    [Description("Last recording instant to export (inclusive). Default: the last entry.")]
    public string? To { get; init; }

    [CommandOption("--out <FILE>")]
    [Description("Write the export here (written whole or not at all); default stdout.")]
    public string? Out { get; init; }
}

/// <summary>
/// <c>threshold audit export</c>: the chain's entries in a period as JSONL, each with its hash and the previous hash so
/// anyone can recompute them (docs/record.md: the hash covers <c>canonicalPayload</c>, the exact text stored), then one
/// line with the verified chain head, for handing to a court.
/// </summary>
internal sealed class AuditExportCommand : Command<AuditExportSettings>
{
    public override int Execute(CommandContext context, AuditExportSettings settings, CancellationToken cancellationToken)
    {
        var from = settings.From is null ? Instant.MinValue : InstantOption.Parse("--from", settings.From);
        var to = settings.To is null ? Instant.MaxValue : InstantOption.Parse("--to", settings.To);
        if (to < from)
        {
            throw new UsageException("--to is before --from");
        }

        var store = settings.Open();
        var verification = store.Verify();
        if (!verification.IsValid)
        {
            Console.Error.WriteLine($"threshold: refusing to export: the audit chain FAILS at entry {verification.FailedSeq}: {verification.Reason}");
            return ExitCodes.VerificationFailed;
        }

        OutputFile.Write(settings.Out, writer => Threshold.Web.Apis.AuditApi.WriteEntries(store, verification, from, to, writer));
        return ExitCodes.Ok;
    }
}

internal class DbFileSettings : StoreSettings
{
    [CommandArgument(0, "<FILE>")]
    [Description("The backup file.")]
    public string File { get; init; } = string.Empty;
}

/// <summary><c>threshold db restore FILE</c>: adds the one flag that allows losing live entries.</summary>
internal sealed class DbRestoreSettings : DbFileSettings
{
    [CommandOption("--force-rollback")]
    [Description("Restore even a backup that is older than the live record, forked from it or unrelated to it; what is lost is printed (a safety copy of the live record is kept either way).")]
    public bool ForceRollback { get; init; }
}

/// <summary>
/// <c>threshold db backup FILE</c>: a consistent copy of the SQLite record through SQLite's online backup API, refused
/// (exit 4, nothing written) when <c>quick_check</c> finds the live file damaged.
/// </summary>
internal sealed class DbBackupCommand : Command<DbFileSettings>
{
    public override int Execute(CommandContext context, DbFileSettings settings, CancellationToken cancellationToken)
    {
        RequireSqlite(settings);
        var dir = settings.ResolveDataDirectory();
        SqliteBackup.Backup(dir, settings.File);
        Console.Out.WriteLine($"backed up {Path.Combine(dir, SqliteRecordDatabase.FileName)} to {settings.File}");
        return ExitCodes.Ok;
    }

    internal static void RequireSqlite(StoreSettings settings)
    {
        if (settings.ResolveDatabase() is not null)
        {
            throw new UsageException("db backup and db restore copy the embedded SQLite record; back up a PostgreSQL record with pg_dump and restore it with pg_restore (README, \"Backup\")");
        }
    }
}

/// <summary>
/// <c>threshold db restore FILE</c>: replaces the record with an intact backup whose audit chain verifies and loses no
/// live entry (or, with <c>--force-rollback</c>, says what it lost), after a safety copy of the live record; refused
/// while a server holds the record. See <see cref="SqliteBackup.Restore"/>.
/// </summary>
internal sealed class DbRestoreCommand : Command<DbRestoreSettings>
{
    public override int Execute(CommandContext context, DbRestoreSettings settings, CancellationToken cancellationToken)
    {
        DbBackupCommand.RequireSqlite(settings);
        SqliteRestoreResult result;
        try
        {
            result = SqliteBackup.Restore(settings.File, settings.ResolveDataDirectory(), SystemClock.Instance, settings.ForceRollback);
        }
        catch (RollbackRefusedException refused)
        {
            Console.Error.WriteLine($"threshold: {refused.Message} (give --force-rollback to restore it anyway; a safety copy of the live record is kept)");
            return ExitCodes.BadInput;
        }

        if (result.SafetyCopy is { } safety)
        {
            Console.Out.WriteLine($"safety copy of the live record: {safety}");
        }

        if (result.RolledBack is { } loss)
        {
            Console.Out.WriteLine($"rolled back: {loss.Relation()}; lost {loss.Describe()} (live entries {loss.FromSeq} to {loss.LiveEntries}, kept in the safety copy)");
        }

        var verified = result.Verification;
        Console.Out.WriteLine($"restored {settings.File}: {verified.EntryCount} audit entries verified; chain head {verified.HeadHash}");
        return ExitCodes.Ok;
    }
}

internal sealed class StoreImportMonthlySettings : StoreSettings
{
    [CommandArgument(0, "<FILE>")]
    [Description("A real CBP/OHSS monthly CSV: cbp_sbo_*.csv (Southwest Land Border Encounters) or usbp_khsm_monthly_region*.csv.")]
    public string File { get; init; } = string.Empty;

    [CommandOption("--layout <cbp-sbo|khsm>")]
    [Description("Default: from the file name (cbp_sbo* is cbp-sbo, anything else khsm).")]
    public string? Layout { get; init; }
}

/// <summary><c>threshold store import-monthly</c>: records a real monthly CBP/OHSS file; one bad row stores nothing of it.</summary>
internal sealed class StoreImportMonthlyCommand : Command<StoreImportMonthlySettings>
{
    public override int Execute(CommandContext context, StoreImportMonthlySettings settings, CancellationToken cancellationToken)
    {
        var cbp = settings.Layout switch
        {
            null => Path.GetFileName(settings.File).StartsWith("cbp_sbo", StringComparison.OrdinalIgnoreCase),
            "cbp-sbo" => true,
            "khsm" => false,
            var other => throw new UsageException($"--layout {other}: must be cbp-sbo or khsm"),
        };
        var store = settings.Open();
        var r = cbp ? MonthlyImports.ImportCbpSbo(store, settings.File, SystemClock.Instance) : MonthlyImports.ImportKhsm(store, settings.File, SystemClock.Instance);
        Console.Out.WriteLine(r.Outcome == ImportOutcome.Unchanged
            ? $"unchanged: {r.Table} already holds these {r.RowCount} rows ({r.Layout}); nothing was written"
            : $"recorded: {r.Table} ({r.Layout}), {r.RowCount} rows ({r.NewRowCount} new, {r.RevisedRowCount} revised) at {InstantPattern.ExtendedIso.Format(r.RecordedAt!.Value)}; audit entry {r.AuditSeq}");
        return ExitCodes.Ok;
    }
}

internal sealed class StoreMonthlySettings : StoreSettings
{
    [CommandOption("--table <TABLE>")]
    [Description("Export this monthly table as CSV (cbp_sbo_monthly or khsm_monthly) instead of listing the imports.")]
    public string? Table { get; init; }

    [CommandOption("--as-known-on <INSTANT>")]
    [Description("The record as it stood at this instant (ISO-8601); default: now.")]
    public string? AsKnownOn { get; init; }

    [CommandOption("--format <table|json>")]
    [Description("The list of imports as a table (default) or JSON.")]
    public string Format { get; init; } = "table";

    [CommandOption("--out <FILE>")]
    [Description("With --table: write the CSV to FILE (default: stdout).")]
    public string? Out { get; init; }
}

/// <summary>
/// <c>threshold store monthly</c>: what <c>store import-monthly</c> recorded, read back as known at an instant: the
/// imports (when, which file, its SHA-256, how many rows it added or revised), or one table's latest revision of every
/// cell as CSV, with the import that recorded it.
/// </summary>
internal sealed class StoreMonthlyCommand : Command<StoreMonthlySettings>
{
    public override int Execute(CommandContext context, StoreMonthlySettings settings, CancellationToken cancellationToken)
    {
        if (settings.Format is not ("table" or "json"))
        {
            throw new UsageException($"--format {settings.Format}: must be table or json");
        }

        if (settings.Table is { } table && !MonthlyImports.Tables.Contains(table))
        {
            throw new UsageException($"--table {table}: must be one of {string.Join(", ", MonthlyImports.Tables)}");
        }

        if (settings.Out is not null && settings.Table is null)
        {
            throw new UsageException("--out needs --table (the imports are listed on stdout)");
        }

        var at = settings.AsKnownOn is null ? SystemClock.Instance.GetCurrentInstant() : InstantOption.Parse("--as-known-on", settings.AsKnownOn);
        var store = settings.Open();
        if (settings.Table is { } name)
        {
            var monthly = MonthlyImports.AsKnownOn(store, name, at);
            if (settings.Out is { } file)
            {
                // Written beside the target and moved into place, so a reader never sees half a file.
                var temp = file + ".tmp-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
                using (var writer = new StreamWriter(temp, false, new System.Text.UTF8Encoding(false)))
                {
                    monthly.WriteCsv(writer);
                }

                File.Move(temp, file, overwrite: true);
                Console.Error.WriteLine($"threshold: wrote {monthly.Rows.Count} rows of {name} as known on {InstantPattern.ExtendedIso.Format(at)} to {file}");
            }
            else
            {
                monthly.WriteCsv(Console.Out);
            }

            return ExitCodes.Ok;
        }

        var imports = MonthlyImports.ImportHistory(store, at);
        if (settings.Format == "json")
        {
            Console.Out.WriteLine(System.Text.Json.JsonSerializer.Serialize(new
            {
                asKnownOn = InstantPattern.ExtendedIso.Format(at),
                imports = imports.Select(i => new { importId = i.ImportId, table = i.Table, layout = i.Layout, source = i.SourceName, sha256 = i.ContentSha256, recordedAt = InstantPattern.ExtendedIso.Format(i.RecordedAt), rowCount = i.RowCount, newRowCount = i.NewRowCount, revisedRowCount = i.RevisedRowCount }),
            }, ReplayReport.JsonOptions));
            return ExitCodes.Ok;
        }

        if (imports.Count == 0)
        {
            Console.Out.WriteLine($"no monthly imports recorded as of {InstantPattern.ExtendedIso.Format(at)} (store import-monthly FILE records one)");
            return ExitCodes.Ok;
        }

        Console.Out.WriteLine("import  table            layout                      rows  new  revised  recorded at                   source (sha256)");
        foreach (var i in imports)
        {
            Console.Out.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{i.ImportId,6}  {i.Table,-15}  {i.Layout,-26}  {i.RowCount,5}  {i.NewRowCount,3}  {i.RevisedRowCount,7}  {InstantPattern.ExtendedIso.Format(i.RecordedAt),-28}  {i.SourceName} ({i.ContentSha256[..12]}…)"));
        }

        return ExitCodes.Ok;
    }
}
