using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Configuration;
using Vigil.Core.Detection;
using Vigil.EventStore;
using Vigil.Exposition;
using Vigil.Logs.Configuration;
using Vigil.Pipeline;
using Vigil.Pipeline.Telemetry;
using Vigil.Pipeline.Verdicts;

namespace Vigil.Logs.Service;

/// <summary>The sources' ingestors, for the API.</summary>
public sealed class LogSources
{
    internal LogSources(IReadOnlyList<SourceIngestor> ingestors) => Ingestors = ingestors;

    internal IReadOnlyList<SourceIngestor> Ingestors { get; }

    public IReadOnlyList<string> Names => [.. Ingestors.Select(i => i.Name)];

    /// <summary>Counts per template of one source (null: unknown source) in [from, to).</summary>
    public SourceCounts? Query(string source, DateTimeOffset from, DateTimeOffset to)
        => Ingestors.FirstOrDefault(i => i.Name == source)?.Query(from, to);
}

public static class LogsServiceCollectionExtensions
{
    /// <summary>
    /// Log mining in the service (docs/logs.md): one hosted service per source, the log metrics, the new-template feed
    /// (<see cref="NewTemplateFeed"/>) and what <see cref="LogsEndpoints.MapLogsApi"/> serves. Throws
    /// <see cref="ConfigException"/> listing every error when <paramref name="options"/> are invalid.
    /// </summary>
    /// <remarks><paramref name="stateDirectory"/>: where ids and positions go when <see cref="LogsOptions.StateDirectory"/> is unset (the host passes server.state_dir/logs); null: memory only.</remarks>
    public static IServiceCollection AddLogMining(this IServiceCollection services, LogsOptions options, string? stateDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        ConfigException.ThrowIfInvalid("logs", options.Validate());
        var directory = options.StateDirectory ?? stateDirectory;
        services.AddVerdictSeam();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<NewTemplateFeed>();
        services.TryAddSingleton(sp => new LogTelemetry(sp.GetRequiredService<MetricRegistry>()));
        services.TryAddSingleton(sp =>
        {
            var detectors = sp.GetService<DetectorRegistry>() ?? DetectorRegistry.CreateDefault();
            return new LogSources([.. options.Sources.Select(source => new SourceIngestor(
                source,
                options,
                detectors.Create(options.Detector),
                sp.GetRequiredService<VerdictPublisher>(),
                sp.GetRequiredService<LogTelemetry>(),
                sp.GetRequiredService<NewTemplateFeed>(),
                sp.GetRequiredService<TimeProvider>(),
                directory))]);
        });

        // New templates to the event store when the host has one (vigil run always does); before the sources, so the
        // recorder subscribes before the first line is mined.
        services.AddSingleton<IHostedService>(sp => sp.GetService<IEventStore>() is { } store
            ? new NewTemplateRecorder(sp.GetRequiredService<NewTemplateFeed>(), store, sp.GetRequiredService<VigilMetrics>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<NewTemplateRecorder>>())
            : new NoRecorder());

        for (var i = 0; i < options.Sources.Count; i++)
        {
            var index = i;

            // One hosted service per source (AddHostedService would keep only one registration of the type).
            services.AddSingleton<IHostedService>(sp => new LogSourceService(
                sp.GetRequiredService<LogSources>().Ingestors[index],
                options.CheckpointInterval,
                sp.GetRequiredService<VigilMetrics>(),
                sp.GetRequiredService<LogTelemetry>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetService<IHttpClientFactory>(),
                sp.GetServices<Sources.IPolledLogSourceFactory>(),
                sp.GetRequiredService<ILogger<LogSourceService>>()));
        }

        return services;
    }
}

/// <summary>Stands in for the recorder when no event store is registered (a hosted-service factory must return one).</summary>
internal sealed class NoRecorder : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
