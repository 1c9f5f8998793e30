namespace Threshold.Synthesis.Tests;

public class ReportedFigureCheckTests
{
    [Fact]
    public void Evaluate_RealSeries_EveryPublished2024StatementPasses()
    {
        var results = ReportedFigureCheck.Evaluate(TestData.Series);
        Assert.Equal(9, results.Count);
        Assert.All(results, r => Assert.True(r.Passed, $"{r.StatementDate}: {r.Criterion} = {r.ComputedValue:F1}"));
    }

    [Fact]
    public void Evaluate_SourceUrls_AllAppearInReportedFiguresFile()
    {
        var text = File.ReadAllText(Path.Combine(TestData.SourceDirectory, "reported_daily_and_7day_avg_figures_2023_2025.csv"))
            + File.ReadAllText(Path.Combine(TestData.SourceDirectory, "reported_figures_2025_2026.csv"));
        Assert.All(ReportedFigureCheck.Evaluate(TestData.Latest), r => Assert.Contains(r.SourceUrl, text, StringComparison.Ordinal));
        Assert.All(ReportedFigureCheck.SourceUrls, u => Assert.Contains(u, text, StringComparison.Ordinal));
    }

    [Fact]
    public void Evaluate_LatestEdition_Every2024And2025StatementPasses_AndTheEarlierEditionSkipsThe2025Ones()
    {
        var results = ReportedFigureCheck.Evaluate(TestData.Latest);
        Assert.Equal(15, results.Count);
        Assert.All(results, r => Assert.True(r.Passed, $"{r.StatementDate}: {r.Criterion} = {r.ComputedValue:F1}"));
        Assert.All(results, r => Assert.Contains(r.Mark, new[] { "[V-off]", "[S]" }));
        Assert.Empty(ReportedFigureCheck.Skipped(TestData.Latest.Days));
        Assert.Equal(6, ReportedFigureCheck.Skipped(TestData.Series.Days).Count);
        Assert.Contains(results, r => r.StatementDate == "2025-02-19" && Math.Abs(r.ComputedValue - 15700) <= 20);
    }

    [Fact]
    public void Evaluate_SeriesCoveringNoStatement_ThrowsArgumentException()
    {
        var late = TestData.Latest.Days.Where(d => d.Date >= new NodaTime.LocalDate(2025, 10, 1)).ToList();
        Assert.Throws<ArgumentException>(() => ReportedFigureCheck.Evaluate(late));
    }

    [Fact]
    public void Evaluate_FlatSeries_FailsTheDropStatements()
    {
        var flat = TestData.Series.Days.Select(d => d with { BetweenPorts = 4000 }).ToList();
        var results = ReportedFigureCheck.Evaluate(flat);
        Assert.Contains(results, r => !r.Passed && r.Criterion.Contains("> 50", StringComparison.Ordinal));
        Assert.Contains(results, r => !r.Passed && r.Criterion.Contains("< 1,800", StringComparison.Ordinal));
    }

    [Fact]
    public void Evaluate_SeriesMissingJune_ThrowsArgumentException()
    {
        var partial = TestData.Series.Days.Where(d => d.Date.Month != 6).ToList();
        Assert.Throws<ArgumentException>(() => ReportedFigureCheck.Evaluate(partial));
    }
}
