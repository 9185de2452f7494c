using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.Pipeline.Verdicts;

namespace Vigil.Pipeline.History;

/// <summary>
/// A verdict sink keeping each series' recent points in a bounded ring buffer (see <see cref="RecentHistoryOptions"/>
/// for the memory it costs). Invalid points are not kept; a removed series' history goes with it. Written by the
/// sources' loops and read by queries concurrently: each buffer has its own lock, held for a copy only.
/// </summary>
public sealed class RecentHistory(RecentHistoryOptions options) : IVerdictSink, IRecentHistory
{
    // Small at first (256 bytes): at 100k series a 64-point start cost 200 MB before a single point was kept. Buffers
    // double as points arrive, up to the cap.
    private const int InitialCapacity = 8;

    private readonly ConcurrentDictionary<(string Source, Labels Labels), SeriesBuffer> _byKey = new();
    private readonly ConcurrentDictionary<ScoredSeries, SeriesBuffer> _bySeries = new();
    private readonly long _retentionMs = (long)options.Retention.TotalMilliseconds;
    private readonly int _cap = options.MaxPointsPerSeries;
    private readonly long _budgetPoints = options.MaxBytes / HistoryPoint.Bytes;
    private int _seriesCount;

    public bool Enabled => _retentionMs > 0;

    public int SeriesCount => _byKey.Count;

    public void Publish(VerdictBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (!Enabled)
        {
            return;
        }

        var cap = _cap;
        ScoredSeries? current = null;
        SeriesBuffer? buffer = null;
        foreach (ref readonly var point in batch.Points)
        {
            if (point.Verdict.Kind == VerdictKind.Invalid)
            {
                continue;
            }

            if (!ReferenceEquals(point.Series, current))
            {
                current = point.Series;
                buffer = BufferOf(current);
                cap = PointsPerSeries; // after BufferOf: a new series counts in the share it gets

            }

            var v = point.Verdict;
            buffer!.Append(new HistoryPoint(point.TimestampMs, (float)point.Value, (float)v.Score, (float)v.Expected, (float)v.Lower, (float)v.Upper, v.Kind), _retentionMs, cap);
        }

        foreach (var series in batch.Removed)
        {
            if (series.HistorySlot is SeriesBuffer owned && ReferenceEquals(owned.Owner, this))
            {
                series.HistorySlot = null;
            }
            else
            {
                _bySeries.TryRemove(series, out _);
            }

            if (_byKey.TryRemove((series.Source, series.Labels), out _))
            {
                Interlocked.Decrement(ref _seriesCount);
            }
        }
    }

    /// <summary>
    /// Points each series keeps now: <see cref="RecentHistoryOptions.MaxPointsPerSeries"/>, lowered so that all series
    /// together stay within <see cref="RecentHistoryOptions.MaxBytes"/> (never below <see cref="RecentHistoryOptions.MinPointsPerSeries"/>).
    /// A buffer above it gives back its oldest points, and its memory, on its next append.
    /// </summary>
    public int PointsPerSeries
    {
        get
        {
            var series = Math.Max(1, Volatile.Read(ref _seriesCount));
            var share = _budgetPoints / series;
            return (int)Math.Clamp(share, Math.Min(RecentHistoryOptions.MinPointsPerSeries, _cap), _cap);
        }
    }

    private SeriesBuffer BufferOf(ScoredSeries series)
    {
        if (series.HistorySlot is SeriesBuffer owned && ReferenceEquals(owned.Owner, this))
        {
            return owned;
        }

        if (series.HistorySlot is null)
        {
            var claimed = GetOrAddByKey(series.Source, series.Labels);
            if (Interlocked.CompareExchange(ref series.HistorySlot, claimed, null) is null)
            {
                return claimed;
            }
        }

        // The slot belongs to another RecentHistory: keyed by reference here (the lambdas would allocate per lookup).
        return _bySeries.TryGetValue(series, out var buffer) ? buffer : _bySeries.GetOrAdd(series, s => GetOrAddByKey(s.Source, s.Labels));
    }

    private SeriesBuffer GetOrAddByKey(string source, Labels labels)
    {
        if (_byKey.TryGetValue((source, labels), out var existing))
        {
            return existing;
        }

        var created = new SeriesBuffer(this, Math.Min(InitialCapacity, _cap));
        var buffer = _byKey.GetOrAdd((source, labels), created);
        if (ReferenceEquals(buffer, created))
        {
            Interlocked.Increment(ref _seriesCount);
        }

        return buffer;
    }

