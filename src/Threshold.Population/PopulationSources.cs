using System.Globalization;
using NodaTime;
using Threshold.Sources;

namespace Threshold.Population;

/// <summary>
/// The five monthly tables of <c>data/source</c> the mix is drawn from: read through the one monthly reader
/// (<see cref="MonthlyCsv"/>, which validates every row), then checked for what the mix needs (known regions,
/// citizenships with a country code, family statuses, demographics and groupings, children that add up).
/// </summary>
internal sealed class PopulationSources
{
    public const string SouthwestRegion = "Southwest Land Border";
    public const string CoastalRegion = "Coastal Border";
    public const string NorthernRegion = "Northern Land Border";

    private static readonly string[] Regions = [SouthwestRegion, CoastalRegion, NorthernRegion];

    /// <summary>KHSM citizenship rows by (region, calendar month); Northern rows are checked but not kept.</summary>
    public Dictionary<(string Region, YearMonth Month), List<CitizenshipRow>> Citizenship { get; } = [];

    /// <summary>KHSM family status by (region, calendar month).</summary>
    public Dictionary<(string Region, YearMonth Month), FamilyCounts> Family { get; } = [];

    /// <summary>KHSM region totals by (region, calendar month).</summary>
    public Dictionary<(string Region, YearMonth Month), int> Region { get; } = [];

    /// <summary>USBP southwest unaccompanied children by contiguity, by month.</summary>
    public Dictionary<YearMonth, UcCounts> UcContiguity { get; } = [];

    /// <summary>CBP southwest land border encounters by month: USBP and OFO totals, OFO by demographic and citizenship grouping.</summary>
    public Dictionary<YearMonth, SboMonth> Sbo { get; } = [];

    public static PopulationSources Read(string directory)
    {
        var sources = new PopulationSources();
        sources.ReadCitizenship(directory);
        sources.ReadFamily(directory);
        sources.ReadRegion(directory);
        sources.ReadUcContiguity(directory);
        sources.ReadSbo(directory);
        return sources;
    }

    /// <summary>Only the KHSM region totals (<see cref="Region"/>): all the simulator's seasonality reads, without the four larger tables.</summary>
    public static PopulationSources ReadRegionTotals(string directory)
    {
        var sources = new PopulationSources();
        sources.ReadRegion(directory);
        return sources;
    }

    private static IReadOnlyList<MonthlyRow> Khsm(string directory, string file, string? breakdown)
    {
        var read = MonthlyCsv.ReadFile(directory, file, MonthlyCsv.ReadKhsm);
        var expected = breakdown is null ? "khsm-region" : "khsm-region-" + breakdown.ToLowerInvariant().Replace(' ', '-');
        return read.Layout == expected
            ? read.Rows
            : throw new SourceDataException(file, 1, $"must be the KHSM {(breakdown ?? "region")} file, found layout {read.Layout}");
    }

    // KHSM row: Key = breakdown, region, breakdown value, year_month; Values = fiscal year, month label, quantity, calendar year, calendar month.
    private static int Quantity(MonthlyRow row, string file) =>
        (long)row.Values[2]! <= int.MaxValue ? (int)(long)row.Values[2]! : throw new SourceDataException(file, row.Line, "Quantity is too large");

    private void ReadCitizenship(string directory)
    {
        const string file = PopulationMix.CitizenshipFile;
        foreach (var row in Khsm(directory, file, "Citizenship"))
        {
            var regionName = RegionName((string)row.Key[1]!, file, row.Line);
            var name = (string)row.Key[2]!;
            string? code = null;
            if (!CountryCodes.Residual.Contains(name) && !CountryCodes.ByKhsmName.TryGetValue(name, out code) && regionName != NorthernRegion)
            {
                throw new SourceDataException(file, row.Line,
                    $"citizenship '{name}' has no ISO 3166-1 alpha-2 code in the table (CountryCodes.ByKhsmName) and is not a documented residual name ({string.Join(", ", CountryCodes.Residual.Order(StringComparer.Ordinal))}); add it to the table");
            }

            if (regionName == NorthernRegion)
            {
                continue;
            }

            if (!Citizenship.TryGetValue((regionName, row.Month), out var list))
            {
                Citizenship[(regionName, row.Month)] = list = [];
            }

            list.Add(new CitizenshipRow(name, code, Quantity(row, file), row.Line));
        }
    }

    private void ReadFamily(string directory)
    {
        const string file = PopulationMix.FamilyStatusFile;
        foreach (var row in Khsm(directory, file, "Family Status"))
        {
            var regionName = RegionName((string)row.Key[1]!, file, row.Line);
            var label = (string)row.Key[2]!;
            var count = Quantity(row, file);
            var counts = Family.GetValueOrDefault((regionName, row.Month));
            Family[(regionName, row.Month)] = label switch
            {
                "Single Adults" => counts with { SingleAdults = count },
                "Unaccompanied Children" => counts with { UnaccompaniedChildren = count },
                "Family Unit Individuals" => counts with { FamilyUnitIndividuals = count },
                _ => throw new SourceDataException(file, row.Line, $"column 'Family Status' must be Single Adults, Unaccompanied Children or Family Unit Individuals, found '{label}'"),
            };
        }
    }

