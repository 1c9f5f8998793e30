using System.Text;

namespace Threshold.Screening.Tests;

/// <summary>
/// Issue 15, steps 5 and 8: a case id is a key within a file (the second use is refused naming both lines), case CSV
/// bytes must be UTF-8 (a malformed byte is refused at its line, never replaced, so two ids cannot merge), and an entry
/// instant that leaves the calendar once converted is a field error at its line, never a crash.
/// </summary>
public sealed class CaseIdKeyTests
{
    private const string Header = "id,enteredAt,place,citizenship\n";

    private static string Json(string id, string enteredAt = "2024-07-15T10:00:00-04:00") =>
        $"{{\"id\":\"{id}\",\"enteredAt\":\"{enteredAt}\",\"place\":\"between-ports\",\"citizenship\":\"CU\"}}\n";

    private static List<(long Line, ScreeningCase Case)> Csv(byte[] bytes) => CaseCsvReader.Read(new MemoryStream(bytes), "cases.csv").ToList();

    private static List<(long Line, ScreeningCase Case)> Jsonl(string text) => CaseJsonReader.ReadLines(new MemoryStream(Encoding.UTF8.GetBytes(text)), "cases.jsonl").ToList();

    [Fact]
    public void Case_jsonl_with_an_id_twice_is_refused_naming_both_lines()
    {
        // The second use differs from the first: without the key it would be screened (and recorded) under the same id.
        var e = Assert.Throws<CaseInputException>(() => Jsonl(Json("a") + Json("b") + "\n" + Json("a", "2024-07-16T10:00:00-04:00")));
        Assert.Equal(4, e.Line);
        Assert.Equal("id", e.Field);
        Assert.Contains("lines 1 and 4", e.Message, StringComparison.Ordinal);
        Assert.StartsWith("cases.jsonl:4: field 'id': 'a'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Case_jsonl_ids_are_compared_exactly_not_folded()
    {
        // Case and escapes matter: "A" and "a" are two ids; "\u0061" is "a" once read, so it is the same id.
        Assert.Equal(2, Jsonl(Json("a") + Json("A")).Count);
        var e = Assert.Throws<CaseInputException>(() => Jsonl(Json("a") + Json("\\u0061")));
        Assert.Contains("lines 1 and 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Case_csv_with_an_id_twice_is_refused_naming_both_lines()
    {
        var csv = Header + "a,2024-07-15T10:00:00-04:00,between-ports,CU\nb,2024-07-15T10:00:00-04:00,between-ports,CU\na,2024-07-15T10:00:00-04:00,coastal,HT\n";
        var e = Assert.Throws<CaseInputException>(() => Csv(Encoding.UTF8.GetBytes(csv)));
        Assert.Equal(4, e.Line);
        Assert.Equal("id", e.Field);
        Assert.Contains("lines 2 and 4", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xFE })]
    [InlineData(new byte[] { 0xC3, 0x28 })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })] // an encoded surrogate: not UTF-8
    [InlineData(new byte[] { 0xEF, 0xBF, 0xBF })] // U+FFFF, the reader's own mark: a noncharacter, never a case value
    public void Case_csv_with_invalid_utf8_is_refused_at_its_line_not_replaced(byte[] bad)
    {
        // Replaced by U+FFFD, "x\xFF" and "x\xFE" would both read as "x\uFFFD": two cases merged under one id.
        var bytes = Encoding.UTF8.GetBytes(Header + "ok,2024-07-15T10:00:00-04:00,between-ports,CU\nx").Concat(bad).Concat(Encoding.UTF8.GetBytes(",2024-07-15T10:00:00-04:00,between-ports,CU\n")).ToArray();
        var e = Assert.Throws<CaseInputException>(() => Csv(bytes));
        Assert.Equal(3, e.Line);
        Assert.Contains("not valid UTF-8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Case_csv_with_invalid_utf8_in_the_header_is_refused_as_line_one()
    {
        var bytes = new byte[] { 0xFF, 0xFE }.Concat(Encoding.UTF8.GetBytes("id,enteredAt,place,citizenship\n")).ToArray();
        var e = Assert.Throws<CaseInputException>(() => Csv(bytes));
        Assert.Equal(1, e.Line);
        Assert.Contains("not valid UTF-8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Case_csv_with_a_utf8_byte_order_mark_and_real_non_ascii_is_read()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes(Header + "José-\U0001F600,2024-07-15T10:00:00-04:00,between-ports,CU\n")).ToArray();
        Assert.Equal("José-\U0001F600", Assert.Single(Csv(bytes)).Case.Id);
    }

    [Fact]
    public void Case_jsonl_with_invalid_utf8_is_refused_at_its_line()
    {
        var bytes = Encoding.UTF8.GetBytes(Json("ok") + "{\"id\":\"x").Concat(new byte[] { 0xFF }).Concat(Encoding.UTF8.GetBytes("\",\"enteredAt\":\"2024-07-15T10:00:00-04:00\",\"place\":\"between-ports\",\"citizenship\":\"CU\"}\n")).ToArray();
        var e = Assert.Throws<CaseInputException>(() => CaseJsonReader.ReadLines(new MemoryStream(bytes), "cases.jsonl").ToList());
        Assert.Equal(2, e.Line);
        Assert.Contains("not valid UTF-8", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("9999-12-31T23:59:59-05:00")] // 10000-01-01T04:59:59Z: the example of the issue
    [InlineData("9999-12-31T20:00:00-04:00")]
    [InlineData("9999-12-31T12:00:00Z")] // in range in UTC, but a day a rule derives from it is not
    [InlineData("9999-12-31T23:59:59.999999999-17:59")]
    [InlineData("0001-01-01T00:00:00+05:00")] // 0000-12-31 in UTC
    [InlineData("0001-01-01T00:00:00Z")] // 0000-12-31 in Eastern time
    public void Case_entered_at_that_leaves_the_calendar_once_converted_is_a_field_error_at_its_line(string enteredAt)
    {
        var jsonl = Assert.Throws<CaseInputException>(() => Jsonl(Json("ok") + Json("edge", enteredAt)));
        Assert.Equal((2L, "enteredAt"), (jsonl.Line, jsonl.Field));
        Assert.Contains("outside the instants", jsonl.Message, StringComparison.Ordinal);
        var csv = Assert.Throws<CaseInputException>(() => Csv(Encoding.UTF8.GetBytes(Header + "ok,2024-07-15T10:00:00-04:00,between-ports,CU\nedge," + enteredAt + ",between-ports,CU\n")));
        Assert.Equal((3L, "enteredAt"), (csv.Line, csv.Field));
        var single = Assert.Throws<CaseInputException>(() => CaseJsonReader.Parse(Encoding.UTF8.GetBytes(Json("edge", enteredAt)), "case.json", 1, multiLine: true));
        Assert.Equal("enteredAt", single.Field);
    }

    [Theory]
    [InlineData("9999-12-30T23:59:59Z")]
    [InlineData("9999-12-31T01:00:00+05:00")]
    [InlineData("0001-01-02T00:00:00Z")]
    public void Case_entered_at_inside_the_calendar_after_conversion_is_read(string enteredAt)
    {
        var c = Assert.Single(Jsonl(Json("edge", enteredAt))).Case;
        Assert.Equal(c.EnteredAt.ToInstant(), c.EntryInstant);
        _ = c.EntryDateEastern;
    }
}
