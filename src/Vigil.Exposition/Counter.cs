namespace Vigil.Exposition;

/// <summary>A monotonically increasing value; lock-free (compare-and-swap on the double's bits).</summary>
public sealed class Counter
{
    private long _bits;

    internal Counter(byte[] labelBlock) => LabelBlock = labelBlock;

    public double Value => BitConverter.Int64BitsToDouble(Volatile.Read(ref _bits));

    internal byte[] LabelBlock { get; }

    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="amount"/> is negative or NaN: counters only go up.</exception>
    public void Inc(double amount = 1)
    {
        if (!(amount >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(amount), amount, "A counter only increases: the amount must be >= 0.");
        }

        AtomicDouble.Add(ref _bits, amount);
    }
}

/// <summary>Counters sharing a name and label names, one child per label-value combination.</summary>
public sealed class CounterFamily
{
    private readonly ChildSet<Counter> _children;

    internal CounterFamily(string name, string help, string[] labelNames)
    {
        _children = new ChildSet<Counter>(labelNames, static block => new Counter(block));
        Family = new RenderedFamily(name, help, this);
    }

    /// <summary>The child of a family without label names.</summary>
    /// <exception cref="InvalidOperationException">When the family has label names.</exception>
    public Counter Unlabelled => _children.Unlabelled ?? throw new InvalidOperationException("This family has label names: use WithLabels.");

    internal MetricFamily Family { get; }

    /// <summary>Gets or creates the child; cache it on hot paths (this lookup hashes the values).</summary>
    public Counter WithLabels(params string[] labelValues) => _children.Get(labelValues);

    public bool Remove(params string[] labelValues) => _children.Remove(labelValues);

    private sealed class RenderedFamily(string name, string help, CounterFamily owner) : MetricFamily(name, help, MetricType.Counter)
    {
        public override void Write(ExpositionWriter writer)
        {
            writer.WriteHeader(Name, Help, Type);
            owner._children.ForEach((writer, NameUtf8), static (s, child) => s.writer.WriteSample(s.NameUtf8, child.LabelBlock, child.Value));
        }
    }
}
