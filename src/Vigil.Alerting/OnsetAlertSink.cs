using System.Globalization;
using System.Threading.Channels;
using Vigil.Pipeline.Episodes;

namespace Vigil.Alerting;

/// <summary>
/// Routes episode onsets and ends of jobs with <c>notify: true</c> through the notifier: an onset publishes a
/// "VigilAnomalyOnset" alert (sensor "onset"), the episode's close resolves it. The episode sink runs on the source's
/// loop and must stay fast, so events are queued (bounded; the oldest is dropped when full) and published by
/// <see cref="OnsetAlertService"/>.
/// </summary>
internal sealed class OnsetAlertSink(AlertingOptions options) : IEpisodeSink
{
    private readonly Channel<AnomalyEpisode> _queue = Channel.CreateBounded<AnomalyEpisode>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });

    public ChannelReader<AnomalyEpisode> Reader => _queue.Reader;

    public void OnEpisode(AnomalyEpisode episode)
    {
        ArgumentNullException.ThrowIfNull(episode);
        if (options.NotifyJobs.Contains(episode.Source))
        {
            _queue.Writer.TryWrite(episode);
        }
    }

    public static AlertEvent ToAlert(AnomalyEpisode episode)
    {
        ArgumentNullException.ThrowIfNull(episode);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var label in episode.Labels)
        {
            labels[label.Name] = label.Value;
        }

        labels["vigil_job"] = episode.Source;
        labels["detector"] = episode.Detector;
        var e = episode.Episode;
        var series = episode.Labels.ToString();
        return new AlertEvent
        {
            Source = "detection",
            Sensor = "onset",
            Name = "VigilAnomalyOnset",
            Severity = AlertSeverity.Warning,
            Labels = labels,
            Summary = $"Anomaly on {series} (job {episode.Source})",
            Description = string.Create(
                CultureInfo.InvariantCulture,
                $"Detector {episode.Detector} scored {e.PeakScore:G4} (value {e.PeakValue:G6}, expected {e.PeakExpected:G6}, test {e.PeakTest})."),
            Value = e.PeakValue,
            StartsAt = DateTimeOffset.FromUnixTimeMilliseconds(e.StartMs),
            GeneratorPath = "api/v1/anomalies?job=" + Uri.EscapeDataString(episode.Source),
        };
    }
}

/// <summary>Drains <see cref="OnsetAlertSink"/>: onset → publish, close → resolve. A failure is logged and the next event runs.</summary>
internal sealed class OnsetAlertService(OnsetAlertSink sink, IAlertPublisher publisher, ILogger<OnsetAlertService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await DrainAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown: not a failure. The host logs a cancelled ExecuteAsync as "BackgroundService failed" unless its
            // own StopAsync was called first, which is not the case when the application is disposed without stopping.
        }
    }

    private async Task DrainAsync(CancellationToken stoppingToken)
    {
        await foreach (var episode in sink.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                var alert = OnsetAlertSink.ToAlert(episode);
                if (episode.Kind == EpisodeEventKind.Opened)
                {
                    await publisher.PublishAsync(alert, stoppingToken).ConfigureAwait(false);
                }
                else
                {
                    await publisher.ResolveAsync(alert.DedupKey, DateTimeOffset.FromUnixTimeMilliseconds(episode.Episode.EndMs), stoppingToken).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.OnsetRouteFailed(episode.Source, ex);
            }
        }
    }
}
