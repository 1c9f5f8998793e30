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

    public static IEnumerable<(long Line, ScreeningCase Case)> Read(TextReader text, string sourceName)
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
