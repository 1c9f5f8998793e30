using Threshold.Screening;

namespace Threshold.Population;

/// <summary>The family status of an encounter, as OHSS and CBP publish it (not a field of the case contract).</summary>
public enum FamilyStatus : byte
{
    /// <summary>KHSM "Single Adults"; CBP "Single Adults".</summary>
    SingleAdult,

    /// <summary>KHSM "Unaccompanied Children"; CBP "UAC". Always a case with <c>unaccompaniedChild</c> true.</summary>
    UnaccompaniedChild,

    /// <summary>KHSM "Family Unit Individuals"; CBP "FMUA" and "Accompanied Minors".</summary>
    FamilyUnitIndividual,
}

/// <summary>One SYNTHETIC case with the family status it was drawn with (the contract has no field for it).</summary>
public readonly record struct SyntheticCase(ScreeningCase Case, FamilyStatus FamilyStatus);

/// <summary>The output formats of a synthetic population.</summary>
public enum CaseFormat
{
    /// <summary>One compact JSON object a line, byte for byte what <see cref="CaseJsonReader.Write(ScreeningCase)"/> gives.</summary>
    JsonLines,

    /// <summary>A header row of contract field names, then one row a case (booleans true/false, absent strings empty).</summary>
    Csv,
}
