using System.Net;
using Vigil.Configuration;
using Vigil.Core.Detection;
using Vigil.Core.Detectors.IsolationForest;
using Vigil.Models;
using Vigil.Models.Lifecycle;
using Vigil.Models.Store;
using Vigil.Models.Training;
using Vigil.Exposition;
using Vigil.Pipeline;
using Npgsql;
using Vigil.Postgres;
using Vigil.Postgres.Api;
using Vigil.Prometheus;
using Vigil.Replay;
using Vigil.Telemetry;

namespace Vigil.Hosting;

/// <summary>Composes the service from validated options: the table of contents of `vigil run`.</summary>
public static class VigilHost
{
    public static WebApplication Build(VigilOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.ConfigureKestrel(k =>
        {
            var address = options.Server.ListenAddress == "localhost" ? IPAddress.Loopback : IPAddress.Parse(options.Server.ListenAddress);
            k.Listen(address, options.Server.Port);
            k.AddServerHeader = false;
        });
        builder.Logging.AddVigilLogging(options.Logging);
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = options.Server.ShutdownGrace + TimeSpan.FromSeconds(5));
        builder.Services.AddVigilCore(options, timeProvider ?? TimeProvider.System);
        if (options.Prometheus is { } prometheus)
        {
            builder.Services.AddPrometheusClient(ToClientOptions(prometheus));
        }

        builder.Services.AddVigilPipeline(options);
        if (options.Business is { } business)
        {
            builder.Services.AddVigilBusinessMetrics(business);
        }

        var app = builder.Build();
        app.MapVigilEndpoints();
        if (options.Business is not null)
        {
            app.MapBusinessMetricsApi();
            ConnectBusinessScores(app.Services);
        }

