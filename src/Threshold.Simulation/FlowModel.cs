using NodaTime;
using Threshold.Engine;
using Threshold.Population;
using Threshold.Returns;
using Threshold.Screening;

namespace Threshold.Simulation;

/// <summary>One policy of a scenario, prepared once: compiled by the engine and with its screening table.</summary>
internal sealed class PolicyContext(ScenarioPolicy policy, CompiledPolicy compiled, ScreeningTable table)
{
    public ScenarioPolicy Policy { get; } = policy;

    public CompiledPolicy Compiled { get; } = compiled;

    public ScreeningTable Table { get; } = table;

    /// <summary>The weights when the fear and officer shares are fixed (null when a path draws them).</summary>
    public Weights? FixedWeights { get; set; }
}

/// <summary>What one path produced under one policy, over the horizon days only.</summary>
internal struct PathOutcome
{
    public int DaysActive;
    public int Transitions;
    public int CapBindingDays;
    public long EncountersBetweenPorts;
    public long EncountersPorts;
    public long Subject;
    public long FearReferrals;
    public long ReturnedUnderArrangement;
    public long Overflow;
    public long MexicanNationalsReturned;
    public long RemovedToCitizenship;
    public long ContiguousReturns;
    public long MaxMonthlyUnderCaps;
    public int CapBindingMonths;
    public int Passes;
    public bool Converged;
}

/// <summary>
/// The flow model of one path under one policy (docs/simulation.md §Model). Each day: northbound migrants (the
/// calibrated level × season × weekday × exp(noise)); Mexico removes its share; people returned to Mexico earlier try
/// again; while the suspension applied <c>deterrence.lag_days</c> ago a share is deterred and part of that is
/// displaced to port-of-entry appointments, up to capacity. The day's counts go to the REAL engine
/// (<see cref="SuspensionReplay"/>), its people through the REAL screening answers (<see cref="ScreeningTable"/>) and
/// their removals through the REAL returns ledger (<see cref="ReturnsLedger.AllocateCount"/>).
/// </summary>
/// <remarks>
/// Attempts depend on past statuses and statuses on past counts. The whole path is solved as the fixed point of
/// "statuses → flows → engine → statuses", starting from no suspension. Every dependence is delayed by at least one
/// day (a determination takes effect the next day at the earliest; a re-attempt comes the day after the return), so
/// each pass fixes at least one more day: the iteration ends at the unique causal solution, normally in 2–4 passes.
/// A path that has not converged after <see cref="MaxPasses"/> is counted, never hidden.
/// </remarks>
internal sealed class FlowModel
{
    public const int MaxPasses = 64;

    private readonly Calibration calibration;
    private readonly LocalDate first;
    private readonly int days;
    private readonly int warmUp;
    private readonly int horizonStartMonthKey;
    private readonly bool[] weekend;
    private readonly double[] season;
    private readonly LocalDate[] dates;
    private readonly int[] monthOfDay;
    private readonly bool[] batchEnds;
    private readonly int[] batchStart;

    public FlowModel(Calibration calibration, LocalDate first, int days, int warmUp)
    {
        this.calibration = calibration;
        this.first = first;
        this.days = days;
        this.warmUp = warmUp;
        weekend = new bool[days];
        season = new double[days];
        dates = new LocalDate[days];
        for (var t = 0; t < days; t++)
        {
            var date = first.PlusDays(t);
            dates[t] = date;
            weekend[t] = date.DayOfWeek is IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday;
            season[t] = calibration.SeasonalFactor(date);
        }

        var start = first.PlusDays(warmUp);
        horizonStartMonthKey = (start.Year * 12) + start.Month - 1;
        monthOfDay = dates.Select(d => (d.Year * 12) + d.Month - 1 - horizonStartMonthKey).ToArray();

        // Removal batches end on Sundays, before a new month, before the horizon starts, and around every arrangement
        // date, so one batch never spans two cap months or two arrangement regimes.
        var boundaries = ArrangementSet.BuiltIn.Arrangements.SelectMany(a => a.To is { } to ? new[] { a.From, to.PlusDays(1) } : [a.From]).ToHashSet();
        batchEnds = new bool[days];
        for (var t = 0; t < days; t++)
        {
            var next = first.PlusDays(t + 1);
            batchEnds[t] = t == days - 1 || dates[t].DayOfWeek == IsoDayOfWeek.Sunday || next.Day == 1 || t + 1 == warmUp || boundaries.Contains(next);
        }

        batchStart = new int[days];
        for (var t = 1; t < days; t++)
        {
            batchStart[t] = batchEnds[t - 1] ? t : batchStart[t - 1];
        }
    }

