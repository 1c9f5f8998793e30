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
        Assert.Equal("decision-batch", entry.Kind);
        Assert.Equal(entry.Seq, back.AuditSeq);
        Assert.Equal(back.RecordedAt, entry.RecordedAt);
        var payload = JsonNode.Parse(entry.Payload)!;
        Assert.Equal(1, (long)payload["count"]!);
        Assert.Equal(stored.DecisionId, (long)payload["firstDecisionId"]!);

        // The documented recipe, recomputed here from the raw row: each field as an 8-byte big-endian length + UTF-8.
        var (storedOutput, traceId) = RawRow(record, stored.DecisionId);
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var field in new[] { stored.DecisionId.ToString(System.Globalization.CultureInfo.InvariantCulture), "c-1", back.InputJson, storedOutput, traceId, "proclamation-10773@test", "0.1.0", RecordTime.Format(back.RecordedAt) })
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(field);
            var length = new byte[8];
            System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(length, bytes.Length);
            sha.AppendData(length);
            sha.AppendData(bytes);
        }

        Assert.Equal(Convert.ToHexStringLower(sha.GetHashAndReset()), (string?)payload["rowsSha256"]);
        Assert.DoesNotContain("\"trace\"", storedOutput, StringComparison.Ordinal); // the trace is stored once, by id
        Assert.Equal(traceId, DecisionRecord.Sha256(JsonNode.Parse(back.OutputJson)!["trace"]!.ToJsonString(CaseDecisionJson.Compact)));
        Assert.True(record.Store.Verify().IsValid);
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

        var entry = Assert.Single(record.Store.Audit.Entries()); // one entry for the batch
        Assert.Equal(4, (long)JsonNode.Parse(entry.Payload)!["count"]!);
        Assert.All(all, d => Assert.Equal(entry.Seq, d.AuditSeq));
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
    public void StoreMany_RepeatedTraces_AreStoredOnce()
    {
        using var record = new TempRecord(backend);
        var decisions = new DecisionRecord(record.Store, record.Clock);
        var batch = Decide([.. Enumerable.Range(0, 50).Select(i => RecordFixtures.Case($"same-{i}", "VE", 10))]);
        decisions.StoreMany(batch, "r", "e");
        Assert.Equal(1, record.Scalar("SELECT COUNT(*) FROM screening_trace"));
        Assert.All(decisions.List(), (d, i) => Assert.Equal(DecisionRecord.OutputJson(batch[i].Decision), d.OutputJson));
    }

    [Theory]
    [InlineData("UPDATE screening_decision SET output_json = replace(output_json, '\"id\":\"t-2\"', '\"id\":\"t-9\"') WHERE decision_id = 2", "a row was edited")]
    [InlineData("UPDATE screening_decision SET case_id = 'someone-else' WHERE decision_id = 1", "a row was edited")]
    [InlineData("DELETE FROM screening_decision WHERE decision_id = 2", "holds 2 row(s)")]
    [InlineData("INSERT INTO screening_decision (decision_id, case_id, input_json, output_json, rule_set_version, engine_version, recorded_at, audit_seq, trace_id) SELECT 99, 'forged', input_json, output_json, rule_set_version, engine_version, recorded_at, audit_seq, trace_id FROM screening_decision WHERE decision_id = 1", "not recorded by any decision entry")]
    [InlineData("UPDATE screening_trace SET trace_json = replace(trace_json, 'true', 'false')", "no longer hashes to its id")]
    public void Verify_DecisionRowsEditedDirectly_FailsNamingTheEntry(string tamper, string reason)
    {
        using var record = new TempRecord(backend);
        var decisions = new DecisionRecord(record.Store, record.Clock);
        decisions.StoreMany(Decide(RecordFixtures.Case("t-1", "VE", 3), RecordFixtures.Case("t-2", "CU", 3, CaseFacts.ManifestsFear), RecordFixtures.Case("t-3", "HN", 4)), "r", "e");
        var entry = Assert.Single(record.Store.Audit.Entries());
        Assert.True(record.Store.Verify().IsValid);

        record.DropAppendOnlyGuards("screening_decision");
        record.DropAppendOnlyGuards("screening_trace");
        record.Sql(tamper);

        Assert.True(record.Store.Audit.Verify().IsValid); // the log itself is untouched …
        var result = record.Store.Verify();                 // … but the facts no longer match it
        Assert.False(result.IsValid);
        Assert.Equal(ChainFailure.FactMismatch, result.Failure);
        Assert.Equal(entry.Seq, result.FailedSeq);
        Assert.Contains(reason, result.Reason, StringComparison.Ordinal);
    }

    private static (string Output, string SharedId) RawRow(TempRecord record, long id, string sharedColumn = "trace_id")
    {
        using var connection = record.NewDatabase().OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT output_json, {sharedColumn} FROM screening_decision WHERE decision_id = {id}";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        return (reader.GetString(0), reader.GetString(1));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("UPDATE screening_decision SET output_json = replace(output_json, 'false', 'true') WHERE decision_id = 1", "a row was edited")]
    [InlineData("UPDATE screening_decision SET output_json = replace(output_json, '2024-', '2023-') WHERE decision_id = 2", "a row was edited")]
    [InlineData("UPDATE screening_decision SET template_id = (SELECT MAX(template_id) FROM screening_template) WHERE decision_id = (SELECT MIN(decision_id) FROM screening_decision WHERE template_id <> (SELECT MAX(template_id) FROM screening_template))", "a row was edited")]
    [InlineData("UPDATE screening_template SET template_json = replace(template_json, 'true', 'false')", "no longer hashes to its id")]
    [InlineData("UPDATE screening_decision SET template_id = NULL WHERE decision_id = 3", "does not match how entry")]
    [InlineData("DELETE FROM screening_template WHERE template_id = (SELECT template_id FROM screening_decision WHERE decision_id = 1)", "is not stored")]
    public void StoreLines_BulkLines_StoredAsTemplatesAndValues_ReadBackAsTheInlineLines(string? tamper, string? reason)
    {
        using var record = new TempRecord(backend);
        var cases = new[]
        {
            RecordFixtures.Case("l-1", "VE", 10), RecordFixtures.Case("l-2", "VE", 11), RecordFixtures.Case("l-3", "MX", 12),
            RecordFixtures.Case("l-4", "GT", 12, CaseFacts.UnaccompaniedChild), RecordFixtures.Case("l-5", "CU", 13, CaseFacts.ManifestsFear),
            RecordFixtures.Case("l-6 \"quoted\" \\ é", "EC", 14), // an id JSON must escape
        };

        // What `screen --cases --trace inline` prints for these cases: the expected stored-and-joined outputs.
        var inline = new MemoryStream();
        using (var writer = new CaseDecisionLineWriter(RecordFixtures.Screener, new ReturnsLedger(RecordFixtures.SmallCaps, recordEvents: false), inline, null, BulkTraceMode.Inline))
        {
            foreach (var c in cases)
            {
                writer.Write(c);
            }
        }

        var expected = System.Text.Encoding.UTF8.GetString(inline.ToArray()).TrimEnd('\n').Split('\n');

        // The record's path: classify, allocate (here in memory, as the record's ledger would), format, store.
        var ledger = new ReturnsLedger(RecordFixtures.SmallCaps, recordEvents: false);
        using var formatter = new CaseDecisionLineWriter(RecordFixtures.Screener, ledger, Stream.Null, null, BulkTraceMode.Shared);
        var lines = cases.Select(c =>
        {
            var o = RecordFixtures.Screener.Classify(c);
            var allocation = o.Removal == RemovalPath.Removable ? ledger.Allocate(new ReturnRequest(c.Id, c.Citizenship, c.EntryInstant, c.Has(CaseFacts.UnaccompaniedChild))) : null;
            return (formatter.Format(c, o, allocation), c);
        }).ToList();
        var batch = new DecisionRecord(record.Store, record.Clock).StoreLines(lines, "r", "e");

        Assert.NotNull(batch);
        Assert.Equal((1L, 6L), (batch.FirstDecisionId, batch.LastDecisionId));
        var stored = new DecisionRecord(record.Store, record.Clock).List();
        Assert.Equal(expected, stored.Select(d => d.OutputJson));
        Assert.Equal(cases, stored.Select(d => d.Input()));
        Assert.Equal(expected, lines.Select(l => l.Item1.Inline));
        Assert.Equal(lines.Select(l => l.Item1.TemplateSha256).Distinct().Count(), record.Scalar("SELECT COUNT(*) FROM screening_template"));
        Assert.True(record.Scalar("SELECT COUNT(*) FROM screening_template") > 1);
        Assert.Equal(0, record.Scalar("SELECT COUNT(*) FROM screening_trace"));

        // A removable case's row holds only its values; the text around them is its template, stored once.
        var (values, templateId) = RawRow(record, 1, "template_id");
        Assert.Equal(lines[0].Item1.TemplateSha256, templateId);
        Assert.Matches("""^\["[A-Z]{2}",(true|false),(null|"[^"]+"),"[^"]+","\d{4}-\d{2}","\d{4}-\d{2}-\d{2}","\d{4}-\d{2}-\d{2}"\]$""", values);
        var entry = Assert.Single(record.Store.Audit.Entries());
        Assert.Contains("\"templates\":true", entry.Payload, StringComparison.Ordinal);
        Assert.True(record.Store.Verify().IsValid);
        if (tamper is null)
        {
            return;
        }

        record.DropAppendOnlyGuards("screening_decision");
        record.DropAppendOnlyGuards("screening_template");
        record.Sql(backend == Backend.Sqlite ? "PRAGMA foreign_keys = OFF; " + tamper : tamper); // as an intruder would

        var result = record.Store.Verify();
        Assert.Equal(ChainFailure.FactMismatch, result.Failure);
        Assert.Equal(entry.Seq, result.FailedSeq);
        Assert.Contains(reason!, result.Reason, StringComparison.Ordinal);
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
