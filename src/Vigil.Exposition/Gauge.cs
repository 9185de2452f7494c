namespace Vigil.Exposition;

/// <summary>A value that goes up and down; lock-free.</summary>
public sealed class Gauge
{
    private long _bits;

    internal Gauge(byte[] labelBlock) => LabelBlock = labelBlock;

    public double Value => BitConverter.Int64BitsToDouble(Volatile.Read(ref _bits));

    internal byte[] LabelBlock { get; }

    public void Set(double v) => Volatile.Write(ref _bits, BitConverter.DoubleToInt64Bits(v));

    public void Inc(double a = 1) => AtomicDouble.Add(ref _bits, a);

    public void Dec(double a = 1) => AtomicDouble.Add(ref _bits, -a);
}

/// <summary>Gauges sharing a name and label names, one child per label-value combination.</summary>
public sealed class GaugeFamily
{
    private readonly ChildSet<Gauge> _children;

    internal GaugeFamily(string name, string help, string[] labelNames)
    {
        _children = new ChildSet<Gauge>(labelNames, static block => new Gauge(block));
        Family = new RenderedFamily(name, help, this);
    }

    /// <summary>The child of a family without label names.</summary>
    /// <exception cref="InvalidOperationException">When the family has label names.</exception>
    public Gauge Unlabelled => _children.Unlabelled ?? throw new InvalidOperationException("This family has label names: use WithLabels.");

    internal MetricFamily Family { get; }

    /// <summary>Gets or creates the child; cache it on hot paths (this lookup hashes the values).</summary>
    public Gauge WithLabels(params string[] labelValues) => _children.Get(labelValues);

    public bool Remove(params string[] labelValues) => _children.Remove(labelValues);

    private sealed class RenderedFamily(string name, string help, GaugeFamily owner) : MetricFamily(name, help, MetricType.Gauge)
    {
        public override void Write(ExpositionWriter writer)
        {
            writer.WriteHeader(Name, Help, Type);
            owner._children.ForEach((writer, NameUtf8), static (s, child) => s.writer.WriteSample(s.NameUtf8, child.LabelBlock, child.Value));
        }
    }
}