    public int Days => days;

    public LocalDate First => first;

    /// <summary>Scratch arrays of one worker thread, reused path after path (nothing per path is kept).</summary>
    internal sealed class Workspace(int days, int removalKinds)
    {
        public readonly int[] BetweenPorts = new int[days];
        public readonly int[] Coastal = new int[days];
        public readonly int[] Ports = new int[days];
        public readonly int[] UcBetween = new int[days];
        public readonly int[] UcPorts = new int[days];
        public readonly double[] Carry = new double[removalKinds];
        public readonly int[] Counted = new int[days];
        public DayStatus[] Status = new DayStatus[days];
        public DayStatus[] Next = new DayStatus[days];

        /// <summary>The policy's own count averaged over the 7 days ending each day (0 before 7 days exist).</summary>
        public readonly double[] Average7 = new double[days];

        /// <summary>Returns to Mexico under capped arrangements in each month from the horizon's first month.</summary>
        public long[] MonthlyUnderCaps = [];

        /// <summary>Encounters between ports of entry (the USBP southwest figure, coast excluded) in each horizon month, horizon days only.</summary>
        public long[] MonthlyBetweenPorts = [];

        /// <summary>Returns to Mexico under an arrangement, and overflow, in each horizon month (horizon batches only).</summary>
        public long[] MonthlyUnderArrangement = [];

        public long[] MonthlyOverflow = [];

        /// <summary>The path's northbound migrants a day (<see cref="FlowModel.Northbound"/>).</summary>
        public readonly double[] Northbound = new double[days];

        /// <summary>Returns to Mexico of each removal batch in the last full pass (on the batch's last day; 0 elsewhere).</summary>
        public readonly double[] ToMexicoAtBatch = new double[days];

        /// <summary>The re-attempt pool at the start of each removal batch (the restart points of counts-only passes).</summary>
        public readonly double[] PoolAt = new double[days];

        /// <summary>The worker's ledger, cleared before each full pass (one future at a time).</summary>
        public readonly ReturnsLedger Ledger = new(ArrangementSet.BuiltIn, recordEvents: false);

        /// <summary>The path's parameter values (<see cref="PathDraw.Values"/>).</summary>
        public double[] Values = [];
    }

    /// <summary>Number of calendar months the horizon touches.</summary>
    public int HorizonMonths
    {
        get
        {
            var last = first.PlusDays(days - 1);
            return (last.Year * 12) + last.Month - 1 - horizonStartMonthKey + 1;
        }
    }

    /// <summary>Each day's count under the rule version in force that day (the engine's counting rule), averaged over 7 days.</summary>
    private void SevenDayAverages(PolicyContext policy, SuspensionTimeline timeline, Workspace ws)
    {
        var versions = policy.Compiled.Versions;
        var counted = ws.Counted;
        var buffer = versions.Count > 1 ? new int[days] : counted;
        for (var vi = 0; vi < versions.Count; vi++)
        {
            var from = vi == 0 ? 0 : Math.Max(0, Period.DaysBetween(first, versions[vi].From));
            var to = vi + 1 < versions.Count ? Math.Min(days, Period.DaysBetween(first, versions[vi + 1].From)) : days;
            if (to <= from)
            {
                continue;
            }

            versions[vi].Counting.CountInto(timeline.Series, buffer);
            if (!ReferenceEquals(buffer, counted))
            {
                Array.Copy(buffer, from, counted, from, to - from);
            }
        }

        long sum = 0;
        for (var t = 0; t < days; t++)
        {
            sum += counted[t];
            if (t >= 7)
            {
                sum -= counted[t - 7];
            }

            ws.Average7[t] = t >= 6 ? sum / 7.0 : 0;
        }
    }

