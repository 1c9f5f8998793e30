using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Threshold.Record;

namespace Threshold.Web.Tests.Apis;

/// <summary>
/// Issue 15 step 2 on a running server: once its record is found damaged (SQLITE_CORRUPT under a request), it answers
/// 503 ProblemDetails with <c>fault: damaged</c> and writes nothing more, even to a file that would accept the write.
/// </summary>
public sealed class DamagedRecordTests : IDisposable
{
    private readonly ThresholdFactory factory = new();

    public void Dispose() => factory.Dispose();

    [Fact]
    public async Task Write_ToADamagedRecord_Is503Damaged_AndTheServerWritesNothingFurther()
    {
        using var admin = factory.ClientWithRole(ApiRole.Admin);
        Assert.Equal(HttpStatusCode.Created, (await Determination(admin, 1)).StatusCode);

        var file = Path.Combine(factory.DataDirectory, SqliteRecordDatabase.FileName);
        var (offset, original) = DamageAuditLogPage(file);

        var refused = await Determination(admin, 2);
        await AssertDamaged(refused);

        // Put the page back: the file would now take the write, but the server saw damage and keeps refusing.
        using (var stream = new FileStream(file, FileMode.Open, FileAccess.Write))
        {
            stream.Position = offset;
            stream.Write(original);
        }

        var before = Bytes(file);
        await AssertDamaged(await Determination(admin, 3));
        Assert.Equal(before, Bytes(file));
    }

    private static async Task AssertDamaged(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("damaged", problem.GetProperty("fault").GetString());
        Assert.Equal(503, problem.GetProperty("status").GetInt32());
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("damaged", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("/tmp/", detail, StringComparison.Ordinal); // no server path
        Assert.DoesNotContain("   at ", detail, StringComparison.Ordinal);
    }

    private static Task<HttpResponseMessage> Determination(HttpClient client, int day) =>
        client.PostAsJsonAsync("/api/v1/determinations", new
        {
            date = $"2024-12-{day:00}",
            kind = "deactivation",
            windowStart = $"2024-11-{20 + day:00}",
            windowEnd = $"2024-11-{26 + day:00}",
            by = "tests",
            note = "damage drill",
        });

    /// <summary>
    /// Checkpoints the WAL into the file, then overwrites the root page of <c>audit_log</c> (which every write reads to
    /// append) with seeded random bytes; returns where it was and what it held.
    /// </summary>
    private static (long Offset, byte[] Original) DamageAuditLogPage(string file)
    {
        long offset;
        int size;
        using (var connection = new SqliteConnection($"Data Source={file};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            command.ExecuteNonQuery();
            command.CommandText = "PRAGMA page_size;";
            size = (int)(long)command.ExecuteScalar()!;
            command.CommandText = "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = 'audit_log';";
            offset = ((long)command.ExecuteScalar()! - 1) * size;
        }

        SqliteConnection.ClearAllPools();
        var original = new byte[size];
        var damage = new byte[size];
        new Random(15).NextBytes(damage);
        using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite);
        stream.Position = offset;
        stream.ReadExactly(original);
        stream.Position = offset;
        stream.Write(damage);
        return (offset, original);
    }

    private static (string Db, string Wal) Bytes(string file) =>
        (Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file))),
         File.Exists(file + "-wal") ? Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file + "-wal"))) : string.Empty);
}
