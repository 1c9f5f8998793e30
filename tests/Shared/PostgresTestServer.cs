using Dapper;
using Npgsql;

namespace Threshold.TestSupport;

/// <summary>The two real backends the record's tests run against.</summary>
public enum Backend
{
    Sqlite,
    Postgres,
}

/// <summary>
/// The PostgreSQL server of the test run, named by <c>THRESHOLD_TEST_POSTGRES</c> (an Npgsql connection string). The
/// test command <c>./run-tests</c> starts a throwaway cluster with <c>tests/postgres-cluster.sh</c> and sets it.
/// Each test gets its own schema, so tests run in parallel without seeing each other.
/// </summary>
public static class PostgresTestServer
{
    public const string Variable = "THRESHOLD_TEST_POSTGRES";

    public static string ConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException($"{Variable} is not set: run ./run-tests, which starts a throwaway PostgreSQL cluster (tests/postgres-cluster.sh) for the PostgreSQL half of the suite");

    /// <summary>Creates the schema and returns a connection string whose search path is that schema.</summary>
    public static string CreateSchema(string schema)
    {
        using (var connection = new NpgsqlConnection(ConnectionString))
        {
            connection.Open();
            connection.Execute($"CREATE SCHEMA {schema}");
        }

        return new NpgsqlConnectionStringBuilder(ConnectionString) { SearchPath = schema }.ConnectionString;
    }

    public static void DropSchema(string schema, string schemaConnectionString)
    {
        // Close this schema's pooled connections first: each schema has its own pool, and idle ones would pile up.
        using (var pooled = new NpgsqlConnection(schemaConnectionString))
        {
            NpgsqlConnection.ClearPool(pooled);
        }

        using var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        connection.Execute($"DROP SCHEMA IF EXISTS {schema} CASCADE");
    }
}