        return app;
    }

    public static IServiceCollection AddVigilCore(this IServiceCollection services, VigilOptions options, TimeProvider timeProvider)
    {
        services.AddSingleton(options);
        services.AddSingleton(timeProvider);
        if (options.ModelPath is { } modelPath)
        {
            services.AddModelStore(new ModelStoreOptions { Directory = modelPath });
            services.AddHostedService<ModelReloadService>();
        }

        services.AddSingleton(sp => VigilDetectors.Create(sp.GetService<IModelProvider>()));
        services.AddSingleton<MetricRegistry>();
        services.AddSingleton<VigilMetrics>();
        services.AddSingleton(sp =>
        {
            var store = new ScoreStore();
            sp.GetRequiredService<MetricRegistry>().Register(store);
            return store;
        });
        return services;
    }

    public static IServiceCollection AddVigilBusinessMetrics(this IServiceCollection services, BusinessOptions business)
    {
        ArgumentNullException.ThrowIfNull(business);
        services.AddSingleton(_ => NpgsqlDataSource.Create(business.ConnectionString));
        services.AddBusinessMetrics(business.Pipeline);
        return services;
    }

    /// <summary>
    /// Business metrics join every other scored series on /metrics as
    /// <c>vigil_anomaly_score{job="business_metrics",metric="signup"}</c>: one family, one alert rule.
    /// </summary>
    private static void ConnectBusinessScores(IServiceProvider services)
    {
        var store = services.GetRequiredService<ScoreStore>();
        services.GetRequiredService<BusinessMetricsTelemetry>().ScoreSink = (metric, verdict, minute) =>
        {
            if (verdict.Kind == Core.Detection.VerdictKind.Scored)
            {
                store.GetOrAdd(BusinessJobName, Core.Series.Labels.From(new Core.Series.Label("metric", metric))).Update(verdict, minute.ToUnixTimeMilliseconds());
            }
        };
    }

    public const string BusinessJobName = "business_metrics";

    public static IServiceCollection AddVigilPipeline(this IServiceCollection services, VigilOptions options)
    {
        if (options.Jobs.Any(j => j.Source == JobSource.Replay))
        {
            services.AddSingleton(new ReplayDataset(options.Replay.Seed));
            services.AddSingleton<ReplaySource>();
            services.AddKeyedSingleton<TimeProvider>(JobSource.Replay, (sp, _) =>
                new AcceleratedTimeProvider(sp.GetRequiredService<TimeProvider>(), ReplayDataset.ClockStart, options.Replay.Speed));
        }

        services.AddSingleton(sp => new ModelLifecycles(
            options.Jobs.Where(j => j.Lifecycle is not null).ToDictionary(j => j.Name, j => CreateLifecycle(sp, j), StringComparer.Ordinal),
            sp.GetRequiredService<VigilMetrics>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ModelLifecycles>>()));
        services.AddSingleton<IReadOnlyList<JobRunner>>(sp => [.. options.Jobs.Select(job => CreateRunner(sp, options, job))]);
        services.AddSingleton(sp => new JobStateStore(options.Server, sp.GetRequiredService<VigilMetrics>(), sp.GetRequiredService<ILogger<JobStateStore>>()));
        services.AddSingleton(sp => new JobScheduler(
            sp.GetRequiredService<IReadOnlyList<JobRunner>>(),
            sp.GetRequiredService<JobStateStore>(),
            sp.GetRequiredService<TimeProvider>(),
            options.Server.ShutdownGrace,
            sp.GetRequiredService<ILogger<JobScheduler>>()));
        services.AddHostedService(sp => sp.GetRequiredService<JobScheduler>());
        if (options.Jobs.Any(j => j.Lifecycle is not null))
        {
            // After the scheduler: its runners create the detectors, so a missing model fails start-up before any training.
            services.AddHostedService(sp => new ModelLifecycleService(sp.GetRequiredService<ModelLifecycles>(), sp.GetRequiredService<TimeProvider>()));
        }

        return services;
    }

    private static JobRunner CreateRunner(IServiceProvider sp, VigilOptions options, JobOptions job)
    {
        var wallClock = sp.GetRequiredService<TimeProvider>();
        var (source, dataClock) = job.Source switch
        {
            JobSource.Replay => ((Core.Sources.IMetricSource)sp.GetRequiredService<ReplaySource>(), sp.GetRequiredKeyedService<TimeProvider>(JobSource.Replay)),
            _ => (sp.GetRequiredService<PrometheusClient>(), wallClock),
        };
        IDetector detector;
        IJobInput input;
        try
        {
            // Fail fast: a missing or corrupt model stops start-up with the file and the reason.
            detector = sp.GetRequiredService<DetectorRegistry>().Create(job.Detector);
            input = CreateInput(sp, job, source);
            if (detector is IsolationForestDetector forest && job.Features is { } features
                && !features.Select(f => f.Name).SequenceEqual(forest.Model.Current.FeatureNames, StringComparer.Ordinal))
            {
                // The model reads its inputs by position: the job must list the model's features in the model's order.
                throw new InvalidOperationException(
                    $"features [{string.Join(", ", features.Select(f => f.Name))}] differ from model '{forest.Model.Name}' features [{string.Join(", ", forest.Model.Current.FeatureNames)}]; list them in the model's order or retrain");
            }

            if (input.FeatureCount != detector.FeatureCount)
            {
                throw new InvalidOperationException($"the job gives {input.FeatureCount} value(s) per point but detector {detector.Type} expects {detector.FeatureCount}");
            }
        }
        catch (InvalidOperationException ex)
        {
            throw new ConfigException($"jobs '{job.Name}': {ex.Message}", ex);
        }

        return new JobRunner(
            job,
            input,
            detector,
            sp.GetRequiredService<ScoreStore>(),
            sp.GetRequiredService<VigilMetrics>(),
            dataClock,
            wallClock,
            options.Server.SeriesStaleness,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger($"Vigil.Job.{job.Name}"),
            sp.GetRequiredService<ModelLifecycles>().ByJob.TryGetValue(job.Name, out var lifecycle)
                ? new ShadowScoring(job.Name, sp.GetRequiredService<ScoreStore>(), () => lifecycle.Shadow)
                : null);
    }

    private static ModelLifecycle CreateLifecycle(IServiceProvider sp, JobOptions job)
    {
        // Validated by the configuration: lifecycle jobs are isolation_forest jobs with features, on Prometheus.
        var store = sp.GetRequiredService<ModelStoreProvider>();
        var source = sp.GetRequiredService<PrometheusClient>();
        var spec = new TrainingSpec
        {
            Name = ModelName(job),
            Features = job.Features!,
            JoinLabels = job.JoinLabels,
            Step = job.EffectiveStep,
            Forest = job.Forest,
            Incidents = job.Incidents,
        };
        var trainer = new Trainer(source, store.Store, sp.GetRequiredService<TimeProvider>(), new TrainerOptions());
        return new ModelLifecycle(spec, trainer, store, job.Lifecycle!, sp.GetRequiredService<TimeProvider>());
    }

    private static string ModelName(JobOptions job)
        => job.Detector.Parameters.TryGetValue("model", out var model) ? model.Trim() : job.Name;

    private static IJobInput CreateInput(IServiceProvider sp, JobOptions job, Core.Sources.IMetricSource source)
        => CreateInput(job, source, () => sp.GetRequiredService<ModelStoreProvider>().Store, sp.GetRequiredService<VigilMetrics>().FeatureRowsSkipped);

    /// <summary>
    /// What a job reads each cycle: its query, or its feature queries joined on the join labels. An isolation_forest job
    /// without queries reads the ones its active model's file lists (<paramref name="models"/> is only asked then).
    /// Shared by the service and <c>vigil backtest</c>, so a backtest reads exactly what the live job reads.
    /// </summary>
    internal static IJobInput CreateInput(JobOptions job, Core.Sources.IMetricSource source, Func<ModelStore> models, CounterFamily skipped)
    {
        var features = job.Features;
        var joinLabels = job.JoinLabels;
        if (features is null && job.Query.Length == 0)
        {
            var store = models();
            var name = ModelName(job);
            var header = store.LoadActive(name).Header;
            if (header.Features.Any(f => f.Query.Length == 0) || header.JoinLabels.Count == 0)
            {
                throw new InvalidOperationException($"Model file '{store.ActivePath(name)}': lists no query for some feature or no join labels; give the job features and join_labels");
            }

            features = [.. header.Features.Select(f => new FeatureQuery(f.Name, f.Query))];
            joinLabels = header.JoinLabels;
        }

        return features is null
            ? new QueryInput(source, job.Query)
            : new JoinedQueryInput(source, features, joinLabels, skipped, job.Name);
    }

    public static PrometheusClientOptions ToClientOptions(PrometheusSourceOptions source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new PrometheusClientOptions
        {
            BaseUrl = source.Url,
            Timeout = source.Timeout,
            MaxRetries = source.MaxRetries,
            RetryBaseDelay = source.RetryBaseDelay,
            BearerToken = source.BearerToken,
            BearerTokenFile = source.BearerTokenFile,
            Username = source.Username,
            Password = source.Password,
            CaFile = source.CaFile,
            InsecureSkipVerify = source.InsecureSkipVerify,
        };
    }
}
