using System.Collections.Concurrent;
using NodaTime;

namespace Threshold.Returns;

/// <summary>
/// The arrangements in force for a run: the built-in law/arrangements/*.yaml plus any files of the user's own, with
/// the rules (unaccompanied children, Mexican nationals, citizenship) and, for each nationality and Eastern date, the
/// single arrangement that applies. Immutable and safe to share between threads and ledgers.
/// </summary>
/// <remarks>
/// Loading is strict: arrangement ids must be unique across files, only one file may define the rules, and two
/// arrangements that would take the same nationality on the same date with the same priority are an
/// <see cref="ArrangementFileException"/> naming both ids (the file and line of the later-loaded one). A user file
/// overrides a built-in arrangement on overlapping dates only by declaring a higher <c>priority</c>.
/// </remarks>
public sealed class ArrangementSet
{
    private static readonly Lazy<ArrangementSet> BuiltInSet = new(() => FromDocuments(BuiltInArrangements.Documents));

    private readonly ArrangementTimeline timeline;

    private ArrangementSet(IReadOnlyList<ArrangementDocument> documents, IReadOnlyList<Arrangement> arrangements, ReturnRules rules, ArrangementTimeline timeline)
    {
        Documents = documents;
        Arrangements = arrangements;
        Rules = rules;
        this.timeline = timeline;
    }

    /// <summary>The built-in arrangements only (law/arrangements/*.yaml, embedded at build time).</summary>
    public static ArrangementSet BuiltIn => BuiltInSet.Value;

    /// <summary>Every loaded file, built-ins first, in load order.</summary>
    public IReadOnlyList<ArrangementDocument> Documents { get; }

    /// <summary>Every arrangement of every loaded file, in load order.</summary>
    public IReadOnlyList<Arrangement> Arrangements { get; }

    /// <summary>The rules outside the arrangements, from the one file that defines them.</summary>
    public ReturnRules Rules { get; }

    /// <summary>
    /// Lower-hex SHA-256 of what decides an allocation: every arrangement's id, dates, nationalities, cap, priority and
    /// destination, in load order (titles, notes and citations do not change where anyone goes). Two processes writing
    /// one ledger must agree on it, or the same cap is counted under two sets of rules.
    /// </summary>
    public string AllocationSha256 => allocationSha256 ??= ComputeAllocationSha256();

    private string? allocationSha256;

    private string ComputeAllocationSha256()
    {
        var text = new System.Text.StringBuilder();
        foreach (var a in Arrangements)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{a.Id}\t{a.From:yyyy-MM-dd}\t{a.To?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "open"}\t")
                .Append(a.AnyNationality ? "any" : string.Join(",", a.Nationalities.Order(StringComparer.Ordinal)))
                .Append(System.Globalization.CultureInfo.InvariantCulture, $"\t{a.MonthlyCap?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}\t{a.Priority}\t{a.Destination}\n");
        }

        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>The built-ins plus the user's arrangement files (read with <see cref="ArrangementYamlReader.ReadFile"/>), in order.</summary>
    public static ArrangementSet Load(IEnumerable<string> extraFiles)
    {
        ArgumentNullException.ThrowIfNull(extraFiles);
        return FromDocuments([.. BuiltInArrangements.Documents, .. extraFiles.Select(ArrangementYamlReader.ReadFile)]);
    }

    /// <summary>The built-ins plus documents already read (e.g. with <see cref="ArrangementYamlReader.Read"/>), in order.</summary>
    public static ArrangementSet WithBuiltIns(params IEnumerable<ArrangementDocument> extra)
    {
        ArgumentNullException.ThrowIfNull(extra);
        return FromDocuments([.. BuiltInArrangements.Documents, .. extra]);
    }