    private void ReadRegion(string directory)
    {
        const string file = PopulationMix.RegionFile;
        foreach (var row in Khsm(directory, file, null))
        {
            Region[(RegionName((string)row.Key[1]!, file, row.Line), row.Month)] = Quantity(row, file);
        }
    }

    private void ReadUcContiguity(string directory)
    {
        const string file = PopulationMix.UcContiguityFile;
        foreach (var row in MonthlyCsv.ReadFile(directory, file, MonthlyCsv.Published("uc_total", "uc_mexico_contiguous", "uc_other_noncontiguous")).Rows)
        {
            var counts = new UcCounts(checked((int)(long)row.Values[0]!), checked((int)(long)row.Values[1]!), checked((int)(long)row.Values[2]!));
            if (counts.Mexico + (long)counts.Other != counts.Total)
            {
                throw new SourceDataException(file, row.Line, $"uc_mexico_contiguous {counts.Mexico} + uc_other_noncontiguous {counts.Other} is not uc_total {counts.Total}");
            }

            UcContiguity[row.Month] = counts;
        }
    }

    private void ReadSbo(string directory)
    {
        const string file = PopulationMix.SboEncountersFile;
        foreach (var row in MonthlyCsv.ReadFile(directory, file, MonthlyCsv.ReadCbpSbo).Rows)
        {
            // CBP row: Key = year_month, component, demographic (UAC for both CBP names), grouping, title, type; Values[4] = count.
            var n = (long)row.Values[4]!;
            if (!Sbo.TryGetValue(row.Month, out var m))
            {
                Sbo[row.Month] = m = new SboMonth();
            }

            var componentText = (string)row.Key[1]!;
            var demographicText = (string)row.Key[2]!;
            var groupingText = (string)row.Key[3]!;
            var demographicIndex = Array.IndexOf(SboMonth.Demographics, demographicText);
            if (demographicIndex < 0)
            {
                throw new SourceDataException(file, row.Line, $"column 'Demographic' must be {string.Join(", ", SboMonth.Demographics)}, found '{demographicText}'");
            }

            var groupIndex = Array.IndexOf(SboMonth.Groupings, groupingText);
            if (groupIndex < 0)
            {
                throw new SourceDataException(file, row.Line, $"column 'Citizenship Grouping' must be {string.Join(", ", SboMonth.Groupings)}, found '{groupingText}'");
            }

            switch (componentText)
            {
                case "U.S. Border Patrol":
                    m.Usbp = checked(m.Usbp + n);
                    break;
                case "Office of Field Operations":
                    m.Ofo = checked(m.Ofo + n);
                    m.OfoByDemographic[demographicIndex] = checked(m.OfoByDemographic[demographicIndex] + n);
                    m.OfoByGrouping[groupIndex] = checked(m.OfoByGrouping[groupIndex] + n);
                    if (demographicIndex == SboMonth.UacIndex && groupIndex == SboMonth.MexicoIndex)
                    {
                        m.OfoUacMexico = checked(m.OfoUacMexico + n);
                    }

                    break;
                default:
                    throw new SourceDataException(file, row.Line, $"column 'Component' must be U.S. Border Patrol or Office of Field Operations, found '{componentText}'");
            }
        }
    }

    private static string RegionName(string text, string fileName, long line)
    {
        var known = Array.IndexOf(Regions, text);
        return known >= 0 ? Regions[known] : throw new SourceDataException(fileName, line, $"column 'Region' must be {string.Join(", ", Regions)}, found '{text}'");
    }

    public static string Format(YearMonth month) => string.Create(CultureInfo.InvariantCulture, $"{month.Year:D4}-{month.Month:D2}");
}

internal sealed record CitizenshipRow(string Name, string? Code, int Quantity, long Line);

internal readonly record struct FamilyCounts(int SingleAdults, int UnaccompaniedChildren, int FamilyUnitIndividuals)
{
    public long Total => (long)SingleAdults + UnaccompaniedChildren + FamilyUnitIndividuals;
}

internal readonly record struct UcCounts(int Total, int Mexico, int Other);

/// <summary>One month of <c>cbp_sbo_encounters_fy22_fy25_aug.csv</c>, all encounter types (apprehensions, inadmissibles, Title 42 expulsions) summed.</summary>
internal sealed class SboMonth
{
    public static readonly string[] Demographics = ["Single Adults", "FMUA", "UAC", "Accompanied Minors"];
    public static readonly string[] Groupings = ["Mexico", "El Salvador", "Guatemala", "Honduras", "Other"];
    public const int SingleAdultsIndex = 0;
    public const int FmuaIndex = 1;
    public const int UacIndex = 2;
    public const int AccompaniedMinorsIndex = 3;
    public const int MexicoIndex = 0;
    public const int OtherIndex = 4;

    public long Usbp { get; set; }

    public long Ofo { get; set; }

    public long[] OfoByDemographic { get; } = new long[4];

    public long[] OfoByGrouping { get; } = new long[5];

    public long OfoUacMexico { get; set; }
}
