using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Threshold.Record;
using Threshold.Web.Hosting;
using Threshold.Web.Security;

namespace Threshold.Web.Apis;

/// <summary>The bitemporal encounter data: the stored series, their imports (revisions), and importing a CSV.</summary>
public static class SeriesApi
{
    public static IEndpointRouteBuilder MapSeriesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/series").WithTags("Data");
        api.MapGet("/", ListSeries).RequireAuthorization(Roles.Viewer)
            .WithName("ListSeries").WithSummary("Every stored series with its imports: when, from which file, how many days were new or revised.");
        api.MapPost("/{name}", Import).RequireAuthorization(Roles.Operator).Accepts<string>("text/csv").WithMetadata(RecordWriteMetadata.Instance)
            .WithName("ImportSeries").WithSummary("Record a daily encounter CSV (the body) under a series name. An identical re-import changes nothing; a revision keeps every old value. A bad row stores nothing and is named by line.");
        return app;
    }

    public static Ok<Stamped<IReadOnlyList<SeriesDto>>> ListSeries(RecordHolder record) => TypedResults.Ok(Stamped.Of<IReadOnlyList<SeriesDto>>(
        [.. record.Store.Encounters.SeriesNames().Select(n => new SeriesDto(n, [.. record.Store.Encounters.ImportHistory(n).Select(ImportDto.From)]))]));

    public static async Task<Ok<Stamped<ImportResultDto>>> Import(string name, [FromQuery] string? source, bool? allowGaps, HttpRequest request, RecordHolder record, TimelineService timelines, ThresholdSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var bytes = await ThresholdWebApp.ReadBodyBytesAsync(request, settings.MaxRequestBodyBytes, cancellationToken).ConfigureAwait(false);

        // As store import: the hash is of the bytes sent (a BOM included), the series is read without the BOM.
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes.Span));
        if (source is { Length: > 200 })
        {
            throw new RequestValidationException("source", "source (the file name recorded with the import) is limited to 200 characters");
        }

        return TypedResults.Ok(Stamped.Of<ImportResultDto>(ImportText(record, timelines, name, string.IsNullOrEmpty(source) ? TimelineApi.UploadedSource : source, ThresholdWebApp.Utf8Text(bytes.Span), allowGaps ?? false, sha)));
    }

    /// <summary>Validates and records CSV text; shared by the API and the dashboard's upload form.</summary>
    /// <param name="contentSha256">The SHA-256 of the bytes received, when they are not exactly the UTF-8 of <paramref name="csv"/>.</param>
    public static ImportResultDto ImportText(RecordHolder record, TimelineService timelines, string name, string source, string csv, bool allowGaps, string? contentSha256 = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(timelines);
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100)
        {
            throw new RequestValidationException("name", "the series name must be 1 to 100 characters");
        }

        RequestText.Checked("name", name);
        RequestText.Checked("source", source);

        var series = TimelineService.Uploaded(csv, Path.GetFileName(source), allowGaps);
        var result = ImportResultDto.From(record.Store.Encounters.Import(name, series, Path.GetFileName(source), contentSha256 ?? TimelineService.Sha256(csv)));
        timelines.Invalidate(name);
        return result;
    }
}

/// <summary>The real monthly CBP/OHSS layouts: imported into the record's monthly tables, bitemporally.</summary>
public static class MonthlyApi
{
    /// <summary>Folder where an uploaded monthly file is kept while it is imported (the importer reads files); scrubbed from messages.</summary>
    public static readonly string UploadFolder = Path.Combine(Path.GetTempPath(), "threshold-uploads");

    /// <summary>What a monthly import did.</summary>
    public sealed record MonthlyImportDto(string Outcome, string Table, string Layout, string Source, string ContentSha256, int Rows, int NewRows, int RevisedRows, long? ImportId, long? AuditSeq, string? RecordedAt);

