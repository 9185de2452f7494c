using Microsoft.Extensions.DependencyInjection.Extensions;
using Vigil.Alerting;
using Vigil.Core.Detection;
using Vigil.Core.Sources;
using Vigil.Exposition;
using Vigil.Inspection.Sensors;
using Vigil.Pipeline;
using Vigil.Pipeline.Jobs;
using Vigil.Pipeline.Replay;
using Vigil.Pipeline.Telemetry;
using Vigil.Prometheus;

namespace Vigil.Inspection;

public static class InspectionServiceCollectionExtensions
{
    /// <summary>
    /// Inspection rounds as scheduled work (the scheduler must be registered: <c>AddWorkScheduler</c>), the three
    /// sensors, background retraining, and the cached latest report. Needs the event store, and
    /// <c>AddPrometheusClient</c> for <see cref="InspectionSource.Prometheus"/> (the replay source is added here for
    /// <see cref="InspectionSource.Replay"/>). Alerts go to the registered <see cref="IAlertPublisher"/>; when none is
    /// registered (no <c>alerting:</c> section), to the log. Invalid options throw here, at start-up.
    /// </summary>
    public static IServiceCollection AddInspection(this IServiceCollection services, InspectionOptions options, ReplayOptions? replay = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate(DetectorRegistry.CreateDefault());
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid inspection configuration: " + string.Join("; ", errors), nameof(options));
        }

        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<MetricRegistry>();
        services.TryAddSingleton<VigilMetrics>();
        services.TryAddSingleton<InspectionMetrics>();
        if (options.Source == InspectionSource.Replay)
        {
            services.AddReplaySource(replay ?? new ReplayOptions());
        }

        services.AddKeyedSingleton<IMetricSource>(InspectionServiceKey, (sp, _) => options.Source == InspectionSource.Replay
            ? sp.GetRequiredService<ReplaySource>()
            : sp.GetRequiredService<PrometheusClient>());
        services.AddSingleton(sp => new InspectionClocks(
            sp.GetRequiredService<TimeProvider>(),
            options.Source == InspectionSource.Replay ? sp.GetRequiredKeyedService<TimeProvider>(JobSource.Replay) : sp.GetRequiredService<TimeProvider>()));

        // Registered only when nothing else is: Vigil.Alerting's AddAlerting (any order) replaces it.
        services.TryAddSingleton<IAlertPublisher, LoggingAlertPublisher>();
        services.AddSingleton(sp => new BaselineModels(sp.GetService<DetectorRegistry>() ?? DetectorRegistry.CreateDefault(), options.Baseline));
        services.AddSingleton(sp => new BaselineRetrainer(Source(sp), options, sp.GetRequiredService<BaselineModels>(), sp.GetRequiredService<InspectionMetrics>(), sp.GetRequiredService<VigilMetrics>(), sp.GetRequiredService<ILogger<BaselineRetrainer>>()));
        services.AddSingleton<IInspectionSensor>(sp => new BaselineSensor(Source(sp), options, sp.GetRequiredService<BaselineModels>(), sp.GetRequiredService<VigilMetrics>()));
        services.AddSingleton<IInspectionSensor>(sp => new TrendSensor(Source(sp), options, sp.GetRequiredService<VigilMetrics>()));
        // The log service's new templates, when a logs: section runs it (the feed is registered by AddLogMining).
        services.AddSingleton<INewTemplateSource>(sp => new LogServiceTemplateSource(sp.GetService<Vigil.Logs.Service.NewTemplateFeed>()));
        services.AddSingleton<IInspectionSensor>(sp => new LogPatternSensor(sp.GetServices<INewTemplateSource>(), options));
        services.AddSingleton(sp => new Inspector(
            sp.GetServices<IInspectionSensor>(),
            sp.GetRequiredService<IAlertPublisher>(),
            sp.GetRequiredService<EventStore.IEventStore>(),
            options,
            sp.GetRequiredService<InspectionMetrics>(),
            sp.GetRequiredService<VigilMetrics>(),
            sp.GetRequiredService<InspectionClocks>(),
            sp.GetRequiredService<ILogger<Inspector>>(),
            sp.GetRequiredService<BaselineRetrainer>()));
        services.AddScheduledWork(sp =>
        {
            var inspector = sp.GetRequiredService<Inspector>();
            var publisher = sp.GetRequiredService<IAlertPublisher>();
            sp.GetRequiredService<InspectionMetrics>().ShadowMode.Unlabelled.Set(options.ShadowMode ? 1 : 0);
            var logger = sp.GetRequiredService<ILogger<Inspector>>();
            if (logger.IsEnabled(LogLevel.Information))
            {
                logger.Started(
                    options.Interval,
                    options.Monitored.Count,
                    string.Join(", ", inspector.Sensors.Select(s => s.Name + (s.Enabled ? string.Empty : " (disabled)"))),
                    options.ShadowMode,
                    publisher is LoggingAlertPublisher ? "the log (no alerting: section)" : publisher.GetType().Name);
            }

            return new InspectionWork(inspector, options, sp.GetRequiredService<InspectionClocks>(), sp.GetRequiredService<BaselineRetrainer>());
        });
        return services;

        static IMetricSource Source(IServiceProvider sp) => sp.GetRequiredKeyedService<IMetricSource>(InspectionServiceKey);
    }

    private const string InspectionServiceKey = "inspection";
}

/// <summary>What the embedded demo inspects: the replay's three metrics, with thresholds a trend can be seen approaching.</summary>
public static class InspectionDefaults
{
    /// <summary>
    /// The demo's inspection: the replay source and its clock, every sensor, and delivery (to the log, unless alerting is
    /// configured) rather than shadow mode, so a new user sees alerts as well as reports.
    /// </summary>
    public static InspectionOptions Demo { get; } = new()
    {
        Source = InspectionSource.Replay,
        ShadowMode = false,
        Monitored =
        [
            new MonitoredMetric { Name = "http_requests", Promql = "replay_http_requests_per_second", Threshold = 400, Description = "HTTP requests per second" },
            new MonitoredMetric { Name = "latency_p99", Promql = "replay_latency_p99_seconds", Threshold = 1.0, Description = "p99 latency (s)" },
            new MonitoredMetric { Name = "queue_depth", Promql = "replay_queue_depth", Threshold = 60, Description = "queue depth" },
        ],
    };
}
