using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Threshold.Record;

namespace Threshold.Web.Tests.Apis;

/// <summary>
/// Issue 15, step 8 (web): JSON bodies are strict. An unknown member (a misspelt <c>"nots"</c> once dropped the note
/// of a permanent determination), a member given twice, and a lone surrogate are each a 400 naming the member, and
/// nothing is stored. An encounter CSV with a UTF-8 BOM is read alike by the API and the CLI's import.
/// </summary>
public sealed class StrictBodyTests : IDisposable
{
    private readonly ThresholdFactory factory = new();

    public void Dispose() => factory.Dispose();

    [Theory]
    [InlineData("""{"date":"2024-07-01","kind":"activation","windowStart":"2024-06-20","windowEnd":"2024-06-30","by":"tests","nots":"why"}""", "nots", "unknown member 'nots'")]
    [InlineData("""{"date":"2024-07-01","kind":"activation","windowStart":"2024-06-20","windowEnd":"2024-06-30","by":"tests","note":"a","note":"b"}""", "note", "given twice")]
    [InlineData("""{"date":"2024-07-01","kind":"activation","windowStart":"2024-06-20","windowEnd":"2024-06-30","by":"\ud800","note":"x"}""", "by", "lone surrogate")]
    [InlineData("""{"date":"2024-07-01","kind":"activation","windowStart":"2024-06-20","windowEnd":"2024-06-30","by":"tests","note":"ok \udc00"}""", "note", "lone surrogate")]
    public async Task Determination_WithAnUnknownDuplicateOrBrokenMember_Is400NamingIt_AndNothingIsRecorded(string body, string member, string says)
    {
        using var op = factory.ClientWithRole(ApiRole.Operator);
        var response = await op.PostAsync("/api/v1/determinations", Json(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode}: {text}");
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal(member, problem.GetProperty("field").GetString());
        Assert.Contains(says, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(factory.Record.Store.Determinations.List());
    }

    [Theory]
    [InlineData("""{"name":"k","role":"viewer","rol":"admin"}""", "rol")]
    [InlineData("""{"name":"k","role":"viewer","role":"admin"}""", "role")]
    [InlineData("""{"name":"\ud83d","role":"viewer"}""", "name")]
    public async Task KeyCreation_WithAnUnknownDuplicateOrBrokenMember_Is400NamingIt(string body, string member)
    {
        using var admin = factory.ClientWithRole(ApiRole.Admin);
        var before = factory.Record.Keys.List().Count;
        var response = await admin.PostAsync("/api/v1/keys", Json(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode}: {text}");
        Assert.Equal(member, JsonDocument.Parse(text).RootElement.GetProperty("field").GetString());
        Assert.Equal(before, factory.Record.Keys.List().Count);
    }

    [Fact]
    public async Task Case_WithALoneSurrogate_Is400NamingTheField_NotA500()
    {
        using var analyst = factory.ClientWithRole(ApiRole.Analyst);
        var response = await analyst.PostAsync("/api/v1/screen?policy=proclamation-10773", Json("""{"id":"c\ud800","enteredAt":"2024-07-01T10:00:00-04:00","place":"between-ports","citizenship":"VE"}"""));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode}: {text}");
        Assert.Equal("id", JsonDocument.Parse(text).RootElement.GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("""{"id":"c\ud800","enteredAt":"2024-07-01T10:00:00-04:00","place":"between-ports","citizenship":"VE"}""", "id")]
    [InlineData("""{"id":"c1","enteredAt":"2024-07-01T10:00:00-04:00","place":"between-ports","citizenship":"V\udc00"}""", "citizenship")]
    public async Task BulkCases_WithALoneSurrogate_Are400NamingTheFieldAndLine_NotA500(string line, string field)
    {
        using var analyst = factory.ClientWithRole(ApiRole.Analyst);
        var body = """{"id":"ok","enteredAt":"2024-07-01T10:00:00-04:00","place":"between-ports","citizenship":"VE"}""" + "\n" + line + "\n";
        var response = await analyst.PostAsync("/api/v1/screen/bulk?policy=proclamation-10773", new StringContent(body, System.Text.Encoding.UTF8, "application/x-ndjson"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode}: {text}");
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.Equal(2, problem.GetProperty("line").GetInt32());
        Assert.Contains("lone surrogate", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/v1/returns/ledger?asOf=9999-12-31T23:59:59-05:00", "asOf")]
    public async Task InstantsThatLeaveTheCalendarOnceConverted_Are400NamingTheField(string url, string field)
    {
        using var viewer = factory.ClientWithRole(ApiRole.Viewer);
        var response = await viewer.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode}: {text}");
        Assert.Equal(field, JsonDocument.Parse(text).RootElement.GetProperty("field").GetString());
    }

    [Fact]
    public async Task EncounterCsv_WithAUtf8Bom_IsReadAlikeByTheApiAndTheCliImport()
    {
        var csv = File.ReadAllBytes(Path.Combine(ApiBehaviourTests.RepositoryRoot(), "data", "modeled", "daily_encounters_2024-01-01_2025-01-19.modeled.csv"));
        var withBom = (byte[])[.. Encoding.UTF8.Preamble, .. csv];

        // The CLI's store import (EncounterRecord.ImportFile, what `./threshold store import` calls).
        var file = Path.Combine(Path.GetTempPath(), $"bom-{Guid.NewGuid():N}.csv");
        File.WriteAllBytes(file, withBom);
        ImportResult cli;
        try
        {
            cli = factory.Record.Store.Encounters.ImportFile("cli-bom", file);
        }
        finally
        {
            File.Delete(file);
        }

        using var op = factory.ClientWithRole(ApiRole.Operator);
        var content = new ByteArrayContent(withBom);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        var response = await op.PostAsync("/api/v1/series/api-bom?source=bom.csv", content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {text}");
        var api = JsonDocument.Parse(text).RootElement.GetProperty("result");
        Assert.Equal(cli.DayCount, api.GetProperty("days").GetInt32());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(withBom)), cli.ContentSha256);
        Assert.Equal(cli.ContentSha256, api.GetProperty("contentSha256").GetString());
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