    /// <summary>Solves one path under one policy; fills <paramref name="outcome"/> and returns the converged timeline.</summary>
    /// <remarks>
    /// Two kinds of pass: a full pass (screening weights and the returns ledger) and a counts-only pass that takes the
    /// returns to Mexico of the last full pass as given. Counts-only passes find the fixed point for those returns
    /// cheaply; a full pass then checks it with the real ledger. The answer is accepted only when a FULL pass under the
    /// candidate statuses gives the same statuses back, so the shortcut changes the cost, never the result.
    /// </remarks>
    /// <param name="ws">The worker's workspace, with the path's <see cref="Northbound"/> already filled in.</param>
    public SuspensionTimeline Run(PolicyContext policy, Workspace ws, ref PathOutcome outcome, Weights weights, bool keepDaily)
    {
        Array.Fill(ws.Status, DayStatus.Inactive);
        Array.Clear(ws.ToMexicoAtBatch);
        SuspensionTimeline timeline;
        var replays = 0;
        outcome = default;
        var from = 0;
        while (true)
        {
            // Counts-only passes until the statuses reproduce themselves under the current returns. Days before the
            // first changed status are unchanged, so each pass restarts there from the saved state of that day.
            while (true)
            {
                var ignored = default(PathOutcome);
                Pass(policy, ws, weights, ref ignored, full: false, from);
                timeline = Replay(policy, ws);
                replays++;
                from = ws.Next.AsSpan().CommonPrefixLength(ws.Status);
                if (from == days || replays >= MaxPasses)
                {
                    break;
                }

                (ws.Status, ws.Next) = (ws.Next, ws.Status);
            }

            outcome = default;
            Pass(policy, ws, weights, ref outcome, full: true, 0);
            timeline = Replay(policy, ws);
            replays++;
            outcome.Passes = replays;
            from = ws.Next.AsSpan().CommonPrefixLength(ws.Status);
            if (from == days)
            {
                outcome.Converged = true;
                break;
            }

            (ws.Status, ws.Next) = (ws.Next, ws.Status);
            if (replays >= MaxPasses)
            {
                break;
            }
        }

        Summarise(timeline, ws, ref outcome);
        if (keepDaily)
        {
            SevenDayAverages(policy, timeline, ws);
        }

        return timeline;
    }

    /// <summary>Runs the real engine over the workspace's count columns; the statuses go to <see cref="Workspace.Next"/>.</summary>
    private SuspensionTimeline Replay(PolicyContext policy, Workspace ws)
    {
        // The columns are the workspace's own arrays: the series is read by this replay (and the day's averages) only,
        // before the next pass overwrites them.
        var series = new EncounterSeries(
            "simulated path (MODELED)",
            first,
            days,
            new Dictionary<EncounterColumn, int[]>
            {
                [EncounterColumn.BetweenPorts] = ws.BetweenPorts,
                [EncounterColumn.Coastal] = ws.Coastal,
                [EncounterColumn.PortsOfEntry] = ws.Ports,
                [EncounterColumn.UcNoncontiguousBetweenPorts] = ws.UcBetween,
                [EncounterColumn.UcNoncontiguousPorts] = ws.UcPorts,
            },
            null,
            ["modeled: scenario simulator path"]);
        var timeline = SuspensionReplay.Run(policy.Compiled, series);
        timeline.Statuses.CopyTo(ws.Next);
        return timeline;
    }

    /// <summary>
    /// The path's northbound migrants each day before Mexico's enforcement: the calibrated level × level scale × month
    /// factor × weekday factor × exp(noise). The same for every policy and pass, so computed once per path.
    /// </summary>
    public void Northbound(PathDraw draw, Workspace ws)
    {
        var v = draw.Values;
        var level = calibration.NorthboundLevelPerDay * v[ParameterIndex.Of(ModelParameters.LevelScale)];
        var weekendFactor = v[ParameterIndex.Of(ModelParameters.WeekendFactor)];
        // Normalised so a week's mean factor is 1 whatever the weekend factor.
        var weekdayScale = 7 / (5 + (2 * weekendFactor));
        var noise = draw.Noise;
        ws.Values = v;
        for (var t = 0; t < days; t++)
        {
            ws.Northbound[t] = level * season[t] * (weekend[t] ? weekendFactor * weekdayScale : weekdayScale) * Math.Exp(noise[t]);
        }
    }

