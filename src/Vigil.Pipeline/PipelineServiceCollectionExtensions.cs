using Vigil.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Vigil.Core.Detection;
using Vigil.Core.Sources;
using Vigil.Exposition;
using Vigil.Core.Detectors.IsolationForest;
using Vigil.Models.Lifecycle;
using Vigil.Models.Serving;
using Vigil.Models.Store;
using Vigil.Models.Training;
using Vigil.Pipeline.Episodes;
using Vigil.Pipeline.History;
using Vigil.Pipeline.Jobs;
using Vigil.Pipeline.Lifecycle;
using Vigil.Pipeline.Replay;
using Vigil.Pipeline.Scheduling;
using Vigil.Pipeline.Scores;
using Vigil.Pipeline.Telemetry;
using Vigil.Pipeline.Verdicts;
using Vigil.Prometheus;

namespace Vigil.Pipeline;

/// <summary>The pipeline's registrations: one method per room, each safe to call more than once.</summary>
public static class PipelineServiceCollectionExtensions
{
    /// <summary>
    /// The detection pipeline of <paramref name="options"/>: the verdict seam with its sinks, the scheduler, one detection
    /// job per configured job, the replay source when a job uses it, and the model lifecycles of jobs with <c>training:</c>.
    /// Prometheus jobs need <c>AddPrometheusClient</c>; isolation_forest jobs need <c>AddModelStore</c>.
    /// </summary>
    public static IServiceCollection AddVigilPipeline(this IServiceCollection services, PipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddVerdictSeam(options.History, options.Episodes);
        services.AddWorkScheduler(new SchedulerOptions { ShutdownGrace = options.ShutdownGrace });
        services.TryAddSingleton(sp => VigilDetectors.Create(sp.GetService<IModelProvider>()));
        services.AddSingleton(options.State);
        services.TryAddSingleton<JobStateStore>();
        if (options.Jobs.Any(j => j.Source == JobSource.Replay))
        {
            services.AddReplaySource(options.Replay);
        }

        services.AddModelLifecycles(options.Jobs);
        services.AddSingleton<IReadOnlyList<DetectionJob>>(sp => [.. options.Jobs.Select(job => CreateJob(sp, options, job))]);
        services.AddSingleton<IReadOnlyList<JobRunner>>(sp => [.. sp.GetRequiredService<IReadOnlyList<DetectionJob>>().Select(j => j.Runner)]);
        for (var i = 0; i < options.Jobs.Count; i++)
        {
            var index = i;
            services.AddScheduledWork(sp => sp.GetRequiredService<IReadOnlyList<DetectionJob>>()[index]);
        }

        if (options.Jobs.Any(j => j.Lifecycle is not null))
        {
            services.AddScheduledWork<ModelLifecycleService>();
        }

        return services;
    }

