using NodaTime;
using Threshold.Engine;
using Threshold.Population;
using Threshold.Screening;

namespace Threshold.Simulation;

/// <summary>The four flows the model moves: people between ports, on the southern coast, and at ports of entry with or without an appointment.</summary>
public enum Flow
{
    BetweenPorts,
    Coastal,
    PortScheduled,
    PortUnscheduled,
}

/// <summary>A kind of removal the ledger is asked about: a nationality (ISO alpha-2; "ZZ" for the small remainder) and whether the people are unaccompanied children.</summary>
public readonly record struct RemovalKind(string Citizenship, bool UnaccompaniedChild);

/// <summary>
/// The REAL screener's answer for each kind of person under each day status, tabulated once per policy so that counts,
/// not individuals, can flow through it. Under every status the engine can give a day, every kind of case (flow ×
/// nationality × unaccompanied child × fear × officer exception) is classified by
/// <see cref="CaseScreener.ClassifyWithStatus"/> — the same labelled exceptions, court orders and removal paths as
/// <c>./threshold screen</c> — once for each court-order relief over the days (the only way a day enters the answer,
/// <see cref="CaseScreener.ReliefAt"/>). Days with identical answers share one regime, so the table is small.
/// </summary>
/// <remarks>
/// The mix of kinds (shares) is the REAL mix of <see cref="PopulationMix"/> for the scenario's mix month; the fear and
/// officer-exception shares are model parameters and enter only as weights (<see cref="Weights"/>), so sensitivity runs
/// reuse the tabulated outcomes. The representative entry instant of a day is 12:00 noon Eastern.
/// </remarks>
public sealed class ScreeningTable
{
    /// <summary>
    /// Nationalities kept by name in each place's mix; the rest are lumped as "ZZ". No named-nationality arrangement takes
    /// ZZ, but an any-nationality one (Mexico's humanitarian acceptance from 2025-01-20 [S]) does, like any other country.
    /// </summary>
    public const int NamedNationalities = 12;

    /// <summary>The code of the lumped remainder (ISO 3166-1 user-assigned "ZZ").</summary>
    public const string Remainder = "ZZ";

    private static readonly string[] AlwaysNamed = ["CU", "HT", "NI", "VE"];
    private static readonly DayStatus[] Statuses = Enum.GetValues<DayStatus>();

    private readonly Kind[] kinds;
    private readonly int[] regimeOfDay;
    private readonly Outcome[][] outcomes;

    private ScreeningTable(Kind[] kinds, RemovalKind[] removalKinds, int[] regimeOfDay, Outcome[][] outcomes, double[] ucNoncontiguousShare)
    {
        this.kinds = kinds;
        RemovalKinds = removalKinds;
        this.regimeOfDay = regimeOfDay;
        this.outcomes = outcomes;
        UcNoncontiguousShare = ucNoncontiguousShare;
    }

    /// <summary>The distinct (nationality, child) removals the table can produce, in a fixed order.</summary>
    public IReadOnlyList<RemovalKind> RemovalKinds { get; }

    /// <summary>Per flow, the share of people who are non-contiguous unaccompanied children (for the engine's count columns).</summary>
    public IReadOnlyList<double> UcNoncontiguousShare { get; }

    /// <summary>Number of distinct regimes (sets of answers) over the days.</summary>
    public int RegimeCount => outcomes.Length;

    /// <summary>The regime of every day, by index from the table's first day.</summary>
    internal ReadOnlySpan<int> RegimeOfDay => regimeOfDay;

    /// <summary>The table for <paramref name="screener"/>'s policy over the days from <paramref name="first"/> for <paramref name="days"/> days.</summary>
    public static ScreeningTable Build(CaseScreener screener, PopulationMix mix, LocalDate first, int days) => Build(screener, mix, first, days, everyDay: false);

