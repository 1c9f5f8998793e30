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

    /// <summary>Repository-relative path of the generated file.</summary>
    public const string RepositoryPath = "data/modeled/daily_encounters_2024-01-01_2025-01-19.modeled.csv";

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
