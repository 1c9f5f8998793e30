using FsCheck;
using FsCheck.Xunit;

namespace Threshold.Synthesis.Tests;

public class LargestRemainderTests
{
    [Property]
    public bool LargestRemainder_AnyWeights_SumsToTotalAndStaysWithinOneOfExactShare(NonNegativeInt[] weights, NonNegativeInt total)
    {
        if (weights.Length == 0)
        {
            return true;
        }

        var w = weights.Select(x => (double)x.Get).ToArray();
        var t = total.Get % 1_000_000;
        var result = DailySeriesSynthesizer.LargestRemainder(w, t);
        var sum = w.Sum();
        var shares = w.Select(x => sum > 0 ? x * t / sum : (double)t / w.Length).ToArray();
        return result.Sum() == t
            && result.All(r => r >= 0)
            && result.Select((r, i) => Math.Abs(r - shares[i]) < 1 + 1e-9).All(ok => ok);
    }

    [Fact]
    public void LargestRemainder_TiedFractions_GoToEarlierDays()
    {
        Assert.Equal([1, 1, 0], DailySeriesSynthesizer.LargestRemainder([1.0, 1.0, 1.0], 2));
    }
}
