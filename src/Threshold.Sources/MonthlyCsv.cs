using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using nietras.SeparatedValues;
using NodaTime;
using Threshold.Law;

namespace Threshold.Sources;

/// <summary>One validated data row of a monthly file: its line, the cell it describes (key) and what it says (values).</summary>
/// <param name="Line">The 1-based line of the row (the header is line 1).</param>
/// <param name="Key">The cell: for CBP, year_month (yyyy-MM), component, demographic, citizenship_grouping, title_of_authority, encounter_type; for KHSM, breakdown (null for the region file), region, breakdown_value, year_month; for a published file, year_month.</param>
/// <param name="Values">What the row says: for CBP, fiscal_year, demographic_label, month_abbv, month_grouping, encounter_count (long); for KHSM, fiscal_year, month_label, quantity, calendar_year, calendar_month (long); for a published file, the asked columns' counts (long) in order.</param>
public sealed record MonthlyRow(long Line, object?[] Key, object?[] Values)
{
    /// <summary>The row's calendar month: the <c>year_month</c> of its key.</summary>
    public YearMonth Month => NodaTime.Text.YearMonthPattern.Iso.Parse((string)Key[Key.Length == 4 ? 3 : 0]!).Value;
}

/// <summary>A whole monthly file, validated: every row parsed, no key twice.</summary>
/// <param name="Table">The record table its rows belong in (<see cref="MonthlyCsv.CbpSboTable"/>, <see cref="MonthlyCsv.KhsmTable"/>, or <see cref="MonthlyCsv.PublishedTable"/> for the published month files, which are not recorded).</param>
/// <param name="Layout">The layout recognised from the header.</param>
/// <param name="Rows">Every data row, in file order.</param>
public sealed record MonthlyFile(string Table, string Layout, IReadOnlyList<MonthlyRow> Rows);

/// <summary>
/// THE reader of the monthly source files: CBP's Southwest Land Border Encounters releases, OHSS KHSM monthly tables and
/// the published month files of <c>data/source</c>. Synthesis, the population mix, the simulator's calibration and
/// the record all read through it. Every row is validated before anything is returned (header, field count, numbers,
/// months, duplicate cells, line length, file size); the first defect is a <see cref="SourceDataException"/> naming the
/// file and the line, so nothing is derived or stored from a bad file.
/// </summary>
public static partial class MonthlyCsv
{
    /// <summary>Largest file accepted (64 MiB).</summary>
    public const long MaxBytes = 64L << 20;

    /// <summary>Largest count accepted for one monthly cell: far above any month on record.</summary>
    public const long MaxCount = 100_000_000;

    /// <summary>
    /// Longest line accepted, in characters: a real row is under 200. A longer line (a file with no newline) is refused
    /// with its number once reading passes the limit, so the reader never holds one line the size of the file.
    /// </summary>
    public const int MaxLineChars = 4096;

    /// <summary>The record table of CBP Southwest Land Border Encounters rows.</summary>
    public const string CbpSboTable = "cbp_sbo_monthly";

    /// <summary>The record table of OHSS KHSM rows.</summary>
    public const string KhsmTable = "khsm_monthly";

    /// <summary>The pseudo-table of the published month files (one row per month; read, never recorded).</summary>
    public const string PublishedTable = "published_monthly";

    /// <summary>The header line of a CBP Southwest Land Border Encounters release (<c>cbp-sbo</c> layout).</summary>
    public static string CbpSboHeaderLine => string.Join(",", CbpSboHeader);

    /// <summary>
    /// Reads <paramref name="fileName"/> in <paramref name="directory"/> with <paramref name="read"/> (one of the readers
    /// below); a missing or oversized file is a <see cref="SourceDataException"/> at line 0 naming the file.
    /// </summary>
    public static MonthlyFile ReadFile(string directory, string fileName, Func<Stream, string, MonthlyFile> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        var path = Path.Combine(directory, fileName);
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new SourceDataException(fileName, 0, $"file not found at '{path}'");
        }

        if (info.Length > MaxBytes)
        {
            throw new SourceDataException(fileName, 0, $"file is {info.Length} bytes; the limit is {MaxBytes}");
        }

