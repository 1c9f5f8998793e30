using NodaTime;
using Threshold.Engine;

namespace Threshold.Benchmarks;

/// <summary>
/// Deterministic synthetic daily series for the benchmarks: regimes of 14 to 90 days, each at a level drawn from a
/// low, an in-between or a high band of the counted value (never the band of the regime before), with ±20 % daily
/// noise and lower weekends. The bands sit around a policy's thresholds so that determinations and transitions really
/// happen (a few a year), as in the simulator and population runs that call the replay in their inner loop.
/// </summary>
internal static class SyntheticSeries
{
    /// <summary>Bands of the counted value (a day's count under the policy's own counting rule).</summary>
    internal readonly record struct Bands(int LowMin, int LowMax, int MidMin, int MidMax, int HighMin, int HighMax);

    /// <summary>Around 10773's 1,500 (discontinue) and 2,500 (reactivate) a day.</summary>
    public static readonly Bands Proclamation10773 = new(700, 1400, 1600, 2400, 2600, 4200);

    /// <summary>Around the Senate authority's 5,000 (mandatory), 4,000 (discretionary) and 75 % deactivation levels.</summary>
    public static readonly Bands SenateBorderAct = new(1800, 2900, 3100, 3900, 4100, 7000);

    /// <summary>
    /// Builds all five columns so that the policy's count equals the drawn value: between_ports + coastal −
    /// uc_noncontiguous_between_ports for 10773 v1, or, with <paramref name="countsPortsOfEntry"/>, that plus
    /// ports_of_entry − uc_noncontiguous_ports (about 1,000 a day) for the Senate rule. 10773 v2 counts the
    /// unaccompanied children too, about 3 % more.
    /// </summary>
    public static EncounterSeries Build(LocalDate start, int days, Bands bands, ulong seed, bool countsPortsOfEntry = false)
    {
        var rng = new SplitMix64(seed);
        var betweenPorts = new int[days];
        var coastal = new int[days];
        var ports = new int[days];
        var ucBetween = new int[days];
        var ucPorts = new int[days];
        var level = 0;
        var band = 1;
        var left = 0;
        for (var i = 0; i < days; i++)
        {
            if (left == 0)
            {
                left = 14 + rng.Next(77);
                band = (band + 1 + rng.Next(2)) % 3; // always a different band than the last regime
                level = band switch
                {
                    0 => bands.LowMin + rng.Next(bands.LowMax - bands.LowMin + 1),
                    1 => bands.MidMin + rng.Next(bands.MidMax - bands.MidMin + 1),
                    _ => bands.HighMin + rng.Next(bands.HighMax - bands.HighMin + 1),
                };
            }

            left--;
            var weekly = (i % 7) is 5 or 6 ? 90 : 104; // weekends run lower
            var noise = 80 + rng.Next(41);             // ±20 %
            var target = Math.Max(0, level * weekly / 100 * noise / 100);
            var poe = countsPortsOfEntry ? 900 + rng.Next(201) : 0;
            var ucp = poe / 100;
            var counted = target - (poe - ucp);        // what the rule's other columns must add up to
            ucBetween[i] = Math.Max(1, counted / 33);
            coastal[i] = Math.Max(0, counted / 100);
            betweenPorts[i] = Math.Max(0, counted + ucBetween[i] - coastal[i]);
            ports[i] = countsPortsOfEntry ? poe : 1000 + rng.Next(201);
            ucPorts[i] = countsPortsOfEntry ? ucp : ports[i] / 100;
        }

        var columns = new Dictionary<EncounterColumn, int[]>
        {
            [EncounterColumn.BetweenPorts] = betweenPorts,
            [EncounterColumn.Coastal] = coastal,
            [EncounterColumn.PortsOfEntry] = ports,
            [EncounterColumn.UcNoncontiguousBetweenPorts] = ucBetween,
            [EncounterColumn.UcNoncontiguousPorts] = ucPorts,
        };
        return new EncounterSeries($"synthetic-{seed}-{days}d", start, days, columns, null, ["modeled: deterministic synthetic benchmark series"]);
    }
}