    public IReadOnlyList<HistoryPoint> Query(string source, Labels labels, long fromMs, long toMs)
        => _byKey.TryGetValue((source, labels), out var buffer) ? buffer.Copy(fromMs, toMs) : [];

    public IReadOnlyList<Labels> Series(string source)
        => [.. _byKey.Keys.Where(k => string.Equals(k.Source, source, StringComparison.Ordinal)).Select(k => k.Labels)];

    /// <summary>
    /// A copy of the history of each of <paramref name="series"/> (exported labels) of <paramref name="source"/> that has
    /// any, for the job-state snapshot; each buffer is copied under its own lock, so cycles of other jobs go on.
    /// </summary>
    public IReadOnlyList<SeriesHistory> Export(string source, IEnumerable<Labels> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var result = new List<SeriesHistory>();
        foreach (var labels in series)
        {
            if (_byKey.TryGetValue((source, labels), out var buffer) && buffer.ToArray() is { Length: > 0 } points)
            {
                result.Add(new SeriesHistory(labels, points));
            }
        }

        return result;
    }

    /// <summary>
    /// Puts a restored series' history back (before the job's first cycle). Points go through the same retention and
    /// cap as live ones, so a snapshot taken under a longer retention or a larger cap is trimmed to today's settings.
    /// </summary>
    public void Import(string source, SeriesHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (!Enabled || history.Points.Length == 0)
        {
            return;
        }

        var buffer = GetOrAddByKey(source, history.Labels);
        var cap = PointsPerSeries;
        foreach (var point in history.Points)
        {
            buffer.Append(point, _retentionMs, cap);
        }
    }

    /// <summary>
    /// A ring buffer that grows to the cap, then overwrites its oldest point. Points are kept in 24 bytes
    /// (<see cref="StoredPoint"/>), their timestamps as offsets from the buffer's base.
    /// </summary>
    private sealed class SeriesBuffer(RecentHistory owner, int initialCapacity)
    {
        private readonly Lock _gate = new();

        /// <summary>The history this buffer belongs to (a series' slot is only used by its owner).</summary>
        public RecentHistory Owner { get; } = owner;

        private StoredPoint[] _points = new StoredPoint[initialCapacity];
        private long _baseMs; // the timestamp of offset 0
        private int _head; // index of the oldest point
        private int _count;

        public void Append(in HistoryPoint point, long retentionMs, int cap)
        {
            if (point.Kind == VerdictKind.Invalid)
            {
                return; // never kept (Publish skips them; a snapshot should hold none)
            }

            lock (_gate)
            {
                // Drop what fell out of the retention window, measured from the newest point (data time, not wall time:
                // a replay or a catch-up keeps the same span of data).
                var oldest = point.TimestampMs - retentionMs;
                while (_count > 0 && TimestampAt(_head) < oldest)
                {
                    _head = (_head + 1) % _points.Length;
                    _count--;
                }

                if (_points.Length > cap)
                {
                    // The budget's share fell (more series): keep the newest points and give the rest of the array back.
                    Shrink(cap);
                }

                if (_count == _points.Length)
                {
                    if (_points.Length < cap)
                    {
                        // Straight to the series' share, not by doubling: the share is bounded by history.max_bytes, and
                        // at 100k series doubling 8 → 16 → 32 → 41 points reallocated every buffer three times, ≈ 180 MB of
                        // dead arrays that a steady job (which allocates nothing else) left committed (scale6).
                        Grow(cap);
                    }
                    else
                    {
                        _head = (_head + 1) % _points.Length;
                        _count--;
                    }
                }

                if (_count == 0)
                {
                    _baseMs = point.TimestampMs;
                }
                else if (!StoredPoint.Fits(point.TimestampMs - _baseMs))
                {
                    Rebase(point.TimestampMs);
                }

                _points[(_head + _count) % _points.Length] = new StoredPoint(point, _baseMs);
                _count++;
            }
        }

        public List<HistoryPoint> Copy(long fromMs, long toMs)
        {
            lock (_gate)
            {
                var result = new List<HistoryPoint>();
                for (var i = 0; i < _count; i++)
                {
                    var p = _points[(_head + i) % _points.Length];
                    var t = p.TimestampMs(_baseMs);
                    if (t >= fromMs && t <= toMs)
                    {
                        result.Add(p.ToPoint(_baseMs));
                    }
                }

                return result;
            }
        }

