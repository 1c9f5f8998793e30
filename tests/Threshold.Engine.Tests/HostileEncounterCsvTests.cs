using System.Text;
using Threshold.TestSupport;

namespace Threshold.Engine.Tests;

/// <summary>An encounter CSV with a line of gigabytes is refused naming the line and the limit, having read little of it.</summary>
public sealed class HostileEncounterCsvTests
{
    private const string Header = "date,between_ports\n";

    private static (InputFileException Error, long BytesRead) Refused(string prefix)
    {
        var endless = new EndlessLineStream(Encoding.UTF8.GetBytes(prefix), 10L << 30, (byte)'9');
        using var text = new StreamReader(endless, Encoding.UTF8);
        var e = Assert.Throws<InputFileException>(() => EncounterCsvReader.Read(text, "huge.csv"));
        return (e, endless.BytesRead);
    }

    [Theory]
    [InlineData("", 1)]
    [InlineData("# modeled\n# ", 2)]
    [InlineData("# modeled\n" + Header + "2024-01-01,1\n2024-01-02,", 4)]
    [InlineData(Header + "2024-01-01,\"", 2)]
    public void Encounter_csv_line_of_ten_gigabytes_is_refused_naming_the_line_and_limit(string prefix, long line)
    {
        var (e, read) = Refused(prefix);
        Assert.Equal(line, e.Line);
        Assert.Contains($"line is longer than {EncounterCsvReader.MaxLineChars} characters", e.Message, StringComparison.Ordinal);
        Assert.True(read < 1 << 20, $"read {read} bytes of a 10 GiB line");
    }

    [Fact]
    public void Encounter_csv_lines_at_the_limit_are_read()
    {
        var comment = "# " + new string('x', EncounterCsvReader.MaxLineChars - 2);
        var series = EncounterCsvReader.Read(new StringReader($"{comment}\n{Header}2024-01-01,1\n"), "ok.csv");
        Assert.Equal(1, series.Length);
        Assert.Equal(2, series.HeaderLine);
    }
}
