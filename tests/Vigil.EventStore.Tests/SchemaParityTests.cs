using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Vigil.EventStore.Postgres;
using Vigil.EventStore.Sqlite;
using Vigil.EventStore.Tests.Postgres;

namespace Vigil.EventStore.Tests;

/// <summary>
/// The two back ends keep one migration script per dialect (the column types differ, and a migration, once shipped,
/// is read by people and never edited), so nothing but this test keeps them in step: after every migration both
/// databases must hold the same tables, the same columns with the same nullability, the same unique constraints and the same named indexes.
/// The contract tests check behaviour; this checks the shape a later migration builds on.
/// </summary>
[Collection(PostgresFixture.Collection)]
public sealed class SchemaParityTests(PostgresServer server) : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task MigrateAsync_BothBackEnds_SameTablesColumnsConstraintsAndIndexes()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var connectionString = await server.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await new PostgresEventStore(dataSource, clock, NullLogger<PostgresEventStore>.Instance).MigrateAsync(CancellationToken.None);
        var path = _temp.File("parity.db");
        using (var sqlite = new SqliteEventStore(path, TimeSpan.FromSeconds(10), clock, NullLogger<SqliteEventStore>.Instance))
        {
            await sqlite.MigrateAsync(CancellationToken.None);
        }

        var postgres = await PostgresShapeAsync(dataSource);
        var embedded = await SqliteShapeAsync(path);

        Assert.NotEmpty(postgres);
        Assert.Equal(postgres, embedded);
    }

    private static async Task<List<string>> PostgresShapeAsync(NpgsqlDataSource dataSource)
    {
        const string sql = """
            SELECT 'column ' || table_name || '.' || column_name || CASE WHEN is_nullable = 'NO' THEN ' not null' ELSE '' END
              FROM information_schema.columns
             WHERE table_schema = 'public'
            UNION ALL
            SELECT 'index ' || tablename || '.' || indexname
              FROM pg_indexes
             WHERE schemaname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = indexname)
            UNION ALL
            SELECT 'unique ' || tc.table_name || '(' || string_agg(k.column_name, ',' ORDER BY k.ordinal_position) || ')'
              FROM information_schema.table_constraints tc
              JOIN information_schema.key_column_usage k
                ON k.constraint_name = tc.constraint_name AND k.table_schema = tc.table_schema
             WHERE tc.table_schema = 'public' AND tc.constraint_type = 'UNIQUE'
             GROUP BY tc.table_name, tc.constraint_name
            """;
        await using var command = dataSource.CreateCommand(sql);
        return await ReadSortedAsync(await command.ExecuteReaderAsync());
    }

    private static async Task<List<string>> SqliteShapeAsync(string path)
    {
        // SQLite reports an INTEGER PRIMARY KEY as nullable; PostgreSQL's identity column is NOT NULL. Both refuse a
        // NULL id, so a primary key counts as not null here.
        const string sql = """
            SELECT 'column ' || m.name || '.' || c.name || CASE WHEN c."notnull" = 1 OR c.pk > 0 THEN ' not null' ELSE '' END
              FROM sqlite_master m JOIN pragma_table_info(m.name) c
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
            UNION ALL
            SELECT 'index ' || tbl_name || '.' || name
              FROM sqlite_master
             WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex_%'
            UNION ALL
            SELECT 'unique ' || m.name || '(' || (SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_index_info(l.name) ORDER BY seqno)) || ')'
              FROM sqlite_master m JOIN pragma_index_list(m.name) l
             WHERE m.type = 'table' AND l.origin = 'u'
            """;
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=false");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await ReadSortedAsync(await command.ExecuteReaderAsync());
    }

    private static async Task<List<string>> ReadSortedAsync(System.Data.Common.DbDataReader reader)
    {
        await using (reader)
        {
            var rows = new List<string>();
            while (await reader.ReadAsync())
            {
                rows.Add(reader.GetString(0));
            }

            rows.Sort(StringComparer.Ordinal);
            return rows;
        }
    }
}
