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

    public void AddRemoved(ScoredSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        _removed.Add(series);
    }

    /// <summary>Empties the batch for the next cycle (the series references are released, the capacity kept).</summary>
    public void Clear()
    {
        Array.Clear(_points, 0, _count);
        _count = 0;
        _removed.Clear();
    }
}
