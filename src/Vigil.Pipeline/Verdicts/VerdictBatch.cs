namespace Vigil.Pipeline.Verdicts;

/// <summary>
/// What one cycle of one source publishes: its points, in timestamp order per series (mostly series after series; a
/// shadow candidate's points interleave with its active series' points), and the
/// series it stopped producing (stale, or a shadow period that ended), so sinks can drop what they keep about them.
/// A source owns one batch and reuses it every cycle (the arrays grow to the largest cycle and stay): sinks must copy
/// what they keep and must not hold the batch after <see cref="IVerdictSink.Publish"/> returns.
/// </summary>
public sealed class VerdictBatch
{
    private ScoredPoint[] _points;
    private int _count;
    private readonly List<ScoredSeries> _removed = [];

    public VerdictBatch(string source, int capacity = 64)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Source = source;
        _points = new ScoredPoint[capacity];
    }

    /// <summary>The source (job) that published the batch.</summary>
    public string Source { get; }

    public ReadOnlySpan<ScoredPoint> Points => _points.AsSpan(0, _count);

    public int Count => _count;

    public IReadOnlyList<ScoredSeries> Removed => _removed;

    public bool IsEmpty => _count == 0 && _removed.Count == 0;

    public void Add(in ScoredPoint point)
    {
        if (_count == _points.Length)
        {
            Array.Resize(ref _points, _points.Length * 2);
        }

        _points[_count++] = point;
    }

    /// <summary>
    /// Makes room for <paramref name="points"/> points in all before they are added, in one array of exactly that size:
    /// a catch-up slice publishes every point it fetched (500k at 100k series), and growing to that by doubling left
    /// every smaller array behind as large-object-heap garbage (≈ 40 MB per catch-up at 100k series, scale8), which
    /// a steady job allocates too little to have collected.
    /// </summary>
    public void EnsureCapacity(int points)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(points);
        if (points > _points.Length)
        {
            Array.Resize(ref _points, points);
        }
    }

    public void AddRemoved(ScoredSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        _removed.Add(series);
    }

    /// <summary>Points the batch holds before it grows (for tests).</summary>
    internal int Capacity => _points.Length;

    /// <summary>
    /// Empties the batch for the next cycle (the series references are released). The capacity is kept unless it is
    /// more than four times what this cycle needed: a first cycle that scores a long range (or a warm-up that publishes
    /// its slices) grows the array to millions of points, 75 MB live for good at 100k series in the scale5 gcdump,
    /// when a steady cycle needs one point per series. Shrunk to twice this cycle, so steady cycles allocate nothing.
    /// </summary>
    /// <remarks>
    /// A batch already empty is left as it is: a job clears its batch at the end of every cycle and again at the start of
    /// the next, and until the scale6 branch the second call judged the capacity against 0 points, so every cycle shrank
    /// the array to 1,024 points and grew it back by doubling (≈ 21 MB of large-object-heap garbage a cycle at 100k series,
    /// most of the steady cycle's allocation, docs/benchmarks.md).
    /// </remarks>
    public void Clear()
    {
        if (_count == 0)
        {
            _removed.Clear();
            return;
        }

        Array.Clear(_points, 0, _count);
        if (_points.Length > MinShrinkCapacity && _points.Length / 4 > _count)
        {
            _points = new ScoredPoint[Math.Max(MinShrinkCapacity, 2 * _count)];
        }

        _count = 0;
        _removed.Clear();
    }

    // Below this many points an oversized array is not worth a new one.
    private const int MinShrinkCapacity = 1024;
}
