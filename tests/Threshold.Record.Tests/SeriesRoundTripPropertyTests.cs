using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Threshold.Engine;
using Threshold.Law;

namespace Threshold.Record.Tests;

/// <summary>
/// Issue 7, round trips: any daily series stored, then exported as known at an instant (<see cref="EncounterCsvWriter"/>,
/// <c>threshold store export</c>), comes back as exactly the text that was imported — before a revision as the
/// original, after it as the revision — and replays to the identical timeline; re-importing the export changes nothing.
/// </summary>
public sealed class SeriesRoundTripPropertyTests
{
    private static readonly string[] Notes = ["modeled: a test series", "source: somewhere, 2024", "note: commas, and \"quotes\"", "Ñandú 😀"];

    /// <summary>Start date, day values (null = a missing day), the columns present, and provenance lines.</summary>
    private static readonly Gen<(LocalDate Start, int?[]?[] Days, bool[] Columns, string[] Provenance)> Series =
        from offset in Gen.Choose(0, 600)
        from length in Gen.Choose(1, 45)
        from columns in Gen.ArrayOf(ArbMap.Default.GeneratorFor<bool>(), 5).Where(c => c[0] && (!c[4] || c[2]))
        from raw in Gen.ArrayOf(Gen.ArrayOf(Gen.Choose(0, 9000), 5), length)
        let values = raw.Select(v => new[] { v[0], v[1], v[2], v[3] % (v[0] + 1), v[4] % (v[2] + 1) }).ToArray() // children within their totals
        from gaps in Gen.ArrayOf(Gen.Frequency((9, Gen.Constant(false)), (1, Gen.Constant(true))), length)
        from notes in Gen.SubListOf(Notes)
        select (new LocalDate(2023, 12, 1).PlusDays(offset),
            values.Select((v, i) => gaps[i] && i > 0 && i < length - 1 ? null : (int?[]?)v.Select(x => (int?)x).ToArray()).ToArray(),
            columns,
            notes.ToArray());

    [Property(MaxTest = 30)]
    public Property AnySeries_StoredThenExported_IsTheSameText_AsKnownBeforeAndAfterARevision() => Prop.ForAll(Series.ToArbitrary(), s =>
    {
        var original = Csv(s.Start, s.Days, s.Columns, s.Provenance);
        var revised = Csv(s.Start, [.. s.Days.Select(d => d is null ? null : d.Select(v => v + 1).ToArray())], s.Columns, s.Provenance);
        using var record = new TempRecord();
        var first = Import(record, original);
        var between = first.RecordedAt!.Value + Duration.FromMilliseconds(1);
        var second = Import(record, revised);
        var reimport = Import(record, Export(record, record.Clock.GetCurrentInstant()));
        var timelinesMatch = !s.Columns.All(c => c) || Timeline(Read(original)) == Timeline(record.Store.Encounters.AsKnownOn("s", between)!);
        return (Export(record, between) == original).Label($"as known before the revision:\n{Export(record, between)}\n---\n{original}")
            .And((Export(record, record.Clock.GetCurrentInstant()) == revised).Label("as known after the revision"))
            .And((second.Outcome == ImportOutcome.Recorded && reimport.Outcome == ImportOutcome.Unchanged).Label("re-importing the export changes nothing"))
            .And(timelinesMatch.Label("the stored series replays to the same timeline"));
    });

    private static string Csv(LocalDate start, int?[]?[] days, bool[] columns, string[] provenance)
    {
        var text = new StringBuilder();
        foreach (var note in provenance)
        {
            text.Append("# ").Append(note).Append('\n');
        }

        text.Append(string.Join(',', EncounterColumns.All.Where((_, c) => columns[c]).Select(c => c.HeaderName()).Prepend(EncounterColumns.Date))).Append('\n');
        for (var i = 0; i < days.Length; i++)
        {
            if (days[i] is { } values)
            {
                text.Append(string.Join(',', values.Where((_, c) => columns[c]).Select(v => v!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)).Prepend(start.PlusDays(i).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)))).Append('\n');
            }
        }

        return text.ToString();
    }

    private static EncounterSeries Read(string csv) => EncounterCsvReader.Read(new StringReader(csv), "round-trip.csv", allowGaps: true);

    private static ImportResult Import(TempRecord record, string csv) =>
        record.Store.Encounters.Import("s", Read(csv), "round-trip.csv", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(csv))));

    private static string Export(TempRecord record, Instant at)
    {
        using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        EncounterCsvWriter.Write(record.Store.Encounters.AsKnownOn("s", at)!, text);
        return text.ToString();
    }

    /// <summary>The 10773 replay's days, determinations and transitions.</summary>
    private static string Timeline(EncounterSeries series)
    {
        var report = ReplayReport.Build(SuspensionReplay.Run(CompiledPolicy.Compile(BuiltInPolicies.Get("proclamation-10773")), series));
        return JsonSerializer.Serialize(new { report.Days, report.Determinations, report.Transitions }, ReplayReport.JsonOptions);
    }
}
