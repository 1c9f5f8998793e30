using nietras.SeparatedValues;
using Threshold.Law;

namespace Threshold.Screening;

/// <summary>
/// Reads cases from CSV whose header names contract fields (any order; id, enteredAt, place and citizenship required).
/// Booleans are true, false or empty (false); officerException and exceptionallyCompelling are empty for null.
/// </summary>
public static class CaseCsvReader
{
    /// <summary>
    /// Longest line accepted, in characters (as <see cref="CaseJsonReader.MaxLineBytes"/> for JSONL): a case row is a
    /// few hundred. A longer line is refused with its number once reading passes the limit, without holding the line.
    /// </summary>
    public const int MaxLineChars = CaseJsonReader.MaxLineBytes;

    /// <summary>
    /// Reads cases from CSV bytes, which must be UTF-8 (a UTF-8 byte order mark is skipped). A malformed byte is refused
    /// at its line rather than replaced by U+FFFD: replaced, <c>A\xFF</c> and <c>A\xFE</c> would both read as the id
    /// <c>A\uFFFD</c> and two cases would merge under one key. The stream is left open.
    /// </summary>
    public static IEnumerable<(long Line, ScreeningCase Case)> Read(Stream stream, string sourceName) =>
        Read(Text(stream), sourceName, CaseIdLines.Rereading(stream, again => Read(Text(again), sourceName, ids: null)));

    private static StreamReader Text(Stream stream) => new(stream, MarkedUtf8.Encoding, detectEncodingFromByteOrderMarks: false, 1 << 16, leaveOpen: true);

    /// <summary>
    /// Reads cases from CSV text. An id seen on an earlier line is refused naming both lines (<see cref="CaseIdLines"/>).
    /// Text decoded by <see cref="Read(Stream, string)"/> has its malformed bytes refused at their line; other text is
    /// read as given.
    /// </summary>
    public static IEnumerable<(long Line, ScreeningCase Case)> Read(TextReader text, string sourceName) =>
        Read(text, sourceName, new CaseIdLines(sourceName));

    private static IEnumerable<(long Line, ScreeningCase Case)> Read(TextReader text, string sourceName, Func<string, long, long>? findEarlier) =>
        Read(text, sourceName, new CaseIdLines(sourceName, findEarlier));

    /// <param name="ids">The key the ids are checked against; null to read without the check (a re-read).</param>
    private static IEnumerable<(long Line, ScreeningCase Case)> Read(TextReader text, string sourceName, CaseIdLines? ids)
    {
        SepReader reader;
        var lines = new BoundedLineReader(text, MaxLineChars, (line, problem) => new CaseInputException(sourceName, line, null, problem));
        try
        {
            reader = Sep.New(',').Reader(o => o with { HasHeader = true, Unescape = true, DisableColCountCheck = true }).From(lines);
        }
        catch (ArgumentException e)
        {
            throw new CaseInputException(sourceName, 1, null, $"bad header row: {e.Message}");
        }

        using var disposeReader = reader;
        var header = reader.Header.ColNames;
        if (MarkedUtf8.Contains(string.Join(',', header)))
        {
            throw new CaseInputException(sourceName, 1, null, "not valid UTF-8: a malformed byte (or the noncharacter U+FFFF) in the header row");
        }

        foreach (var name in header)
        {
            if (!CaseFields.All.Contains(name))
            {
                throw new CaseInputException(sourceName, 1, name, $"unknown column; the case fields are {string.Join(", ", CaseFields.All)}");
            }
        }

        foreach (var required in new[] { "id", "enteredAt", "place", "citizenship" })
        {
            if (!header.Contains(required))
            {
                throw new CaseInputException(sourceName, 1, required, "required column is missing");
            }
        }

        var index = CaseFields.All.Select(f => header.Contains(f) ? reader.Header.IndexOf(f) : -1).ToArray();
        var lastLine = 1L;
        var rows = reader;
        while (true)
        {
            ScreeningCase parsed;
            long line;
            try
            {
                if (!rows.MoveNext())
                {
                    yield break;
                }

                var row = rows.Current;
                line = row.LineNumberFrom;
                lastLine = line;
                if (row.ColCount == 1 && row.Span.Trim().IsEmpty)
                {
                    continue;
                }

                if (MarkedUtf8.Contains(row.Span))
                {
                    throw new CaseInputException(sourceName, line, null, "not valid UTF-8: a malformed byte (or the noncharacter U+FFFF) in this row; CSV cases must be UTF-8, and a malformed byte is refused, never replaced");
                }

                if (row.ColCount != header.Count)
                {
                    throw new CaseInputException(sourceName, line, null, $"row has {row.ColCount} fields; the header has {header.Count}");
                }

                var cells = new string?[CaseFields.All.Length];
                for (var f = 0; f < cells.Length; f++)
                {
                    cells[f] = index[f] < 0 ? null : row[index[f]].ToString().Trim();
                }

                parsed = FromCells(field => cells[Array.IndexOf(CaseFields.All, field)], sourceName, line);
            }
            catch (InvalidDataException e)
            {
                throw new CaseInputException(sourceName, lastLine + 1, null, $"malformed CSV after line {lastLine}: {CaseFields.Shorten(e.Message.ReplaceLineEndings(" "))}");
            }

            ids?.Add(parsed.Id, line);
            yield return (line, parsed);
        }
    }

