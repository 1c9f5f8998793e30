using System.Collections.Concurrent;

namespace Threshold.Law;

/// <summary>The instruments shipped with Threshold (law/policies/*.yaml, embedded at build time), parsed once and cached.</summary>
public static class BuiltInPolicies
{
    private const string Prefix = "law/policies/";
    private static readonly ConcurrentDictionary<string, PolicyDocument> Cache = new(StringComparer.Ordinal);

    /// <summary>Ids of every built-in policy, in a stable order.</summary>
    public static IReadOnlyList<string> Ids { get; } = typeof(BuiltInPolicies).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".yaml", StringComparison.Ordinal))
        .Select(n => n[Prefix.Length..^".yaml".Length])
        .Order(StringComparer.Ordinal)
        .ToArray();

    public static bool Exists(string id) => Ids.Contains(id, StringComparer.Ordinal);

    /// <summary>Loads a built-in by id; throws <see cref="KeyNotFoundException"/> naming the known ids otherwise.</summary>
    public static PolicyDocument Get(string id) => Cache.GetOrAdd(id, static key =>
    {
        var name = Prefix + key + ".yaml";
        using var stream = typeof(BuiltInPolicies).Assembly.GetManifestResourceStream(name)
            ?? throw new KeyNotFoundException($"no built-in policy '{key}'; built-ins are: {string.Join(", ", Ids)}");
        using var reader = new StreamReader(stream);
        var document = PolicyYamlReader.Read(reader.ReadToEnd(), name);
        if (document.Id != key)
        {
            throw new LawFileException(name, 1, $"id '{document.Id}' does not match the file name '{key}'");
        }

        return document;
    });

    public static IReadOnlyList<PolicyDocument> All() => Ids.Select(Get).ToArray();
}
