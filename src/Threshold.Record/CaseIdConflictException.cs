namespace Threshold.Record;

/// <summary>
/// A case arrived under an id the record already holds for a different case. Case ids are a key: the same case again
/// (identical input JSON) is skipped so that a rerun resumes, but a different case under a stored id is refused before
/// anything of its run is written, since storing it would give one id two decisions and two places under a cap. The
/// CLI exits 5, the web API answers 409.
/// </summary>
public sealed class CaseIdConflictException : Exception
{
    public CaseIdConflictException(string source, long line, string caseId)
        : base($"{source}:{line}: case id '{caseId}' is already in the record for a different case: a stored id cannot be reused for another case (the same case again is skipped); nothing of this input was stored")
    {
        Source = source;
        Line = line;
        CaseId = caseId;
    }

    public CaseIdConflictException()
    {
        Source = string.Empty;
        CaseId = string.Empty;
    }

    public CaseIdConflictException(string message)
        : base(message)
    {
        Source = string.Empty;
        CaseId = string.Empty;
    }

    public CaseIdConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
        Source = string.Empty;
        CaseId = string.Empty;
    }

    /// <summary>The file or request body the case came from.</summary>
    public new string Source { get; }

    /// <summary>The 1-based line of the conflicting case.</summary>
    public long Line { get; }

    /// <summary>The id the record already holds for another case.</summary>
    public string CaseId { get; }
}
