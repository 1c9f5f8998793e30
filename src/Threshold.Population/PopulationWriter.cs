using System.Text;

namespace Threshold.Population;

/// <summary>
/// Streams a SYNTHETIC population to a stream or, atomically, to a file with its provenance beside it. Memory is
/// bounded (one 1 MiB buffer) whatever the count.
/// </summary>
public static class PopulationWriter
{
    /// <summary>The sibling file of an output file that holds its provenance: <c>FILE.provenance.txt</c>.</summary>
    public const string MetadataSuffix = ".provenance.txt";

    private const int BufferBytes = 1 << 20;

    /// <summary>The CSV header row's field names (the case contract's).</summary>
    public static IReadOnlyList<string> CsvFields => CaseFormatter.CsvFields;

    public static string MetadataPath(string path) => path + MetadataSuffix;

    /// <summary>Writes the first <paramref name="count"/> cases to <paramref name="output"/>; returns the bytes written. Does not close the stream.</summary>
    public static long Write(CaseGenerator generator, int count, Stream output, CaseFormat format, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var formatter = new CaseFormatter(generator);
        var buffer = new byte[BufferBytes];
        var pos = 0;
        long written = 0;
        if (format == CaseFormat.Csv)
        {
            var header = CaseFormatter.CsvHeaderLine;
            header.CopyTo(buffer, 0);
            pos = header.Length;
        }

        var d = default(DrawnCase);
        var csv = format == CaseFormat.Csv;
        for (var i = 0; i < count; i++)
        {
            if (BufferBytes - pos < CaseFormatter.MaxLineBytes)
            {
                output.Write(buffer, 0, pos);
                written += pos;
                pos = 0;
                cancellationToken.ThrowIfCancellationRequested();
            }

            generator.Draw(i, ref d);
            pos += csv ? formatter.WriteCsv(d, buffer.AsSpan(pos)) : formatter.WriteJson(d, buffer.AsSpan(pos));
        }

        output.Write(buffer, 0, pos);
        output.Flush();
        return written + pos;
    }

    /// <summary>
    /// Writes the cases to <paramref name="path"/> and the <paramref name="metadata"/> lines to
    /// <see cref="MetadataPath"/>, each through a temporary file in the same folder renamed over the target, so a failure
    /// or a cancellation never leaves a partial file. Returns the bytes of the case file.
    /// </summary>
    public static long WriteFile(CaseGenerator generator, int count, string path, CaseFormat format, IEnumerable<string> metadata, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(metadata);
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full) ?? throw new IOException($"'{path}' has no folder");
        Directory.CreateDirectory(directory);
        var stamp = $"{Environment.ProcessId}-{Guid.NewGuid():N}";
        var temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{stamp}.tmp");
        var metaFull = MetadataPath(full);
        var metaTemp = Path.Combine(directory, $".{Path.GetFileName(metaFull)}.{stamp}.tmp");
        try
        {
            long bytes;
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1))
            {
                bytes = Write(generator, count, stream, format, cancellationToken);
            }

            File.WriteAllText(metaTemp, string.Join('\n', metadata) + "\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            File.Move(temp, full, overwrite: true);
            File.Move(metaTemp, metaFull, overwrite: true);
            return bytes;
        }
        finally
        {
            File.Delete(temp);
            File.Delete(metaTemp);
        }
    }
}
