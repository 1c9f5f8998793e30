using System.Globalization;
using nietras.SeparatedValues;
using NodaTime;
using Threshold.Synthesis;

namespace Threshold.Population;

/// <summary>The five monthly tables of <c>data/source</c> the mix is drawn from, read and checked row by row.</summary>
internal sealed class PopulationSources
{
    public const string SouthwestRegion = "Southwest Land Border";
    public const string CoastalRegion = "Coastal Border";
    public const string NorthernRegion = "Northern Land Border";

    private static readonly string[] Regions = [SouthwestRegion, CoastalRegion, NorthernRegion];
    private static readonly string[] MonthAbbreviations = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];

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

    private void ReadCitizenship(string directory)
    {
        const string file = PopulationMix.CitizenshipFile;
        using var reader = Open(directory, file);
        var region = Column(reader, file, "Region");
        var citizenship = Column(reader, file, "Citizenship");
        var quantity = Column(reader, file, "Quantity");
        var year = Column(reader, file, "Calendar Year");
        var month = Column(reader, file, "Calendar Month");
        var seen = new HashSet<(string, YearMonth, string)>();
        foreach (var row in reader)
        {
            var line = row.LineNumberFrom;
            var regionName = RegionName(row, region, file, line);
            var name = Cell(row, citizenship, file, "Citizenship");
            var count = Count(row, quantity, file, "Quantity");
            var ym = CalendarMonth(row, year, month, file);
            if (name.Length == 0)
            {
                throw new SourceDataException(file, line, "column 'Citizenship' is empty");
            }

            if (!seen.Add((regionName, ym, name)))
            {
                throw new SourceDataException(file, line, $"{regionName}, {Format(ym)}, '{name}' appears more than once");
            }

            string? code = null;
            if (!CountryCodes.Residual.Contains(name) && !CountryCodes.ByKhsmName.TryGetValue(name, out code))
            {
                if (regionName != NorthernRegion)
                {
                    throw new SourceDataException(file, line,
                        $"citizenship '{name}' has no ISO 3166-1 alpha-2 code in the table (CountryCodes.ByKhsmName) and is not a documented residual name ({string.Join(", ", CountryCodes.Residual.Order(StringComparer.Ordinal))}); add it to the table");
                }
            }

            if (regionName == NorthernRegion)
            {
                continue;
            }

            if (!Citizenship.TryGetValue((regionName, ym), out var list))
            {
                Citizenship[(regionName, ym)] = list = [];
            }

            list.Add(new CitizenshipRow(name, code, count, line));
        }
    }

    private void ReadFamily(string directory)
    {
        const string file = PopulationMix.FamilyStatusFile;
        using var reader = Open(directory, file);
        var region = Column(reader, file, "Region");
        var status = Column(reader, file, "Family Status");
        var quantity = Column(reader, file, "Quantity");
        var year = Column(reader, file, "Calendar Year");
        var month = Column(reader, file, "Calendar Month");
        var seen = new HashSet<(string, YearMonth, FamilyStatus)>();
        foreach (var row in reader)
        {
            var line = row.LineNumberFrom;
            var regionName = RegionName(row, region, file, line);
            var label = Cell(row, status, file, "Family Status");
            var count = Count(row, quantity, file, "Quantity");
            var ym = CalendarMonth(row, year, month, file);
            var fs = label switch
            {
                "Single Adults" => FamilyStatus.SingleAdult,
                "Unaccompanied Children" => FamilyStatus.UnaccompaniedChild,
                "Family Unit Individuals" => FamilyStatus.FamilyUnitIndividual,
                _ => throw new SourceDataException(file, line, $"column 'Family Status' must be Single Adults, Unaccompanied Children or Family Unit Individuals, found '{label}'"),
            };
            if (!seen.Add((regionName, ym, fs)))
            {
                throw new SourceDataException(file, line, $"{regionName}, {Format(ym)}, '{label}' appears more than once");
            }

            var counts = Family.GetValueOrDefault((regionName, ym));
            Family[(regionName, ym)] = fs switch
            {
                FamilyStatus.SingleAdult => counts with { SingleAdults = count },
                FamilyStatus.UnaccompaniedChild => counts with { UnaccompaniedChildren = count },
                _ => counts with { FamilyUnitIndividuals = count },
            };
        }
    }

    private void ReadRegion(string directory)
    {
        const string file = PopulationMix.RegionFile;
        using var reader = Open(directory, file);
        var region = Column(reader, file, "Region");
        var quantity = Column(reader, file, "Quantity");
        var year = Column(reader, file, "Calendar Year");
        var month = Column(reader, file, "Calendar Month");
        foreach (var row in reader)
        {
            var line = row.LineNumberFrom;
            var regionName = RegionName(row, region, file, line);
            var count = Count(row, quantity, file, "Quantity");
            var ym = CalendarMonth(row, year, month, file);
            if (!Region.TryAdd((regionName, ym), count))
            {
                throw new SourceDataException(file, line, $"{regionName}, {Format(ym)} appears more than once");
            }
        }
    }

    private void ReadUcContiguity(string directory)
    {
        const string file = PopulationMix.UcContiguityFile;
        using var reader = Open(directory, file);
        var month = Column(reader, file, "month");
        var total = Column(reader, file, "uc_total");
        var mexico = Column(reader, file, "uc_mexico_contiguous");
        var other = Column(reader, file, "uc_other_noncontiguous");
        foreach (var row in reader)
        {
            var line = row.LineNumberFrom;
            var text = Cell(row, month, file, "month");
            var ym = YearMonthText(text) ?? throw new SourceDataException(file, line, $"column 'month' must be a month 'yyyy-MM', found '{text}'");
            var counts = new UcCounts(Count(row, total, file, "uc_total"), Count(row, mexico, file, "uc_mexico_contiguous"), Count(row, other, file, "uc_other_noncontiguous"));
            if (counts.Mexico + (long)counts.Other != counts.Total)
            {
                throw new SourceDataException(file, line, $"uc_mexico_contiguous {counts.Mexico} + uc_other_noncontiguous {counts.Other} is not uc_total {counts.Total}");
            }

            if (!UcContiguity.TryAdd(ym, counts))
            {
                throw new SourceDataException(file, line, $"month {Format(ym)} appears more than once");
            }
        }
    }

    private void ReadSbo(string directory)
    {
        const string file = PopulationMix.SboEncountersFile;
        using var reader = Open(directory, file);
        var fy = Column(reader, file, "Fiscal Year");
        var month = Column(reader, file, "Month (abbv)");
        var component = Column(reader, file, "Component");
        var demographic = Column(reader, file, "Demographic");
        var grouping = Column(reader, file, "Citizenship Grouping");
        var count = Column(reader, file, "Encounter Count");
        foreach (var row in reader)
        {
            var line = row.LineNumberFrom;
            var fyText = Cell(row, fy, file, "Fiscal Year");
            // "2024" or "2025 (FYTD)": the fiscal year is the leading four digits.
            if (fyText.Length < 4 || !int.TryParse(fyText.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var fiscalYear)
                || (fyText.Length > 4 && fyText[4] != ' ') || fiscalYear is < 1901 or > 2100)
            {
                throw new SourceDataException(file, line, $"column 'Fiscal Year' must start with a four-digit year, found '{fyText}'");
            }

            var monthText = Cell(row, month, file, "Month (abbv)");
            var monthNumber = Array.IndexOf(MonthAbbreviations, monthText.ToUpperInvariant()) + 1;
            if (monthNumber == 0)
            {
                throw new SourceDataException(file, line, $"column 'Month (abbv)' must be JAN..DEC, found '{monthText}'");
            }

            // Federal fiscal year: October, November and December belong to calendar year FY-1.
            var ym = new YearMonth(monthNumber >= 10 ? fiscalYear - 1 : fiscalYear, monthNumber);
            var n = Count(row, count, file, "Encounter Count");
            if (!Sbo.TryGetValue(ym, out var m))
            {
                Sbo[ym] = m = new SboMonth();
            }

            var componentText = Cell(row, component, file, "Component");
            var demographicText = Cell(row, demographic, file, "Demographic");
            var groupingText = Cell(row, grouping, file, "Citizenship Grouping");
            var demographicIndex = Array.IndexOf(SboMonth.Demographics, demographicText);
            if (demographicIndex < 0)
            {
                throw new SourceDataException(file, line, $"column 'Demographic' must be {string.Join(", ", SboMonth.Demographics)}, found '{demographicText}'");
            }

            var groupIndex = Array.IndexOf(SboMonth.Groupings, groupingText);
            if (groupIndex < 0)
            {
                throw new SourceDataException(file, line, $"column 'Citizenship Grouping' must be {string.Join(", ", SboMonth.Groupings)}, found '{groupingText}'");
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
                    throw new SourceDataException(file, line, $"column 'Component' must be U.S. Border Patrol or Office of Field Operations, found '{componentText}'");
            }
        }
    }

    private static SepReader Open(string directory, string fileName)
    {
        var path = Path.Combine(directory, fileName);
        if (!File.Exists(path))
        {
            throw new SourceDataException(fileName, 0, $"file not found at '{path}'");
        }

        try
        {
            return Sep.New(',').Reader(o => o with { Unescape = true, DisableColCountCheck = true }).FromFile(path);
        }
        catch (InvalidDataException ex)
        {
            throw new SourceDataException(fileName, 1, $"cannot read the header row: {ex.Message}");
        }
    }

    private static int Column(SepReader reader, string fileName, string column) =>
        reader.Header.TryIndexOf(column, out var index) ? index : throw new SourceDataException(fileName, 1, $"header has no column '{column}'");

    private static string Cell(SepReader.Row row, int index, string fileName, string column) =>
        index < row.ColCount
            ? row[index].ToString().Trim()
            : throw new SourceDataException(fileName, row.LineNumberFrom, $"row has {row.ColCount} columns; column '{column}' (number {index + 1}) is missing");

    private static int Count(SepReader.Row row, int index, string fileName, string column)
    {
        var text = Cell(row, index, fileName, column);
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new SourceDataException(fileName, row.LineNumberFrom, $"column '{column}' must be a non-negative whole number, found '{text}'");
    }

    private static string RegionName(SepReader.Row row, int index, string fileName, long line)
    {
        var text = Cell(row, index, fileName, "Region");
        var known = Array.IndexOf(Regions, text);
        return known >= 0 ? Regions[known] : throw new SourceDataException(fileName, line, $"column 'Region' must be {string.Join(", ", Regions)}, found '{text}'");
    }

    private static YearMonth CalendarMonth(SepReader.Row row, int yearIndex, int monthIndex, string fileName)
    {
        var year = Count(row, yearIndex, fileName, "Calendar Year");
        var month = Count(row, monthIndex, fileName, "Calendar Month");
        return year is >= 1900 and <= 2100 && month is >= 1 and <= 12
            ? new YearMonth(year, month)
            : throw new SourceDataException(fileName, row.LineNumberFrom, $"invalid calendar month {year}-{month}");
    }

    private static YearMonth? YearMonthText(string text)
    {
        var result = NodaTime.Text.YearMonthPattern.Iso.Parse(text);
        return result.Success && text.Length == 7 && result.Value.Year >= 1900 ? result.Value : null;
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
