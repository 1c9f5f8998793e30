using Spectre.Console.Cli;
using Threshold.Cli;
using Threshold.Cli.Commands;

// Each top-level command or branch, by the word that selects it. Spectre reflects over the settings of every registered
// command before it parses, so a run registers only the command its first argument names; help, a bare `threshold` and
// an unknown word register them all, so the listing and "did you mean" are unchanged (docs/performance.md, start-up).
var commands = new (string Name, Action<IConfigurator> Register)[]
{
    ("replay", config => config.AddCommand<ReplayCommand>("replay")
        .WithDescription("Replay a daily encounter series through a policy: statuses, determinations and transitions, each cited.")
        .WithExample("replay", "--policy", "proclamation-10773", "--encounters", "data/modeled/daily_encounters_2024-01-01_2026-08-31.modeled.csv", "--format", "table")),
    ("explain", config => config.AddCommand<ExplainCommand>("explain")
        .WithDescription("Explain one day of a replay: counts, window, average, rule text, citation and status.")),
    ("screen", config => config.AddCommand<ScreenCommand>("screen")
        .WithDescription("Screen one case or many: suspension, exceptions, asylum limitation, fear screening, and where a removal goes.")),
    ("returns", config => config.AddBranch("returns", returns =>
    {
        returns.SetDescription("The Mexico returns ledger.");
        returns.AddCommand<ReturnsReportCommand>("report")
            .WithDescription("Screen cases and print the ledger report: utilisation, remaining capacity and overflow by month and nationality, and the burden on Mexico.");
        returns.AddCommand<ArrangementsCommand>("arrangements")
            .WithDescription("List the dated return arrangements with their caps, citations and status.");
        returns.AddCommand<ReturnsAdoptCommand>("adopt-arrangements")
            .WithDescription("Record that the record's ledger is written from now on under this arrangement set (built-ins plus --arrangements).");
    })),
    ("cases", config => config.AddBranch("cases", cases =>
    {
        cases.SetDescription("SYNTHETIC case populations drawn from the real monthly mix (docs/population.md).");
        cases.AddCommand<CasesGenerateCommand>("generate")
            .WithDescription("Draw SYNTHETIC cases for one month from the real nationality, family status, contiguity and place mix in data/source.")
            .WithExample("cases", "generate", "--month", "2024-07", "--count", "100000", "--seed", "1", "--out", "cases-2024-07.synthetic.jsonl");
    })),
    ("store", config => config.AddBranch("store", store =>
    {
        store.SetDescription("The record: bitemporal encounter data in the embedded SQLite store (--data-dir).");
        store.AddCommand<StoreImportCommand>("import").WithDescription("Record a daily encounter CSV; an identical re-import changes nothing, a revision keeps the old values.");
        store.AddCommand<StoreExportCommand>("export").WithDescription("Write a recorded series, as known at an instant, in the input CSV format; re-importing it changes nothing.");
        store.AddCommand<StoreHistoryCommand>("history").WithDescription("Every recorded import: when, from which file, what it changed.");
        store.AddCommand<StoreMonthlyCommand>("monthly").WithDescription("What import-monthly recorded, as known at an instant: the imports, or one table as CSV (--table).");
        store.AddCommand<StoreImportMonthlyCommand>("import-monthly").WithDescription("Record a real CBP/OHSS monthly CSV (SBO encounters or KHSM region files); a bad row stores nothing.");
    })),
    ("db", config => config.AddBranch("db", db =>
    {
        db.SetDescription("Backup and restore of the embedded SQLite record.");
        db.AddCommand<DbBackupCommand>("backup").WithDescription("Copy the record to FILE with SQLite's online backup API.");
        db.AddCommand<DbRestoreCommand>("restore").WithDescription("Replace the record with FILE, after checking its audit chain.");
    })),
    ("audit", config => config.AddBranch("audit", audit =>
    {
        audit.SetDescription("The tamper-evident log.");
        audit.AddCommand<AuditVerifyCommand>("verify").WithDescription("Check the whole hash chain, or with --export FILE an export offline; name the first entry or line that fails (exit 3).");
        audit.AddCommand<AuditExportCommand>("export").WithDescription("Export entries (--from, --to) as JSONL with their hashes, then the verified chain head.");
    })),
    ("determinations", config => config.AddBranch("determinations", determinations =>
    {
        determinations.SetDescription("The Secretary's recorded factual determinations.");
        determinations.AddCommand<DeterminationRecordCommand>("record").WithDescription("Record a determination: date, kind, window relied on, who, note.");
        determinations.AddCommand<DeterminationListCommand>("list").WithDescription("List the recorded determinations.");
        determinations.AddCommand<DeterminationDiffCommand>("diff").WithDescription("Where the recorded (official) and proposed (from the data) determinations part.");
    })),
    ("simulate", config => config.AddCommand<SimulateCommand>("simulate")
        .WithDescription("MODELED Monte Carlo futures of border flows under each policy of a scenario, through the real engine, screener and returns ledger (docs/simulation.md).")
        .WithExample("simulate", "scenarios/mexico-2023-levels.yaml", "--paths", "2000", "--seed", "1", "--out", "out/mexico-2023")),
    ("serve", config => config.AddCommand<ServeCommand>("serve")
        .WithDescription("Serve the REST API, its OpenAPI document and reference, and the dashboard on http://127.0.0.1:5080 (--urls).")),
    ("keys", config => config.AddBranch("keys", keys =>
    {
        keys.SetDescription("API keys of the web service (stored hashed; each change joins the audit chain).");
        keys.AddCommand<KeysCreateCommand>("create").WithDescription("Create a key for a role; it is printed once.");
        keys.AddCommand<KeysListCommand>("list").WithDescription("List the keys, never their secrets.");
        keys.AddCommand<KeysRevokeCommand>("revoke").WithDescription("Revoke a key by its id.");
    })),
    ("policies", config => config.AddCommand<PoliciesCommand>("policies")
        .WithDescription("List the built-in policies with every parameter, its dates, citation and verification status.")),
    ("data", config => config.AddBranch("data", data =>
    {
        data.SetDescription("Bundled data: derive the modeled daily series and check it against published figures.");
        data.AddCommand<SynthesizeDailyCommand>("synthesize-daily")
            .WithDescription("Derive the MODELED daily series from 2024-01-01 through the last month of the real monthly totals in data/source (a newer CBP release dropped there is picked up); the file is named by its range.");
        data.AddCommand<CheckReportedCommand>("check-reported")
            .WithDescription("Compare a daily series (default: the latest bundled one) with the published 2024 and 2025 statements, with their marks.");
    })),
};

var selected = args.Length > 0 ? commands.Where(c => c.Name == args[0]).ToArray() : [];
var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("threshold");
    config.PropagateExceptions();
    config.Settings.StrictParsing = true;
    foreach (var command in selected.Length == 1 ? selected : commands)
    {
        command.Register(config);
    }
});

return CliRunner.Run(app, args);
