namespace Vigil.Core.Series;

/// <summary>
/// A set of series with their samples in timestamp order, stored column-wise (one timestamp and one value
/// array for all series) so a range-query response of 100k series costs a handful of allocations, not 100k.
/// </summary>
public sealed class SeriesBatch
{
    private Labels[] _labels;
    private int[] _offsets; // series i spans [_offsets[i], _offsets[i + 1])
    private long[] _timestamps;
    private double[] _values; // FeatureCount values per sample, row-major
    private int _seriesCount;
    private SeriesBatchBuffers? _buffers;

    public static SeriesBatch Empty { get; } = new([], [0], [], [], 0, 1, null);

    private SeriesBatch(Labels[] labels, int[] offsets, long[] timestampsMs, double[] values, int seriesCount, int featureCount, SeriesBatchBuffers? buffers)
    {
        _labels = labels;
        _offsets = offsets;
        _timestamps = timestampsMs;
        _values = values;
        _seriesCount = seriesCount;
        FeatureCount = featureCount;
        _buffers = buffers;
    }

    /// <summary>Values per sample: 1 for a plain query, several when a job joins several queries into feature vectors.</summary>
    public int FeatureCount { get; }

    public int SeriesCount => _seriesCount;

    public int SampleCount => _offsets[_seriesCount];

    public Labels GetLabels(int series) => _labels.AsSpan(0, _seriesCount)[series];

    /// <summary>Sample timestamps of one series in Unix milliseconds, ascending.</summary>
    public ReadOnlySpan<long> GetTimestamps(int series) => _timestamps.AsSpan(_offsets[series], _offsets[series + 1] - _offsets[series]);

    /// <summary>
    /// Sample values of one series (<see cref="FeatureCount"/> per sample, row-major); may hold NaN and ±Inf
    /// exactly as the source reported them.
    /// </summary>
    public ReadOnlySpan<double> GetValues(int series)
        => _values.AsSpan(_offsets[series] * FeatureCount, (_offsets[series + 1] - _offsets[series]) * FeatureCount);

    /// <summary>
    /// The caller is done with the batch: its arrays go back to the <see cref="SeriesBatchBuffers"/> it was built from,
    /// for the next batch of the same source, and the batch becomes empty. For a consumer that owns the batch and keeps
    /// no span of it (a job's cycle); a batch built without buffers, or released twice, is only emptied.
    /// </summary>
    public void Release()
    {
        if (ReferenceEquals(this, Empty))
        {
            return;
        }

        var buffers = Interlocked.Exchange(ref _buffers, null);
        var (labels, offsets, timestamps, values, count) = (_labels, _offsets, _timestamps, _values, _seriesCount);
        _labels = [];
        _offsets = [0];
        _timestamps = [];
        _values = [];
        _seriesCount = 0;
        if (buffers is not null && labels.Length > 0)
        {
            // The label references would otherwise keep series that left alive in the spare array.
            Array.Clear(labels, 0, count);
            buffers.Return(new SeriesBatchBuffers.Set(labels, offsets, timestamps, values));
        }
    }

    /// <summary>Appends series and samples; not thread-safe, reusable only through <see cref="Build"/>.</summary>
    public sealed class Builder
    {
        private readonly SeriesBatchBuffers? _buffers;
        private readonly int _featureCount;
        private Labels[] _labels;
        private int[] _offsets;
        private long[] _timestamps;
        private double[] _values;
        private int _seriesCount;
        private int _count;
        private bool _open;

        public Builder(int expectedSamples = 256, int featureCount = 1)
            : this(expectedSamples, featureCount, null)
        {
        }

