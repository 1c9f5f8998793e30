using System.Text;

namespace Threshold.Sources.Tests;

/// <summary>A monthly CBP or KHSM file with a line of gigabytes is refused naming the line and the limit, having read little of it.</summary>
public sealed class HostileMonthlyCsvTests
{
    private const string KhsmHeader = "Fiscal Year,Month,Region,Quantity,Calendar Year,Calendar Month\n";
    private const string SboHeader = "Fiscal Year,Month Grouping,Month (abbv),Component,Demographic,Citizenship Grouping,Title of Authority,Encounter Type,Encounter Count\n";

    public static TheoryData<string, string, long> Inputs => new()
    {
        { "khsm", "", 1 },
        { "khsm", KhsmHeader + "2000,01 October,Coastal Border,270,1999,10\n2000,", 3 },
        { "cbp-sbo", SboHeader + "2022,FYTD,OCT,\"Office of Field Operations", 2 },
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Monthly_csv_line_of_ten_gigabytes_is_refused_naming_the_line_and_limit(string layout, string prefix, long line)
    {
        var endless = new EndlessLineStream(Encoding.UTF8.GetBytes(prefix), 10L << 30);
        var e = Assert.Throws<SourceDataException>(() => layout == "khsm" ? MonthlyCsv.ReadKhsm(endless, "huge.csv") : MonthlyCsv.ReadCbpSbo(endless, "huge.csv"));
        Assert.Equal(line, e.Line);
        Assert.Contains($"line is longer than {MonthlyCsv.MaxLineChars} characters", e.Message, StringComparison.Ordinal);
        Assert.True(endless.BytesRead < 1 << 20, $"read {endless.BytesRead} bytes of a 10 GiB line");
    }
}
