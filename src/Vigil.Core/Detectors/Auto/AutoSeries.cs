using Vigil.Core.Detection;
using Vigil.Core.Detectors.HoltWinters;
using Vigil.Core.Detectors.Robust;

namespace Vigil.Core.Detectors.Auto;

internal sealed class AutoSeries : ISerializableSeriesDetector
{
    private const byte Version = 1;
    private const double MadToSigma = 1.4826;

    private readonly AutoOptions _o;
    private readonly SortedWindow _local;
    private readonly SurpriseLikelihood _fast;
    private readonly SurpriseLikelihood? _slow;
    private double[]? _fitBuffer;
    private int _fitCount;
    private HoltWintersModel _hw;
    private bool _hwReady;
    private long _count;
    private double _min = double.PositiveInfinity;
    private double _max = double.NegativeInfinity;
    private int _rest;
    private double _smooth;
    private double _smoothMin = double.PositiveInfinity;
    private double _smoothMax = double.NegativeInfinity;
    private double[] _history = [];
    private int _historyHead;
    private long _historyCount;
    private double _naiveMeanAbs;

    public AutoSeries(AutoOptions options)
    {
        _o = options;
        _local = new SortedWindow(options.LocalWindow);
        _fast = new SurpriseLikelihood(options.ShortWindow, options.LongAlpha);
        _slow = options.SlowWindow > 0 ? new SurpriseLikelihood(options.SlowWindow, options.LongAlpha) : null;
        _fitBuffer = new double[options.FitPoints];
    }

