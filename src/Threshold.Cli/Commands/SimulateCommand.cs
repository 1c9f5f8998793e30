using System.ComponentModel;
using System.Globalization;
using System.Text;
using Spectre.Console;
using Spectre.Console.Cli;
using Threshold.Simulation;

namespace Threshold.Cli.Commands;

internal sealed class SimulateSettings : CommandSettings
{
    [CommandArgument(0, "[SCENARIO]")]
    [Description("Scenario YAML (see scenarios/ and docs/simulation.md). Not needed with --backtest.")]
    public string? Scenario { get; init; }

    [CommandOption("--paths <N>")]
    [Description("Number of random futures (replaces the scenario's 'paths'), 1 to 1,000,000.")]
    public string? Paths { get; init; }

    [CommandOption("--seed <S>")]
    [Description("Random seed (replaces the scenario's 'seed'): the same scenario and seed give identical files.")]
    public string? Seed { get; init; }

    [CommandOption("--out <DIR>")]
    [Description("Folder for the JSON, CSV and chart files; each file is written whole (temp folder, then moved).")]
    public string? Out { get; init; }

    [CommandOption("--threads <N>")]
    [Description("Worker threads (default: every core). The results do not depend on it.")]
    public string? Threads { get; init; }

    [CommandOption("--source <DIR>")]
    [Description("Folder with the real monthly CBP/OHSS files (default: data/source).")]
    public string Source { get; init; } = "data/source";

    [CommandOption("--no-sensitivity")]
    [Description("Skip the sensitivity table (it reruns the scenario twice per parameter).")]
    public bool NoSensitivity { get; init; }

    [CommandOption("--no-charts")]
    [Description("Skip the PNG and SVG charts.")]
    public bool NoCharts { get; init; }

    [CommandOption("--backtest")]
    [Description("Run a backtest against the real monthly totals and the published 7-day statements instead of a scenario (the June 2024 – January 2025 window unless --window says otherwise).")]
    public bool Backtest { get; init; }

    [CommandOption("--window <ID>")]
    [Description("With --backtest: the window, 2024-06-to-2025-01 (default, Proclamation 10773) or 2025-02-to-2026-08 (Proclamation 10888).")]
    public string? Window { get; init; }

    [CommandOption("--level-rule <K,PHI>")]
    [Description("With --backtest: impose the level rule (fit months 3, 6 or 12, damping 0 to 1), e.g. 3,0 — to see how much the chosen rule matters. The outputs say IMPOSED.")]
    public string? LevelRule { get; init; }

    [CommandOption("--origin <fixed|rolling>")]
    [Description("With --backtest: fixed (default) forecasts every month from the months before the window; rolling forecasts each month one month ahead from the real months before it (docs/simulation.md §Backtests).")]
    public string? Origin { get; init; }

    /// <summary>--origin as a <see cref="BacktestOrigin"/> (fixed when not given).</summary>
    public BacktestOrigin ParseOrigin() => Origin switch
    {
        null or "fixed" => BacktestOrigin.Fixed,
        "rolling" => BacktestOrigin.Rolling,
        _ => throw new UsageException($"--origin {Origin}: must be fixed or rolling"),
    };

    // Sweeps (issue 18): a grid of one or two parameters on common random numbers.
    [CommandOption("--sweep <PARAM=LOW..HIGH:N>")]
    [Description("Sweep a model parameter over N evenly spaced values from LOW to HIGH (e.g. deterrence.effect=0.2..0.6:5); give it twice for a 2-D grid (at most 400 cells). Writes sweep.json, sweep.csv and a chart per policy instead of a plain run.")]
    public string[]? Sweep { get; init; }

    [CommandOption("--sweep-output <NAME>")]
    [Description("With --sweep: the output the charts show (default days_active), any key of result.json's outputs.")]
    public string? SweepOutput { get; init; }

