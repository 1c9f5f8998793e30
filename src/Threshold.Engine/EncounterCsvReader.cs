using System.Globalization;
using nietras.SeparatedValues;
using NodaTime;
using NodaTime.Text;
using Threshold.Law;

namespace Threshold.Engine;

/// <summary>
/// Reads the daily encounter CSV contract:
/// <c>date,between_ports,coastal,ports_of_entry,uc_noncontiguous_between_ports,uc_noncontiguous_ports</c>.
/// Leading lines starting with <c>#</c> are provenance (e.g. <c># modeled: …</c>). Rows may come in any order.
/// Every defect is an <see cref="InputFileException"/> naming the file, the line and the problem.
/// </summary>
public static class EncounterCsvReader
{
    /// <summary>Largest file accepted (64 MiB): far above any real daily series, far below what would exhaust memory.</summary>
    public const long MaxBytes = 64L << 20;

    /// <summary>Most days accepted in one series (about 270 years).</summary>
    public const int MaxDays = 100_000;

    /// <summary>Largest count accepted for one day in one column: a hundred times any day on record, and small enough that sums never overflow.</summary>
    public const int MaxDailyCount = 10_000_000;

    /// <summary>
    /// Longest line accepted, in characters: a real row is under 60 and a provenance comment a few hundred. A longer
    /// line is refused with its number as soon as reading passes the limit, so a file with no newline cannot make one
    /// string the size of the file.
    /// </summary>
    public const int MaxLineChars = 4096;

    public static EncounterSeries ReadFile(string path, bool allowGaps = false)
    {
        FileInfo info = new(path);
        if (!info.Exists)
        {
            throw new InputFileException(path, 0, "file not found");
        }

        if (info.Length > MaxBytes)
        {
            throw new InputFileException(path, 0, $"file is {info.Length} bytes; the limit is {MaxBytes}");
        }

        using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
        return Read(reader, path, allowGaps);
    }

    public static EncounterSeries Read(TextReader text, string sourceName, bool allowGaps = false)
    {
        Exception TooLong(long line, string problem) => new InputFileException(sourceName, line, problem);
        var lines = new BoundedLineReader(text, MaxLineChars, TooLong);
        var provenance = new List<string>();
        var commentLines = 0;
        string? firstDataLine = null;
        while (lines.ReadLine() is { } line)
        {
            if (line.StartsWith('#'))
            {
                commentLines++;
                provenance.Add(line.TrimStart('#').Trim());
                continue;
            }

            firstDataLine = line;
            break;
        }

        if (firstDataLine is null || firstDataLine.Trim().Length == 0)
        {
            throw new InputFileException(sourceName, commentLines + 1, "no header row; expected: date,between_ports,coastal,ports_of_entry,uc_noncontiguous_between_ports,uc_noncontiguous_ports");
        }

        // Sep reads the header and rows; the comment lines were consumed above, so its line numbers are offset by them.
        var rest = new BoundedLineReader(text, MaxLineChars, TooLong, commentLines + 1, firstDataLine + "\n");
        return new Parse(sourceName, commentLines).Run(rest, provenance, allowGaps);
    }

    private sealed class Parse(string source, int lineOffset)
    {
        private readonly record struct Row(LocalDate Date, int Line, int[] Values);

        public EncounterSeries Run(TextReader text, List<string> provenance, bool allowGaps)
        {
            var headerLine = lineOffset + 1;
            SepReader reader;
            try
            {
                reader = Sep.New(',').Reader(o => o with { HasHeader = true, Unescape = true, DisableColCountCheck = true, CultureInfo = CultureInfo.InvariantCulture }).From(text);
            }
            catch (ArgumentException e)
            {
                // Sep refuses a header that names a column twice.
                throw new InputFileException(source, headerLine, $"bad header row: {e.Message}");
            }

            using var disposeReader = reader;
            var header = reader.Header.ColNames;
            if (header.Count == 0 || header[0].Length == 0 && header.Count == 1)
            {
                throw new InputFileException(source, headerLine, "empty header row");
            }

            if (!header.Contains(EncounterColumns.Date))
            {
                throw new InputFileException(source, headerLine, $"header lacks the 'date' column; found: {string.Join(",", header)}");
            }

            var present = new List<(EncounterColumn Column, int Index)>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < header.Count; i++)
            {
                var name = header[i];
                if (!seen.Add(name))
                {
                    throw new InputFileException(source, headerLine, $"column '{name}' appears twice");
                }

                if (name == EncounterColumns.Date)
                {
                    continue;
                }

                var column = EncounterColumns.All.Where(c => c.HeaderName() == name).Cast<EncounterColumn?>().FirstOrDefault()
                    ?? throw new InputFileException(source, headerLine, $"unknown column '{name}'; expected some of: {string.Join(", ", EncounterColumns.All.Select(c => c.HeaderName()))}");
                present.Add((column, i));
            }

