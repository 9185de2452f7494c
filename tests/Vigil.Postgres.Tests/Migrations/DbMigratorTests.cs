using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Vigil.Postgres.Migrations;
using Vigil.Postgres.Tests.Infrastructure;

namespace Vigil.Postgres.Tests.Migrations;

[Collection(PostgresFixture.Collection)]
public sealed class DbMigratorTests(PostgresServer server)
{
    [Fact]
    public async Task MigrateAsync_FreshDatabase_AppliesEveryMigrationAndRecordsIt()
    {
        await using var dataSource = NpgsqlDataSource.Create(await server.CreateDatabaseAsync());
        var migrator = new DbMigrator(dataSource, NullLogger<DbMigrator>.Instance);

        var applied = await migrator.MigrateAsync();

        Assert.Equal(DbMigrator.All.Select(m => m.Version), applied);
        Assert.Equal(applied, await migrator.GetAppliedVersionsAsync());
    }

    [Fact]
    public async Task MigrateAsync_SecondRun_AppliesNothing()
    {
        await using var dataSource = NpgsqlDataSource.Create(await server.CreateDatabaseAsync());
        var migrator = new DbMigrator(dataSource, NullLogger<DbMigrator>.Instance);
        await migrator.MigrateAsync();

        Assert.Empty(await migrator.MigrateAsync());
    }

    [Fact]
    public async Task MigrateAsync_FourReplicasAtOnce_EachMigrationAppliedExactlyOnce()
    {
        var connectionString = await server.CreateDatabaseAsync();
        var sources = Enumerable.Range(0, 4).Select(_ => NpgsqlDataSource.Create(connectionString)).ToList();
        try
        {
            var results = await Task.WhenAll(sources.Select(s => new DbMigrator(s, NullLogger<DbMigrator>.Instance).MigrateAsync()));

            // Exactly one replica applied each migration; the others waited on the advisory lock and found nothing to do.
            Assert.Equal(DbMigrator.All.Select(m => m.Version), results.SelectMany(r => r).Order());
            await using var count = sources[0].CreateCommand("SELECT count(*) FROM vigil_schema_migrations");
            Assert.Equal((long)DbMigrator.All.Count, await count.ExecuteScalarAsync());
        }
        finally
        {
            foreach (var s in sources)
            {
                await s.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task MigrateAsync_DatabaseAtVersion1WithData_AddsTheRequestHashAndKeepsOldRowsAsUnknown()
    {
        await using var dataSource = NpgsqlDataSource.Create(await server.CreateDatabaseAsync());
        var v1 = DbMigrator.All.Single(m => m.Version == 1);
        await using (var setUp = dataSource.CreateCommand(v1.Sql
            + ";CREATE TABLE vigil_schema_migrations (version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
            + $";INSERT INTO vigil_schema_migrations (version, name, checksum) VALUES (1, '{v1.Name}', '{v1.Checksum}')"
            + ";INSERT INTO ingest_requests (idempotency_key, event_count) VALUES ('before-upgrade', 2)"))
        {
            await setUp.ExecuteNonQueryAsync();
        }

        var applied = await new DbMigrator(dataSource, NullLogger<DbMigrator>.Instance).MigrateAsync();

        Assert.Equal([2], applied);
        await using var check = dataSource.CreateCommand("SELECT body_hash IS NULL FROM ingest_requests WHERE idempotency_key = 'before-upgrade'");
        Assert.Equal(true, await check.ExecuteScalarAsync());
    }

    [Fact]
    public void All_Versions_AreUniqueAndAscending()
    {
        var versions = DbMigrator.All.Select(m => m.Version).ToList();

        Assert.NotEmpty(versions);
        Assert.Equal(versions.Order().Distinct(), versions);
    }
}
