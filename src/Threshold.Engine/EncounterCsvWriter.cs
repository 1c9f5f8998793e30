using System.Globalization;

namespace Threshold.Engine;

/// <summary>
/// Writes an <see cref="EncounterSeries"/> in the input format <see cref="EncounterCsvReader"/> reads: its provenance as
/// <c># </c> lines, the header with the columns the series has (in the contract's order), and one row per day present
/// (a missing day has no row), lines ending in <c>\n</c>. Reading the text back gives the same series.
/// </summary>
public static class EncounterCsvWriter
{
    public static void Write(EncounterSeries series, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(writer);
        foreach (var line in series.Provenance)
        {
            writer.Write($"# {line}\n");
        }

        var columns = EncounterColumns.All.Where(series.Has).ToList();
        writer.Write(string.Join(',', columns.Select(c => c.HeaderName()).Prepend(EncounterColumns.Date)));
        writer.Write('\n');
        for (var i = 0; i < series.Length; i++)
        {
            if (series.IsMissing(i))
            {
                continue;
            }

            writer.Write(series.DateAt(i).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            foreach (var c in columns)
            {
                writer.Write(',');
                writer.Write(series.Column(c)[i].ToString(CultureInfo.InvariantCulture));
            }

            writer.Write('\n');
        }
    }
}
