using Threshold.Simulation;

namespace Threshold.Simulation.Tests;

public class HistogramTests
{
    [Fact]
    public void Quantiles_OfSmallWholeNumbers_AreExact()
    {
        var h = LogHistogram.ForCounts();
        for (var v = 0; v <= 100; v++)
        {
            h.Add(v);
        }

        Assert.Equal(10, h.Quantile(0.10));
        Assert.Equal(50, h.Quantile(0.50));
        Assert.Equal(90, h.Quantile(0.90));
        Assert.Equal(50, h.Mean);
    }

    [Fact]
    public void Merge_InAnyOrder_GivesTheSameQuantiles()
    {
        var values = Enumerable.Range(0, 5000).Select(i => (double)((i * 7919L) % 100_003)).ToArray();
        LogHistogram Build(IEnumerable<double> vs)
        {
            var h = LogHistogram.ForCounts();
            foreach (var v in vs)
            {
                h.Add(v);
            }

            return h;
        }

        var a = Build(values.Take(2000));
        a.Merge(Build(values.Skip(2000)));
        var b = Build(values.Skip(2000));
        b.Merge(Build(values.Take(2000)));
        var sorted = values.Order().ToArray();
        foreach (var q in new[] { 0.1, 0.5, 0.9 })
        {
            Assert.Equal(a.Quantile(q), b.Quantile(q));
            var exact = sorted[(int)Math.Ceiling(q * sorted.Length) - 1];
            Assert.InRange(a.Quantile(q), exact * 0.999, exact * 1.001);
        }
    }
}

public class HistogramSeriesTests
{
    [Fact]
    public void Series_SharingOneArray_GivesWhatSeparateHistogramsGive()
    {
        // The daily bands share one bin-major array; each must behave exactly as a histogram of its own, merges included,
        // whether values go in one at a time (Add) or a whole series at once (AddEach), and read one at a time or at once.
        var random = new Random(11);
        var series = LogHistogram.Series(5, 6, 17, wholeNumbers: false);
        var otherSeries = LogHistogram.Series(5, 6, 17, wholeNumbers: false);
        var alone = Enumerable.Range(0, 5).Select(_ => new LogHistogram(6, 17, wholeNumbers: false)).ToArray();
        var values = new double[5];
        for (var n = 0; n < 3000; n++)
        {
            for (var d = 0; d < 5; d++)
            {
                values[d] = n % 97 == 0 ? 1e9 : n % 89 == 0 ? 0.5 : random.NextDouble() * 5000 * (d + 1);
                alone[d].Add(values[d]);
            }

            if (n % 2 == 0)
            {
                LogHistogram.AddEach(series, values);
            }
            else
            {
                for (var d = 0; d < 5; d++)
                {
                    otherSeries[d].Add(values[d]);
                }
            }
        }

        LogHistogram.MergeEach(series, otherSeries);
        double[] quantiles = [0.01, 0.1, 0.5, 0.9, 0.99, 1.0];
        var atOnce = LogHistogram.QuantilesEach(series, quantiles);
        for (var d = 0; d < 5; d++)
        {
            Assert.Equal(alone[d].Count, series[d].Count);
            Assert.Equal(alone[d].Sum, series[d].Sum);
            Assert.Equal(alone[d].Clamped, series[d].Clamped);
            for (var j = 0; j < quantiles.Length; j++)
            {
                Assert.Equal(alone[d].Quantile(quantiles[j]), series[d].Quantile(quantiles[j]));
                Assert.Equal(alone[d].Quantile(quantiles[j]), atOnce[d, j]);
            }
        }
    }

