using System.Net;
using Vigil.Configuration;
using Vigil.Core.Detection;
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
        services.AddSingleton(_ => DetectorRegistry.CreateDefault());
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

        services.AddSingleton<IReadOnlyList<JobRunner>>(sp => [.. options.Jobs.Select(job => CreateRunner(sp, options, job))]);
        services.AddSingleton(sp => new JobStateStore(options.Server, sp.GetRequiredService<VigilMetrics>(), sp.GetRequiredService<ILogger<JobStateStore>>()));
        services.AddSingleton(sp => new JobScheduler(
            sp.GetRequiredService<IReadOnlyList<JobRunner>>(),
            sp.GetRequiredService<JobStateStore>(),
            sp.GetRequiredService<TimeProvider>(),
            options.Server.ShutdownGrace,
            sp.GetRequiredService<ILogger<JobScheduler>>()));
        services.AddHostedService(sp => sp.GetRequiredService<JobScheduler>());
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
        var detector = sp.GetRequiredService<DetectorRegistry>().Create(job.Detector);
        return new JobRunner(
            job,
            new QueryInput(source, job.Query),
            detector,
            sp.GetRequiredService<ScoreStore>(),
            sp.GetRequiredService<VigilMetrics>(),
            dataClock,
            wallClock,
            options.Server.SeriesStaleness,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger($"Vigil.Job.{job.Name}"));
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
