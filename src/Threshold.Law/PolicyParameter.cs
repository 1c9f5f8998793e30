using NodaTime;

namespace Threshold.Law;

/// <summary>One value of a parameter, in force from <paramref name="From"/> (inclusive) until the next value's date.</summary>
/// <param name="From">First calendar day (inclusive) on which the value applies.</param>
/// <param name="Value">The value.</param>
/// <param name="Citation">The text that sets this value, with its verification status.</param>
/// <param name="Note">Optional remark, e.g. why an assumption was chosen.</param>
public sealed record DatedValue(LocalDate From, ParameterValue Value, Citation Citation, string? Note);

/// <summary>
/// A dated, cited policy parameter in the style of OpenFisca parameters: a name, what it means,
/// and a list of values each with the date it starts, its citation and its verification status.
/// </summary>
public sealed class PolicyParameter
{
    public PolicyParameter(string name, string description, string unit, ParameterType type, IReadOnlyList<DatedValue> values)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (values.Count == 0)
        {
            throw new ArgumentException($"parameter {name} has no values", nameof(values));
        }

        Name = name;
        Description = description;
        Unit = unit;
        Type = type;
        Values = values.OrderBy(v => v.From).ToArray();
    }

    public string Name { get; }

    public string Description { get; }

    public string Unit { get; }

    public ParameterType Type { get; }

    /// <summary>Values in ascending order of <see cref="DatedValue.From"/>.</summary>
    public IReadOnlyList<DatedValue> Values { get; }

    /// <summary>
    /// The value in force on <paramref name="date"/>. Before the first dated value the first value applies:
    /// a policy's earliest rule also governs counts that precede its in-force date (they can sit in a window).
    /// </summary>
    public DatedValue On(LocalDate date)
    {
        var result = Values[0];
        foreach (var v in Values)
        {
            if (v.From <= date)
            {
                result = v;
            }
            else
            {
                break;
            }
        }

        return result;
    }

    /// <summary>Returns a copy with <paramref name="replacement"/> applied from <paramref name="from"/> (inclusive) onwards.</summary>
    public PolicyParameter WithValueFrom(LocalDate? from, ParameterValue replacement, Citation citation, string note)
    {
        var kept = new List<DatedValue>();
        foreach (var v in Values)
        {
            if (from is null || v.From >= from.Value)
            {
                continue;
            }

            kept.Add(v);
        }

        var start = from ?? Values[0].From;
        kept.Add(new DatedValue(start, replacement, citation, note));
        // Values dated after an overlay start are superseded by it: the overlay applies to the end of time.
        return new PolicyParameter(Name, Description, Unit, Type, kept);
    }
}
