using Vigil.Core.Detection;
using Vigil.Core.Detectors.Common;

namespace Vigil.Core.Detectors.HoltWinters;

/// <summary>
/// Two phases. Warm-up: the first FitPoints finite values are buffered (8·FitPoints bytes). Then the season length is
/// detected, α/β/γ fitted and the buffer released; state becomes 8·season bytes plus ~100 bytes of numbers.
/// </summary>
internal sealed class HoltWintersSeries : ISerializableSeriesDetector
{
    private const byte Version = 1;
    private const double WarmupAlpha = 0.2;
    private const int MinPoints = 16;
    private readonly HoltWintersOptions _options;
    private double[]? _buffer;
    private int _buffered;
    private long _seen;
    private HoltWintersModel _model;
    private RangeTracker _range;
    private int _shiftRun; // signed: +n for n points above the band in a row, −n below
    private double _shiftExcess; // Σ (residual − clipped residual) over the run

    public HoltWintersSeries(HoltWintersOptions options)
    {
        _options = options;
        _buffer = new double[options.FitPoints];
    }

    public int Season => _model.SeasonValues?.Length ?? 0;

    public Verdict Observe(long timestampMs, ReadOnlySpan<double> features)
    {
        var value = features[0];
        if (!double.IsFinite(value))
        {
            if (_buffer is null)
            {
                _model.Skip();
            }

            return Verdict.Invalid;
        }

        Verdict verdict;
        var halfWidth = double.PositiveInfinity;
        var clip = double.PositiveInfinity;
        var residual = 0.0;
        if (_seen == 0)
        {
            // Until the fit, a non-seasonal Holt model with a moderate fixed α scores the warm-up points,
            // so a new series is not blind for FitPoints points.
            _model = new HoltWintersModel { Alpha = WarmupAlpha, Level = value, SeasonValues = [], ScaleAlpha = _options.ScaleAlpha, RawScale = _options.RawScale };
            verdict = Verdict.Warmup(value);
        }
        else if (_seen < MinPoints)
        {
            verdict = Verdict.Warmup(_model.Forecast);
        }
        else
        {
            var forecast = _model.Forecast;
            var sigma = _range.Floor(_model.Sigma, _options.RangeFloor);
            halfWidth = _options.K * sigma;
            clip = _options.ClipK * sigma;
            residual = value - forecast;
            verdict = new Verdict(ScoreMath.FromDeviation(residual, halfWidth), forecast, forecast - halfWidth, forecast + halfWidth, VerdictKind.Scored);
        }

        _seen++;
        _model.Learn(value, clip);
        if (!double.IsPositiveInfinity(halfWidth))
        {
            TrackShift(residual, halfWidth, clip);
        }

        _range.Add(value);
        if (_buffer is not null)
        {
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

        return verdict;
    }

    private void TrackShift(double residual, double halfWidth, double clip)
    {
        if (_options.ShiftPoints == 0)
        {
            return;
        }

        var side = residual > halfWidth ? 1 : residual < -halfWidth ? -1 : 0;
        if (side == 0 || (side > 0 ? _shiftRun < 0 : _shiftRun > 0))
        {
            _shiftRun = side;
            _shiftExcess = side == 0 ? 0 : residual - Math.Clamp(residual, -clip, clip);
            return;
        }

        _shiftRun += side;
        _shiftExcess += residual - Math.Clamp(residual, -clip, clip);
        if (Math.Abs(_shiftRun) >= _options.ShiftPoints)
        {
            // Confirmed shift: move the level by the part of the run the clipped learning held back.
            _model.Level += _shiftExcess / Math.Abs(_shiftRun);
            _shiftRun = 0;
            _shiftExcess = 0;
        }
    }

    public void WriteState(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(Version);
        _range.Write(writer);
        writer.Write(_seen);
        writer.Write(_buffer is not null);
        if (_buffer is not null)
        {
            StateFormat.WriteArray(writer, _buffer.AsSpan(0, _buffered));
        }

        _model.Write(writer);
        writer.Write(_shiftRun);
        writer.Write(_shiftExcess);
    }

    public void ReadState(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        StateFormat.CheckVersion(reader, Version, HoltWintersDetectorFactory.TypeName);
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

        _model = HoltWintersModel.Read(reader, _options.FitPoints / 2, _options.RawScale, _options.ScaleAlpha, HoltWintersDetectorFactory.TypeName);
        _shiftRun = reader.ReadInt32();
        _shiftExcess = reader.ReadDouble();
    }
}
