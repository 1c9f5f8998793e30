namespace Threshold.Benchmarks;

/// <summary>SplitMix64: tiny, deterministic across runtimes and platforms (unlike an unspecified library PRNG); shared by the benchmark workloads.</summary>
internal struct SplitMix64(ulong state)
{
    private ulong state = state;

    public int Next(int exclusiveMax)
    {
        unchecked
        {
            state += 0x9E3779B97F4A7C15UL;
            var z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (int)(z % (ulong)exclusiveMax);
        }
    }
}
