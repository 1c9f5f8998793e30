namespace Threshold.Law;

/// <summary>
/// Where a rule comes from: the instrument, the section and, where published, the Federal Register page,
/// with the verification status of that reading.
/// </summary>
/// <param name="Instrument">e.g. "Proclamation 10773".</param>
/// <param name="Section">e.g. "§2(a)"; empty when the whole instrument is meant.</param>
/// <param name="FederalRegister">e.g. "89 FR 48487"; null for bills and reports that were never published there.</param>
/// <param name="Status">Verification status of this reading of the source.</param>
/// <param name="Source">Spec source id or other pointer, e.g. "LEGAL-SPEC §4.4 (B3)"; null when the instrument suffices.</param>
public sealed record Citation(string Instrument, string Section, string? FederalRegister, VerificationStatus Status, string? Source = null)
{
    /// <summary>Human-readable form, e.g. "Proclamation 10773 §2(a), 89 FR 48487 [V]".</summary>
    public string Text
    {
        get
        {
            var text = Section.Length == 0 ? Instrument : $"{Instrument} {Section}";
            if (FederalRegister is not null)
            {
                text += $", {FederalRegister}";
            }

            if (Source is not null)
            {
                text += $" ({Source})";
            }

            return $"{text} [{Status.Code()}]";
        }
    }

    public override string ToString() => Text;
}