    /// <param name="everyDay">Screen every day on its own rather than one day per court-order relief (the reference the tests compare with).</param>
    internal static ScreeningTable Build(CaseScreener screener, PopulationMix mix, LocalDate first, int days, bool everyDay)
    {
        ArgumentNullException.ThrowIfNull(screener);
        ArgumentNullException.ThrowIfNull(mix);
        var kinds = Kinds(mix, out var ucShare);
        var removalKinds = kinds.Select(k => k.Removal).Distinct().ToArray();
        var removalIndex = removalKinds.Select((r, i) => (r, i)).ToDictionary(x => x.r, x => x.i);
        foreach (ref var k in kinds.AsSpan())
        {
            k = k with { RemovalIndex = removalIndex[k.Removal] };
        }

        // The screener reads a day only through the court-order relief in force at its noon entry
        // (CaseScreener.ReliefAt), so the days are screened once per relief: a three-year horizon has a handful of them,
        // not 1,100 days × statuses × kinds of classification. Days with the same relief share one row.
        var screened = new Outcome[days][];
        var byRelief = new Dictionary<Component, Outcome[]>();
        for (var d = 0; d < days; d++)
        {
            var date = first.PlusDays(d);
            var noon = date.At(new LocalTime(12, 0)).InZoneLeniently(EasternTime.Zone).ToOffsetDateTime();
            var relief = screener.ReliefAt(noon);
            if (everyDay || !byRelief.TryGetValue(relief, out var row))
            {
                row = ScreenDay(screener, kinds, noon, date);
                byRelief.TryAdd(relief, row);
            }

            screened[d] = row;
        }

        var regimeOfDay = new int[days];
        var regimes = new List<Outcome[]>();
        Outcome[]? previous = null;
        for (var d = 0; d < days; d++)
        {
            var row = screened[d];
            if (previous is null || !row.AsSpan().SequenceEqual(previous))
            {
                var same = regimes.FindIndex(r => r.AsSpan().SequenceEqual(row));
                if (same < 0)
                {
                    regimes.Add(row);
                    same = regimes.Count - 1;
                }

                previous = regimes[same];
                regimeOfDay[d] = same;
            }
            else
            {
                regimeOfDay[d] = regimeOfDay[d - 1];
            }
        }

        return new ScreeningTable(kinds, removalKinds, regimeOfDay, [.. regimes], ucShare);
    }

    /// <summary>Every kind of case under every status, entering at <paramref name="noon"/> on <paramref name="date"/>: one row of the table.</summary>
    private static Outcome[] ScreenDay(CaseScreener screener, Kind[] kinds, OffsetDateTime noon, LocalDate date)
    {
        var day = new Outcome[Statuses.Length * kinds.Length];
        for (var s = 0; s < Statuses.Length; s++)
        {
            for (var k = 0; k < kinds.Length; k++)
            {
                var c = kinds[k].Case with { EnteredAt = noon };
                var o = screener.ClassifyWithStatus(c, Statuses[s], date);
                day[(s * kinds.Length) + k] = new Outcome(o.SuspensionApplies, o.FearReferral, o.Removal);
            }
        }

        return day;
    }

    /// <summary>
    /// The per-person coefficients of every regime and status under the given fear and officer-exception shares: for
    /// each flow, the share subject to the suspension, the share referred to fear screening, the share returned to
    /// contiguous territory and, per removal kind, the share removable.
    /// </summary>
    public Weights Weigh(double fearShare, double officerShare)
    {
        var flows = Enum.GetValues<Flow>().Length;
        var rk = RemovalKinds.Count;
        var w = new Weights(outcomes.Length, Statuses.Length, flows, rk, regimeOfDay);
        for (var r = 0; r < outcomes.Length; r++)
        {
            for (var s = 0; s < Statuses.Length; s++)
            {
                for (var k = 0; k < kinds.Length; k++)
                {
                    var kind = kinds[k];
                    var o = outcomes[r][(s * kinds.Length) + k];
                    var weight = kind.Share * (kind.Fear ? fearShare : 1 - fearShare) * (kind.Child ? 1 : kind.Officer ? officerShare : 1 - officerShare);
                    if (weight == 0)
                    {
                        continue;
                    }

                    var f = (int)kind.Flow;
                    if (o.Subject)
                    {
                        w.Add(r, s, f, Weights.Subject, weight);
                    }

                    if (o.FearReferral)
                    {
                        w.Add(r, s, f, Weights.Fear, weight);
                    }

                    if (o.Removal == RemovalPath.ContiguousReturn)
                    {
                        w.Add(r, s, f, Weights.Contiguous, weight);
                    }
                    else if (o.Removal.GoesToLedger())
                    {
                        w.Add(r, s, f, Weights.FirstRemoval + kind.RemovalIndex, weight);
                    }
                }
            }
        }

        return w.Sealed();
    }

    /// <summary>Every kind of case of each flow, with its share of the flow (before the fear and officer weights).</summary>
    private static Kind[] Kinds(PopulationMix mix, out double[] ucNoncontiguous)
    {
        var list = new List<Kind>();
        var between = mix.For(EntryPlace.BetweenPorts);
        var coastal = mix.For(EntryPlace.Coastal);
        var ports = mix.For(EntryPlace.PortOfEntry);
        ucNoncontiguous = new double[4];
        (Flow Flow, PlaceMix Place, EntryPlace At, CaseFacts Extra)[] flows =
        [
            (Flow.BetweenPorts, between, EntryPlace.BetweenPorts, CaseFacts.None),
            (Flow.Coastal, coastal, EntryPlace.Coastal, CaseFacts.None),
            (Flow.PortScheduled, ports, EntryPlace.PortOfEntry, CaseFacts.ScheduledArrival),
            (Flow.PortUnscheduled, ports, EntryPlace.PortOfEntry, CaseFacts.None),
        ];
        foreach (var (flow, place, at, extra) in flows)
        {
            // Appointments are made by adults and families; children alone arrive without one.
            var uc = flow == Flow.PortScheduled ? 0 : place.UnaccompaniedChildShare;
            ucNoncontiguous[(int)flow] = uc * (1 - place.UcMexicoShare);
            foreach (var (code, share) in Named(place.NotUc))
            {
                foreach (var fear in new[] { false, true })
                {
                    foreach (var officer in new[] { false, true })
                    {
                        list.Add(new Kind(flow, (1 - uc) * share, fear, officer, false, new RemovalKind(code, false), Case(at, code, extra, fear, officer, false), 0));
                    }
                }
            }

            if (uc > 0)
            {
                foreach (var fear in new[] { false, true })
                {
                    list.Add(new Kind(flow, uc * place.UcMexicoShare, fear, false, true, new RemovalKind(CountryCodes.Mexico, true), Case(at, CountryCodes.Mexico, extra, fear, false, true), 0));
                    list.Add(new Kind(flow, uc * (1 - place.UcMexicoShare), fear, false, true, new RemovalKind(Remainder, true), Case(at, Remainder, extra, fear, false, true), 0));
                }
            }
        }

        return [.. list];
    }

