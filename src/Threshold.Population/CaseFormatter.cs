using System.Buffers;
using System.Buffers.Text;
using System.Text;
using NodaTime;
using Threshold.Screening;

namespace Threshold.Population;

/// <summary>
/// Writes drawn cases straight to UTF-8: JSON lines byte for byte as <see cref="CaseJsonReader.Write(ScreeningCase)"/> writes the same
/// case (a test compares them), and CSV rows in the contract's field order. Every string the generator can produce is
/// plain ASCII that JSON and CSV never escape, which is what lets this skip the general writers (about ten times faster).
/// </summary>
internal sealed class CaseFormatter
{
    /// <summary>Longer than any line either format can give.</summary>
    public const int MaxLineBytes = 1024;

    /// <summary>The CSV header: the case contract's field names.</summary>
    public static readonly string[] CsvFields =
    [
        "id", "enteredAt", "place", "citizenship", "unaccompaniedChild", "usNational", "lawfulPermanentResident", "traffickingVictim",
        "validVisaOrDocuments", "visaWaiver", "armedForcesOrOfficial", "scheduledArrival", "officerException", "exceptionallyCompelling", "manifestsFear",
    ];

    private static readonly StandardFormat IdDigits = new('D', 6);

    private readonly CaseGenerator generator;
    private readonly byte[] jsonIdPrefix;
    private readonly byte[] csvIdPrefix;
    private readonly byte[] yearMonth;
    private readonly byte[] offsetAtStart;
    private readonly byte[] offsetAfter;
    private readonly long shiftAfter;
    private readonly byte[][] codes;
    private readonly byte[][] jsonPlaces;
    private readonly byte[][] csvPlaces;
    private readonly byte[][] jsonFacts;
    private readonly byte[][] jsonOfficer;
    private readonly byte[][] csvOfficer;
    private readonly byte[][] jsonCompelling;
    private readonly byte[][] csvCompelling;

    public CaseFormatter(CaseGenerator generator)
    {
        this.generator = generator;
        jsonIdPrefix = Utf8("{\"id\":\"" + generator.IdPrefix);
        csvIdPrefix = Utf8(generator.IdPrefix);
        yearMonth = Utf8(PopulationMix.Format(generator.Mix.Month) + "-");
        offsetAtStart = Utf8(OffsetText(generator.OffsetAtStart));
        offsetAfter = Utf8(OffsetText(generator.OffsetAfter));
        shiftAfter = (generator.OffsetAfter - generator.OffsetAtStart).Seconds;
        codes = generator.Codes.Select(Utf8).ToArray();
        EntryPlace[] placeValues = [EntryPlace.BetweenPorts, EntryPlace.Coastal, EntryPlace.PortOfEntry];
        jsonPlaces = placeValues.Select(p => Utf8($"\",\"place\":\"{ScreeningCase.PlaceCode(p)}\",\"citizenship\":\"")).ToArray();
        csvPlaces = placeValues.Select(p => Utf8($",{ScreeningCase.PlaceCode(p)},")).ToArray();
        jsonFacts = ScreeningCase.FactFields.Select(f => Utf8($",\"{f.Field}\":true")).ToArray();
        OfficerDiscretion[] officers = [OfficerDiscretion.None, OfficerDiscretion.Totality, OfficerDiscretion.Operational];
        jsonOfficer = officers.Select(o => ScreeningCase.OfficerCode(o) is { } code ? Utf8($",\"officerException\":\"{code}\"") : []).ToArray();
        csvOfficer = officers.Select(o => Utf8(ScreeningCase.OfficerCode(o) ?? string.Empty)).ToArray();
        jsonCompelling = Enumerable.Range(0, 5).Select(i => CaseGenerator.CompellingCode((byte)i) is { } code ? Utf8($",\"exceptionallyCompelling\":\"{code}\"") : []).ToArray();
        csvCompelling = Enumerable.Range(0, 5).Select(i => Utf8(CaseGenerator.CompellingCode((byte)i) ?? string.Empty)).ToArray();
    }

    public static byte[] CsvHeaderLine => Utf8(string.Join(',', CsvFields) + "\n");

