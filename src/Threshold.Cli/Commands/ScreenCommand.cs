using System.ComponentModel;
using System.Text;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;
using Threshold.Engine;
using Threshold.Law;
using Threshold.Returns;
using Threshold.Screening;

namespace Threshold.Cli.Commands;

internal sealed class ScreenSettings : CaseRunSettings
{
    [CommandOption("--case <FILE>")]
    [Description("One case as a JSON object (the case contract).")]
    public string? Case { get; init; }

    [CommandOption("--out <FILE>")]
    [Description("Write results here instead of stdout; written whole or not at all.")]
    public string? Out { get; init; }

    [CommandOption("--format <json|table>")]
    [Description("json (default; JSONL for many cases) or table (a readable explanation of one case).")]
    public string Format { get; init; } = "json";

    [CommandOption("--record")]
    [Description("Store every decision and ledger allocation in the record (--data-dir), with the audit chain; the cap holds across concurrent runs.")]
    public bool Record { get; init; }

    [CommandOption("--trace <shared|inline>")]
    [Description("Bulk JSONL only. shared (default): a line names its explanation (flags, appliedOrders, citations, traceId, trace) by explanationId, written in full on the first line that uses it. inline: every line carries all of them.")]
    public string Trace { get; init; } = "shared";

    [CommandOption("--ledger-report")]
    [Description("After a bulk run, print the returns ledger report to stderr, with the versions, modeledEncounters, syntheticCases and labels (MODELED, SYNTHETIC).")]
    public bool LedgerReport { get; init; }
}

/// <summary><c>threshold screen</c>: who the suspension and the asylum limitation apply to, what follows, and where a removal goes.</summary>
internal sealed class ScreenCommand : Command<ScreenSettings>
{
    /// <summary>The <c>--policy</c> value that screens under every instrument in force on each case's entry date.</summary>
    public const string InForcePolicies = "in-force";

