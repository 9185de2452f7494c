using System.Collections.Concurrent;
using Vigil.Core.Detection;
using Vigil.Pipeline.Verdicts;

namespace Vigil.Pipeline.Episodes;

/// <summary>
/// A verdict sink turning each series' points into episodes with <see cref="EpisodeTracker"/> (one incident, one
/// onset) and handing open/close events to every <see cref="IEpisodeSink"/>. Shadow candidates' points are not
/// tracked: a candidate's verdicts are a comparison, never an incident. A removed series forgets its tracker
/// (an open episode is not closed: the series stopped reporting, the anomaly did not end).
/// </summary>
public sealed class EpisodeTrackerSink(IEnumerable<IEpisodeSink> sinks, EpisodeOptions options) : IVerdictSink
{
    private readonly IEpisodeSink[] _sinks = [.. sinks];
    private readonly ConcurrentDictionary<ScoredSeries, TrackerBox> _trackers = new();

    public void Publish(VerdictBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ScoredSeries? current = null;
        TrackerBox? box = null;
        foreach (ref readonly var point in batch.Points)
        {
            if (point.Series.Model == ModelRole.Candidate)
            {
                continue;
            }

            if (!ReferenceEquals(point.Series, current))
            {
                current = point.Series;
                box = _trackers.GetOrAdd(current, _ => new TrackerBox(options.QuietPoints));
            }

            var transition = box!.Tracker.Observe(point.TimestampMs, point.Value, point.Verdict);
            if (transition is EpisodeTransition.Onset or EpisodeTransition.Ended)
            {
                var kind = transition == EpisodeTransition.Onset ? EpisodeEventKind.Opened : EpisodeEventKind.Closed;
                var episode = new AnomalyEpisode(kind, current.Source, current.Labels, current.Detector, current.Model, box.Tracker.Current);
                foreach (var sink in _sinks)
                {
                    sink.OnEpisode(episode);
                }
            }
        }

        foreach (var series in batch.Removed)
        {
            _trackers.TryRemove(series, out _);
        }
    }

    /// <summary>The tracker is a mutable struct; a box lets the dictionary hold it by reference.</summary>
    private sealed class TrackerBox(int quietPoints)
    {
        public EpisodeTracker Tracker = new(quietPoints);
    }
}

public sealed record EpisodeOptions
{
    /// <summary>Normal points that separate two episodes of a series. Default <see cref="EpisodeTracker.DefaultQuietPoints"/>.</summary>
    public int QuietPoints { get; init; } = EpisodeTracker.DefaultQuietPoints;

    /// <summary>Episode events kept in memory by <see cref="RecentEpisodes"/> until the event store persists them. Default 1,000.</summary>
    public int RecentCapacity { get; init; } = 1000;
}
