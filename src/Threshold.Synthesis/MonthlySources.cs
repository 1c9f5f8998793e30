using System.Globalization;
using NodaTime;
using Threshold.Sources;

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

    /// <summary>
    /// Reads the four monthly source files from <paramref name="sourceDirectory"/> (the path of
    /// <c>data/source</c>). Throws <see cref="SourceDataException"/> naming the file and line for
    /// any missing file, missing column, unparseable or negative count, duplicate month, or a
    /// month the synthesis needs (Dec 2023 .. Feb 2025; coastal Dec 2023 .. Nov 2024) that is absent. Any other CSV in
    /// the folder whose header is CBP's Southwest Land Border Encounters layout (<see cref="SboHeader"/>) is a newer
    /// release: its U.S. Border Patrol sums feed between_ports and its children, its OFO sums the port columns, each
    /// month taken from the release whose last month is latest.
    /// </summary>
    public static MonthlySources Load(string sourceDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceDirectory);

        var betweenPorts = new Releases(ReadMonthColumn(sourceDirectory, UsbpSwbFile, "usbp_swb_encounters"));
        var ucBetween = new Releases(ReadMonthColumn(sourceDirectory, UcContiguityFile, "uc_other_noncontiguous"));
        var coastal = ReadKhsmCoastal(sourceDirectory);
        var reference = ReadSbo(sourceDirectory, SboEncountersFile);
        var ports = new Releases(reference.Ports);
        var ucPorts = new Releases(reference.UcPorts);

        // A newer CBP release in the same layout, dropped into the folder under any name, extends and revises every
        // column it carries: for each month the release whose last month is latest wins (a tie keeps the file above).
        foreach (var file in NewerReleases(sourceDirectory))
        {
            var release = ReadSbo(sourceDirectory, file);
            betweenPorts.Add(release.Usbp);
            ucBetween.Add(release.UcUsbp);
            ports.Add(release.Ports);
            ucPorts.Add(release.UcPorts);
        }

        RequireMonths(UsbpSwbFile, betweenPorts.Months, FirstRequiredMonth, LastRequiredMonth);
        RequireMonths(UcContiguityFile, ucBetween.Months, FirstRequiredMonth, LastRequiredMonth);
        RequireMonths(KhsmRegionFile, coastal, FirstRequiredMonth, LastRequiredCoastalMonth);
        RequireMonths(SboEncountersFile, ports.Months, FirstRequiredMonth, LastRequiredMonth);

        return new MonthlySources(betweenPorts.Months, coastal, ports.Months, ucBetween.Months, ucPorts.Months);
    }

    /// <summary>The header of CBP's Southwest Land Border Encounters release (the layout <c>store import-monthly --layout cbp-sbo</c> reads).</summary>
    public static string SboHeader => MonthlyCsv.CbpSboHeaderLine;

    /// <summary>The other files of <paramref name="directory"/> in the release layout (by header), in name order.</summary>
    private static IEnumerable<string> NewerReleases(string directory) =>
        Directory.EnumerateFiles(directory, "*.csv")
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(f => !string.Equals(f, SboEncountersFile, StringComparison.Ordinal))
            .Where(f => string.Equals(File.ReadLines(Path.Combine(directory, f)).FirstOrDefault()?.TrimStart('\uFEFF').Trim(), SboHeader, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    /// <summary>One column's months merged over releases: each month from the release whose last month is latest.</summary>
    private sealed class Releases(Dictionary<YearMonth, int> first)
    {
        private readonly Dictionary<YearMonth, (int Value, YearMonth Release)> months =
            first.ToDictionary(m => m.Key, m => (m.Value, first.Keys.Max()));

        public Dictionary<YearMonth, int> Months => months.ToDictionary(m => m.Key, m => m.Value.Value);

        public void Add(Dictionary<YearMonth, int> release)
        {
            if (release.Count == 0)
            {
                return;
            }

            var last = release.Keys.Max();
            foreach (var (month, value) in release)
            {
                if (!months.TryGetValue(month, out var held) || held.Release < last)
                {
                    months[month] = (value, last);
                }
            }
        }
    }

    /// <summary>A published month file's one count column, by month (the one reader validates every row).</summary>
    private static Dictionary<YearMonth, int> ReadMonthColumn(string directory, string fileName, string column) =>
        MonthlyCsv.ReadFile(directory, fileName, MonthlyCsv.Published(column)).Rows
            .ToDictionary(r => r.Month, r => checked((int)(long)r.Values[0]!));

    /// <summary>KHSM Coastal Border totals by calendar month, from the region file.</summary>
    private static Dictionary<YearMonth, int> ReadKhsmCoastal(string directory)
    {
        var file = MonthlyCsv.ReadFile(directory, KhsmRegionFile, MonthlyCsv.ReadKhsm);
        if (file.Layout != "khsm-region")
        {
            throw new SourceDataException(KhsmRegionFile, 1, $"must be the KHSM region file (no breakdown column), found layout {file.Layout}");
        }

        return file.Rows.Where(r => (string?)r.Key[1] == "Coastal Border").ToDictionary(r => r.Month, r => checked((int)(long)r.Values[2]!));
    }

    /// <summary>A release's monthly sums: all USBP and OFO encounters, and their unaccompanied children not from Mexico.</summary>
    private sealed record SboRelease(Dictionary<YearMonth, int> Usbp, Dictionary<YearMonth, int> UcUsbp, Dictionary<YearMonth, int> Ports, Dictionary<YearMonth, int> UcPorts);

    private static SboRelease ReadSbo(string directory, string fileName)
    {
        var release = new SboRelease([], [], [], []);
        foreach (var row in MonthlyCsv.ReadFile(directory, fileName, MonthlyCsv.ReadCbpSbo).Rows)
        {
            // Key: year_month, component, demographic (UAC for both CBP names), citizenship_grouping, title, type.
            var component = (string)row.Key[1]!;
            var (total, children) = component switch
            {
                "Office of Field Operations" => (release.Ports, release.UcPorts),
                "U.S. Border Patrol" => (release.Usbp, release.UcUsbp),
                _ => throw new SourceDataException(fileName, row.Line, $"column 'Component' must be 'U.S. Border Patrol' or 'Office of Field Operations', found '{component}'"),
            };
            var month = row.Month;
            var count = checked((int)(long)row.Values[4]!);
            total[month] = checked(total.GetValueOrDefault(month) + count);
            var child = (string)row.Key[2]! == "UAC" && (string)row.Key[3]! != "Mexico";
            children[month] = checked(children.GetValueOrDefault(month) + (child ? count : 0));
        }

        return release;
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

    internal static string Format(YearMonth month) =>
        string.Create(CultureInfo.InvariantCulture, $"{month.Year:D4}-{month.Month:D2}");
}
