using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Vigil.Configuration;
using Vigil.Core.Sources;

namespace Vigil.Prometheus;

public static class PrometheusServiceCollectionExtensions
{
    /// <summary>
    /// Registers <paramref name="options"/>, a named <see cref="HttpClient"/> whose primary handler honours the TLS options,
    /// <see cref="PrometheusClient"/> as a singleton, and it as the <see cref="IMetricSource"/> unless one is registered.
    /// </summary>
    /// <exception cref="ConfigException">The options are invalid; the message lists every error.</exception>
    public static IServiceCollection AddPrometheusClient(this IServiceCollection services, PrometheusClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        ConfigException.ThrowIfInvalid(PrometheusSection.Path, options.Validate());

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);

        // The client is a singleton holding one HttpClient, so the factory must not rotate its handler;
        // SocketsHttpHandler.PooledConnectionLifetime recycles connections for DNS changes instead.
        // The per-attempt time-out is ours (options.Timeout), so HttpClient's own is switched off, and its
        // per-request logging is dropped because PrometheusClient logs every request itself.
        services.AddHttpClient(PrometheusConstants.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => PrometheusHttpHandler.Create(options))
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();

        services.AddSingleton(sp => new PrometheusClient(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(PrometheusConstants.HttpClientName),
            options,
            sp.GetRequiredService<ILogger<PrometheusClient>>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IMetricSource>(sp => sp.GetRequiredService<PrometheusClient>());
        return services;
    }
}