    public Verdict Observe(long timestampMs, ReadOnlySpan<double> features)
    {
        var x = features[0];
        if (!double.IsFinite(x))
        {
            if (_hwReady)
            {
                _hw.Skip();
            }

            return Verdict.Invalid;
        }

        var range = _max - _min;
        var floor = _count > 1 ? Math.Max(_o.RangeFloor * range, 1e-12 * Math.Max(Math.Abs(_max), Math.Abs(_min))) : 0;
        Verdict verdict;
        if (_count < _o.MinPoints)
        {
            verdict = _local.Count > 0 ? Verdict.Warmup(_local.Median()) : Verdict.Warmup();
            Learn(x, 0, double.PositiveInfinity);
            return verdict;
        }

        // Component 1: local robust z against the last LocalWindow points.
        var median = _local.Median();
        var localSigma = Math.Max(MadToSigma * _local.Mad(median), floor);
        var zLocal = Z(x - median, localSigma);

        // Component 2: Holt-Winters residual z (level, trend, detected season).
        var expected = median;
        var sigma = localSigma;
        var z = zLocal;
        double hwSigma = 0;
        if (_hwReady)
        {
            var forecast = _hw.Forecast;
            hwSigma = Math.Max(_hw.Sigma, floor);
            var zSeasonal = Z(x - forecast, hwSigma);
            expected = forecast;
            sigma = hwSigma;
            z = Math.Max(z, zSeasonal);
            if (_history.Length > 0 && _historyCount >= _history.Length && _o.SeasonDepth > 0)
            {
                // Component 3: seasonal-naive context. A value close to one seen at the same phase of an earlier
                // season (± SeasonSlack points) is not surprising, however far it is from the local window:
                // daily batch jobs and recurring spikes stop alerting once they have happened once.
                var season = _hw.SeasonValues.Length;
                var closest = 0.0;
                for (var k = 1; k <= _o.SeasonDepth; k++)
                {
                    var closestInSeason = double.PositiveInfinity;
                    for (var j = -_o.SeasonSlack; j <= Math.Min(_o.SeasonSlack, season - 1); j++)
                    {
                        var back = (k * season) - j; // points ago
                        var idx = _historyHead - back;
                        if (idx < 0)
                        {
                            idx += _history.Length;
                        }

                        closestInSeason = Math.Min(closestInSeason, Math.Abs(x - _history[idx]));
                    }

                    // Normal only if every one of the last SeasonDepth seasons had a similar value here.
                    closest = Math.Max(closest, closestInSeason);
                }

                var naiveSigma = Math.Max(HoltWintersModel.MeanAbsToSigma * _naiveMeanAbs, floor);
                var zNaive = Z(closest, naiveSigma);
                _naiveMeanAbs += 0.01 * (Math.Min(closest, _o.BandK * naiveSigma) - _naiveMeanAbs);
                z = Math.Min(z, zNaive);
            }
        }

        // Likelihood stage: how unusual is the recent surprise against this series' own history of surprise.
        var capped = Math.Min(z, _o.ZCap);
        var score = _fast.Excess(capped, out _) / _o.Threshold;
        if (_slow is not null)
        {
            score = Math.Max(score, _slow.Excess(capped, out _) / _o.SlowThreshold);
        }

        // Component 3: a new all-time extreme beyond the tolerance.
        if (_o.NoveltyScore > 0 && _count >= _o.NoveltyMinPoints && range > 0)
        {
            var beyond = Math.Max(x - _max, _min - x) / range;
            if (beyond > _o.NoveltyTolerance)
            {
                score = Math.Max(score, _o.NoveltyScore);
            }
        }

        // Component 4: a new extreme of the smoothed series (level shifts and bursts that no single point makes extreme).
        var smooth = _smooth + (_o.SmoothAlpha * (x - _smooth));
        if (_o.SmoothAlpha > 0 && _count >= _o.NoveltyMinPoints && range > 0)
        {
            var beyondSmooth = Math.Max(smooth - _smoothMax, _smoothMin - smooth) / range;
            if (beyondSmooth > _o.SmoothTolerance)
            {
                score = Math.Max(score, _o.SmoothScore + (_o.SmoothSlope * beyondSmooth));
            }
        }

        if (_o.Gate > 0 && sigma > 0)
        {
            score *= Math.Min(1, Math.Abs(x - expected) / (_o.Gate * sigma));
        }
        else if (x == expected)
        {
            score = 0;
        }

        if (_rest > 0)
        {
            score *= _o.RestFactor;
            _rest--;
        }
        else if (score > 1)
        {
            _rest = _o.RestPoints;
        }

        // The reported band is the baseline's k·σ band, made to agree with the ensemble's verdict so that a chart never
        // shows an alert inside the band or a quiet point outside it: narrowed to |deviation| / score where the
        // ensemble is more alarmed than the baseline (score 1 would sit exactly on that edge), and widened to just
        // reach the point where context (a recurring value, a familiar level of surprise) says it is normal.
        score = Math.Min(score, ScoreMath.MaxScore);
        var halfWidth = _o.BandK * sigma;
        var deviation = Math.Abs(x - expected);
        halfWidth = score > 1 ? Math.Min(halfWidth, deviation / score) : Math.Max(halfWidth, deviation);

        verdict = new Verdict(score, expected, expected - halfWidth, expected + halfWidth, VerdictKind.Scored);
        _fast.Learn(capped);
        _slow?.Learn(capped);
        Learn(x, hwSigma, _o.BandK * hwSigma);
        return verdict;
    }

    private static double Z(double deviation, double sigma)
        => sigma > 0 ? Math.Abs(deviation) / sigma : deviation == 0 ? 0 : double.PositiveInfinity;

