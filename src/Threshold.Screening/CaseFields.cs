using System.Text;
using NodaTime;
using NodaTime.Text;

namespace Threshold.Screening;

/// <summary>Validation of the case contract's field values, shared by the JSON, JSONL and CSV readers.</summary>
internal static class CaseFields
{
    public static readonly string[] All =
    [
        "id", "enteredAt", "place", "citizenship", "unaccompaniedChild", "usNational", "lawfulPermanentResident", "traffickingVictim",
        "validVisaOrDocuments", "visaWaiver", "armedForcesOrOfficial", "scheduledArrival", "officerException", "exceptionallyCompelling", "manifestsFear",
        "otherLawfulPermission", "compellingThroughFamilyMember", "medicalAndCriminalInfoProvided", "transitedThirdCountry", "deniedAsylumInThirdCountry",
    ];

    public static readonly string[] CompellingGrounds = ["medical-emergency", "imminent-threat", "trafficking-victim", "other"];

    public const int IdIndex = 0;
    public const int EnteredAtIndex = 1;
    public const int PlaceIndex = 2;
    public const int CitizenshipIndex = 3;
    public const int OfficerIndex = 12;
    public const int CompellingIndex = 13;

    private static readonly byte[][] AllUtf8 = [.. All.Select(Encoding.UTF8.GetBytes)];
    private static readonly byte[][] CompellingUtf8 = [.. CompellingGrounds.Select(Encoding.UTF8.GetBytes)];
    private static readonly CaseFacts[] Facts = [.. All.Select(f => ScreeningCase.FactFields.FirstOrDefault(x => x.Field == f).Fact)];
    private static readonly CaseFacts[] FalseFacts = [.. All.Select(ScreeningCase.FalseFact)];
    private static readonly string[] CountryCodes = [.. Enumerable.Range(0, 26 * 26).Select(k => new string([(char)('A' + (k / 26)), (char)('A' + (k % 26))]))];

    /// <summary>The index in <see cref="All"/> of a field name given as UTF-8, or -1.</summary>
    public static int IndexOf(ReadOnlySpan<byte> name)
    {
        var all = AllUtf8;
        for (var k = 0; k < all.Length; k++)
        {
            if (name.SequenceEqual(all[k]))
            {
                return k;
            }
        }

        return -1;
    }

    /// <summary>The fact a field of <see cref="All"/> sets, or <see cref="CaseFacts.None"/> for a field that is not a fact.</summary>
    public static CaseFacts FactAt(int index) => Facts[index];

    /// <summary>The fact a <c>false</c> sets for a three-valued field of <see cref="All"/>, or <see cref="CaseFacts.None"/>.</summary>
    public static CaseFacts FalseFactAt(int index) => FalseFacts[index];

    /// <summary>A shared string for a valid citizenship code given as UTF-8, or null when it is not two capital letters.</summary>
    public static string? CountryCode(ReadOnlySpan<byte> value) =>
        value.Length == 2 && value[0] is >= (byte)'A' and <= (byte)'Z' && value[1] is >= (byte)'A' and <= (byte)'Z' ? CountryCodes[((value[0] - 'A') * 26) + value[1] - 'A'] : null;

    /// <summary>The shared string of a compelling ground given as UTF-8, or null when it is not one.</summary>
    public static string? CompellingGround(ReadOnlySpan<byte> value)
    {
        for (var k = 0; k < CompellingUtf8.Length; k++)
        {
            if (value.SequenceEqual(CompellingUtf8[k]))
            {
                return CompellingGrounds[k];
            }
        }

        return null;
    }

