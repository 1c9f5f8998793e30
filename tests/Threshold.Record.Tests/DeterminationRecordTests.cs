using NodaTime;
using Threshold.Engine;

namespace Threshold.Record.Tests;

public abstract class DeterminationRecordTests(Backend backend)
{
    [Fact]
    public void RecordDetermination_Valid_IsListedAndLogged()
    {
        using var record = new TempRecord(backend);
        var made = record.Store.Determinations.RecordDetermination(
            new LocalDate(2024, 6, 4), DeterminationKind.Activation, new LocalDate(2024, 5, 27), new LocalDate(2024, 6, 2), "Proclamation 10773 §2(b)", "in force on signature");
        record.Store.Determinations.RecordDetermination(
            new LocalDate(2024, 3, 1), DeterminationKind.Deactivation, new LocalDate(2024, 2, 1), new LocalDate(2024, 2, 29), "Secretary of Homeland Security");

        var list = record.Store.Determinations.List();
        Assert.Equal(2, list.Count);
        Assert.Equal(new LocalDate(2024, 3, 1), list[0].Date);
        Assert.Null(list[0].Note);
        Assert.Equal(made, list[1]);

        var entry = record.Store.Audit.Entries().Single(e => e.Seq == made.AuditSeq);
        Assert.Equal("determination", entry.Kind);
        Assert.Contains("\"kind\":\"Activation\"", entry.Payload, StringComparison.Ordinal);
        Assert.Contains("\"windowEnd\":\"2024-06-02\"", entry.Payload, StringComparison.Ordinal);
        Assert.True(record.Store.Audit.Verify().IsValid);
    }

    [Fact]
    public void RecordDetermination_WindowAfterDate_IsRefusedAndNothingLogged()
    {
        using var record = new TempRecord(backend);
        Assert.Throws<ArgumentException>(() => record.Store.Determinations.RecordDetermination(
            new LocalDate(2024, 6, 1), DeterminationKind.Activation, new LocalDate(2024, 5, 27), new LocalDate(2024, 6, 2), "someone"));
        Assert.Throws<ArgumentException>(() => record.Store.Determinations.RecordDetermination(
            new LocalDate(2024, 6, 10), DeterminationKind.Activation, new LocalDate(2024, 6, 3), new LocalDate(2024, 6, 2), "someone"));
        Assert.Empty(record.Store.Determinations.List());
        Assert.Empty(record.Store.Audit.Entries());
    }
}

public sealed class DeterminationRecordTestsOnSqlite() : DeterminationRecordTests(Backend.Sqlite);

public sealed class DeterminationRecordTestsOnPostgres() : DeterminationRecordTests(Backend.Postgres);
