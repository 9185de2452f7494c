using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Npgsql;
using Vigil.EventStore.Postgres;
using Vigil.EventStore.Sqlite;

namespace Vigil.EventStore;

public static class EventStoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IEventStore"/> on the back end the options choose, and (unless
    /// <see cref="EventStoreOptions.MigrateOnStartup"/> is off) a hosted service that migrates it at start-up; register
    /// it before the services that use the store, since hosted services start in registration order. The PostgreSQL
    /// back end uses the host's <see cref="NpgsqlDataSource"/> singleton. Throws, listing every error, when the options
    /// are invalid.
    /// </summary>
    public static IServiceCollection AddEventStore(this IServiceCollection services, EventStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        options.ValidateOrThrow();

        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IEventStore>(sp => options.Backend switch
        {
            EventStoreBackend.Postgres => new PostgresEventStore(
                sp.GetService<NpgsqlDataSource>() ?? throw new InvalidOperationException("The PostgreSQL event store needs an NpgsqlDataSource registered by the host (configure database:)."),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<PostgresEventStore>>()),
            _ => new SqliteEventStore(options.SqlitePath!, options.BusyTimeout, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<SqliteEventStore>>()),
        });
        if (options.MigrateOnStartup)
        {
            services.AddHostedService<EventStoreMigrationService>();
        }

        return services;
    }
}
