using NodaTime;

namespace Threshold.Synthesis;

/// <summary>
/// A MODELED daily series (2024-01-01 through its edition's last day) derived from real monthly totals, with the
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

    /// <summary>First day of every edition.</summary>
    public static readonly LocalDate FirstDay = DailySeriesSynthesizer.FirstDay;

    /// <summary>Last day of the earlier edition: the day before Proclamation 10888 took effect (2025-01-20).</summary>
    public static readonly LocalDate LastDay = DailySeriesSynthesizer.Before10888LastDay;
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
    IReadOnlyList<January2025Split> January2025)
{
    /// <summary>The series' last day (inclusive).</summary>
    public LocalDate LastDay { get; init; } = DailySeriesSynthesizer.Before10888LastDay;

    /// <summary>Per filled column: where its source ends and the rate that fills the months after (empty for a column reported throughout).</summary>
    public IReadOnlyList<SourceFill> Fills { get; init; } = [];

    /// <summary>The 2025-01-20 break of between_ports (editions that cover all of January 2025), or null.</summary>
    public January2025Break? January2025Break { get; init; }

    /// <summary>The reported single days the series holds at their reported value.</summary>
    public IReadOnlyList<ReportedDay> ReportedDays { get; init; } = [];
}

/// <summary>How a column is filled after its source's last month (MODELED, an assumption [U]).</summary>
/// <param name="Column">CSV column name.</param>
/// <param name="File">The source file in <c>data/source</c>.</param>
/// <param name="LastReportedMonth">The last month of the source (contiguous from December 2023).</param>
/// <param name="FirstFilledMonth">The first filled month, or null when the source covers every month needed.</param>
/// <param name="DailyRate">The fill: the mean daily rate of the last <paramref name="FromMonths"/> reported months (per day).</param>
/// <param name="FromMonths">How many reported months the rate is taken over.</param>
public sealed record SourceFill(string Column, string File, YearMonth LastReportedMonth, YearMonth? FirstFilledMonth, double DailyRate, int FromMonths);

/// <summary>The 2025-01-20 break of between_ports (Proclamation 10888), all MODELED.</summary>
/// <param name="PreLevel">Level held on 1–19 January 2025 (per day), solved so the 30 days from 20 January carry <paramref name="ThirtyDayTotal"/>.</param>
/// <param name="PostLevel">Level the decay from 20 January tends to: the February 2025 daily rate times its factor.</param>
/// <param name="DecayRatePerDay">Exponential decay rate solved so January 2025 sums exactly.</param>
/// <param name="ThirtyDayTotal">The reported between_ports + ports_of_entry total of 2025-01-20 .. 2025-02-18 [S].</param>
/// <param name="January1To19">between_ports on 1–19 January (real-valued, before rounding).</param>
public sealed record January2025Break(double PreLevel, double PostLevel, double DecayRatePerDay, int ThirtyDayTotal, double January1To19);

/// <summary>A reported single-day figure the series holds exactly (a reported record low, for example).</summary>
/// <param name="Date">The day (Eastern calendar).</param>
/// <param name="Value">The reported between_ports count that day.</param>
/// <param name="Mark">The verification mark of the report: [V], [V-off], [S] or [U].</param>
/// <param name="Source">Who reported it and where.</param>
public sealed record ReportedDay(LocalDate Date, int Value, string Mark, string Source);

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

    /// <summary>Number of last reported months whose mean daily rate fills ports_of_entry and the UC columns after their sources end (Aug 2025).</summary>
    public int SourceFillMonths { get; init; } = 3;

    /// <summary>Level the 2025-01-20 decay tends to, as a multiple of the February 2025 daily rate of between_ports.</summary>
    public double PostProclamation10888Factor { get; init; } = 1.0;

    /// <summary>
    /// CBP southwest encounters (between ports + ports of entry) over the 30 days from 2025-01-20: "around 15,700", the
    /// "lowest 30-day total since April 2017" [S] (data/source/reported_daily_and_7day_avg_figures_2023_2025.csv).
    /// </summary>
    public int ThirtyDaysFrom10888 { get; init; } = 15_700;

    /// <summary>Reported single days held exactly: the record lows of June and July 2025 (LEGAL-REVIEW-2026-12 §2.5).</summary>
    public IReadOnlyList<ReportedDay> ReportedDays { get; init; } =
    [
        new(new LocalDate(2025, 6, 28), 136, "[S]", "CBP June 2025 update as reported: low of 136 on June 28, https://www.finanznachrichten.de/nachrichten-2025-07/65921296-cbp-reports-major-border-enforcement-wins-in-june-020.htm"),
        new(new LocalDate(2025, 7, 20), 88, "[V-off]", "DHS July 2025 release (repost): single-day low of 88 on July 20, https://www.einpresswire.com/article/836280126/history-made-again-trump-administration-crushes-border-records-in-july"),
    ];
}
