namespace Threshold.Law;

/// <summary>
/// How far a rule or number has been checked against the law, as marked in LEGAL-SPEC.md.
/// Every parameter value and every citation carries one, and every output repeats it, so a
/// reader can always tell law from report.
/// </summary>
public enum VerificationStatus
{
    /// <summary>[V] The primary text was read.</summary>
    Verified,

    /// <summary>[V-off] An official secondary source (White House, DHS, CBP, CRS) says it; the operative text was not seen.</summary>
    VerifiedOfficial,

    /// <summary>[S] Only a non-official secondary source (press, advocacy) says it: reported, not law.</summary>
    Secondary,

    /// <summary>[U] Not confirmed against any primary or official text, or an assumption of this engine.</summary>
    Unverified,
}

/// <summary>Codes and descriptions of <see cref="VerificationStatus"/> as printed in the spec.</summary>
public static class VerificationStatusCodes
{
    public static string Code(this VerificationStatus status) => status switch
    {
        VerificationStatus.Verified => "V",
        VerificationStatus.VerifiedOfficial => "V-off",
        VerificationStatus.Secondary => "S",
        VerificationStatus.Unverified => "U",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static string Meaning(this VerificationStatus status) => status switch
    {
        VerificationStatus.Verified => "verified against the primary text",
        VerificationStatus.VerifiedOfficial => "official summary; operative text not seen",
        VerificationStatus.Secondary => "press or secondary report; not confirmed as law",
        VerificationStatus.Unverified => "UNVERIFIED or an engine assumption",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static bool TryParse(string code, out VerificationStatus status)
    {
        switch (code)
        {
            case "V": status = VerificationStatus.Verified; return true;
            case "V-off": status = VerificationStatus.VerifiedOfficial; return true;
            case "S": status = VerificationStatus.Secondary; return true;
            case "U": status = VerificationStatus.Unverified; return true;
            default: status = default; return false;
        }
    }

    /// <summary>The weakest of two statuses: a conclusion is only as verified as its weakest premise.</summary>
    public static VerificationStatus Weakest(VerificationStatus a, VerificationStatus b) => (VerificationStatus)Math.Max((int)a, (int)b);
}
