using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Threshold.Record.Tests;

public abstract class AuditChainTests(Backend backend)
{
    private TempRecord WithEntries(int count)
    {
        var record = new TempRecord(backend);
        // One transaction for all: appending is what the chain's own tests cover, and thousands of commits are slow.
        using (var connection = record.Store.Database.OpenConnection())
        using (var transaction = record.Store.Database.BeginWrite(connection))
        {
            for (var i = 1; i <= count; i++)
            {
                AuditChain.Append(connection, transaction, "note", new JsonObject { ["n"] = i, ["text"] = $"entry {i}" }, record.Clock.GetCurrentInstant());
            }

            transaction.Commit();
        }

        // An intruder with the file can drop the append-only triggers first; the chain must still tell.
        record.DropAppendOnlyGuards("audit_log");
        return record;
    }

    [Fact]
    public void Verify_UntouchedChain_IsValid()
    {
        using var record = WithEntries(5);
        var result = record.Store.Audit.Verify();
        Assert.True(result.IsValid, result.Reason);
        Assert.Equal(5, result.EntryCount);
        Assert.Equal(record.Store.Audit.Entries()[^1].Hash, result.HeadHash);
    }

    [Fact]
    public void Verify_WithProgress_ReportsEveryThousandEntriesAsItGoes_AndTheRemainderAtTheEnd()
    {
        using var record = WithEntries(2 * AuditChain.ProgressEvery + 7);
        var reports = new List<long>();
        var result = record.Store.Audit.Verify(null, reports.Add);
        Assert.True(result.IsValid, result.Reason);
        Assert.Equal([1000L, 1000L, 7L], reports);

        // From a checkpoint, only what follows it; a failing walk still reports what it checked before the failure.
        var checkpoint = new VerifiedCheckpoint(1500, record.Store.Audit.Entries()[1499].Hash);
        reports.Clear();
        Assert.True(record.Store.Audit.Verify(checkpoint, reports.Add).IsValid);
        Assert.Equal([507L], reports);

        record.Sql("""UPDATE audit_log SET payload = '{"n":0,"text":"rewritten"}' WHERE seq = 1200""");
        reports.Clear();
        var failed = record.Store.Audit.Verify(null, reports.Add);
        Assert.Equal(1200, failed.FailedSeq);
        Assert.Equal([1000L, 199L], reports);
    }