    /// <summary>
    /// One pass of the flows under the candidate statuses in <see cref="Workspace.Status"/>: fills the count columns and
    /// the outcome. Removals reach the ledger in weekly batches (Monday to Sunday, cut at month ends, at the horizon
    /// start and at arrangement start and end dates), dated the batch's last day: the cap's month and the arrangement in
    /// force are those of every day of the batch, and a re-attempt follows the batch [U: processing takes days].
    /// </summary>
    /// <param name="from">First day to recompute (counts-only passes); earlier days keep their columns and saved state.</param>
    private void Pass(PolicyContext policy, Workspace ws, Weights weights, ref PathOutcome o, bool full, int from)
    {
        var v = ws.Values;
        var mexico = v[ParameterIndex.Of(ModelParameters.MexicoEnforcement)];
        var deterrence = v[ParameterIndex.Of(ModelParameters.DeterrenceEffect)];
        var lag = (int)v[ParameterIndex.Of(ModelParameters.DeterrenceLag)];
        var displacement = v[ParameterIndex.Of(ModelParameters.DisplacementShare)];
        var capacity = v[ParameterIndex.Of(ModelParameters.Appointments)];
        var baseUse = v[ParameterIndex.Of(ModelParameters.AppointmentBaselineUse)] * capacity;
        var unscheduled = v[ParameterIndex.Of(ModelParameters.UnscheduledPoe)];
        var reencounter = v[ParameterIndex.Of(ModelParameters.ReencounterShare)];
        var leave = 1 / v[ParameterIndex.Of(ModelParameters.ReencounterDelay)];
        var table = policy.Table;
        var ucShare = table.UcNoncontiguousShare;
        var coastalShare = CoastalShare;
        var kinds = table.RemovalKinds;
        var kindCount = kinds.Count;
        var ledger = full ? ws.Ledger : null;
        ledger?.Clear();
        var carry = ws.Carry;
        if (full)
        {
            Array.Clear(carry);
            Array.Clear(ws.MonthlyBetweenPorts);
            Array.Clear(ws.MonthlyUnderArrangement);
            Array.Clear(ws.MonthlyOverflow);
        }
        var status = ws.Status;
        var northbound = ws.Northbound;
        // A counts-only pass restarts at the start of the batch holding day `from`, from the pool saved there.
        var t0 = from > 0 ? batchStart[from] : 0;
        var pool = t0 > 0 ? ws.PoolAt[t0] : 0.0;
        double contiguousBatch = 0, subject = 0, fear = 0, contiguous = 0;
        Span<double> flow = stackalloc double[4];

        // People of the open batch by (status, flow): the screening weights are per (regime, status), so a batch's
        // removals, referrals and returns are its summed flows times the weights, applied when the batch closes (or
        // the regime changes inside it).
        Span<double> sums = stackalloc double[StatusCount * 4];
        sums.Clear();
        var regime = weights.RegimeOf(t0);
        for (var t = t0; t < days; t++)
        {
            if (batchStart[t] == t)
            {
                ws.PoolAt[t] = pool;
            }

            var again = pool * leave;
            pool -= again;
            var attempts = (northbound[t] * (1 - mexico)) + again;
            var deterred = t >= lag && status[t - lag] == DayStatus.Active ? deterrence * attempts : 0;
            var crossing = attempts - deterred;
            flow[0] = crossing * (1 - coastalShare);
            flow[1] = crossing * coastalShare;
            flow[2] = Math.Min(capacity, baseUse + (displacement * deterred));
            flow[3] = unscheduled;
            var between = ws.BetweenPorts[t] = (int)Math.Round(flow[0]);
            var coastal = ws.Coastal[t] = (int)Math.Round(flow[1]);
            var ports = ws.Ports[t] = (int)Math.Round(flow[2] + flow[3]);
            ws.UcBetween[t] = (int)Math.Round((flow[0] * ucShare[0]) + (flow[1] * ucShare[1]));
            ws.UcPorts[t] = (int)Math.Round((flow[2] * ucShare[2]) + (flow[3] * ucShare[3]));

            var inHorizon = t >= warmUp;
            var dayRegime = weights.RegimeOf(t);
            if (dayRegime != regime)
            {
                // The horizon starts on a batch boundary, so a whole batch is in it or out of it.
                ApplyWeights(weights, regime, sums, carry, full, inHorizon, ref contiguousBatch, ref subject, ref fear, ref contiguous);
                regime = dayRegime;
            }

            var cell = sums.Slice((int)status[t] * 4, 4);
            cell[0] += flow[0];
            cell[1] += flow[1];
            cell[2] += flow[2];
            cell[3] += flow[3];
            if (full && inHorizon)
            {
                o.EncountersBetweenPorts += between + coastal;
                ws.MonthlyBetweenPorts[monthOfDay[t]] += between;
                o.EncountersPorts += ports;
            }

            if (!batchEnds[t])
            {
                continue;
            }

            ApplyWeights(weights, regime, sums, carry, full, inHorizon, ref contiguousBatch, ref subject, ref fear, ref contiguous);
            if (!full)
            {
                // Counts only: the returns to Mexico are those of the last full pass.
                pool += reencounter * (ws.ToMexicoAtBatch[t] + contiguousBatch);
                contiguousBatch = 0;
                continue;
            }

            long toMexico = 0;
            for (var k = 0; k < kindCount; k++)
            {
                var whole = Math.Round(carry[k]);
                if (whole < 1)
                {
                    continue;
                }

                carry[k] -= whole;
                var a = ledger!.AllocateCount(dates[t], kinds[k].Citizenship, kinds[k].UnaccompaniedChild, (long)whole);
                toMexico += a.ToMexico;
                if (inHorizon)
                {
                    o.ReturnedUnderArrangement += a.UnderArrangement;
                    o.Overflow += a.Overflow;
                    o.MexicanNationalsReturned += a.MexicanNationals;
                    o.RemovedToCitizenship += a.ToCitizenship;
                    ws.MonthlyUnderArrangement[monthOfDay[t]] += a.UnderArrangement;
                    ws.MonthlyOverflow[monthOfDay[t]] += a.Overflow;
                }
            }

            ws.ToMexicoAtBatch[t] = toMexico;
            pool += reencounter * (toMexico + contiguousBatch);
            contiguousBatch = 0;

        }

        o.Subject = (long)Math.Round(subject);
        o.FearReferrals = (long)Math.Round(fear);
        o.ContiguousReturns = (long)Math.Round(contiguous);
    }

