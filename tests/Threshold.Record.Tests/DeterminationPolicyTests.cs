using System.Text.Json.Nodes;
using Dapper;
using NodaTime;
using Threshold.Engine;

namespace Threshold.Record.Tests;

/// <summary>
/// Issue 17: a recorded determination names the policy it was made under (schema 8). The name is bound by the audit
/// chain like every other column of the row, and the determinations recorded before it existed are attributed to
/// proclamation-10773 (the only policy they could be made under), a fact verification holds them to.
/// </summary>
public abstract class DeterminationPolicyTests(Backend backend)
{
    [Fact]
    public void RecordDetermination_NamesItsPolicy_AndTheChainBindsIt()
    {
        using var record = new TempRecord(backend);
        var senate = record.Store.Determinations.RecordDetermination(
            new LocalDate(2024, 7, 20), DeterminationKind.Deactivation, new LocalDate(2024, 7, 6), new LocalDate(2024, 7, 19), "test", null, "senate-border-act-2024");
        var unnamed = record.Store.Determinations.RecordDetermination(
            new LocalDate(2024, 6, 4), DeterminationKind.Activation, new LocalDate(2024, 5, 28), new LocalDate(2024, 6, 3), "test");

        Assert.Equal("senate-border-act-2024", senate.PolicyId);
        Assert.Equal(RecordedDetermination.FirstPolicy, unnamed.PolicyId);
        Assert.Equal([RecordedDetermination.FirstPolicy, "senate-border-act-2024"], record.Store.Determinations.List().Select(d => d.PolicyId));
        var entry = record.Store.Audit.Entries().Single(e => e.Seq == senate.AuditSeq);
        Assert.Contains("\"policy\":\"senate-border-act-2024\"", entry.Payload, StringComparison.Ordinal);
        Assert.True(record.Store.Verify().IsValid);

        record.DropAppendOnlyGuards("recorded_determination");
        record.Sql("UPDATE recorded_determination SET policy_id = 'proclamation-10773' WHERE made_by = 'test' AND kind = 'Deactivation'");
        var tampered = record.Store.Verify();
        Assert.False(tampered.IsValid);
        Assert.Equal("recorded_determination", tampered.Table);
    }

    [Theory]
    [InlineData("hr2-2023", "has no encounter threshold")]
    [InlineData("proclamation-10888", "has no encounter threshold")]
    [InlineData("nosuch", "not a built-in policy")]
    public void RecordDetermination_UnderAPolicyThatReadsNoCounts_IsRefusedAndNothingLogged(string policy, string why)
    {
        using var record = new TempRecord(backend);
        var e = Assert.Throws<RecordException>(() => record.Store.Determinations.RecordDetermination(
            new LocalDate(2024, 7, 20), DeterminationKind.Activation, new LocalDate(2024, 7, 6), new LocalDate(2024, 7, 12), "test", null, policy));
        Assert.Contains($"policy {policy}: {why}", e.Message, StringComparison.Ordinal);
        Assert.Contains("proclamation-10773", e.Message, StringComparison.Ordinal);
        Assert.Empty(record.Store.Determinations.List());
        Assert.Empty(record.Store.Audit.Entries());
    }

    [Fact]
    public void Migration8_AttributesEarlierDeterminationsToProclamation10773_AndAuditVerifyStillPasses()
    {
        using var record = new TempRecord(backend, open: false);
        var database = record.NewDatabase();
        var before = Migrations.Embedded(database.MigrationSet).Where(m => m.Version <= 7).ToList();
        Assert.Equal(7, Migrations.Apply(database, before, record.Clock).ToVersion);
        WriteAsSchema7(database, record.Clock.GetCurrentInstant());

        var store = RecordStore.Open(record.NewDatabase(), record.Clock);
        Assert.Equal(7, store.Migration.FromVersion);
        Assert.Equal(8, store.Migration.ToVersion);
        var old = Assert.Single(store.Determinations.List());
        Assert.Equal(RecordedDetermination.FirstPolicy, old.PolicyId);
        Assert.Equal("before schema 8", old.Note);
        var verified = store.Verify();
        Assert.True(verified.IsValid, verified.Reason);

        // A later determination names its own policy, and both verify.
        store.Determinations.RecordDetermination(new LocalDate(2024, 8, 20), DeterminationKind.Activation, new LocalDate(2024, 8, 6), new LocalDate(2024, 8, 12), "after", null, "senate-border-act-2024");
        Assert.True(store.Verify().IsValid);

        // The attribution is held: the old entry binds no policy_id, so verification checks it is the documented one.
        record.DropAppendOnlyGuards("recorded_determination");
        record.Sql("UPDATE recorded_determination SET policy_id = 'senate-border-act-2024' WHERE made_by = 'before'");
        var moved = store.Verify();
        Assert.False(moved.IsValid);
        Assert.Equal("recorded_determination", moved.Table);
        Assert.Contains("attributed to proclamation-10773", moved.Reason, StringComparison.Ordinal);
    }

    /// <summary>A determination as schema 7 wrote it: no policy in the payload, and rowsSha256 over the columns of then.</summary>
    private static void WriteAsSchema7(IRecordDatabase database, Instant at)
    {
        using var connection = database.OpenConnection();
        using var transaction = database.BeginWrite(connection);
        var recordedAt = RecordTime.Format(RecordTime.Normalise(at));
        object?[] row = [1L, "2024-07-20", "Deactivation", "2024-07-06", "2024-07-12", "before", "before schema 8", recordedAt];
        var payload = new JsonObject
        {
            ["date"] = "2024-07-20",
            ["kind"] = "Deactivation",
            ["windowStart"] = "2024-07-06",
            ["windowEnd"] = "2024-07-12",
            ["by"] = "before",
            ["note"] = "before schema 8",
            [RecordFacts.RowsMember] = RecordFacts.Digest([row]),
        };
        var entry = AuditChain.Append(connection, transaction, "determination", payload, RecordTime.Normalise(at));
        connection.Execute(
            "INSERT INTO recorded_determination (determination_id, determined_on, kind, window_start, window_end, made_by, note, recorded_at, audit_seq) VALUES (1, '2024-07-20', 'Deactivation', '2024-07-06', '2024-07-12', 'before', 'before schema 8', @RecordedAt, @Seq)",
            new { RecordedAt = recordedAt, entry.Seq },
            transaction);
        transaction.Commit();
    }
}

public sealed class DeterminationPolicyTestsOnSqlite() : DeterminationPolicyTests(Backend.Sqlite);

public sealed class DeterminationPolicyTestsOnPostgres() : DeterminationPolicyTests(Backend.Postgres);
