using Dapper;
using NodaTime;
using Threshold.Returns;
using Threshold.TestSupport;

namespace Threshold.Record.Tests;

/// <summary>
/// What an insider with the database file (or a restored backup) can do to each fact table — edit, insert, delete and
/// reorder rows, with every trigger dropped first — and that verification names the table each time (issue 15).
/// </summary>
public abstract class FactTamperTests(Backend backend)
{
    public static TheoryData<string, string, string> Tampers => new()
    {
        // The series: halving July–mid-August turns the 10773 timeline into a discontinuation.
        { "halve days", "UPDATE encounter_day SET between_ports = between_ports / 2 WHERE day BETWEEN '2024-07-01' AND '2024-08-15'", "encounter_day" },
        { "insert a day", "INSERT INTO encounter_day (series_name, day, recorded_at, import_id, between_ports, coastal, ports_of_entry, uc_noncontiguous_between_ports, uc_noncontiguous_ports) SELECT series_name, '2025-06-01', recorded_at, import_id, 1, 0, 0, 0, 0 FROM encounter_day WHERE day = '2024-07-01'", "encounter_day" },
        { "delete a day", "DELETE FROM encounter_day WHERE day = '2024-07-04'", "encounter_day" },
        { "reorder days", "UPDATE encounter_day SET between_ports = CASE day WHEN '2024-07-01' THEN (SELECT between_ports FROM encounter_day WHERE day = '2024-07-02') ELSE (SELECT between_ports FROM encounter_day WHERE day = '2024-07-01') END WHERE day IN ('2024-07-01', '2024-07-02')", "encounter_day" },
        { "edit an import", "UPDATE encounter_import SET source_name = 'other.csv'", "encounter_import" },
        { "forge an import", "INSERT INTO encounter_import (import_id, series_name, source_name, content_sha256, recorded_at, day_count, new_day_count, revised_day_count, provenance) SELECT 99, series_name, 'forged.csv', content_sha256, recorded_at, 0, 0, 0, provenance FROM encounter_import", "encounter_import" },

        // Monthly rows.
        { "edit a monthly count", "UPDATE khsm_monthly SET quantity = quantity + 1 WHERE year_month = (SELECT MIN(year_month) FROM khsm_monthly)", "khsm_monthly" },
        { "delete monthly rows", "DELETE FROM khsm_monthly WHERE year_month = (SELECT MAX(year_month) FROM khsm_monthly)", "khsm_monthly" },
        { "edit a monthly import", "UPDATE monthly_import SET row_count = row_count + 1", "monthly_import" },

        // Determinations.
        { "forge a determination", "INSERT INTO recorded_determination (determination_id, determined_on, kind, window_start, window_end, made_by, note, recorded_at, audit_seq) VALUES (77, '2024-07-20', 'Deactivation', '2024-07-06', '2024-07-19', 'forger', NULL, '2025-01-20T12:00:00.000000Z', 1)", "recorded_determination" },
        { "edit a determination", "UPDATE recorded_determination SET window_end = '2024-07-18'", "recorded_determination" },
        { "delete a determination", "DELETE FROM recorded_determination", "recorded_determination" },

        // API keys.
        { "raise a viewer to admin", "UPDATE api_key SET role = 'admin' WHERE name = 'viewer'", "api_key" },
        { "bring a revoked key back", "UPDATE api_key SET revoked_at = NULL, revoked_audit_seq = NULL WHERE name = 'revoked'", "api_key (revocation)" },
        { "swap key names", "UPDATE api_key SET name = CASE name WHEN 'viewer' THEN 'revoked' ELSE 'viewer' END", "api_key" },
        { "delete a key", "DELETE FROM api_key WHERE name = 'viewer'", "api_key" },

        // The ledger: deleted allocations free cap for more people than it allows.
        { "delete allocations", "DELETE FROM ledger_event WHERE seq > 1", "ledger_event" },
        { "edit a destination", "UPDATE ledger_event SET destination = 'MX', overflow = 0 WHERE overflow = 1", "ledger_event" },
        { "reorder allocations", "UPDATE ledger_event SET case_id = CASE case_id WHEN 'l1' THEN 'l2' ELSE 'l1' END WHERE case_id IN ('l1', 'l2')", "ledger_event" },
    };

    [Fact]
    public void Verify_UntouchedRecordOfEveryFactKind_IsValidAndFullyBound()
    {
        using var record = Populated();
        var result = record.Store.Verify();
        Assert.True(result.IsValid, result.Reason);
        Assert.Null(result.Legacy);
    }

    [Theory]
    [MemberData(nameof(Tampers))]
    public void Verify_TamperedFactTable_WithTriggersDropped_FailsNamingTheTable(string what, string sql, string table)
    {
        using var record = Populated();
        var head = record.Store.Verify().HeadHash;
        DropEveryTrigger(record);
        record.Sql(sql);

        var result = record.Store.Verify();
        Assert.False(result.IsValid, what);
        Assert.Equal(ChainFailure.FactMismatch, result.Failure);
        Assert.NotNull(result.Table);
        Assert.Contains(table, result.Table, StringComparison.Ordinal);
        Assert.Equal(head, result.HeadHash); // the chain itself is untouched: only the facts give it away
    }

