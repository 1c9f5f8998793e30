using System.Text.Json;
using NodaTime;
using Threshold.Engine;
using Threshold.Law;
using Threshold.Returns;
using Threshold.Screening;

namespace Threshold.Record;

/// <summary>
/// Screening with <c>--record</c>: cases are screened in batches; each batch's removals are allocated against the
/// ledger held in the record and its decisions stored with their input, output, trace and versions, all in ONE
/// write-locked transaction, so concurrent writers never exceed a cap and a killed run leaves whole batches only.
/// A rerun resumes: cases whose decisions are already stored with the same input are skipped, and counted in the return
/// value; a different case under a stored id is refused before anything is written (case ids are a key). Used by
/// <c>screen --record</c> and by <c>POST /api/v1/screen/bulk?record=true</c>.
/// </summary>
public static class RecordedScreening
{
    public const int BatchSize = 500;

    /// <summary>Screens one case with --record: the full single-case contract is stored and printed.</summary>
    public static void RunOne(RecordStore store, IClock clock, CaseScreener screener, ArrangementSet arrangements, ScreeningCase c, string path, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(screener);
        ArgumentNullException.ThrowIfNull(output);
        var recorder = new ScreeningBatch(store, new LedgerRecord(store, arrangements, clock), new DecisionRecord(store, clock), clock);
        Flush([(1, c, Located(() => screener.Screen(c), 1, path))], recorder, Under(screener), output);
    }

    /// <summary>
    /// Screens many cases with --record: each batch of <see cref="BatchSize"/> is classified, its removals allocated
    /// in the record, and its lines (the <c>screen --cases</c> contract, formatted by <paramref name="lines"/>) stored and
    /// written, in input order.
    /// </summary>
    /// <remarks>
    /// <paramref name="read"/> is called twice. The first pass reads and classifies every case and compares every case
    /// whose id is stored with its stored input, so that nothing is written unless the whole input is valid: a bad line
    /// (a malformed field, an instant out of range, an id twice in the input — the readers refuse these) or a rule that
    /// cannot decide a case is bad input at its line, and a different case under a stored id is a
    /// <see cref="CaseIdConflictException"/>. The second pass screens and stores, skipping the cases already stored
    /// (the same input: a resumed run). Stored ids are those of the record when the run starts; a concurrent writer that
    /// stores a different case under one of this input's ids after the first pass is not detected.
    /// </remarks>
    /// <returns>How many cases were skipped because their decisions were already stored.</returns>
    public static long Run(RecordStore store, IClock clock, CaseScreener screener, ArrangementSet arrangements, Func<IEnumerable<(long Line, ScreeningCase Case)>> read, string path, CaseDecisionLineWriter lines)
    {
        ArgumentNullException.ThrowIfNull(screener);
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(lines);
        var ledger = new LedgerRecord(store, arrangements, clock);
        ledger.RequireSameArrangements(); // before the first pass, so nothing is read twice for a run that cannot write
        var recorder = new ScreeningBatch(store, ledger, new DecisionRecord(store, clock), clock);
        var done = recorder.StoredCaseIds();
        CheckBeforeWriting(recorder, done, screener, read(), path);
        var skipped = 0L;
        var batch = new List<(ScreeningCase Case, ScreeningOutcome Outcome)>(BatchSize);
        foreach (var (line, c) in read())
        {
            if (done.Contains(c.Id))
            {
                skipped++;
                continue;
            }

            batch.Add((c, Located(() => screener.Classify(c), line, path)));
            if (batch.Count == BatchSize)
            {
                FlushLines(batch, recorder, Under(screener), lines);
            }
        }

        FlushLines(batch, recorder, Under(screener), lines);
        return skipped;
    }

    /// <summary>
    /// Checks <paramref name="cases"/> as <see cref="Run"/> does before its first write, writing nothing: for a caller
    /// that must refuse before its answer starts (the web API, whose status line goes out with the first result).
    /// </summary>
    public static void Check(RecordStore store, IClock clock, CaseScreener screener, ArrangementSet arrangements, IEnumerable<(long Line, ScreeningCase Case)> cases, string path)
    {
        ArgumentNullException.ThrowIfNull(screener);
        ArgumentNullException.ThrowIfNull(cases);
        var ledger = new LedgerRecord(store, arrangements, clock);
        ledger.RequireSameArrangements();
        var recorder = new ScreeningBatch(store, ledger, new DecisionRecord(store, clock), clock);
        CheckBeforeWriting(recorder, recorder.StoredCaseIds(), screener, cases, path);
    }