    /// <summary>
    /// <c>--policy in-force</c>: each case under every built-in instrument whose standing is in force on its Eastern entry
    /// date, and the combination (<see cref="InstrumentsInForce"/>). One removal is allocated per person, by the ledger.
    /// </summary>
    private static int InForce(ScreenSettings settings, NodaTime.LocalDate? decidedOn)
    {
        if (settings.Set.Length > 0 || settings.CourtOrder.Length > 0 || settings.InForce is not null || settings.Determination.Length > 0)
        {
            throw new UsageException("--policy in-force screens under the instruments as they stand: --set, --court-order, --in-force and --determination name one policy's parameters; screen with --policy ID to use them");
        }

        if (settings.Record || settings.Format == "table" && settings.Cases is not null)
        {
            throw new UsageException(settings.Record ? "--record is not available with --policy in-force yet: record under one --policy" : "--format table explains one case: use it with --case");
        }

        var timelines = new Dictionary<string, SuspensionTimeline>(StringComparer.Ordinal);
        var ledger = new ReturnsLedger(ArrangementSet.Load(settings.Arrangements), recordEvents: false);
        var switchedOff = WhatIfGrammar.WithoutOrders(settings.WithoutOrder);
        InstrumentsInForce.CheckSwitchedOff(BuiltInPolicies.All(), switchedOff);
        SuspensionTimeline TimelineFor(PolicyDocument policy)
        {
            if (!timelines.TryGetValue(policy.Id, out var timeline))
            {
                timelines[policy.Id] = timeline = settings.Replay(policy, countsOnlyIfNeeded: true, defaultKind: TimelineKind.Official);
            }

            return timeline;
        }

        (InForceScreening Screening, ReturnAllocation? Allocation) Screen(ScreeningCase c, string source, long line)
        {
            InForceScreening screening;
            try
            {
                screening = InstrumentsInForce.Screen(c, BuiltInPolicies.All(), TimelineFor, decidedOn, switchedOff);
            }
            catch (ScreeningConflictException e)
            {
                throw new CaseInputException(source, line, null, e.Message);
            }

            var allocation = screening.Summary.Removal.GoesToLedger()
                ? ledger.Allocate(new ReturnRequest(c.Id, c.Citizenship, c.EntryInstant, c.Has(CaseFacts.UnaccompaniedChild)))
                : null;
            return (screening, allocation);
        }

        string Json((InForceScreening Screening, ReturnAllocation? Allocation) a, bool indented)
        {
            var dto = CaseDecisionJson.BuildInForce(a.Screening, a.Allocation);
            return JsonSerializer.Serialize(
                new
                {
                    engineVersion = RuleSetVersion.EngineVersion,
                    ruleSetVersion = RuleSetVersion.Current,
                    modeledEncounters = timelines.Values.Any(t => t.Series.IsModeled),
                    timeline = settings.Timeline ?? "official",
                    timelineNote = settings.Timeline is null or "official"
                        ? "Each instrument's periods follow its official timeline: only determinations actually made and published (law/determinations/) or recorded; pass --timeline proposed with --encounters for periods proposed from data."
                        : "PROPOSED timeline: periods follow determinations proposed from the encounter data, not determinations that were made.",
                    id = dto.Id,
                    policy = dto.Policy,
                    instruments = dto.Instruments,
                    unanswered = dto.Unanswered,
                    summary = dto.Summary,
                },
                indented ? ReplayReport.JsonOptions : CaseDecisionJson.Compact);
        }

        if (settings.Case is not null)
        {
            var answer = Screen(CaseJsonReader.ReadSingle(settings.Case), settings.Case, 1);
            if (settings.Format == "table")
            {
                var console = Terminal.Create();
                var (screening, allocation) = answer;
                console.MarkupLine($"[bold]Instruments in force on {screening.Case.EntryDateEastern:yyyy-MM-dd}[/] (the entry date): {Markup.Escape(string.Join(", ", screening.Results.Select(r => r.Policy).Concat(screening.Unanswered.Select(u => u.Policy))))}");
                foreach (var r in screening.Results)
                {
                    DecisionTable.Write(console, new CaseDecision(r, r.Removal.GoesToLedger() ? allocation : null), timelines[r.Policy]);
                }

                foreach (var u in screening.Unanswered)
                {
                    console.MarkupLine($"[yellow]{Markup.Escape(u.Policy)}: no answer — {Markup.Escape(u.Reason)}[/]");
                }

                InForceTable.Write(console, screening.Summary, allocation);
                return ExitCodes.Ok;
            }

            OutputFile.Write(settings.Out, writer => writer.WriteLine(Json(answer, indented: true)));
            return ExitCodes.Ok;
        }

        var path = settings.Cases!;
        if (!File.Exists(path))
        {
            throw new CaseInputException(path, 0, null, "file not found");
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var cases = ReadCases(stream, path);
        OutputFile.Write(settings.Out, writer =>
        {
            foreach (var (line, c) in cases)
            {
                writer.WriteLine(Json(Screen(c, path, line), indented: false));
            }
        });
        return ExitCodes.Ok;
    }

    /// <summary>The cases of a <c>--cases</c> file: CSV when its name ends in .csv, else JSONL.</summary>
    private static IEnumerable<(long Line, ScreeningCase Case)> ReadCases(Stream stream, string path) =>
        path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? CaseCsvReader.Read(stream, path) : CaseJsonReader.ReadLines(stream, path);

    public override int Execute(CommandContext context, ScreenSettings settings, CancellationToken cancellationToken)
    {
        if ((settings.Case is null) == (settings.Cases is null))
        {
            throw new UsageException("give exactly one of --case FILE (one JSON case) or --cases FILE (JSONL or CSV)");
        }

        if (settings.Format is not ("json" or "table"))
        {
            throw new UsageException($"--format {settings.Format}: must be json or table");
        }

        if (settings.Format == "table" && settings.Cases is not null)
        {
            throw new UsageException("--format table explains one case: use it with --case");
        }

        var traceMode = settings.Trace switch
        {
            "shared" => BulkTraceMode.Shared,
            "inline" => BulkTraceMode.Inline,
            _ => throw new UsageException($"--trace {settings.Trace}: must be shared or inline"),
        };
        var decidedOn = settings.DecisionDate(NodaTime.SystemClock.Instance);
        if (settings.Policy == InForcePolicies)
        {
            return InForce(settings, decidedOn);
        }

        var timeline = settings.Replay();
        var screener = new CaseScreener(timeline, decidedOn, WhatIfGrammar.WithoutOrders(settings.WithoutOrder));
        var arrangements = ArrangementSet.Load(settings.Arrangements);
        if (settings.Case is not null)
        {
            var processor = new CaseProcessor(screener, new ReturnsLedger(arrangements, recordEvents: false));
            if (settings.Record)
            {
                if (settings.Format == "table")
                {
                    throw new UsageException("--record with --format table: record with json output, then explain the case without --record");
                }

                var recordedLine = new StringWriter();
                var store = settings.Store.Open();
                RecordedScreening.RunOne(store, screener, arrangements, CaseJsonReader.ReadSingle(settings.Case), settings.Case, recordedLine);
                var recorded = JsonDocument.Parse(recordedLine.ToString()).RootElement;
                var wrapped = JsonSerializer.Serialize(new { engineVersion = RuleSetVersion.EngineVersion, ruleSetVersion = RuleSetVersion.Current, modeledEncounters = timeline.Series.IsModeled, timeline = TimelineNotes.Name(timeline.Kind), timelineNote = timeline.Note, recorded = true, result = recorded }, ReplayReport.JsonOptions);
                OutputFile.Write(settings.Out, writer => writer.WriteLine(wrapped));
                return ExitCodes.Ok;
            }

            CaseDecision decision;
            try
            {
                decision = processor.Process(CaseJsonReader.ReadSingle(settings.Case));
            }
            catch (UnknownPeriodException e)
            {
                throw new CaseInputException(settings.Case, 1, "enteredAt", e.Message);
            }
            catch (ScreeningConflictException e)
            {
                throw new CaseInputException(settings.Case, 1, null, e.Message);
            }

            if (settings.Format == "table")
            {
                DecisionTable.Write(Terminal.Create(), decision, timeline);
                return ExitCodes.Ok;
            }

            var json = JsonSerializer.Serialize(new { engineVersion = RuleSetVersion.EngineVersion, ruleSetVersion = RuleSetVersion.Current, modeledEncounters = timeline.Series.IsModeled, timeline = TimelineNotes.Name(timeline.Kind), timelineNote = timeline.Note, result = CaseDecisionJson.Build(decision) }, ReplayReport.JsonOptions);
            OutputFile.Write(settings.Out, writer => writer.WriteLine(json));
            return ExitCodes.Ok;
        }

        var ledger = new ReturnsLedger(arrangements, recordEvents: false);
        var path = settings.Cases!;
        if (!File.Exists(path))
        {
            throw new CaseInputException(path, 0, null, "file not found");
        }

        var total = new FileInfo(path).Length;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var cases = ReadCases(stream, path);
        if (settings.Record)
        {
            // Recorded screening reads the file twice: the first pass checks every case (and every stored id) before
            // anything is written, so a bad line or a conflicting id stores nothing.
            IEnumerable<(long Line, ScreeningCase Case)> ReadFile()
            {
                using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
                foreach (var c in ReadCases(file, path))
                {
                    yield return c;
                }
            }

            var store = settings.Store.Open();
            OutputFile.WriteStream(settings.Out, output =>
            {
                using (var lines = new CaseDecisionLineWriter(screener, ledger, output, decidedOn, traceMode))
                {
                    RecordedScreening.Run(store, screener, arrangements, ReadFile, path, lines);
                }
            });
            return ExitCodes.Ok;
        }

        long count = 0;
        long synthetic = 0;
        void Run(Action<double>? progress)
        {
            OutputFile.WriteStream(settings.Out, output =>
            {
                // The file writes (a kernel copy of every line) run on a second thread, overlapping the screening.
                using var pipe = new BackgroundWriteStream(output);
                using (var lines = new CaseDecisionLineWriter(screener, ledger, pipe, decidedOn, traceMode))
                {
                    foreach (var (line, c) in cases)
                    {
                        try
                        {
                            lines.Write(c);
                        }
                        catch (UnknownPeriodException e)
                        {
                            throw new CaseInputException(path, line, "enteredAt", e.Message);
                        }
                        catch (ScreeningConflictException e)
                        {
                            throw new CaseInputException(path, line, null, e.Message);
                        }

                        if (settings.LedgerReport && ProvenanceLabels.IsSynthetic(c.Id))
                        {
                            synthetic++;
                        }

                        if ((++count & 0x3FFF) == 0)
                        {
                            progress?.Invoke(total == 0 ? 1 : (double)stream.Position / total);
                        }
                    }
                }

                pipe.Complete();
            });
        }

        if (!Console.IsErrorRedirected)
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            console.Progress().Start(p =>
            {
                var task = p.AddTask("screening cases", maxValue: 1.0);
                Run(f => task.Value = f);
                task.Value = 1.0;
            });
        }
        else
        {
            Run(null);
        }

        if (settings.LedgerReport)
        {
            // The report's own members stay where they were; the labels are added beside them, as returns report has them.
            var report = JsonSerializer.SerializeToNode(LedgerReportJson.Build(ledger.Report()), ReplayReport.JsonOptions)!.AsObject();
            report["engineVersion"] = RuleSetVersion.EngineVersion;
            report["ruleSetVersion"] = RuleSetVersion.Current;
            report["modeledEncounters"] = timeline.Series.IsModeled;
            report["casesScreened"] = count;
            report["syntheticCases"] = synthetic;
            report["labels"] = new System.Text.Json.Nodes.JsonArray([.. ProvenanceLabels.Of(timeline.Series.IsModeled, synthetic).Select(l => (System.Text.Json.Nodes.JsonNode?)l)]);
            Console.Error.WriteLine(report.ToJsonString(ReplayReport.JsonOptions));
        }

        return ExitCodes.Ok;
    }
}

