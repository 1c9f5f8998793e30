namespace Threshold.Simulation.Tests;

/// <summary>
/// A batch's whole people by kind (<c>FlowModel.TakeWholePeople</c>): four kinds at a time, each exactly as one at a
/// time: the carry rounded to even, taken when at least one, the fraction kept; a NaN or a count beyond a long throws.
/// </summary>
public class WholePeopleTests
{
    [Fact]
    public void TakeWholePeople_RandomCarries_SameAsOneAtATime()
    {
        var random = new Random(17);
        for (var trial = 0; trial < 2000; trial++)
        {
            var n = random.Next(0, 23);
            var carry = Enumerable.Range(0, n).Select(_ => random.Next(4) switch
            {
                0 => random.NextDouble(),
                1 => Math.Round(random.NextDouble() * 10) + 0.5,
                2 => random.NextDouble() * 3,
                _ => random.NextDouble() * 1e6,
            }).ToArray();
            var expectedCarry = (double[])carry.Clone();
            var expected = new long[n];
            for (var k = 0; k < n; k++)
            {
                var whole = Math.Round(expectedCarry[k]);
                if (whole >= 1)
                {
                    expectedCarry[k] -= whole;
                    expected[k] = (long)whole;
                }
            }

            var counts = Enumerable.Repeat(-1L, n).ToArray();
            FlowModel.TakeWholePeople(carry, counts);
            Assert.Equal(expected, counts);
            Assert.Equal(expectedCarry, carry);
        }
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(1e19)]
    [InlineData(double.PositiveInfinity)]
    public void TakeWholePeople_NaNOrBeyondALong_Throws(double bad)
    {
        // In a vector group (kind 1 of 8) and in the tail (kind 9 of 10).
        foreach (var (length, at) in new[] { (8, 1), (10, 9) })
        {
            var carry = Enumerable.Repeat(2.4, length).ToArray();
            carry[at] = bad;
            var e = Assert.Throws<OverflowException>(() => FlowModel.TakeWholePeople(carry, new long[length]));
            Assert.Contains("out of range", e.Message, StringComparison.Ordinal);
        }
    }
}
