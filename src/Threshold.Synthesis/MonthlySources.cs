using System.Globalization;
using nietras.SeparatedValues;
using NodaTime;

namespace Threshold.Synthesis;

/// <summary>
/// The REAL monthly figures the daily synthesis is derived from, one dictionary per output column,
/// keyed by calendar month. Load them with <see cref="Load"/> from the repository's
/// <c>data/source</c> directory (see <c>data/source/README.md</c> for each file's origin).
/// </summary>
/// <param name="BetweenPorts">USBP southwest land border encounters (Title 8 apprehensions + Title 42 expulsions, all ages), from <see cref="UsbpSwbFile"/>.</param>
/// <param name="Coastal">USBP "Coastal Border" region encounters from OHSS KHSM (rounded to 10, ends Nov 2024), from <see cref="KhsmRegionFile"/>.</param>
/// <param name="PortsOfEntry">OFO southwest land border inadmissibles + expulsions, from <see cref="SboEncountersFile"/>.</param>
/// <param name="UcNoncontiguousBetweenPorts">USBP southwest unaccompanied children whose citizenship group is not Mexico, from <see cref="UcContiguityFile"/>.</param>
/// <param name="UcNoncontiguousPorts">OFO southwest unaccompanied children (Demographic "UAC") whose citizenship group is not Mexico, from <see cref="SboEncountersFile"/>.</param>
public sealed record MonthlySources(
    IReadOnlyDictionary<YearMonth, int> BetweenPorts,
    IReadOnlyDictionary<YearMonth, int> Coastal,
    IReadOnlyDictionary<YearMonth, int> PortsOfEntry,
    IReadOnlyDictionary<YearMonth, int> UcNoncontiguousBetweenPorts,
    IReadOnlyDictionary<YearMonth, int> UcNoncontiguousPorts)
{
    /// <summary>CBP published monthly USBP southwest totals, Jan 2017 to Aug 2026.</summary>
    public const string UsbpSwbFile = "usbp_swb_monthly_encounters_2017_2026_cbp_published.csv";

    /// <summary>OHSS KHSM monthly USBP encounters by region, FY2000 to Nov 2024 (rounded to 10).</summary>
    public const string KhsmRegionFile = "usbp_khsm_monthly_region_fy2000_fy2025nov.csv";

    /// <summary>USBP southwest unaccompanied children by contiguity, FY2020 to Aug 2025.</summary>
    public const string UcContiguityFile = "usbp_swb_monthly_uc_by_contiguity_fy2020_fy2025aug.csv";

    /// <summary>CBP southwest land border encounters release FY22–FY25 (FYTD) August.</summary>
    public const string SboEncountersFile = "cbp_sbo_encounters_fy22_fy25_aug.csv";

    /// <summary>First month whose figures the synthesis reads (the neighbour of January 2024).</summary>
    public static readonly YearMonth FirstRequiredMonth = new(2023, 12);

    /// <summary>Last month whose figures the synthesis reads (February 2025 sets the 20–31 January 2025 rate).</summary>
    public static readonly YearMonth LastRequiredMonth = new(2025, 2);

    /// <summary>Last month the coastal series must have (KHSM ends in November 2024).</summary>
    public static readonly YearMonth LastRequiredCoastalMonth = new(2024, 11);

    private static readonly string[] MonthAbbreviations =
        ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];

    /// <summary>
    /// Reads the four monthly source files from <paramref name="sourceDirectory"/> (the path of
    /// <c>data/source</c>). Throws <see cref="SourceDataException"/> naming the file and line for
    /// any missing file, missing column, unparseable or negative count, duplicate month, or a
    /// month the synthesis needs (Dec 2023 .. Feb 2025; coastal Dec 2023 .. Nov 2024) that is absent.
    /// </summary>
    public static MonthlySources Load(string sourceDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceDirectory);

        var betweenPorts = ReadMonthColumn(sourceDirectory, UsbpSwbFile, "month", "usbp_swb_encounters");
        var ucBetween = ReadMonthColumn(sourceDirectory, UcContiguityFile, "month", "uc_other_noncontiguous");
        var coastal = ReadKhsmCoastal(sourceDirectory);
        var (ports, ucPorts) = ReadSboOfo(sourceDirectory);

        RequireMonths(UsbpSwbFile, betweenPorts, FirstRequiredMonth, LastRequiredMonth);
        RequireMonths(UcContiguityFile, ucBetween, FirstRequiredMonth, LastRequiredMonth);
        RequireMonths(KhsmRegionFile, coastal, FirstRequiredMonth, LastRequiredCoastalMonth);
        RequireMonths(SboEncountersFile, ports, FirstRequiredMonth, LastRequiredMonth);

        return new MonthlySources(betweenPorts, coastal, ports, ucBetween, ucPorts);
    }

    private static SepReader OpenReader(string directory, string fileName)
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
            throw new SourceDataException(fileName, 1, $"cannot read header: {ex.Message}");
        }
    }

    private static int RequireColumn(SepReader reader, string fileName, string column)
    {
        if (!reader.Header.TryIndexOf(column, out var index))
        {
            throw new SourceDataException(fileName, 1, $"header has no column '{column}'");
        }

        return index;
    }

    private static string Cell(SepReader.Row row, int index, string fileName, string column)
    {
        if (index >= row.ColCount)
        {
            throw new SourceDataException(fileName, row.LineNumberFrom,
                $"row has {row.ColCount} columns; column '{column}' (number {index + 1}) is missing");
        }

        return row[index].ToString().Trim();
    }

    private static int ParseCount(string text, string fileName, long line, string column)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            throw new SourceDataException(fileName, line,
                $"column '{column}' must be a non-negative whole number, found '{text}'");
        }

        return value;
    }

    private static Dictionary<YearMonth, int> ReadMonthColumn(
        string directory, string fileName, string monthColumn, string valueColumn)
    {
        using var reader = OpenReader(directory, fileName);
        var monthIndex = RequireColumn(reader, fileName, monthColumn);
        var valueIndex = RequireColumn(reader, fileName, valueColumn);
        var result = new Dictionary<YearMonth, int>();
        foreach (var row in reader)
        {
            var line = row.LineNumberFrom;
            var monthText = Cell(row, monthIndex, fileName, monthColumn);
            if (!TryParseYearMonth(monthText, out var month))
            {
                throw new SourceDataException(fileName, line,
                    $"column '{monthColumn}' must be a month 'yyyy-MM', found '{monthText}'");
            }

            var value = ParseCount(Cell(row, valueIndex, fileName, valueColumn), fileName, line, valueColumn);
            if (!result.TryAdd(month, value))
            {
                throw new SourceDataException(fileName, line, $"month {Format(month)} appears more than once");
            }
        }

        return result;
    }

    private static Dictionary<YearMonth, int> ReadKhsmCoastal(string directory)
    {
        const string fileName = KhsmRegionFile;
        using var reader = OpenReader(directory, fileName);
        var regionIndex = RequireColumn(reader, fileName, "Region");
        var quantityIndex = RequireColumn(reader, fileName, "Quantity");
        var yearIndex = RequireColumn(reader, fileName, "Calendar Year");
        var monthIndex = RequireColumn(reader, fileName, "Calendar Month");
        var result = new Dictionary<YearMonth, int>();
        foreach (var row in reader)
        {
            var line = row.LineNumberFrom;
            if (!string.Equals(Cell(row, regionIndex, fileName, "Region"), "Coastal Border", StringComparison.Ordinal))
            {
                continue;
            }

            var year = ParseCount(Cell(row, yearIndex, fileName, "Calendar Year"), fileName, line, "Calendar Year");
            var monthNumber = ParseCount(Cell(row, monthIndex, fileName, "Calendar Month"), fileName, line, "Calendar Month");
            if (year is < 1900 or > 2100 || monthNumber is < 1 or > 12)
            {
                throw new SourceDataException(fileName, line, $"invalid calendar month {year}-{monthNumber}");
            }

            var value = ParseCount(Cell(row, quantityIndex, fileName, "Quantity"), fileName, line, "Quantity");
            var month = new YearMonth(year, monthNumber);
            if (!result.TryAdd(month, value))
            {
                throw new SourceDataException(fileName, line, $"Coastal Border month {Format(month)} appears more than once");
            }
        }

        return result;
    }

    private static (Dictionary<YearMonth, int> Ports, Dictionary<YearMonth, int> UcPorts) ReadSboOfo(string directory)
    {
        const string fileName = SboEncountersFile;
        using var reader = OpenReader(directory, fileName);
        var fyIndex = RequireColumn(reader, fileName, "Fiscal Year");
        var monthIndex = RequireColumn(reader, fileName, "Month (abbv)");
        var componentIndex = RequireColumn(reader, fileName, "Component");
        var demographicIndex = RequireColumn(reader, fileName, "Demographic");
        var citizenshipIndex = RequireColumn(reader, fileName, "Citizenship Grouping");
        var countIndex = RequireColumn(reader, fileName, "Encounter Count");
        var ports = new Dictionary<YearMonth, int>();
        var ucPorts = new Dictionary<YearMonth, int>();
        foreach (var row in reader)
        {
            var line = row.LineNumberFrom;
            var component = Cell(row, componentIndex, fileName, "Component");
            var count = ParseCount(Cell(row, countIndex, fileName, "Encounter Count"), fileName, line, "Encounter Count");
            if (!string.Equals(component, "Office of Field Operations", StringComparison.Ordinal))
            {
                continue;
            }

            var fyText = Cell(row, fyIndex, fileName, "Fiscal Year");
            // "2024" or "2025 (FYTD)": the fiscal year is the leading four digits.
            if (fyText.Length < 4
                || !int.TryParse(fyText.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var fiscalYear)
                || (fyText.Length > 4 && fyText[4] != ' '))
            {
                throw new SourceDataException(fileName, line, $"column 'Fiscal Year' must start with a four-digit year, found '{fyText}'");
            }

            var monthText = Cell(row, monthIndex, fileName, "Month (abbv)");
            var monthNumber = Array.IndexOf(MonthAbbreviations, monthText.ToUpperInvariant()) + 1;
            if (monthNumber == 0)
            {
                throw new SourceDataException(fileName, line, $"column 'Month (abbv)' must be JAN..DEC, found '{monthText}'");
            }

            // Federal fiscal year: OCT, NOV and DEC belong to calendar year FY-1.
            var month = new YearMonth(monthNumber >= 10 ? fiscalYear - 1 : fiscalYear, monthNumber);
            ports[month] = checked(ports.GetValueOrDefault(month) + count);
            var isUc = string.Equals(Cell(row, demographicIndex, fileName, "Demographic"), "UAC", StringComparison.Ordinal);
            var isMexico = string.Equals(Cell(row, citizenshipIndex, fileName, "Citizenship Grouping"), "Mexico", StringComparison.Ordinal);
            if (isUc && !isMexico)
            {
                ucPorts[month] = checked(ucPorts.GetValueOrDefault(month) + count);
            }
            else if (!ucPorts.ContainsKey(month))
            {
                ucPorts[month] = 0;
            }
        }

        return (ports, ucPorts);
    }

    private static void RequireMonths(string fileName, Dictionary<YearMonth, int> values, YearMonth first, YearMonth last)
    {
        for (var month = first; month <= last; month = month.PlusMonths(1))
        {
            if (!values.ContainsKey(month))
            {
                throw new SourceDataException(fileName, 0, $"no figure for {Format(month)}; the synthesis needs {Format(first)} to {Format(last)}");
            }
        }
    }

    private static bool TryParseYearMonth(string text, out YearMonth month)
    {
        month = default;
        if (text.Length != 7 || text[4] != '-'
            || !int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || !int.TryParse(text.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var monthNumber)
            || year < 1900 || monthNumber is < 1 or > 12)
        {
            return false;
        }

        month = new YearMonth(year, monthNumber);
        return true;
    }

    internal static string Format(YearMonth month) =>
        string.Create(CultureInfo.InvariantCulture, $"{month.Year:D4}-{month.Month:D2}");
}
