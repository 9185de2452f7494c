using System.Text;

namespace Vigil.Exposition;

/// <summary>Counts observations into cumulative buckets with a running sum; lock-free.</summary>
public sealed class Histogram
{
    private readonly double[] _upperBounds;

    // Per-bucket (not cumulative) counts; the last slot is the implicit +Inf bucket.
    private readonly long[] _counts;
    private long _sumBits;

    internal Histogram(double[] upperBounds, byte[] labelBlock)
    {
        _upperBounds = upperBounds;
        _counts = new long[upperBounds.Length + 1];
        LabelBlock = labelBlock;
    }

    public long Count
    {
        get
        {
            long total = 0;
            for (var i = 0; i < _counts.Length; i++)
            {
                total += Volatile.Read(ref _counts[i]);
            }

            return total;
        }
    }

    public double Sum => BitConverter.Int64BitsToDouble(Volatile.Read(ref _sumBits));

    internal byte[] LabelBlock { get; }

    /// <summary>Counts <paramref name="v"/> in the first bucket whose upper bound is &gt;= v (NaN lands in +Inf).</summary>
    public void Observe(double v)
    {
        var bucket = 0;
        while (bucket < _upperBounds.Length && !(v <= _upperBounds[bucket]))
        {
            bucket++;
        }

        Interlocked.Increment(ref _counts[bucket]);
        AtomicDouble.Add(ref _sumBits, v);
    }

    internal void Write(ExpositionWriter writer, HistogramFamily family)
    {
        // _count is the +Inf bucket by construction, so the two always agree even while observations race
        // with the render (_sum may be a few observations ahead; clients accept that, as in client_java).
        long cumulative = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            cumulative += Volatile.Read(ref _counts[i]);
            writer.WriteSample(family.BucketNameUtf8, LabelBlock, family.LePairs[i], cumulative);
        }

        writer.WriteSample(family.SumNameUtf8, LabelBlock, Sum);
        writer.WriteSample(family.CountNameUtf8, LabelBlock, cumulative);
    }
}

/// <summary>Histograms sharing a name, label names and buckets, one child per label-value combination.</summary>
public sealed class HistogramFamily
{
    private readonly ChildSet<Histogram> _children;

    internal HistogramFamily(string name, string help, double[] upperBounds, string[] labelNames)
    {
        UpperBounds = upperBounds;
        _children = new ChildSet<Histogram>(labelNames, block => new Histogram(UpperBounds, block));
        BucketNameUtf8 = Encoding.UTF8.GetBytes(name + "_bucket");
        SumNameUtf8 = Encoding.UTF8.GetBytes(name + "_sum");
        CountNameUtf8 = Encoding.UTF8.GetBytes(name + "_count");
        LePairs = new byte[upperBounds.Length + 1][];
        Span<byte> value = stackalloc byte[ValueFormatter.MaxLength];
        for (var i = 0; i < LePairs.Length; i++)
        {
            var length = ValueFormatter.Format(i < upperBounds.Length ? upperBounds[i] : double.PositiveInfinity, value);
            LePairs[i] = [.. "le=\""u8, .. value[..length], (byte)'"'];
        }

        Family = new RenderedFamily(name, help, this);
    }

    /// <summary>The child of a family without label names.</summary>
    /// <exception cref="InvalidOperationException">When the family has label names.</exception>
    public Histogram Unlabelled => _children.Unlabelled ?? throw new InvalidOperationException("This family has label names: use WithLabels.");

    /// <summary>Finite upper bounds in ascending order; the +Inf bucket is implicit.</summary>
    internal double[] UpperBounds { get; }

    internal byte[] BucketNameUtf8 { get; }

    internal byte[] SumNameUtf8 { get; }

    internal byte[] CountNameUtf8 { get; }

    /// <summary>Preformatted <c>le="0.005"</c> per bucket, the last one <c>le="+Inf"</c>.</summary>
    internal byte[][] LePairs { get; }

    internal MetricFamily Family { get; }

    /// <summary>Gets or creates the child; cache it on hot paths (this lookup hashes the values).</summary>
    public Histogram WithLabels(params string[] labelValues) => _children.Get(labelValues);

    public bool Remove(params string[] labelValues) => _children.Remove(labelValues);

    private sealed class RenderedFamily(string name, string help, HistogramFamily owner) : MetricFamily(name, help, MetricType.Histogram)
    {
        public override void Write(ExpositionWriter writer)
        {
            writer.WriteHeader(Name, Help, Type);
            owner._children.ForEach((writer, owner), static (s, child) => child.Write(s.writer, s.owner));
        }
    }
}

/// <summary>Bucket layouts that fit Vigil's own latencies.</summary>
public static class DefaultBuckets
{
    /// <summary>Seconds, 5 ms to 60 s: a Prometheus query or a detector pass, not only HTTP handlers.</summary>
    public static double[] Latency => [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
}
