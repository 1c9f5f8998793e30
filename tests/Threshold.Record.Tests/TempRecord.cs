using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using NodaTime;
using NodaTime.Testing;

namespace Threshold.Record.Tests;

/// <summary>A real SQLite record in a fresh temp folder, with a fake clock; deleted on dispose.</summary>
public sealed class TempRecord : IDisposable
{
    public TempRecord()
    {
        Directory = Path.Combine(Path.GetTempPath(), "threshold-record-" + Guid.NewGuid().ToString("N"));
        Clock = new FakeClock(Instant.FromUtc(2025, 1, 20, 12, 0, 0), Duration.FromSeconds(1));
        Store = RecordStore.Open(Directory, Clock);
    }

    public string Directory { get; }

    public FakeClock Clock { get; }

    public RecordStore Store { get; }

    public string DbPath => Path.Combine(Directory, SqliteRecordDatabase.FileName);

    public RecordStore Reopen() => RecordStore.Open(Directory, Clock);

    /// <summary>Runs raw SQL against the file, as someone with access to it could.</summary>
    public void Sql(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public long Scalar(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>Writes a daily CSV (all five columns) with the given between_ports values from <paramref name="start"/>.</summary>
    public string WriteCsv(string name, LocalDate start, IReadOnlyList<int> betweenPorts, string? comment = "modeled: test series")
    {
        var text = new StringBuilder();
        if (comment is not null)
        {
            text.Append("# ").Append(comment).Append('\n');
        }

        text.Append("date,between_ports,coastal,ports_of_entry,uc_noncontiguous_between_ports,uc_noncontiguous_ports\n");
        for (var i = 0; i < betweenPorts.Count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{start.PlusDays(i):yyyy-MM-dd},{betweenPorts[i]},10,500,5,3\n");
        }

        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, text.ToString());
        return path;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}
