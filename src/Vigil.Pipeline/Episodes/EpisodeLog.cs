using System.Collections.Concurrent;
using Vigil.Pipeline.Telemetry;

namespace Vigil.Pipeline.Episodes;

/// <summary>
/// Logs episode events and counts onsets in <c>vigil_anomaly_episodes_total{job}</c>. At most
/// <see cref="EpisodeOptions.LogLinesPerCycle"/> lines per publication of a job: the rest are counted and named in one
/// summary line when the publication ends. A restart after a long outage can open an episode on half of 100k series at
/// its first scored point; a line each was ≈ 1 KB of text per episode, ≈ 110 MB at 50k episodes, kept live while a
/// starved CPU wrote them (issue 15, scale10's trace). The counter still counts every onset.
/// </summary>
public sealed class EpisodeLog(VigilMetrics metrics, EpisodeOptions options, ILogger<EpisodeLog> logger) : IEpisodeSink
{
    /// <summary>Lines of the publication under way, per job. A job publishes on its own loop, one batch at a time.</summary>
    private readonly ConcurrentDictionary<string, Tally> _tallies = new(StringComparer.Ordinal);

    public EpisodeLog(VigilMetrics metrics, ILogger<EpisodeLog> logger)
        : this(metrics, new EpisodeOptions(), logger)
    {
    }

    public void OnEpisode(AnomalyEpisode episode)
    {
        ArgumentNullException.ThrowIfNull(episode);
        var e = episode.Episode;
        var opened = episode.Kind == EpisodeEventKind.Opened;
        if (opened)
        {
            metrics.Episodes.WithLabels(episode.Source).Inc();
        }

        // Off, a line is neither built nor counted against the limit.
        if (!logger.IsEnabled(opened ? LogLevel.Warning : LogLevel.Information))
        {
            return;
        }

        var tally = TallyOf(episode.Source);
        if (tally.Logged >= options.LogLinesPerCycle)
        {
            if (opened)
            {
                tally.OpenedNotLogged++;
            }
            else
            {
                tally.ClosedNotLogged++;
            }

            return;
        }

        tally.Logged++;
        // The labels' and test's text only when the line is written: built first, they cost ≈ 40 MB at a first
        // publication that opened episodes on half of 100k series even with the line switched off (scale10's trace).
        if (opened)
        {
            logger.EpisodeOpened(episode.Source, episode.Labels.ToString(), e.StartMs, e.PeakScore, e.PeakValue, e.PeakExpected, e.PeakTest.ToString());
        }
        else
        {
            logger.EpisodeClosed(episode.Source, episode.Labels.ToString(), e.StartMs, e.EndMs, e.AnomalousPoints, e.PeakScore, e.PeakMs, e.PeakValue, e.PeakExpected, e.PeakTest.ToString());
        }
    }

    public void OnPublished(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!_tallies.TryGetValue(source, out var tally))
        {
            return;
        }

        if (tally.OpenedNotLogged + tally.ClosedNotLogged > 0)
        {
            // At warning level whenever an opened line was held back: those lines were warnings.
            logger.EpisodeLinesNotLogged(tally.OpenedNotLogged > 0 ? LogLevel.Warning : LogLevel.Information, source, tally.OpenedNotLogged, tally.ClosedNotLogged, tally.Logged);
        }

        tally.Logged = 0;
        tally.OpenedNotLogged = 0;
        tally.ClosedNotLogged = 0;
    }

    private Tally TallyOf(string source) =>
        _tallies.TryGetValue(source, out var tally) ? tally : _tallies.GetOrAdd(source, static _ => new Tally());

    private sealed class Tally
    {
        public int Logged;
        public int OpenedNotLogged;
        public int ClosedNotLogged;
    }
}
