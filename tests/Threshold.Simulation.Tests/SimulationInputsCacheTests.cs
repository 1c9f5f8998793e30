using System.Collections;
using System.Reflection;
using NodaTime;
using Threshold.Sources;

namespace Threshold.Simulation.Tests;

/// <summary>The simulation inputs kept on disk: read back exactly, found only for the same files, month and build, and never trusted when damaged.</summary>
public sealed class SimulationInputsCacheTests : IDisposable
{
    private static readonly YearMonth July2024 = new(2024, 7);
    private readonly string root = Directory.CreateTempSubdirectory("threshold-inputs-cache-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private string CacheDirectory => Path.Combine(root, "cache");

    /// <summary>A copy of data/source the test may change.</summary>
    private string CopyOfSource()
    {
        var copy = Path.Combine(root, "source");
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.EnumerateFiles(TestData.Source))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        return copy;
    }

    [Fact]
    public void AnEntryGivesBackEveryFigureOfTheInputsExactly()
    {
        var cache = new SimulationInputsCache(CacheDirectory);
        var derived = cache.Load(TestData.Source, July2024);
        var entry = Assert.Single(Directory.GetFiles(CacheDirectory));
        var read = cache.Load(TestData.Source, July2024);

        Assert.NotSame(derived, read);
        AssertSame("inputs", SimulationInputs.Load(TestData.Source, July2024), derived);
        AssertSame("inputs", derived, read);
        Assert.Equal(entry, Assert.Single(Directory.GetFiles(CacheDirectory)));
    }

