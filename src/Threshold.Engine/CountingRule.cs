namespace Threshold.Engine;

/// <summary>
/// Which encounters a policy counts on a day: the sum of the included columns, less the non-contiguous
/// unaccompanied children they contain when the rule excludes them. Immutable; equal rules share one counted array.
/// </summary>
/// <param name="BetweenPorts">Include between_ports (10773 §4(a)(i)).</param>
/// <param name="Coastal">Include coastal (10773 §4(a)(ii)).</param>
/// <param name="PortsOfEntry">Include ports_of_entry (10773 §4(a)(iii)); the proclamation never does.</param>
/// <param name="ExcludeNoncontiguousUc">Subtract the non-contiguous unaccompanied children of the included columns (10773 §2(c)).</param>
public readonly record struct CountingRule(bool BetweenPorts, bool Coastal, bool PortsOfEntry, bool ExcludeNoncontiguousUc)
{
    /// <summary>The columns this rule reads.</summary>
    public IReadOnlyList<EncounterColumn> RequiredColumns
    {
        get
        {
            var list = new List<EncounterColumn>();
            if (BetweenPorts)
            {
                list.Add(EncounterColumn.BetweenPorts);
            }

            if (Coastal)
            {
                list.Add(EncounterColumn.Coastal);
            }

            if (PortsOfEntry)
            {
                list.Add(EncounterColumn.PortsOfEntry);
            }

            if (ExcludeNoncontiguousUc && (BetweenPorts || Coastal))
            {
                list.Add(EncounterColumn.UcNoncontiguousBetweenPorts);
            }

            if (ExcludeNoncontiguousUc && PortsOfEntry)
            {
                list.Add(EncounterColumn.UcNoncontiguousPorts);
            }

            return list;
        }
    }

    /// <summary>Formula in words, e.g. "between_ports + coastal − uc_noncontiguous_between_ports".</summary>
    public string Formula
    {
        get
        {
            var plus = new List<string>();
            var minus = new List<string>();
            foreach (var c in RequiredColumns)
            {
                (c is EncounterColumn.UcNoncontiguousBetweenPorts or EncounterColumn.UcNoncontiguousPorts ? minus : plus).Add(c.HeaderName());
            }

            var text = plus.Count == 0 ? "0" : string.Join(" + ", plus);
            return minus.Count == 0 ? text : text + " − " + string.Join(" − ", minus);
        }
    }

    /// <summary>
    /// Fills <paramref name="counted"/> with the count for each day. Missing days get 0 but are never read: the windows
    /// that touch them are undeterminable.
    /// </summary>
    public void CountInto(EncounterSeries series, Span<int> counted)
    {
        counted.Clear();
        if (BetweenPorts)
        {
            Add(series.Column(EncounterColumn.BetweenPorts), counted, 1);
        }

        if (Coastal)
        {
            Add(series.Column(EncounterColumn.Coastal), counted, 1);
        }

        if (PortsOfEntry)
        {
            Add(series.Column(EncounterColumn.PortsOfEntry), counted, 1);
        }

        if (ExcludeNoncontiguousUc && (BetweenPorts || Coastal))
        {
            Add(series.Column(EncounterColumn.UcNoncontiguousBetweenPorts), counted, -1);
        }

        if (ExcludeNoncontiguousUc && PortsOfEntry)
        {
            Add(series.Column(EncounterColumn.UcNoncontiguousPorts), counted, -1);
        }
    }

    /// <summary>One day's count from its column values (absent columns as 0), by the same formula as <see cref="CountInto"/>.</summary>
    public int Count(int betweenPorts, int coastal, int portsOfEntry, int ucNoncontiguousBetweenPorts, int ucNoncontiguousPorts) =>
        Mask.Count(betweenPorts, coastal, portsOfEntry, ucNoncontiguousBetweenPorts, ucNoncontiguousPorts);

    /// <summary>The formula as one mask per column: all ones where <see cref="RequiredColumns"/> has the column, else zero.</summary>
    internal CountMask Mask => new(
        BetweenPorts ? -1 : 0,
        Coastal ? -1 : 0,
        PortsOfEntry ? -1 : 0,
        ExcludeNoncontiguousUc && (BetweenPorts || Coastal) ? -1 : 0,
        ExcludeNoncontiguousUc && PortsOfEntry ? -1 : 0);

    private static void Add(ReadOnlySpan<int> source, Span<int> target, int sign)
    {
        for (var i = 0; i < target.Length; i++)
        {
            target[i] = checked(target[i] + (sign * source[i]));
        }
    }
}

/// <summary>
/// A <see cref="CountingRule"/> as masks (all ones or zero) on the five columns, so that a day's count takes no branch per
/// column: the included columns added, the excluded children subtracted, in column order, each step checked.
/// </summary>
internal readonly record struct CountMask(int BetweenPorts, int Coastal, int PortsOfEntry, int UcNoncontiguousBetweenPorts, int UcNoncontiguousPorts)
{
    public int Count(int betweenPorts, int coastal, int portsOfEntry, int ucNoncontiguousBetweenPorts, int ucNoncontiguousPorts) =>
        checked((betweenPorts & BetweenPorts) + (coastal & Coastal) + (portsOfEntry & PortsOfEntry) - (ucNoncontiguousBetweenPorts & UcNoncontiguousBetweenPorts) - (ucNoncontiguousPorts & UcNoncontiguousPorts));
}
