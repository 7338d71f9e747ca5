using System.Data.Common;
using Akka.Configuration;
using Akka.Persistence.Sql;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace GridActors.Persistence;

/// <summary>
/// Where persisted state goes: a SQLite file (default <c>runs/gridactors.db</c>, WAL mode, busy timeout)
/// or a PostgreSQL database shared by several hosts. The same schema (Akka.Persistence.Sql's
/// auto-initialised journal and snapshot tables plus the run registry) is used on both.
/// </summary>
public sealed class Store
{
    public const string DefaultSqlitePath = "runs/gridactors.db";

    private Store(string kind, string connectionString, string provider, string display, bool readOnly = false)
    {
        ReadOnly = readOnly;
        Kind = kind;
        ConnectionString = connectionString;
        ProviderName = provider;
        Display = display;
    }

    public string Kind { get; }
    public string ConnectionString { get; }
    /// <summary>linq2db provider name used by Akka.Persistence.Sql.</summary>
    public string ProviderName { get; }
    public string Display { get; }
    public bool IsSqlite => Kind == "sqlite";
    /// <summary>Opened for reading only: inspection never changes the database (not even its journal mode).</summary>
    public bool ReadOnly { get; }

    public Store AsReadOnly() => IsSqlite
        ? new Store(Kind, new SqliteConnectionStringBuilder(ConnectionString) { Mode = SqliteOpenMode.ReadOnly }.ToString(), ProviderName, Display, readOnly: true)
        : new Store(Kind, ConnectionString, ProviderName, Display, readOnly: true);

    public static Store Sqlite(string path) =>
        new("sqlite", new SqliteConnectionStringBuilder { DataSource = path, DefaultTimeout = 300, Pooling = true }.ToString(), "SQLite.MS", path);

    public static Store Postgres(string connectionString) =>
        new("postgres", connectionString, "PostgreSQL.15", "postgres " + new NpgsqlConnectionStringBuilder(connectionString) { Password = null }.ToString());

    public DbConnection Open()
    {
        DbConnection c = IsSqlite ? new SqliteConnection(ConnectionString) : new NpgsqlConnection(ConnectionString);
        c.Open();
        if (IsSqlite && !ReadOnly)
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=300000;";
            cmd.ExecuteNonQuery();
        }
        return c;
    }

    /// <summary>Adds a parameter to a command.</summary>
    public static void Param(DbCommand cmd, string name, object? value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value ?? DBNull.Value;
        cmd.Parameters.Add(p);
    }

    /// <summary>Connections one process's journal and snapshot store may hold on PostgreSQL unless the connection
    /// string says otherwise: several cluster nodes share one server (whose default limit is 100 clients).</summary>
    public const int PostgresPoolPerProcess = 16;

    /// <summary>HOCON for Akka.Persistence.Sql journal and snapshot store on this database.</summary>
    public Config AkkaConfig()
    {
        string connection = ConnectionString;
        if (!IsSqlite)
        {
            var b = new NpgsqlConnectionStringBuilder(connection);
            if (!connection.Contains("Pool Size", StringComparison.OrdinalIgnoreCase)) b.MaxPoolSize = PostgresPoolPerProcess;
            connection = b.ConnectionString;
        }
        string cs = connection.Replace("\\", "\\\\").Replace("\"", "\\\"");
        return ConfigurationFactory.ParseString($$"""
            akka.persistence {
              journal {
                plugin = "akka.persistence.journal.sql"
                sql {
                  connection-string = "{{cs}}"
                  provider-name = "{{ProviderName}}"
                  auto-initialize = true
                  warn-on-auto-init-fail = false
                  # A checkpoint journals a batch from every entity at once: with tens of thousands of entities per
                  # node the default queue (5,000 pending writes) rejects writes instead of waiting.
                  buffer-size = 1000000
                  batch-size = 400
                }
              }
              snapshot-store {
                plugin = "akka.persistence.snapshot-store.sql"
                sql {
                  connection-string = "{{cs}}"
                  provider-name = "{{ProviderName}}"
                  auto-initialize = true
                  warn-on-auto-init-fail = false
                }
              }
              query.journal.sql {
                connection-string = "{{cs}}"
                provider-name = "{{ProviderName}}"
              }
            }
            """).WithFallback(SqlPersistence.DefaultConfiguration);
    }
}
