using Threshold.TestSupport;

namespace Threshold.Cli.Tests;

/// <summary>The two real backends the record's CLI tests run against.</summary>
public enum Backend
{
    Sqlite,
    Postgres,
}

/// <summary>
/// An empty record for one test, named on the command line: a SQLite data directory (<c>--data-dir</c>) or a fresh
/// schema in the test run's PostgreSQL cluster (<c>--database</c>). Dropped on dispose.
/// </summary>
public sealed class RecordTarget : IDisposable
{
    private readonly string? schema;
    private readonly string? connectionString;

    public RecordTarget(Backend backend, string dataDirectory)
    {
        Backend = backend;
        if (backend == Backend.Postgres)
        {
            schema = "c_" + Guid.NewGuid().ToString("N");
            connectionString = PostgresTestServer.CreateSchema(schema);
            Args = ["--database", connectionString];
        }
        else
        {
            Args = ["--data-dir", dataDirectory];
        }
    }

    public Backend Backend { get; }

    /// <summary>The options that point a command at this record.</summary>
    public IReadOnlyList<string> Args { get; }

    public void Dispose()
    {
        if (schema is not null)
        {
            PostgresTestServer.DropSchema(schema, connectionString!);
        }
    }
}

/// <summary>
/// A CLI test of the record, run once per backend by its two sealed subclasses: a temp folder for input and output
/// files, and the record under test, created on first use.
/// </summary>
public abstract class RecordCommandTest(Backend backend) : IDisposable
{
    private RecordTarget? target;

    protected Backend Backend { get; } = backend;

    protected TempFolder Temp { get; } = new();

    /// <summary>The record under test (its SQLite folder sits in the temp folder).</summary>
    protected RecordTarget Target => target ??= new RecordTarget(Backend, Temp.PathOf("store"));

    public void Dispose()
    {
        target?.Dispose();
        Temp.Dispose();
        GC.SuppressFinalize(this);
    }
}