    private static readonly int StatusCount = Enum.GetValues<DayStatus>().Length;

    /// <summary>
    /// Turns the summed flows of a batch (by status) into its contiguous returns, its removals by kind (into
    /// <paramref name="carry"/>) and, in the horizon, its people subject and fear referrals; then clears the sums.
    /// </summary>
    private static void ApplyWeights(Weights weights, int regime, Span<double> sums, double[] carry, bool full, bool inHorizon, ref double contiguousBatch, ref double subject, ref double fear, ref double contiguous)
    {
        var stride = weights.Stride;
        for (var s = 0; s < StatusCount; s++)
        {
            var cell = sums.Slice(s * 4, 4);
            if (cell[0] == 0 && cell[1] == 0 && cell[2] == 0 && cell[3] == 0)
            {
                continue;
            }

            var w = weights.For(regime, (DayStatus)s);
            for (var f = 0; f < 4; f++)
            {
                var n = cell[f];
                var row = w.Slice(f * stride, stride);
                var c = n * row[Weights.Contiguous];
                contiguousBatch += c;
                if (!full)
                {
                    continue;
                }

                if (inHorizon)
                {
                    subject += n * row[Weights.Subject];
                    fear += n * row[Weights.Fear];
                    contiguous += c;
                }

                var removals = row[Weights.FirstRemoval..];
                for (var k = 0; k < removals.Length; k++)
                {
                    carry[k] += n * removals[k];
                }
            }

            cell.Clear();
        }
    }

    /// <summary>The coastal share of people crossing outside ports (from the mix); set by the simulator.</summary>
    public double CoastalShare { get; init; }

    private void Summarise(SuspensionTimeline timeline, Workspace ws, ref PathOutcome o)
    {
        var statuses = timeline.Statuses;
        for (var t = warmUp; t < days; t++)
        {
            switch (statuses[t])
            {
                case DayStatus.Active:
                    o.DaysActive++;
                    break;
                case DayStatus.CapReached:
                    o.CapBindingDays++;
                    break;
            }
        }

        var start = first.PlusDays(warmUp);
        foreach (var tr in timeline.Transitions)
        {
            if (!tr.AfterSeriesEnd && tr.Cause is TransitionCause.Determination or TransitionCause.CapReached && tr.EffectiveDate >= start)
            {
                o.Transitions++;
            }
        }

        for (var m = 0; m < ws.MonthlyUnderArrangement.Length; m++)
        {
            ws.MonthlyUnderCaps[m] = ws.MonthlyUnderArrangement[m];
            o.MaxMonthlyUnderCaps = Math.Max(o.MaxMonthlyUnderCaps, ws.MonthlyUnderArrangement[m]);
            // The ledger overflows only once a monthly cap is used up: a month with overflow is a month at the cap.
            o.CapBindingMonths += ws.MonthlyOverflow[m] > 0 ? 1 : 0;
        }
    }
}
