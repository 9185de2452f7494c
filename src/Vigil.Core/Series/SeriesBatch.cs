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
    private readonly double[] _values;

    public static SeriesBatch Empty { get; } = new([], [0], [], []);

    private SeriesBatch(Labels[] labels, int[] offsets, long[] timestampsMs, double[] values)
    {
        _labels = labels;
        _offsets = offsets;
        _timestamps = timestampsMs;
        _values = values;
    }

    public int SeriesCount => _labels.Length;

    public int SampleCount => _offsets[^1];

    public Labels GetLabels(int series) => _labels[series];

    /// <summary>Sample timestamps of one series in Unix milliseconds, ascending.</summary>
    public ReadOnlySpan<long> GetTimestamps(int series) => _timestamps.AsSpan(_offsets[series], _offsets[series + 1] - _offsets[series]);

    /// <summary>Sample values of one series; may hold NaN and ±Inf exactly as the source reported them.</summary>
    public ReadOnlySpan<double> GetValues(int series) => _values.AsSpan(_offsets[series], _offsets[series + 1] - _offsets[series]);

    /// <summary>Appends series and samples; not thread-safe, reusable only through <see cref="Build"/>.</summary>
    public sealed class Builder
    {
        private readonly List<Labels> _labels = [];
        private readonly List<int> _offsets = [0];
        private long[] _timestamps;
        private double[] _values;
        private int _count;
        private bool _open;

        public Builder(int expectedSamples = 256)
        {
            var capacity = Math.Max(16, expectedSamples);
            _timestamps = new long[capacity];
            _values = new double[capacity];
        }

        public int SeriesCount => _labels.Count;

        public void BeginSeries(Labels labels)
        {
            ArgumentNullException.ThrowIfNull(labels);
            CloseSeries();
            _labels.Add(labels);
            _open = true;
        }

        public void Add(long timestampMs, double value)
        {
            if (!_open)
            {
                throw new InvalidOperationException("BeginSeries must be called before Add.");
            }

            if (_count == _values.Length)
            {
                var capacity = _values.Length * 2;
                Array.Resize(ref _timestamps, capacity);
                Array.Resize(ref _values, capacity);
            }

            _timestamps[_count] = timestampMs;
            _values[_count] = value;
            _count++;
        }

        public SeriesBatch Build()
        {
            CloseSeries();
            if (_labels.Count == 0)
            {
                return Empty;
            }

            var batch = new SeriesBatch([.. _labels], [.. _offsets], _timestamps, _values);
            _labels.Clear();
            _offsets.Clear();
            _offsets.Add(0);
            _timestamps = new long[16];
            _values = new double[16];
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
