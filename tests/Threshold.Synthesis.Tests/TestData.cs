namespace Threshold.Synthesis.Tests;

/// <summary>Locates the repository and caches one synthesis of the real sources.</summary>
internal static class TestData
{
    private static readonly Lazy<string> Root = new(FindRoot);
    private static readonly Lazy<MonthlySources> LazySources = new(() => MonthlySources.Load(SourceDirectory));
    private static readonly Lazy<SynthesizedSeries> LazySeries = new(() => DailySeriesSynthesizer.Synthesize(Sources, SynthesisParameters.Default, DailySeriesSynthesizer.Before10888LastDay));
    private static readonly Lazy<SynthesizedSeries> LazyLatest = new(() => DailySeriesSynthesizer.Synthesize(Sources));

    public static string RepositoryRoot => Root.Value;

    public static string SourceDirectory => Path.Combine(RepositoryRoot, "data", "source");

    public static MonthlySources Sources => LazySources.Value;

    /// <summary>The earlier edition, 2024-01-01 .. 2025-01-19.</summary>
    public static SynthesizedSeries Series => LazySeries.Value;

    /// <summary>The latest edition, through the last month of the between-ports figures.</summary>
    public static SynthesizedSeries Latest => LazyLatest.Value;

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "data", "source", "README.md"))
                && File.Exists(Path.Combine(dir.FullName, "Directory.Build.props")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (data/source/README.md) above " + AppContext.BaseDirectory);
    }
}
