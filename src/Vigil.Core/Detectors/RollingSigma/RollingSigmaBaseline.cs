using Vigil.Core.Detection;

namespace Vigil.Core.Detectors.RollingSigma;

/// <summary>
/// Ring buffer of the last N finite values with running sums. State: 8·N bytes for the ring plus ~48 bytes.
/// Sums are kept relative to a shift (the window's first value at the last rebuild) to avoid the catastrophic
/// cancellation of the naive Σx² − (Σx)²/n on large, slowly varying values; they are rebuilt exactly every N
/// points so floating-point drift stays bounded (amortised O(1) per point).
/// </summary>
internal sealed class RollingSigmaBaseline : IBaseline
{
    private readonly double[] _ring;
    private readonly int _minPoints;
    private int _head; // next write position
    private int _count;
    private int _sinceRebuild;
    private double _shift;
    private double _sum; // Σ(x − shift)
    private double _sumSquares; // Σ(x − shift)²

    public RollingSigmaBaseline(RollingSigmaOptions options)
    {
        _ring = new double[options.Window];
        _minPoints = options.MinPoints;
    }

    public string Name => RollingSigmaDetectorFactory.TypeName;

    public bool TryPredict(long timestampMs, out Prediction prediction)
    {
        if (_count == 0)
        {
            prediction = Prediction.None();
            return false;
        }

        var meanOffset = _sum / _count;
        var mean = _shift + meanOffset;
        // Sample variance (n − 1), clamped: rounding can make a constant window's variance a tiny negative.
        var variance = _count > 1 ? Math.Max(0, (_sumSquares - (_sum * meanOffset)) / (_count - 1)) : 0;
        prediction = Prediction.Symmetric(mean, Math.Sqrt(variance));
        return _count >= _minPoints;
    }

    public void Learn(long timestampMs, double value, double weight = 1) => Learn(value);

    public void Exclude(long timestampMs, double value, AnomalyTest test = AnomalyTest.None)
    {
    }

    public void Rebaseline(ReadOnlySpan<long> timestampsMs, ReadOnlySpan<double> values, ReadOnlySpan<double> residuals)
    {
        _head = 0;
        _count = 0;
        _sinceRebuild = 0;
        _sum = 0;
        _sumSquares = 0;
        foreach (var v in values)
        {
            Learn(v);
        }
    }

    private void Learn(double value)
    {
        if (_count == 0)
        {
            _shift = value;
        }

        if (_count == _ring.Length)
        {
            var evicted = _ring[_head] - _shift;
            _sum -= evicted;
            _sumSquares -= evicted * evicted;
        }
        else
        {
            _count++;
        }

        _ring[_head] = value;
        _head = (_head + 1) % _ring.Length;
        var d = value - _shift;
        _sum += d;
        _sumSquares += d * d;

        if (++_sinceRebuild >= _ring.Length)
        {
            Rebuild();
        }
    }

    private void Rebuild()
    {
        _sinceRebuild = 0;
        var oldest = _count == _ring.Length ? _head : 0;
        _shift = _ring[oldest];
        _sum = 0;
        _sumSquares = 0;
        for (var i = 0; i < _count; i++)
        {
            var d = _ring[(oldest + i) % _ring.Length] - _shift;
            _sum += d;
            _sumSquares += d * d;
        }
    }

    // The ring is written as stored, with the running sums, so a restored series continues bit-for-bit.
    public void Write(BinaryWriter writer)
    {
        StateFormat.WriteArray(writer, _ring);
        writer.Write(_head);
        writer.Write(_count);
        writer.Write(_sinceRebuild);
        writer.Write(_shift);
        writer.Write(_sum);
        writer.Write(_sumSquares);
    }

    public void Read(BinaryReader reader)
    {
        StateFormat.ReadArray(reader, _ring, RollingSigmaDetectorFactory.TypeName);
        _head = reader.ReadInt32();
        _count = reader.ReadInt32();
        _sinceRebuild = reader.ReadInt32();
        if ((uint)_head >= (uint)_ring.Length || (uint)_count > (uint)_ring.Length)
        {
            throw new InvalidDataException("rolling_sigma: ring position out of range.");
        }

        _shift = reader.ReadDouble();
        _sum = reader.ReadDouble();
        _sumSquares = reader.ReadDouble();
    }
}
