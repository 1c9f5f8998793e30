using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime.Text;
using Threshold.Engine;
using Threshold.Record;
using Threshold.Returns;
using Threshold.Web.Hosting;
using Threshold.Web.Security;

namespace Threshold.Web.Apis;

/// <summary>The Mexico returns: the dated arrangements, the report of a batch of cases, and the recorded ledger as of an instant.</summary>
public static class ReturnsApi
{
    /// <summary>One dated, cited arrangement.</summary>
    public sealed record ArrangementDto(string Id, string Title, string From, string? To, IReadOnlyList<string> Nationalities, int? MonthlyCap, ReplayReport.CitationDto Citation, string Note)
    {
        /// <summary>True when the arrangement takes every nationality but MX and the destination's own (<see cref="Nationalities"/> is then empty).</summary>
        public bool AnyNationality { get; init; }

        /// <summary>The nationalities in words, e.g. "any (except MX)".</summary>
        public string? NationalitiesText { get; init; }

        /// <summary>Where people under it are returned (MX for Mexico's acceptances).</summary>
        public string Destination { get; init; } = "MX";

        public ReplayReport.CitationDto? ToCitation { get; init; }

        public ReplayReport.CitationDto? MonthlyCapCitation { get; init; }
    }

    /// <summary>The <c>returns report --format json</c> contract.</summary>
    public sealed record ReturnsReportDocument(string EngineVersion, string RuleSetVersion, string Policy, bool ModeledEncounters, long CasesScreened, long SyntheticCases, LedgerReportJson.LedgerReportDto Report)
    {
        /// <summary>"MODELED" when the series is synthesised, "SYNTHETIC" when generated cases are among them (<see cref="ProvenanceLabels"/>); empty for a real series and real cases.</summary>
        public IReadOnlyList<string> Labels => ProvenanceLabels.Of(ModeledEncounters, SyntheticCases);
    }

    /// <summary>The <c>returns report --from-record --format json</c> contract.</summary>
    public sealed record RecordedLedgerDocument(string EngineVersion, string RuleSetVersion, string AsOf, int Events, LedgerReportJson.LedgerReportDto Report)
    {
        /// <summary>How many of the allocations are of SYNTHETIC cases (ids starting "synthetic-").</summary>
        public long SyntheticCases { get; init; }

        /// <summary>True when any allocation up to <see cref="AsOf"/> was screened under a MODELED series; false when every one states a series that is not; null when none does but some state none (recorded before the record stored it).</summary>
        public bool? ModeledEncounters { get; init; }

        /// <summary>How many allocations were screened under a MODELED series.</summary>
        public long ModeledAllocations { get; init; }

        /// <summary>How many allocations the record holds without their series.</summary>
        public long UnstatedAllocations { get; init; }

        /// <summary>The series named by the decision batches behind the allocations.</summary>
        public IReadOnlyList<string> Series { get; init; } = [];

        /// <summary>"MODELED" when any allocation rests on a MODELED series, "SYNTHETIC" when generated cases are among them.</summary>
        public IReadOnlyList<string> Labels => ProvenanceLabels.Of(ModeledEncounters ?? false, SyntheticCases);

        /// <summary>The series behind the allocations in one sentence (<see cref="RecordedSeries.Note"/>).</summary>
        public string SeriesNote { get; init; } = ProvenanceLabels.RecordedSeriesNote;
    }

    public static IEndpointRouteBuilder MapReturnsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/returns").WithTags("Returns");
        api.MapGet("/arrangements", Arrangements).RequireAuthorization(Roles.Viewer)
            .WithName("ReturnArrangements").WithSummary("The dated return arrangements with their caps, citations and verification marks.");
        api.MapPost("/report", Report).RequireAuthorization(Roles.Analyst).Accepts<string>("application/x-ndjson", "text/csv")
            .WithName("ReturnsReport").WithSummary("Screen cases (JSONL or CSV body) in input order and report the ledger: utilisation, remaining capacity and overflow by month and nationality, and the burden on Mexico.");
        api.MapGet("/ledger", RecordedLedger).RequireAuthorization(Roles.Viewer)
            .WithName("RecordedLedger").WithSummary("The ledger recorded in the record, as it stood at an instant (default now).");
        return app;
    }

    public static Ok<Stamped<IReadOnlyList<ArrangementDto>>> Arrangements(ScreeningService screeners) => TypedResults.Ok(Stamped.Of<IReadOnlyList<ArrangementDto>>(
        [.. screeners.Arrangements.Arrangements.Select(a => new ArrangementDto(a.Id, a.Title, ReplayReport.Iso(a.From), a.To is { } to ? ReplayReport.Iso(to) : null, a.Nationalities, a.MonthlyCap, ReplayReport.CitationDto.From(a.Citation), a.Note)
        {
            AnyNationality = a.AnyNationality,
            NationalitiesText = a.NationalitiesText,
            Destination = a.Destination,
            ToCitation = a.ToCitation is { } tc ? ReplayReport.CitationDto.From(tc) : null,
            MonthlyCapCitation = a.MonthlyCapCitation is { } mc ? ReplayReport.CitationDto.From(mc) : null,
        })]));

    public static async Task<Ok<ReturnsReportDocument>> Report([AsParameters] ReplayQuery replay, [AsParameters] ScreeningQuery screening, HttpRequest request, TimelineService timelines, ScreeningService screeners, ThresholdMetrics metrics, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var timeline = timelines.ReplayStored(replay);
        var screener = screeners.Screener(timeline, screening);
        var csv = ScreeningApi.IsCsv(request);
        await using var body = await SpooledBody.ReadAsync(request, cancellationToken).ConfigureAwait(false);
        var (screened, synthetic, report) = await Task.Run(() => screeners.ReturnsReport(screener, ScreeningService.ReadCases(body.Rewind(), csv, ScreeningApi.BodySource), ScreeningApi.BodySource), cancellationToken).ConfigureAwait(false);
        metrics.Screened(screened, "returns/report", replay.Policy);
        return TypedResults.Ok(new ReturnsReportDocument(Threshold.Law.RuleSetVersion.EngineVersion, Threshold.Law.RuleSetVersion.Current, timeline.Policy.Policy.Id, timeline.Series.IsModeled, screened, synthetic, LedgerReportJson.Build(report)));
    }

    public static Ok<RecordedLedgerDocument> RecordedLedger(string? asOf, RecordHolder record, ScreeningService screeners)
    {
        var ledger = new LedgerRecord(record.Store, screeners.Arrangements, record.Clock);
        var snapshot = asOf is null ? ledger.Current() : ledger.LedgerAsOf(ReplayQuery.InstantParameter("asOf", asOf));
        var series = RecordedSeries.Read(record.Store, snapshot.AsOf);
        return TypedResults.Ok(new RecordedLedgerDocument(Threshold.Law.RuleSetVersion.EngineVersion, Threshold.Law.RuleSetVersion.Current, InstantPattern.ExtendedIso.Format(snapshot.AsOf), snapshot.Allocations.Count, LedgerReportJson.Build(snapshot.Report()))
        {
            SyntheticCases = snapshot.Allocations.LongCount(a => ProvenanceLabels.IsSynthetic(a.Request.CaseId)),
            ModeledEncounters = series.ModeledEncounters,
            ModeledAllocations = series.Modeled,
            UnstatedAllocations = series.Unstated,
            Series = series.Series,
            SeriesNote = series.Note(),
        });
    }
}