    private static ScreeningCase FromCells(Func<string, string?> cell, string source, long line)
    {
        string Need(string field) => cell(field) is { Length: > 0 } v ? v : throw new CaseInputException(source, line, field, "is required");
        void Check(string field, string? problem)
        {
            if (problem is not null)
            {
                throw new CaseInputException(source, line, field, problem);
            }
        }

        var id = Need("id");
        Check("id", CaseFields.Id(id));
        Check("enteredAt", CaseFields.EnteredAt(Need("enteredAt"), out var entered));
        Check("place", CaseFields.Place(Need("place"), out var place));
        var citizenship = Need("citizenship");
        Check("citizenship", CaseFields.Citizenship(citizenship));
        var facts = CaseFacts.None;
        foreach (var (field, fact) in ScreeningCase.FactFields)
        {
            switch (cell(field))
            {
                case null or "":
                    break;
                case "false":
                    facts |= ScreeningCase.FalseFact(field);
                    break;
                case "true":
                    facts |= fact;
                    break;
                case var other:
                    throw new CaseInputException(source, line, field, $"'{CaseFields.Shorten(other)}' must be true, false or empty");
            }
        }

        var officer = cell("officerException");
        Check("officerException", CaseFields.Officer(officer, out var o));
        var ecc = cell("exceptionallyCompelling");
        Check("exceptionallyCompelling", CaseFields.Compelling(ecc));
        return new ScreeningCase(id, entered, place, citizenship, facts, o, string.IsNullOrEmpty(ecc) ? null : ecc);
    }
}

/// <summary>
/// UTF-8 decoding that marks each malformed byte sequence with U+FFFF instead of U+FFFD, so the reader can refuse the
/// line that holds it; a throwing decoder would fail a whole 64 KB block, without a line to name. U+FFFF is a Unicode
/// noncharacter ("for internal use"), never a case value, so the reader refuses it too when the bytes spell it
/// (<c>EF BF BF</c>). A lone surrogate would be a cleaner mark, but the CSV parser refuses such text outright.
/// </summary>
internal static class MarkedUtf8
{
    public const char Mark = '\uFFFF';

    public static readonly System.Text.Encoding Encoding = Create();

    private static System.Text.Encoding Create()
    {
        // With a byte order mark as its preamble, so StreamReader skips a leading UTF-8 BOM and detects nothing else.
        var utf8 = (System.Text.Encoding)new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true).Clone();
        utf8.DecoderFallback = new MarkFallback();
        return utf8;
    }

    private sealed class MarkFallback : System.Text.DecoderFallback
    {
        public override int MaxCharCount => 1;

        public override System.Text.DecoderFallbackBuffer CreateFallbackBuffer() => new MarkBuffer();
    }

    private sealed class MarkBuffer : System.Text.DecoderFallbackBuffer
    {
        private int remaining;

        public override int Remaining => remaining;

        public override bool Fallback(byte[] bytesUnknown, int index)
        {
            remaining = 1;
            return true;
        }

        public override char GetNextChar()
        {
            if (remaining == 0)
            {
                return '\0';
            }

            remaining--;
            return Mark;
        }

        public override bool MovePrevious()
        {
            if (remaining != 0)
            {
                return false;
            }

            remaining = 1;
            return true;
        }

        public override void Reset() => remaining = 0;
    }

    /// <summary>Whether <paramref name="text"/> holds a mark (a malformed byte, or a U+FFFF in the bytes).</summary>
    public static bool Contains(ReadOnlySpan<char> text) => text.Contains(Mark);
}
