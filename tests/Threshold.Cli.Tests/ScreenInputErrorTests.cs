namespace Threshold.Cli.Tests;

/// <summary>
/// Bad case input and bad usage of <c>screen</c>: exit 2, one stderr line naming the file and line and/or field (or the
/// option), nothing on stdout, and no output file left behind (or the old one untouched).
/// </summary>
public class ScreenInputErrorTests(TempFolder temp) : IClassFixture<TempFolder>
{
    private static readonly string Good = Cases.Json("good", "2024-07-15T10:00:00-04:00", "between-ports", "CU");

    /// <summary>Good cases, one a line, each with its own id (a file may not give an id twice).</summary>
    private static string GoodLines(int count) =>
        string.Concat(Enumerable.Range(1, count).Select(i => Cases.Json($"good-{i}", "2024-07-15T10:00:00-04:00", "between-ports", "CU") + "\n"));

    /// <summary>
    /// Writes <paramref name="content"/> as <paramref name="name"/> in a fresh folder, screens it with --out into that
    /// folder, asserts the bad-input contract and that the folder holds nothing but the input afterwards.
    /// </summary>
    private string AssertRejected(string name, string content, string[] mentions, params string[] extra)
    {
        var dir = Path.Combine(temp.Path, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, name);
        File.WriteAllText(file, content);
        var outFile = Path.Combine(dir, "out.jsonl");
        var option = name.EndsWith(".json", StringComparison.Ordinal) ? "--case" : "--cases";
        var r = Cases.Screen([option, file, "--out", outFile, .. extra]);
        var line = CliAssert.BadInput(r, [.. mentions.Select(m => m.Replace("{file}", file, StringComparison.Ordinal))]);
        Assert.False(File.Exists(outFile), $"--out file must not exist after a failure\n{r}");
        Assert.Equal([file], Directory.GetFiles(dir));
        return line;
    }

    [Theory]
    [InlineData("unknown-field", "\"id\":\"x\",\"enteredAt\":\"2024-07-15T10:00:00-04:00\",\"place\":\"between-ports\",\"citizenship\":\"CU\",\"nickname\":\"x\"", "nickname")]
    [InlineData("duplicate-field", "\"id\":\"x\",\"enteredAt\":\"2024-07-15T10:00:00-04:00\",\"place\":\"between-ports\",\"citizenship\":\"CU\",\"place\":\"coastal\"", "place")]
    [InlineData("missing-id", "\"enteredAt\":\"2024-07-15T10:00:00-04:00\",\"place\":\"between-ports\",\"citizenship\":\"CU\"", "id")]
    [InlineData("bad-enteredAt", "\"id\":\"x\",\"enteredAt\":\"2024-07-32T10:00:00-04:00\",\"place\":\"between-ports\",\"citizenship\":\"CU\"", "enteredAt")]
    [InlineData("enteredAt-no-offset", "\"id\":\"x\",\"enteredAt\":\"2024-07-15T10:00:00\",\"place\":\"between-ports\",\"citizenship\":\"CU\"", "enteredAt")]
    [InlineData("bad-place", "\"id\":\"x\",\"enteredAt\":\"2024-07-15T10:00:00-04:00\",\"place\":\"airport\",\"citizenship\":\"CU\"", "place")]
    [InlineData("lower-case-citizenship", "\"id\":\"x\",\"enteredAt\":\"2024-07-15T10:00:00-04:00\",\"place\":\"between-ports\",\"citizenship\":\"cu\"", "citizenship")]
    [InlineData("non-boolean-flag", "\"id\":\"x\",\"enteredAt\":\"2024-07-15T10:00:00-04:00\",\"place\":\"between-ports\",\"citizenship\":\"CU\",\"manifestsFear\":\"yes\"", "manifestsFear")]
    [InlineData("numeric-flag", "\"id\":\"x\",\"enteredAt\":\"2024-07-15T10:00:00-04:00\",\"place\":\"between-ports\",\"citizenship\":\"CU\",\"usNational\":1", "usNational")]
    [InlineData("bad-officerException", "\"id\":\"x\",\"enteredAt\":\"2024-07-15T10:00:00-04:00\",\"place\":\"between-ports\",\"citizenship\":\"CU\",\"officerException\":\"mercy\"", "officerException")]
    [InlineData("bad-exceptionallyCompelling", "\"id\":\"x\",\"enteredAt\":\"2024-07-15T10:00:00-04:00\",\"place\":\"between-ports\",\"citizenship\":\"CU\",\"exceptionallyCompelling\":\"boredom\"", "exceptionallyCompelling")]
    [InlineData("entered-outside-series", "\"id\":\"x\",\"enteredAt\":\"2025-03-01T10:00:00-05:00\",\"place\":\"between-ports\",\"citizenship\":\"CU\"", "enteredAt")]
    public void Screen_BadFieldOnLineThree_ExitsTwoNamingFileLineAndField(string name, string fields, string field)
    {
        // Line 1 is good, line 2 blank (lines still count), line 3 bad, line 4 good: no partial output.
        var content = Good + "\n\n{" + fields + "}\n" + Good + "\n";
        AssertRejected(name + ".jsonl", content, ["{file}:3:", $"'{field}'"]);
    }

