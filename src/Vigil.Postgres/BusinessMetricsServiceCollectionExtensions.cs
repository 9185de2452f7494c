using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Npgsql;
using Vigil.Core.Detection;
using Vigil.Exposition;
using Vigil.Pipeline;
using Vigil.Pipeline.Scheduling;
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

        // Order matters: hosted services start in registration order, so the schema exists before the loop runs.
        if (options.MigrateOnStartup)
        {
            services.AddHostedService<MigrationService>();
        }

        if (options.Aggregation.Enabled)
        {
            // The pipeline's scheduler runs it (the first registration's grace wins; the service registers its own first).
            services.AddWorkScheduler(new SchedulerOptions { ShutdownGrace = BusinessMetricsConstants.ShutdownGrace });
            services.AddScheduledWork<AggregationWork>();
        }

        return services;
    }
}
