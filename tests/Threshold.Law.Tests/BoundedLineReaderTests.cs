using System.Text;
using Threshold.TestSupport;

namespace Threshold.Law.Tests;

public sealed class BoundedLineReaderTests
{
    private sealed class LineTooLong(long line, string problem) : Exception($"{line}: {problem}")
    {
        public long Line { get; } = line;
    }

    [Fact]
    public void Lines_within_the_limit_pass_through_unchanged()
    {
        using var reader = new BoundedLineReader(new StringReader("abc\r\nde\n\nf"), 3, (line, problem) => new LineTooLong(line, problem));
        Assert.Equal("abc\r\nde\n\nf", reader.ReadToEnd());
    }

    [Fact]
    public void A_line_over_the_limit_is_refused_with_its_number()
    {
        using var reader = new BoundedLineReader(new StringReader("ok\nalso ok\ntoo long\n"), 7, (line, problem) => new LineTooLong(line, problem));
        var e = Assert.Throws<LineTooLong>(() => reader.ReadToEnd());
        Assert.Equal(3, e.Line);
        Assert.Contains("longer than 7 characters", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_line_without_end_is_refused_after_reading_little_more_than_the_limit()
    {
        var endless = new EndlessLineStream("a\n"u8.ToArray(), 10L << 30);
        using var reader = new BoundedLineReader(new StreamReader(endless, Encoding.UTF8), 4096, (line, problem) => new LineTooLong(line, problem));
        var e = Assert.Throws<LineTooLong>(() => reader.ReadToEnd());
        Assert.Equal(2, e.Line);
        Assert.True(endless.BytesRead < 1 << 20, $"read {endless.BytesRead} bytes of a 10 GiB line");
    }

    [Fact]
    public void Replayed_text_counts_as_the_first_line()
    {
        using var reader = new BoundedLineReader(new StringReader("row\n"), 5, (line, problem) => new LineTooLong(line, problem), firstLine: 4, replay: "header\n");
        Assert.Equal(4, Assert.Throws<LineTooLong>(() => reader.ReadToEnd()).Line);
    }
}