    [Fact]
    public void Screen_JsonlLineThatIsNotJson_ExitsTwoNamingFileAndLine()
    {
        AssertRejected("not-json.jsonl", Good + "\nthis is not json\n" + Good + "\n", ["{file}:2:", "JSON"]);
    }

    [Fact]
    public void Screen_JsonlTruncatedLastLine_ExitsTwoNamingFileAndLine()
    {
        AssertRejected("truncated.jsonl", GoodLines(2) + "{\"id\":\"x\",\"enteredAt\":", ["{file}:3:"]);
    }

    [Fact]
    public void Screen_CsvUnknownColumn_ExitsTwoNamingFileLineAndColumn()
    {
        AssertRejected("unknown-column.csv", "id,enteredAt,place,citizenship,nickname\nx,2024-07-15T10:00:00-04:00,between-ports,CU,n\n", ["{file}:1:", "nickname"]);
    }

    [Fact]
    public void Screen_CsvRowWithWrongFieldCount_ExitsTwoNamingFileAndLine()
    {
        AssertRejected("field-count.csv", "id,enteredAt,place,citizenship\na,2024-07-15T10:00:00-04:00,between-ports,CU\nb,2024-07-15T10:00:00-04:00,between-ports\nc,2024-07-15T10:00:00-04:00,between-ports,CU\n", ["{file}:3:"]);
    }

    [Fact]
    public void Screen_CsvNonBooleanFlag_ExitsTwoNamingFileLineAndField()
    {
        AssertRejected("csv-flag.csv", "id,enteredAt,place,citizenship,manifestsFear\na,2024-07-15T10:00:00-04:00,between-ports,CU,\nb,2024-07-15T10:00:00-04:00,between-ports,CU,yes\n", ["{file}:3:", "manifestsFear"]);
    }

    [Fact]
    public void Screen_SingleCaseFile_BadFieldNamesItsLine()
    {
        var json = "{\n  \"id\": \"p1\",\n  \"enteredAt\": \"2024-07-15T10:00:00-04:00\",\n  \"place\": \"nowhere\",\n  \"citizenship\": \"CU\"\n}\n";
        AssertRejected("pretty.json", json, ["{file}:4:", "place"]);
    }

    /// <summary>Fifty good cases (far more output than one write buffer) before the bad line: still nothing is left.</summary>
    [Fact]
    public void Screen_BadLineAfterManyGoodOnes_LeavesNoPartialOutFile()
    {
        var content = GoodLines(50) + "{\"id\":\"x\",\"enteredAt\":\"2024-07-15T10:00:00-04:00\",\"place\":\"between-ports\",\"citizenship\":\"CU\",\"visaWaiver\":\"no\"}\n";
        AssertRejected("late-failure.jsonl", content, ["{file}:51:", "visaWaiver"]);
    }

