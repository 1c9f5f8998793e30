using NodaTime;

namespace Threshold.Synthesis;

/// <summary>
/// A MODELED daily series (2024-01-01 .. 2025-01-19) derived from real monthly totals, with the
/// human-readable method notes that must travel with it and the numeric assumptions used.
/// </summary>
/// <param name="Days">One entry per calendar day, in date order, no gaps.</param>
/// <param name="MethodNotes">Lines describing sources and assumptions; each says the data are modeled. The first is the fixed provenance line <see cref="SynthesizedSeries.ProvenanceLine"/>.</param>
/// <param name="Assumptions">The numeric values of every assumption (also stated in <paramref name="MethodNotes"/>).</param>
public sealed record SynthesizedSeries(
    IReadOnlyList<SynthesizedDay> Days,
    IReadOnlyList<string> MethodNotes,
    SynthesisAssumptions Assumptions)
{
    /// <summary>The first method note and the first line of the CSV (after <c># </c>).</summary>
    public const string ProvenanceLine =
        "modeled: synthesised daily series derived from real monthly CBP/OHSS totals; not an official daily count";

    /// <summary>First day of the series.</summary>
    public static readonly LocalDate FirstDay = new(2024, 1, 1);

    /// <summary>Last day of the series: the day before Proclamation 10888 took effect (2025-01-20).</summary>
    public static readonly LocalDate LastDay = new(2025, 1, 19);
}

/// <summary>
/// The values of the MODELED assumptions used by <see cref="DailySeriesSynthesizer"/>.
/// </summary>
/// <param name="Parameters">The tunable shape parameters.</param>
/// <param name="PreProclamationLevel">between_ports daily level held from the end of May to 2024-06-04.</param>
/// <param name="PostProclamationLevel">between_ports level the 2024-06-05 decay tends to.</param>
/// <param name="JuneDecayRatePerDay">Exponential decay rate solved so June 2024 sums exactly.</param>
/// <param name="CoastalFillDailyRate">Mean daily coastal rate of Sep–Nov 2024 used for Dec 2024 and Jan 2025.</param>
/// <param name="CoastalDecember2024Fill">Coastal total assumed for December 2024.</param>
/// <param name="January2025">Per column: the real (or filled) January 2025 total and its split at 2025-01-20.</param>
public sealed record SynthesisAssumptions(
    SynthesisParameters Parameters,
    double PreProclamationLevel,
    double PostProclamationLevel,
    double JuneDecayRatePerDay,
    double CoastalFillDailyRate,
    int CoastalDecember2024Fill,
    IReadOnlyList<January2025Split> January2025);

/// <summary>How a column's January 2025 monthly total was split between 1–19 and 20–31 January (MODELED).</summary>
/// <param name="Column">CSV column name.</param>
/// <param name="MonthTotal">Real January 2025 total (coastal: the fill rate × 31).</param>
/// <param name="AssumedJanuary20To31">Part assumed to fall on 20–31 January.</param>
/// <param name="January1To19">Part spread over 1–19 January (the modeled series' subtotal).</param>
public sealed record January2025Split(string Column, int MonthTotal, int AssumedJanuary20To31, int January1To19);

/// <summary>Tunable MODELED shape parameters. <see cref="Default"/> holds the documented values.</summary>
public sealed record SynthesisParameters
{
    /// <summary>The documented parameter values used for <c>data/modeled</c>.</summary>
    public static SynthesisParameters Default { get; } = new();

    /// <summary>
    /// between_ports level just before the proclamation, as a multiple of the May 2024 mean daily
    /// rate (1.12 × 3,803.4 = 4,259.8). Calibrated to the reported "about 4,000 daily" and the
    /// "more than 50% drop" statements.
    /// </summary>
    public double PreProclamationFactor { get; init; } = 1.12;

    /// <summary>
    /// Level the post-2024-06-05 exponential decay tends to, as a multiple of the July 2024 mean
    /// daily rate of between_ports.
    /// </summary>
    public double PostProclamationFactor { get; init; } = 1.0;

    /// <summary>Number of last reported KHSM months (Sep–Nov 2024) whose mean daily rate fills coastal Dec 2024 and Jan 2025.</summary>
    public int CoastalFillMonths { get; init; } = 3;
}