    public static IEndpointRouteBuilder MapMonthlyApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/monthly", Import).WithTags("Data").RequireAuthorization(Roles.Operator).Accepts<string>("text/csv").WithMetadata(RecordWriteMetadata.Instance)
            .WithName("ImportMonthly").WithSummary("Record a real CBP Southwest Land Border Encounters CSV (layout=cbp-sbo) or an OHSS KHSM monthly region CSV (layout=khsm) into the monthly tables; one bad row stores nothing and is named by line.");
        app.MapGet("/api/v1/monthly", ListMonthly).WithTags("Data").RequireAuthorization(Roles.Viewer)
            .WithName("ListMonthly").WithSummary("The monthly imports recorded as known at asKnownOn (default now): table, layout, source file, SHA-256, rows added or revised, when. The same as ./threshold store monthly.");
        app.MapGet("/api/v1/monthly/{table}", MonthlyTable).WithTags("Data").RequireAuthorization(Roles.Viewer).Produces<string>(200, "text/csv")
            .WithName("GetMonthlyTable").WithSummary("One monthly table (cbp_sbo_monthly or khsm_monthly) as known at asKnownOn: the latest revision of every cell, with the import that recorded it, as CSV (format=csv, default) or JSON (format=json). The same as ./threshold store monthly --table.");
        return app;
    }

    /// <summary>One recorded monthly import.</summary>
    public sealed record MonthlyImportRecordDto(long ImportId, string Table, string Layout, string Source, string Sha256, string RecordedAt, int RowCount, int NewRowCount, int RevisedRowCount);

    /// <summary>The monthly imports as known at an instant.</summary>
    public sealed record MonthlyImportsDto(string AsKnownOn, IReadOnlyList<MonthlyImportRecordDto> Imports);

    /// <summary>A monthly table as known at an instant, as JSON: its columns, and its rows as arrays in that order.</summary>
    public sealed record MonthlyTableDto(string Table, string AsKnownOn, IReadOnlyList<string> Columns, IReadOnlyList<object?[]> Rows);

    public static Ok<Stamped<MonthlyImportsDto>> ListMonthly(string? asKnownOn, RecordHolder record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var at = asKnownOn is null ? record.Clock.GetCurrentInstant() : ReplayQuery.InstantParameter("asKnownOn", asKnownOn);
        return TypedResults.Ok(Stamped.Of(new MonthlyImportsDto(
            NodaTime.Text.InstantPattern.ExtendedIso.Format(at),
            [.. MonthlyImports.ImportHistory(record.Store, at).Select(i => new MonthlyImportRecordDto(i.ImportId, i.Table, i.Layout, i.SourceName, i.ContentSha256, NodaTime.Text.InstantPattern.ExtendedIso.Format(i.RecordedAt), i.RowCount, i.NewRowCount, i.RevisedRowCount))])));
    }

    public static Results<ContentHttpResult, Ok<Stamped<MonthlyTableDto>>> MonthlyTable(string table, string? asKnownOn, string? format, RecordHolder record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!MonthlyImports.Tables.Contains(table))
        {
            throw new RequestValidationException("table", $"table '{ProblemMapping.Quoted(table)}': must be one of {string.Join(", ", MonthlyImports.Tables)}");
        }

        if (format is not (null or "csv" or "json"))
        {
            throw new RequestValidationException("format", $"format '{ProblemMapping.Quoted(format)}': must be csv or json");
        }

        var at = asKnownOn is null ? record.Clock.GetCurrentInstant() : ReplayQuery.InstantParameter("asKnownOn", asKnownOn);
        var monthly = MonthlyImports.AsKnownOn(record.Store, table, at);
        if (format == "json")
        {
            return TypedResults.Ok(Stamped.Of(new MonthlyTableDto(monthly.Table, NodaTime.Text.InstantPattern.ExtendedIso.Format(at), monthly.Columns, monthly.Rows)));
        }

        using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture) { NewLine = "\n" };
        monthly.WriteCsv(text);
        return TypedResults.Text(text.ToString(), "text/csv; charset=utf-8");
    }

    public static async Task<Ok<Stamped<MonthlyImportDto>>> Import(string? layout, string? source, HttpRequest request, RecordHolder record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(record);
        if (layout is not ("cbp-sbo" or "khsm"))
        {
            throw new RequestValidationException("layout", "layout must be cbp-sbo or khsm");
        }

        if (source is { Length: > 200 })
        {
            throw new RequestValidationException("source", "source (the file name recorded with the import) is limited to 200 characters");
        }

        // The client's file name is kept for messages, reduced to safe characters; each upload has its own folder.
        var name = new string([.. Path.GetFileName(string.IsNullOrEmpty(source) ? "monthly.csv" : source).Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_')]);
        var folder = Directory.CreateDirectory(Path.Combine(UploadFolder, Guid.NewGuid().ToString("N"))).FullName;
        try
        {
            var path = Path.Combine(folder, name.Trim('.').Length == 0 ? "monthly.csv" : name); // "." and ".." name folders
            var file = File.Create(path);
            await using (file.ConfigureAwait(false))
            {
                await BodyLimit.CopyAsync(request, file, BodyLimit.ServerLimit(request), cancellationToken).ConfigureAwait(false);
            }

            var r = layout == "cbp-sbo" ? MonthlyImports.ImportCbpSbo(record.Store, path, record.Clock) : MonthlyImports.ImportKhsm(record.Store, path, record.Clock);
            return TypedResults.Ok(Stamped.Of(new MonthlyImportDto(
                r.Outcome == ImportOutcome.Recorded ? "recorded" : "unchanged", r.Table, r.Layout, Path.GetFileName(r.SourceName), r.ContentSha256, r.RowCount, r.NewRowCount, r.RevisedRowCount, r.ImportId, r.AuditSeq, r.RecordedAt is { } at ? NodaTime.Text.InstantPattern.ExtendedIso.Format(at) : null)));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
