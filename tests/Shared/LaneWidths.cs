using System.Runtime.Intrinsics;

namespace Threshold.TestSupport;

/// <summary>The lane widths the lane kernels are checked at: 1 (scalar), and 4 and 8 where this machine accelerates them.</summary>
internal static class LaneWidths
{
    public static IEnumerable<int?> Accelerated()
    {
        yield return 1;
        if (Vector256.IsHardwareAccelerated)
        {
            yield return 4;
        }

        if (Vector512.IsHardwareAccelerated)
        {
            yield return 8;
        }
    }
}