        /// <param name="expectedSamples">Samples to size the arrays for (they grow by doubling past it).</param>
        /// <param name="featureCount">Values per sample.</param>
        /// <param name="buffers">
        /// Arrays of released batches to build into (null allocates new ones): a source that answers the same query every
        /// cycle then allocates no arrays in the steady state (at 100k series ≈ 6 MB a cycle on the large object heap,
        /// and ≈ 34 MB per warm-up slice, which the GC keeps committed until its next full collection).
        /// </param>
        /// <param name="expectedSeries">Series to size the label and offset arrays for (0: from the samples).</param>
        public Builder(int expectedSamples, int featureCount, SeriesBatchBuffers? buffers, int expectedSeries = 0)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
            ArgumentOutOfRangeException.ThrowIfNegative(expectedSeries);
            var capacity = Math.Max(16, expectedSamples);
            _featureCount = featureCount;
            _buffers = buffers;
            var series = Math.Max(16, expectedSeries > 0 ? expectedSeries : Math.Min(capacity, 1024));
            if (buffers?.Take(capacity, featureCount) is { } spare)
            {
                (_labels, _offsets, _timestamps, _values) = (spare.Labels, spare.Offsets, spare.Timestamps, spare.Values);
            }
            else
            {
                _labels = new Labels[series];
                _offsets = new int[series + 1];
                _timestamps = new long[capacity];
                _values = new double[capacity * featureCount];
            }
        }

        public int SeriesCount => _seriesCount;

        public void BeginSeries(Labels labels)
        {
            ArgumentNullException.ThrowIfNull(labels);
            CloseSeries();
            if (_seriesCount == _labels.Length)
            {
                Array.Resize(ref _labels, _labels.Length * 2);
            }

            if (_seriesCount + 2 > _offsets.Length)
            {
                Array.Resize(ref _offsets, Math.Max(_offsets.Length * 2, _seriesCount + 2));
            }

            _offsets[_seriesCount] = _count;
            _labels[_seriesCount++] = labels;
            _open = true;
        }

        public void Add(long timestampMs, double value) => Add(timestampMs, new ReadOnlySpan<double>(in value));

        public void Add(long timestampMs, ReadOnlySpan<double> features)
        {
            if (!_open)
            {
                throw new InvalidOperationException("BeginSeries must be called before Add.");
            }

            if (features.Length != _featureCount)
            {
                throw new ArgumentException($"Expected {_featureCount} feature values, got {features.Length}.", nameof(features));
            }

            if (_count == _timestamps.Length)
            {
                var capacity = _timestamps.Length * 2;
                Array.Resize(ref _timestamps, capacity);
                Array.Resize(ref _values, capacity * _featureCount);
            }

            _timestamps[_count] = timestampMs;
            features.CopyTo(_values.AsSpan(_count * _featureCount));
            _count++;
        }

        public SeriesBatch Build()
        {
            CloseSeries();
            if (_seriesCount == 0)
            {
                return Empty;
            }

            _offsets[_seriesCount] = _count;
            var batch = new SeriesBatch(_labels, _offsets, _timestamps, _values, _seriesCount, _featureCount, _buffers);
            _labels = new Labels[16];
            _offsets = new int[17];
            _timestamps = new long[16];
            _values = new double[16 * _featureCount];
            _seriesCount = 0;
            _count = 0;
            return batch;
        }

        private void CloseSeries()
        {
            if (_open)
            {
                _offsets[_seriesCount] = _count;
                _open = false;
            }
        }
    }
}

/// <summary>
/// The arrays of the last released <see cref="SeriesBatch"/> of one source, for its next batch: one spare set, since
/// a source's responses are alike from one cycle to the next. A spare much larger than the next batch needs (after a
/// warm-up's large slices) is dropped rather than kept for good. Thread-safe: a second batch built while the spare is
/// out allocates its own arrays.
/// </summary>
public sealed class SeriesBatchBuffers
{
    private Set? _spare;

    /// <summary>The spare arrays when they hold <paramref name="samples"/> samples and at most four times as many; else null.</summary>
    internal Set? Take(int samples, int featureCount)
    {
        var spare = Interlocked.Exchange(ref _spare, null);
        if (spare is null || spare.Values.Length != spare.Timestamps.Length * featureCount)
        {
            return null;
        }

        return spare.Timestamps.Length >= samples && spare.Timestamps.Length / 4 <= samples ? spare : null;
    }

    internal void Return(Set set) => Volatile.Write(ref _spare, set);

    /// <summary>Samples the spare arrays hold (0 when none), for tests.</summary>
    public int SpareSamples => Volatile.Read(ref _spare)?.Timestamps.Length ?? 0;

    internal sealed record Set(Labels[] Labels, int[] Offsets, long[] Timestamps, double[] Values);
}