    [Fact]
    public void AppendOnlyTriggers_RefuseEditsToEveryFactTable()
    {
        using var record = Populated();
        foreach (var sql in new[]
        {
            "UPDATE encounter_day SET between_ports = 0",
            "DELETE FROM encounter_import",
            "UPDATE recorded_determination SET note = 'x'",
            "DELETE FROM khsm_monthly",
            "UPDATE monthly_import SET layout = 'x'",
            "UPDATE api_key SET role = 'admin'",
            "UPDATE api_key SET revoked_at = NULL, revoked_audit_seq = NULL WHERE revoked_at IS NOT NULL",
            "DELETE FROM api_key",
            "UPDATE fact_binding SET from_seq = 1000",
        })
        {
            Assert.ThrowsAny<System.Data.Common.DbException>(() => record.Sql(sql));
        }

        Assert.True(record.Store.Verify().IsValid);
    }

    [Fact]
    public void Verify_FactBindingMovedPastBoundEntries_IsNamed()
    {
        using var record = Populated();
        DropEveryTrigger(record);
        record.Sql("UPDATE fact_binding SET from_seq = 1000");
        var result = record.Store.Verify();
        Assert.False(result.IsValid);
        Assert.Contains("fact_binding was edited", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_EntriesFromBeforeFactBinding_AreCheckedAgainstTheirPayloads_AndTheReportSaysWhatIsUnbound()
    {
        using var record = Populated();

        // As if every entry had been written before migration 7: they carry rowsSha256, so make binding start later,
        // strip nothing, and instead write legacy-style entries directly below.
        DropEveryTrigger(record);
        record.Sql("DELETE FROM fact_binding");
        record.Sql("INSERT INTO fact_binding (from_seq) VALUES (1)");
        Assert.True(record.Store.Verify().IsValid);

        // A legacy determination (no rowsSha256) whose row matches its payload verifies, and is reported as legacy.
        using var legacy = new TempRecord(backend);
        DropEveryTrigger(legacy);
        legacy.Sql("DELETE FROM fact_binding");
        legacy.Sql("INSERT INTO fact_binding (from_seq) VALUES (100)");
        var entry = legacy.Store.Audit.Append("api-key-created", new System.Text.Json.Nodes.JsonObject { ["keyId"] = "abcdefabcdef", ["name"] = "old", ["role"] = "viewer", ["by"] = "test" });
        legacy.Sql($"INSERT INTO api_key (key_id, name, role, key_sha256, created_at, created_audit_seq) VALUES ('abcdefabcdef', 'old', 'viewer', '{new string('a', 64)}', '{RecordTime.Format(entry.RecordedAt)}', {entry.Seq})");
        var verified = legacy.Store.Verify();
        Assert.True(verified.IsValid, verified.Reason);
        Assert.Contains("1 entry from before fact binding", verified.Legacy, StringComparison.Ordinal);
        Assert.Contains("1 key hashes of api_key rows", verified.Legacy, StringComparison.Ordinal);

        // Its role, which the payload states, is still bound.
        legacy.Sql("UPDATE api_key SET role = 'admin'");
        var raised = legacy.Store.Verify();
        Assert.False(raised.IsValid);
        Assert.Contains("api_key.role", raised.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Allocate_UnderAnotherArrangementSet_IsRefusedNamingBothDigests_UntilAdopted()
    {
        using var record = new TempRecord(backend);
        var first = new LedgerRecord(record.Store, RecordFixtures.SmallCaps, record.Clock);
        first.Allocate(new ReturnRequest("a1", "CU", RecordFixtures.June(10), false));

        var other = new LedgerRecord(record.Store, ArrangementSet.BuiltIn, record.Clock);
        var refused = Assert.Throws<ArrangementMismatchException>(() => other.Allocate(new ReturnRequest("a2", "CU", RecordFixtures.June(10), false)));
        Assert.Contains(RecordFixtures.SmallCaps.AllocationSha256, refused.Message, StringComparison.Ordinal);
        Assert.Contains(ArrangementSet.BuiltIn.AllocationSha256, refused.Message, StringComparison.Ordinal);
        Assert.Equal(1, record.Scalar("SELECT COUNT(*) FROM ledger_event"));

        // Adopting the new set is itself recorded; then the new set writes and the old one is refused.
        other.AdoptArrangements("test");
        other.Allocate(new ReturnRequest("a2", "CU", RecordFixtures.June(10), false));
        Assert.Throws<ArrangementMismatchException>(() => first.Allocate(new ReturnRequest("a3", "CU", RecordFixtures.June(10), false)));
        Assert.Equal(ArrangementSet.BuiltIn.AllocationSha256, other.RecordedArrangementsSha256());
        Assert.True(record.Store.Verify().IsValid);
    }

    [Fact]
    public void Verify_FromAVerifiedCheckpoint_ChecksWhatCameAfterIt()
    {
        using var record = Populated();
        var first = record.Store.Verify();
        var checkpoint = new VerifiedCheckpoint(first.EntryCount, first.HeadHash);
        record.Store.Determinations.RecordDetermination(new LocalDate(2024, 8, 20), Engine.DeterminationKind.Activation, new LocalDate(2024, 8, 6), new LocalDate(2024, 8, 19), "later");
        new LedgerRecord(record.Store, RecordFixtures.SmallCaps, record.Clock).Allocate(new ReturnRequest("later", "VE", RecordFixtures.June(11), false));

        var resumed = record.Store.Verify(from: checkpoint);
        Assert.True(resumed.IsValid, resumed.Reason);
        Assert.Equal(first.EntryCount + 2, resumed.EntryCount);
        Assert.Equal(record.Store.Verify().HeadHash, resumed.HeadHash);

        DropEveryTrigger(record);

        // A row of an entry after the checkpoint is checked …
        record.Sql("UPDATE ledger_event SET destination = 'MX' WHERE case_id = 'later'");
        var after = record.Store.Verify(from: checkpoint);
        Assert.False(after.IsValid);
        Assert.Equal("ledger_event", after.Table);

        // … a row before it is not (the checkpoint vouches for it), but a full verification still finds it.
        record.Sql("UPDATE ledger_event SET destination = 'VE' WHERE case_id = 'later'");
        record.Sql("UPDATE recorded_determination SET note = 'forged' WHERE made_by = 'test'");
        Assert.True(record.Store.Verify(from: checkpoint).IsValid);
        Assert.Equal("recorded_determination", record.Store.Verify().Table);

        // A checkpoint the record no longer matches is refused.
        var wrong = record.Store.Verify(from: new VerifiedCheckpoint(checkpoint.Seq, new string('0', 64)));
        Assert.False(wrong.IsValid);
        Assert.Contains("does not match", wrong.Reason, StringComparison.Ordinal);
        Assert.Equal(checkpoint, VerifiedCheckpoint.Parse(checkpoint.ToString()));
        Assert.Null(VerifiedCheckpoint.Parse("3:abc"));
    }

    /// <summary>A record holding a fact of every kind: a series, a monthly import, a determination, keys (one revoked) and allocations (one overflowing).</summary>
    private TempRecord Populated()
    {
        var record = new TempRecord(backend);
        var csv = record.WriteCsv("daily.csv", new LocalDate(2024, 6, 1), [.. Enumerable.Range(0, 120).Select(i => 3000 + i)]);
        record.Store.Encounters.ImportFile("daily", csv);
        var khsm = Path.Combine(record.Directory, "khsm.csv");
        File.WriteAllLines(khsm, File.ReadLines(MonthlyImportTests.Source("usbp_khsm_monthly_region_fy2000_fy2025nov.csv")).Take(40));
        MonthlyImports.ImportKhsm(record.Store, khsm, record.Clock);
        record.Store.Determinations.RecordDetermination(new LocalDate(2024, 7, 20), Engine.DeterminationKind.Deactivation, new LocalDate(2024, 7, 6), new LocalDate(2024, 7, 19), "test");
        var keys = new ApiKeyRecord(record.Store, record.Clock);
        keys.Create("viewer", ApiRole.Viewer, "test");
        var revoked = keys.Create("revoked", ApiRole.Analyst, "test");
        keys.Revoke(revoked.Key.KeyId, "test");
        var ledger = new LedgerRecord(record.Store, RecordFixtures.SmallCaps, record.Clock);
        ledger.AllocateMany([.. Enumerable.Range(1, 8).Select(i => new ReturnRequest($"l{i}", "VE", RecordFixtures.June(10), false))]);
        Assert.True(record.Scalar("SELECT COUNT(*) FROM ledger_event WHERE overflow = 1") > 0, "the fixture needs an overflow");
        return record;
    }

    /// <summary>What an intruder does first: drop every trigger, so only verification stands between an edit and the record.</summary>
    private static void DropEveryTrigger(TempRecord record)
    {
        using var connection = record.NewDatabase().OpenConnection();
        if (record.Backend == Backend.Postgres)
        {
            foreach (var (name, table) in connection.Query<(string, string)>("SELECT DISTINCT trigger_name, event_object_table FROM information_schema.triggers WHERE trigger_schema = current_schema()"))
            {
                connection.Execute($"DROP TRIGGER {name} ON {table}");
            }
        }
        else
        {
            foreach (var name in connection.Query<string>("SELECT name FROM sqlite_master WHERE type = 'trigger'").ToList())
            {
                connection.Execute($"DROP TRIGGER {name}");
            }
        }
    }
}

public sealed class FactTamperTestsOnSqlite() : FactTamperTests(Backend.Sqlite);

public sealed class FactTamperTestsOnPostgres() : FactTamperTests(Backend.Postgres);
