using System.Collections.Concurrent;

namespace Threshold.Law;

/// <summary>The official records shipped with Threshold (law/determinations/*.yaml, embedded at build time), parsed once and cached.</summary>
public static class BuiltInDeterminations
{
    private const string Prefix = "law/determinations/";
    private static readonly ConcurrentDictionary<string, OfficialDeterminations> Cache = new(StringComparer.Ordinal);

    /// <summary>Policy ids that have an official record, in a stable order.</summary>
    public static IReadOnlyList<string> PolicyIds { get; } = typeof(BuiltInDeterminations).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".yaml", StringComparison.Ordinal))
        .Select(n => n[Prefix.Length..^".yaml".Length])
        .Order(StringComparer.Ordinal)
        .ToArray();

    /// <summary>The official record of <paramref name="policyId"/>, or null when none is shipped (a bill, a reform).</summary>
    public static OfficialDeterminations? For(string policyId) =>
        PolicyIds.Contains(policyId, StringComparer.Ordinal) ? Cache.GetOrAdd(policyId, Load) : null;

    private static OfficialDeterminations Load(string id)
    {
        var name = Prefix + id + ".yaml";
        using var stream = typeof(BuiltInDeterminations).Assembly.GetManifestResourceStream(name)
            ?? throw new KeyNotFoundException($"no built-in determinations file '{name}'");
        using var reader = new StreamReader(stream);
        var record = OfficialDeterminationsReader.Read(reader.ReadToEnd(), name);
        return record.PolicyId == id ? record : throw new LawFileException(name, 1, $"policy '{record.PolicyId}' does not match the file name '{id}'");
    }
}