    [Fact]
    public void Verify_WhileAWriterHoldsTheWriteLock_ReadsASnapshotWithoutWaiting()
    {
        using var record = new TempRecord(backend);
        record.Store.Audit.Append("note", new JsonObject { ["n"] = 1 });
        using var writer = record.Store.Database.OpenConnection();
        using var write = record.Store.Database.BeginWrite(writer); // a recorded batch in progress

        // Reads used to open BEGIN IMMEDIATE on SQLite: they waited for the writer, then failed with "database is locked".
        var started = System.Diagnostics.Stopwatch.StartNew();
        var result = record.Store.Verify();
        Assert.True(result.IsValid, result.Reason);
        Assert.Equal(1, result.EntryCount);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(SqliteRecordDatabase.BusyTimeoutMilliseconds / 2000.0), $"verify took {started.Elapsed}");
        write.Rollback();
    }

    [Fact]
    public void Verify_EmptyLog_IsValidWithGenesisHead()
    {
        using var record = new TempRecord(backend);
        var result = record.Store.Audit.Verify();
        Assert.True(result.IsValid);
        Assert.Equal(0, result.EntryCount);
        Assert.Equal(AuditChain.GenesisHash, result.HeadHash);
    }

    [Fact]
    public void Append_Hash_MatchesDocumentedRecipe()
    {
        using var record = new TempRecord(backend);
        var entry = record.Store.Audit.Append("note", new JsonObject { ["b"] = 2, ["a"] = "x" });
        var text = new string('0', 64) + "{\"kind\":\"note\",\"payload\":{\"a\":\"x\",\"b\":2},\"recordedAt\":\"2025-01-20T12:00:01.000000Z\",\"seq\":1}";
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        Assert.Equal(NodaTime.Instant.FromUtc(2025, 1, 20, 12, 0, 1), entry.RecordedAt); // the clock ticks 1 s a read; opening read it first
        Assert.Equal(expected, entry.Hash);
        Assert.Equal("{\"a\":\"x\",\"b\":2}", entry.Payload);
    }

    [Fact]
    public void Append_UpdateOrDeleteThroughSql_IsRefusedByTriggers()
    {
        using var record = new TempRecord(backend);
        record.Store.Audit.Append("note", new JsonObject { ["n"] = 1 });
        Assert.ThrowsAny<Exception>(() => record.Sql("UPDATE audit_log SET kind = 'x'"));
        Assert.ThrowsAny<Exception>(() => record.Sql("DELETE FROM audit_log"));
        Assert.True(record.Store.Audit.Verify().IsValid);
    }

    [Fact]
    public void Verify_EditedPayload_NamesThatEntry()
    {
        using var record = WithEntries(5);
        record.Sql("""UPDATE audit_log SET payload = '{"n":3,"text":"entry three"}' WHERE seq = 3""");
        var result = record.Store.Audit.Verify();
        Assert.Equal(3, result.FailedSeq);
        Assert.Equal(ChainFailure.HashMismatch, result.Failure);
    }

    [Fact]
    public void Verify_EditedPayloadWithRecomputedHash_NamesTheNextEntry()
    {
        using var record = WithEntries(5);
        var e = record.Store.Audit.Entries()[2];
        var forged = """{"n":3,"text":"entry three"}""";
        var hash = AuditChain.ComputeHash(e.PrevHash, e.Seq, e.Kind, e.RecordedAt, forged);
        record.Sql($"UPDATE audit_log SET payload = '{forged}', hash = '{hash}' WHERE seq = 3");
        var result = record.Store.Audit.Verify();
        Assert.Equal(4, result.FailedSeq);
        Assert.Equal(ChainFailure.PrevMismatch, result.Failure);
    }

    [Fact]
    public void Verify_DeletedRow_NamesTheMissingSeq()
    {
        using var record = WithEntries(5);
        record.Sql("DELETE FROM audit_log WHERE seq = 2");
        var result = record.Store.Audit.Verify();
        Assert.Equal(2, result.FailedSeq);
        Assert.Equal(ChainFailure.GapInSeq, result.Failure);
        Assert.Equal(1, result.EntryCount);
    }

    [Fact]
    public void Verify_SwappedRows_NamesTheFirstSwapped()
    {
        using var record = WithEntries(5);
        record.Sql("UPDATE audit_log SET seq = -1 WHERE seq = 2; UPDATE audit_log SET seq = 2 WHERE seq = 4; UPDATE audit_log SET seq = 4 WHERE seq = -1;");
        var result = record.Store.Audit.Verify();
        Assert.Equal(2, result.FailedSeq);
        Assert.Equal(ChainFailure.HashMismatch, result.Failure);
    }

    [Fact]
    public void Verify_SwappedContentsKeepingSeq_NamesTheFirstSwapped()
    {
        using var record = WithEntries(5);
        // Rows 3 and 4 exchange everything but seq, stored hashes included.
        record.Sql("""
            CREATE TEMP TABLE t AS SELECT * FROM audit_log WHERE seq IN (3, 4);
            UPDATE audit_log SET hash = 'z' || substr(hash, 2) WHERE seq = 4;
            UPDATE audit_log SET kind = (SELECT kind FROM t WHERE seq = 4), recorded_at = (SELECT recorded_at FROM t WHERE seq = 4),
                payload = (SELECT payload FROM t WHERE seq = 4), prev_hash = (SELECT prev_hash FROM t WHERE seq = 4), hash = (SELECT hash FROM t WHERE seq = 4) WHERE seq = 3;
            UPDATE audit_log SET kind = (SELECT kind FROM t WHERE seq = 3), recorded_at = (SELECT recorded_at FROM t WHERE seq = 3),
                payload = (SELECT payload FROM t WHERE seq = 3), prev_hash = (SELECT prev_hash FROM t WHERE seq = 3), hash = (SELECT hash FROM t WHERE seq = 3) WHERE seq = 4;
            """);
        Assert.Contains("entry 4", record.Store.Audit.Entries()[2].Payload, StringComparison.Ordinal);
        var result = record.Store.Audit.Verify();
        Assert.Equal(3, result.FailedSeq);
        Assert.Equal(ChainFailure.HashMismatch, result.Failure);
    }

    [Fact]
    public void Append_ClockBehindLastEntry_IsRefused()
    {
        using var record = new TempRecord(backend);
        record.Store.Audit.Append("note", new JsonObject { ["n"] = 1 });
        record.Clock.Reset(record.Clock.GetCurrentInstant().Minus(NodaTime.Duration.FromHours(1)));
        Assert.Throws<RecordException>(() => record.Store.Audit.Append("note", new JsonObject { ["n"] = 2 }));
        Assert.Single(record.Store.Audit.Entries());
    }
}

public sealed class AuditChainTestsOnSqlite() : AuditChainTests(Backend.Sqlite);

public sealed class AuditChainTestsOnPostgres() : AuditChainTests(Backend.Postgres);
