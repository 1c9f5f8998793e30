using System.Globalization;

namespace Threshold.Synthesis;

/// <summary>
/// Writes a <see cref="SynthesizedSeries"/> as CSV: <c># </c> comment lines with the method notes
/// (the first is always <see cref="SynthesizedSeries.ProvenanceLine"/>), then the header
/// <see cref="Header"/> and one row per day. Lines end with <c>\n</c> on every platform.
/// </summary>
public static class SynthesizedSeriesCsv
{
    /// <summary>The header row.</summary>
    public const string Header =
        "date,between_ports,coastal,ports_of_entry,uc_noncontiguous_between_ports,uc_noncontiguous_ports";

    /// <summary>Repository-relative path of the earlier edition (2024-01-01 .. 2025-01-19, the day before Proclamation 10888).</summary>
    public const string RepositoryPath = "data/modeled/daily_encounters_2024-01-01_2025-01-19.modeled.csv";

    /// <summary>The folder of the bundled series, relative to the repository root.</summary>
    public const string BundledFolder = "data/modeled";

    /// <summary>Repository-relative path of the edition ending on <paramref name="lastDay"/>: files are named by their range.</summary>
    public static string PathFor(NodaTime.LocalDate lastDay) =>
        string.Create(CultureInfo.InvariantCulture, $"{BundledFolder}/daily_encounters_{DailySeriesSynthesizer.FirstDay:yyyy'-'MM'-'dd}_{lastDay:yyyy'-'MM'-'dd}.modeled.csv");

    /// <summary>
    /// The bundled series (<c>daily_encounters_FIRST_LAST.modeled.csv</c>) in <paramref name="folder"/>, latest last day
    /// first; their names carry their range, so the latest is found without reading them.
    /// </summary>
    public static IReadOnlyList<string> Bundled(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return [];
        }

        return [.. Directory.EnumerateFiles(folder, "daily_encounters_*.modeled.csv")
            .Select(f => (File: f, Last: LastDayOf(Path.GetFileName(f))))
            .Where(f => f.Last is not null)
            .OrderByDescending(f => f.Last!.Value)
            .ThenBy(f => f.File, StringComparer.Ordinal)
            .Select(f => f.File)];
    }

    /// <summary>The last day in a bundled series' file name, or null when the name does not follow the pattern.</summary>
    public static NodaTime.LocalDate? LastDayOf(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        const string suffix = ".modeled.csv";
        if (!fileName.StartsWith("daily_encounters_", StringComparison.Ordinal) || !fileName.EndsWith(suffix, StringComparison.Ordinal))
        {
            return null;
        }

        var range = fileName["daily_encounters_".Length..^suffix.Length].Split('_');
        return range.Length == 2 && NodaTime.Text.LocalDatePattern.Iso.Parse(range[1]) is { Success: true } last ? last.Value : null;
    }

    /// <summary>Writes the series to <paramref name="writer"/>.</summary>
    public static void Write(SynthesizedSeries series, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(writer);

        var notes = series.MethodNotes.ToList();
        notes.Remove(SynthesizedSeries.ProvenanceLine);
        notes.Insert(0, SynthesizedSeries.ProvenanceLine);
        foreach (var note in notes)
        {
            if (note.Contains('\n', StringComparison.Ordinal) || note.Contains('\r', StringComparison.Ordinal))
            {
                throw new ArgumentException("Method notes must be single lines.", nameof(series));
            }

            writer.Write("# ");
            writer.Write(note);
            writer.Write('\n');
        }

        writer.Write(Header);
        writer.Write('\n');
        foreach (var d in series.Days)
        {
            writer.Write(string.Create(CultureInfo.InvariantCulture,
                $"{d.Date:yyyy'-'MM'-'dd},{d.BetweenPorts},{d.Coastal},{d.PortsOfEntry},{d.UcNoncontiguousBetweenPorts},{d.UcNoncontiguousPorts}\n"));
        }
    }

    /// <summary>The CSV text of <paramref name="series"/>.</summary>
    public static string ToCsvString(SynthesizedSeries series)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        Write(series, writer);
        return writer.ToString();
    }
}
