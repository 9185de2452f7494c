using System.Collections.Concurrent;
using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.Pipeline.Verdicts;

namespace Vigil.Pipeline.Episodes;

/// <summary>
/// A verdict sink turning each series' points into episodes with <see cref="EpisodeTracker"/> (one incident, one
/// onset) and handing open/close events to every <see cref="IEpisodeSink"/>. Shadow candidates' points are not
/// tracked: a candidate's verdicts are a comparison, never an incident. A removed series forgets its tracker
/// (an open episode is not closed: the series stopped reporting, the anomaly did not end).
/// </summary>
public sealed class EpisodeTrackerSink(IEnumerable<IEpisodeSink> sinks, EpisodeOptions options, ILogger<EpisodeTrackerSink>? logger = null) : IVerdictSink
{
    /// <summary>Suppressions kept; the oldest goes first (feedback is re-registered from the event store at start-up).</summary>
    public const int MaxSuppressions = 10_000;

    private readonly IEpisodeSink[] _sinks = [.. sinks];
    private readonly ConcurrentDictionary<ScoredSeries, TrackerBox> _trackers = new();
    private readonly Lock _suppressionGate = new();
    private readonly LinkedList<Suppression> _suppressions = new();

    /// <summary>
    /// An operator said [<paramref name="fromMs"/>, <paramref name="toMs"/>] of the matching series of
    /// <paramref name="source"/> is not an anomaly: an episode whose onset falls in the range is neither announced nor
    /// closed to the episode sinks, so alerting does not fire again for it. Thread-safe.
    /// </summary>
    public void Suppress(string source, Func<Labels, bool> matches, long fromMs, long toMs)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(matches);
        lock (_suppressionGate)
        {
            if (_suppressions.Count == MaxSuppressions)
            {
                _suppressions.RemoveFirst();
            }

            _suppressions.AddLast(new Suppression(source, matches, fromMs, toMs));
        }
    }

    private bool IsSuppressed(ScoredSeries series, long startMs)
    {
        lock (_suppressionGate)
        {
            foreach (var s in _suppressions)
            {
                if (startMs >= s.FromMs && startMs <= s.ToMs && string.Equals(s.Source, series.Source, StringComparison.Ordinal) && s.Matches(series.Labels))
                {
                    return true;
                }
            }
        }

        return false;
    }

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
                box = BoxOf(current);
            }

            var transition = box!.Tracker.Observe(point.TimestampMs, point.Value, point.Verdict);
            if (transition is EpisodeTransition.Onset or EpisodeTransition.Ended)
            {
                var kind = transition == EpisodeTransition.Onset ? EpisodeEventKind.Opened : EpisodeEventKind.Closed;
                if (kind == EpisodeEventKind.Opened)
                {
                    box.Suppressed = IsSuppressed(current, box.Tracker.Current.StartMs);
                    if (box.Suppressed)
                    {
                        logger?.EpisodeSuppressed(current.Source, current.Labels.ToString(), box.Tracker.Current.StartMs);
                    }
                }

                if (box.Suppressed)
                {
                    continue;
                }

                var episode = new AnomalyEpisode(kind, current.Source, current.Labels, current.Detector, current.Model, box.Tracker.Current);
                foreach (var sink in _sinks)
                {
                    sink.OnEpisode(episode);
                }
            }
        }

        foreach (var sink in _sinks)
        {
            sink.OnPublished(batch.Source);
        }

        foreach (var series in batch.Removed)
        {
            if (series.EpisodeSlot is TrackerBox owned && ReferenceEquals(owned.Owner, this))
            {
                series.EpisodeSlot = null;
            }
            else
            {
                _trackers.TryRemove(series, out _);
            }
        }
    }

    /// <summary>The series' tracker: from its slot when this sink owns it, else by reference in a dictionary.</summary>
    private TrackerBox BoxOf(ScoredSeries series)
    {
        if (series.EpisodeSlot is TrackerBox owned && ReferenceEquals(owned.Owner, this))
        {
            return owned;
        }

        if (series.EpisodeSlot is null)
        {
            var box = new TrackerBox(this, options.QuietPoints);
            series.EpisodeSlot = box;
            return box;
        }

        // A lambda capturing the options would allocate a delegate per lookup: look up first, create only when missing.
        return _trackers.TryGetValue(series, out var existing) ? existing : _trackers.GetOrAdd(series, new TrackerBox(this, options.QuietPoints));
    }

    /// <summary>The tracker is a mutable struct; a box lets the dictionary hold it by reference.</summary>
    private sealed class TrackerBox(EpisodeTrackerSink owner, int quietPoints)
    {
        public readonly EpisodeTrackerSink Owner = owner;

        public EpisodeTracker Tracker = new(quietPoints);

        /// <summary>The current episode's onset fell in a not_anomaly range: its open and close are not announced.</summary>
        public bool Suppressed;
    }

    private sealed record Suppression(string Source, Func<Labels, bool> Matches, long FromMs, long ToMs);
}

public sealed record EpisodeOptions
{
    /// <summary>Normal points that separate two episodes of a series. Default <see cref="EpisodeTracker.DefaultQuietPoints"/>.</summary>
    public int QuietPoints { get; init; } = EpisodeTracker.DefaultQuietPoints;

    /// <summary>Episode events kept in memory by <see cref="RecentEpisodes"/> until the event store persists them. Default 1,000.</summary>
    public int RecentCapacity { get; init; } = 1000;

    /// <summary>
    /// Episode lines (opened and closed) one publication of a job logs one by one; the rest are counted in one line at
    /// its end (<c>episodes.log_lines_per_cycle</c>). Default 100: a restart after a long outage can open an episode on
    /// most series at once, and a line each is ≈ 1 KB of text per series.
    /// </summary>
    public int LogLinesPerCycle { get; init; } = DefaultLogLinesPerCycle;

    public const int DefaultLogLinesPerCycle = 100;
}
