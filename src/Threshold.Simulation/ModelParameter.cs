using System.Globalization;
using Threshold.Law;

namespace Threshold.Simulation;

/// <summary>
/// One documented parameter of the flow model: its name in scenario files, its unit, its default, the range a scenario
/// may give it (inclusive), the plausible range the sensitivity table swings it over, and where the default comes from
/// (a file in <c>data/source</c> or a LEGAL-SPEC section) with a verification mark. A parameter without a source is an
/// assumption: mark <see cref="VerificationStatus.Unverified"/> ([U]) and says so in <see cref="Source"/>.
/// </summary>
/// <param name="Name">Key under <c>parameters:</c> in a scenario, e.g. <c>mexico.enforcement_share</c>.</param>
/// <param name="Unit">What the number measures, e.g. "share of northbound migrants (0–1)".</param>
/// <param name="Default">The value used when a scenario does not set it (calibrated ones are replaced by <see cref="Calibration"/>).</param>
/// <param name="Minimum">Smallest value a scenario may give (inclusive).</param>
/// <param name="Maximum">Largest value a scenario may give (inclusive).</param>
/// <param name="PlausibleLow">Low end of the plausible range, swung in the sensitivity table.</param>
/// <param name="PlausibleHigh">High end of the plausible range.</param>
/// <param name="Mark">[V], [V-off], [S] or [U], carried into every output that uses the parameter.</param>
/// <param name="Source">The file and row, or the LEGAL-SPEC section, or "assumption" and why.</param>
public sealed record ModelParameter(
    string Name,
    string Unit,
    double Default,
    double Minimum,
    double Maximum,
    double PlausibleLow,
    double PlausibleHigh,
    VerificationStatus Mark,
    string Source)
{
    /// <summary>The mark as written in the spec, e.g. "[V-off]".</summary>
    public string MarkText => "[" + VerificationStatusCodes.Code(Mark) + "]";

    public static string Format(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);

    /// <summary>Whether a scenario (or a caller fixing a value) may give <paramref name="value"/>: inside the range, not NaN.</summary>
    internal bool Allows(double value) => value >= Minimum && value <= Maximum;

    /// <summary>The range rule in words, for errors: "name (unit) must be between minimum and maximum".</summary>
    internal string RangeRule => $"{Name} ({Unit}) must be between {Format(Minimum)} and {Format(Maximum)}";
}

/// <summary>
/// The catalogue of flow-model parameters. Names are stable: they are the keys of scenario files, JSON and CSV outputs.
/// Defaults that come from data are replaced by the figures <see cref="Calibration"/> derives when it is loaded.
/// </summary>
public static class ModelParameters
{
    public const string LevelScale = "flow.level_scale";
    public const string NoisePersistence = "flow.noise_persistence";
    public const string NoiseSd = "flow.noise_sd";
    public const string WeekendFactor = "flow.weekend_factor";
    public const string MexicoEnforcement = "mexico.enforcement_share";
    public const string DeterrenceEffect = "deterrence.effect";
    public const string DeterrenceLag = "deterrence.lag_days";
    public const string DisplacementShare = "displacement.share";
    public const string Appointments = "poe.appointments_per_day";
    public const string AppointmentBaselineUse = "poe.appointment_baseline_use";
    public const string UnscheduledPoe = "poe.unscheduled_per_day";
    public const string ReencounterShare = "reencounter.share";
    public const string ReencounterDelay = "reencounter.mean_delay_days";
    public const string FearManifestation = "fear.manifestation_share";
    public const string OfficerExceptionShare = "exceptions.officer_share";

    private const string CalibrationFile = "data/source/reported_calibration_inputs.csv";

