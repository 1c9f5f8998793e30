using System.Text.Json;
using System.Text.Json.Nodes;
using Threshold.Returns;
using Threshold.Screening;

namespace Threshold.Record.Tests;

public abstract class DecisionRecordTests(Backend backend)
{
    private static (CaseDecision Decision, ScreeningCase Input)[] Decide(params ScreeningCase[] cases)
    {
        var processor = new CaseProcessor(RecordFixtures.Screener, new ReturnsLedger(RecordFixtures.SmallCaps, recordEvents: false));
        return [.. cases.Select(c => (processor.Process(c), c))];
    }

    [Fact]
    public void Store_OneDecision_RoundTripsInputAndOutputJson()
    {
        using var record = new TempRecord(backend);
        var decisions = new DecisionRecord(record.Store, record.Clock);
        var (decision, input) = Decide(RecordFixtures.Case("c-1", "VE", 3, CaseFacts.ManifestsFear))[0];

        var stored = decisions.Store(decision, input, "proclamation-10773@test", "0.1.0");

        var back = decisions.Get(stored.DecisionId);
        Assert.NotNull(back);
        Assert.Equal(stored, back);
        Assert.Equal(CaseJsonReader.Write(input), back.InputJson);
        Assert.Equal(input, back.Input());
        Assert.Equal(JsonSerializer.Serialize(CaseDecisionJson.Build(decision), CaseDecisionJson.Compact), back.OutputJson);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(DecisionRecord.OutputJson(decision)), JsonNode.Parse(back.OutputJson)));
        Assert.NotEmpty(JsonNode.Parse(back.OutputJson)!["trace"]!.AsArray());
        Assert.Equal("proclamation-10773@test", back.RuleSetVersion);
        Assert.Equal("0.1.0", back.EngineVersion);
        Assert.Equal(RecordTime.Normalise(back.RecordedAt), back.RecordedAt);

        var entry = Assert.Single(record.Store.Audit.Entries());
        Assert.Equal("decision", entry.Kind);
        Assert.Equal(entry.Seq, back.AuditSeq);
        Assert.Equal(back.RecordedAt, entry.RecordedAt);
        var payload = JsonNode.Parse(entry.Payload)!;
        Assert.Equal(DecisionRecord.Sha256(back.OutputJson), (string?)payload["outputSha256"]);
        Assert.Equal(DecisionRecord.Sha256(back.InputJson), (string?)payload["inputSha256"]);
        Assert.True(record.Store.Audit.Verify().IsValid);
    }

    [Fact]
    public void StoreMany_Batch_StoresEveryDecisionWithItsOwnAuditEntry()
    {
        using var record = new TempRecord(backend);
        var decisions = new DecisionRecord(record.Store, record.Clock);
        var batch = Decide(
            RecordFixtures.Case("b-1", "MX", 4),
            RecordFixtures.Case("b-2", "EC", 4),
            RecordFixtures.Case("b-3", "GT", 5, CaseFacts.UnaccompaniedChild),
            RecordFixtures.Case("b-4", "IN", 5, CaseFacts.LawfulPermanentResident));

        var stored = decisions.StoreMany(batch, "rules-1", "engine-1");

        Assert.Equal([1L, 2, 3, 4], stored.Select(s => s.DecisionId));
        Assert.Single(stored.Select(s => s.RecordedAt).Distinct());
        var all = decisions.List();
        Assert.Equal(stored, all);
        for (var i = 0; i < batch.Length; i++)
        {
            Assert.Equal(batch[i].Input, all[i].Input());
            Assert.Equal(DecisionRecord.OutputJson(batch[i].Decision), all[i].OutputJson);
        }

        Assert.Equal(4, record.Store.Audit.Entries().Count(e => e.Kind == "decision"));
        Assert.Single(decisions.ForCase("b-3"));
        Assert.True(record.Store.Audit.Verify().IsValid);

        // Reopening (no migration pending) reads the same facts.
        Assert.Equal(all, new DecisionRecord(record.Reopen(), record.Clock).List());
    }

    [Fact]
    public void StoreMany_ThrowsMidway_LeavesNothingAndChainStillVerifies()
    {
        using var record = new TempRecord(backend);
        var decisions = new DecisionRecord(record.Store, record.Clock);
        var first = Decide(RecordFixtures.Case("keep", "CU", 2))[0];
        decisions.Store(first.Decision, first.Input, "r", "e");
        var head = record.Store.Audit.Verify();

        var batch = Decide(RecordFixtures.Case("x-1", "VE", 6), RecordFixtures.Case("x-2", "HN", 6), RecordFixtures.Case("x-3", "EC", 6));
        IEnumerable<(CaseDecision, ScreeningCase)> Failing()
        {
            yield return batch[0];
            yield return batch[1];
            throw new InvalidOperationException("the caller failed mid-batch");
        }

        Assert.Throws<InvalidOperationException>(() => decisions.StoreMany(Failing(), "r", "e"));

        // A mismatched pair fails mid-batch too.
        Assert.Throws<ArgumentException>(() => decisions.StoreMany([batch[0], (batch[1].Decision, batch[2].Input)], "r", "e"));

        Assert.Equal(["keep"], decisions.List().Select(d => d.CaseId));
        var after = record.Store.Audit.Verify();
        Assert.True(after.IsValid);
        Assert.Equal(head.EntryCount, after.EntryCount);
        Assert.Equal(head.HeadHash, after.HeadHash);

        // The next store continues the numbering and the chain.
        var next = decisions.Store(batch[2].Decision, batch[2].Input, "r", "e");
        Assert.Equal(2, next.DecisionId);
        Assert.True(record.Store.Audit.Verify().IsValid);
    }

    [Fact]
    public void StoredDecisions_AreAppendOnly()
    {
        using var record = new TempRecord(backend);
        var decisions = new DecisionRecord(record.Store, record.Clock);
        var (decision, input) = Decide(RecordFixtures.Case("c", "VE", 3))[0];
        decisions.Store(decision, input, "r", "e");

        Assert.ThrowsAny<System.Data.Common.DbException>(() => record.Sql("UPDATE screening_decision SET output_json = '{}'"));
        Assert.ThrowsAny<System.Data.Common.DbException>(() => record.Sql("DELETE FROM screening_decision"));
        Assert.Single(decisions.List());
    }
}

public sealed class DecisionRecordTestsOnSqlite() : DecisionRecordTests(Backend.Sqlite);

public sealed class DecisionRecordTestsOnPostgres() : DecisionRecordTests(Backend.Postgres);
