namespace Threshold.Cli;

/// <summary>Process exit codes of ./threshold (documented in README.md).</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>Unexpected internal failure (a bug): the message and stack go to stderr.</summary>
    public const int InternalError = 1;

    /// <summary>Bad input or usage: one message on stderr naming the file, line or option, and nothing on stdout.</summary>
    public const int BadInput = 2;

    /// <summary>The audit chain does not verify: stderr names the first entry that fails.</summary>
    public const int VerificationFailed = 3;

    /// <summary>
    /// The record's storage failed, not the input: the disk is full, the data directory is read-only or missing, or the
    /// database cannot be reached. stderr names the record and the problem; nothing half-written was stored, and the
    /// same command succeeds once the fault is cleared. Also a damaged SQLite file (nothing further is written; it
    /// clears only by restoring a backup) and a <c>db restore</c> while a server holds the record.
    /// </summary>
    public const int RecordUnavailable = 4;

    /// <summary>
    /// A case id is already in the record for a different case (<c>screen --record</c>): stderr names the file, the line
    /// and the id; nothing of the input was stored. The same case again is skipped, not a conflict. Also a record whose
    /// returns ledger was written under another arrangement set (both digests named; nothing stored).
    /// </summary>
    public const int CaseIdConflict = 5;
}
