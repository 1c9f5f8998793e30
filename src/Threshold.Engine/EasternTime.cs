using NodaTime;

namespace Threshold.Engine;

/// <summary>
/// Legal instants of the instruments: 12:01 a.m. Eastern in the IANA zone America/New_York, so EDT (−04:00) or EST
/// (−05:00) as the date falls. 00:01 always exists (DST changes happen at 02:00), so the mapping is unambiguous.
/// </summary>
public static class EasternTime
{
    public static readonly DateTimeZone Zone = DateTimeZoneProviders.Tzdb["America/New_York"];

    /// <summary>The time of day at which proclamation transitions take effect (10773 §§1, 2(a), 2(b)).</summary>
    public static readonly LocalTime TransitionTime = new(0, 1);

    public static ZonedDateTime TransitionInstant(LocalDate date) => date.At(TransitionTime).InZoneStrictly(Zone);

    /// <summary>The Eastern calendar date of an instant.</summary>
    public static LocalDate DateOf(Instant instant) => instant.InZone(Zone).Date;
}
