namespace Threshold.Cli.Tests;

/// <summary>Choosing the record's backend on the command line: clear errors, never a password in a message.</summary>
public sealed class DatabaseOptionTests
{
    [Fact]
    public void DataDirAndDatabaseTogether_IsAUsageError()
    {
        var r = Cli.Run("audit", "verify", "--data-dir", "x", "--database", "Host=127.0.0.1");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("not both", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Database_Unreachable_ExitsFourNamingTheServerButNotThePassword()
    {
        // Port 1 on loopback: nothing listens there. A storage fault, not bad input: exit 4.
        var r = Cli.Run("audit", "verify", "--database", "Host=127.0.0.1;Port=1;Username=u;Password=hunter2;Database=d;Timeout=3");
        Assert.True(r.ExitCode == ExitCodes.RecordUnavailable, r.ToString());
        Assert.Contains("PostgreSQL u@127.0.0.1:1/d: cannot connect", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", r.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, r.Stdout);
    }

    [Fact]
    public void Database_Malformed_ExitsTwo()
    {
        var r = Cli.Run("audit", "verify", "--database", "Host=127.0.0.1;NoSuchKeyword=3");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("connection string is malformed", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void DbBackup_OfAPostgresRecord_PointsToPgDump()
    {
        var r = Cli.Run("db", "backup", "x.db", "--database", "Host=127.0.0.1;Port=1");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("pg_dump", r.Stderr, StringComparison.Ordinal);
    }
}
