using System.Buffers;

namespace Vigil.Exposition;

/// <summary>
/// Vigil's own metrics: families created here plus <see cref="IMetricCollector"/>s, rendered in registration
/// order. Not a static default registry: the host owns one instance and passes it where it is needed.
/// </summary>
/// <remarks>
/// Names are checked against the data model and against promtool's lint rules up front, so a bad name fails at
/// start-up instead of producing a scrape that Prometheus or <c>promtool check metrics</c> rejects: counters end in
/// <c>_total</c>; other types don't; only histograms use the <c>_bucket</c>/<c>_sum</c>/<c>_count</c> suffixes or an
/// <c>le</c> label; nobody uses <c>quantile</c> (no summaries here).
/// </remarks>
public sealed class MetricRegistry
{
    private static readonly string[] HistogramSuffixes = ["_bucket", "_sum", "_count"];

    private readonly Lock _sync = new();
    private readonly HashSet<string> _usedNames = new(StringComparer.Ordinal);
    private readonly HashSet<IMetricCollector> _collectorSet = new(ReferenceEqualityComparer.Instance);

    // Copy-on-write: registration is rare, renders read a consistent snapshot without locking.
    private MetricFamily[] _families = [];
    private IMetricCollector[] _collectors = [];

    public CounterFamily CreateCounter(string name, string help, params string[] labelNames)
    {
        Validate(name, help, labelNames, MetricType.Counter);
        if (!name.EndsWith("_total", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Counter '{name}' must end in '_total'.", nameof(name));
        }

        var family = new CounterFamily(name, help, (string[])labelNames.Clone());
        Add(family.Family, [name]);
        return family;
    }

    public GaugeFamily CreateGauge(string name, string help, params string[] labelNames)
    {
        Validate(name, help, labelNames, MetricType.Gauge);
        var family = new GaugeFamily(name, help, (string[])labelNames.Clone());
        Add(family.Family, [name]);
        return family;
    }

    /// <summary>
    /// Creates a histogram; <paramref name="buckets"/> are finite upper bounds in strictly ascending order
    /// (+Inf is added; a trailing +Inf is accepted).
    /// </summary>
    public HistogramFamily CreateHistogram(string name, string help, double[] buckets, params string[] labelNames)
    {
        Validate(name, help, labelNames, MetricType.Histogram);
        var bounds = ValidateBuckets(buckets);
        var family = new HistogramFamily(name, help, bounds, (string[])labelNames.Clone());
        Add(family.Family, [name, name + "_bucket", name + "_sum", name + "_count"]);
        return family;
    }

    public void Register(IMetricCollector collector)
    {
        ArgumentNullException.ThrowIfNull(collector);
        lock (_sync)
        {
            if (!_collectorSet.Add(collector))
            {
                throw new ArgumentException("This collector is already registered.", nameof(collector));
            }

            _collectors = [.. _collectors, collector];
        }
    }

    /// <summary>Renders all families, then all collectors. Safe while other threads update or create children.</summary>
    public void WriteTo(IBufferWriter<byte> output)
    {
        var writer = new ExpositionWriter(output);
        foreach (var family in Volatile.Read(ref _families))
        {
            family.Write(writer);
        }

        foreach (var collector in Volatile.Read(ref _collectors))
        {
            collector.Collect(writer);
        }
    }

    /// <summary>
    /// Renders like <see cref="WriteTo"/>, handing the output to <paramref name="flush"/> whenever
    /// <paramref name="flushEveryBytes"/> have been written since the last flush (between families, and between the
    /// steps of an <see cref="ISteppedMetricCollector"/>), so the buffered output stays near that size. Stops early when
    /// <paramref name="flush"/> returns false (the client went away). Does not flush the last bytes: the caller does.
    /// </summary>
    public async Task WriteToAsync(IBufferWriter<byte> output, Func<CancellationToken, ValueTask<bool>> flush, int flushEveryBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(flush);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(flushEveryBytes);
        var counting = new CountingBufferWriter(output);
        var writer = new ExpositionWriter(counting);
        foreach (var family in Volatile.Read(ref _families))
        {
            family.Write(writer);
            if (!await FlushIfFullAsync().ConfigureAwait(false))
            {
                return;
            }
        }

        foreach (var collector in Volatile.Read(ref _collectors))
        {
            if (collector is ISteppedMetricCollector stepped)
            {
                foreach (var _ in stepped.CollectSteps(writer))
                {
                    if (!await FlushIfFullAsync().ConfigureAwait(false))
                    {
                        return;
                    }
                }
            }
            else
            {
                collector.Collect(writer);
                if (!await FlushIfFullAsync().ConfigureAwait(false))
                {
                    return;
                }
            }
        }

        async ValueTask<bool> FlushIfFullAsync()
        {
            if (counting.Unflushed < flushEveryBytes)
            {
                return true;
            }

            counting.Unflushed = 0;
            return await flush(cancellationToken).ConfigureAwait(false);
        }
    }

    private static void Validate(string name, string help, string[] labelNames, MetricType type)
    {
        MetricNames.ThrowIfInvalidMetricName(name, nameof(name));
        ArgumentException.ThrowIfNullOrWhiteSpace(help);
        ArgumentNullException.ThrowIfNull(labelNames);
        if (type != MetricType.Counter && name.EndsWith("_total", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Only counters end in '_total' (got {type} '{name}').", nameof(name));
        }

        foreach (var suffix in HistogramSuffixes)
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal))
            {
                throw new ArgumentException($"'{name}' ends in '{suffix}', which is reserved for histogram series.", nameof(name));
            }
        }

        for (var i = 0; i < labelNames.Length; i++)
        {
            MetricNames.ThrowIfInvalidLabelName(labelNames[i], nameof(labelNames));
            if (string.Equals(labelNames[i], "le", StringComparison.Ordinal) || string.Equals(labelNames[i], "quantile", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Label name '{labelNames[i]}' is reserved for histogram buckets and summary quantiles.", nameof(labelNames));
            }

            if (Array.IndexOf(labelNames, labelNames[i], 0, i) >= 0)
            {
                throw new ArgumentException($"Label name '{labelNames[i]}' appears twice.", nameof(labelNames));
            }
        }
    }

    private static double[] ValidateBuckets(double[] buckets)
    {
        ArgumentNullException.ThrowIfNull(buckets);
        var length = buckets.Length > 0 && double.IsPositiveInfinity(buckets[^1]) ? buckets.Length - 1 : buckets.Length;
        for (var i = 0; i < length; i++)
        {
            if (!double.IsFinite(buckets[i]))
            {
                throw new ArgumentException($"Bucket bound {buckets[i]} is not finite (+Inf is implicit).", nameof(buckets));
            }

            if (i > 0 && !(buckets[i] > buckets[i - 1]))
            {
                throw new ArgumentException("Bucket bounds must be strictly ascending.", nameof(buckets));
            }
        }

        return buckets[..length];
    }

    private void Add(MetricFamily family, string[] names)
    {
        lock (_sync)
        {
            foreach (var name in names)
            {
                if (_usedNames.Contains(name))
                {
                    throw new ArgumentException($"A metric named '{name}' is already registered.", nameof(family));
                }
            }

            _usedNames.UnionWith(names);
            _families = [.. _families, family];
        }
    }

    /// <summary>Counts the bytes written through it since the last flush.</summary>
    private sealed class CountingBufferWriter(IBufferWriter<byte> inner) : IBufferWriter<byte>
    {
        public long Unflushed { get; set; }

        public void Advance(int count)
        {
            inner.Advance(count);
            Unflushed += count;
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);
    }
}
