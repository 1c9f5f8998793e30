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
    ];

    public static readonly string[] CompellingGrounds = ["medical-emergency", "imminent-threat", "trafficking-victim", "other"];

    private static readonly OffsetDateTimePattern Rfc3339 = OffsetDateTimePattern.Rfc3339;
    private static readonly OffsetDateTimePattern ExtendedIso = OffsetDateTimePattern.ExtendedIso;

    /// <summary>Each check returns the problem with a value, or null when it is valid.</summary>
    public static string? Id(string value) =>
        value.Length is 0 or > 200 ? "must be 1 to 200 characters" : value.Any(char.IsControl) ? "must not contain control characters" : null;

    public static string? EnteredAt(string value, out OffsetDateTime instant)
    {
        var result = Rfc3339.Parse(value);
        if (!result.Success)
        {
            result = ExtendedIso.Parse(value);
        }

        instant = result.Success ? result.Value : default;
        return result.Success ? null : $"'{Shorten(value)}' is not an ISO-8601 instant with offset, e.g. 2024-06-05T00:01:00-04:00";
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
