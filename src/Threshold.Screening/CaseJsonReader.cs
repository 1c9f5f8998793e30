using System.Buffers;
using System.Text;
using System.Text.Json;
using NodaTime;

namespace Threshold.Screening;

/// <summary>
/// Reads cases from JSON (one object) or JSONL (one object a line), streaming: a 10-million-line file is read in
/// constant memory. Field names are the contract's; unknown or repeated fields are errors; absent booleans are false.
/// </summary>
public static class CaseJsonReader
{
    /// <summary>Longest accepted line (or single-case file), in bytes.</summary>
    public const int MaxLineBytes = 64 * 1024;

    /// <summary>
    /// Deepest JSON nesting the reader will enter. A case is one flat object, so the reader already refuses an array or
    /// object where a field's value belongs ("must be a string") at its first token; this bound is the backstop that
    /// keeps any nesting from being walked.
    /// </summary>
    public const int MaxDepth = 4;

    public static ScreeningCase ReadSingle(string path)
    {
        FileInfo info = new(path);
        if (!info.Exists)
        {
            throw new CaseInputException(path, 0, null, "file not found");
        }

        if (info.Length > MaxLineBytes)
        {
            throw new CaseInputException(path, 0, null, $"a single case file may be at most {MaxLineBytes} bytes");
        }

        var bytes = File.ReadAllBytes(path);
        return Parse(bytes, path, 1, multiLine: true);
    }

    /// <summary>
    /// Streams the cases of a JSONL file with their 1-based line numbers; blank lines are skipped. An id seen on an
    /// earlier line is refused naming both lines (<see cref="CaseIdLines"/>).
    /// </summary>
    public static IEnumerable<(long Line, ScreeningCase Case)> ReadLines(Stream stream, string sourceName)
    {
        var ids = new CaseIdLines(sourceName, CaseIdLines.Rereading(stream, again => ReadAllLines(again, sourceName)));
        foreach (var (line, c) in ReadAllLines(stream, sourceName))
        {
            ids.Add(c.Id, line);
            yield return (line, c);
        }
    }

