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
            logger.EpisodeOpened(episode.Source, episode.Labels.ToString(), e.StartMs, e.PeakScore, e.PeakValue, e.PeakExpected, e.PeakTest.ToString());
        }
        else
        {
            logger.EpisodeClosed(episode.Source, episode.Labels.ToString(), e.StartMs, e.EndMs, e.AnomalousPoints, e.PeakScore, e.PeakMs, e.PeakValue, e.PeakExpected, e.PeakTest.ToString());
        }
    }
}