    [Fact]
    public void AnotherMonthOrAChangedFileIsAnotherEntryAndADefectIsStillReportedWithItsFileAndLine()
    {
        var source = CopyOfSource();
        var cache = new SimulationInputsCache(CacheDirectory);
        cache.Load(source, July2024);
        var june = cache.Load(source, new YearMonth(2024, 6));
        Assert.Equal(new YearMonth(2024, 6), june.Mix.Month);
        Assert.Equal(2, Directory.GetFiles(CacheDirectory).Length);

        var file = Path.Combine(source, Population.PopulationMix.RegionFile);
        var keyBefore = SimulationInputsCache.Key(source, July2024);
        File.AppendAllText(file, "not,a,row\n");
        Assert.NotEqual(keyBefore, SimulationInputsCache.Key(source, July2024));
        var error = Assert.Throws<SourceDataException>(() => cache.Load(source, July2024));
        Assert.Contains(Population.PopulationMix.RegionFile, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ADamagedOrShortEntryIsIgnoredAndWrittenAgain()
    {
        var cache = new SimulationInputsCache(CacheDirectory);
        var expected = cache.Load(TestData.Source, July2024);
        var entry = Assert.Single(Directory.GetFiles(CacheDirectory));
        var bytes = File.ReadAllBytes(entry);

        // One bit of a double changed: the checksum no longer matches.
        var altered = (byte[])bytes.Clone();
        altered[20] ^= 1;
        foreach (var damaged in new[] { altered, bytes[..(bytes.Length / 2)], [], "garbage"u8.ToArray() })
        {
            File.WriteAllBytes(entry, damaged);
            AssertSame("inputs", expected, cache.Load(TestData.Source, July2024));
            Assert.Equal(bytes, File.ReadAllBytes(entry));
        }
    }

    /// <summary>Fake entries (any bytes: pruning does not read them), each written <paramref name="age"/> ago plus its index in minutes.</summary>
    private string[] FakeEntries(int count, TimeSpan age)
    {
        Directory.CreateDirectory(CacheDirectory);
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            var path = Path.Combine(CacheDirectory, $"inputs-fake{i:D2}.bin");
            File.WriteAllText(path, "fake");
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow - age - TimeSpan.FromMinutes(i));
            return path;
        })];
    }

    [Fact]
    public void WritingAnEntryKeepsTheEntriesUsedLast_AndDeletesTemporaryFilesLeftOver()
    {
        // Twenty older entries, fake00 the newest of them; a temporary file a stopped run left, and one being written.
        var fakes = FakeEntries(20, TimeSpan.FromDays(1));
        var leftOver = Path.Combine(CacheDirectory, "inputs-fake99.bin.123.abc.tmp");
        var beingWritten = Path.Combine(CacheDirectory, "inputs-fake98.bin.456.def.tmp");
        File.WriteAllText(leftOver, "partial");
        File.SetLastWriteTimeUtc(leftOver, DateTime.UtcNow.AddHours(-2));
        File.WriteAllText(beingWritten, "partial");

        new SimulationInputsCache(CacheDirectory).Load(TestData.Source, July2024);

        var entries = Directory.GetFiles(CacheDirectory, "*.bin").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(SimulationInputsCache.MaxEntries, entries.Length);
        Assert.Contains($"inputs-{SimulationInputsCache.Key(TestData.Source, July2024)}.bin", entries);
        Assert.Equal(fakes.Take(SimulationInputsCache.MaxEntries - 1).Select(Path.GetFileName).Order(StringComparer.Ordinal), entries.Where(e => e!.StartsWith("inputs-fake", StringComparison.Ordinal)));
        Assert.False(File.Exists(leftOver));
        Assert.True(File.Exists(beingWritten));
    }

    [Fact]
    public void AnEntryReadIsMarkedUsed_SoPruningKeepsItOverEntriesWrittenLaterButNotUsed()
    {
        var cache = new SimulationInputsCache(CacheDirectory);
        cache.Load(TestData.Source, July2024);
        var july = Assert.Single(Directory.GetFiles(CacheDirectory));
        File.SetLastWriteTimeUtc(july, new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        FakeEntries(SimulationInputsCache.MaxEntries, TimeSpan.FromDays(1));

        // A hit marks July used; a miss (another month) then writes an entry and prunes the two oldest fakes.
        cache.Load(TestData.Source, July2024);
        cache.Load(TestData.Source, new YearMonth(2024, 6));

        Assert.True(File.Exists(july));
        Assert.Equal(SimulationInputsCache.MaxEntries, Directory.GetFiles(CacheDirectory, "*.bin").Length);
        Assert.False(File.Exists(Path.Combine(CacheDirectory, $"inputs-fake{SimulationInputsCache.MaxEntries - 1:D2}.bin")));
    }

    [Fact]
    public void ADirectoryThatCannotBeWrittenOnlyCostsTheTime()
    {
        // A file where the directory should be: nothing can be created under it.
        var blocked = Path.Combine(root, "blocked");
        File.WriteAllText(blocked, "a file");
        var inputs = new SimulationInputsCache(Path.Combine(blocked, "cache")).Load(TestData.Source, July2024);
        AssertSame("inputs", TestData.Inputs, inputs);
    }

    [Fact]
    public void AMissingSourceDirectoryIsReportedAsWithoutTheCache()
    {
        var missing = Path.Combine(root, "no-such-source");
        var plain = Record.Exception(() => SimulationInputs.Load(missing, July2024));
        var cached = Record.Exception(() => new SimulationInputsCache(CacheDirectory).Load(missing, July2024));
        Assert.NotNull(plain);
        Assert.Equal(plain.GetType(), cached?.GetType());
        Assert.Equal(plain.Message, cached?.Message);
    }

    [Theory]
    [InlineData("/tmp/c", null, "/home/u", "/tmp/c")]
    [InlineData("OFF", "/x", "/home/u", null)]
    [InlineData(" off ", null, null, null)]
    [InlineData(null, "/x", "/home/u", "/x/threshold")]
    [InlineData(null, "relative", "/home/u", "/home/u/.cache/threshold")]
    [InlineData("", "", "/home/u", "/home/u/.cache/threshold")]
    [InlineData(null, null, null, null)]
    public void TheEnvironmentNamesTheDirectoryOrTurnsTheCacheOff(string? named, string? xdg, string? home, string? expected)
    {
        var variables = new Dictionary<string, string?> { [SimulationInputsCache.DirectoryVariable] = named, ["XDG_CACHE_HOME"] = xdg, ["HOME"] = home };
        Assert.Equal(expected, SimulationInputsCache.FromEnvironment(v => variables.GetValueOrDefault(v))?.Directory);
    }

    /// <summary>Every public property, recursively (lists item by item, dictionaries key by key, doubles by their bits), so a figure added later and not kept fails here.</summary>
    private static void AssertSame(string path, object? expected, object? actual)
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected is null && actual is null, $"{path}: {expected ?? "null"} against {actual ?? "null"}");
            return;
        }

        var type = expected.GetType();
        switch (expected)
        {
            case double e:
                Assert.True(BitConverter.DoubleToInt64Bits(e) == BitConverter.DoubleToInt64Bits((double)actual), $"{path}: {e:R} against {actual:R}");
                return;
            case string or bool or int or long or Enum or YearMonth:
                Assert.True(expected.Equals(actual), $"{path}: {expected} against {actual}");
                return;
            case IDictionary e:
                var a = (IDictionary)actual;
                Assert.True(e.Count == a.Count, $"{path}: {e.Count} entries against {a.Count}");
                foreach (DictionaryEntry entry in e)
                {
                    Assert.True(a.Contains(entry.Key), $"{path}: no entry {entry.Key}");
                    AssertSame($"{path}[{entry.Key}]", entry.Value, a[entry.Key]);
                }

                return;
            case IEnumerable e:
                var (left, right) = (e.Cast<object?>().ToArray(), ((IEnumerable)actual).Cast<object?>().ToArray());
                Assert.True(left.Length == right.Length, $"{path}: {left.Length} items against {right.Length}");
                for (var i = 0; i < left.Length; i++)
                {
                    AssertSame($"{path}[{i}]", left[i], right[i]);
                }

                return;
        }

        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0).ToArray();
        Assert.NotEmpty(properties);
        foreach (var p in properties)
        {
            AssertSame($"{path}.{p.Name}", p.GetValue(expected), p.GetValue(actual));
        }
    }
}
