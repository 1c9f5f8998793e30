namespace Threshold.Screening;

/// <summary>
/// Case ids are a key: within one file or request body each id may appear once. The readers note every id with its
/// line and refuse the second one, naming both lines, so two different cases can never be screened, recorded or
/// reported under one id (and one person never takes two places under a cap).
/// </summary>
/// <remarks>
/// Holding every id as a string cost about 140 bytes a case and slowed the garbage collector (2 million cases took 1.8
/// times as long). So when the input can be read again (<paramref name="findEarlier"/>), only a 64-bit hash of each id
/// is kept, 8–16 bytes a case; a hash seen before makes the reader re-read the input up to that line for an id exactly
/// equal, and only that is refused, so a refusal is never a false alarm. Half of the hash is the runtime's randomised
/// string hash, so nobody can craft ids that force those re-reads. Input that cannot be re-read keeps the ids exactly.
/// </remarks>
/// <param name="source">The file or body, for messages.</param>
/// <param name="findEarlier">
/// The first line before the given line whose id equals the given id exactly, or 0 when none does; null when the input
/// cannot be read again.
/// </param>
internal sealed class CaseIdLines(string source, Func<string, long, long>? findEarlier = null)
{
    private readonly Dictionary<string, long>? exact = findEarlier is null ? new(StringComparer.Ordinal) : null;
    private ulong[] slots = new ulong[1 << 12];
    private int count;

    /// <summary>Notes <paramref name="id"/> at <paramref name="line"/>, or refuses it when an earlier line has it.</summary>
    public void Add(string id, long line)
    {
        if (exact is not null)
        {
            if (!exact.TryAdd(id, line))
            {
                throw Repeated(id, exact[id], line);
            }

            return;
        }

        if (!Insert(Hash(id)) && findEarlier!(id, line) is > 0 and var first)
        {
            throw Repeated(id, first, line);
        }
    }

    /// <summary>
    /// The <c>findEarlier</c> of a seekable <paramref name="stream"/>: re-reads it from its current position (where the
    /// input starts) with <paramref name="reread"/>, which reads without the key, for the first line before the given
    /// one whose id is exactly equal; the position is put back, so the reading in progress goes on where it was.
    /// </summary>
    public static Func<string, long, long>? Rereading(Stream stream, Func<Stream, IEnumerable<(long Line, ScreeningCase Case)>> reread)
    {
        if (!stream.CanSeek)
        {
            return null;
        }

        var start = stream.Position;
        return (id, before) =>
        {
            var resume = stream.Position;
            try
            {
                stream.Position = start;
                foreach (var (line, c) in reread(stream))
                {
                    if (line >= before)
                    {
                        break;
                    }

                    if (string.Equals(c.Id, id, StringComparison.Ordinal))
                    {
                        return line;
                    }
                }

                return 0;
            }
            finally
            {
                stream.Position = resume;
            }
        };
    }

    private CaseInputException Repeated(string id, long first, long line) =>
        new(source, line, "id", $"'{CaseFields.Shorten(id)}' is also the id of line {first}: a case id may appear once in a file or request (lines {first} and {line})");

    /// <summary>A non-zero 64-bit hash: the randomised string hash and an FNV-1a hash of the UTF-16 code units.</summary>
    private static ulong Hash(string id)
    {
        var fnv = 2166136261u;
        foreach (var c in id)
        {
            fnv = unchecked((fnv ^ c) * 16777619u);
        }

        var h = ((ulong)unchecked((uint)id.GetHashCode(StringComparison.Ordinal)) << 32) | fnv;
        return h == 0 ? 1 : h;
    }

    /// <summary>Adds <paramref name="hash"/> to the open-addressed table (linear probing, at most half full); false when present.</summary>
    private bool Insert(ulong hash)
    {
        if ((count + 1) * 2 > slots.Length)
        {
            var old = slots;
            slots = new ulong[old.Length * 2];
            foreach (var h in old)
            {
                if (h != 0)
                {
                    Place(h);
                }
            }
        }

        if (!Place(hash))
        {
            return false;
        }

        count++;
        return true;
    }

    private bool Place(ulong hash)
    {
        var mask = slots.Length - 1;
        for (var i = (int)(hash & (ulong)mask); ; i = (i + 1) & mask)
        {
            if (slots[i] == hash)
            {
                return false;
            }

            if (slots[i] == 0)
            {
                slots[i] = hash;
                return true;
            }
        }
    }
}