    /// <summary>
    /// Parses the common exact shapes <c>yyyy-MM-ddTHH:mm:ssZ</c> and <c>yyyy-MM-ddTHH:mm:ss±HH:mm</c> (offset under
    /// 18 hours) without NodaTime's pattern engine. Returns false for anything else, valid or not; the caller then uses
    /// the RFC 3339 / extended ISO patterns, which accept everything this accepts with the same value.
    /// </summary>
    public static bool TryParseInstantFast(ReadOnlySpan<byte> v, out OffsetDateTime instant)
    {
        instant = default;
        if (v.Length is not (20 or 25) || v[4] != (byte)'-' || v[7] != (byte)'-' || v[10] != (byte)'T' || v[13] != (byte)':' || v[16] != (byte)':')
        {
            return false;
        }

        // Compare as ints: a byte below '0' makes a negative difference, and the build checks arithmetic, so a cast of
        // it to uint would throw instead of saying "not a digit".
        static int D2(ReadOnlySpan<byte> v, int at)
        {
            var a = v[at] - '0';
            var b = v[at + 1] - '0';
            return a is >= 0 and <= 9 && b is >= 0 and <= 9 ? (a * 10) + b : -1;
        }

        int year = D2(v, 0), year2 = D2(v, 2), month = D2(v, 5), day = D2(v, 8), hour = D2(v, 11), minute = D2(v, 14), second = D2(v, 17);
        if (year < 0 || year2 < 0 || month is < 1 or > 12 || day < 1 || hour is < 0 or > 23 || minute is < 0 or > 59 || second is < 0 or > 59)
        {
            return false;
        }

        year = (year * 100) + year2;
        if (year < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        int offsetSeconds;
        if (v.Length == 20)
        {
            if (v[19] != (byte)'Z')
            {
                return false;
            }

            offsetSeconds = 0;
        }
        else
        {
            int oh = D2(v, 20), om = D2(v, 23);
            if (v[19] is not ((byte)'+' or (byte)'-') || v[22] != (byte)':' || oh is < 0 or > 17 || om is < 0 or > 59)
            {
                return false;
            }

            offsetSeconds = ((oh * 3600) + (om * 60)) * (v[19] == (byte)'-' ? -1 : 1);
        }

        instant = new OffsetDateTime(new LocalDateTime(year, month, day, hour, minute, second), Offset.FromSeconds(offsetSeconds));
        // Only the first and last days of the calendar can convert out of range; leave those to the checked path.
        return year is > 1 and < 9999 || InstantRange(instant) is null;
    }

    /// <summary>
    /// The earliest entry instant accepted: a day after the calendar's first, so the Eastern date (UTC−5 or −4) and
    /// every date a rule derives from it stay inside NodaTime's years 1–9999.
    /// </summary>
    public static readonly Instant EarliestEntry = Instant.FromUtc(1, 1, 2, 0, 0);

    /// <summary>
    /// The latest entry instant accepted: a day before the calendar's last. <c>9999-12-31T23:59:59-05:00</c> is
    /// 10000-01-01 in UTC, which no calendar date can hold; read unchecked it crashed the screener.
    /// </summary>
    public static readonly Instant LatestEntry = Instant.FromUtc(9999, 12, 30, 23, 59, 59);

    /// <summary>The problem with an instant whose conversion to UTC or Eastern time leaves the calendar, or null.</summary>
    public static string? InstantRange(OffsetDateTime value)
    {
        Instant instant;
        try
        {
            instant = value.ToInstant();
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or OverflowException)
        {
            instant = value.Offset.Milliseconds < 0 ? Instant.MaxValue : Instant.MinValue;
        }

        return instant < EarliestEntry || instant > LatestEntry
            ? $"'{OffsetDateTimePattern.Rfc3339.Format(value)}' is outside the instants that convert to a calendar date in UTC and Eastern time ({EarliestEntry} to {LatestEntry})"
            : null;
    }

    private static readonly OffsetDateTimePattern Rfc3339 = OffsetDateTimePattern.Rfc3339;
    private static readonly OffsetDateTimePattern ExtendedIso = OffsetDateTimePattern.ExtendedIso;

    /// <summary>Each check returns the problem with a value, or null when it is valid.</summary>
    public static string? Id(string value) =>
        value.Length is 0 or > 200 ? "must be 1 to 200 characters" : value.Any(char.IsControl) ? "must not contain control characters" : null;

    public static string? EnteredAt(string value, out OffsetDateTime instant)
    {
        if (value.Length is 20 or 25 && Ascii.IsValid(value))
        {
            Span<byte> bytes = stackalloc byte[25];
            var written = Encoding.ASCII.GetBytes(value, bytes);
            if (TryParseInstantFast(bytes[..written], out instant))
            {
                return null;
            }
        }

        var result = Rfc3339.Parse(value);
        if (!result.Success)
        {
            result = ExtendedIso.Parse(value);
        }

        instant = result.Success ? result.Value : default;
        return result.Success ? InstantRange(instant) : $"'{Shorten(value)}' is not an ISO-8601 instant with offset, e.g. 2024-06-05T00:01:00-04:00";
    }

    public static string? Place(string value, out EntryPlace place)
    {
        (place, var ok) = value switch
        {
            "between-ports" => (EntryPlace.BetweenPorts, true),
            "coastal" => (EntryPlace.Coastal, true),
            "port-of-entry" => (EntryPlace.PortOfEntry, true),
            _ => (default, false),
        };
        return ok ? null : $"'{Shorten(value)}' must be between-ports, coastal or port-of-entry";
    }

    public static string? Citizenship(string value) =>
        value.Length == 2 && char.IsAsciiLetterUpper(value[0]) && char.IsAsciiLetterUpper(value[1]) ? null : $"'{Shorten(value)}' must be an ISO 3166-1 alpha-2 code (two capital letters)";

    public static string? Officer(string? value, out OfficerDiscretion officer)
    {
        (officer, var ok) = value switch
        {
            null or "" => (OfficerDiscretion.None, true),
            "totality" => (OfficerDiscretion.Totality, true),
            "operational" => (OfficerDiscretion.Operational, true),
            _ => (OfficerDiscretion.None, false),
        };
        return ok ? null : $"'{Shorten(value!)}' must be null, totality or operational";
    }

    public static string? Compelling(string? value) =>
        value is null or "" || CompellingGrounds.Contains(value) ? null : $"'{Shorten(value)}' must be null, {string.Join(", ", CompellingGrounds)}";

    public static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
