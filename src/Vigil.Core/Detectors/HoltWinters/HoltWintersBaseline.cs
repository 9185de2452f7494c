using Vigil.Core.Detection;
using Vigil.Core.Detectors.Common;
using Vigil.Core.Detectors.Seasonal;

namespace Vigil.Core.Detectors.HoltWinters;

/// <summary>
/// Two phases. Warm-up: the first FitPoints values are buffered (8·FitPoints bytes). Then the season length is
/// detected, α/β/γ fitted and the buffer released; state becomes 8·season bytes plus ~100 bytes of numbers.
/// </summary>
internal sealed class HoltWintersBaseline : IBaseline
{
    private const double WarmupAlpha = 0.2;
    private const int MinPoints = 16;
    private readonly HoltWintersOptions _options;
    private double[]? _buffer;
    private int _buffered;
    private long _seen;
    private HoltWintersModel _model;
    private RangeTracker _range;

    public HoltWintersBaseline(HoltWintersOptions options)
    {
        _options = options;
        _buffer = new double[options.FitPoints];
    }

    public string Name => HoltWintersDetectorFactory.TypeName;

    public int Season => _model.SeasonValues?.Length ?? 0;

    private double Sigma => _range.Floor(_model.Sigma, _options.RangeFloor);

    public bool TryPredict(long timestampMs, out Prediction prediction)
    {
        if (_seen < MinPoints)
        {
            prediction = Prediction.None(_seen == 0 ? double.NaN : _model.Forecast);
            return false;
        }

        // Until the fit, a non-seasonal Holt model with a moderate fixed α scores, so a new series is not blind for FitPoints points.
        prediction = Prediction.Symmetric(_model.Forecast, Sigma);
        return true;
    }

    public void Learn(long timestampMs, double value, double weight = 1)
    {
        if (_seen == 0)
        {
            _model = new HoltWintersModel { Alpha = WarmupAlpha, Level = value, SeasonValues = [], ScaleAlpha = _options.ScaleAlpha, RawScale = _options.RawScale };
        }

        var clip = _seen < MinPoints ? double.PositiveInfinity : _options.ClipK * Sigma;
        _seen++;
        _model.Learn(value, clip);
        _range.Add(value);
        Buffer(value);
    }

    public void Exclude(long timestampMs, double value, AnomalyTest test = AnomalyTest.None)
    {
        if (_seen == 0)
        {
            return;
        }

        // The point keeps its slot on the step grid; the fit sees the forecast in its place, never the anomaly.
        var forecast = _model.Forecast;
        _model.Skip();
        Buffer(forecast);
    }

    private void Buffer(double value)
    {
        if (_buffer is null)
        {
            return;
        }

        _buffer[_buffered++] = value;
        if (_buffered == _buffer.Length)
        {
            var season = _options.Season == 0 ? SeasonLength.Detect(_buffer, _options.MinAutocorrelation) : _options.Season;
            var fitted = HoltWintersModel.Fit(_buffer, season, _options.MaxAlpha);
            fitted.RawScale = _options.RawScale;
            fitted.ScaleAlpha = _options.ScaleAlpha;
            _model = fitted;
            _buffer = null;
        }
    }

    public void Rebaseline(ReadOnlySpan<long> timestampsMs, ReadOnlySpan<double> values, ReadOnlySpan<double> residuals)
    {
        // Season and trend stay; the level moves by the median deviation of the recent points.
        var shift = SeasonalBaseline.MedianOfFinite(residuals);
        if (double.IsFinite(shift) && _seen > 0)
        {
            _model.Level += shift;
        }
    }

    public void Write(BinaryWriter writer)
    {
        _range.Write(writer);
        writer.Write(_seen);
        writer.Write(_buffer is not null);
        if (_buffer is not null)
        {
            StateFormat.WriteArray(writer, _buffer.AsSpan(0, _buffered));
        }

        writer.Write(_seen > 0);
        if (_seen > 0)
        {
            _model.Write(writer);
        }
    }

    public void Read(BinaryReader reader)
    {
        _range.Read(reader);
        _seen = reader.ReadInt64();
        if (reader.ReadBoolean())
        {
            var values = StateFormat.ReadArray(reader, _options.FitPoints - 1, HoltWintersDetectorFactory.TypeName);
            _buffer = new double[_options.FitPoints];
            values.CopyTo(_buffer, 0);
            _buffered = values.Length;
        }
        else
        {
            _buffer = null;
            _buffered = 0;
        }

        if (reader.ReadBoolean())
        {
            _model = HoltWintersModel.Read(reader, _options.FitPoints / 2, _options.RawScale, _options.ScaleAlpha, HoltWintersDetectorFactory.TypeName);
        }
    }
}
