namespace Threshold.Screening;

/// <summary>
/// Case ids are a key: within one file or request body each id may appear once. The readers note every id with its
/// line and refuse the second one, naming both lines, so two different cases can never be screened, recorded or
/// reported under one id (and one person never takes two places under a cap).
/// </summary>
/// <remarks>
/// The ids are held exactly (ordinal strings), not by hash, so a refusal is never a false alarm. That costs about 140
/// bytes a case for 25-character ids (measured: docs/reliability.md, issue 15), so 10 million cases hold about 1.4 GB.
/// </remarks>
internal sealed class CaseIdLines(string source)
{
    private readonly Dictionary<string, long> firstLine = new(StringComparer.Ordinal);

    /// <summary>Notes <paramref name="id"/> at <paramref name="line"/>, or refuses it when an earlier line has it.</summary>
    public void Add(string id, long line)
    {
        if (!firstLine.TryAdd(id, line))
        {
            throw new CaseInputException(source, line, "id", $"'{CaseFields.Shorten(id)}' is also the id of line {firstLine[id]}: a case id may appear once in a file or request (lines {firstLine[id]} and {line})");
        }
    }
}