    private void Learn(double x, double hwSigma, double clip)
    {
        _count++;
        _min = Math.Min(_min, x);
        _max = Math.Max(_max, x);
        _smooth = _count == 1 ? x : _smooth + (_o.SmoothAlpha * (x - _smooth));
        if (_count > 1.0 / Math.Max(_o.SmoothAlpha, 1e-9))
        {
            _smoothMin = Math.Min(_smoothMin, _smooth);
            _smoothMax = Math.Max(_smoothMax, _smooth);
        }
        _local.Add(x);
        if (_hwReady)
        {
            _hw.Learn(x, hwSigma > 0 ? clip : double.PositiveInfinity);
            if (_history.Length > 0)
            {
                _history[_historyHead] = x;
                _historyHead = _historyHead + 1 == _history.Length ? 0 : _historyHead + 1;
                _historyCount++;
            }
        }
        else if (_fitBuffer is not null)
        {
            _fitBuffer[_fitCount++] = x;
            if (_fitCount == _fitBuffer.Length)
            {
                var season = SeasonLength.Detect(_fitBuffer, HoltWintersOptions.DefaultMinAutocorrelation);
                _hw = HoltWintersModel.Fit(_fitBuffer, season);
                _hwReady = true;
                if (season > 1 && _o.SeasonSlack >= 0 && _o.SeasonDepth > 0)
                {
                    // Seed the seasonal-naive history with the fit data's last season and slack.
                    _history = new double[(_o.SeasonDepth * season) + _o.SeasonSlack + 1];
                    var start = _fitBuffer.Length - _history.Length;
                    if (start >= 0)
                    {
                        Array.Copy(_fitBuffer, start, _history, 0, _history.Length);
                        _historyCount = _history.Length;
                        _naiveMeanAbs = _hw.MeanAbsResidual;
                    }
                }

                _fitBuffer = null;
            }
        }
    }

    public void WriteState(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(Version);
        writer.Write(_count);
        writer.Write(_min);
        writer.Write(_max);
        writer.Write(_rest);
        writer.Write(_smooth);
        writer.Write(_smoothMin);
        writer.Write(_smoothMax);
        writer.Write(_naiveMeanAbs);

        _local.Write(writer);
        _fast.Write(writer);
        writer.Write(_slow is not null);
        _slow?.Write(writer);

        writer.Write(_fitBuffer is not null);
        if (_fitBuffer is not null)
        {
            StateFormat.WriteArray(writer, _fitBuffer.AsSpan(0, _fitCount));
        }

        writer.Write(_hwReady);
        if (_hwReady)
        {
            _hw.Write(writer);
        }

        // The seasonal history is written oldest first so the ring position need not be stored.
        writer.Write(_historyCount);
        Span<double> history = _history.Length <= 4096 ? stackalloc double[_history.Length] : new double[_history.Length];
        for (var i = 0; i < _history.Length; i++)
        {
            history[i] = _history[(_historyHead + i) % _history.Length];
        }

        StateFormat.WriteArray(writer, history);
    }

    public void ReadState(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        StateFormat.CheckVersion(reader, Version, AutoDetectorFactory.TypeName);
        _count = reader.ReadInt64();
        _min = reader.ReadDouble();
        _max = reader.ReadDouble();
        _rest = reader.ReadInt32();
        _smooth = reader.ReadDouble();
        _smoothMin = reader.ReadDouble();
        _smoothMax = reader.ReadDouble();
        _naiveMeanAbs = reader.ReadDouble();

        _local.Read(reader, AutoDetectorFactory.TypeName);

        _fast.Read(reader);
        if (reader.ReadBoolean() != (_slow is not null))
        {
            throw new InvalidDataException("auto: state was written with another slow_window setting.");
        }

        _slow?.Read(reader);

        if (reader.ReadBoolean())
        {
            var fit = StateFormat.ReadArray(reader, _o.FitPoints - 1, AutoDetectorFactory.TypeName);
            _fitBuffer = new double[_o.FitPoints];
            fit.CopyTo(_fitBuffer, 0);
            _fitCount = fit.Length;
        }
        else
        {
            _fitBuffer = null;
            _fitCount = 0;
        }

        _hwReady = reader.ReadBoolean();
        if (_hwReady)
        {
            _hw = HoltWintersModel.Read(reader, _o.FitPoints / 2, rawScale: false, HoltWintersModel.DefaultScaleAlpha, AutoDetectorFactory.TypeName);
        }

        _historyCount = reader.ReadInt64();
        _history = StateFormat.ReadArray(reader, (_o.SeasonDepth * (_o.FitPoints / 2)) + _o.SeasonSlack + 1, AutoDetectorFactory.TypeName);
        _historyHead = 0;
    }
}