    /// <summary>
    /// The first pass of <see cref="Run"/>: every case read (the readers refuse bad fields and repeated ids) and
    /// classified, and every case under a stored id compared with its stored input; throws at the first problem.
    /// </summary>
    private static void CheckBeforeWriting(ScreeningBatch recorder, IReadOnlySet<string> done, CaseScreener screener, IEnumerable<(long Line, ScreeningCase Case)> cases, string path)
    {
        var resumed = new Dictionary<string, (long Line, string Input)>(StringComparer.Ordinal);
        foreach (var (line, c) in cases)
        {
            Located(() => screener.Classify(c), line, path);
            if (done.Contains(c.Id))
            {
                resumed[c.Id] = (line, CaseJsonReader.Write(c));
            }
        }

        if (resumed.Count == 0)
        {
            return;
        }

        var stored = recorder.StoredInputs(resumed.Keys);
        foreach (var (id, (line, input)) in resumed.OrderBy(r => r.Value.Line))
        {
            // The same case again is a resumed run: its input as stored is byte for byte what CaseJsonReader.Write gives.
            if (stored.TryGetValue(id, out var inputs) && !inputs.Contains(input, StringComparer.Ordinal))
            {
                throw new CaseIdConflictException(path, line, id);
            }
        }
    }

    /// <summary>The series the screener reads, as each batch's audit entry states it.</summary>
    private static ScreenedUnder Under(CaseScreener screener) => new(screener.SeriesName, screener.ModeledEncounters);

    /// <summary>Runs one screening step, turning a case the rules cannot decide into bad input at its line.</summary>
    private static T Located<T>(Func<T> screen, long line, string path)
    {
        try
        {
            return screen();
        }
        catch (UnknownPeriodException e)
        {
            throw new CaseInputException(path, line, "enteredAt", e.Message);
        }
        catch (ScreeningConflictException e)
        {
            throw new CaseInputException(path, line, null, e.Message);
        }
    }

    private static void FlushLines(List<(ScreeningCase Case, ScreeningOutcome Outcome)> batch, ScreeningBatch recorder, ScreenedUnder screenedUnder, CaseDecisionLineWriter lines)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var removable = batch.Where(b => b.Outcome.Removal.GoesToLedger()).ToList();
        var requests = removable.Select(b => new ReturnRequest(b.Case.Id, b.Case.Citizenship, b.Case.EntryInstant, b.Case.Has(CaseFacts.UnaccompaniedChild))).ToList();
        List<(FormattedDecision Line, ScreeningCase Input)> formatted = [];
        recorder.StoreLines(
            requests,
            allocated =>
            {
                var byCase = new Dictionary<ScreeningCase, RecordedAllocation>(ReferenceEqualityComparer.Instance);
                for (var i = 0; i < removable.Count; i++)
                {
                    byCase[removable[i].Case] = allocated[i];
                }

                formatted = batch.Select(b => (lines.Format(b.Case, b.Outcome, byCase.TryGetValue(b.Case, out var a) ? ToAllocation(a) : null), b.Case)).ToList();
                return formatted;
            },
            RuleSetVersion.Current,
            RuleSetVersion.EngineVersion,
            screenedUnder);
        foreach (var (line, _) in formatted)
        {
            lines.WriteFormatted(line);
        }

        batch.Clear();
    }

    private static void Flush(List<(long Line, ScreeningCase Case, ScreeningResult Result)> batch, ScreeningBatch recorder, ScreenedUnder screenedUnder, TextWriter output)
    {

        var removable = batch.Where(b => b.Result.Removal.GoesToLedger()).ToList();
        var requests = removable.Select(b => new ReturnRequest(b.Case.Id, b.Case.Citizenship, b.Case.EntryInstant, b.Case.Has(CaseFacts.UnaccompaniedChild))).ToList();
        List<(CaseDecision Decision, ScreeningCase Input)> built = [];
        recorder.Store(
            requests,
            allocated =>
            {
                var byCase = new Dictionary<ScreeningCase, RecordedAllocation>(ReferenceEqualityComparer.Instance);
                for (var i = 0; i < removable.Count; i++)
                {
                    byCase[removable[i].Case] = allocated[i];
                }

                built = batch.Select(b => (new CaseDecision(b.Result, byCase.TryGetValue(b.Case, out var a) ? ToAllocation(a) : null), b.Case)).ToList();
                return built;
            },
            RuleSetVersion.Current,
            RuleSetVersion.EngineVersion,
            screenedUnder);
        foreach (var (decision, _) in built)
        {
            output.WriteLine(JsonSerializer.Serialize(CaseDecisionJson.Build(decision), CaseDecisionJson.Compact));
        }

        batch.Clear();
    }

    /// <summary>
    /// The recorded allocation in the screening contract's terms: the ledger's own reason and citation (it decided the
    /// allocation inside the record's transaction), with the ledger event that stores it.
    /// </summary>
    private static ReturnAllocation ToAllocation(RecordedAllocation a)
    {
        var decided = a.Decision ?? throw new InvalidOperationException($"ledger event {a.Sequence}: allocated in this run but carries no decision");
        return decided with { Reason = $"{decided.Reason} (ledger event {a.Sequence} in the record)" };
    }
}
