using System.Security.Cryptography;
using System.Text;

namespace Threshold.Law;

/// <summary>
/// Identifies the exact law files a result was computed with: "sha256:" and the first 16 hex digits of the SHA-256 of
/// every built-in policy's text (in id order). It changes whenever any value, date or citation changes.
/// </summary>
public static class RuleSetVersion
{
    private static readonly Lazy<string> Value = new(Compute);

    public static string Current => Value.Value;

    /// <summary>Version of the engine assembly, as stamped by the build.</summary>
    public static string EngineVersion =>
        typeof(RuleSetVersion).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    private static string Compute()
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var id in BuiltInPolicies.Ids)
        {
            using var stream = typeof(RuleSetVersion).Assembly.GetManifestResourceStream($"law/policies/{id}.yaml")!;
            using var reader = new StreamReader(stream);
            sha.AppendData(Encoding.UTF8.GetBytes(id + "\n" + reader.ReadToEnd().ReplaceLineEndings("\n")));
        }

        return "sha256:" + Convert.ToHexStringLower(sha.GetHashAndReset())[..16];
    }
}
