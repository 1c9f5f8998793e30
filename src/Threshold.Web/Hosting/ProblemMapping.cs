using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Threshold.Engine;
using Threshold.Law;
using Threshold.Record;
using Threshold.Screening;

namespace Threshold.Web.Hosting;

/// <summary>
/// Turns every exception into ProblemDetails. Only the project's own expected-input failures are a 4xx: a located
/// input error (<see cref="LocatedInputException"/>: a CSV, JSONL, case, scenario or arrangement line), a bad request
/// parameter (<see cref="RequestValidationException"/>), a replay request the policy cannot answer
/// (<see cref="ReplayRequestException"/>), a period the series does not cover, a screening conflict, a record refusal
/// (<see cref="RecordException"/>), a case id or arrangement conflict (409) and an unreadable HTTP request. Anything
/// else, a bare <see cref="ArgumentException"/> or <see cref="InvalidOperationException"/> included, is a bug: a 500,
/// logged with its stack and the request's correlation id, which the answer carries so the two can be matched. A
/// storage fault (a full disk, a database restarting or unreachable) becomes 507 or 503 with Retry-After
/// (<see cref="RecordFaultException"/>). No response ever carries a stack trace or a path on the server, and no answer
/// quotes a CLI option: the libraries raise typed what-if problems (<see cref="WhatIfProblem"/>) that the web words with
/// its parameter names, and their other messages name no front end (a test reads every string they hold).
/// </summary>
internal sealed partial class ProblemMapping(IProblemDetailsService problems, RecordHolder record, ILogger<ProblemMapping> log) : IExceptionHandler
{
    /// <summary>The conventional status of a request its client abandoned (never seen by that client).</summary>
    private const int StatusCodeClientClosedRequest = 499;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            // The client went away (a long simulation it no longer waits for): nothing to answer, nothing to log as a bug.
            httpContext.Response.StatusCode = StatusCodeClientClosedRequest;
            return true;
        }

        ProblemDetails problem;
        if (RecordFaultException.From(exception, "the record", record.DataDirectory) is { } fault)
        {
            // A storage fault, not a bug: the transaction rolled back, and the same request succeeds once it clears.
            log.LogWarning(exception, "Storage fault ({Kind}) on {Path}", fault.Kind, httpContext.Request.Path);
            problem = StorageFault(fault);
            if (fault.Kind == RecordFaultKind.Unavailable)
            {
                // After a database restart every pooled connection is dead; drop them all now rather than fail one
                // request per stale connection.
                PostgresRecordDatabase.DiscardPooledConnections();
            }

            if (fault.Kind != RecordFaultKind.Damaged)
            {
                httpContext.Response.Headers.RetryAfter = fault.Kind == RecordFaultKind.DiskFull ? "60" : "5"; // damage does not clear by waiting
            }
        }
        else
        {
            problem = Describe(exception);
        }

        if (problem.Status == StatusCodes.Status500InternalServerError)
        {
            log.LogError(exception, "Unhandled error {CorrelationId} on {Method} {Path}", CorrelationId.Of(httpContext), httpContext.Request.Method, httpContext.Request.Path);
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception }).ConfigureAwait(false);
    }

    /// <summary>
    /// 507 for a full disk, 503 for a database that is unreachable, read-only or damaged; <c>fault</c> names which. A
    /// damaged record is remembered (<see cref="RecordHolder.MarkDamaged"/>): no later request writes to it.
    /// </summary>
    private ProblemDetails StorageFault(RecordFaultException fault)
    {
        if (fault.Kind == RecordFaultKind.Damaged)
        {
            record.MarkDamaged(fault);
        }

        var (status, title, name) = fault.Kind switch
        {
            RecordFaultKind.DiskFull => (StatusCodes.Status507InsufficientStorage, "Disk full: nothing was stored.", "disk-full"),
            RecordFaultKind.ReadOnly => (StatusCodes.Status503ServiceUnavailable, "The record is read-only: nothing was stored.", "read-only"),
            RecordFaultKind.Damaged => (StatusCodes.Status503ServiceUnavailable, "The record is damaged: nothing was stored, and nothing more will be until it is restored.", "damaged"),
            _ => (StatusCodes.Status503ServiceUnavailable, "The record is unavailable: nothing was stored.", "unavailable"),
        };
        var problem = new ProblemDetails { Status = status, Title = title, Detail = Scrub(fault.Message) };
        problem.Extensions["fault"] = name;
        return problem;
    }

    private ProblemDetails Describe(Exception exception)
    {
        switch (exception)
        {
            case LocatedInputException located:
                var p = BadRequest("The input is not valid.", located.Message);
                p.Extensions["source"] = Scrub(located.FileName);
                if (located.Line > 0)
                {
                    p.Extensions["line"] = located.Line;
                }

                if (located.Field is not null)
                {
                    p.Extensions["field"] = located.Field;
                }

                return p;
            case CaseIdConflictException conflict:
                var c = new ProblemDetails { Status = StatusCodes.Status409Conflict, Title = "A case id is already in the record for a different case.", Detail = Scrub(conflict.Message) };
                c.Extensions["caseId"] = conflict.CaseId;
                c.Extensions["line"] = conflict.Line;
                return c;
            case RequestValidationException invalid:
                var q = BadRequest("A request parameter is not valid.", invalid.Message);
                q.Extensions["field"] = invalid.Field;
                return q;
            case RecordVerificationException tampered:
                var t = new ProblemDetails { Status = StatusCodes.Status503ServiceUnavailable, Title = "The record fails verification: nothing was answered from it.", Detail = Scrub(tampered.Message) };
                t.Extensions["fault"] = "fails-verification";
                t.Extensions["table"] = tampered.Failure?.Table;
                return t;
            case ArrangementMismatchException mismatch:
                var m = new ProblemDetails { Status = StatusCodes.Status409Conflict, Title = "The record's ledger was written under another arrangement set.", Detail = Scrub(mismatch.Message) };
                m.Extensions["recordedArrangementsSha256"] = mismatch.Recorded;
                m.Extensions["serverArrangementsSha256"] = mismatch.Writer;
                return m;
            case ReplayRequestException { WhatIf: { } whatIf }:
                // A typed what-if problem raised inside the replay: worded with this API's parameter names.
                var w = BadRequest("The request cannot be answered as asked.", whatIf.In(Threshold.Web.Apis.ReplayQuery.Words));
                w.Extensions["field"] = Threshold.Web.Apis.ReplayQuery.Words.Name(whatIf.Option);
                return w;
            case ReplayRequestException:
                return BadRequest("The request cannot be answered as asked.", exception.Message);
            case UnknownPeriodException or ScreeningConflictException or RecordException:
                return BadRequest("The request cannot be answered as asked.", exception.Message);
            case Microsoft.AspNetCore.Antiforgery.AntiforgeryValidationException:
                return new ProblemDetails { Status = StatusCodes.Status400BadRequest, Title = "The form has expired.", Detail = "Reload the page and submit the form again." };
            case BadHttpRequestException bad when BindFailure().Match(bad.Message) is { Success: true } bind:
                // The framework names the C# parameter ("int? DeterminationLag"); the client sent the camelCase query name.
                var name = bind.Groups["name"].Value;
                var field = char.ToLowerInvariant(name[0]) + name[1..];
                var b = BadRequest("A request parameter is not valid.", $"{field}: '{Quoted(bind.Groups["value"].Value)}' is not {Expected(bind.Groups["type"].Value)}");
                b.Extensions["field"] = field;
                return b;
            case BadHttpRequestException missing when RequiredMissing().Match(missing.Message) is { Success: true } required:
                var absent = char.ToLowerInvariant(required.Groups["name"].Value[0]) + required.Groups["name"].Value[1..];
                var a = BadRequest("A request parameter is not valid.", $"{absent} is required");
                a.Extensions["field"] = absent;
                return a;
            case BadHttpRequestException bad:
                return new ProblemDetails { Status = bad.StatusCode, Title = "The request is not valid.", Detail = Scrub(OneLine(bad.Message)) };
            default:
                return new ProblemDetails { Status = StatusCodes.Status500InternalServerError, Title = "Internal error", Detail = "The server failed to answer; this is a bug and has been logged under the correlationId of this answer." };
        }

        ProblemDetails BadRequest(string title, string detail) => new() { Status = StatusCodes.Status400BadRequest, Title = title, Detail = Scrub(detail) };
    }

    /// <summary>
    /// Removes the server's own folders from a message (an upload's temporary folder id too): the caller needs the line
    /// and the problem, not where the record lives.
    /// </summary>
    private string Scrub(string message)
    {
        message = LongQuote().Replace(OneLine(message), "'$1…'");
        foreach (var folder in new[] { Threshold.Web.Apis.MonthlyApi.UploadFolder, record.DataDirectory, AppContext.BaseDirectory, Environment.CurrentDirectory, Path.GetTempPath() })
        {
            if (folder.Length > 1)
            {
                message = message.Replace(folder.TrimEnd('/') + "/", string.Empty, StringComparison.Ordinal).Replace(folder.TrimEnd('/'), "(server)", StringComparison.Ordinal);
            }
        }

        // A value echoed without quotes (a what-if as the client wrote it, "inForce=…") is cut the same way.
        return LongRun().Replace(UploadFolderId().Replace(message, string.Empty), "$1…");
    }

    /// <summary>
    /// The one-line detail of an answer the framework writes without one (routing's 404, 405 and 415, the rate
    /// limiter's 429), so every problem says what happened.
    /// </summary>
    internal static string? DetailOfStatus(HttpContext context, int? status)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        return status switch
        {
            StatusCodes.Status404NotFound => $"nothing is at {Quoted(request.Path.Value ?? "/")}; the OpenAPI document at /openapi/v1.json lists the routes",
            StatusCodes.Status405MethodNotAllowed => $"{request.Method} is not a method of {Quoted(request.Path.Value ?? "/")}",
            StatusCodes.Status415UnsupportedMediaType => $"the body's Content-Type ({Quoted(request.ContentType ?? "none")}) is not one this operation reads; its requestBody in /openapi/v1.json lists them",
            StatusCodes.Status429TooManyRequests => "too many requests from this client (Threshold:RequestsPerSecondPerClient a second); retry shortly",
            StatusCodes.Status400BadRequest => "the request could not be read",
            _ => null,
        };
    }

    /// <summary>A value the client sent, as one short line: control characters shown as '?', cut after 80 characters.</summary>
    internal static string Quoted(string value)
    {
        var line = new string([.. value.Take(81).Select(c => char.IsControl(c) ? '?' : c)]);
        return line.Length > 80 ? line[..80] + "…" : line;
    }

    private static string OneLine(string message) => new([.. message.Select(c => c is '\r' or '\n' ? ' ' : c)]);

    private static string Expected(string type) => type.TrimEnd('?') switch
    {
        "int" or "long" or "short" => "a whole number in range",
        "bool" => "true or false",
        "double" or "decimal" or "float" => "a number",
        var other => $"a valid {other}",
    };

    /// <summary>The framework's message for a query or route value it could not convert.</summary>
    [System.Text.RegularExpressions.GeneratedRegex("^Failed to bind parameter \"(?<type>[^\"]+) (?<name>\\w+)\" from \"(?<value>.*)\"\\.?$", System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex BindFailure();

    /// <summary>A quoted value longer than 80 characters: only its start is echoed, so a detail stays one readable line.</summary>
    [System.Text.RegularExpressions.GeneratedRegex("'([^']{80})[^']+'")]
    private static partial System.Text.RegularExpressions.Regex LongQuote();

    /// <summary>Any run of more than 80 characters without a space: only its start is echoed.</summary>
    [System.Text.RegularExpressions.GeneratedRegex("(\\S{80})\\S+")]
    private static partial System.Text.RegularExpressions.Regex LongRun();

    /// <summary>The framework's message for a required parameter that was not sent.</summary>
    [System.Text.RegularExpressions.GeneratedRegex("^Required parameter \"(?<type>[^\"]+) (?<name>\\w+)\" was not provided")]
    private static partial System.Text.RegularExpressions.Regex RequiredMissing();

    /// <summary>The per-upload folder (a GUID in "N" form) left in front of a file name once the upload folder is scrubbed.</summary>
    [System.Text.RegularExpressions.GeneratedRegex("(?<![0-9a-f])[0-9a-f]{32}/")]
    private static partial System.Text.RegularExpressions.Regex UploadFolderId();
}