    [Fact]
    public void Screen_BadLineAfterManyGoodOnes_PrintsNothingOnStdout()
    {
        var file = temp.Write("late-failure-stdout.jsonl", GoodLines(50) + "{\"id\":\"x\"}\n");
        CliAssert.BadInput(Cases.Screen("--cases", file), $"{file}:51:");
    }

    [Fact]
    public void Screen_BadInputWithExistingOut_KeepsItsPreviousContent()
    {
        var file = temp.Write("keep.jsonl", Good + "\n{\"id\":\"x\",\"enteredAt\":\"2024-07-15T10:00:00-04:00\",\"place\":\"between-ports\",\"citizenship\":\"Cuba\"}\n");
        var outFile = temp.Write("keep-out.jsonl", "previous content\n");
        CliAssert.BadInput(Cases.Screen("--cases", file, "--out", outFile), $"{file}:2:", "citizenship");
        Assert.Equal("previous content\n", File.ReadAllText(outFile));
    }

    // ---- usage errors ----

    [Fact]
    public void Screen_NeitherCaseNorCases_ExitsTwoNamingBothOptions()
    {
        CliAssert.BadInput(Cases.Screen(), "--case", "--cases");
    }

    [Fact]
    public void Screen_BothCaseAndCases_ExitsTwoNamingBothOptions()
    {
        var one = temp.Write("both.json", Good);
        var many = temp.Write("both.jsonl", Good + "\n");
        CliAssert.BadInput(Cases.Screen("--case", one, "--cases", many), "--case", "--cases");
    }

    [Fact]
    public void Screen_FormatTableWithCases_ExitsTwoAsUsageError()
    {
        var many = temp.Write("table.jsonl", Good + "\n");
        CliAssert.BadInput(Cases.Screen("--cases", many, "--format", "table"), "--format table");
    }

    [Fact]
    public void Screen_WithoutUnknownOrder_ExitsTwoNamingIt()
    {
        var many = temp.Write("nosuch.jsonl", Good + "\n");
        CliAssert.BadInput(Cases.Screen("--cases", many, "--without-order", "nosuch"), "--without-order nosuch", "las-americas-2025");
    }

    [Fact]
    public void Screen_BadArrangementsFile_ExitsTwoNamingFileAndLine()
    {
        var yaml = temp.Write("bad-arrangement.yaml", """
            id: user-bad
            title: A bad arrangement file
            arrangements:
              - id: what-if-gt
                title: Lower-case nationality
                from: 2024-01-01
                nationalities: [gt]
                monthly_cap: 100
                citation: { instrument: What-if, section: "", status: U }
                note: bad
            """);
        var many = temp.Write("arr.jsonl", Good + "\n");
        var outFile = temp.PathOf("arr-out.jsonl");
        CliAssert.BadInput(Cases.Screen("--cases", many, "--arrangements", yaml, "--out", outFile), $"{yaml}:7:", "gt");
        Assert.False(File.Exists(outFile));
    }

    // ---- bugs: see the report ----

    /// <summary>
    /// The bulk path names file, line and field for an entry outside the series; the single-case path (--case) must
    /// too: "Bad input → … one stderr line naming the file and the line and/or field".
    /// </summary>
    [Fact]
    public void Screen_SingleCaseEnteredOutsideSeries_ExitsTwoNamingFileAndEnteredAt()
    {
        AssertRejected("late.json", Cases.Json("late", "2025-03-01T10:00:00-05:00", "between-ports", "CU"), ["{file}", "enteredAt"]);
    }

    /// <summary>An --out path in a folder that does not exist is a usage error (exit 2), not an internal error (exit 1).</summary>
    [Fact]
    public void Screen_OutInMissingFolder_ExitsTwoNamingThePath()
    {
        var file = temp.Write("missing-dir.jsonl", Good + "\n");
        var outFile = Path.Combine(temp.Path, "no-such-folder", "out.jsonl");
        CliAssert.BadInput(Cases.Screen("--cases", file, "--out", outFile), "no-such-folder");
        Assert.False(Directory.Exists(Path.Combine(temp.Path, "no-such-folder")));
    }
}
