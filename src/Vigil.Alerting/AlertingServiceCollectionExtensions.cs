using Microsoft.Extensions.DependencyInjection.Extensions;
using Vigil.Configuration;
using Vigil.Exposition;
using Vigil.Pipeline;
using Vigil.Pipeline.Telemetry;

namespace Vigil.Alerting;

public static class AlertingServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IAlertPublisher"/> (dedup in Redis when <see cref="AlertingOptions.RedisUrl"/> is set,
    /// else in the event store, which must be registered too), the delivery loop and the onset route for
    /// <see cref="AlertingOptions.NotifyJobs"/>. Invalid options throw <see cref="ConfigException"/> here, at start-up.
    /// </summary>
    public static IServiceCollection AddAlerting(this IServiceCollection services, AlertingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ConfigException.ThrowIfInvalid(string.Empty, options.Validate());

        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<MetricRegistry>();
        services.TryAddSingleton<VigilMetrics>();
        services.AddSingleton<AlertingMetrics>();
        services.AddHttpClient("vigil-alerting", (sp, http) => http.Timeout = sp.GetRequiredService<AlertingOptions>().SendTimeout);
        if (options.RedisUrl is { } redis)
        {
            services.AddSingleton<IDedupStore>(_ => new RedisDedupStore(redis));
        }
        else
        {
            services.AddSingleton<IDedupStore, EventStoreDedupStore>();
        }

        services.AddSingleton<AlertDeduplicator>();
        foreach (var target in options.Alertmanagers)
        {
            services.AddSingleton<IAlertReceiver>(sp => new AlertmanagerReceiver(Client(sp), target));
        }

        foreach (var url in options.Webhooks)
        {
            services.AddSingleton<IAlertReceiver>(sp => new WebhookReceiver(Client(sp), url));
        }

        if (options.Log)
        {
            services.AddSingleton<IAlertReceiver, LogReceiver>();
        }

        services.AddSingleton<AlertNotifier>();
        services.AddSingleton<IAlertPublisher>(sp => sp.GetRequiredService<AlertNotifier>());
        services.AddHostedService<AlertDeliveryService>();
        services.AddEpisodeSink<OnsetAlertSink>();
        services.AddHostedService<OnsetAlertService>();
        return services;

        static HttpClient Client(IServiceProvider sp) => sp.GetRequiredService<IHttpClientFactory>().CreateClient("vigil-alerting");
    }
}