    /// <summary>The largest nationalities by name (and the Mexico-arrangement ones always), the rest lumped as <see cref="Remainder"/>.</summary>
    private static IEnumerable<(string Code, double Share)> Named(IReadOnlyList<NationalityShare> mix)
    {
        var named = mix.Take(NamedNationalities).Concat(mix.Where(n => AlwaysNamed.Contains(n.Code))).DistinctBy(n => n.Code).ToArray();
        foreach (var n in named)
        {
            yield return (n.Code, n.Share);
        }

        var rest = 1 - named.Sum(n => n.Share);
        if (rest > 1e-12)
        {
            yield return (Remainder, rest);
        }
    }

    private static ScreeningCase Case(EntryPlace place, string citizenship, CaseFacts extra, bool fear, bool officer, bool child) => new(
        "simulated",
        default,
        place,
        citizenship,
        extra | (fear ? CaseFacts.ManifestsFear : CaseFacts.None) | (child ? CaseFacts.UnaccompaniedChild : CaseFacts.None),
        officer ? OfficerDiscretion.Totality : OfficerDiscretion.None,
        null);

    private readonly record struct Outcome(bool Subject, bool FearReferral, RemovalPath Removal);

    private readonly record struct Kind(Flow Flow, double Share, bool Fear, bool Officer, bool Child, RemovalKind Removal, ScreeningCase Case, int RemovalIndex);
}

/// <summary>
/// Per-person coefficients by (regime, status, flow): subject, fear referral, contiguous return and each removal kind.
/// A day's quantities are its flow counts times the coefficients of its regime and status.
/// </summary>
public sealed class Weights
{
    public const int Subject = 0;
    public const int Fear = 1;
    public const int Contiguous = 2;
    public const int FirstRemoval = 3;

    private readonly double[] values;
    private readonly int statuses;
    private readonly int flows;
    private readonly int stride;
    private readonly int[] regimeOfDay;
    private readonly int regimes;

    // Per regime, bit s set when some coefficient under status s is not zero (after Sealed).
    private int[] weighed = [];

    internal Weights(int regimes, int statuses, int flows, int removalKinds, int[] regimeOfDay)
    {
        this.regimes = regimes;
        this.statuses = statuses;
        this.flows = flows;
        stride = FirstRemoval + removalKinds;
        RemovalKinds = removalKinds;
        values = new double[regimes * statuses * flows * stride];
        this.regimeOfDay = regimeOfDay;
    }

    public int RemovalKinds { get; }

    public int Stride => stride;

    internal void Add(int regime, int status, int flow, int slot, double weight) => values[Offset(regime, status, flow) + slot] += weight;

    /// <summary>Notes which statuses weigh anything in each regime (<see cref="Weighed"/>) once every coefficient is added.</summary>
    internal Weights Sealed()
    {
        weighed = new int[regimes];
        for (var r = 0; r < regimes; r++)
        {
            for (var s = 0; s < statuses; s++)
            {
                weighed[r] |= For(r, (DayStatus)s).ContainsAnyExcept(0.0) ? 1 << s : 0;
            }
        }

        return this;
    }

    /// <summary>
    /// Bit s set when some coefficient of <paramref name="regime"/> under status s is not zero. People counted under
    /// any other status weigh nothing: no one is subject, referred, returned or removed (e.g. days the suspension is
    /// not in force).
    /// </summary>
    public int Weighed(int regime) => weighed[regime];

    /// <summary>The regime (set of screening answers) of a day, by index from the table's first day.</summary>
    public int RegimeOf(int day) => regimeOfDay[day];

    /// <summary>The coefficients of every flow in a regime under a status, flow after flow (<see cref="Stride"/> each).</summary>
    public ReadOnlySpan<double> For(int regime, DayStatus status) => values.AsSpan(Offset(regime, (int)status, 0), stride * flows);

    private int Offset(int regime, int status, int flow) => (((regime * statuses) + status) * flows + flow) * stride;
}
