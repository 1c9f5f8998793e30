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
    public SuspensionTimeline Run(PolicyContext policy, PathDraw draw, Workspace ws, ref PathOutcome outcome, Weights weights, bool keepDaily)
    {
        Array.Fill(ws.Status, DayStatus.Inactive);
        SuspensionTimeline? timeline = null;
        ReturnsLedger? ledger = null;
        outcome = default;
        for (var pass = 1; pass <= MaxPasses; pass++)
        {
            outcome = default;
            ledger = Pass(policy, draw, ws, weights, ref outcome);
            var series = new EncounterSeries(
                "simulated path (MODELED)",
                first,
                days,
                new Dictionary<EncounterColumn, int[]>
                {
                    [EncounterColumn.BetweenPorts] = (int[])ws.BetweenPorts.Clone(),
                    [EncounterColumn.Coastal] = (int[])ws.Coastal.Clone(),
                    [EncounterColumn.PortsOfEntry] = (int[])ws.Ports.Clone(),
                    [EncounterColumn.UcNoncontiguousBetweenPorts] = (int[])ws.UcBetween.Clone(),
                    [EncounterColumn.UcNoncontiguousPorts] = (int[])ws.UcPorts.Clone(),
                },
                null,
                ["modeled: scenario simulator path"]);
            timeline = SuspensionReplay.Run(policy.Compiled, series);
            timeline.Statuses.CopyTo(ws.Next);
            outcome.Passes = pass;
            if (ws.Next.AsSpan().SequenceEqual(ws.Status))
            {
                outcome.Converged = true;
                break;
            }

            (ws.Status, ws.Next) = (ws.Next, ws.Status);
        }

        Summarise(timeline!, ledger!, ws, ref outcome);
        if (keepDaily)
        {
            SevenDayAverages(policy, timeline!, ws);
        }

        return timeline!;
    }

    private ReturnsLedger Pass(PolicyContext policy, PathDraw draw, Workspace ws, Weights weights, ref PathOutcome o)
    {
        var v = draw.Values;
        var level = calibration.NorthboundLevelPerDay * v[ParameterIndex.Of(ModelParameters.LevelScale)];
        var weekendFactor = v[ParameterIndex.Of(ModelParameters.WeekendFactor)];
        // Normalised so a week's mean factor is 1 whatever the weekend factor.
        var weekdayScale = 7 / (5 + (2 * weekendFactor));
        var mexico = v[ParameterIndex.Of(ModelParameters.MexicoEnforcement)];
        var deterrence = v[ParameterIndex.Of(ModelParameters.DeterrenceEffect)];
        var lag = (int)v[ParameterIndex.Of(ModelParameters.DeterrenceLag)];
        var displacement = v[ParameterIndex.Of(ModelParameters.DisplacementShare)];
        var capacity = v[ParameterIndex.Of(ModelParameters.Appointments)];
        var baseUse = v[ParameterIndex.Of(ModelParameters.AppointmentBaselineUse)] * capacity;
        var unscheduled = v[ParameterIndex.Of(ModelParameters.UnscheduledPoe)];
        var reencounter = v[ParameterIndex.Of(ModelParameters.ReencounterShare)];
        var delay = v[ParameterIndex.Of(ModelParameters.ReencounterDelay)];
        var table = policy.Table;
        var ucShare = table.UcNoncontiguousShare;
        var coastalShare = CoastalShare;
        var kinds = table.RemovalKinds;
        var ledger = new ReturnsLedger(ArrangementSet.BuiltIn, recordEvents: false);
        Array.Clear(ws.Carry);
        Array.Clear(ws.MonthlyBetweenPorts);
        var status = ws.Status;
        var noise = draw.Noise;
        var pool = 0.0;
        Span<double> flow = stackalloc double[4];
        for (var t = 0; t < days; t++)
        {
            var northbound = level * season[t] * (weekend[t] ? weekendFactor * weekdayScale : weekdayScale) * Math.Exp(noise[t]);
            var again = pool / delay;
            pool -= again;
            var attempts = (northbound * (1 - mexico)) + again;
            var deterred = t >= lag && status[t - lag] == DayStatus.Active ? deterrence * attempts : 0;
            var crossing = attempts - deterred;
            flow[(int)Flow.BetweenPorts] = crossing * (1 - coastalShare);
            flow[(int)Flow.Coastal] = crossing * coastalShare;
            flow[(int)Flow.PortScheduled] = Math.Min(capacity, baseUse + (displacement * deterred));
            flow[(int)Flow.PortUnscheduled] = unscheduled;
            var between = ws.BetweenPorts[t] = (int)Math.Round(flow[0]);
            var coastal = ws.Coastal[t] = (int)Math.Round(flow[1]);
            var ports = ws.Ports[t] = (int)Math.Round(flow[2] + flow[3]);
            ws.UcBetween[t] = (int)Math.Round((flow[0] * ucShare[0]) + (flow[1] * ucShare[1]));
            ws.UcPorts[t] = (int)Math.Round((flow[2] * ucShare[2]) + (flow[3] * ucShare[3]));

            double subject = 0, fear = 0, contiguous = 0;
            var day = status[t];
            for (var f = 0; f < 4; f++)
            {
                var w = weights.For(t, day, (Flow)f);
                var n = flow[f];
                subject += n * w[Weights.Subject];
                fear += n * w[Weights.Fear];
                contiguous += n * w[Weights.Contiguous];
                for (var k = 0; k < kinds.Count; k++)
                {
                    ws.Carry[k] += n * w[Weights.FirstRemoval + k];
                }
            }

            var inHorizon = t >= warmUp;
            long toMexico = 0;
            for (var k = 0; k < kinds.Count; k++)
            {
                var whole = Math.Round(ws.Carry[k]);
                if (whole < 1)
                {
                    continue;
                }

                ws.Carry[k] -= whole;
                var a = ledger.AllocateCount(dates[t], kinds[k].Citizenship, kinds[k].UnaccompaniedChild, (long)whole);
                toMexico += a.ToMexico;
                if (inHorizon)
                {
                    o.ReturnedUnderArrangement += a.UnderArrangement;
                    o.Overflow += a.Overflow;
                    o.MexicanNationalsReturned += a.MexicanNationals;
                    o.RemovedToCitizenship += a.ToCitizenship;
                }
            }

            var contiguousWhole = (long)Math.Round(contiguous);
            pool += reencounter * (toMexico + contiguousWhole);
            if (inHorizon)
            {
                o.EncountersBetweenPorts += between + coastal;
                ws.MonthlyBetweenPorts[monthOfDay[t]] += between;
                o.EncountersPorts += ports;
                o.Subject += (long)Math.Round(subject);
                o.FearReferrals += (long)Math.Round(fear);
                o.ContiguousReturns += contiguousWhole;
            }
        }

        return ledger;
    }

    /// <summary>The coastal share of people crossing outside ports (from the mix); set by the simulator.</summary>
    public double CoastalShare { get; init; }

    private void Summarise(SuspensionTimeline timeline, ReturnsLedger ledger, Workspace ws, ref PathOutcome o)
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

        var report = ledger.Report();
        Array.Clear(ws.MonthlyUnderCaps);
        foreach (var line in report.MexicoBurden)
        {
            var m = (line.Month.Year * 12) + line.Month.Month - 1 - horizonStartMonthKey;
            if (m >= 0 && m < ws.MonthlyUnderCaps.Length)
            {
                ws.MonthlyUnderCaps[m] = line.UnderCaps;
                o.MaxMonthlyUnderCaps = Math.Max(o.MaxMonthlyUnderCaps, line.UnderCaps);
            }
        }

        foreach (var line in report.Arrangements)
        {
            if (line.Cap is { } cap && line.AllocatedToMexico >= cap && (line.Month.Year * 12) + line.Month.Month - 1 >= horizonStartMonthKey)
            {
                o.CapBindingMonths++;
            }
        }
    }
}
