using System.Runtime.CompilerServices;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Threshold.Benchmarks -- --filter '*'
// Reports go to bench/Threshold.Benchmarks/BenchmarkDotNet.Artifacts (git-ignored), whatever the working directory.
BenchmarkSwitcher.FromAssembly(typeof(Threshold.Benchmarks.ReplayBenchmarks).Assembly)
    .Run(args, DefaultConfig.Instance.WithArtifactsPath(Path.Combine(ProjectDirectory(), "BenchmarkDotNet.Artifacts")));

static string ProjectDirectory([CallerFilePath] string source = "") =>
    Path.GetDirectoryName(source) is { Length: > 0 } dir && Directory.Exists(dir) ? dir : Directory.GetCurrentDirectory();
