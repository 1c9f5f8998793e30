using System.Security.Cryptography;
using System.Text;
using NodaTime;
using Threshold.Population;
using Threshold.Screening;

namespace Threshold.Simulation;

/// <summary>
/// The simulation inputs (<see cref="SimulationInputs"/>: the calibration and a month's population mix) kept on disk once
/// derived, so a run does not read and derive about 2 MB of CSV again: that is about a quarter of a second of every
/// start. An entry is found by a key that is the SHA-256 of every <c>*.csv</c> of the source directory (name and
/// bytes), the mix month and the builds (module version ids) of the assemblies that derive the inputs. So any change
/// to a source file or to the code that reads it is a miss, and the inputs are derived from the files as before (a
/// defect in a file is then reported as ever, naming the file and the line).
/// </summary>
/// <remarks>
/// An entry holds the derived figures exactly (doubles as their bits) and ends with the SHA-256 of its contents; an
/// entry that is short, altered or unreadable is ignored and written again. Entries are written to a temporary file
/// and renamed, so concurrent runs never read half an entry. A directory that cannot be written only costs the time.
/// The directory keeps the <see cref="MaxEntries"/> entries used last (an entry read is marked used); older ones, and
/// temporary files a stopped run left more than an hour ago, are deleted when an entry is written.
/// </remarks>
public sealed class SimulationInputsCache
{
    /// <summary>The environment variable naming the cache directory; <see cref="Off"/> turns the cache off.</summary>
    public const string DirectoryVariable = "THRESHOLD_CACHE_DIR";

    /// <summary>The value of <see cref="DirectoryVariable"/> that turns the cache off.</summary>
    public const string Off = "off";

    /// <summary>Entries kept (about 10 KB each): every build, data update or mix month makes a new one.</summary>
    public const int MaxEntries = 16;

    // The layout of an entry; a new layout is a new key, so old entries are never misread.
    private const string Format = "threshold simulation inputs v1";

    private static readonly Type[] Derivers = [typeof(SimulationInputsCache), typeof(PopulationMix), typeof(Sources.MonthlyCsv), typeof(Synthesis.MonthlySources), typeof(EntryPlace), typeof(YearMonth)];

    /// <param name="directory">Where entries are kept (created when first written).</param>
    public SimulationInputsCache(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = directory;
    }

    /// <summary>Where entries are kept.</summary>
    public string Directory { get; }

    /// <summary>
    /// The cache named by the environment: <see cref="DirectoryVariable"/>, else <c>$XDG_CACHE_HOME/threshold</c>, else
    /// <c>~/.cache/threshold</c>; null when the variable says <see cref="Off"/> or no home directory is known.
    /// </summary>
    public static SimulationInputsCache? FromEnvironment(Func<string, string?>? variable = null)
    {
        variable ??= Environment.GetEnvironmentVariable;
        var named = variable(DirectoryVariable);
        if (!string.IsNullOrWhiteSpace(named))
        {
            return string.Equals(named.Trim(), Off, StringComparison.OrdinalIgnoreCase) ? null : new SimulationInputsCache(named);
        }

        var xdg = variable("XDG_CACHE_HOME");
        if (!string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg))
        {
            return new SimulationInputsCache(Path.Combine(xdg, "threshold"));
        }