    private static IEnumerable<(long Line, ScreeningCase Case)> ReadAllLines(Stream stream, string sourceName)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxLineBytes * 2);
        try
        {
            var filled = 0;
            long line = 0;
            var eof = false;
            while (true)
            {
                var start = 0;
                while (true)
                {
                    var newline = buffer.AsSpan(start, filled - start).IndexOf((byte)'\n');
                    if (newline < 0)
                    {
                        break;
                    }

                    line++;
                    var content = buffer.AsSpan(start, newline);
                    start += newline + 1;
                    if (!IsBlank(content))
                    {
                        yield return (line, TryParseFast(content) ?? Parse(content, sourceName, line, multiLine: false));
                    }
                }

                // Keep the partial line, then read more.
                var rest = filled - start;
                buffer.AsSpan(start, rest).CopyTo(buffer);
                filled = rest;
                if (eof)
                {
                    if (filled > 0 && !IsBlank(buffer.AsSpan(0, filled)))
                    {
                        line++;
                        yield return (line, TryParseFast(buffer.AsSpan(0, filled)) ?? Parse(buffer.AsSpan(0, filled), sourceName, line, multiLine: false));
                    }

                    yield break;
                }

                if (filled >= MaxLineBytes)
                {
                    throw new CaseInputException(sourceName, line + 1, null, $"line is longer than {MaxLineBytes} bytes");
                }

                var read = stream.Read(buffer, filled, buffer.Length - filled);
                if (read == 0)
                {
                    eof = true;
                }

                filled += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The fast path for the common shape of a JSONL line: one flat object, keys and string values printable ASCII
    /// without escapes, no whitespace between tokens, every value valid. It returns null for anything else (escapes,
    /// whitespace, non-ASCII, a BOM, unknown, repeated or missing fields, invalid values, trailing text), and the caller
    /// then runs <see cref="Parse"/>, which accepts the same cases and names the problem with any other line; so the
    /// fast path changes speed, never results or errors.
    /// </summary>
    internal static ScreeningCase? TryParseFast(ReadOnlySpan<byte> s)
    {
        var n = s.Length;
        while (n > 0 && s[n - 1] is (byte)' ' or (byte)'\r' or (byte)'\t')
        {
            n--;
        }

        if (n < 2 || s[0] != (byte)'{' || s[n - 1] != (byte)'}')
        {
            return null;
        }

        s = s[..n];
        string? id = null, citizenship = null, compelling = null;
        OffsetDateTime entered = default;
        var place = EntryPlace.BetweenPorts;
        var officer = OfficerDiscretion.None;
        var facts = CaseFacts.None;
        var seen = 0;
        var i = 1;
        while (true)
        {
            if (i >= n || s[i] != (byte)'"')
            {
                return null;
            }

            var keyLength = s[(i + 1)..].IndexOf((byte)'"');
            if (keyLength < 0)
            {
                return null;
            }

            var field = CaseFields.IndexOf(s.Slice(i + 1, keyLength));
            i += keyLength + 2;
            if (field < 0 || (seen & (1 << field)) != 0 || i >= n || s[i] != (byte)':')
            {
                return null;
            }

            seen |= 1 << field;
            i++;
            if (i >= n)
            {
                return null;
            }

            if (s[i] == (byte)'"')
            {
                var length = s[(i + 1)..].IndexOf((byte)'"');
                if (length < 0)
                {
                    return null;
                }

                var v = s.Slice(i + 1, length);
                i += length + 2;
                if (v.IndexOfAnyExceptInRange((byte)0x20, (byte)0x7E) >= 0 || v.Contains((byte)'\\'))
                {
                    return null;
                }

                switch (field)
                {
                    case CaseFields.IdIndex:
                        if (v.Length is 0 or > 200)
                        {
                            return null;
                        }

                        id = Encoding.ASCII.GetString(v);
                        break;
                    case CaseFields.EnteredAtIndex:
                        if (!CaseFields.TryParseInstantFast(v, out entered))
                        {
                            return null;
                        }

                        break;
                    case CaseFields.PlaceIndex:
                        if (v.SequenceEqual("between-ports"u8))
                        {
                            place = EntryPlace.BetweenPorts;
                        }
                        else if (v.SequenceEqual("port-of-entry"u8))
                        {
                            place = EntryPlace.PortOfEntry;
                        }
                        else if (v.SequenceEqual("coastal"u8))
                        {
                            place = EntryPlace.Coastal;
                        }
                        else
                        {
                            return null;
                        }

                        break;
                    case CaseFields.CitizenshipIndex:
                        citizenship = CaseFields.CountryCode(v);
                        if (citizenship is null)
                        {
                            return null;
                        }

                        break;
                    case CaseFields.OfficerIndex:
                        if (v.SequenceEqual("totality"u8))
                        {
                            officer = OfficerDiscretion.Totality;
                        }
                        else if (v.SequenceEqual("operational"u8))
                        {
                            officer = OfficerDiscretion.Operational;
                        }
                        else if (!v.IsEmpty)
                        {
                            return null;
                        }

                        break;
                    case CaseFields.CompellingIndex:
                        if (!v.IsEmpty)
                        {
                            compelling = CaseFields.CompellingGround(v);
                            if (compelling is null)
                            {
                                return null;
                            }
                        }

                        break;
                    default:
                        return null;
                }
            }
            else if (s[i..].StartsWith("true"u8))
            {
                i += 4;
                var fact = CaseFields.FactAt(field);
                if (fact == CaseFacts.None)
                {
                    return null;
                }

                facts |= fact;
            }
            else if (s[i..].StartsWith("false"u8) || s[i..].StartsWith("null"u8))
            {
                var isNull = s[i] == (byte)'n';
                i += isNull ? 4 : 5;
                if (CaseFields.FactAt(field) == CaseFacts.None && !(isNull && field is CaseFields.OfficerIndex or CaseFields.CompellingIndex))
                {
                    return null;
                }

                if (!isNull)
                {
                    facts |= CaseFields.FalseFactAt(field);
                }
            }
            else
            {
                return null;
            }

            if (i >= n)
            {
                return null;
            }

            if (s[i] == (byte)',')
            {
                i++;
                continue;
            }

            if (i == n - 1)
            {
                break;
            }

            return null;
        }

        const int required = (1 << CaseFields.IdIndex) | (1 << CaseFields.EnteredAtIndex) | (1 << CaseFields.PlaceIndex) | (1 << CaseFields.CitizenshipIndex);
        return (seen & required) != required ? null : new ScreeningCase(id!, entered, place, citizenship!, facts, officer, compelling);
    }

    private static bool IsBlank(ReadOnlySpan<byte> line) => line.Trim("\r\n\t "u8).IsEmpty;

    /// <summary>Parses one case object; <paramref name="line"/> is the line of the object's start.</summary>
    public static ScreeningCase Parse(ReadOnlySpan<byte> json, string source, long line, bool multiLine)
    {
        if (json.Length >= 3 && json[0] == 0xEF && json[1] == 0xBB && json[2] == 0xBF)
        {
            json = json[3..];
        }

        // Utf8JsonReader checks UTF-8 only when a string is read, and then throws InvalidOperationException; check it
        // first so malformed bytes are a located input error (found by fuzzing).
        if (!System.Text.Unicode.Utf8.IsValid(json))
        {
            var bad = FirstInvalidUtf8(json);
            throw new CaseInputException(source, FieldLine(json, bad, line, multiLine), null, $"not valid UTF-8 (byte {bad + 1}{(multiLine ? string.Empty : " of the line")})");
        }

        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Disallow });
        string? id = null, place = null, citizenship = null, officer = null, compelling = null;
        OffsetDateTime? entered = null;
        var facts = CaseFacts.None;
        var seen = 0;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new CaseInputException(source, line, null, "expected a JSON object for a case");
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var name = Text(ref reader, source, FieldLine(json, reader.TokenStartIndex, line, multiLine), null);
                var index = Array.IndexOf(CaseFields.All, name);
                if (index < 0)
                {
                    throw new CaseInputException(source, FieldLine(json, reader.TokenStartIndex, line, multiLine), name, $"unknown field; the case fields are {string.Join(", ", CaseFields.All)}");
                }

                if ((seen & (1 << index)) != 0)
                {
                    throw new CaseInputException(source, FieldLine(json, reader.TokenStartIndex, line, multiLine), name, "appears twice");
                }

                seen |= 1 << index;
                reader.Read();
                var fieldLine = FieldLine(json, reader.TokenStartIndex, line, multiLine);
                var nullableField = name is "officerException" or "exceptionallyCompelling";
                string? text = null;
                if (ScreeningCase.FactFields.All(f => f.Field != name))
                {
                    text = reader.TokenType switch
                    {
                        JsonTokenType.String => Text(ref reader, source, fieldLine, name),
                        JsonTokenType.Null when nullableField => null,
                        _ => throw new CaseInputException(source, fieldLine, name, nullableField ? "must be a string or null" : "must be a string"),
                    };
                }

                string? problem = null;
                switch (name)
                {
                    case "id":
                        id = text!;
                        problem = CaseFields.Id(id);
                        break;
                    case "enteredAt":
                        problem = CaseFields.EnteredAt(text!, out var instant);
                        entered = instant;
                        break;
                    case "place":
                        place = text!;
                        problem = CaseFields.Place(place, out _);
                        break;
                    case "citizenship":
                        citizenship = text!;
                        problem = CaseFields.Citizenship(citizenship);
                        break;
                    case "officerException":
                        officer = text;
                        // In JSON, absence is null; an empty string is a mistake, not a way to say "none".
                        problem = officer == string.Empty ? "must be null, totality or operational, not an empty string" : CaseFields.Officer(officer, out _);
                        break;
                    case "exceptionallyCompelling":
                        compelling = text;
                        problem = compelling == string.Empty ? "must be null or a ground code, not an empty string" : CaseFields.Compelling(compelling);
                        break;
                    default:
                        var fact = ScreeningCase.FactFields.First(f => f.Field == name).Fact;
                        switch (reader.TokenType)
                        {
                            case JsonTokenType.True:
                                facts |= fact;
                                break;
                            case JsonTokenType.False:
                                facts |= ScreeningCase.FalseFact(name);
                                break;
                            case JsonTokenType.Null:
                                break;
                            default:
                                problem = "must be true or false";
                                break;
                        }

                        break;
                }

                if (problem is not null)
                {
                    throw new CaseInputException(source, fieldLine, name, problem);
                }
            }

            if (reader.Read())
            {
                throw new CaseInputException(source, line, null, "text after the case object (one case per line in JSONL)");
            }
        }
        catch (JsonException e)
        {
            throw new CaseInputException(source, multiLine ? line + (e.LineNumber ?? 0) : line, null, $"not valid JSON: {e.Message.Split(" Path:")[0]}");
        }

        // A JSON string may escape half a surrogate pair ("\ud800"), which is no text at all: a field error, not a crash.
        static string Text(ref Utf8JsonReader reader, string source, long at, string? field)
        {
            try
            {
                return reader.GetString()!;
            }
            catch (InvalidOperationException)
            {
                throw new CaseInputException(source, at, field, $"{(field is null ? "a field name" : "the value")} contains a lone surrogate (\\uD800–\\uDFFF without its pair), which is not text");
            }
        }

        string Required(string? value, string field) => value ?? throw new CaseInputException(source, line, field, "is required");
        CaseFields.Place(Required(place, "place"), out var p);
        CaseFields.Officer(officer, out var o);
        return new ScreeningCase(
            Required(id, "id"),
            entered ?? throw new CaseInputException(source, line, "enteredAt", "is required"),
            p,
            Required(citizenship, "citizenship"),
            facts,
            o,
            string.IsNullOrEmpty(compelling) ? null : compelling);
    }

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> json)
    {
        var at = 0;
        while (at < json.Length && Rune.DecodeFromUtf8(json[at..], out _, out var consumed) == OperationStatus.Done)
        {
            at += consumed;
        }

        return at;
    }

    private static long FieldLine(ReadOnlySpan<byte> json, long tokenStart, long line, bool multiLine) =>
        multiLine ? line + json[..(int)Math.Min(tokenStart, json.Length)].Count((byte)'\n') : line;

    /// <summary>The bytes of one case as compact JSON in contract field order (absent booleans omitted).</summary>
    public static string Write(ScreeningCase c)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            Write(c, json);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// Writes <see cref="Write(ScreeningCase)"/>'s JSON, as UTF-8, to <paramref name="json"/> (compact, not flushed): for
    /// bulk writers that reuse one writer and never need the text as a string.
    /// </summary>
    public static void Write(ScreeningCase c, Utf8JsonWriter json)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(json);
        json.WriteStartObject();
        json.WriteString("id", c.Id);
        json.WriteString("enteredAt", NodaTime.Text.OffsetDateTimePattern.Rfc3339.Format(c.EnteredAt));
        json.WriteString("place", ScreeningCase.PlaceCode(c.Place));
        json.WriteString("citizenship", c.Citizenship);
        foreach (var (field, fact) in ScreeningCase.FactFields)
        {
            if (c.Has(fact))
            {
                json.WriteBoolean(field, true);
            }
            else if (ScreeningCase.FalseFact(field) is var no && no != CaseFacts.None && c.Has(no))
            {
                json.WriteBoolean(field, false);
            }
        }

        if (ScreeningCase.OfficerCode(c.OfficerDiscretion) is { } officer)
        {
            json.WriteString("officerException", officer);
        }

        if (c.ExceptionallyCompelling is { } ecc)
        {
            json.WriteString("exceptionallyCompelling", ecc);
        }

        json.WriteEndObject();
    }
}
