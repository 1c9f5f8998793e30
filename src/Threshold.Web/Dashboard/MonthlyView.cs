using NodaTime;
using Threshold.Record;

namespace Threshold.Web.Dashboard;

/// <summary>
/// The real monthly series the record holds (issue 16), as known at an instant, for the Data page: one line per
/// source and component, each month's total summed over the latest revision of every cell. KHSM (OHSS) gives U.S.
/// Border Patrol encounters by region from its region-only file; CBP's Southwest Land Border Encounters gives each
/// component (USBP, OFO) over every demographic, citizenship and title. Nothing is modeled or synthetic here.
/// </summary>
public sealed record MonthlyView(IReadOnlyList<MonthlyImportRecord> Imports, IReadOnlyList<MonthlyView.Line> Lines)
{
    /// <summary>One monthly line: its name and (yyyy-MM, total) points in month order.</summary>
    public sealed record Line(string Name, IReadOnlyList<(string Month, long Total)> Points);

    public static MonthlyView AsKnownOn(RecordStore store, Instant at)
    {
        ArgumentNullException.ThrowIfNull(store);
        var lines = new List<Line>();
        var khsm = MonthlyImports.AsKnownOn(store, "khsm_monthly", at);
        lines.AddRange(Sum(khsm, r => r[Index(khsm, "breakdown")] is null ? $"USBP, {r[Index(khsm, "region")]} (OHSS KHSM)" : null, "quantity"));
        var cbp = MonthlyImports.AsKnownOn(store, "cbp_sbo_monthly", at);
        lines.AddRange(Sum(cbp, r => $"{r[Index(cbp, "component")]}, Southwest Land Border (CBP)", "encounter_count"));
        return new MonthlyView(MonthlyImports.ImportHistory(store, at), lines);
    }

    private static int Index(MonthlyTable table, string column)
    {
        for (var i = 0; i < table.Columns.Count; i++)
        {
            if (table.Columns[i] == column)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"{table.Table} has no column {column}");
    }

    /// <summary>Totals by line name (null leaves a row out) and month.</summary>
    private static IEnumerable<Line> Sum(MonthlyTable table, Func<object?[], string?> lineOf, string valueColumn)
    {
        var month = Index(table, "year_month");
        var value = Index(table, valueColumn);
        return table.Rows
            .Select(r => (Line: lineOf(r), Month: (string)r[month]!, Value: Convert.ToInt64(r[value], System.Globalization.CultureInfo.InvariantCulture)))
            .Where(r => r.Line is not null)
            .GroupBy(r => r.Line!, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new Line(g.Key, [.. g.GroupBy(r => r.Month, StringComparer.Ordinal).OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => (m.Key, m.Sum(r => r.Value)))]));
    }
}
