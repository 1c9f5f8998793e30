namespace Threshold.Returns;

/// <summary>ISO 3166-1 alpha-2 codes in form (two upper-case ASCII letters), mapped to a dense index 0..675 for O(1) tables.</summary>
internal static class NationalityCode
{
    public const string Mexico = "MX";

    public const int Count = 26 * 26;

    public static readonly int MexicoIndex = Index(Mexico);

    private static readonly string[] Codes = Enumerable.Range(0, Count)
        .Select(i => string.Concat((char)('A' + (i / 26)), (char)('A' + (i % 26))))
        .ToArray();

    public static bool IsAlpha2(string? code) => code is { Length: 2 } && code[0] is >= 'A' and <= 'Z' && code[1] is >= 'A' and <= 'Z';

    /// <summary>The dense index of a code, or -1 when it is not two upper-case letters.</summary>
    public static int Index(string? code) => IsAlpha2(code) ? ((code![0] - 'A') * 26) + (code[1] - 'A') : -1;

    /// <summary>The canonical (interned) string of an index.</summary>
    public static string Code(int index) => Codes[index];
}
