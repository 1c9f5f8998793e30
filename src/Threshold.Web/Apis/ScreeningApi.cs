using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;
using Threshold.Returns;
using Threshold.Screening;
using Threshold.Web.Hosting;
using Threshold.Web.Security;

namespace Threshold.Web.Apis;

/// <summary>Screening: one case (the case contract, as JSON) or many (JSONL or CSV), with reasons, citations and trace.</summary>
public static class ScreeningApi
{
    /// <summary>Name given to the request body in error messages.</summary>
    public const string BodySource = "request body";

    /// <summary>The <c>screen --case</c> contract: the result wrapped with its provenance.</summary>
    public sealed record ScreenDocument(string EngineVersion, string RuleSetVersion, bool ModeledEncounters, CaseDecisionJson.CaseDecisionDto Result);

    public static IEndpointRouteBuilder MapScreeningApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/screen").WithTags("Screening").RequireAuthorization(Roles.Analyst);
        api.MapPost("/", ScreenOne).Accepts<string>("application/json")
            .WithName("ScreenCase").WithSummary("Screen one case (JSON body, the case contract) against a stored series: result, reasons, citations, trace. policy=in-force screens it under every instrument in force on its entry date and answers as the CLI's screen --policy in-force: instruments[], unanswered[] and a summary naming the instrument behind each consequence.")
            .AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
            {
                // Both answers share status 200, where the generator keeps only one (ScreenDocument, the last of the
                // union); add the in-force answer as the alternative.
                if (context.Document is { } document && operation.Responses?.TryGetValue("200", out var ok) == true && ok.Content?.TryGetValue("application/json", out var content) == true && content.Schema is { } single)
                {
                    document.AddComponent(nameof(InForceDocument), await context.GetOrCreateSchemaAsync(typeof(InForceDocument), null, cancellationToken).ConfigureAwait(false));
                    content.Schema = new Microsoft.OpenApi.OpenApiSchema { OneOf = [single, new Microsoft.OpenApi.OpenApiSchemaReference(nameof(InForceDocument), document)] };
                }
            });
        api.MapPost("/bulk", ScreenMany).QueuedAs(HeavyLane.Record, c => bool.TryParse(c.Request.Query["record"], out var r) && r).Accepts<string>("application/x-ndjson", "text/csv").Produces<string>(200, "application/x-ndjson").WithMetadata(RecordWriteMetadata.Instance)
            .WithName("ScreenCases").WithSummary("Screen many cases (JSONL, or CSV with Content-Type text/csv); streams JSONL results in input order. The whole input is checked before the first result is sent. trace=inline (default) puts each line's explanation on it; trace=shared names it by explanationId, carried whole by its first line (as the CLI's --trace shared). With record=true (operator) every decision and ledger allocation is stored in the record with the audit chain, in atomic batches; cases already stored are skipped, so a rerun resumes. policy=in-force gives one in-force answer a line, one removal allocated per person on one ledger per request (not with record=true or trace=shared).");
        return app;
    }

    public static async Task<Results<Ok<InForceDocument>, Ok<ScreenDocument>>> ScreenOne([AsParameters] ReplayQuery replay, [AsParameters] ScreeningQuery screening, HttpRequest request, TimelineService timelines, ScreeningService screeners, ThresholdMetrics metrics, IClock clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(replay);
        ArgumentNullException.ThrowIfNull(screeners);
        ArgumentNullException.ThrowIfNull(metrics);
        if (replay.Policy == ScreeningService.InForcePolicies)
        {
            var inForce = screeners.InForce(timelines, replay, screening, clock);
            var one = await ReadCaseAsync(request, cancellationToken).ConfigureAwait(false);
            var answer = inForce.Screen(one, BodySource, 1, new ReturnsLedger(screeners.Arrangements, recordEvents: false));
            metrics.Screened(1, "screen", replay.Policy);
            return TypedResults.Ok(answer);
        }

        var timeline = screeners.Timeline(timelines, replay, clock);
        var screener = screeners.Screener(timeline, screening);
        var c = await ReadCaseAsync(request, cancellationToken).ConfigureAwait(false);
        var decision = screeners.Decide(screener, c, BodySource, 1);
        metrics.Screened(1, "screen", replay.Policy);
        return TypedResults.Ok(new ScreenDocument(Threshold.Law.RuleSetVersion.EngineVersion, Threshold.Law.RuleSetVersion.Current, timeline.Series.IsModeled, CaseDecisionJson.Build(decision)));
    }

    private static async Task<ScreeningCase> ReadCaseAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var json = await ThresholdWebApp.ReadBodyBytesAsync(request, CaseJsonReader.MaxLineBytes, cancellationToken).ConfigureAwait(false);
        StrictJson.CheckStrings(json.Span);
        return CaseJsonReader.Parse(json.Span, BodySource, 1, multiLine: true);
    }

    public static async Task ScreenMany([AsParameters] ReplayQuery replay, [AsParameters] ScreeningQuery screening, bool? record, [System.ComponentModel.Description("inline (default): every line carries its explanation; shared: lines name it by explanationId and its first line carries it whole.")] string? trace, HttpContext context, TimelineService timelines, ScreeningService screeners, ThresholdMetrics metrics, RecordHolder recordHolder, IClock clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(replay);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(screeners);
        ArgumentNullException.ThrowIfNull(metrics);
        var traceMode = trace switch
        {
            null or "inline" => BulkTraceMode.Inline,
            "shared" => BulkTraceMode.Shared,
            _ => throw new RequestValidationException("trace", $"trace: '{trace}' is not inline or shared"),
        };
        if (replay.Policy == ScreeningService.InForcePolicies)
        {
            var inForceCases = await ScreenManyInForce(screeners.InForce(timelines, replay, screening, clock), record, traceMode, context, screeners, cancellationToken).ConfigureAwait(false);
            metrics.Screened(inForceCases, "screen/bulk", replay.Policy);
            return;
        }

        if (record == true && !context.User.IsInRole(Roles.Operator))
        {
            // Storing decisions allocates the returns ledger: an operator's act.
            await TypedResults.Forbid().ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        var screener = screeners.Screener(screeners.Timeline(timelines, replay, clock), screening);
        var decidedOn = screening.DecidedOnDate();
        var csv = IsCsv(context.Request);
        await using var body = await SpooledBody.ReadAsync(context.Request, cancellationToken).ConfigureAwait(false);

        // Pass 1 reads and screens every case without output, so bad input is a 400 naming its line rather than a
        // stream cut off half-way. Screening runs at millions of cases a second, so the second pass costs little.
        var cases = 0L;
        await Task.Run(
            () =>
            {
                foreach (var (line, c) in ScreeningService.ReadCases(body.Rewind(), csv, BodySource))
                {
                    ScreeningService.Located(BodySource, line, () => screener.Screen(c));
                    cases++;
                }

                if (record == true)
                {
                    // A stored id reused for a different case is a 409, which must be known before the 200 goes out.
                    Threshold.Record.RecordedScreening.Check(recordHolder.Store, recordHolder.Clock, screener, screeners.Arrangements, ScreeningService.ReadCases(body.Rewind(), csv, BodySource), BodySource);
                }
            },
            cancellationToken).ConfigureAwait(false);

        context.Response.ContentType = "application/x-ndjson";
        context.Features.Get<IHttpBodyControlFeature>()!.AllowSynchronousIO = true; // the line writer is synchronous; it runs off the request thread
        if (record == true)
        {
            await Task.Run(
                () =>
                {
                    using var output = new BufferedStream(context.Response.Body, 1 << 16);
                    using (var lines = new CaseDecisionLineWriter(screener, new ReturnsLedger(screeners.Arrangements, recordEvents: false), output, decidedOn, traceMode))
                    {
                        Threshold.Record.RecordedScreening.Run(recordHolder.Store, recordHolder.Clock, screener, screeners.Arrangements, () => ScreeningService.ReadCases(body.Rewind(), csv, BodySource), BodySource, lines);
                    }

                    output.Flush();
                },
                cancellationToken).ConfigureAwait(false);
            metrics.Screened(cases, "screen/bulk", replay.Policy);
            return;
        }

        await Task.Run(
            () =>
            {
                using var output = new BufferedStream(context.Response.Body, 1 << 16);
                using (var lines = new CaseDecisionLineWriter(screener, new ReturnsLedger(screeners.Arrangements, recordEvents: false), output, decidedOn, traceMode))
                {
                    foreach (var (_, c) in ScreeningService.ReadCases(body.Rewind(), csv, BodySource))
                    {
                        lines.Write(c);
                    }
                }

                output.Flush();
            },
            cancellationToken).ConfigureAwait(false);
        metrics.Screened(cases, "screen/bulk", replay.Policy);
    }

    /// <summary>
    /// Bulk <c>policy=in-force</c>: the whole input is read and screened first, so bad input is a 400 naming its line;
    /// then one compact in-force answer a line, one removal allocated per person on this request's ledger.
    /// </summary>
    /// <returns>The number of cases screened.</returns>
    private static async Task<long> ScreenManyInForce(InForceScreener screener, bool? record, BulkTraceMode traceMode, HttpContext context, ScreeningService screeners, CancellationToken cancellationToken)
    {
        if (record == true)
        {
            throw new RequestValidationException("record", "record: answers under policy=in-force are not stored yet; record under one policy=ID");
        }

        if (traceMode == BulkTraceMode.Shared)
        {
            throw new RequestValidationException("trace", "trace: policy=in-force lines carry every instrument's explanation inline; trace=shared is for one policy=ID");
        }

        var csv = IsCsv(context.Request);
        await using var body = await SpooledBody.ReadAsync(context.Request, cancellationToken).ConfigureAwait(false);
        var cases = 0L;
        await Task.Run(
            () =>
            {
                foreach (var (line, c) in ScreeningService.ReadCases(body.Rewind(), csv, BodySource))
                {
                    screener.Check(c, BodySource, line);
                    cases++;
                }
            },
            cancellationToken).ConfigureAwait(false);

        context.Response.ContentType = "application/x-ndjson";
        context.Features.Get<IHttpBodyControlFeature>()!.AllowSynchronousIO = true; // the serializer writes synchronously, off the request thread
        await Task.Run(
            () =>
            {
                var ledger = new ReturnsLedger(screeners.Arrangements, recordEvents: false);
                using var output = new BufferedStream(context.Response.Body, 1 << 16);
                foreach (var (line, c) in ScreeningService.ReadCases(body.Rewind(), csv, BodySource))
                {
                    System.Text.Json.JsonSerializer.Serialize(output, screener.Screen(c, BodySource, line, ledger), CaseDecisionJson.Compact);
                    output.WriteByte((byte)'\n');
                }

                output.Flush();
            },
            cancellationToken).ConfigureAwait(false);
        return cases;
    }

    internal static bool IsCsv(HttpRequest request) =>
        request.ContentType?.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase) == true;
}