    /// <summary>The --sweep options as a grid, or null without them; each bad one is named.</summary>
    public SweepSpec? ParseSweep()
    {
        if (Sweep is not { Length: > 0 })
        {
            return SweepOutput is null ? null : throw new UsageException($"--sweep-output {SweepOutput} is an option of a sweep; give it with --sweep");
        }

        var axes = Sweep.Select(text =>
        {
            try
            {
                return SweepAxis.Parse(text);
            }
            catch (SweepSpecException e)
            {
                throw new UsageException($"--sweep {text}: {e.Message}");
            }
        }).ToArray();
        try
        {
            return new SweepSpec(axes, SweepOutput);
        }
        catch (SweepSpecException e)
        {
            throw new UsageException(SweepOutput is not null && e.Message.StartsWith($"'{SweepOutput}'", StringComparison.Ordinal) ? $"--sweep-output {SweepOutput}: {e.Message}" : $"--sweep: {e.Message}");
        }
    }

    /// <summary>--level-rule as (months, damping): a rule of <see cref="LevelForecast.Grid"/>'s shape.</summary>
    public (int Months, double Damping)? ParseLevelRule()
    {
        if (LevelRule is null)
        {
            return null;
        }

        var parts = LevelRule.Split(',');
        return parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var k) && k is 3 or 6 or 12
            && double.TryParse(parts[1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var phi) && phi is >= 0 and <= 1
                ? (k, phi)
                : throw new UsageException($"--level-rule {LevelRule}: must be MONTHS,DAMPING with MONTHS 3, 6 or 12 and DAMPING from 0 to 1, e.g. 3,0.5");
    }

    public static int? ParseInt(string option, string? text, int max) => text is null ? null
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= 1 && v <= max ? v
        : throw new UsageException($"{option} {text}: must be a whole number from 1 to {max.ToString("N0", CultureInfo.InvariantCulture)}");

