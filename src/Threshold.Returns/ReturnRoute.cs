namespace Threshold.Returns;

/// <summary>Which of the returns rules takes a removal (see <see cref="ReturnRoute"/>).</summary>
internal enum RouteKind : byte
{
    /// <summary>An unaccompanied child: the country of citizenship, never under an arrangement or against a cap.</summary>
    UnaccompaniedChild,

    /// <summary>A Mexican national: Mexico, outside any arrangement and any cap.</summary>
    MexicanNational,

    /// <summary>An arrangement takes the nationality on the Eastern date: its destination, unless its monthly cap is used up.</summary>
    Arrangement,

    /// <summary>No rule above: the country of citizenship.</summary>
    Citizenship,
}

/// <summary>
/// The returns rule, decided here and nowhere else. <see cref="ArrangementSet.Route"/> says which rule takes a kind of
/// removal on an Eastern date (before any cap), and <see cref="Admitted"/> how many of them an arrangement's monthly cap
/// still takes (the rest overflow to the country of citizenship). <see cref="ReturnsLedger.Allocate"/>, the batch plan
/// (<see cref="ReturnBatchPlan"/>) and the record (through a <see cref="ReturnsLedger.Continuing"/> ledger inside its
/// write transaction) all ask these two; none restates them.
/// </summary>
/// <param name="Kind">The rule that takes the removal.</param>
/// <param name="Arrangement">With <see cref="RouteKind.Arrangement"/>, the index in <see cref="ArrangementSet.Arrangements"/>; else −1.</param>
internal readonly record struct ReturnRoute(RouteKind Kind, int Arrangement)
{
    public static ReturnRoute UnaccompaniedChild => new(RouteKind.UnaccompaniedChild, -1);

    public static ReturnRoute MexicanNational => new(RouteKind.MexicanNational, -1);

    public static ReturnRoute Citizenship => new(RouteKind.Citizenship, -1);

    /// <summary>
    /// Where a person of <paramref name="nationality"/> (a <see cref="NationalityCode"/> index) goes on a route other
    /// than an arrangement: Mexico for a Mexican national, else the country of citizenship (for a Mexican child, Mexico).
    /// </summary>
    public int DestinationOutsideArrangement(int nationality) => Kind == RouteKind.MexicanNational ? NationalityCode.MexicoIndex : nationality;

    /// <summary>
    /// Of <paramref name="count"/> people under an arrangement with a monthly <paramref name="cap"/> (−1: none), of which
    /// <paramref name="used"/> places are already taken in the Eastern month, how many it takes: all when uncapped, else
    /// as many as remain. The rest overflow. In call order, so with a cap of 30,000 the 30,000th person of a month is
    /// taken and the 30,001st overflows.
    /// </summary>
    public static long Admitted(int cap, long used, long count) => cap < 0 ? count : Math.Min(count, Math.Max(0, cap - used));
}
