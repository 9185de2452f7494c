using Vigil.Core.Detection;
using Vigil.Core.Detectors.Common;

namespace Vigil.Core.Detectors.Ewma;

/// <summary>Exponentially weighted mean and variance of the normal points: 24 bytes plus the range.</summary>
internal sealed class EwmaBaseline : IBaseline
{
    private readonly double _alpha;
    private readonly int _minPoints;
    private readonly double _rangeFloor;
    private RangeTracker _range;
    private double _mean;
    private double _variance;
    private long _count;

    public EwmaBaseline(EwmaOptions options)
    {
        _alpha = options.Alpha;
        _minPoints = options.MinPoints;
        _rangeFloor = options.RangeFloor;
    }

    public string Name => EwmaDetectorFactory.TypeName;

    public bool TryPredict(long timestampMs, out Prediction prediction)
    {
        prediction = Prediction.Symmetric(_count == 0 ? double.NaN : _mean, _range.Floor(Math.Sqrt(_variance), _rangeFloor));
        return _count >= _minPoints;
    }

    public void Learn(long timestampMs, double value, double weight = 1)
    {
        _count++;
        _range.Add(value);
        // Until 1/α points are seen, weight like a plain running mean so the first value does not dominate.
        var alpha = Math.Max(_alpha, 1.0 / _count);
        var diff = value - _mean;
        var increment = alpha * diff;
        _mean += increment;
        _variance = (1 - alpha) * (_variance + (diff * increment));
    }

    public void Exclude(long timestampMs, double value, AnomalyTest test = AnomalyTest.None)
    {
    }

    public void Rebaseline(ReadOnlySpan<long> timestampsMs, ReadOnlySpan<double> values, ReadOnlySpan<double> residuals)
    {
        // Forget the old level and scale; the range is kept (it only floors the scale).
        _count = 0;
        _mean = 0;
        _variance = 0;
        for (var i = 0; i < values.Length; i++)
        {
            Learn(timestampsMs[i], values[i]);
        }
    }

    public void Write(BinaryWriter writer)
    {
        writer.Write(_count);
        writer.Write(_mean);
        writer.Write(_variance);
        _range.Write(writer);
    }

    public void Read(BinaryReader reader)
    {
        _count = reader.ReadInt64();
        _mean = reader.ReadDouble();
        _variance = reader.ReadDouble();
        _range.Read(reader);
    }
}
