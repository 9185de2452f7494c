using Vigil.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Vigil.EventStore.Postgres;
using Vigil.EventStore.Sqlite;

namespace Vigil.EventStore.Tests;

public sealed class EventStoreServiceCollectionExtensionsTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task AddEventStore_SqliteDefault_MigratesAtStartAndServesTheStore()
    {
        using var provider = Services(EventStoreOptions.ForStateDirectory(_temp.Path)).BuildServiceProvider();

        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        var store = provider.GetRequiredService<IEventStore>();
        Assert.IsType<SqliteEventStore>(store);
        Assert.Equal(2, await store.GetSchemaVersionAsync(CancellationToken.None));
        Assert.True(File.Exists(_temp.File("events.db")));
    }

    [Fact]
    public void AddEventStore_Postgres_UsesTheHostsDataSource()
    {
        var services = Services(new EventStoreOptions { Backend = EventStoreBackend.Postgres });
        services.AddSingleton(NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Username=none"));
        using var provider = services.BuildServiceProvider();

        Assert.IsType<PostgresEventStore>(provider.GetRequiredService<IEventStore>());
    }

    [Fact]
    public void AddEventStore_PostgresWithoutDataSource_FailsWithTheReason()
    {
        using var provider = Services(new EventStoreOptions { Backend = EventStoreBackend.Postgres }).BuildServiceProvider();

        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IEventStore>());

        Assert.Contains("NpgsqlDataSource", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddEventStore_InvalidOptions_ThrowsAtRegistration()
        => Assert.Throws<ConfigException>(() => Services(new EventStoreOptions { SqlitePath = null }));

    [Fact]
    public void AddEventStore_MigrateOnStartupOff_RegistersNoHostedService()
    {
        var options = EventStoreOptions.ForStateDirectory(_temp.Path) with { MigrateOnStartup = false };
        using var provider = Services(options).BuildServiceProvider();

        Assert.Empty(provider.GetServices<IHostedService>());
    }

    private static ServiceCollection Services(EventStoreOptions options)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.ClearProviders());
        services.AddEventStore(options);
        return services;
    }
}