/// <summary>
/// Writes output whole or not at all: to a temporary file beside the target, renamed into place on success; for
/// stdout, a temporary file copied out on success. A failure part-way leaves nothing behind.
/// </summary>
internal static class OutputFile
{
    public static void Write(string? target, Action<TextWriter> write) => WriteStream(target, stream =>
    {
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        write(writer);
    });

    /// <summary>
    /// Whether <paramref name="target"/> is an existing device or descriptor entry (directly in <c>/dev</c>,
    /// <c>/dev/fd</c> or <c>/proc/self/fd</c>), which output is written into directly instead of replaced. Files in
    /// folders below them, such as <c>/dev/shm/x.jsonl</c>, are ordinary files and are replaced whole.
    /// </summary>
    internal static bool WritesInPlace(string target)
    {
        var full = Path.GetFullPath(target);
        return File.Exists(full) && Path.GetDirectoryName(full) is "/dev" or "/dev/fd" or "/proc/self/fd";
    }

    public static void WriteStream(string? target, Action<Stream> write)
    {
        if (target is not null && Path.GetDirectoryName(Path.GetFullPath(target)) is { } folder && !Directory.Exists(folder))
        {
            throw new UsageException($"--out {target}: the folder {folder} does not exist");
        }

        if (target is not null && WritesInPlace(target))
        {
            // A device such as /dev/null or /dev/stdout: there is nothing to replace atomically, and renaming a temporary
            // file over it would replace the device itself.
            using var device = new FileStream(target, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1 << 16);
            write(device);
            return;
        }

        var temp = target is null ? Path.GetTempFileName() : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(target))!, $".{Path.GetFileName(target)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(file);
            }

            if (target is null)
            {
                using var input = File.OpenRead(temp);
                using var stdout = Console.OpenStandardOutput();
                input.CopyTo(stdout);
            }
            else
            {
                File.Move(temp, target, overwrite: true);
            }
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}