    /// <summary>Every parameter, in the order outputs list them (defaults before calibration).</summary>
    public static IReadOnlyList<ModelParameter> Catalogue { get; } =
    [
        new(LevelScale, "multiplier on the calibrated northbound level", 1.0, 0.05, 10.0, 0.75, 1.25, VerificationStatus.Unverified,
            "assumption: 1 reproduces the calibrated level (docs/simulation.md §Calibration); the range is a what-if on migration pressure"),
        new(NoisePersistence, "daily AR(1) coefficient of log attempts", 0.98, 0.0, 0.9999, 0.95, 0.995, VerificationStatus.VerifiedOfficial,
            "calibrated from the lag-1 autocorrelation of deseasonalised monthly USBP southwest encounters, FY2010–FY2019 (data/source/usbp_khsm_monthly_region_fy2000_fy2025nov.csv)"),
        new(NoiseSd, "stationary standard deviation of log attempts", 0.15, 0.0, 2.0, 0.08, 0.25, VerificationStatus.VerifiedOfficial,
            "calibrated from the spread of deseasonalised monthly USBP southwest encounters around their 12-month mean, FY2010–FY2019 (data/source/usbp_khsm_monthly_region_fy2000_fy2025nov.csv)"),
        new(WeekendFactor, "Saturday and Sunday attempts relative to weekdays", 1.0, 0.5, 1.5, 0.85, 1.15, VerificationStatus.Unverified,
            "assumption: no public daily series exists (data/source/README.md), so the day-of-week pattern is flat by default"),
        new(MexicoEnforcement, "share of northbound migrants Mexico removes before the border (0–1)", 0.472, 0.0, 0.95, 0.221, 0.6, VerificationStatus.Secondary,
            $"derived: Q1 2024 UPM events 359,697 / (359,697 + Q1 2024 USBP southwest 402,329) ({CalibrationFile}, row 'Mexico interdictions (UPM eventos), quarter'; usbp_swb_monthly_encounters_2017_2026_cbp_published.csv); press-relayed [S]; events are not persons [U]"),
        new(DeterrenceEffect, "share of attempts deterred while the suspension applies (0–1)", 0.44, 0.0, 0.95, 0.25, 0.6, VerificationStatus.Unverified,
            "derived: 1 − (July 2024 ÷ May 2024 USBP per day) ÷ (July ÷ May seasonal factor) (usbp_swb_monthly_encounters_2017_2026_cbp_published.csv); attributing the whole residual fall to the suspension is an assumption [U]"),
        new(DeterrenceLag, "days from a change in status to the response of attempts", 7, 0, 90, 0, 30, VerificationStatus.Unverified,
            "assumption: the 2024 fall was visible within about three weeks (LEGAL-SPEC §7: 7-day average under 2,400 by June 25)"),
        new(DisplacementShare, "share of deterred attempts that seek a port-of-entry appointment instead (0–1)", 0.25, 0.0, 1.0, 0.0, 0.6, VerificationStatus.Unverified,
            "assumption: no published figure; bounded by appointment capacity"),
        new(Appointments, "CBP One appointments a day at southwest ports of entry", 1450, 0, 10000, 1000, 1450, VerificationStatus.VerifiedOfficial,
            $"LEGAL-SPEC §8 row 20; {CalibrationFile} row 'CBP One appointments available per day' (cbp.gov, from 2023-06-30)"),
        new(AppointmentBaselineUse, "share of appointment capacity used without displaced demand (0–1)", 0.95, 0.0, 1.0, 0.85, 1.0, VerificationStatus.Unverified,
            $"assumption: about 1,210 scheduled a day Jan 2023–Jan 2024 against 1,000–1,450 available ({CalibrationFile}, row 'CBP One appointments scheduled, cumulative')"),
        new(UnscheduledPoe, "other port-of-entry inadmissibles a day (not by appointment)", 113, 0, 20000, 0, 400, VerificationStatus.VerifiedOfficial,
            $"derived: June 2024 OFO southwest Title 8 inadmissibles 46,883 ÷ 30 − 1,450 appointments ({CalibrationFile})"),
        new(ReencounterShare, "share of people returned to Mexico who try again (0–1)", 0.14, 0.0, 1.0, 0.14, 0.38, VerificationStatus.VerifiedOfficial,
            $"{CalibrationFile} row 'One-year re-encounter rate, average' FY2014–FY2019 (14%); 26–38% under Title 42 as the high end"),
        new(ReencounterDelay, "mean days from a return to Mexico to the next attempt", 30, 1, 365, 14, 90, VerificationStatus.Unverified,
            "assumption: no published figure; exponential delay"),
        new(FearManifestation, "share of people subject to the suspension who manifest fear (0–1)", 0.24, 0.0, 1.0, 0.24, 0.55, VerificationStatus.Secondary,
            $"{CalibrationFile} rows 'Share of ER-processed noncitizens recorded as manifesting fear' (24% under the rule) and '… before IFR' (55%); DHS declaration relayed by press [S]"),
        new(OfficerExceptionShare, "share of adults excepted by an officer (totality of the circumstances, 10773 §3(b)(vi))", 0.02, 0.0, 0.5, 0.0, 0.1, VerificationStatus.Unverified,
            "assumption: no published figure (LEGAL-SPEC §1.6: a discretionary decision, an input, not computed)"),
    ];

    private static readonly Dictionary<string, ModelParameter> ByName = Catalogue.ToDictionary(p => p.Name, StringComparer.Ordinal);

    public static bool TryGet(string name, out ModelParameter parameter) => ByName.TryGetValue(name, out parameter!);

    public static ModelParameter Get(string name) => ByName[name];

    /// <summary>Named presets of Mexico's enforcement (scenario: <c>mexico.enforcement_share: {preset: 2023}</c>).</summary>
    public static IReadOnlyDictionary<string, (double Share, string Source)> MexicoPresets { get; } = new Dictionary<string, (double, string)>(StringComparer.Ordinal)
    {
        ["2023"] = (MexicoShare(120_029, 423_706), $"Q1 2023: UPM events 120,029 / (120,029 + USBP 423,706) ({CalibrationFile} row 2024-Q1 notes; usbp_swb_monthly_encounters_2017_2026_cbp_published.csv) [S]"),
        ["2024"] = (MexicoShare(359_697, 402_329), $"Q1 2024, the reported near-tripling: UPM events 359,697 / (359,697 + USBP 402,329) ({CalibrationFile}) [S]"),
    };

    /// <summary>Share of northbound migrants removed by Mexico when it records <paramref name="interdicted"/> events against <paramref name="reachedBorder"/> USBP encounters.</summary>
    public static double MexicoShare(long interdicted, long reachedBorder) => (double)interdicted / (interdicted + reachedBorder);
}
