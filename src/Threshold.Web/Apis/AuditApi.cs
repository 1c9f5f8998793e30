using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using NodaTime.Text;
using Threshold.Record;
using Threshold.Returns;
using Threshold.Web.Hosting;
using Threshold.Web.Security;

namespace Threshold.Web.Apis;

/// <summary>The tamper-evident log: verify the whole chain, export entries with their hashes and the chain head.</summary>
public static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/audit").WithTags("Audit").RequireAuthorization(Roles.Viewer);
        api.MapGet("/verify", Verify).QueuedAs(HeavyLane.Verify).WithName("VerifyAudit").WithSummary("Check the whole hash chain and every stored fact; names the first entry that fails, and the table and row. from=SEQ:HASH resumes from a verified checkpoint; full=true runs SQLite's integrity_check.");
        api.MapGet("/export", Export).QueuedAs(HeavyLane.Verify).Produces<string>(200, "application/x-ndjson")
            .WithName("ExportAudit").WithSummary("The entries recorded between from and to (inclusive) as JSONL with their hashes, then the verified chain head. Refused (409) when the chain does not verify.");
        return app;
    }

    /// <param name="from">A verified checkpoint <c>SEQ:HASH</c> (an earlier verification's entries and head): check only what came after it.</param>
    /// <param name="full">On SQLite, integrity_check (every page and index) instead of quick_check.</param>
    public static Ok<Stamped<ChainVerificationDto>> Verify(RecordHolder record, ThresholdMetrics metrics, string? from = null, bool full = false)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(metrics);
        var checkpoint = from is null ? null
            : VerifiedCheckpoint.Parse(from) ?? throw new RequestValidationException("from", $"from='{ProblemMapping.Quoted(from)}': not a checkpoint SEQ:HASH (a seq of 1 or more, a colon, 64 lower-case hex digits)");
        var verification = metrics.Verifying(progress => record.Store.Verify(full, checkpoint, progress), v => v.IsValid);
        return TypedResults.Ok(Stamped.Of<ChainVerificationDto>(ChainVerificationDto.From(verification)));
    }

    public static Results<ContentHttpResult, Conflict<ProblemDetails>> Export(string? from, string? to, RecordHolder record, ThresholdMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(metrics);
        var fromInstant = from is null ? Instant.MinValue : ReplayQuery.InstantParameter("from", from);
        var toInstant = to is null ? Instant.MaxValue : ReplayQuery.InstantParameter("to", to);
        ChainVerification? failure = null;
        var lines = metrics.Verifying(progress => ExportLines(record.Store, fromInstant, toInstant, out failure, progress), _ => failure is null);
        return failure is { } v
            ? TypedResults.Conflict(new ProblemDetails { Status = 409, Title = "The audit chain does not verify", Detail = $"refusing to export: the chain fails at entry {v.FailedSeq}: {v.Reason}" })
            : TypedResults.Text(lines!, "application/x-ndjson");
    }

    /// <summary>The export text, as <c>audit export</c> writes it; null with <paramref name="failure"/> set when the chain fails.</summary>
    /// <param name="progress">Given the chain entries checked as the verification goes.</param>
    public static string? ExportLines(RecordStore store, Instant from, Instant to, out ChainVerification? failure, Action<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (to < from)
        {
            throw new RequestValidationException("to", "to is before from");
        }

        var verification = store.Verify(progress: progress);
        failure = verification.IsValid ? null : verification;
        if (!verification.IsValid)
        {
            return null;
        }

        using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture) { NewLine = "\n" };
        WriteEntries(store, verification, from, to, text);
        return text.ToString();
    }

    /// <summary>
    /// Writes the export (the CLI's <c>audit export</c> format, one definition for both): each entry recorded between
    /// <paramref name="from"/> and <paramref name="to"/> inclusive as a JSON line with its payload, the exact canonical
    /// payload text that was hashed, the previous hash and its hash; then one chain-head line from a verification that
    /// passed.
    /// </summary>
    public static void WriteEntries(RecordStore store, ChainVerification verification, Instant from, Instant to, TextWriter writer) =>
        AuditExport.Write(store, verification, from, to, writer);
}
