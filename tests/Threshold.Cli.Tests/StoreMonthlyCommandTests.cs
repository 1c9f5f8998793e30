using System.Text.Json;

namespace Threshold.Cli.Tests;

/// <summary>
/// <c>store monthly</c> reads back what <c>store import-monthly</c> recorded (issue 16): the imports as known at an
/// instant, and a table's latest revision of every cell as CSV that re-parses to the file's own totals.
/// </summary>
public sealed class StoreMonthlyCommandTests : IDisposable
{
    private const string Khsm = "data/source/usbp_khsm_monthly_region_fy2000_fy2025nov.csv";

    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Monthly_ListsTheImports_AndExportsTheTableAsKnownOnAnInstant()
    {
        var data = temp.PathOf("record");
        var before = Cli.Run("store", "monthly", "--data-dir", data, "--format", "json");
        CliAssert.Ok(before);
        Assert.Empty(JsonDocument.Parse(before.Stdout).RootElement.GetProperty("imports").EnumerateArray());
        var cutoff = NodaTime.SystemClock.Instance.GetCurrentInstant();

        CliAssert.Ok(Cli.Run("store", "import-monthly", Khsm, "--data-dir", data));
        var listed = Cli.Run("store", "monthly", "--data-dir", data, "--format", "json");
        CliAssert.Ok(listed);
        var import = JsonDocument.Parse(listed.Stdout).RootElement.GetProperty("imports").EnumerateArray().Single();
        Assert.Equal("khsm_monthly", import.GetProperty("table").GetString());
        Assert.Equal(Path.GetFileName(Khsm), import.GetProperty("source").GetString());
        var sourceRows = File.ReadAllLines(Path.Combine(Cli.RepositoryRoot, Khsm)).Skip(1).Count(l => l.Trim().Length > 0);
        Assert.Equal(sourceRows, import.GetProperty("rowCount").GetInt32());

        // The table as CSV: one row per cell of the file, and the file's total for a month.
        var csv = Cli.Run("store", "monthly", "--data-dir", data, "--table", "khsm_monthly");
        CliAssert.Ok(csv);
        var lines = csv.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(',');
        Assert.Equal(["breakdown", "region", "breakdown_value", "year_month"], header[..4]);
        Assert.Equal(sourceRows, lines.Length - 1);
        int Column(string name) => Array.IndexOf(header, name);
        long Exported(string region, string month) => lines.Skip(1).Select(l => l.Split(','))
            .Where(f => f[Column("year_month")] == month && f[Column("region")] == region).Sum(f => long.Parse(f[Column("quantity")], System.Globalization.CultureInfo.InvariantCulture));

        // The source's own figure (Fiscal Year,Month,Region,Quantity,Calendar Year,Calendar Month) for Southwest, July 2024.
        var source = File.ReadAllLines(Path.Combine(Cli.RepositoryRoot, Khsm)).Skip(1).Select(l => l.Split(','))
            .Single(f => f[2] == "Southwest Land Border" && f[4] == "2024" && f[5] == "7");
        Assert.Equal(long.Parse(source[3], System.Globalization.CultureInfo.InvariantCulture), Exported("Southwest Land Border", "2024-07"));
        Assert.All(lines.Skip(1), l => Assert.EndsWith(",1", l, StringComparison.Ordinal)); // every cell from import 1

        // --out writes the same bytes; as known before the import, the table is empty.
        var file = temp.PathOf("khsm.csv");
        var written = Cli.Run("store", "monthly", "--data-dir", data, "--table", "khsm_monthly", "--out", file);
        Assert.Equal(0, written.ExitCode);
        Assert.Equal(csv.Stdout, File.ReadAllText(file));
        var empty = Cli.Run("store", "monthly", "--data-dir", data, "--table", "khsm_monthly", "--as-known-on", NodaTime.Text.InstantPattern.ExtendedIso.Format(cutoff));
        Assert.Equal(lines[0], empty.Stdout.TrimEnd('\n'));
    }

    [Theory]
    [InlineData(new[] { "--table", "nope" }, "--table nope")]
    [InlineData(new[] { "--format", "xml" }, "--format xml")]
    [InlineData(new[] { "--out", "x.csv" }, "--out needs --table")]
    [InlineData(new[] { "--as-known-on", "9999-12-31T23:59:59-05:00" }, "--as-known-on")]
    public void Monthly_BadOptions_AreOneLineNamingThem(string[] options, string names)
    {
        CliAssert.BadInput(Cli.Run(["store", "monthly", "--data-dir", temp.PathOf("record"), .. options]), names);
    }
}