        using var stream = File.OpenRead(path);
        return read(stream, fileName);
    }

    /// <summary>
    /// A published month file (<c>usbp_swb_monthly_encounters_…</c>, <c>usbp_swb_monthly_uc_by_contiguity_…</c>): a
    /// <c>month</c> column (yyyy-MM) and the named count columns, each a non-negative whole number; other columns are
    /// not read. A month twice is refused.
    /// </summary>
    public static Func<Stream, string, MonthlyFile> Published(params string[] columns) => (bytes, source) => Read(bytes, source, (header, line) =>
    {
        var indexes = new List<int>();
        foreach (var name in (string[])["month", .. columns])
        {
            var i = header.ToList().IndexOf(name);
            if (i < 0)
            {
                throw new SourceDataException(source, line, $"header has no column '{name}'");
            }

            indexes.Add(i);
        }

        return new PublishedLayout(indexes, columns);
    });

    private static readonly string[] CbpSboHeader = ["Fiscal Year", "Month Grouping", "Month (abbv)", "Component", "Demographic", "Citizenship Grouping", "Title of Authority", "Encounter Type", "Encounter Count"];
    private static readonly string[] CbpSboTableauHeader = ["Fiscal Year", "Month (abbv)", "Component", "Demographic", "Citizenship Grouping", "Title of Authority", "Encounter Type", "Encounter Count"];
    private static readonly string[] MonthAbbreviations = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] FiscalMonthNames = ["October", "November", "December", "January", "February", "March", "April", "May", "June", "July", "August", "September"];

    /// <summary>The breakdown columns a KHSM monthly file may carry between Region and Quantity.</summary>
    public static readonly IReadOnlyList<string> KhsmBreakdowns = ["Sector", "Family Status", "Citizenship"];

    /// <summary>A CBP Southwest Land Border Encounters release (with or without Month Grouping).</summary>
    public static MonthlyFile ReadCbpSbo(byte[] bytes, string source) => ReadCbpSbo(new MemoryStream(bytes), source);

    public static MonthlyFile ReadCbpSbo(Stream bytes, string source) => Read(bytes, source, (header, line) =>
    {
        if (header.SequenceEqual(CbpSboHeader, StringComparer.Ordinal))
        {
            return new CbpSboLayout(true);
        }

        if (header.SequenceEqual(CbpSboTableauHeader, StringComparer.Ordinal))
        {
            return new CbpSboLayout(false);
        }

        throw new SourceDataException(source, line, $"header does not match the CBP Southwest Land Border Encounters layout; expected '{string.Join(",", CbpSboHeader)}' (or the same without 'Month Grouping'); found '{Shorten(string.Join(",", header))}'");
    });

    /// <summary>An OHSS KHSM monthly table: the region file or one with a Sector, Family Status or Citizenship breakdown.</summary>
    public static MonthlyFile ReadKhsm(byte[] bytes, string source) => ReadKhsm(new MemoryStream(bytes), source);

    public static MonthlyFile ReadKhsm(Stream bytes, string source) => Read(bytes, source, (header, line) =>
    {
        string? breakdown = null;
        if (header.Count == 7 && KhsmBreakdowns.Contains(header[3]))
        {
            breakdown = header[3];
        }

        string[] expected = breakdown is null
            ? ["Fiscal Year", "Month", "Region", "Quantity", "Calendar Year", "Calendar Month"]
            : ["Fiscal Year", "Month", "Region", breakdown, "Quantity", "Calendar Year", "Calendar Month"];
        if (!header.SequenceEqual(expected, StringComparer.Ordinal))
        {
            throw new SourceDataException(source, line, $"header does not match the KHSM monthly layout; expected 'Fiscal Year,Month,Region,[Sector|Family Status|Citizenship,]Quantity,Calendar Year,Calendar Month'; found '{Shorten(string.Join(",", header))}'");
        }

        return new KhsmLayout(breakdown);
    });

    private static MonthlyFile Read(Stream bytes, string source, Func<IReadOnlyList<string>, long, ILayout> chooseLayout)
    {
        using var text = new StreamReader(bytes, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var lines = new BoundedLineReader(text, MaxLineChars, (line, problem) => new SourceDataException(source, line, problem));
        SepReader reader;
        try
        {
            reader = Sep.New(',').Reader(o => o with { HasHeader = true, Unescape = true, DisableColCountCheck = true, CultureInfo = CultureInfo.InvariantCulture }).From(lines);
        }
        catch (ArgumentException e)
        {
            throw new SourceDataException(source, 1, $"bad header row: {e.Message.ReplaceLineEndings(" ")}");
        }

        using var disposeReader = reader;
        var header = reader.Header.ColNames;
        if (header.Count == 0 || (header.Count == 1 && header[0].Trim().Length == 0))
        {
            throw new SourceDataException(source, 1, "no header row");
        }

        var layout = chooseLayout(header, 1);
        var rows = new List<MonthlyRow>();
        var firstLineOfKey = new Dictionary<string, long>(StringComparer.Ordinal);
        long lastLine = 1;
        try
        {
            foreach (var row in reader)
            {
                var line = row.LineNumberFrom;
                if (row.ColCount == 1 && row.Span.Trim().Length == 0)
                {
                    continue; // a blank line, typically at the end of the file
                }

                lastLine = line;
                if (row.ColCount != header.Count)
                {
                    throw new SourceDataException(source, line, $"row has {row.ColCount} fields; the header has {header.Count}");
                }

                var cells = new string[header.Count];
                for (var i = 0; i < cells.Length; i++)
                {
                    cells[i] = row[i].Span.Trim().ToString();
                }

                var parsed = layout.Parse(cells, source, line);
                var key = KeyText(parsed.Key);
                if (firstLineOfKey.TryGetValue(key, out var earlier))
                {
                    throw new SourceDataException(source, line, $"the same cell ({string.Join(", ", parsed.Key.Select(k => k ?? "-"))}) appears twice (first on line {earlier})");
                }

                firstLineOfKey[key] = line;
                rows.Add(parsed);
            }
        }
        catch (InvalidDataException e)
        {
            var message = e.Message.ReplaceLineEndings(" ");
            throw new SourceDataException(source, lastLine + 1, $"malformed CSV after line {lastLine} (e.g. an unterminated quote): {Shorten(message)}");
        }

        if (rows.Count == 0)
        {
            throw new SourceDataException(source, 1, "no data rows after the header");
        }

        return new MonthlyFile(layout.Table, layout.Name, rows);
    }

    /// <summary>The text form of a key, for comparing a file's cells with the recorded ones.</summary>
    public static string KeyText(object?[] key) => string.Join('\u001f', key.Select(k => k switch
    {
        null => "\u0000",
        long l => l.ToString(CultureInfo.InvariantCulture),
        _ => k.ToString(),
    }));

    private static string Shorten(string text) => text.Length > 80 ? text[..80] + "…" : text;

    private static string Text(string cell, string column, string source, long line) =>
        cell.Length == 0 ? throw new SourceDataException(source, line, $"{column} is empty") : cell;

    private static long Count(string cell, string column, string source, long line)
    {
        if (cell.Length == 0)
        {
            throw new SourceDataException(source, line, $"{column} is empty");
        }

        if (!cell.All(char.IsAsciiDigit) && !(cell[0] == '-' && cell.Length > 1 && cell[1..].All(char.IsAsciiDigit)))
        {
            throw new SourceDataException(source, line, $"{column} '{Shorten(cell)}' is not a whole number");
        }

        if (cell[0] == '-')
        {
            throw new SourceDataException(source, line, $"{column} is negative ({Shorten(cell)})");
        }

        if (cell.Length > 12 || long.Parse(cell, NumberStyles.None, CultureInfo.InvariantCulture) is var value && value > MaxCount)
        {
            throw new SourceDataException(source, line, $"{column} {Shorten(cell)} is above the limit of {MaxCount}");
        }

        return value;
    }

    private static int Year(string cell, string column, string source, long line)
    {
        if (cell.Length != 4 || !cell.All(char.IsAsciiDigit) || int.Parse(cell, NumberStyles.None, CultureInfo.InvariantCulture) is var year && (year < 1900 || year > 2200))
        {
            throw new SourceDataException(source, line, $"{column} '{Shorten(cell)}' is not a year (1900-2200)");
        }

        return year;
    }

    private static string YearMonthText(int year, int month) => string.Create(CultureInfo.InvariantCulture, $"{year:D4}-{month:D2}");

    /// <summary>The calendar year of a month of a fiscal year: October to December belong to FY − 1.</summary>
    private static int CalendarYear(int fiscalYear, int calendarMonth) => calendarMonth >= 10 ? fiscalYear - 1 : fiscalYear;

    [GeneratedRegex(@"^(\d{4})( \(FYTD\))?$")]
    private static partial Regex CbpFiscalYear();

    [GeneratedRegex(@"^(\d{2}) ([A-Za-z]+)$")]
    private static partial Regex KhsmMonth();

    private interface ILayout
    {
        string Table { get; }

        string Name { get; }

        MonthlyRow Parse(string[] cells, string source, long line);
    }

    /// <summary>
    /// Key: year_month, component, demographic, citizenship_grouping, title_of_authority, encounter_type.
    /// Values: fiscal_year (as given), demographic_label (as given), month_abbv, month_grouping (null in the tableau layout), encounter_count.
    /// </summary>
    private sealed class CbpSboLayout(bool hasMonthGrouping) : ILayout
    {
        public string Table => CbpSboTable;

        public string Name => hasMonthGrouping ? "cbp-sbo" : "cbp-sbo-tableau";

        public MonthlyRow Parse(string[] cells, string source, long line)
        {
            var c = 0;
            var fiscalText = cells[c++];
            var match = CbpFiscalYear().Match(fiscalText);
            if (!match.Success)
            {
                throw new SourceDataException(source, line, $"Fiscal Year '{Shorten(fiscalText)}' is not a year or 'YYYY (FYTD)'");
            }

            var fiscalYear = Year(match.Groups[1].Value, "Fiscal Year", source, line);
            string? grouping = null;
            if (hasMonthGrouping)
            {
                grouping = cells[c++];
                if (grouping is not ("FYTD" or "Remaining"))
                {
                    throw new SourceDataException(source, line, $"Month Grouping '{Shorten(grouping)}' is not FYTD or Remaining");
                }
            }

            var abbv = cells[c++];
            var monthIndex = Array.IndexOf(MonthAbbreviations, abbv);
            if (monthIndex < 0)
            {
                throw new SourceDataException(source, line, $"Month (abbv) '{Shorten(abbv)}' is not a month code (JAN … DEC)");
            }

            var month = monthIndex + 1;
            var component = Text(cells[c++], "Component", source, line);
            var demographic = Text(cells[c++], "Demographic", source, line);
            var citizenship = Text(cells[c++], "Citizenship Grouping", source, line);
            var title = Text(cells[c++], "Title of Authority", source, line);
            var type = Text(cells[c++], "Encounter Type", source, line);
            var count = Count(cells[c], "Encounter Count", source, line);
            var yearMonth = YearMonthText(CalendarYear(fiscalYear, month), month);
            // The tableau scrape uses CBP's older name for unaccompanied children; one key keeps the two releases' cells together.
            var demographicKey = demographic == "UC / Single Minors" ? "UAC" : demographic;
            return new MonthlyRow(line, [yearMonth, component, demographicKey, citizenship, title, type], [fiscalText, demographic, abbv, grouping, count]);
        }
    }

    /// <summary>
    /// Key: breakdown (null for the region file), region, breakdown_value, year_month.
    /// Values: fiscal_year, month_label, quantity, calendar_year, calendar_month (checked against the fiscal year and month).
    /// </summary>
    private sealed class KhsmLayout(string? breakdown) : ILayout
    {
        public string Table => KhsmTable;

        public string Name => breakdown is null ? "khsm-region" : "khsm-region-" + breakdown.ToLowerInvariant().Replace(' ', '-');

        public MonthlyRow Parse(string[] cells, string source, long line)
        {
            var c = 0;
            var fiscalYear = Year(cells[c++], "Fiscal Year", source, line);
            var label = cells[c++];
            var match = KhsmMonth().Match(label);
            var position = match.Success ? int.Parse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture) : 0;
            if (position is < 1 or > 12 || FiscalMonthNames[position - 1] != match.Groups[2].Value)
            {
                throw new SourceDataException(source, line, $"Month '{Shorten(label)}' is not a fiscal month label ('01 October' … '12 September')");
            }

            var month = position <= 3 ? position + 9 : position - 3;
            var region = Text(cells[c++], "Region", source, line);
            string? value = null;
            if (breakdown is not null)
            {
                value = Text(cells[c++], breakdown, source, line);
            }

            var quantity = Count(cells[c++], "Quantity", source, line);
            var calendarYear = Year(cells[c++], "Calendar Year", source, line);
            var calendarMonthText = cells[c];
            if (calendarMonthText.Length is < 1 or > 2 || !calendarMonthText.All(char.IsAsciiDigit))
            {
                throw new SourceDataException(source, line, $"Calendar Month '{Shorten(calendarMonthText)}' is not a month number");
            }

            var calendarMonth = int.Parse(calendarMonthText, NumberStyles.None, CultureInfo.InvariantCulture);
            var expectedYear = CalendarYear(fiscalYear, month);
            if (calendarMonth != month || calendarYear != expectedYear)
            {
                throw new SourceDataException(source, line, $"Calendar Year/Month {calendarYear}-{calendarMonth} does not match FY{fiscalYear} '{label}' ({YearMonthText(expectedYear, month)})");
            }

            return new MonthlyRow(line, [breakdown, region, value, YearMonthText(calendarYear, month)], [(long)fiscalYear, label, quantity, (long)calendarYear, (long)calendarMonth]);
        }
    }

    /// <summary>Key: year_month. Values: the asked columns' counts, in order.</summary>
    private sealed class PublishedLayout(IReadOnlyList<int> indexes, IReadOnlyList<string> columns) : ILayout
    {
        public string Table => PublishedTable;

        public string Name => "published-month";

        public MonthlyRow Parse(string[] cells, string source, long line)
        {
            var month = cells[indexes[0]];
            var parsed = NodaTime.Text.YearMonthPattern.Iso.Parse(month);
            if (month.Length != 7 || !parsed.Success || parsed.Value.Year is < 1900 or > 2200)
            {
                throw new SourceDataException(source, line, $"month '{Shorten(month)}' is not a month (yyyy-MM)");
            }

            var values = new object?[columns.Count];
            for (var i = 0; i < columns.Count; i++)
            {
                values[i] = Count(cells[indexes[i + 1]], columns[i], source, line);
            }

            return new MonthlyRow(line, [month], values);
        }
    }
}