    /// <summary>
    /// Vigil's self-health metrics and the verdict seam: the publisher, and the sinks every deployment has (the /metrics
    /// score store, the recent-history buffer, the episode tracker with its log/counter and recent list).
    /// </summary>
    public static IServiceCollection AddVerdictSeam(this IServiceCollection services, RecentHistoryOptions? history = null, EpisodeOptions? episodes = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(VerdictPublisher)))
        {
            return services;
        }

        var historyOptions = history ?? new RecentHistoryOptions();
        // The messages already carry their "history." path.
        ConfigException.ThrowIfInvalid(string.Empty, historyOptions.Validate());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<MetricRegistry>();
        services.TryAddSingleton<VigilMetrics>();
        services.AddSingleton<VerdictPublisher>();
        services.AddSingleton(sp =>
        {
            var store = new ScoreStore();
            sp.GetRequiredService<MetricRegistry>().Register(store);
            return store;
        });
        services.AddVerdictSink<ScoreStore>();
        services.AddSingleton(historyOptions);
        services.AddSingleton<RecentHistory>();
        services.AddSingleton<IRecentHistory>(sp => sp.GetRequiredService<RecentHistory>());
        services.AddVerdictSink<RecentHistory>();
        services.AddSingleton(episodes ?? new EpisodeOptions());
        services.AddVerdictSink<EpisodeTrackerSink>();
        services.AddEpisodeSink<EpisodeLog>();
        services.AddSingleton<RecentEpisodes>();
        services.AddSingleton<IRecentEpisodes>(sp => sp.GetRequiredService<RecentEpisodes>());
        services.AddEpisodeSink<RecentEpisodes>();
        return services;
    }

    /// <summary>Subscribes <typeparamref name="T"/> (a singleton) to every scored point: alerting, remote-write, the UI.</summary>
    public static IServiceCollection AddVerdictSink<T>(this IServiceCollection services)
        where T : class, IVerdictSink
    {
        services.TryAddSingleton<T>();
        services.AddSingleton<IVerdictSink>(sp => sp.GetRequiredService<T>());
        return services;
    }

    /// <summary>Subscribes <typeparamref name="T"/> (a singleton) to episode open/close events: the event store, alerting.</summary>
    public static IServiceCollection AddEpisodeSink<T>(this IServiceCollection services)
        where T : class, IEpisodeSink
    {
        services.TryAddSingleton<T>();
        services.AddSingleton<IEpisodeSink>(sp => sp.GetRequiredService<T>());
        return services;
    }

    /// <summary>The scheduler all periodic work runs under, as a hosted service (the first registration's options win).</summary>
    /// <summary>
    /// This replica scores only its shard of every job's series (see <see cref="ShardAssignment"/> for the hash).
    /// Business-metrics aggregation is unaffected: it stays with the one replica that holds the leader lease.
    /// </summary>
    public static IServiceCollection AddSharding(this IServiceCollection services, ShardAssignment assignment)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        services.AddSingleton(assignment);
        return services;
    }

    public static IServiceCollection AddWorkScheduler(this IServiceCollection services, SchedulerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (services.Any(d => d.ServiceType == typeof(WorkScheduler)))
        {
            return services;
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton<WorkScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<WorkScheduler>());
        return services;
    }

    public static IServiceCollection AddScheduledWork<T>(this IServiceCollection services)
        where T : class, IScheduledWork
    {
        services.TryAddSingleton<T>();
        services.AddSingleton<IScheduledWork>(sp => sp.GetRequiredService<T>());
        return services;
    }

    public static IServiceCollection AddScheduledWork(this IServiceCollection services, Func<IServiceProvider, IScheduledWork> factory)
        => services.AddSingleton(factory);

    /// <summary>The embedded replay data set, its source and its accelerated clock (keyed <see cref="JobSource.Replay"/>).</summary>
    public static IServiceCollection AddReplaySource(this IServiceCollection services, ReplayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (services.Any(d => d.ServiceType == typeof(ReplaySource)))
        {
            return services;
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(new ReplayDataset(options.Seed));
        services.AddSingleton<ReplaySource>();
        services.AddKeyedSingleton<TimeProvider>(JobSource.Replay, (sp, _) =>
            new AcceleratedTimeProvider(sp.GetRequiredService<TimeProvider>(), ReplayDataset.ClockStart, options.Speed));
        return services;
    }

    /// <summary>Picks up promotions and rollbacks made outside the process (needs <c>AddModelStore</c>).</summary>
    public static IServiceCollection AddModelReload(this IServiceCollection services)
    {
        services.TryAddSingleton<MetricRegistry>();
        services.TryAddSingleton<VigilMetrics>();
        return services.AddScheduledWork<ModelReloadService>();
    }

    /// <summary>The lifecycles (scheduled training, shadow, promotion) of the jobs with a <c>training:</c> section.</summary>
    public static IServiceCollection AddModelLifecycles(this IServiceCollection services, IReadOnlyList<JobOptions> jobs)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        services.AddSingleton(sp => new ModelLifecycles(
            jobs.Where(j => j.Lifecycle is not null).ToDictionary(j => j.Name, j => CreateLifecycle(sp, j), StringComparer.Ordinal),
            sp.GetRequiredService<VigilMetrics>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ModelLifecycles>>()));
        return services;
    }

    private static ModelLifecycle CreateLifecycle(IServiceProvider sp, JobOptions job)
    {
        // Validated by the configuration: lifecycle jobs are isolation_forest jobs with features, on Prometheus.
        var store = sp.GetRequiredService<ModelStoreProvider>();
        var time = sp.GetRequiredService<TimeProvider>();
        var spec = new TrainingSpec
        {
            Name = JobInputs.ModelName(job),
            Features = job.Features!,
            JoinLabels = job.JoinLabels,
            Step = job.EffectiveStep,
            Forest = job.Forest,
            Incidents = job.Incidents,
        };
        var trainer = new Trainer(sp.GetRequiredService<PrometheusClient>(), store.Store, time, new TrainerOptions());
        return new ModelLifecycle(spec, trainer, store, job.Lifecycle!, time);
    }

    private static DetectionJob CreateJob(IServiceProvider sp, PipelineOptions options, JobOptions job)
    {
        var wallClock = sp.GetRequiredService<TimeProvider>();
        var (source, dataClock) = job.Source switch
        {
            JobSource.Replay => ((IMetricSource)sp.GetRequiredService<ReplaySource>(), sp.GetRequiredKeyedService<TimeProvider>(JobSource.Replay)),
            _ => (sp.GetRequiredService<PrometheusClient>(), wallClock),
        };
        var metrics = sp.GetRequiredService<VigilMetrics>();
        IDetector detector;
        IJobInput input;
        try
        {
            // Fail fast: a missing or corrupt model, or features that do not fit it, stop start-up with the file and the reason.
            detector = sp.GetRequiredService<DetectorRegistry>().Create(job.Detector);
            input = JobInputs.Create(job, source, () => sp.GetRequiredService<ModelStoreProvider>().Store, metrics.FeatureRowsSkipped);
            ModelServing.EnsureFeaturesMatch(detector, job.Features);
            if (input.FeatureCount != detector.FeatureCount)
            {
                throw new InvalidOperationException($"the job gives {input.FeatureCount} value(s) per point but detector {detector.Type} expects {detector.FeatureCount}");
            }
        }
        catch (InvalidOperationException ex)
        {
            throw JobStartException.ForJob(job.Name, ex);
        }

        var shadow = sp.GetRequiredService<ModelLifecycles>().ByJob.TryGetValue(job.Name, out var lifecycle)
            ? new ShadowScoring(job.Name, () => lifecycle.Shadow)
            : null;
        var runner = new JobRunner(
            job,
            input,
            detector,
            sp.GetRequiredService<VerdictPublisher>(),
            metrics,
            dataClock,
            wallClock,
            options.SeriesStaleness,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger($"Vigil.Job.{job.Name}"),
            shadow,
            sp.GetService<ShardAssignment>());
        return new DetectionJob(runner, sp.GetRequiredService<JobStateStore>(), wallClock, sp.GetRequiredService<ILogger<DetectionJob>>());
    }
}
