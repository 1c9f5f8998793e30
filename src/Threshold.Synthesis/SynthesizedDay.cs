using NodaTime;

namespace Threshold.Synthesis;

/// <summary>
/// One MODELED day of the synthesised series (not an official daily count). Each count is a
/// non-negative integer; the day's values come from spreading real monthly totals over their days.
/// </summary>
/// <param name="Date">Calendar day (US Eastern calendar days, as used by the 7-day averages).</param>
/// <param name="BetweenPorts">USBP southwest land border encounters between ports of entry, all ages.</param>
/// <param name="Coastal">USBP Coastal Border region encounters.</param>
/// <param name="PortsOfEntry">OFO southwest land border encounters at ports of entry.</param>
/// <param name="UcNoncontiguousBetweenPorts">Unaccompanied children from non-contiguous countries contained in <paramref name="BetweenPorts"/> + <paramref name="Coastal"/>.</param>
/// <param name="UcNoncontiguousPorts">Unaccompanied children from non-contiguous countries contained in <paramref name="PortsOfEntry"/>.</param>
public sealed record SynthesizedDay(
    LocalDate Date,
    int BetweenPorts,
    int Coastal,
    int PortsOfEntry,
    int UcNoncontiguousBetweenPorts,
    int UcNoncontiguousPorts)
{
    /// <summary>
    /// Encounters as counted by Proclamation 10773 before 1 Oct 2024 ("v1"): between ports plus
    /// coastal, minus unaccompanied children from non-contiguous countries.
    /// </summary>
    public int RuleCountV1 => BetweenPorts + Coastal - UcNoncontiguousBetweenPorts;

    /// <summary>
    /// Encounters as counted from 1 Oct 2024 (Proclamation 10817, "v2"): between ports plus coastal,
    /// all unaccompanied children included.
    /// </summary>
    public int RuleCountV2 => BetweenPorts + Coastal;
}
