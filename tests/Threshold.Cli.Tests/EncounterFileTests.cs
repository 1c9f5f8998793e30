using System.Text.Json;
using FsCheck.Xunit;

namespace Threshold.Cli.Tests;

/// <summary>
/// Defects in a daily encounter CSV: each is exit 2 with one stderr line naming the file, the line and the problem,
/// and nothing on stdout. Also gaps with and without --allow-gaps.
/// </summary>
public class EncounterFileTests(TempFolder temp) : IClassFixture<TempFolder>
{
    private CliResult Replay(string file, params string[] extra) =>
        Cli.Run(["replay", "--policy", "proclamation-10773", "--encounters", file, "--format", "json", .. extra]);

    /// <summary>June 2024 (30 days, each counting 910) after <paramref name="edit"/>; with no comment lines, rows[i] is on line i + 2.</summary>
    private string June(string name, Action<List<string>> edit, string header = Csv.Header)
    {
        var rows = Csv.JuneRows();
        edit(rows);
        return temp.Write(name, Csv.File(rows, header));
    }

    [Fact]
    public void Replay_DuplicateDate_ExitsTwoNamingBothLines()
    {
        // A provenance comment is line 1 and counts: header = 2, 2024-06-01 = 3, 2024-06-02 = 4, the repeat = 5.
        var rows = Csv.JuneRows();
        rows.Insert(2, "2024-06-02,999,10,1500,100,20");
        var file = temp.Write("dup.csv", "# provenance: test\n" + Csv.File(rows));
        CliAssert.BadInput(Replay(file), $"{file}:5:", "duplicate date 2024-06-02", "line 4");
    }

    [Fact]
    public void Replay_UnparseableValue_ExitsTwoNamingLineColumnAndValue()
    {
        var file = June("value.csv", rows => rows[1] = "2024-06-02,1x00,10,1500,100,20");
        CliAssert.BadInput(Replay(file), $"{file}:3:", "between_ports", "1x00");
    }

    [Fact]
    public void Replay_BlankCell_ExitsTwoNamingLineAndColumn()
    {
        var file = June("blank-cell.csv", rows => rows[4] = "2024-06-05,1000,,1500,100,20");
        CliAssert.BadInput(Replay(file), $"{file}:6:", "coastal");
    }

    [Theory]
    [InlineData("2024-02-30")]
    [InlineData("06/03/2024")]
    public void Replay_BadDate_ExitsTwoNamingLineAndDate(string date)
    {
        var file = June($"date-{date.Replace('/', '_')}.csv", rows => rows[2] = $"{date},1000,10,1500,100,20");
        CliAssert.BadInput(Replay(file), $"{file}:4:", date);
    }

    [Fact]
    public void Replay_NegativeCount_ExitsTwoNamingLineAndColumn()
    {
        var file = June("negative.csv", rows => rows[9] = "2024-06-10,1000,10,-5,100,20");
        CliAssert.BadInput(Replay(file), $"{file}:11:", "ports_of_entry", "negative");
    }

    [Fact]
    public void Replay_UcBetweenPortsLargerThanBetweenPortsPlusCoastal_ExitsTwoNamingLine()
    {
        // 100 + 10 = 110 < 111
        var file = June("uc-between.csv", rows => rows[1] = "2024-06-02,100,10,1500,111,20");
        CliAssert.BadInput(Replay(file), $"{file}:3:", "uc_noncontiguous_between_ports");
    }

    [Fact]
    public void Replay_UcPortsLargerThanPortsOfEntry_ExitsTwoNamingLine()
    {
        var file = June("uc-ports.csv", rows => rows[1] = "2024-06-02,1000,10,15,100,20");
        CliAssert.BadInput(Replay(file), $"{file}:3:", "uc_noncontiguous_ports", "ports_of_entry");
    }

    [Fact]
    public void Replay_ColumnThePolicyNeedsIsMissing_ExitsTwoNamingColumnAndHeaderLine()
    {
        // June 2024 without uc_noncontiguous_between_ports: 10773 §2(c) subtracts it from 2024-06-05.
        var rows = Enumerable.Range(1, 30).Select(d => $"2024-06-{d:00},1000,10,1500,20");
        var file = temp.Write("no-uc.csv", "# a comment\n" + Csv.File(rows, "date,between_ports,coastal,ports_of_entry,uc_noncontiguous_ports"));
        CliAssert.BadInput(Replay(file), $"{file}:2:", "uc_noncontiguous_between_ports");
    }

