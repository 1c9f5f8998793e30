using System.Text;
using Threshold.TestSupport;

namespace Threshold.Screening.Tests;

/// <summary>Case input that fuzzing broke, and input that could exhaust memory, each refused with its line and field.</summary>
public sealed class HostileCaseInputTests
{
    private const string Header = "id,enteredAt,place,citizenship\n";

    private static CaseInputException RefusedCsv(string csv) =>
        Assert.Throws<CaseInputException>(() => CaseCsvReader.Read(new StringReader(csv), "cases.csv").ToList());

    private static CaseInputException RefusedJsonl(byte[] jsonl) =>
        Assert.Throws<CaseInputException>(() => CaseJsonReader.ReadLines(new MemoryStream(jsonl), "cases.jsonl").ToList());

    [Theory]
    [InlineData("2024-07-01T10:00:0\u0015-07:00")]
    [InlineData("2024-07-01T10:00:0\u0015Z")]
    [InlineData("\u00010\u00014-07-01T10:00:00Z")]
    public void Case_entered_at_with_a_byte_below_a_digit_is_a_field_error_not_an_overflow(string enteredAt)
    {
        var e = RefusedCsv(Header + $"a,{enteredAt},between-ports,MX\n");
        Assert.Equal(2, e.Line);
        Assert.Equal("enteredAt", e.Field);
        var json = Encoding.UTF8.GetBytes($"{{\"id\":\"a\",\"enteredAt\":\"{enteredAt.Replace("\u0015", "\\u0015", StringComparison.Ordinal).Replace("\u0001", "\\u0001", StringComparison.Ordinal)}\",\"place\":\"between-ports\",\"citizenship\":\"MX\"}}\n");
        Assert.Equal("enteredAt", RefusedJsonl(json).Field);
    }

    [Fact]
    public void Case_jsonl_fast_path_with_a_control_byte_in_a_digit_is_a_field_error_not_an_overflow()
    {
        var line = "{\"id\":\"a\",\"enteredAt\":\"2024-07-01T10:00:0\u0015-07:00\",\"place\":\"between-ports\",\"citizenship\":\"MX\"}\n"u8.ToArray();
        var e = RefusedJsonl(line);
        Assert.Equal(1, e.Line);
    }

    [Theory]
    [InlineData("{\"id\":\"a\\ud800\",\"enteredAt\":\"2024-07-01T12:00:00-04:00\",\"place\":\"between-ports\",\"citizenship\":\"MX\"}", "id")]
    [InlineData("{\"id\":\"a\",\"enteredAt\":\"2024-07-01T12:00:00-04:00\",\"place\":\"between-ports\",\"citizenship\":\"MX\",\"x\\udfff\":1}", null)]
    public void Case_jsonl_with_a_lone_surrogate_is_a_located_field_error_not_a_crash(string line, string? field)
    {
        var jsonl = System.Text.Encoding.UTF8.GetBytes("{\"id\":\"ok\",\"enteredAt\":\"2024-07-01T12:00:00-04:00\",\"place\":\"between-ports\",\"citizenship\":\"MX\"}\n" + line + "\n");
        var e = Assert.Throws<CaseInputException>(() => CaseJsonReader.ReadLines(new MemoryStream(jsonl), "cases.jsonl").ToList());
        Assert.Equal(2, e.Line);
        Assert.Equal(field, e.Field);
        Assert.Contains("lone surrogate", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Case_json_with_invalid_utf8_in_a_string_is_a_located_error()
    {
        byte[] json = [.. "{\n  \"id\": \"a"u8, 0xC3, 0x28, .. "\",\n  \"place\": \"coastal\"\n}"u8];
        var e = Assert.Throws<CaseInputException>(() => CaseJsonReader.Parse(json, "case.json", 1, multiLine: true));
        Assert.Equal("case.json:2: not valid UTF-8 (byte 13)", e.Message);
    }

    [Fact]
    public void Case_jsonl_with_invalid_utf8_is_a_located_error_on_its_line()
    {
        byte[] jsonl = [.. "{\"id\":\"a\",\"enteredAt\":\"2024-07-01T10:00:00Z\",\"place\":\"coastal\",\"citizenship\":\"MX\"}\n{\"id\":\"b"u8, 0xFF, .. "\"}\n"u8];
        var e = RefusedJsonl(jsonl);
        Assert.Equal("cases.jsonl:2: not valid UTF-8 (byte 9 of the line)", e.Message);
    }

    [Theory]
    [InlineData("{\"id\":", "}", 1, "field 'id': must be a string")]
    [InlineData("{\"manifestsFear\":", "}", 1, "field 'manifestsFear': must be true or false")]
    [InlineData("", "", 1, "expected a JSON object for a case")]
    public void Case_json_nested_deeply_is_refused_at_the_first_level_a_case_does_not_have(string before, string after, long line, string expected)
    {
        var deep = before + new string('[', 100_000) + new string(']', 100_000) + after;
        var e = Assert.Throws<CaseInputException>(() => CaseJsonReader.Parse(Encoding.UTF8.GetBytes(deep), "case.json", 1, multiLine: true));
        Assert.Equal(line, e.Line);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Case_jsonl_line_of_ten_gigabytes_is_refused_naming_the_line_and_limit_without_reading_it()
    {
        var endless = new EndlessLineStream("{\"id\":\"a\",\"enteredAt\":\"2024-07-01T10:00:00Z\",\"place\":\"coastal\",\"citizenship\":\"MX\"}\n{\"id\":\""u8.ToArray(), 10L << 30);
        var e = Assert.Throws<CaseInputException>(() => CaseJsonReader.ReadLines(endless, "cases.jsonl").ToList());
        Assert.Equal($"cases.jsonl:2: line is longer than {CaseJsonReader.MaxLineBytes} bytes", e.Message);
        Assert.True(endless.BytesRead <= 4 * CaseJsonReader.MaxLineBytes, $"read {endless.BytesRead} bytes");
    }

    [Fact]
    public void Case_csv_line_of_ten_gigabytes_is_refused_naming_the_line_and_limit_without_reading_it()
    {
        var endless = new EndlessLineStream(Encoding.UTF8.GetBytes(Header + "a,2024-07-01T10:00:00Z,coastal,MX\nb,"), 10L << 30);
        var e = Assert.Throws<CaseInputException>(() => CaseCsvReader.Read(new StreamReader(endless, Encoding.UTF8), "cases.csv").ToList());
        Assert.Equal(3, e.Line);
        Assert.Contains($"line is longer than {CaseCsvReader.MaxLineChars} characters", e.Message, StringComparison.Ordinal);
        Assert.True(endless.BytesRead < 1 << 20, $"read {endless.BytesRead} bytes");
    }

    [Fact]
    public void Case_csv_header_without_end_is_refused_as_line_one()
    {
        var endless = new EndlessLineStream("id,"u8.ToArray(), 1L << 30);
        var e = Assert.Throws<CaseInputException>(() => CaseCsvReader.Read(new StreamReader(endless, Encoding.UTF8), "cases.csv").ToList());
        Assert.Equal(1, e.Line);
        Assert.True(endless.BytesRead < 1 << 20, $"read {endless.BytesRead} bytes");
    }
}
