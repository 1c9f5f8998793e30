using NodaTime;
using NodaTime.Text;

namespace Threshold.Returns;

/// <summary>
/// For each nationality, the Eastern-date segments on which exactly one arrangement applies, after priorities.
/// Built once; a lookup is a short scan of a nationality's few segments. Where two arrangements would take the same
/// nationality on the same date with the same (highest) priority, building fails with an error naming both ids:
/// conflicting rules are never resolved by order.
/// </summary>
internal sealed class ArrangementTimeline
{
    private readonly Segment[]?[] byNationality;

    private ArrangementTimeline(Segment[]?[] byNationality) => this.byNationality = byNationality;

    public static ArrangementTimeline Build(IReadOnlyList<Arrangement> arrangements)
    {
        var table = new Segment[]?[NationalityCode.Count];
        var candidatesByNationality = new List<int>?[NationalityCode.Count];
        for (var a = 0; a < arrangements.Count; a++)
        {
            var arrangement = arrangements[a];
            var taken = arrangement.AnyNationality
                ? Enumerable.Range(0, NationalityCode.Count).Where(n => arrangement.Takes(NationalityCode.Code(n)))
                : arrangement.Nationalities.Select(NationalityCode.Index);
            foreach (var nat in taken)
            {
                (candidatesByNationality[nat] ??= []).Add(a);
            }
        }

        for (var nat = 0; nat < NationalityCode.Count; nat++)
        {
            if (candidatesByNationality[nat] is { } candidates)
            {
                table[nat] = Segments(arrangements, candidates, nat);
            }
        }

        return new ArrangementTimeline(table);
    }

    /// <summary>Index (into the list given to <see cref="Build"/>) of the arrangement taking this nationality on this date, or -1.</summary>
    public int Find(int nationality, LocalDate easternDate) => Find(nationality, DayKey(easternDate));

    /// <summary><see cref="Find(int, LocalDate)"/> for a date already turned into a <see cref="DayKey"/>.</summary>
    public int Find(int nationality, int dayKey)
    {
        int from = int.MinValue, to = int.MaxValue;
        return Find(nationality, dayKey, ref from, ref to);
    }

    /// <summary>
    /// <see cref="Find(int, int)"/>, narrowing [<paramref name="from"/>, <paramref name="to"/>] (day keys, inclusive) to
    /// the days around <paramref name="dayKey"/> on which the answer for this nationality is the same.
    /// </summary>
    public int Find(int nationality, int dayKey, ref int from, ref int to)
    {
        if (byNationality[nationality] is not { } segments)
        {
            return -1;
        }

        // The first day of the gap before the next segment: the day after the previous segment's end.
        var gapFrom = int.MinValue;
        foreach (var s in segments)
        {
            if (dayKey < s.From)
            {
                (from, to) = (Math.Max(from, gapFrom), Math.Min(to, s.From - 1));
                return -1;
            }

            if (dayKey <= s.To)
            {
                (from, to) = (Math.Max(from, s.From), Math.Min(to, s.To));
                return s.Arrangement;
            }

            gapFrom = s.To + 1;
        }

        from = Math.Max(from, gapFrom);
        return -1;
    }

    /// <summary>
    /// An ISO date as an integer in date order (year × 512 + month × 32 + day), so a lookup compares integers, not dates.
    /// Other calendars are refused, as comparing them with the arrangements' ISO dates would be.
    /// </summary>
    public static int DayKey(LocalDate date) => date.Calendar == CalendarSystem.Iso
        ? (date.Year * 512) + (date.Month * 32) + date.Day
        : throw NotIso(date);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static ArgumentException NotIso(LocalDate date) => new($"{date} is not an ISO calendar date; arrangement dates are ISO", nameof(date));

    private static Segment[] Segments(IReadOnlyList<Arrangement> arrangements, List<int> candidates, int nat)
    {
        // Elementary intervals between every start and every day after an end.
        var boundaries = new SortedSet<LocalDate>();
        foreach (var a in candidates)
        {
            boundaries.Add(arrangements[a].From);
            if (arrangements[a].To is { } to && to < LocalDate.MaxIsoValue)
            {
                boundaries.Add(to.PlusDays(1));
            }
        }

        var starts = boundaries.ToArray();
        var segments = new List<(LocalDate From, LocalDate To, int Arrangement)>();
        for (var i = 0; i < starts.Length; i++)
        {
            var from = starts[i];
            var to = i + 1 < starts.Length ? starts[i + 1].PlusDays(-1) : LocalDate.MaxIsoValue;
            var winner = -1;
            foreach (var a in candidates)
            {
                if (arrangements[a].AppliesOn(from) && (winner < 0 || arrangements[a].Priority > arrangements[winner].Priority))
                {
                    winner = a;
                }
            }

            // Only a tie at the top is a conflict; arrangements outranked on this date do not matter here.
            foreach (var a in candidates)
            {
                if (a != winner && winner >= 0 && arrangements[a].AppliesOn(from) && arrangements[a].Priority == arrangements[winner].Priority)
                {
                    throw Conflict(arrangements[Math.Min(a, winner)], arrangements[Math.Max(a, winner)], NationalityCode.Code(nat), from);
                }
            }

            if (winner < 0)
            {
                continue;
            }

            if (segments.Count > 0 && segments[^1].Arrangement == winner && segments[^1].To.PlusDays(1) == from)
            {
                segments[^1] = segments[^1] with { To = to };
            }
            else
            {
                segments.Add((from, to, winner));
            }
        }

        return [.. segments.Select(x => new Segment(DayKey(x.From), DayKey(x.To), x.Arrangement))];
    }

    private static ArrangementFileException Conflict(Arrangement first, Arrangement second, string nationality, LocalDate date) =>
        new(
            second.SourceName,
            second.Line,
            $"arrangements '{first.Id}' ({first.SourceName}:{first.Line}) and '{second.Id}' would both take {nationality} on " +
            $"{LocalDatePattern.Iso.Format(date)} with the same priority {second.Priority}; declare a higher 'priority' on the one that applies " +
            "(conflicting arrangements are never resolved by file order)");

    /// <summary>Inclusive Eastern-date range (as <see cref="DayKey"/>s) on which one arrangement takes a nationality.</summary>
    private readonly record struct Segment(int From, int To, int Arrangement);
}