    [Fact]
    public void AddEach_WholeSeries_FourAtATimeGivesWhatOneAtATimeGives()
    {
        // A whole series is added four members at a time: negative values, values below 1, clamped ones and every
        // member's tallies must come out as separate histograms give them, and a NaN or an overflowing sum must throw
        // as Add does, wherever it falls (in a group of four or in the tail).
        var random = new Random(3);
        const int Members = 11;
        var series = LogHistogram.Series(Members, 6, 17, wholeNumbers: false);
        var alone = Enumerable.Range(0, Members).Select(_ => new LogHistogram(6, 17, wholeNumbers: false)).ToArray();
        for (var row = 0; row < 400; row++)
        {
            var values = Enumerable.Range(0, Members).Select(d => (row + d) % 7 switch
            {
                0 => -random.NextDouble() * 50,
                1 => random.NextDouble(),
                2 => 2e5 + (random.NextDouble() * 1e9),
                _ => random.NextDouble() * 9000,
            }).ToArray();
            LogHistogram.AddEach(series, values);
            for (var d = 0; d < Members; d++)
            {
                alone[d].Add(values[d]);
            }
        }

        for (var d = 0; d < Members; d++)
        {
            Assert.Equal((alone[d].Count, alone[d].Sum, alone[d].Clamped), (series[d].Count, series[d].Sum, series[d].Clamped));
            foreach (var q in new[] { 0.05, 0.5, 0.95, 1.0 })
            {
                Assert.Equal(alone[d].Quantile(q), series[d].Quantile(q));
            }
        }

        foreach (var at in new[] { 1, 9 })
        {
            var values = new double[Members];
            values[at] = double.NaN;
            Assert.Throws<OverflowException>(() => LogHistogram.AddEach(LogHistogram.Series(Members, 6, 17, wholeNumbers: false), values));
            var big = LogHistogram.Series(Members, 6, 62, wholeNumbers: false);
            var huge = new double[Members];
            huge[at] = 9e18;
            LogHistogram.AddEach(big, huge);
            Assert.Throws<OverflowException>(() => LogHistogram.AddEach(big, huge));
        }
    }

    [Fact]
    public void MergesAndQuantiles_ReadOnlyTheUsedBins_AndGiveWhatAllBinsGive()
    {
        // Merges and quantiles read only the bins between the lowest and the highest ever counted. Series and
        // histograms of their own whose values lie in disjoint ranges (one empty), merged either way round, must give
        // what one histogram of every value gives.
        var low = LogHistogram.Series(3, 6, 17, wholeNumbers: false);
        var high = LogHistogram.Series(3, 6, 17, wholeNumbers: false);
        var empty = LogHistogram.Series(3, 6, 17, wholeNumbers: false);
        var reference = Enumerable.Range(0, 3).Select(_ => new LogHistogram(6, 17, wholeNumbers: false)).ToArray();
        var ownLow = new LogHistogram(10, 34, wholeNumbers: true);
        var ownHigh = new LogHistogram(10, 34, wholeNumbers: true);
        var ownReference = new LogHistogram(10, 34, wholeNumbers: true);
        for (var n = 1; n <= 50; n++)
        {
            double[] small = [n, n * 2.5, 0.25 * n];
            double[] large = [90_000 + n, 50_000 * n, 1e9];
            LogHistogram.AddEach(low, small);
            LogHistogram.AddEach(high, large);
            for (var d = 0; d < 3; d++)
            {
                reference[d].Add(small[d]);
                reference[d].Add(large[d]);
            }

            ownLow.Add(n);
            ownHigh.Add(1_000_000L * n);
            ownReference.Add(n);
            ownReference.Add(1_000_000L * n);
        }

        LogHistogram.MergeEach(high, empty);
        LogHistogram.MergeEach(high, low);
        LogHistogram.MergeEach(empty, high);
        ownHigh.Merge(ownLow);
        double[] quantiles = [0.01, 0.25, 0.5, 0.75, 0.99, 1.0];
        foreach (var merged in new[] { high, empty })
        {
            var atOnce = LogHistogram.QuantilesEach(merged, quantiles);
            for (var d = 0; d < 3; d++)
            {
                Assert.Equal((reference[d].Count, reference[d].Sum, reference[d].Clamped), (merged[d].Count, merged[d].Sum, merged[d].Clamped));
                for (var j = 0; j < quantiles.Length; j++)
                {
                    Assert.Equal(reference[d].Quantile(quantiles[j]), atOnce[d, j]);
                    Assert.Equal(reference[d].Quantile(quantiles[j]), merged[d].Quantile(quantiles[j]));
                }
            }
        }

        Assert.All(quantiles, q => Assert.Equal(ownReference.Quantile(q), ownHigh.Quantile(q)));
        Assert.Equal(0, LogHistogram.Series(2, 6, 17, wholeNumbers: false)[0].Quantile(0.5));
    }

