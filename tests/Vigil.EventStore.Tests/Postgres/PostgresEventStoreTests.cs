using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Vigil.EventStore.Postgres;

namespace Vigil.EventStore.Tests.Postgres;

/// <summary>
/// The contract against the shared back end: a real PostgreSQL (started once for the collection by the
/// <see cref="PostgresServer"/> fixture), a fresh database per test, one data source per store instance (replicas).
/// </summary>
[Collection(PostgresFixture.Collection)]
public sealed class PostgresEventStoreTests(PostgresServer server) : EventStoreContractTests
{
    private readonly List<NpgsqlDataSource> _dataSources = [];
    private readonly Dictionary<IEventStore, NpgsqlDataSource> _owners = [];
    private string _connectionString = "";

    public override async Task DisposeAsync()
    {
        foreach (var dataSource in _dataSources)
        {
            await dataSource.DisposeAsync();
        }
    }

    protected override async Task PrepareAsync() => _connectionString = await server.CreateDatabaseAsync();

    protected override IEventStore CreateStore()
    {
        var dataSource = NpgsqlDataSource.Create(_connectionString);
        _dataSources.Add(dataSource);
        var store = new PostgresEventStore(dataSource, Clock, NullLogger<PostgresEventStore>.Instance);
        _owners[store] = dataSource;
        return store;
    }

    protected override async Task CloseAsync(IEventStore store) => await _owners[store].DisposeAsync();

    protected override async Task ExecuteSqlAsync(string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(_connectionString);
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}

[CollectionDefinition(Collection)]
public sealed class PostgresFixture : ICollectionFixture<PostgresServer>
{
    public const string Collection = "postgres";
}
