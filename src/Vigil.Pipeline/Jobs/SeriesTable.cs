using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.Pipeline.Verdicts;

namespace Vigil.Pipeline.Jobs;

/// <summary>One series of a job: its detector state, identity on the seam, last scored point and when it was last returned.</summary>
internal sealed class SeriesState(Labels id, ISeriesDetector detector, ScoredSeries series)
{
    /// <summary>The series' identity in the job (its labels after the allow-list, before any export label).</summary>
    public Labels Id { get; } = id;

    public ISeriesDetector Detector { get; } = detector;

    public ScoredSeries Series { get; } = series;

    public long LastTimestampMs { get; set; } = long.MinValue;

    /// <summary>Its detector's latest verdict was a warm-up one: not mature yet, no score exported.</summary>
    public bool Warming { get; private set; }

    /// <summary>Sets <see cref="Warming"/>; true when it changed (the table keeps the count).</summary>
    public bool SetWarming(bool warming)
    {
        if (Warming == warming)
        {
            return false;
        }

        Warming = warming;
        return true;
    }

    public DateTimeOffset LastSeen { get; set; }

    /// <summary>The last <see cref="SeriesTable.Resolve"/> round that returned it: a second hit in one round is a duplicate.</summary>
    public long SeenRound { get; set; }
}

/// <summary>
/// The series a job tracks: identifies each returned series (label allow-list), creates state for new ones, warms
/// them from history, and drops the ones not returned for the staleness period. Not thread-safe (one job's loop).
/// </summary>
internal sealed class SeriesTable
{
    private readonly IDetector _detector;
    private readonly IReadOnlySet<string>? _allowList;
    private readonly Func<Labels, ScoredSeries> _identify;
    private readonly Dictionary<Labels, SeriesState> _series = [];
    private readonly Func<Labels, bool>? _owns;

    // Series of other shards, remembered so each cycle drops them with one lookup instead of a hash; bounded by
    // clearing (they are re-hashed once) so label churn cannot grow it forever.
    private readonly HashSet<Labels> _foreign = [];
    private const int ForeignMemory = 1_000_000;

    // Reused every cycle (a cycle at 100k series allocated a 100k-entry list and a 100k-entry HashSet of "seen" ids).
    private readonly List<(int Index, SeriesState State)> _resolved = [];
    private int _warmingCount;
    private long _round;
    private int _seenInRound;
    private DateTimeOffset _lastResolvedAt = DateTimeOffset.MinValue;

    /// <param name="detector">Creates each new series' detector.</param>
    /// <param name="allowList">Labels that identify a series; null keeps all of them.</param>
    /// <param name="identify">The series' identity on the verdict seam, from its id.</param>
    /// <param name="owns">Whether this replica scores a series (sharding); null scores every series.</param>
    public SeriesTable(IDetector detector, IReadOnlySet<string>? allowList, Func<Labels, ScoredSeries> identify, Func<Labels, bool>? owns = null)
    {
        _detector = detector;
        _allowList = allowList;
        _identify = identify;
        _owns = owns;
    }

    public int Count => _series.Count;

    /// <summary>Series whose latest verdict was warm-up (detector not yet mature).</summary>
    public int CountWarming() => _warmingCount;

    /// <summary>Records a series' latest verdict kind; the warming count is kept as it changes instead of walking every series each cycle.</summary>
    public void SetWarming(SeriesState state, bool warming)
    {
        if (state.SetWarming(warming))
        {
            _warmingCount += warming ? 1 : -1;
        }
    }

    /// <summary>Series of other shards in the last batch resolved (0 without sharding).</summary>
    public int ForeignInLastBatch { get; private set; }

    public IEnumerable<KeyValuePair<Labels, ISeriesDetector>> Detectors => _series.Select(s => KeyValuePair.Create(s.Key, s.Value.Detector));

    /// <summary>Each series' labels as exported on the seam (the recent history's key).</summary>
    public IEnumerable<Labels> Exported => _series.Values.Select(s => s.Series.Labels);

    public Labels Identify(Labels returned) => _allowList is null ? returned : returned.Keep(_allowList);

