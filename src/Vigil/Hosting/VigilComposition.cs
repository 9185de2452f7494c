using Npgsql;
using Vigil.Charts;
using Vigil.Alerting;
using Vigil.Configuration;
using Vigil.EventStore;
using Vigil.Export.RemoteWrite;
using Vigil.Inspection;
using Vigil.Logs.Configuration;
using Vigil.Logs.Demo;
using Vigil.Logs.Kubernetes;
using Vigil.Logs.Service;
using Vigil.Models;
using Vigil.Models.Store;
using Vigil.Pipeline;
using Vigil.Pipeline.Scheduling;
using Vigil.Postgres;
using Vigil.Prometheus;

namespace Vigil.Hosting;

/// <summary>
/// The composition: the configuration mapped onto each assembly's registration. `vigil run` calls <see cref="AddVigil"/>;
/// the commands call the same per-feature methods (<see cref="AddPrometheusSource"/>, <see cref="AddModelStorage"/>,
/// <see cref="AddBusinessMetricsDatabase"/>, <c>AddReplaySource</c>), so a command builds a service exactly as the service does.
/// </summary>
public static class VigilComposition
{
    /// <summary>Everything `vigil run` serves, in the order it must start.</summary>
    public static IServiceCollection AddVigil(this IServiceCollection services, VigilOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(options);
        services.AddSingleton(timeProvider);
        // Before the scheduler: hosted services start in registration order, so the store is migrated (and stored
        // feedback queued for the jobs) before the first cycle can open an episode.
        services.AddEventStore(EventStoreFor(options));
        services.AddEpisodePersistence();
        // On PostgreSQL (business configured) the store may be down at start: its migration and the feedback re-apply
        // become start-up steps of the business database, retried with back-off, instead of failing the host's start.
        services.AddOperatorFeedback(reapplyAtStartup: options.Business is null);
        // First, so the configured grace is the scheduler's even when business metrics also ask for one.
        services.AddWorkScheduler(new SchedulerOptions { ShutdownGrace = options.Server.ShutdownGrace });
        services.AddModelStorage(options.ModelPath, reload: true);
        services.AddPrometheusSource(options.Prometheus);
        services.AddVigilPipeline(new PipelineOptions
        {
            Jobs = options.Jobs,
            SeriesStaleness = options.Server.SeriesStaleness,
            ShutdownGrace = options.Server.ShutdownGrace,
            State = new Pipeline.Jobs.StateSnapshotOptions { Directory = options.Server.StateDirectory, Interval = options.Server.SnapshotInterval },
            Replay = options.Replay,
            History = options.Sections.Get<Pipeline.History.RecentHistoryOptions>() ?? new(),
            Episodes = options.Sections.Get<Pipeline.Episodes.EpisodeOptions>() ?? new(),
        });
        if (options.Business is { } business)
        {
            services.AddBusinessMetricsDatabase(business);
            services.AddDatabaseStartupStep("event store migrations", static (sp, ct) => sp.GetRequiredService<IEventStore>().MigrateAsync(ct));
            services.AddDatabaseStartupStep("re-applying stored feedback", static (sp, ct) => sp.GetRequiredService<Vigil.EventStore.Feedback.FeedbackService>().ReapplyAllAsync(ct));
        }

        if (options.Inspection is { } inspection)
        {
            services.AddInspection(inspection, options.Replay);
        }

        services.AddCharts(new ChartsOptions { TimeZone = options.Server.TimeZone });
        if (options.Alerting is { } alerting)
        {
            // After the event store (the outbox and, without Redis, the dedup keys live there).
            services.AddAlerting(alerting);
        }

        if (options.Sections.Get<ShardAssignment>() is { } shard)
        {
            services.AddSharding(shard);
        }

        if (options.Sections.Get<Vigil.Export.RemoteWrite.RemoteWriteOptions>() is { } remoteWrite)
        {
            services.AddRemoteWrite(remoteWrite);
        }

        // The demo mines a generated log too (Vigil.Logs.Demo), so /api/v1/logs/templates is not empty on it.
        var logs = options.Sections.Get<LogsOptions>() ?? (options.IsEmbeddedDemo
            ? services.AddReplayLogs(options.Replay, Path.Combine(options.Server.StateDirectory ?? Path.GetTempPath(), FormattableString.Invariant($"vigil-demo-logs-{Environment.ProcessId}-{Guid.NewGuid():N}")))
            : null);
        if (logs is not null)
        {
            services.AddLogMining(logs, options.Server.StateDirectory is { } state ? Path.Combine(state, "logs") : null);
            services.AddKubernetesLogSources();
        }

        return services;
    }

    /// <summary>
    /// Where episodes and feedback go: PostgreSQL when <c>business</c>/<c>database</c> is configured (shared by the
    /// replicas), else SQLite in <c>server.state_dir</c>; without a state_dir, SQLite in a fresh directory under the
    /// system temp directory for this run only (as detector state without state_dir, it does not survive a
    /// restart), so `vigil run` still needs no server and no configuration. The host logs that choice at start-up.
    /// </summary>
    public static EventStoreOptions EventStoreFor(VigilOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Business is not null)
        {
            // Migrated by the business database's start-up steps (retried while the database is down), not at host start.
            return new EventStoreOptions { Backend = EventStoreBackend.Postgres, MigrateOnStartup = false };
        }

        return EventStoreOptions.ForStateDirectory(options.Server.StateDirectory
            ?? Path.Combine(Path.GetTempPath(), FormattableString.Invariant($"vigil-{Environment.ProcessId}-{Guid.NewGuid():N}")));
    }

    /// <summary>The Prometheus client of the <c>prometheus</c> section (TLS and auth included); nothing when there is none.</summary>
    public static IServiceCollection AddPrometheusSource(this IServiceCollection services, PrometheusClientOptions? prometheus)
        => prometheus is null ? services : services.AddPrometheusClient(prometheus);

    /// <summary>The model store at <c>model_path</c> (nothing when unset); with <paramref name="reload"/>, promotions made outside the process are picked up.</summary>
    public static IServiceCollection AddModelStorage(this IServiceCollection services, string? modelPath, bool reload = false)
    {
        if (modelPath is null)
        {
            return services;
        }

        services.AddModelStore(new ModelStoreOptions { Directory = modelPath });
        return reload ? services.AddModelReload() : services;
    }

    /// <summary>The business-metrics pipeline on PostgreSQL (<c>business</c> section).</summary>
    public static IServiceCollection AddBusinessMetricsDatabase(this IServiceCollection services, BusinessOptions business)
    {
        ArgumentNullException.ThrowIfNull(business);
        services.AddSingleton(_ => NpgsqlDataSource.Create(business.ConnectionString));
        services.AddBusinessMetrics(business.Pipeline);
        return services;
    }
}