    /// <summary>Exactly these documents, in order; one of them must define the rules.</summary>
    public static ArrangementSet FromDocuments(IEnumerable<ArrangementDocument> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var docs = documents.ToArray();
        if (docs.Length == 0)
        {
            throw new ArgumentException("at least one arrangement document is needed", nameof(documents));
        }

        var docIds = new Dictionary<string, ArrangementDocument>(StringComparer.Ordinal);
        var ids = new Dictionary<string, Arrangement>(StringComparer.Ordinal);
        var arrangements = new List<Arrangement>();
        ArrangementDocument? rulesFrom = null;
        foreach (var doc in docs)
        {
            ArgumentNullException.ThrowIfNull(doc);
            if (!docIds.TryAdd(doc.Id, doc))
            {
                throw new ArrangementFileException(doc.SourceName, 0, $"file id '{doc.Id}' is already used by {docIds[doc.Id].SourceName}");
            }

            if (doc.Rules is not null)
            {
                if (rulesFrom is not null)
                {
                    throw new ArrangementFileException(doc.SourceName, 0, $"'rules' are already defined in {rulesFrom.SourceName}; only one loaded file may define them (a file of your own adds arrangements only)");
                }

                rulesFrom = doc;
            }

            foreach (var a in doc.Arrangements)
            {
                if (!ids.TryAdd(a.Id, a))
                {
                    throw new ArrangementFileException(a.SourceName, a.Line, $"arrangement id '{a.Id}' is already defined in {ids[a.Id].SourceName}:{ids[a.Id].Line}");
                }

                arrangements.Add(a);
            }
        }

        if (rulesFrom?.Rules is not { } rules)
        {
            throw new ArrangementFileException(docs[0].SourceName, 0, "no loaded file defines the 'rules' (unaccompanied_children, mexican_nationals, citizenship)");
        }

        return new ArrangementSet(docs, arrangements, rules, ArrangementTimeline.Build(arrangements));
    }

    /// <summary>
    /// The arrangement that takes nationals of <paramref name="nationality"/> (alpha-2) encountered on this Eastern
    /// calendar date (from/to inclusive, priorities applied), or null when none does.
    /// </summary>
    public Arrangement? Applicable(string nationality, LocalDate easternDate)
    {
        var nat = NationalityCode.Index(nationality);
        if (nat < 0)
        {
            throw new ArgumentException($"nationality '{nationality}' is not an ISO 3166-1 alpha-2 code (two upper-case letters)", nameof(nationality));
        }

        var a = timeline.Find(nat, easternDate);
        return a < 0 ? null : Arrangements[a];
    }

    /// <summary>
    /// The returns rules, in their order, for removals of <paramref name="nationality"/> (a <see cref="NationalityCode"/>
    /// index) on the Eastern day <paramref name="dayKey"/> (<see cref="ArrangementTimeline.DayKey"/>), before any cap:
    /// an unaccompanied child goes to the country of citizenship, never under an arrangement (a Mexican child to Mexico
    /// as that country); a Mexican national to Mexico outside any arrangement; a nationality an arrangement takes that
    /// day goes under it; anyone else to the country of citizenship. Narrows [<paramref name="from"/>,
    /// <paramref name="to"/>] (day keys, inclusive) to the days around <paramref name="dayKey"/> with the same answer.
    /// </summary>
    /// <remarks>The only statement of this order; see <see cref="ReturnRoute"/> for who asks it.</remarks>
    internal ReturnRoute Route(int nationality, bool unaccompaniedChild, int dayKey, ref int from, ref int to)
    {
        if (unaccompaniedChild)
        {
            return ReturnRoute.UnaccompaniedChild;
        }

        if (nationality == NationalityCode.MexicoIndex)
        {
            return ReturnRoute.MexicanNational;
        }

        var a = timeline.Find(nationality, dayKey, ref from, ref to);
        return a >= 0 ? new ReturnRoute(RouteKind.Arrangement, a) : ReturnRoute.Citizenship;
    }
}

/// <summary>The arrangement files shipped with Threshold (law/arrangements/*.yaml, embedded at build time), parsed once.</summary>
public static class BuiltInArrangements
{
    private const string Prefix = "law/arrangements/";
    private static readonly ConcurrentDictionary<string, ArrangementDocument> Cache = new(StringComparer.Ordinal);

    /// <summary>Resource names of the built-in files, e.g. "law/arrangements/mexico-returns.yaml", in a stable order.</summary>
    public static IReadOnlyList<string> ResourceNames { get; } = typeof(BuiltInArrangements).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".yaml", StringComparison.Ordinal))
        .Order(StringComparer.Ordinal)
        .ToArray();

    /// <summary>Every built-in file, parsed (and cached).</summary>
    public static IReadOnlyList<ArrangementDocument> Documents => ResourceNames.Select(Get).ToArray();

    private static ArrangementDocument Get(string resourceName) => Cache.GetOrAdd(resourceName, static name =>
    {
        using var stream = typeof(BuiltInArrangements).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded resource {name} is missing");
        using var reader = new StreamReader(stream);
        var document = ArrangementYamlReader.Read(reader.ReadToEnd(), name);
        var expected = name[Prefix.Length..^".yaml".Length];
        return document.Id == expected
            ? document
            : throw new ArrangementFileException(name, 1, $"id '{document.Id}' does not match the file name '{expected}'");
    });
}