    public ulong? ParseSeed() => Seed is null ? null
        : ulong.TryParse(Seed, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s
        : throw new UsageException($"--seed {Seed}: must be a whole number from 0 to 18446744073709551615");
}

/// <summary>
/// <c>threshold simulate</c>: Monte Carlo futures of border flows under each policy of a scenario, through the real
/// engine, screener and returns ledger. Every file it writes says MODELED.
/// </summary>
internal sealed class SimulateCommand : Command<SimulateSettings>
{
    public override int Execute(CommandContext context, SimulateSettings settings, CancellationToken cancellationToken)
    {
        var outDir = settings.Out ?? throw new UsageException("--out DIR is required (the folder for the result files)");
        var paths = SimulateSettings.ParseInt("--paths", settings.Paths, Simulation.Scenario.MaxPaths);
        var threads = SimulateSettings.ParseInt("--threads", settings.Threads, 256);
        var seed = settings.ParseSeed();
        if ((settings.Window ?? settings.LevelRule ?? settings.Origin) is { } backtestOnly && !settings.Backtest)
        {
            throw new UsageException($"{(settings.Window is not null ? "--window" : settings.LevelRule is not null ? "--level-rule" : "--origin")} {backtestOnly} is an option of a backtest; give it with --backtest");
        }

        var sweep = settings.ParseSweep();
        if (sweep is not null && settings.Backtest)
        {
            throw new UsageException("--sweep runs a scenario's grid; it cannot be given with --backtest");
        }

        if (settings.Backtest)
        {
            if (settings.Scenario is not null)
            {
                throw new UsageException("--backtest runs its own fixed scenario; give no SCENARIO file with it");
            }

            var window = settings.Window is null ? Backtest.June2024
                : Backtest.Windows.FirstOrDefault(w => w.Id == settings.Window)
                  ?? throw new UsageException($"--window {settings.Window}: unknown; known: {string.Join(", ", Backtest.Windows.Select(w => w.Id))}");
            var rule = settings.ParseLevelRule();
            var origin = settings.ParseOrigin();
            var report = WithProgress("backtest", paths ?? Backtest.DefaultPaths, p => Backtest.Run(window, origin, settings.Source, paths ?? Backtest.DefaultPaths, seed ?? Backtest.DefaultSeed, threads, p, rule, cancellationToken));
            var files = new Dictionary<string, byte[]>
            {
                ["backtest.json"] = Encoding.UTF8.GetBytes(Backtest.Json(report)),
                ["backtest-monthly.csv"] = Encoding.UTF8.GetBytes(Backtest.MonthlyCsv(report)),
                ["backtest-statements.csv"] = Encoding.UTF8.GetBytes(Backtest.StatementsCsv(report)),
            };
            if (!settings.NoCharts)
            {
                foreach (var (name, bytes) in SimulationCharts.Backtest(report))
                {
                    files[name] = bytes;
                }
            }

            OutputFolder.Write(outDir, files);
            Console.Out.WriteLine(SimulationResult.ModeledNotice);
            Console.Out.WriteLine(Backtest.Summary(report));
            Console.Out.WriteLine($"wrote {files.Count} files to {outDir}: {string.Join(", ", files.Keys.Order(StringComparer.Ordinal))}");
            return ExitCodes.Ok;
        }

        var scenario = ScenarioYamlReader.ReadFile(settings.Scenario ?? throw new UsageException("SCENARIO is required (a scenario YAML file), or --backtest"))
            .WithRun(paths, seed);
        var inputs = SimulationInputs.LoadCached(settings.Source, scenario.MixMonth);
        if (sweep is not null)
        {
            return RunSweep(scenario, inputs, sweep, threads, outDir, settings.NoCharts, cancellationToken);
        }

        var result = WithProgress("paths", scenario.Paths, p => MonteCarlo.Run(scenario, inputs, new SimulationOptions { Threads = threads }, p, cancellationToken));
        SensitivityTable? sensitivity = null;
        if (!settings.NoSensitivity)
        {
            var count = (scenario.Sensitivity?.Parameters.Count ?? ModelParameters.Catalogue.Count);
            sensitivity = WithProgress("sensitivity (parameters)", count, p => Sensitivity.Run(scenario, inputs, threads, p, cancellationToken));
        }

        var output = new Dictionary<string, byte[]>
        {
            ["result.json"] = Encoding.UTF8.GetBytes(ResultFormats.Json(result, sensitivity)),
            ["summary.csv"] = Encoding.UTF8.GetBytes(ResultFormats.SummaryCsv(result)),
            ["daily-average-bands.csv"] = Encoding.UTF8.GetBytes(ResultFormats.DailyCsv(result)),
            ["mexico-returns-monthly.csv"] = Encoding.UTF8.GetBytes(ResultFormats.MonthlyReturnsCsv(result)),
            ["parameters.csv"] = Encoding.UTF8.GetBytes(ResultFormats.ParametersCsv(result)),
        };
        if (sensitivity is not null)
        {
            output["sensitivity.csv"] = Encoding.UTF8.GetBytes(ResultFormats.SensitivityCsv(result, sensitivity));
        }

        if (!settings.NoCharts)
        {
            foreach (var (name, bytes) in SimulationCharts.All(result))
            {
                output[name] = bytes;
            }
        }

        OutputFolder.Write(outDir, output);
        WriteSummary(result);
        Console.Out.WriteLine($"wrote {output.Count} files to {outDir}: {string.Join(", ", output.Keys.Order(StringComparer.Ordinal))}");
        return ExitCodes.Ok;
    }

    /// <summary>A sweep: every cell on the scenario's paths and seed; writes the table, the JSON and a chart per policy.</summary>
    private static int RunSweep(Simulation.Scenario scenario, SimulationInputs inputs, SweepSpec sweep, int? threads, string outDir, bool noCharts, CancellationToken cancellationToken)
    {
        if ((long)sweep.Cells * scenario.Paths > int.MaxValue)
        {
            throw new UsageException($"--sweep: {sweep.Cells:N0} cells × {scenario.Paths:N0} paths is more than one sweep can run; ask for fewer --paths");
        }

        var result = WithProgress($"sweep ({sweep.Cells} cells × {scenario.Paths:N0} paths)", sweep.Cells * scenario.Paths, p => Simulation.Sweep.Run(scenario, inputs, sweep, threads, p, cancellationToken));
        var output = new Dictionary<string, byte[]>
        {
            ["sweep.json"] = Encoding.UTF8.GetBytes(SweepFormats.Json(result)),
            ["sweep.csv"] = Encoding.UTF8.GetBytes(SweepFormats.Csv(result)),
        };
        if (!noCharts)
        {
            foreach (var (name, bytes) in SweepCharts.All(result))
            {
                output[name] = bytes;
            }
        }

        OutputFolder.Write(outDir, output);
        Console.Out.WriteLine(SimulationResult.ModeledNotice);
        Console.Out.WriteLine(SweepFormats.Method(result));
        for (var p = 0; p < result.Policies.Count; p++)
        {
            var bands = result.Bands(p, sweep.Output);
            var low = bands.Select((b, i) => (b.P50, i)).Min();
            var high = bands.Select((b, i) => (b.P50, i)).Max();
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{result.Policies[p]}: P50 of {sweep.Output} from {low.P50:N0} ({Cell(result, low.i)}) to {high.P50:N0} ({Cell(result, high.i)})"));
        }

        Console.Out.WriteLine($"wrote {output.Count} files to {outDir}: {string.Join(", ", output.Keys.Order(StringComparer.Ordinal))}");
        return ExitCodes.Ok;
    }

