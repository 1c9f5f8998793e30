using Threshold.Law;
using Threshold.Web.Apis;
using Threshold.Web.Dashboard;
using Threshold.Web.Hosting;

namespace Threshold.Web.Tests.Dashboard;

/// <summary>
/// The bundled series a server imports (every one it lacks, by name), the series pages open on (the one that ends
/// latest), the CSV every download writes (its label and rule-set version first, then rows that re-parse) and the law
/// events the Law timeline lists.
/// </summary>
public sealed class DownloadsAndSeriesTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("threshold-bundled-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void BundledImport_AnExistingRecordGainsANewBundledSeries_AndPagesOpenOnTheOneThatEndsLatest()
    {
        var bundled = Path.Combine(folder, "bundled");
        Directory.CreateDirectory(bundled);
        File.Copy(Path.Combine(Apis.ApiBehaviourTests.RepositoryRoot(), "data", "modeled", "daily_encounters_2024-01-01_2025-01-19.modeled.csv"), Path.Combine(bundled, "daily_encounters_2024-01-01_2025-01-19.modeled.csv"));
        File.WriteAllText(Path.Combine(bundled, "notes.csv"), "not a series\n");
        using var holder = new RecordHolder(new ThresholdSettings { DataDirectory = Path.Combine(folder, "record") }, NodaTime.SystemClock.Instance);

        var first = BundledSeriesImport.ImportMissing(holder.Store.Encounters, bundled);
        Assert.Equal(["daily_encounters_2024-01-01_2025-01-19.modeled"], first.Select(r => r.SeriesName));

        // A later release ships a longer series beside the first: only it is imported; the first is left as recorded.
        var days = Enumerable.Range(0, 40).Select(d => new NodaTime.LocalDate(2025, 1, 20).PlusDays(d));
        File.WriteAllText(
            Path.Combine(bundled, "daily_encounters_2024-01-01_2026-08-31.modeled.csv"),
            "# modeled: test series\ndate,between_ports,coastal,ports_of_entry,uc_noncontiguous_between_ports,uc_noncontiguous_ports\n"
            + string.Concat(days.Select(d => $"{ReplayReportIso(d)},300,5,100,10,2\n")));
        var second = BundledSeriesImport.ImportMissing(holder.Store.Encounters, bundled);
        Assert.Equal(["daily_encounters_2024-01-01_2026-08-31.modeled"], second.Select(r => r.SeriesName));
        Assert.Empty(BundledSeriesImport.ImportMissing(holder.Store.Encounters, bundled));

        var timelines = new TimelineService(holder);
        Assert.Equal("daily_encounters_2024-01-01_2026-08-31.modeled", timelines.LatestSeriesName());
        // The API's default stays the series imported first, which a later import never changes.
        Assert.Equal("daily_encounters_2024-01-01_2025-01-19.modeled", timelines.DefaultSeriesName());
    }

    [Fact]
    public void Csv_StartsWithItsLabelAndRuleSet_AndItsRowsReParse()
    {
        var table = new CsvTable("A test table", DataLabel.Modeled, ["date", "text"], [["2024-06-05", "plain"], ["2024-10-01", "a, \"quoted\"\nline"], ["2025-01-20", "#not a comment"]], ["policy proclamation-10773\nwith a break"]);
        var text = table.ToText("http://127.0.0.1:5080/?policy=proclamation-10773");
        var (comments, header, rows) = DownloadedCsv.Parse(text);
        Assert.StartsWith("MODELED: ", comments[0], StringComparison.Ordinal);
        Assert.Contains(comments, c => c.Contains(RuleSetVersion.Current, StringComparison.Ordinal));
        Assert.Contains("view: http://127.0.0.1:5080/?policy=proclamation-10773", comments);
        Assert.Contains("policy proclamation-10773 with a break", comments);
        Assert.Equal(["date", "text"], header);
        Assert.Equal(["2024-10-01", "a, \"quoted\"\nline"], rows[1]);
        Assert.Equal(["2025-01-20", "#not a comment"], rows[2]);
    }

    [Fact]
    public void LawEvents_EveryEventHasAUniqueId_ACitationAndAMark_AndACourtOrdersEventKnowsItsOrder()
    {
        var all = LawEvent.All(NodaTime.LocalDate.MinIsoValue, NodaTime.LocalDate.MaxIsoValue);
        Assert.Equal(all.Count, all.Select(e => e.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.All(all, e => Assert.Contains(e.Mark, new[] { "V", "V-off", "S", "U" }));
        Assert.All(BuiltInPolicies.Ids, id => Assert.Contains(all, e => e.PolicyId == id));

        var amended = Assert.Single(all, e => e.PolicyId == "proclamation-10773" && e.Kind == "amended");
        Assert.Equal(new NodaTime.LocalDate(2024, 10, 1), amended.Date);
        Assert.Equal("Proclamation 10817", amended.By);
        Assert.Equal("V", amended.Mark);

        var vacatur = Assert.Single(all, e => e.Id == "las-americas-2025-vacatur");
        Assert.Equal("S", vacatur.Mark);
        Assert.Equal("las-americas-2025", vacatur.Order!.OrderId);
        Assert.Equal("vacates", vacatur.Order.Kind);

        // 2023-2026 keeps the undated events (an appeal whose date was not found) and drops nothing dated inside it.
        var axis = LawEvent.All(new NodaTime.LocalDate(2023, 1, 1), new NodaTime.LocalDate(2026, 12, 31));
        Assert.Contains(axis, e => e.Id == "las-americas-2025-appeal" && e.Date is null);
        Assert.Equal(all.Count(e => e.Date is null || e.Date.Value.Year is >= 2023 and <= 2026), axis.Count);
    }

    private static string ReplayReportIso(NodaTime.LocalDate date) => Threshold.Engine.ReplayReport.Iso(date);
}

/// <summary>Reads a downloaded CSV as a spreadsheet would: "# " comment lines first, then RFC 4180 header and rows.</summary>
public static class DownloadedCsv
{
    public static (List<string> Comments, List<string> Header, List<List<string>> Rows) Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var comments = new List<string>();
        var at = 0;
        while (at < text.Length && text[at] == '#')
        {
            var end = text.IndexOf('\n', at);
            comments.Add(text[(at + 2)..end]);
            at = end + 1;
        }

        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = at; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                record.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n')
            {
                record.Add(field.ToString());
                field.Clear();
                records.Add(record);
                record = [];
            }
            else
            {
                field.Append(c);
            }
        }

        Assert.False(quoted, "a quoted field is never closed");
        Assert.True(record.Count == 0 && field.Length == 0, "the last line has no line end");
        Assert.NotEmpty(records);
        Assert.All(records, r => Assert.Equal(records[0].Count, r.Count));
        return (comments, records[0], records.Skip(1).ToList());
    }
}
