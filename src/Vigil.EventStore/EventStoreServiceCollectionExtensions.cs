using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Npgsql;
using Vigil.EventStore.Episodes;
using Vigil.EventStore.Feedback;
using Vigil.Pipeline.Episodes;
using Vigil.Pipeline;
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

    /// <summary>
    /// Persists every episode event of the verdict seam (Prometheus jobs, multivariate jobs, business metrics) to the
    /// registered <see cref="IEventStore"/>, written behind a bounded queue on its own loop so a slow or failing store
    /// never blocks a cycle. Call after <see cref="AddEventStore"/>, so the store is migrated before the first write.
    /// </summary>
    public static IServiceCollection AddEpisodePersistence(this IServiceCollection services, EpisodePersistenceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(EpisodePersister)))
        {
            return services;
        }

        services.AddSingleton(options ?? new EpisodePersistenceOptions());
        services.AddEpisodeSink<EpisodePersister>();
        services.AddHostedService<EpisodePersistenceService>();
        return services;
    }

    /// <summary>
    /// Operator feedback (<see cref="FeedbackService"/>): stored, applied to the running jobs, and re-applied from the
    /// store at start-up. Needs <see cref="AddEventStore"/> first and the pipeline's job list. Without
    /// <paramref name="reapplyAtStartup"/> the caller re-applies it (<see cref="FeedbackService.ReapplyAllAsync"/>)
    /// when the store is reachable, e.g. once a PostgreSQL store that was down at start comes up.
    /// </summary>
    public static IServiceCollection AddOperatorFeedback(this IServiceCollection services, bool reapplyAtStartup = true)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(FeedbackService)))
        {
            return services;
        }

        services.AddSingleton(sp => new FeedbackService(
            sp.GetRequiredService<IEventStore>(),
            sp.GetService<IReadOnlyList<Pipeline.Jobs.JobRunner>>() ?? [],
            sp.GetService<EpisodeTrackerSink>(),
            sp.GetRequiredService<ILogger<FeedbackService>>()));
        if (reapplyAtStartup)
        {
            services.AddHostedService<FeedbackRestoreService>();
        }

        return services;
    }
}
