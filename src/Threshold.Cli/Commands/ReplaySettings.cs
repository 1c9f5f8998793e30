using System.ComponentModel;
using NodaTime;
using NodaTime.Text;
using Spectre.Console.Cli;
using Threshold.Engine;
using Threshold.Law;

namespace Threshold.Cli.Commands;

/// <summary>Options shared by replay and explain: which policy, which series, which timeline, and the what-if overlays.</summary>
internal class ReplaySettings : CommandSettings
{
    [CommandOption("--policy <ID|FILE>")]
    [Description("Built-in policy id (see 'threshold policies') or a policy YAML file.")]
    public string? Policy { get; init; }

    [CommandOption("--encounters <FILE>")]
    [Description("Daily encounter CSV: date,between_ports,coastal,ports_of_entry,uc_noncontiguous_between_ports,uc_noncontiguous_ports.")]
    public string? Encounters { get; init; }

    [CommandOption("--series <NAME>")]
    [Description("Replay a series from the record instead of a file (see 'threshold store import').")]
    public string? Series { get; init; }

    [CommandOption("--verified")]
    [Description("Verified reads from the record: with --series, every import of the series is first checked against the audit log; with returns report --from-record, every allocation (exit 3 if a stored fact was edited, added or deleted).")]
    public bool Verified { get; init; }

    [CommandOption("--as-known-on <INSTANT>")]
    [Description("With --series: the data as recorded at this instant (ISO-8601), so later revisions do not rewrite the past.")]
    public string? AsKnownOn { get; init; }

    [CommandOption("--data-dir <DIR>")]
    [Description("Folder of the embedded SQLite record (default: $THRESHOLD_DATA_DIR, else ./.threshold-data).")]
    public string? DataDir { get; init; }

    [CommandOption("--database <CONNECTION>")]
    [Description("Npgsql connection string of a shared PostgreSQL record (default: $THRESHOLD_DATABASE; without either, the embedded SQLite record in --data-dir).")]
    public string? Database { get; init; }

    /// <summary>The record options of this command, to open the store.</summary>
    internal StoreSettings Store => new() { DataDir = DataDir, Database = Database };

    [CommandOption("--allow-gaps")]
    [Description("Accept missing dates; every window touching one is undeterminable (never counted as zero).")]
    public bool AllowGaps { get; init; }

    [CommandOption("--determination-lag <DAYS>")]
    [Description("Days from a window's last day to the determination that reads it (default: the policy's, 1).")]
    public string? DeterminationLag { get; init; }

    [CommandOption("--in-force <DATE>")]
    [Description("In-force date (yyyy-MM-dd); required for bills such as senate-border-act-2024 and hr2-2023.")]
    public string? InForce { get; init; }

    [CommandOption("--set <NAME=VALUE>")]
    [Description("Override a parameter on every date, e.g. deactivate.threshold=2000 (repeatable).")]
    public string[] Set { get; init; } = [];

    [CommandOption("--court-order <ID=DATE>")]
    [Description("Court-order fallback from a date, e.g. streak-enjoined=2024-11-01 or uc-count-enjoined=2024-11-01 (repeatable).")]
    public string[] CourtOrder { get; init; } = [];

    [CommandOption("--determination <DATE=active|inactive>")]
    [Description("A dated determination for hr2-2023 (operational control) (repeatable).")]
    public string[] Determination { get; init; } = [];

    [CommandOption("--timeline <proposed|official>")]
    [Description("proposed (default): determinations proposed from the data, never history. official: only the determinations actually made and published (law/determinations/) and those recorded in the record.")]
    public string? Timeline { get; init; }

    /// <summary>The timeline asked for: proposed unless --timeline official.</summary>
    public TimelineKind TimelineKind() => Timeline switch
    {
        null or "proposed" => Engine.TimelineKind.Proposed,
        "official" => Engine.TimelineKind.Official,
        _ => throw new UsageException($"--timeline {Timeline}: must be official or proposed"),
    };

    /// <summary>The policy named by --policy.</summary>
    public PolicyDocument PolicyDocument() => PolicyArgument.Load(Policy ?? throw new UsageException("--policy is required (a built-in id or a YAML file)"));

    /// <summary>Loads the policy, reads the series and replays it on the timeline asked for, validating every option first.</summary>
    public SuspensionTimeline Replay() => Replay(PolicyDocument());

    /// <summary>Replays <paramref name="policy"/> with this command's series and options, on the timeline asked for.</summary>
    /// <param name="countsOnlyIfNeeded">For an instrument with no threshold, ignore the given series and list its days to today without counts.</param>
    /// <param name="defaultKind">The timeline when --timeline is not given (proposed unless a caller says otherwise).</param>
    public SuspensionTimeline Replay(PolicyDocument policy, bool countsOnlyIfNeeded = false, TimelineKind defaultKind = Engine.TimelineKind.Proposed)
    {
        var kind = Timeline is null ? defaultKind : TimelineKind();
        var compiled = Compile(policy);
        // The official timeline reads no counts: without a series (or when only the instruments' standing matters, as in
        // screen --policy in-force), its days run to today without them.
        var series = kind == Engine.TimelineKind.Official && ((Encounters is null && Series is null) || countsOnlyIfNeeded)
            ? UncountedSeries.For(policy, compiled.InForce, EasternTime.DateOf(NodaTime.SystemClock.Instance.GetCurrentInstant()))
            : SeriesFor(policy, compiled, countsOnlyIfNeeded);
        return Replay(compiled, series, kind, kind == Engine.TimelineKind.Official ? Threshold.Web.Apis.DeterminationComparison.RecordedFor(policy, RecordedDeterminations()) : []);
    }