    /// <summary>
    /// The state of every series in <paramref name="batch"/>, by batch index, marked seen at <paramref name="now"/>.
    /// Series seen for the first time after the job's first cycle are also returned in <paramref name="fresh"/>, to be
    /// warmed; a series whose id repeats (the allow-list made two collide) is reported to <paramref name="duplicate"/> and skipped.
    /// </summary>
    /// <remarks>The list returned is reused by the next call.</remarks>
    public List<(int Index, SeriesState State)> Resolve(SeriesBatch batch, DateTimeOffset now, bool first, Action<Labels> duplicate, out Dictionary<Labels, SeriesState>? fresh)
    {
        var states = _resolved;
        states.Clear();
        states.EnsureCapacity(batch.SeriesCount);
        var round = ++_round;
        var seen = 0;
        fresh = null;
        var foreign = 0;
        for (var i = 0; i < batch.SeriesCount; i++)
        {
            var id = Identify(batch.GetLabels(i));
            if (!_series.TryGetValue(id, out var state))
            {
                if (_owns is not null && IsForeign(id))
                {
                    foreign++;
                    continue;
                }

                state = new SeriesState(id, _detector.CreateSeries(), _identify(id));
                _series.Add(id, state);
                if (!first)
                {
                    (fresh ??= []).Add(id, state);
                }
            }
            else if (state.SeenRound == round)
            {
                duplicate(id);
                continue;
            }

            state.SeenRound = round;
            state.LastSeen = now;
            seen++;
            states.Add((i, state));
        }

        ForeignInLastBatch = foreign;
        _seenInRound = seen;
        _lastResolvedAt = now;
        return states;
    }

    private bool IsForeign(Labels id)
    {
        if (_foreign.Contains(id))
        {
            return true;
        }

        if (_owns!(id))
        {
            return false;
        }

        if (_foreign.Count >= ForeignMemory)
        {
            _foreign.Clear();
        }

        _foreign.Add(id);
        return true;
    }

    /// <summary>
    /// Feeds the fresh series their history (learned, never scored); called once per slice, in time order. Returns the
    /// points fed.
    /// </summary>
    public int Warm(SeriesBatch history, Dictionary<Labels, SeriesState> fresh)
    {
        var fed = 0;
        var width = history.FeatureCount;
        for (var i = 0; i < history.SeriesCount; i++)
        {
            if (!fresh.TryGetValue(Identify(history.GetLabels(i)), out var state))
            {
                continue;
            }

            var timestamps = history.GetTimestamps(i);
            var values = history.GetValues(i);
            for (var j = 0; j < timestamps.Length; j++)
            {
                if (timestamps[j] <= state.LastTimestampMs)
                {
                    continue; // a duplicate series in the response, or a slice that overlaps: never a point twice
                }

                state.Detector.Observe(timestamps[j], values.Slice(j * width, width));
                state.LastTimestampMs = timestamps[j];
                fed++;
            }
        }

        return fed;
    }

    /// <summary>Removes the series last seen before <paramref name="cutoff"/> and returns them (null when none).</summary>
    public List<SeriesState>? DropStale(DateTimeOffset cutoff)
    {
        // Every series was returned by the last resolve (the usual cycle): none can be stale, skip the walk over all of
        // them (at 100k series, a cache miss each).
        if (_seenInRound == _series.Count && _lastResolvedAt >= cutoff)
        {
            return null;
        }

        List<SeriesState>? stale = null;
        foreach (var state in _series.Values)
        {
            if (state.LastSeen < cutoff)
            {
                (stale ??= []).Add(state);
            }
        }

        foreach (var state in stale ?? [])
        {
            _series.Remove(state.Id);
            if (state.Warming)
            {
                _warmingCount--;
            }
        }

        return stale;
    }

    /// <summary>Replaces every series with restored ones, each as if last scored at <paramref name="lastScoredMs"/> and seen at <paramref name="now"/>.</summary>
    public void Restore(IReadOnlyDictionary<Labels, ISeriesDetector> detectors, long lastScoredMs, DateTimeOffset now)
    {
        _series.Clear();
        _warmingCount = 0;
        _seenInRound = -1; // restored series were not resolved: the next DropStale walks them
        foreach (var (id, detector) in detectors)
        {
            if (_owns is not null && !_owns(id))
            {
                // Saved under another shard layout (sharding.count changed): the series' new owner scores it now.
                continue;
            }

            _series[id] = new SeriesState(id, detector, _identify(id)) { LastTimestampMs = lastScoredMs, LastSeen = now };
        }
    }
}
