namespace Vigil.Core.Detectors.Auto;

/// <summary>
/// The anomaly-likelihood idea of Numenta's NAB detector (Ahmad et al. 2017, "Unsupervised real-time anomaly
/// detection for streaming data", §3.3): judge the moving average of recent surprise against the series' own
/// running distribution of that average, so a noisy series must surprise more than a quiet one. The distribution
/// is an exponentially weighted mean and variance; the result is a standardised excess (a z-score of surprise).
/// State: the ring of the last Window surprises plus four numbers.
/// </summary>
internal sealed class SurpriseLikelihood
{
    private readonly double[] _ring;
    private readonly double _alpha;
    private int _head;
    private int _count;
    private double _sum;
    private double _mean;
    private double _variance;
    private long _seen;

    private int MinSeen { get; }

    public SurpriseLikelihood(int window, double alpha)
    {
        MinSeen = (2 * window) + 10;
        _ring = new double[window];
        _alpha = alpha;
    }

    /// <summary>Standardised excess of the average including <paramref name="surprise"/> (not yet learned); 0 before any history.</summary>
    public double Excess(double surprise, out double average)
    {
        average = Average(surprise);
        if (_seen < MinSeen)
        {
            // The distribution of surprise needs some history of its own: against one or two samples (variance ≈ 0)
            // the very first ordinary point would standardise to an enormous excess.
            return 0;
        }

        return Math.Max(0, (average - _mean) / (Math.Sqrt(_variance) + 1e-9));
    }

    public void Learn(double surprise)
    {
        var average = Average(surprise);
        if (_count == _ring.Length)
        {
            _sum -= _ring[_head];
        }
        else
        {
            _count++;
        }

        _ring[_head] = surprise;
        _sum += surprise;
        _head = _head + 1 == _ring.Length ? 0 : _head + 1;

        _seen++;
        var alpha = Math.Max(_alpha, 1.0 / _seen);
        var diff = average - _mean;
        var increment = alpha * diff;
        _mean += increment;
        _variance = (1 - alpha) * (_variance + (diff * increment));
    }

    private double Average(double surprise)
        => (_sum + surprise - (_count == _ring.Length ? _ring[_head] : 0)) / Math.Min(_count + 1, _ring.Length);

    public void Write(BinaryWriter writer)
    {
        writer.Write(_ring.Length);
        writer.Write(_count);
        writer.Write(_head);
        foreach (var v in _ring)
        {
            writer.Write(v);
        }

        writer.Write(_sum);
        writer.Write(_mean);
        writer.Write(_variance);
        writer.Write(_seen);
    }

    public void Read(BinaryReader reader)
    {
        if (reader.ReadInt32() != _ring.Length)
        {
            throw new InvalidDataException("auto: surprise window length differs from these options.");
        }

        _count = reader.ReadInt32();
        _head = reader.ReadInt32();
        if ((uint)_count > (uint)_ring.Length || (uint)_head >= (uint)_ring.Length)
        {
            throw new InvalidDataException("auto: surprise ring position out of range.");
        }

        for (var i = 0; i < _ring.Length; i++)
        {
            _ring[i] = reader.ReadDouble();
        }

        _sum = reader.ReadDouble();
        _mean = reader.ReadDouble();
        _variance = reader.ReadDouble();
        _seen = reader.ReadInt64();
    }
}
