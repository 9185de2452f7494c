using Vigil.Pipeline.Telemetry;

namespace Vigil.Pipeline.Episodes;

/// <summary>Logs every episode event and counts onsets in <c>vigil_anomaly_episodes_total{job}</c>.</summary>
public sealed class EpisodeLog(VigilMetrics metrics, ILogger<EpisodeLog> logger) : IEpisodeSink
{
    public void OnEpisode(AnomalyEpisode episode)
    {
        ArgumentNullException.ThrowIfNull(episode);
        var e = episode.Episode;
        if (episode.Kind == EpisodeEventKind.Opened)
        {
            metrics.Episodes.WithLabels(episode.Source).Inc();
            // The labels' and test's text only when the line is on: built first, they cost ≈ 40 MB at a first
            // publication that opened episodes on half of 100k series even with the line switched off (scale10's trace).
            if (logger.IsEnabled(LogLevel.Warning))
            {
                logger.EpisodeOpened(episode.Source, episode.Labels.ToString(), e.StartMs, e.PeakScore, e.PeakValue, e.PeakExpected, e.PeakTest.ToString());
            }
        }
        else if (logger.IsEnabled(LogLevel.Information))
        {
            logger.EpisodeClosed(episode.Source, episode.Labels.ToString(), e.StartMs, e.EndMs, e.AnomalousPoints, e.PeakScore, e.PeakMs, e.PeakValue, e.PeakExpected, e.PeakTest.ToString());
        }
    }
}
