using NodaTime;

namespace Threshold.Engine;

/// <summary>The columns of the daily encounter CSV. Names are the header names of the public input contract.</summary>
public enum EncounterColumn
{
    /// <summary><c>between_ports</c>: USBP apprehensions under Proclamation 10773 §4(a)(i), all ages.</summary>
    BetweenPorts,

    /// <summary><c>coastal</c>: apprehensions at the southern coastal borders, §4(a)(ii).</summary>
    Coastal,

    /// <summary><c>ports_of_entry</c>: inadmissibles at southwest land ports of entry, CBP One included, §4(a)(iii).</summary>
    PortsOfEntry,

    /// <summary><c>uc_noncontiguous_between_ports</c>: non-contiguous unaccompanied children contained in between_ports + coastal.</summary>
    UcNoncontiguousBetweenPorts,

    /// <summary><c>uc_noncontiguous_ports</c>: non-contiguous unaccompanied children contained in ports_of_entry.</summary>
    UcNoncontiguousPorts,
}

/// <summary>Header names of <see cref="EncounterColumn"/>.</summary>
public static class EncounterColumns
{
    public const string Date = "date";

    public static readonly IReadOnlyList<EncounterColumn> All = Enum.GetValues<EncounterColumn>();

    public static string HeaderName(this EncounterColumn column) => column switch
    {
        EncounterColumn.BetweenPorts => "between_ports",
        EncounterColumn.Coastal => "coastal",
        EncounterColumn.PortsOfEntry => "ports_of_entry",
        EncounterColumn.UcNoncontiguousBetweenPorts => "uc_noncontiguous_between_ports",
        EncounterColumn.UcNoncontiguousPorts => "uc_noncontiguous_ports",
        _ => throw new ArgumentOutOfRangeException(nameof(column)),
    };
}

/// <summary>
/// An immutable daily series of encounters covering every calendar day from <see cref="Start"/> to <see cref="End"/>
/// inclusive. Columns absent from the source are null. Days absent from the source (only with --allow-gaps) are
/// flagged in <see cref="IsMissing"/> and hold 0 in every column; a missing day is never counted as zero because every
/// window that touches it is undeterminable.
/// </summary>
public sealed class EncounterSeries
{
    private readonly int[]?[] columns;
    private readonly bool[]? missing;

    public EncounterSeries(string sourceName, LocalDate start, int length, IReadOnlyDictionary<EncounterColumn, int[]> columns, bool[]? missing, IReadOnlyList<string> provenance)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        SourceName = sourceName;
        Start = start;
        Length = length;
        this.columns = new int[]?[EncounterColumns.All.Count];
        foreach (var (column, values) in columns)
        {
            if (values.Length != length)
            {
                throw new ArgumentException($"column {column.HeaderName()} has {values.Length} values for {length} days", nameof(columns));
            }

            this.columns[(int)column] = values;
        }

        if (missing is not null && missing.Length != length)
        {
            throw new ArgumentException("missing flags must cover every day", nameof(missing));
        }

        this.missing = missing is not null && missing.Contains(true) ? missing : null;
        Provenance = provenance;
        IsModeled = provenance.Any(p => p.StartsWith("modeled", StringComparison.OrdinalIgnoreCase));
    }

    public string SourceName { get; }

    /// <summary>First day of the series (inclusive).</summary>
    public LocalDate Start { get; }

    /// <summary>Last day of the series (inclusive).</summary>
    public LocalDate End => Start.PlusDays(Length - 1);

    /// <summary>Number of calendar days from <see cref="Start"/> to <see cref="End"/> inclusive.</summary>
    public int Length { get; }

    /// <summary>The "# " comment lines at the top of the file, without the "# " (e.g. "modeled: …").</summary>
    public IReadOnlyList<string> Provenance { get; }

    /// <summary>True when the source says it is synthesised ("# modeled: …"); every output must then say so too.</summary>
    public bool IsModeled { get; }

    /// <summary>1-based line of the header row in the source, for errors about columns.</summary>
    public int HeaderLine { get; init; } = 1;

    public bool HasGaps => missing is not null;

    public bool Has(EncounterColumn column) => columns[(int)column] is not null;

    /// <summary>The values of a column, or an empty span when the column is absent.</summary>
    public ReadOnlySpan<int> Column(EncounterColumn column) => columns[(int)column];

    public bool IsMissing(int dayIndex) => missing is not null && missing[dayIndex];

    public ReadOnlySpan<bool> MissingFlags => missing;

    /// <summary>The missing-day flags, or null when no day is missing.</summary>
    internal bool[]? MissingArray => missing;

    public LocalDate DateAt(int dayIndex) => Start.PlusDays(dayIndex);

    /// <summary>Day index of <paramref name="date"/>, or -1 outside the series.</summary>
    public int IndexOf(LocalDate date)
    {
        var offset = Period.Between(Start, date, PeriodUnits.Days).Days;
        return offset >= 0 && offset < Length ? offset : -1;
    }

    /// <summary>
    /// The count of every day under <paramref name="rule"/>, computed once per rule and cached: the series is immutable,
    /// and replays of one series under several policies (populations, comparisons) share the work.
    /// </summary>
    internal int[] CountedFor(CountingRule rule)
    {
        var cache = countedCache;
        foreach (var (r, values) in cache)
        {
            if (r == rule)
            {
                return values;
            }
        }

        var counted = new int[Length];
        rule.CountInto(this, counted);
        // Copy-on-write keeps lookups lock-free; a race only computes the same array twice.
        countedCache = [.. cache, (rule, counted)];
        return counted;
    }

    private (CountingRule Rule, int[] Values)[] countedCache = [];

    public int? Value(EncounterColumn column, int dayIndex) =>
        columns[(int)column] is { } values && !IsMissing(dayIndex) ? values[dayIndex] : null;
}