    [Fact]
    public void SeriesOperations_OnHistogramsThatAreNotOneWholeSeries_WorkOneByOne()
    {
        // Reordered members of a series, and histograms of their own: the whole-series shortcuts must not apply.
        var series = LogHistogram.Series(3, 6, 17, wholeNumbers: true);
        LogHistogram[] reversed = [series[2], series[1], series[0]];
        LogHistogram.AddEach(reversed, [1, 20, 300]);
        Assert.Equal([300, 20, 1], series.Select(h => h.Sum));
        var alone = Enumerable.Range(0, 3).Select(_ => new LogHistogram(6, 17, wholeNumbers: true)).ToArray();
        LogHistogram.AddEach(alone, [7, 0, 4_000]);
        LogHistogram.MergeEach(reversed, alone);
        Assert.Equal([4_300, 20, 8], series.Select(h => h.Sum));
        var q = LogHistogram.QuantilesEach(reversed, [1.0]);
        Assert.Equal([series[2].Quantile(1.0), series[1].Quantile(1.0), series[0].Quantile(1.0)], [q[0, 0], q[1, 0], q[2, 0]]);
        Assert.Equal(0, LogHistogram.QuantilesEach(LogHistogram.Series(2, 6, 17, wholeNumbers: true), [0.5])[1, 0]);
    }
}

public class ScenarioFileTests
{
    private static ScenarioFileException Bad(string yaml) => Assert.Throws<ScenarioFileException>(() => TestData.Read(yaml));

    private const string Head = """
        name: bad
        horizon: { start: 2024-06-05, years: 1 }
        policies:
          - id: proclamation-10773

        """;

    [Fact]
    public void UnknownParameter_IsAnErrorNamingTheKeyAndFile()
    {
        var e = Bad(Head + "parameters:\n  deterrence.strength: 0.3\n");
        Assert.Contains("test.yaml:", e.Message, StringComparison.Ordinal);
        Assert.Contains("parameters.deterrence.strength", e.Message, StringComparison.Ordinal);
        Assert.Contains("unknown parameter", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OutOfRangeValue_IsAnErrorNamingTheKeyAndRange()
    {
        var e = Bad(Head + "parameters:\n  mexico.enforcement_share: 1.5\n");
        Assert.Contains("parameters.mexico.enforcement_share", e.Message, StringComparison.Ordinal);
        Assert.Contains("out of range", e.Message, StringComparison.Ordinal);
        Assert.Equal(6, e.Line);
    }

    [Fact]
    public void ImpossibleHorizon_IsAnErrorNamingTheKey()
    {
        var e = Bad("""
            name: bad
            horizon: { start: 2024-06-05, end: 2024-01-01 }
            policies:
              - id: proclamation-10773
            """);
        Assert.Contains("horizon.end", e.Message, StringComparison.Ordinal);
        Assert.Contains("impossible horizon", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("paths: 0\n", "paths")]
    [InlineData("colour: red\n", "unknown key 'colour'")]
    [InlineData("parameters:\n  deterrence.effect: { low: 0.5, high: 0.2 }\n", "parameters.deterrence.effect")]
    [InlineData("parameters:\n  mexico.enforcement_share: { preset: \"1999\" }\n", "unknown preset")]
    public void OtherBadInput_IsAnErrorNamingWhatIsWrong(string tail, string expected)
    {
        var e = Bad(Head + tail);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BillWithoutInForceDate_IsAnError()
    {
        var e = Bad("""
            name: bad
            horizon: { start: 2024-06-05, years: 1 }
            policies:
              - id: senate-border-act-2024
            """);
        Assert.Contains("policies.in_force", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BundledScenarios_AllRead()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(TestData.RepositoryRoot, "scenarios"), "*.yaml"))
        {
            var s = ScenarioYamlReader.ReadFile(file);
            Assert.NotEmpty(s.Policies);
        }
    }
}

public class DocumentationTests
{
    [Fact]
    public void SimulationGuide_DocumentsEveryParameterAndOutput()
    {
        var guide = File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "docs", "simulation.md"));
        foreach (var p in ModelParameters.Catalogue)
        {
            Assert.Contains($"`{p.Name}`", guide, StringComparison.Ordinal);
        }

        foreach (var o in MonteCarlo.Outputs)
        {
            Assert.Contains($"`{o.Key}`", guide, StringComparison.Ordinal);
        }
    }
}