        public HistoryPoint[] ToArray()
        {
            lock (_gate)
            {
                var result = new HistoryPoint[_count];
                for (var i = 0; i < _count; i++)
                {
                    result[i] = _points[(_head + i) % _points.Length].ToPoint(_baseMs);
                }

                return result;
            }
        }

        private long TimestampAt(int index) => _points[index].TimestampMs(_baseMs);

        /// <summary>
        /// A point too far from the base for its offset: the base moves to the oldest point kept (or the new one, if
        /// older). The retention (at most 7 days, <see cref="HistorySection.MaxRetention"/>) keeps every point within
        /// <see cref="StoredPoint.MaxSpanMs"/> (12.4 days) of the newest; points further from the new one than that (only
        /// possible with timestamps that go back in time, or options built in code with a longer retention) are dropped.
        /// </summary>
        private void Rebase(long newMs)
        {
            var points = new HistoryPoint[_count];
            for (var i = 0; i < _count; i++)
            {
                points[i] = _points[(_head + i) % _points.Length].ToPoint(_baseMs);
            }

            var keepFrom = 0;
            while (keepFrom < points.Length && Math.Abs(newMs - points[keepFrom].TimestampMs) > StoredPoint.MaxSpanMs)
            {
                keepFrom++;
            }

            var baseMs = newMs;
            for (var i = keepFrom; i < points.Length; i++)
            {
                baseMs = Math.Min(baseMs, points[i].TimestampMs);
            }

            // A kept point may still be too far from the base if timestamps went back and forth: then only the new one stays.
            for (var i = keepFrom; i < points.Length; i++)
            {
                if (!StoredPoint.Fits(points[i].TimestampMs - baseMs))
                {
                    keepFrom = points.Length;
                    baseMs = newMs;
                }
            }

            _baseMs = baseMs;
            _head = 0;
            _count = 0;
            for (var i = keepFrom; i < points.Length; i++)
            {
                _points[_count++] = new StoredPoint(points[i], baseMs);
            }
        }

        private void Shrink(int capacity)
        {
            var keep = Math.Min(_count, capacity - 1);
            var shrunk = new StoredPoint[capacity];
            for (var i = 0; i < keep; i++)
            {
                shrunk[i] = _points[(_head + _count - keep + i) % _points.Length];
            }

            _points = shrunk;
            _head = 0;
            _count = keep;
        }

        private void Grow(int capacity)
        {
            var grown = new StoredPoint[capacity];
            for (var i = 0; i < _count; i++)
            {
                grown[i] = _points[(_head + i) % _points.Length];
            }

            _points = grown;
            _head = 0;
        }
    }

    /// <summary>
    /// A point as a buffer keeps it: 24 bytes instead of <see cref="HistoryPoint"/>'s 32 (a 64-bit timestamp and a kind
    /// byte padded to 8). The timestamp is an offset in milliseconds from the buffer's base, shifted left by one for the
    /// kind (scored or warm-up; invalid points are never kept), so every field reads back exactly: at 100k series the
    /// history's 41 points a series are 98 MB instead of 131 (scale8).
    /// </summary>
    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    private readonly struct StoredPoint
    {
        /// <summary>The largest distance from the base an offset holds: 2^30 − 1 ms, 12.4 days.</summary>
        public const long MaxSpanMs = (1L << 30) - 1;

        private readonly int _offsetAndKind;
        private readonly float _value;
        private readonly float _score;
        private readonly float _expected;
        private readonly float _lower;
        private readonly float _upper;

        public StoredPoint(in HistoryPoint point, long baseMs)
        {
            Debug.Assert(Fits(point.TimestampMs - baseMs) && point.Kind is VerdictKind.Scored or VerdictKind.Warmup);
            _offsetAndKind = ((int)(point.TimestampMs - baseMs) << 1) | (point.Kind == VerdictKind.Warmup ? 1 : 0);
            _value = point.Value;
            _score = point.Score;
            _expected = point.Expected;
            _lower = point.Lower;
            _upper = point.Upper;
        }

        public static bool Fits(long offsetMs) => offsetMs is >= -MaxSpanMs and <= MaxSpanMs;

        public long TimestampMs(long baseMs) => baseMs + (_offsetAndKind >> 1);

        public HistoryPoint ToPoint(long baseMs) =>
            new(TimestampMs(baseMs), _value, _score, _expected, _lower, _upper, (_offsetAndKind & 1) == 1 ? VerdictKind.Warmup : VerdictKind.Scored);
    }
}
