using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Npgsql;
using Vigil.Core.Detection;
using Vigil.Exposition;
using Vigil.Pipeline;
using Vigil.Pipeline.Scheduling;
using Vigil.Pipeline.Telemetry;
using Vigil.Pipeline.Verdicts;
using Vigil.Postgres.Aggregation;
using Vigil.Postgres.Api;
using Vigil.Postgres.Detection;
using Vigil.Postgres.Hosting;
using Vigil.Postgres.Ingest;
using Vigil.Postgres.Migrations;

namespace Vigil.Postgres;

public static class BusinessMetricsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the business-metrics pipeline: migrations at start-up, ingest, the aggregation/detection loop
    /// (leader-elected) and the services behind <see cref="BusinessMetricsEndpoints.MapBusinessMetricsApi"/>.
    /// The host must register an <see cref="NpgsqlDataSource"/> singleton. Throws, listing every error, when
    /// <paramref name="options"/> are invalid. Uses a registered <see cref="DetectorRegistry"/> or the default one.
    /// </summary>
    public static IServiceCollection AddBusinessMetrics(this IServiceCollection services, BusinessMetricsOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        options.ValidateOrThrow();

        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        // Bound to the host's registry when it has one, so the self-health families appear on its /metrics.
        services.AddVerdictSeam();
        services.TryAddSingleton(sp => new BusinessMetricsTelemetry(sp.GetService<MetricRegistry>(), sp.GetRequiredService<VerdictPublisher>(), options.Detector.Type));
        services.TryAddSingleton(sp => new EventValidation(options.Ingest, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<EventIngestor>();
        services.TryAddSingleton<EventImporter>();
        services.TryAddSingleton<DbMigrator>();
        services.TryAddSingleton<Aggregator>();
        services.TryAddSingleton(sp => new AnomalyScorer(
            sp.GetRequiredService<NpgsqlDataSource>(),
            options,
            (sp.GetService<DetectorRegistry>() ?? DetectorRegistry.CreateDefault()).Create(options.Detector),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<BusinessMetricsTelemetry>(),
            sp.GetRequiredService<ILogger<AnomalyScorer>>()));
        services.TryAddSingleton<LeaderLease>();
        services.TryAddSingleton<AggregationCycle>();
        services.TryAddSingleton<MetricSeriesReader>();

        // The database may be down when Vigil starts: the start-up steps (this connection check and the migrations,
        // then whatever the host adds with AddDatabaseStartupStep) are retried with back-off by DatabaseStartup, and the
        // aggregation waits for BusinessReadiness, while everything else runs. Its first attempt runs inside the host's
        // start (hosted services start in registration order), so with the database up the schema exists before the loop.
        services.TryAddSingleton<BusinessReadiness>();
        services.TryAddSingleton(sp => new DatabaseStartup(
            sp.GetServices<DatabaseStartupStep>(),
            sp.GetRequiredService<BusinessReadiness>(),
            sp.GetService<VigilMetrics>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<DatabaseStartup>>()));
        services.AddDatabaseStartupStep("connecting to the database", static (sp, ct) => PingAsync(sp.GetRequiredService<NpgsqlDataSource>(), ct));
        if (options.MigrateOnStartup)
        {
            services.AddDatabaseStartupStep("business-metrics migrations", static (sp, ct) => sp.GetRequiredService<DbMigrator>().MigrateAsync(ct));
        }

        services.AddHostedService<DatabaseStartupService>();

        if (options.Aggregation.Enabled)
        {
            // The pipeline's scheduler runs it (the first registration's grace wins; the service registers its own first).
            services.AddWorkScheduler(new SchedulerOptions { ShutdownGrace = BusinessMetricsConstants.ShutdownGrace });
            services.AddScheduledWork<AggregationWork>();
        }

        return services;
    }

    /// <summary>
    /// Adds a step the business pipeline runs against the database before it is ready, after those added before it
    /// (e.g. the PostgreSQL event store's migration). Retried with back-off while the database is unreachable; must be
    /// safe to run again after a failure.
    /// </summary>
    public static IServiceCollection AddDatabaseStartupStep(this IServiceCollection services, string name, Func<IServiceProvider, CancellationToken, Task> step)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(step);
        return services.AddSingleton(sp => new DatabaseStartupStep(name, ct => step(sp, ct)));
    }

    private static async Task PingAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
    }
}
