using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Threshold.Record;
using Threshold.Web.Tests.Security;

namespace Threshold.Web.Tests.Apis;

/// <summary>
/// Issue 15 step 5 through the API's bulk screening: an id twice in one body is a 400 naming both lines (JSONL and CSV,
/// recorded or not), a different case later sent under a stored id with record=true is a 409 naming it with nothing of
/// that body stored, and the same case again is skipped.
/// </summary>
public abstract class CaseIdKeyApiTests : IDisposable
{
    private const string Bulk = "/api/v1/screen/bulk?policy=proclamation-10773";

    private readonly ThresholdFactory factory;
    private readonly HttpClient op;

    protected CaseIdKeyApiTests(Backend backend)
    {
        factory = new ThresholdFactory(backend);
        op = factory.ClientWithRole(ApiRole.Operator);
    }

    public void Dispose()
    {
        factory.Dispose();
        GC.SuppressFinalize(this);
    }

    private static string Case(string id, string citizenship = "VE", string enteredAt = "2024-07-02T10:00:00-04:00") =>
        $$"""{"id":"{{id}}","enteredAt":"{{enteredAt}}","place":"between-ports","citizenship":"{{citizenship}}"}""";

    private static StringContent Jsonl(params string[] cases) => new(string.Join('\n', cases) + "\n", Encoding.UTF8, "application/x-ndjson");

    /// <summary>Asserts a 400 and returns its ProblemDetails.</summary>
    private static async Task<JsonElement> BadRequest(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<long> LedgerEvents() => (await op.GetFromJsonAsync<JsonElement>("/api/v1/returns/ledger")).GetProperty("events").GetInt64();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task BulkScreening_JsonlWithAnIdTwice_Is400NamingBothLines(bool record)
    {
        var problem = await BadRequest(await op.PostAsync($"{Bulk}&record={(record ? "true" : "false")}", Jsonl(Case("a"), Case("b"), Case("a", "HT"))));
        Assert.Equal(3, problem.GetProperty("line").GetInt64());
        Assert.Equal("id", problem.GetProperty("field").GetString());
        Assert.Contains("lines 1 and 3", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await LedgerEvents());
    }

    [Fact]
    public async Task BulkScreening_CsvWithAnIdTwice_Is400NamingBothLines()
    {
        var csv = "id,enteredAt,place,citizenship\na,2024-07-02T10:00:00-04:00,between-ports,VE\na,2024-07-02T11:00:00-04:00,between-ports,VE\n";
        var problem = await BadRequest(await op.PostAsync($"{Bulk}&record=true", new StringContent(csv, Encoding.UTF8, "text/csv")));
        Assert.Equal(3, problem.GetProperty("line").GetInt64());
        Assert.Contains("lines 2 and 3", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BulkScreening_CsvWithInvalidUtf8_Is400NamingTheLine()
    {
        var bytes = new ByteArrayContent([.. Encoding.UTF8.GetBytes("id,enteredAt,place,citizenship\nx"), 0xFF, .. Encoding.UTF8.GetBytes(",2024-07-02T10:00:00-04:00,between-ports,VE\n")]);
        bytes.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        var problem = await BadRequest(await op.PostAsync(Bulk, bytes));
        Assert.Equal(2, problem.GetProperty("line").GetInt64());
        Assert.Contains("not valid UTF-8", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BulkScreening_Recorded_DifferentCaseUnderAStoredId_Is409NamingIt_AndStoresNothing()
    {
        Assert.Equal(HttpStatusCode.OK, (await op.PostAsync($"{Bulk}&record=true", Jsonl(Case("a"), Case("b")))).StatusCode);
        Assert.Equal(2, await LedgerEvents());
        var head = factory.Record.Store.Verify();

        var conflict = await op.PostAsync($"{Bulk}&record=true", Jsonl(Case("c"), Case("a", "VE", "2024-07-03T10:00:00-04:00")));
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        var problem = await conflict.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("a", problem.GetProperty("caseId").GetString());
        Assert.Equal(2, problem.GetProperty("line").GetInt64());
        Assert.Contains("case id 'a' is already in the record for a different case", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, await LedgerEvents());
        var after = factory.Record.Store.Verify();
        Assert.Equal((head.EntryCount, head.HeadHash), (after.EntryCount, after.HeadHash));

        // The same case again is skipped; only the new one is screened and stored.
        var resumed = await op.PostAsync($"{Bulk}&record=true", Jsonl(Case("a"), Case("c")));
        Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        var lines = (await resumed.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("c", JsonDocument.Parse(Assert.Single(lines)).RootElement.GetProperty("id").GetString());
        Assert.Equal(3, await LedgerEvents());
    }
}

public sealed class CaseIdKeyApiTestsOnSqlite() : CaseIdKeyApiTests(Backend.Sqlite);

public sealed class CaseIdKeyApiTestsOnPostgres() : CaseIdKeyApiTests(Backend.Postgres);
