using Microsoft.Extensions.DependencyInjection.Extensions;
using Vigil.Configuration;
using Vigil.Exposition;
using Vigil.Pipeline;
using Vigil.Pipeline.Telemetry;

namespace Vigil.Export.RemoteWrite;

public static class RemoteWriteServiceCollectionExtensions
{
    /// <summary>
    /// Writes every scored point (score, expected value, band) to a remote-write receiver at the point's own timestamp:
    /// a verdict sink queues, a hosted sender delivers. Invalid options throw <see cref="ConfigException"/> here, at start-up.
    /// </summary>
    public static IServiceCollection AddRemoteWrite(this IServiceCollection services, RemoteWriteOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ConfigException.ThrowIfInvalid(string.Empty, options.Validate());

        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<MetricRegistry>();
        services.TryAddSingleton<VigilMetrics>();
        services.AddSingleton<RemoteWriteMetrics>();
        services.AddVerdictSink<RemoteWriteBuffer>();
        // The client's own timeout is off: each request has options.Timeout through its token.
        services.AddHttpClient("vigil-remote-write", http => http.Timeout = System.Threading.Timeout.InfiniteTimeSpan);
        services.AddHostedService(sp => new RemoteWriteSender(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient("vigil-remote-write"),
            options,
            sp.GetRequiredService<RemoteWriteBuffer>(),
            sp.GetRequiredService<RemoteWriteMetrics>(),
            sp.GetRequiredService<VigilMetrics>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<RemoteWriteSender>>()));
        return services;
    }
}
