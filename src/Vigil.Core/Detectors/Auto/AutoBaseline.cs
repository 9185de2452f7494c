using Vigil.Core.Detection;
using Vigil.Core.Detectors.Seasonal;

namespace Vigil.Core.Detectors.Auto;

/// <summary>
/// <c>auto</c>'s baseline: a damped-trend Holt level (Gardner 1985; error-correction form, Hyndman &amp; Athanasopoulos
/// FPP3 §8.2) learned from normal points only, a scale per side (how far normal points fall above and below the
/// forecast), and the all-time range of normal values for the novelty edge. Twelve numbers: 96 bytes.
/// <para>
/// Why a forecast and not a window median: a median lags a daily curve by half its window, and a CUSUM on lagged
/// residuals drifts on every slope; one-step forecast errors of a trend-following level stay centred on 0.
/// Why a scale per side: request counts and latencies spread further above their level than below it.
/// </para>
/// </summary>
internal sealed class AutoBaseline : IBaseline
{
    // E[max(r, 0)] = σ/√(2π) for normal residuals, so σ of a side ≈ 2.5066 × the mean of that side's part.
    private const double HalfMeanToSigma = 2.5066;

    private readonly AutoOptions _o;
    private long _count;
    private double _level;
    private double _trend;
    private double _up;
    private double _down;
    private double _min = double.PositiveInfinity;
    private double _max = double.NegativeInfinity;

    public AutoBaseline(AutoOptions options) => _o = options;

    public string Name => AutoDetectorFactory.TypeName;

    private double Forecast => _level + (_o.TrendDamping * _trend);

    public bool TryPredict(long timestampMs, out Prediction prediction)
    {
        if (_count == 0)
        {
            prediction = Prediction.None();
            return false;
        }

        var expected = Forecast;
        var range = _max - _min;
        // Quantised and flat series: moves below a fraction of the range (or of the magnitude, for a perfectly flat
        // series) are noise, whatever the learned scale says.
        var floor = Math.Max(_o.RangeFloor * range, 1e-9 * Math.Max(Math.Abs(_max), Math.Abs(_min)));
        var sigmaHigh = Math.Max(HalfMeanToSigma * _up, floor);
        var sigmaLow = Math.Max(HalfMeanToSigma * _down, floor);
        var noveltyHigh = double.PositiveInfinity;
        var noveltyLow = double.NegativeInfinity;
        if (_o.Novelty && _count >= _o.NoveltyMinPoints && range > 0)
        {
            noveltyHigh = Math.Max(_max + (_o.NoveltyTolerance * range), expected + (_o.NoveltyMinSigma * sigmaHigh));
            noveltyLow = Math.Min(_min - (_o.NoveltyTolerance * range), expected - (_o.NoveltyMinSigma * sigmaLow));
        }

        prediction = new Prediction(expected, sigmaLow, sigmaHigh, noveltyLow, noveltyHigh);
        return _count >= _o.MinPoints;
    }

    public void Learn(long timestampMs, double value)
    {
        _count++;
        _min = Math.Min(_min, value);
        _max = Math.Max(_max, value);
        if (_count == 1)
        {
            _level = value;
            return;
        }

        var forecast = Forecast;
        var error = value - forecast;
        _level = forecast + (_o.LevelAlpha * error);
        _trend = (_o.TrendDamping * _trend) + (_o.LevelAlpha * _o.TrendBeta * error);

        // Weighted like a running mean at first, so the first residuals set the scale instead of a zero start.
        var w = Math.Max(_o.ScaleAlpha, 1.0 / (_count - 1));
        _up += w * (Math.Max(error, 0) - _up);
        _down += w * (Math.Max(-error, 0) - _down);
    }

    public void Exclude(long timestampMs, double value)
    {
        if (_count > 0)
        {
            // Time moves on for the trend; the anomaly itself teaches nothing.
            _level = Forecast;
            _trend *= _o.TrendDamping;
        }
    }

    public void Rebaseline(ReadOnlySpan<long> timestampsMs, ReadOnlySpan<double> values, ReadOnlySpan<double> residuals)
    {
        var shift = SeasonalBaseline.MedianOfFinite(residuals);
        if (!double.IsFinite(shift) || _count == 0)
        {
            return;
        }

        // The new level is where the recent points sit; their spread around it is the new scale, and the range they
        // span is normal from now on.
        _level += shift;
        _trend = 0;
        double up = 0, down = 0;
        var n = 0;
        for (var i = 0; i < values.Length; i++)
        {
            _min = Math.Min(_min, values[i]);
            _max = Math.Max(_max, values[i]);
            if (double.IsFinite(residuals[i]))
            {
                var r = residuals[i] - shift;
                up += Math.Max(r, 0);
                down += Math.Max(-r, 0);
                n++;
            }
        }

        if (n >= 8)
        {
            _up = up / n;
            _down = down / n;
        }
    }

    public void Write(BinaryWriter writer)
    {
        writer.Write(_count);
        writer.Write(_level);
        writer.Write(_trend);
        writer.Write(_up);
        writer.Write(_down);
        writer.Write(_min);
        writer.Write(_max);
    }

    public void Read(BinaryReader reader)
    {
        _count = reader.ReadInt64();
        _level = reader.ReadDouble();
        _trend = reader.ReadDouble();
        _up = reader.ReadDouble();
        _down = reader.ReadDouble();
        _min = reader.ReadDouble();
        _max = reader.ReadDouble();
        if (_count < 0)
        {
            throw new InvalidDataException("auto: negative point count.");
        }
    }
}