    private static string Cell(SweepResult result, int index) =>
        string.Join(", ", result.Spec.Axes.Select((a, i) => $"{a.Parameter.Name} {ModelParameter.Format(result.Cells[index].Values[i])}"));

    /// <summary>Runs <paramref name="work"/> with a progress bar on stderr when it is a terminal; silently otherwise.</summary>
    private static T WithProgress<T>(string what, int total, Func<IProgress<int>?, T> work)
    {
        if (Console.IsErrorRedirected)
        {
            return work(null);
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        T result = default!;
        console.Progress().AutoClear(true).Start(ctx =>
        {
            var task = ctx.AddTask(what, maxValue: total);
            result = work(new Progress<int>(done => task.Value = Math.Max(task.Value, done)));
            task.Value = total;
        });
        return result;
    }

    private static void WriteSummary(SimulationResult result)
    {
        var console = Terminal.Create();
        console.WriteLine(SimulationResult.ModeledNotice);
        var table = new Table().Title($"{Markup.Escape(result.ScenarioName)}: {result.Paths:N0} paths, {result.Start:yyyy-MM-dd} to {result.End:yyyy-MM-dd} — P10 / P50 / P90 (MODELED)");
        table.AddColumn("output");
        foreach (var p in result.Policies)
        {
            table.AddColumn(Markup.Escape(p.Label));
        }

        foreach (var key in new[] { "days_active", "transitions", "cap_binding_days", "encounters_between_ports", "people_subject", "fear_referrals", "returned_to_mexico_under_arrangement", "overflow_to_citizenship", "max_monthly_returns_under_arrangement" })
        {
            table.AddRow([key, .. result.Policies.Select(p => Band(p.Output(key).Band))]);
        }

        console.Write(table);
    }

    private static string Band(Band b) => string.Create(CultureInfo.InvariantCulture, $"{b.P10:N0} / {b.P50:N0} / {b.P90:N0}");
}

/// <summary>Writes a set of files so that none is ever half-written: all go to a temporary folder beside the target, then each is moved into place.</summary>
internal static class OutputFolder
{
    public static void Write(string directory, IReadOnlyDictionary<string, byte[]> files)
    {
        var full = Path.GetFullPath(directory);
        var parent = Path.GetDirectoryName(full) ?? throw new UsageException($"--out {directory}: not a folder that can have a parent");
        if (File.Exists(full))
        {
            throw new UsageException($"--out {directory}: is a file, not a folder");
        }

        Directory.CreateDirectory(parent);
        var temp = Path.Combine(parent, $".{Path.GetFileName(full)}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temp);
        try
        {
            foreach (var (name, bytes) in files)
            {
                File.WriteAllBytes(Path.Combine(temp, name), bytes);
            }

            if (!Directory.Exists(full))
            {
                Directory.Move(temp, full);
                return;
            }

            foreach (var name in files.Keys)
            {
                File.Move(Path.Combine(temp, name), Path.Combine(full, name), overwrite: true);
            }
        }
        finally
        {
            if (Directory.Exists(temp))
            {
                Directory.Delete(temp, recursive: true);
            }
        }
    }
}
