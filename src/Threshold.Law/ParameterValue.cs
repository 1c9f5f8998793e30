using System.Globalization;

namespace Threshold.Law;

/// <summary>The type a policy parameter holds. Numbers are exact decimals: thresholds are compared without rounding.</summary>
public enum ParameterType
{
    Number,
    Boolean,
    Text,
}

/// <summary>An immutable parameter value: an exact decimal, a boolean, or a short text token.</summary>
public readonly record struct ParameterValue
{
    private ParameterValue(ParameterType type, decimal number, bool flag, string? text)
    {
        Type = type;
        Number = number;
        Flag = flag;
        Text = text;
    }

    public ParameterType Type { get; }

    public decimal Number { get; }

    public bool Flag { get; }

    public string? Text { get; }

    public static ParameterValue Of(decimal number) => new(ParameterType.Number, number, false, null);

    public static ParameterValue Of(bool flag) => new(ParameterType.Boolean, 0, flag, null);

    public static ParameterValue Of(string text) => new(ParameterType.Text, 0, false, text);

    /// <summary>Parses <paramref name="raw"/> as a value of <paramref name="type"/>; returns an error text or null.</summary>
    public static string? TryParse(ParameterType type, string raw, out ParameterValue value)
    {
        value = default;
        switch (type)
        {
            case ParameterType.Number:
                if (decimal.TryParse(raw, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n))
                {
                    value = Of(n);
                    return null;
                }

                return $"'{raw}' is not a number";
            case ParameterType.Boolean:
                if (raw is "true" or "false")
                {
                    value = Of(raw == "true");
                    return null;
                }

                return $"'{raw}' is not true or false";
            case ParameterType.Text:
                if (raw.Length is > 0 and <= 200)
                {
                    value = Of(raw);
                    return null;
                }

                return "text value must be 1 to 200 characters";
            default:
                throw new ArgumentOutOfRangeException(nameof(type));
        }
    }

    public override string ToString() => Type switch
    {
        ParameterType.Number => Number.ToString(CultureInfo.InvariantCulture),
        ParameterType.Boolean => Flag ? "true" : "false",
        _ => Text ?? string.Empty,
    };
}
