namespace Vigil.Core.Detectors.Common;

/// <summary>
/// All-time min and max of a series, for a scale floor relative to the range seen so far. Metrics are often
/// quantised (integer counts, 0.1% CPU steps) or flat for long stretches, so a learned σ or MAD can be 0 or tiny;
/// without a floor every one-step wiggle would score the maximum. A floor of 1% of the range says "moves smaller
/// than 1% of what this series has ever spanned are noise". 16 bytes.
/// </summary>
internal struct RangeTracker
{
    private double _min;
    private double _max;
    private bool _any;

    public readonly double Min => _min;

    public readonly double Max => _max;

    public readonly double Range => _any ? _max - _min : 0;

    public void Add(double value)
    {
        if (!_any)
        {
            _min = value;
            _max = value;
            _any = true;
            return;
        }

        if (value < _min)
        {
            _min = value;
        }
        else if (value > _max)
        {
            _max = value;
        }
    }

    /// <summary><paramref name="sigma"/> raised to at least <paramref name="fraction"/> of the range.</summary>
    public readonly double Floor(double sigma, double fraction) => Math.Max(sigma, fraction * Range);

    public readonly void Write(BinaryWriter writer)
    {
        writer.Write(_any);
        writer.Write(_min);
        writer.Write(_max);
    }

    public void Read(BinaryReader reader)
    {
        _any = reader.ReadBoolean();
        _min = reader.ReadDouble();
        _max = reader.ReadDouble();
    }
}