    /// <summary>Writes one case as a JSON line (with its '\n'); returns the bytes written. <paramref name="dest"/> holds at least <see cref="MaxLineBytes"/>.</summary>
    public int WriteJson(in DrawnCase d, Span<byte> dest)
    {
        var pos = Put(jsonIdPrefix, dest, 0);
        pos += Number(d.Index + 1, dest[pos..]);
        pos = Put("\",\"enteredAt\":\""u8, dest, pos);
        pos = Instant(d.Seconds, dest, pos);
        pos = Put(jsonPlaces[(int)d.Place], dest, pos);
        pos = Put(codes[d.Nationality], dest, pos);
        dest[pos++] = (byte)'"';
        if (d.Facts != CaseFacts.None)
        {
            var fields = ScreeningCase.FactFields;
            for (var i = 0; i < fields.Count; i++)
            {
                if ((d.Facts & fields[i].Fact) != 0)
                {
                    pos = Put(jsonFacts[i], dest, pos);
                }
            }
        }

        pos = Put(jsonOfficer[(int)d.Officer], dest, pos);
        pos = Put(jsonCompelling[d.Compelling], dest, pos);
        dest[pos++] = (byte)'}';
        dest[pos++] = (byte)'\n';
        return pos;
    }

    /// <summary>Writes one case as a CSV row in <see cref="CsvFields"/> order (with its '\n'); returns the bytes written.</summary>
    public int WriteCsv(in DrawnCase d, Span<byte> dest)
    {
        var pos = Put(csvIdPrefix, dest, 0);
        pos += Number(d.Index + 1, dest[pos..]);
        dest[pos++] = (byte)',';
        pos = Instant(d.Seconds, dest, pos);
        pos = Put(csvPlaces[(int)d.Place], dest, pos);
        pos = Put(codes[d.Nationality], dest, pos);
        pos = Bool(d.Facts, CaseFacts.UnaccompaniedChild, dest, pos);
        pos = Bool(d.Facts, CaseFacts.UsNational, dest, pos);
        pos = Bool(d.Facts, CaseFacts.LawfulPermanentResident, dest, pos);
        pos = Bool(d.Facts, CaseFacts.TraffickingVictim, dest, pos);
        pos = Bool(d.Facts, CaseFacts.ValidVisaOrDocuments, dest, pos);
        pos = Bool(d.Facts, CaseFacts.VisaWaiver, dest, pos);
        pos = Bool(d.Facts, CaseFacts.ArmedForcesOrOfficial, dest, pos);
        pos = Bool(d.Facts, CaseFacts.ScheduledArrival, dest, pos);
        dest[pos++] = (byte)',';
        pos = Put(csvOfficer[(int)d.Officer], dest, pos);
        dest[pos++] = (byte)',';
        pos = Put(csvCompelling[d.Compelling], dest, pos);
        pos = Bool(d.Facts, CaseFacts.ManifestsFear, dest, pos);
        dest[pos++] = (byte)'\n';
        return pos;
    }

    /// <summary>yyyy-MM-ddTHH:mm:ss±hh:mm in Eastern time (what OffsetDateTimePattern.Rfc3339 gives for whole seconds).</summary>
    private int Instant(long second, Span<byte> dest, int pos)
    {
        var after = second >= generator.TransitionSecond;
        var local = second + (after ? shiftAfter : 0);
        var day = (int)(local / 86400);
        var time = (int)(local % 86400);
        pos = Put(yearMonth, dest, pos);
        pos = Two(day + 1, dest, pos);
        dest[pos++] = (byte)'T';
        pos = Two(time / 3600, dest, pos);
        dest[pos++] = (byte)':';
        pos = Two(time / 60 % 60, dest, pos);
        dest[pos++] = (byte)':';
        pos = Two(time % 60, dest, pos);
        return Put(after ? offsetAfter : offsetAtStart, dest, pos);
    }

    private static int Number(long value, Span<byte> dest) =>
        Utf8Formatter.TryFormat(value, dest, out var written, IdDigits) ? written : throw new InvalidOperationException("id number does not fit");

    private static int Bool(CaseFacts facts, CaseFacts fact, Span<byte> dest, int pos) =>
        (facts & fact) != 0 ? Put(",true"u8, dest, pos) : Put(",false"u8, dest, pos);

    private static int Two(int value, Span<byte> dest, int pos)
    {
        dest[pos] = (byte)('0' + (value / 10));
        dest[pos + 1] = (byte)('0' + (value % 10));
        return pos + 2;
    }

    private static int Put(ReadOnlySpan<byte> source, Span<byte> dest, int pos)
    {
        source.CopyTo(dest[pos..]);
        return pos + source.Length;
    }

    private static string OffsetText(Offset offset) =>
        NodaTime.Text.OffsetPattern.CreateWithInvariantCulture("+HH:mm").Format(offset);

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
