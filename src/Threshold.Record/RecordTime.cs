using System.Globalization;
using NodaTime;
using NodaTime.Text;

namespace Threshold.Record;

/// <summary>
/// The text forms of instants and dates in the record. Instants are UTC with exactly six fractional digits
/// (microseconds, the precision PostgreSQL keeps), so their text sorts in time order and round-trips exactly.
/// </summary>
public static class RecordTime
{
    private static readonly InstantPattern InstantText = InstantPattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'ss'.'ffffff'Z'");

    /// <summary>Ticks (100 ns) in one microsecond.</summary>
    private const long TicksPerMicrosecond = 10;

    /// <summary>The instant truncated to whole microseconds, as the record stores it.</summary>
    public static Instant Normalise(Instant instant)
    {
        var ticks = instant.ToUnixTimeTicks();
        var remainder = ((ticks % TicksPerMicrosecond) + TicksPerMicrosecond) % TicksPerMicrosecond;
        return Instant.FromUnixTimeTicks(ticks - remainder);
    }

    public static string Format(Instant instant) => InstantText.Format(Normalise(instant));

    public static Instant ParseInstant(string text) => InstantText.Parse(text).GetValueOrThrow();

    public static string Format(LocalDate date) => LocalDatePattern.Iso.Format(date);

    public static LocalDate ParseDate(string text) => LocalDatePattern.Iso.Parse(text).GetValueOrThrow();

    internal static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
