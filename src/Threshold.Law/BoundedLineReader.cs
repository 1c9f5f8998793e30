namespace Threshold.Law;

/// <summary>
/// Passes text through from another reader and refuses a physical line longer than a limit as soon as the text read
/// gets past it, so one enormous line (a file with no newline, a "10 GB line") is an error naming the line and the
/// limit instead of a string that grows until memory runs out. A '\r' or '\n' ends a line's length (lines are
/// numbered by '\n'); reading stops at the first character over the limit.
/// </summary>
/// <param name="inner">The text; the caller keeps owning it (this reader does not dispose it).</param>
/// <param name="maxLineChars">Longest line accepted, in characters.</param>
/// <param name="error">Makes the exception for a line (1-based) and a problem, e.g. an <see cref="LocatedInputException"/>.</param>
/// <param name="firstLine">Number of the first line read: that of <paramref name="replay"/> when given.</param>
/// <param name="replay">Text already taken from <paramref name="inner"/> (e.g. a header line with its '\n'), served first and checked the same way.</param>
public sealed class BoundedLineReader(TextReader inner, int maxLineChars, Func<long, string, Exception> error, long firstLine = 1, string? replay = null) : TextReader
{
    private long line = firstLine;
    private int run;
    private string? pending = replay;
    private int pendingAt;

    /// <summary>The line being read, 1-based.</summary>
    public long Line => line;

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read(Span<char> buffer)
    {
        int n;
        if (pending is not null && pendingAt < pending.Length)
        {
            n = Math.Min(buffer.Length, pending.Length - pendingAt);
            pending.AsSpan(pendingAt, n).CopyTo(buffer);
            pendingAt += n;
        }
        else
        {
            n = inner.Read(buffer);
        }

        Check(buffer[..n]);
        return n;
    }

    public override int Read()
    {
        Span<char> one = stackalloc char[1];
        return Read(one) == 0 ? -1 : one[0];
    }

    public override int Peek() => pending is not null && pendingAt < pending.Length ? pending[pendingAt] : inner.Peek();

    private void Check(ReadOnlySpan<char> text)
    {
        while (true)
        {
            var newline = text.IndexOfAny('\r', '\n');
            var length = newline < 0 ? text.Length : newline;
            if (run + (long)length > maxLineChars)
            {
                throw error(line, $"line is longer than {maxLineChars} characters (the limit for one line of this input)");
            }

            if (newline < 0)
            {
                run += length;
                return;
            }

            run = 0;
            if (text[newline] == '\n')
            {
                line++;
            }

            text = text[(newline + 1)..];
        }
    }
}
