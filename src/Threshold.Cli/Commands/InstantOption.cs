using NodaTime;
using NodaTime.Text;

namespace Threshold.Cli.Commands;

/// <summary>
/// Reads an instant given as an option (<c>--as-known-on</c>, <c>--as-of</c>): ISO-8601 in UTC or with an offset. An
/// offset can carry a calendar instant out of range once converted (<c>9999-12-31T23:59:59-05:00</c> is 10000-01-01
/// in UTC): that is a usage error naming the option, not NodaTime's <see cref="OverflowException"/>.
/// </summary>
internal static class InstantOption
{
    public static Instant Parse(string option, string text)
    {
        var result = InstantPattern.ExtendedIso.Parse(text);
        if (result.Success)
        {
            return result.Value;
        }

        var offset = OffsetDateTimePattern.ExtendedIso.Parse(text);
        if (!offset.Success)
        {
            throw new UsageException($"{option} {text}: not an ISO-8601 instant, e.g. 2024-08-01T12:00:00Z or 2024-08-01T08:00:00-04:00");
        }

        try
        {
            return offset.Value.ToInstant();
        }
        catch (OverflowException)
        {
            throw new UsageException($"{option} {text}: outside the instants that can be held once converted to UTC ({Instant.MinValue} to {Instant.MaxValue})");
        }
    }
}
