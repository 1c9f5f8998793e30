using System.Text.Json;

namespace Threshold.Cli.Tests;

/// <summary><c>explain</c> for one day, and <c>policies</c>.</summary>
public class ExplainAndPoliciesTests
{
    private static readonly string[] Ids = ["hr2-2023", "proclamation-10773", "proclamation-10888", "senate-border-act-2024"];

    private static readonly string[] Statuses = ["V", "V-off", "S", "U"];

    private static CliResult Explain(params string[] extra) =>
        Cli.Run(["explain", "--policy", "proclamation-10773", "--encounters", Cli.Bundled, .. extra]);

    [Fact]
    public void Explain_BundledDay_TextShowsWindowDatesAndCitation()
    {
        var r = Explain("--date", "2024-07-20");
        CliAssert.Ok(r);
        for (var day = 14; day <= 20; day++)
        {
            Assert.Contains($"2024-07-{day:00}", r.Stdout, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("2024-07-13", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("Proclamation 10773", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("active", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("MODELED", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_BundledDayJson_HasStepsAndAgreesWithReplay()
    {
        var r = Explain("--date", "2024-07-20", "--format", "json");
        CliAssert.Ok(r);
        var root = r.Root();
        Assert.Equal("2024-07-20", root.GetProperty("date").GetString());
        Assert.Equal("proclamation-10773", root.GetProperty("policy").GetString());

        var steps = root.GetProperty("steps").EnumerateArray().ToList();
        Assert.NotEmpty(steps);
        Assert.All(steps, s => Assert.False(string.IsNullOrWhiteSpace(s.GetProperty("statement").GetString())));
        Assert.Contains(steps, s => s.GetProperty("citation").ValueKind == JsonValueKind.Object
            && s.GetProperty("citation").GetProperty("text").GetString()!.Contains("Proclamation 10773", StringComparison.Ordinal));

        var window = root.GetProperty("window").EnumerateArray().ToList();
        Assert.Equal(["2024-07-14", "2024-07-15", "2024-07-16", "2024-07-17", "2024-07-18", "2024-07-19", "2024-07-20"], window.Select(w => w.GetProperty("date").GetString()!));
        Assert.Equal(window.Sum(w => (long)w.GetProperty("counted").GetInt32()), root.GetProperty("sum7").GetInt64());

        var day = BundledRuns.JsonRoot.GetProperty("days").EnumerateArray().Single(d => d.GetProperty("date").GetString() == "2024-07-20");
        Assert.Equal(day.GetProperty("counted").GetInt32(), root.GetProperty("counted").GetInt32());
        Assert.Equal(day.GetProperty("average7").GetDecimal(), root.GetProperty("average7").GetDecimal());
        Assert.Equal(day.GetProperty("status").GetString(), root.GetProperty("status").GetString());
    }

    [Fact]
    public void Explain_DateOutsideSeries_ExitsTwoNamingDate()
    {
        CliAssert.BadInput(Explain("--date", "2030-01-01"), "2030-01-01");
    }

    [Fact]
    public void Policies_Default_ExitsZeroListingAllThreeIds()
    {
        var r = Cli.Run("policies");
        CliAssert.Ok(r);
        foreach (var id in Ids)
        {
            Assert.Contains(id, r.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Policies_Json_EveryParameterValueHasCitationWithKnownStatus()
    {
        var r = Cli.Run("policies", "--format", "json");
        CliAssert.Ok(r);
        var policies = r.Root().GetProperty("policies").EnumerateArray().ToList();
        Assert.Equal(Ids, policies.Select(p => p.GetProperty("id").GetString()!).Order(StringComparer.Ordinal));
        foreach (var p in policies)
        {
            var id = p.GetProperty("id").GetString();
            Assert.Contains(p.GetProperty("inForceCitation").GetProperty("status").GetString(), Statuses);
            var standing = p.GetProperty("standing").EnumerateArray().ToList();
            Assert.NotEmpty(standing);
            Assert.All(standing, e =>
            {
                Assert.Contains(e.GetProperty("status").GetString(), Statuses);
                Assert.False(string.IsNullOrWhiteSpace(e.GetProperty("kind").GetString()));
                Assert.Equal(JsonValueKind.Array, e.GetProperty("components").ValueKind);
                Assert.Equal(JsonValueKind.Object, e.GetProperty("citation").ValueKind);
            });
            Assert.Contains(p.GetProperty("standingOn").GetProperty("state").GetString(), new[] { "in-force", "hypothetical" });
            var parameters = p.GetProperty("parameters").EnumerateArray().ToList();
            Assert.NotEmpty(parameters);
            foreach (var parameter in parameters)
            {
                var values = parameter.GetProperty("values").EnumerateArray().ToList();
                Assert.True(values.Count > 0, $"{id} {parameter.GetProperty("name")} has no values");
                foreach (var v in values)
                {
                    var citation = v.GetProperty("citation");
                    Assert.True(citation.ValueKind == JsonValueKind.Object, $"{id} {parameter.GetProperty("name")}: no citation");
                    Assert.False(string.IsNullOrWhiteSpace(citation.GetProperty("text").GetString()));
                    Assert.True(Statuses.Contains(citation.GetProperty("status").GetString()), $"{id} {parameter.GetProperty("name")}: status {citation.GetProperty("status")}");
                }
            }
        }
    }

}