            var dateIndex = reader.Header.IndexOf(EncounterColumns.Date);
            var rows = new List<Row>();
            var firstLineOfDate = new Dictionary<LocalDate, int>();
            var lastLine = headerLine;
            try
            {
                foreach (var row in reader)
                {
                    var line = row.LineNumberFrom + lineOffset;
                    if (row.ColCount == 1 && row.Span.Trim().Length == 0)
                    {
                        continue; // a blank line, typically at the end of the file
                    }

                    lastLine = line;
                    if (row.ColCount != header.Count)
                    {
                        throw new InputFileException(source, line, $"row has {row.ColCount} fields; the header has {header.Count}");
                    }

                    if (rows.Count >= MaxDays)
                    {
                        throw new InputFileException(source, line, $"more than {MaxDays} rows");
                    }

                    var dateText = row[dateIndex].Span.Trim();
                    var parsed = LocalDatePattern.Iso.Parse(dateText.ToString());
                    if (!parsed.Success)
                    {
                        throw new InputFileException(source, line, $"date '{Shorten(dateText)}' is not a calendar date in yyyy-MM-dd form");
                    }

                    var date = parsed.Value;
                    if (firstLineOfDate.TryGetValue(date, out var earlier))
                    {
                        throw new InputFileException(source, line, $"duplicate date {LocalDatePattern.Iso.Format(date)} (first on line {earlier})");
                    }

                    firstLineOfDate[date] = line;
                    var values = new int[EncounterColumns.All.Count];
                    foreach (var (column, index) in present)
                    {
                        var cell = row[index].Span.Trim();
                        if (!long.TryParse(cell, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
                        {
                            throw new InputFileException(source, line, cell.Length == 0
                                ? $"{column.HeaderName()} is empty; a missing day must be left out of the file, not blank"
                                : $"{column.HeaderName()} '{Shorten(cell)}' is not a whole number");
                        }

                        if (value < 0)
                        {
                            throw new InputFileException(source, line, $"{column.HeaderName()} is negative ({value})");
                        }

                        if (value > MaxDailyCount)
                        {
                            throw new InputFileException(source, line, $"{column.HeaderName()} is {value}, above the limit of {MaxDailyCount:N0} a day");
                        }

                        values[(int)column] = (int)value;
                    }

                    CheckSubsets(values, present, line);
                    rows.Add(new Row(date, line, values));
                }
            }
            catch (InvalidDataException e)
            {
                // Sep's message can span lines and quote the whole remaining input: keep one short line.
                var message = e.Message.ReplaceLineEndings(" ");
                throw new InputFileException(source, lastLine + 1, $"malformed CSV after line {lastLine} (e.g. an unterminated quote): {(message.Length > 160 ? message[..160] + "…" : message)}");
            }

            if (rows.Count == 0)
            {
                throw new InputFileException(source, headerLine, "no data rows after the header");
            }

            rows.Sort((a, b) => a.Date.CompareTo(b.Date));
            var start = rows[0].Date;
            var end = rows[^1].Date;
            var span = Period.Between(start, end, PeriodUnits.Days).Days + 1;
            if (span > MaxDays)
            {
                throw new InputFileException(source, 0, $"dates span {span} days ({start}..{end}); the limit is {MaxDays}");
            }

            bool[]? missing = null;
            if (span != rows.Count)
            {
                var firstGap = FirstMissingDate(rows);
                if (!allowGaps)
                {
                    var after = rows.First(r => r.Date == firstGap.PlusDays(-1));
                    throw new InputFileException(source, after.Line, new WhatIfProblem(WhatIfOption.AllowGaps, null, $"gap in dates: {LocalDatePattern.Iso.Format(firstGap)} is missing ({span - rows.Count} day(s) missing in all); pass {WhatIfProblem.UsageMarker} to replay with undeterminable windows instead", Leads: false));
                }

                missing = new bool[span];
                Array.Fill(missing, true);
            }

            var data = present.ToDictionary(p => p.Column, _ => new int[span]);
            foreach (var r in rows)
            {
                var i = Period.Between(start, r.Date, PeriodUnits.Days).Days;
                if (missing is not null)
                {
                    missing[i] = false;
                }

                foreach (var (column, values) in data)
                {
                    values[i] = r.Values[(int)column];
                }
            }

            return new EncounterSeries(source, start, span, data, missing, provenance) { HeaderLine = headerLine };
        }

        private void CheckSubsets(int[] values, List<(EncounterColumn Column, int Index)> present, int line)
        {
            bool Has(EncounterColumn c) => present.Exists(p => p.Column == c);
            if (Has(EncounterColumn.UcNoncontiguousBetweenPorts))
            {
                long total = 0;
                var parts = new List<string>();
                foreach (var c in new[] { EncounterColumn.BetweenPorts, EncounterColumn.Coastal })
                {
                    if (Has(c))
                    {
                        total += values[(int)c];
                        parts.Add(c.HeaderName());
                    }
                }

                if (parts.Count > 0 && values[(int)EncounterColumn.UcNoncontiguousBetweenPorts] > total)
                {
                    throw new InputFileException(source, line, $"uc_noncontiguous_between_ports ({values[(int)EncounterColumn.UcNoncontiguousBetweenPorts]}) is larger than its total {string.Join(" + ", parts)} ({total})");
                }
            }

            if (Has(EncounterColumn.UcNoncontiguousPorts) && Has(EncounterColumn.PortsOfEntry)
                && values[(int)EncounterColumn.UcNoncontiguousPorts] > values[(int)EncounterColumn.PortsOfEntry])
            {
                throw new InputFileException(source, line, $"uc_noncontiguous_ports ({values[(int)EncounterColumn.UcNoncontiguousPorts]}) is larger than its total ports_of_entry ({values[(int)EncounterColumn.PortsOfEntry]})");
            }
        }

        private static LocalDate FirstMissingDate(List<Row> sorted)
        {
            for (var i = 1; i < sorted.Count; i++)
            {
                if (sorted[i].Date != sorted[i - 1].Date.PlusDays(1))
                {
                    return sorted[i - 1].Date.PlusDays(1);
                }
            }

            throw new InvalidOperationException("no gap found");
        }

        private static string Shorten(ReadOnlySpan<char> text) => text.Length <= 40 ? text.ToString() : string.Concat(text[..40], "…");
    }
}