/// <summary>
/// A write-only stream that hands each write to a background thread writing to <c>inner</c>, so that producing the
/// output and copying it into the file overlap. At most four writes are queued (bounded memory). A failure of the
/// inner stream is rethrown by the next <see cref="Write(ReadOnlySpan{byte})"/> or by <see cref="Complete"/>.
/// </summary>
internal sealed class BackgroundWriteStream : Stream
{
    private readonly Stream inner;
    private readonly System.Collections.Concurrent.BlockingCollection<(byte[] Buffer, int Length)> queue = new(boundedCapacity: 4);
    private readonly Thread thread;
    private Exception? failure;
    private bool completed;

    public BackgroundWriteStream(Stream inner)
    {
        this.inner = inner;
        thread = new Thread(Drain) { IsBackground = true, Name = "screen output" };
        thread.Start();
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (failure is { } e)
        {
            throw new IOException($"writing the output failed: {e.Message}", e);
        }

        if (buffer.IsEmpty)
        {
            return;
        }

        var copy = System.Buffers.ArrayPool<byte>.Shared.Rent(buffer.Length);
        buffer.CopyTo(copy);
        queue.Add((copy, buffer.Length));
    }

    /// <summary>Waits for every queued write, flushes, and throws if any write failed.</summary>
    public void Complete()
    {
        Stop();
        if (failure is { } e)
        {
            throw new IOException($"writing the output failed: {e.Message}", e);
        }

        inner.Flush();
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Stop();
            queue.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Stop()
    {
        if (!completed)
        {
            completed = true;
            queue.CompleteAdding();
            thread.Join();
        }
    }

    private void Drain()
    {
        foreach (var (buffer, length) in queue.GetConsumingEnumerable())
        {
            try
            {
                if (failure is null)
                {
                    inner.Write(buffer, 0, length);
                }
            }
#pragma warning disable CA1031 // Any failure is handed to the producing thread.
            catch (Exception e)
#pragma warning restore CA1031
            {
                failure = e;
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}

/// <summary>The table form of a <c>--policy in-force</c> summary.</summary>
internal static class InForceTable
{
    public static void Write(IAnsiConsole console, StackSummary s, ReturnAllocation? allocation)
    {
        static string By(IReadOnlyList<string> by) => by.Count == 0 ? string.Empty : $" (by {string.Join(", ", by)})";
        console.Write(new Rule("[bold]All instruments together[/]").LeftJustified());
        console.MarkupLine(Markup.Escape($"Suspension applied: {(s.AnySuspensionApplies ? "yes" : "no")}{By(s.SuspendedBy)}"));
        console.MarkupLine(Markup.Escape($"Asylum limited or barred: {(s.AsylumLimited.Applies ? "yes" : "no")}{By(s.AsylumLimited.By)}"));
        console.MarkupLine(Markup.Escape($"Withholding and CAT barred: {(s.WithholdingCatBarred.Applies ? "yes" : "no")}{By(s.WithholdingCatBarred.By)}"));
        console.MarkupLine(Markup.Escape($"Fear screening: {(s.FearScreening ? $"yes, at {s.ScreeningStandard}" : "no")}"));
        console.MarkupLine(Markup.Escape($"Removal: {s.Removal.Code() ?? "none"}{By(s.RemovalBy)}{(allocation is null ? string.Empty : $" to {allocation.Destination}")}"));
        foreach (var (instrument, l) in s.LaterOrders)
        {
            console.MarkupLine(Markup.Escape($"Decided on or after {l.Date:yyyy-MM-dd}, {instrument} would differ: {l.Id} [{l.Citation.Status.Code()}] changes {string.Join(", ", l.Fields)}"));
        }

        console.MarkupLine(Markup.Escape(s.Note));
    }
}