        var home = variable("HOME");
        return string.IsNullOrWhiteSpace(home) ? null : new SimulationInputsCache(Path.Combine(home, ".cache", "threshold"));
    }

    /// <summary>
    /// The inputs of <paramref name="sourceDirectory"/> for <paramref name="mixMonth"/>: from the entry of the same files,
    /// month and build when there is a sound one, else derived by <see cref="SimulationInputs.Load(string, YearMonth)"/>
    /// and kept.
    /// </summary>
    public SimulationInputs Load(string sourceDirectory, YearMonth mixMonth)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceDirectory);
        if (!System.IO.Directory.Exists(sourceDirectory))
        {
            // The plain load names the missing directory or file.
            return SimulationInputs.Load(sourceDirectory, mixMonth);
        }

        var key = Key(sourceDirectory, mixMonth);
        var path = Path.Combine(Directory, $"inputs-{key}.bin");
        if (TryRead(path) is { } cached)
        {
            MarkUsed(path);
            return cached;
        }

        var inputs = SimulationInputs.Load(sourceDirectory, mixMonth);
        if (TryWrite(path, inputs))
        {
            Prune(DateTime.UtcNow);
        }

        return inputs;
    }

    /// <summary>Marks an entry as just used (its last write time), so pruning keeps it; a failure only risks the entry.</summary>
    private static void MarkUsed(string path)
    {
        try
        {
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Read-only: the entry may be pruned earlier than its use would keep it, and is then derived again.
        }
    }

    /// <summary>
    /// Deletes all but the <see cref="MaxEntries"/> entries used last, and temporary files older than an hour (a run
    /// stopped between writing and renaming). Entries or files another run deletes first are skipped.
    /// </summary>
    internal void Prune(DateTime nowUtc)
    {
        try
        {
            var directory = new DirectoryInfo(Directory);
            var stale = directory.EnumerateFiles("inputs-*.bin").Where(f => f.Name.EndsWith(".bin", StringComparison.Ordinal)).OrderByDescending(f => f.LastWriteTimeUtc).ThenBy(f => f.Name, StringComparer.Ordinal).Skip(MaxEntries)
                .Concat(directory.EnumerateFiles("inputs-*.tmp").Where(f => f.Name.EndsWith(".tmp", StringComparison.Ordinal) && f.LastWriteTimeUtc < nowUtc.AddHours(-1)));
            foreach (var file in stale.ToArray())
            {
                try
                {
                    file.Delete();
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Gone already, or not ours to delete: pruning is only tidiness.
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The directory cannot be listed: nothing to tidy.
        }
    }

    /// <summary>The entry's key: the layout, the month, the deriving assemblies' builds and every CSV file's name and bytes (in ordinal name order).</summary>
    internal static string Key(string sourceDirectory, YearMonth mixMonth)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Text(string s)
        {
            var bytes = Encoding.UTF8.GetBytes(s);
            hash.AppendData(BitConverter.GetBytes(bytes.Length));
            hash.AppendData(bytes);
        }

        Text(Format);
        Text(mixMonth.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture));
        foreach (var type in Derivers)
        {
            Text(type.Assembly.ManifestModule.ModuleVersionId.ToString());
        }

        foreach (var file in System.IO.Directory.EnumerateFiles(sourceDirectory, "*.csv").Order(StringComparer.Ordinal))
        {
            var bytes = File.ReadAllBytes(file);
            Text(Path.GetFileName(file));
            hash.AppendData(BitConverter.GetBytes((long)bytes.Length));
            hash.AppendData(bytes);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static SimulationInputs? TryRead(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        if (bytes.Length < SHA256.HashSizeInBytes || !SHA256.HashData(bytes.AsSpan(0, bytes.Length - SHA256.HashSizeInBytes)).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - SHA256.HashSizeInBytes)))
        {
            return null;
        }

        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes, 0, bytes.Length - SHA256.HashSizeInBytes), Encoding.UTF8);
            var inputs = Read(reader);
            return reader.BaseStream.Position == reader.BaseStream.Length ? inputs : null;
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException or ArgumentException or InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>Writes an entry; false when the directory cannot be written.</summary>
    private bool TryWrite(string path, SimulationInputs inputs)
    {
        var temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            var stream = new MemoryStream();
            using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
            {
                Write(writer, inputs);
            }

            stream.Write(SHA256.HashData(stream.GetBuffer().AsSpan(0, (int)stream.Length)));
            File.WriteAllBytes(temporary, stream.ToArray());
            File.Move(temporary, path, overwrite: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The cache is only a saving: a directory that cannot be written leaves each run to derive its inputs.
            try
            {
                File.Delete(temporary);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // Nothing more can be done; the temporary name is never read.
            }

            return false;
        }
    }

    internal static void Write(BinaryWriter w, SimulationInputs inputs)
    {
        var c = inputs.Calibration;
        Doubles(w, c.Seasonal);
        w.Write(c.NoisePersistence);
        w.Write(c.NoiseSd);
        w.Write(c.BorderLevelPerDay);
        w.Write(c.NorthboundLevelPerDay);
        w.Write(c.Deterrence);
        w.Write(c.UsbpMonthly.Count);
        foreach (var (month, count) in c.UsbpMonthly)
        {
            Month(w, month);
            w.Write(count);
        }

        Strings(w, c.Provenance);

        var m = inputs.Mix;
        Month(w, m.Month);
        w.Write(m.Places.Count);
        foreach (var p in m.Places)
        {
            w.Write((int)p.Place);
            w.Write(p.Share);
            Shares(w, p.Nationalities);
            w.Write(p.SingleAdultShare);
            w.Write(p.UnaccompaniedChildShare);
            w.Write(p.FamilyUnitShare);
            w.Write(p.UcMexicoShare);
            Shares(w, p.UcNoncontiguous);
            Shares(w, p.NotUc);
            w.Write(p.ClampedShare);
        }

        w.Write(m.PortOfEntryEncountersPerDay);
        w.Write(m.SourceMonths.Count);
        foreach (var (file, month) in m.SourceMonths)
        {
            w.Write(file);
            Month(w, month);
        }

        w.Write(m.UsesFallback);
        Strings(w, m.Provenance);
    }

    internal static SimulationInputs Read(BinaryReader r)
    {
        var seasonal = ReadDoubles(r);
        var (persistence, noiseSd, border, northbound, deterrence) = (r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble());
        var monthly = new Dictionary<YearMonth, int>();
        for (var i = Count(r); i > 0; i--)
        {
            monthly.Add(ReadMonth(r), r.ReadInt32());
        }

        var calibration = new Calibration(seasonal, persistence, noiseSd, border, northbound, deterrence, monthly, ReadStrings(r));

        var mixMonth = ReadMonth(r);
        var places = new PlaceMix[Count(r)];
        for (var i = 0; i < places.Length; i++)
        {
            var place = (EntryPlace)r.ReadInt32();
            if (!Enum.IsDefined(place) || (int)place != i)
            {
                throw new InvalidDataException($"place {i} is {(int)place}");
            }

            places[i] = new PlaceMix(place, r.ReadDouble(), ReadShares(r), r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), ReadShares(r), ReadShares(r), r.ReadDouble());
        }

        var portsPerDay = r.ReadDouble();
        var sourceMonths = new Dictionary<string, YearMonth>();
        for (var i = Count(r); i > 0; i--)
        {
            sourceMonths.Add(r.ReadString(), ReadMonth(r));
        }

        var mix = new PopulationMix(mixMonth, places, portsPerDay, sourceMonths, r.ReadBoolean(), ReadStrings(r));
        return new SimulationInputs(calibration, mix);
    }

    private static void Month(BinaryWriter w, YearMonth month)
    {
        w.Write(month.Year);
        w.Write(month.Month);
    }

    private static YearMonth ReadMonth(BinaryReader r) => new(r.ReadInt32(), r.ReadInt32());

    /// <summary>A list: its count, then each item as <paramref name="write"/> writes it.</summary>
    private static void List<T>(BinaryWriter w, IReadOnlyList<T> items, Action<BinaryWriter, T> write)
    {
        w.Write(items.Count);
        foreach (var item in items)
        {
            write(w, item);
        }
    }

    /// <summary>A list written by <see cref="List"/>, each item read by <paramref name="read"/>.</summary>
    private static T[] ReadList<T>(BinaryReader r, Func<BinaryReader, T> read)
    {
        var items = new T[Count(r)];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = read(r);
        }

        return items;
    }

    private static void Doubles(BinaryWriter w, IReadOnlyList<double> values) => List(w, values, static (w, v) => w.Write(v));

    private static double[] ReadDoubles(BinaryReader r) => ReadList(r, static r => r.ReadDouble());

    private static void Strings(BinaryWriter w, IReadOnlyList<string> values) => List(w, values, static (w, v) => w.Write(v));

    private static string[] ReadStrings(BinaryReader r) => ReadList(r, static r => r.ReadString());

    private static void Shares(BinaryWriter w, IReadOnlyList<NationalityShare> shares) => List(w, shares, static (w, s) =>
    {
        w.Write(s.Code);
        w.Write(s.Share);
    });

    private static NationalityShare[] ReadShares(BinaryReader r) => ReadList(r, static r => new NationalityShare(r.ReadString(), r.ReadDouble()));

    /// <summary>A count of items, refused when negative or beyond what the entry could hold (an altered entry).</summary>
    private static int Count(BinaryReader r)
    {
        var n = r.ReadInt32();
        return n >= 0 && n <= r.BaseStream.Length - r.BaseStream.Position ? n : throw new InvalidDataException($"a count of {n}");
    }
}
