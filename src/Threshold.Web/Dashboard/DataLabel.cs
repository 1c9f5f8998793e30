namespace Threshold.Web.Dashboard;

/// <summary>
/// What the numbers in a dashboard view (and in every file downloaded from it) rest on, in one upper-case word and a
/// sentence. Every download carries it on its first line, so a table that leaves the page still says whether it is
/// modeled, real or law.
/// </summary>
/// <param name="Name">The label itself, e.g. <c>MODELED</c>.</param>
/// <param name="Meaning">One sentence for a reader.</param>
public sealed record DataLabel(string Name, string Meaning)
{
    /// <summary>Computed from the bundled daily series, which is synthesised from monthly totals.</summary>
    public static readonly DataLabel Modeled = new("MODELED", "computed from a daily encounter series synthesised from monthly totals (data/modeled), not an official daily count");

    /// <summary>Simulated futures of the scenario simulator.</summary>
    public static readonly DataLabel ModeledFutures = new("MODELED", "simulated futures of the scenario simulator, calibrated to real monthly data; not observed data and not a forecast");

    /// <summary>Computed from a stored series whose source does not say it is modeled.</summary>
    public static readonly DataLabel Supplied = new("SUPPLIED", "computed from an encounter series as imported into this record; its source does not mark it modeled, and Threshold has not checked it");

    /// <summary>The published monthly figures as recorded.</summary>
    public static readonly DataLabel Real = new("REAL", "published CBP and OHSS monthly figures as recorded by store import-monthly; not modeled");

    /// <summary>The law files only: dated, cited events and rules.</summary>
    public static readonly DataLabel Law = new("LAW", "the law files' dated, cited events and rules, each with its verification mark; no encounter data");

    /// <summary>What this server's record holds: entries and allocations as stored.</summary>
    public static readonly DataLabel Record = new("RECORD", "entries of this server's record as stored; no modeled data");

    /// <summary>The label of a view computed from an encounter series.</summary>
    public static DataLabel ForSeries(bool modeled) => modeled ? Modeled : Supplied;
}