    /// <summary>Replays <paramref name="series"/> under <paramref name="compiled"/> on the <paramref name="kind"/> timeline; a what-if that changed nothing is an error.</summary>
    public static SuspensionTimeline Replay(CompiledPolicy compiled, EncounterSeries series, TimelineKind kind, IReadOnlyList<OfficialDetermination> recorded)
    {
        var timeline = SuspensionReplay.Run(compiled, series, kind, recorded);
        OverlayEvaluation.RequireEffect(timeline);
        return timeline;
    }

    /// <summary>
    /// The series to replay <paramref name="policy"/> over: --encounters or --series, or for an instrument with no
    /// threshold given neither (or <paramref name="countsOnlyIfNeeded"/>), its days to today without counts.
    /// </summary>
    public EncounterSeries SeriesFor(PolicyDocument policy, CompiledPolicy compiled, bool countsOnlyIfNeeded = false) =>
        (countsOnlyIfNeeded || (Encounters is null && Series is null)) && policy.Mechanism != MechanismKind.EncounterThreshold
            ? UncountedSeries.For(policy, compiled.InForce, EasternTime.DateOf(NodaTime.SystemClock.Instance.GetCurrentInstant()))
            : LoadSeries();

    /// <summary>Compiles <paramref name="policy"/> with this command's what-ifs, each validated.</summary>
    public CompiledPolicy Compile(PolicyDocument policy)
    {
        var options = WhatIfGrammar.Options(
            new WhatIfText { InForce = InForce, DeterminationLag = DeterminationLag, Set = Set, CourtOrder = CourtOrder, Determination = Determination },
            CliWording.Instance);
        return CompiledPolicy.Compile(policy, options);
    }

    /// <summary>
    /// The determinations recorded in the record (an official source users add), when this command reaches a record:
    /// one it names (--series, --data-dir, --database or their environment variables) or the default one if it exists.
    /// A command that names none never creates a record just to find it empty.
    /// </summary>
    public IReadOnlyList<Threshold.Record.RecordedDetermination> RecordedDeterminations()
    {
        var store = Store;
        var named = Series is not null || store.ResolveDatabase() is not null || DataDir is not null
            || Environment.GetEnvironmentVariable("THRESHOLD_DATA_DIR") is { Length: > 0 };
        return named || Directory.Exists(store.ResolveDataDirectory()) ? store.Open().Determinations.List() : [];
    }

    /// <summary>The series named by --encounters or --series.</summary>
    public EncounterSeries LoadSeries()
    {
        if (Series is null)
        {
            if (AsKnownOn is not null)
            {
                throw new UsageException("--as-known-on needs --series (a series in the record)");
            }

            if (Verified)
            {
                throw new UsageException("--verified needs --series (a series in the record)");
            }

            return EncounterCsvReader.ReadFile(Encounters ?? throw new UsageException("--encounters FILE or --series NAME is required"), AllowGaps);
        }

        if (Encounters is not null)
        {
            throw new UsageException("give --encounters FILE or --series NAME, not both");
        }

        var store = Store.Open();
        if (Verified)
        {
            store.VerifySeries(Series);
        }

        var at = AsKnownOn is null ? NodaTime.SystemClock.Instance.GetCurrentInstant() : InstantOption.Parse("--as-known-on", AsKnownOn);
        return store.Encounters.AsKnownOn(Series, at)
            ?? throw new UsageException($"--series {Series}: nothing recorded under that name" + (AsKnownOn is null ? string.Empty : $" as of {AsKnownOn}") + $" in {Store.Describe()}");
    }

    internal static LocalDate ParseDate(string option, string text)
    {
        var result = LocalDatePattern.Iso.Parse(text);
        return result.Success ? result.Value : throw new UsageException($"{option} {text}: not a date in yyyy-MM-dd form");
    }
}

/// <summary>Resolves --policy: a built-in id, or a path to a policy YAML file.</summary>
internal static class PolicyArgument
{
    public static PolicyDocument Load(string argument)
    {
        if (BuiltInPolicies.Exists(argument))
        {
            return BuiltInPolicies.Get(argument);
        }

        if (File.Exists(argument) || argument.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || argument.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
        {
            return PolicyYamlReader.ReadFile(argument);
        }

        throw new UsageException($"--policy {argument}: neither a built-in policy ({string.Join(", ", BuiltInPolicies.Ids)}) nor an existing YAML file");
    }
}