    [Fact]
    public void Replay_UnknownColumn_ExitsTwoNamingColumnOnHeaderLine()
    {
        var rows = Csv.JuneRows().Select(r => r + ",7");
        var file = temp.Write("unknown-col.csv", Csv.File(rows, Csv.Header + ",apprehensions_total"));
        CliAssert.BadInput(Replay(file), $"{file}:1:", "apprehensions_total");
    }

    [Fact]
    public void Replay_GapInDates_ExitsTwoNamingFirstMissingDate()
    {
        var file = June("gap.csv", rows => rows.RemoveRange(14, 2)); // 2024-06-15 and 2024-06-16
        CliAssert.BadInput(Replay(file), file, "2024-06-15", "--allow-gaps");
    }

    [Fact]
    public void Replay_GapWithAllowGaps_MissingDaysUncountedAndWindowsTouchingThemUndeterminable()
    {
        var file = June("gap-allowed.csv", rows => rows.RemoveRange(14, 2));
        var r = Replay(file, "--allow-gaps");
        CliAssert.Ok(r);
        var root = r.Root();
        Assert.Equal(2, root.GetProperty("series").GetProperty("missingDays").GetInt32());
        var days = root.GetProperty("days").EnumerateArray().ToDictionary(d => d.GetProperty("date").GetString()!);
        Assert.Equal(30, days.Count);

        foreach (var missing in new[] { "2024-06-15", "2024-06-16" })
        {
            Assert.Equal(JsonValueKind.Null, days[missing].GetProperty("counted").ValueKind);
        }

        // The 7-day average ending on a day is undefined while its window holds 06-15 or 06-16 (06-15 .. 06-22).
        for (var day = 15; day <= 22; day++)
        {
            Assert.Equal(JsonValueKind.Null, days[$"2024-06-{day:00}"].GetProperty("average7").ValueKind);
        }

        Assert.Equal(910m, days["2024-06-14"].GetProperty("average7").GetDecimal());
        Assert.Equal(910m, days["2024-06-23"].GetProperty("average7").GetDecimal());

        // A determination on day D reads the window ending D - 1 (lag 1), so D = 06-16 .. 06-23 cannot be determined.
        for (var day = 16; day <= 23; day++)
        {
            Assert.False(string.IsNullOrEmpty(days[$"2024-06-{day:00}"].GetProperty("undeterminable").GetString()), $"2024-06-{day:00}");
        }

        Assert.Equal(JsonValueKind.Null, days["2024-06-24"].GetProperty("undeterminable").ValueKind);
        Assert.Equal(JsonValueKind.Null, days["2024-06-14"].GetProperty("undeterminable").ValueKind);

        // No determination may read a window that touches a missing day.
        foreach (var d in root.GetProperty("determinations").EnumerateArray())
        {
            var start = DateOnly.Parse(d.GetProperty("windowStart").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            var end = DateOnly.Parse(d.GetProperty("windowEnd").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.False(start <= new DateOnly(2024, 6, 16) && end >= new DateOnly(2024, 6, 15), d.ToString());
        }
    }

    [Fact]
    public void Replay_EmptyFile_ExitsTwoNamingFile()
    {
        var file = temp.Write("empty.csv", string.Empty);
        CliAssert.BadInput(Replay(file), $"{file}:1:", "header");
    }

    [Fact]
    public void Replay_HeaderOnly_ExitsTwoNamingFile()
    {
        var file = temp.Write("header-only.csv", Csv.Header + "\n");
        CliAssert.BadInput(Replay(file), $"{file}:1:", "no data rows");
    }

    [Fact]
    public void Replay_MissingFile_ExitsTwoNamingFile()
    {
        var file = temp.PathOf("does-not-exist.csv");
        CliAssert.BadInput(Replay(file), file, "not found");
    }

    [Fact]
    public void Replay_CrlfLineEndingsAndByteOrderMark_AreAccepted()
    {
        var text = "\uFEFF" + Csv.File(Csv.JuneRows()).Replace("\n", "\r\n", StringComparison.Ordinal);
        var r = Replay(temp.Write("crlf-bom.csv", text));
        CliAssert.Ok(r);
        Assert.Equal(30, r.Root().GetProperty("days").GetArrayLength());
    }

    private static readonly List<string> VaryingRows =
        Enumerable.Range(1, 30).Select(d => $"2024-06-{d:00},{(d < 12 ? 2600 : 1000) + (d * 37 % 97)},{d % 7},1500,{d % 50},20").ToList();

    private readonly Lazy<CliResult> sortedRun = new(() => Cli.Run("replay", "--policy", "proclamation-10773", "--encounters", temp.Write("sorted.csv", Csv.File(VaryingRows)), "--format", "json"));

    /// <summary>Rows may come in any order: a shuffled file replays exactly like the sorted one.</summary>
    [Property(MaxTest = 2)]
    public bool Replay_RowsInAnyOrder_SameDaysDeterminationsAndTransitions(int seed)
    {
        var shuffled = VaryingRows.ToArray();
        new Random(seed).Shuffle(shuffled);
        var sorted = sortedRun.Value;
        var other = Replay(temp.Write($"shuffled-{Guid.NewGuid():N}.csv", Csv.File(shuffled)));
        CliAssert.Ok(sorted);
        CliAssert.Ok(other);
        Assert.NotEqual(0, sorted.Root().GetProperty("determinations").GetArrayLength());
        string Part(CliResult r, string name) => r.Root().GetProperty(name).GetRawText();
        return Part(sorted, "days") == Part(other, "days")
            && Part(sorted, "determinations") == Part(other, "determinations")
            && Part(sorted, "transitions") == Part(other, "transitions");
    }

    [Fact]
    public void Replay_CountAboveTenMillion_ExitsTwoNamingLineAndColumn()
    {
        var file = June("huge.csv", rows => rows[2] = "2024-06-03,10000001,10,1500,100,20");
        CliAssert.BadInput(Replay(file), $"{file}:4:", "between_ports");
    }

    [Fact]
    public void Replay_RepeatedHeaderColumn_ExitsTwoNamingColumnOnHeaderLine()
    {
        var rows = Csv.JuneRows().Select(r => r + ",1000");
        var file = temp.Write("dup-col.csv", Csv.File(rows, Csv.Header + ",between_ports"));
        CliAssert.BadInput(Replay(file), $"{file}:1:", "between_ports");
    }

    // ---- Failing tests for src defects found while writing these (see the report) ----

    /// <summary>
    /// "A column that no rule in force over the series' dates needs may be absent" (README): from 2024-10-01
    /// (Proclamation 10817) 10773 counts between_ports + coastal only, so a November file without the UC columns passes
    /// the column check, but the replay then computes counts for the unused June version too and crashes (exit 1).
    /// </summary>
    [Fact]
    public void Replay_SeriesAfter10817WithoutUcColumns_ExitsZero()
    {
        var rows = Enumerable.Range(1, 30).Select(d => $"2024-11-{d:00},1000,10");
        var file = temp.Write("november-no-uc.csv", Csv.File(rows, "date,between_ports,coastal"));
        var r = Replay(file);
        CliAssert.Ok(r);
        var days = r.Root().GetProperty("days").EnumerateArray().ToList();
        Assert.Equal(30, days.Count);
        Assert.All(days, d => Assert.Equal(1010, d.GetProperty("counted").GetInt32()));
    }

    /// <summary>
    /// A trailing blank line (as many editors and exports write) is meant to be skipped (EncounterCsvReader: "a blank
    /// line, typically at the end of the file"), but Sep's column-count check rejects it first, with a two-line message
    /// naming no line. Either outcome below meets the contract; today's does not.
    /// </summary>
    [Fact]
    public void Replay_TrailingBlankLine_AcceptedOrOneLineNamingIt()
    {
        var file = temp.Write("trailing-blank.csv", Csv.File(Csv.JuneRows()) + "\n");
        var r = Replay(file);
        if (r.ExitCode != 0)
        {
            CliAssert.BadInput(r, $"{file}:32:");
        }
    }

    /// <summary>A row with too few fields, or an unterminated quote, must be one stderr line naming the file and line.</summary>
    [Theory]
    [InlineData("short", "2024-06-03,1000")]
    [InlineData("quote", "2024-06-03,\"1000,10,1500,100,20")]
    public void Replay_RowWithWrongFieldCount_ExitsTwoWithOneLineNamingLine(string name, string row)
    {
        var file = June($"fields-{name}.csv", rows => rows[2] = row);
        CliAssert.BadInput(Replay(file), $"{file}:4:");
    }
}
