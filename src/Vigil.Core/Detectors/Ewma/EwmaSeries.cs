using Vigil.Core.Detection;
using Vigil.Core.Detectors.Common;

namespace Vigil.Core.Detectors.Ewma;

/// <summary>State: mean, variance and a count: 24 bytes (plus the object header and options).</summary>
internal sealed class EwmaSeries : ISerializableSeriesDetector
{
    private const byte Version = 1;
    private readonly double _alpha;
    private readonly double _k;
    private readonly int _minPoints;
    private readonly double _rangeFloor;
    private RangeTracker _range;
    private double _mean;
    private double _variance;
    private long _count;

    public EwmaSeries(EwmaOptions options)
    {
        _alpha = options.Alpha;
        _k = options.K;
        _minPoints = options.MinPoints;
        _rangeFloor = options.RangeFloor;
    }

    public Verdict Observe(long timestampMs, ReadOnlySpan<double> features)
    {
        var value = features[0];
        if (!double.IsFinite(value))
        {
            return Verdict.Invalid;
        }

        Verdict verdict;
        if (_count < _minPoints)
        {
            verdict = _count == 0 ? Verdict.Warmup() : Verdict.Warmup(_mean);
        }
        else
        {
            var halfWidth = _k * _range.Floor(Math.Sqrt(_variance), _rangeFloor);
            verdict = new Verdict(ScoreMath.FromDeviation(value - _mean, halfWidth), _mean, _mean - halfWidth, _mean + halfWidth, VerdictKind.Scored);
        }

        Learn(value);
        return verdict;
    }

    private void Learn(double value)
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

    public void WriteState(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(Version);
        writer.Write(_count);
        writer.Write(_mean);
        writer.Write(_variance);
        _range.Write(writer);
    }

    public void ReadState(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        StateFormat.CheckVersion(reader, Version, EwmaDetectorFactory.TypeName);
        _count = reader.ReadInt64();
        _mean = reader.ReadDouble();
        _variance = reader.ReadDouble();
        _range.Read(reader);
    }
}
