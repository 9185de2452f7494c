namespace Vigil.Core.Series;

/// <summary>
/// A set of series with their samples in timestamp order, stored column-wise (one timestamp and one value
/// array for all series) so a range-query response of 100k series costs a handful of allocations, not 100k.
/// </summary>
public sealed class SeriesBatch
{
    private readonly Labels[] _labels;
    private readonly int[] _offsets; // series i spans [_offsets[i], _offsets[i + 1])
    private readonly long[] _timestamps;
    private readonly double[] _values; // FeatureCount values per sample, row-major

    public static SeriesBatch Empty { get; } = new([], [0], [], [], 1);

    private SeriesBatch(Labels[] labels, int[] offsets, long[] timestampsMs, double[] values, int featureCount)
    {
        _labels = labels;
        _offsets = offsets;
        _timestamps = timestampsMs;
        _values = values;
        FeatureCount = featureCount;
    }

    /// <summary>Values per sample: 1 for a plain query, several when a job joins several queries into feature vectors.</summary>
    public int FeatureCount { get; }

    public int SeriesCount => _labels.Length;

    public int SampleCount => _offsets[^1];

    public Labels GetLabels(int series) => _labels[series];

    /// <summary>Sample timestamps of one series in Unix milliseconds, ascending.</summary>
    public ReadOnlySpan<long> GetTimestamps(int series) => _timestamps.AsSpan(_offsets[series], _offsets[series + 1] - _offsets[series]);

    /// <summary>
    /// Sample values of one series (<see cref="FeatureCount"/> per sample, row-major); may hold NaN and ±Inf
    /// exactly as the source reported them.
    /// </summary>
    public ReadOnlySpan<double> GetValues(int series)
        => _values.AsSpan(_offsets[series] * FeatureCount, (_offsets[series + 1] - _offsets[series]) * FeatureCount);

    /// <summary>Appends series and samples; not thread-safe, reusable only through <see cref="Build"/>.</summary>
    public sealed class Builder
    {
        private readonly List<Labels> _labels = [];
        private readonly List<int> _offsets = [0];
        private long[] _timestamps;
        private double[] _values;
        private int _count;
        private bool _open;

        private readonly int _featureCount;

        public Builder(int expectedSamples = 256, int featureCount = 1)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
            var capacity = Math.Max(16, expectedSamples);
            _featureCount = featureCount;
            _timestamps = new long[capacity];
            _values = new double[capacity * featureCount];
        }

        public int SeriesCount => _labels.Count;

        public void BeginSeries(Labels labels)
        {
            ArgumentNullException.ThrowIfNull(labels);
            CloseSeries();
            _labels.Add(labels);
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
            if (_labels.Count == 0)
            {
                return Empty;
            }

            var batch = new SeriesBatch([.. _labels], [.. _offsets], _timestamps, _values, _featureCount);
            _labels.Clear();
            _offsets.Clear();
            _offsets.Add(0);
            _timestamps = new long[16];
            _values = new double[16 * _featureCount];
            _count = 0;
            return batch;
        }

        private void CloseSeries()
        {
            if (_open)
            {
                _offsets.Add(_count);
                _open = false;
            }
        }
    }
}
