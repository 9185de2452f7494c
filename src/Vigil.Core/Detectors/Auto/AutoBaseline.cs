using System.Buffers;
using Vigil.Core.Detection;
using Vigil.Core.Detectors.HoltWinters;
using Vigil.Core.Detectors.Seasonal;

namespace Vigil.Core.Detectors.Auto;

/// <summary>
/// <c>auto</c>'s baseline: a damped-trend Holt level (Gardner 1985; error-correction form, Hyndman &amp; Athanasopoulos
/// FPP3 §8.2) learned from normal points only, a scale per side (how far normal points fall above and below the
/// forecast), the all-time range of normal values for the novelty edge, and, once a season is detected, last season's
/// values for the seasonal context. About 100 bytes plus 4 bytes per point of season (≤ 1.2 KB; 2.4 KB of detection
/// buffer until then, 1.8 KB where its values fit <see cref="PackedFloats"/>' 3 bytes).
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

    // The 99th percentile of |r| is 2.576σ for normal residuals.
    private const double TailToSigma = 2.576;
    private const double TailP = 0.99;
    private const int SpikeRun = 3;

    // The 99.9th percentile of |r| is 3.29σ for normal residuals.
    private const double FarTailToSigma = 3.29;
    private const double FarTailP = 0.999;
    private const double ExcessToFar = 2.302585;
    private const double ExcessAlpha = 0.05;

    // Mean excess of |r| over its 99th percentile for Gaussian errors, in σ.
    private const double GaussianExcess = 0.34;

    // Per side (SideTail): the 99th percentile of one side's error over all points, P(r > q) = 1 %, is 2.326σ for
    // normal residuals, and its 99.9th 3.09σ; the mean excess over it is 0.34σ as for |r|.
    private const double SideTailToSigma = 2.326;
    private const double SideFarTailToSigma = 3.09;

    private readonly AutoOptions _o;
    private long _count;
    private double _level;
    private double _trend;
    private double _up;
    private double _down;
    private double _tail;

    // Each side's tail and mean excess when SideTail is on (beside the symmetric ones, which still cap each side): a
    // latency's slow requests are its upper tail and must not widen the band below it, where a drop would show.
    private double _tailUp;
    private double _meanExcessUp;
    private double _tailDown;
    private double _meanExcessDown;
    private double _farTail;

    // Whether every value learned so far is an integer (a count): edges drawn from stored extremes are then put
    // half-way between integers, so a count never sits exactly on one (IntegerEdges).
    private bool _integers = true;

    // PositiveLow: whether every value learned so far is above zero, and the lower side's spread in log space (the mean
    // of ln(F / y) over points below the forecast F, and its 99th percentile over all points, Robbins–Monro). A latency
    // spreads in proportion to its level, and its slow requests (the upper tail) must not size the band below it.
    private bool _positive = true;
    private double _logDown;
    private double _logTailDown;

    // Mean excess of |error| over the 99th percentile, from the errors that pass it (peaks over threshold). With an
    // exponential tail past the 99th percentile, the 99.9th lies ln 10 mean excesses further out; for Gaussian errors
    // that is 3.36σ (the true 3.29σ), for a latency whose 1 % of slow requests run at 2–5× it covers the slow requests.
    private double _meanExcess;
    private int _excludedRun;
    private int _anomalousRun;
    private double _min = double.PositiveInfinity;
    private double _max = double.NegativeInfinity;

    // Season detection buffer (until FitPoints points), then the ring of the last season + slack values. Both hold what
    // the series did, anomalies included: a pattern that recurs at the same phase (a daily batch job, a nightly
    // drop) is normal the second time. An incident that lasts longer than adapt_after is rebaselined before then.
    // The detection buffer is held in 3 bytes a value where that is exact (PackedFloats; issue 15: the warm-up's peak).
    private PackedFloats? _fit;
    private int _fitCount;
    private float[] _history = [];
    private int _historyHead;
    private int _season;

    // The working scale, chosen from the warm-up values when the baseline matures (Decided) and fixed from then on.
    private ValueTransform _transform = ValueTransform.Identity;
    private bool _decided;

    // The daily profile (item 8): the expectation where the series is strongly seasonal on the wall-clock day.
    private readonly DailyProfile? _profile;

    // How far learning has moved the active forecast, cumulative (the slow shift test's LearnedShift): the part of the
    // Holt level that learning put there (it follows the level's own recursion, so the trend's share is counted as it
    // moves the forecast), and the profile's offset moves while the profile is the expectation. The trend is all learned.
    private double _learnedLevel;
    private double _learnedProfile;

    public AutoBaseline(AutoOptions options)
    {
        _o = options;
        // The buffer also holds the warm-up values the working scale is chosen from, so it exists even without a season.
        // It grows as points come (issue 15: a young series does not hold 2.4 KB of empty buffer).
        _fit = PackedFloats.Empty;
        _profile = options.SeasonalProfile ? new DailyProfile(options) : null;
    }

    public string Name => AutoDetectorFactory.TypeName;

    public ValueTransform Transform => _transform;

    private double Forecast => _level + (_o.TrendDamping * _trend);

    // The detection buffer's full length; it starts at FitFirstLength and doubles.
    private int FitLength => Math.Max(_o.FitPoints, _o.MinPoints);
    private const int FitFirstLength = 16;

    // Doubles from FitFirstLength, and goes straight to the full length where doubling would pass half of it: 16 … 256,
    // 600 at the defaults, not 256, 512, 600. Every series reaches that step in the same warm-up slice, so the skipped
    // 2 KB array would be 200 MB of garbage at 100k series when memory is at its highest (issue 15).
    private int NextFitLength(int length)
    {
        var doubled = Math.Max(FitFirstLength, 2 * length);
        return doubled > FitLength / 2 ? FitLength : doubled;
    }

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
        if (_transform.Kind == TransformKind.Counts)
        {
            // Poisson noise is the least a count varies: on the square-root scale its σ is about 1 whatever the mean, so
            // a quiet stretch of a small count (five zeros in a row at λ = 1) is not judged on a σ learned too small.
            floor = Math.Max(floor, _o.CountsSigma);
        }
        // Heavy tails: the σ a Gaussian with this series' 99th percentile of |error| would have, if that is larger.
        // The 99.9th percentile as well: a latency whose 1 % of slow requests run at 2–5× its median has its 99th
        // percentile at the bottom of that tail; only the far quantile covers the tail's height.
        // Per side (SideTail), each side's tail sizes only that side: a latency's slow requests widen the band above it,
        // and the band below stays as tight as its ordinary noise, so a drop to a fraction of the level is outside it.
        var farSigma = _farTail / FarTailToSigma;
        // A side is never wider than the symmetric tail makes it: the heavier side keeps today's band, the lighter one
        // is judged on its own tail.
        var tailSigma = _tail / TailToSigma;
        var tailSigmaHigh = !_o.HeavyTail ? 0 : Math.Max(_o.SideTail ? Math.Min(tailSigma, _tailUp / SideTailToSigma) : tailSigma, farSigma);
        var tailSigmaLow = !_o.HeavyTail ? 0 : Math.Max(_o.SideTail ? Math.Min(tailSigma, _tailDown / SideTailToSigma) : tailSigma, farSigma);
        var sigmaHigh = Math.Max(Math.Max(HalfMeanToSigma * _up, tailSigmaHigh), floor);
        var sigmaLow = Math.Max(Math.Max(HalfMeanToSigma * _down, tailSigmaLow), floor);
        var profileExpects = false;
        var holtHigh = sigmaHigh;
        var holtLow = sigmaLow;
        // ProfileFallbackFloor: a time of day the profile has not been scored at yet is judged on no tighter a σ than the
        // Holt band's, the series' ordinary spread (the first day's widest bucket error is the night's).
        var unscoredFloor = _o.ProfileFallbackFloor ? Math.Max(sigmaHigh, sigmaLow) : 0;
        if (_profile is { Active: true } && _profile.TryForecast(timestampMs, out var seasonal, out var seasonalSigma, unscoredFloor, _up + _down))
        {
            profileExpects = true;
            // A strongly seasonal series is expected to follow its daily shape, not last point's level: a day whose
            // peak is missing is then far from what was expected however slowly it diverged. One expectation, one
            // scale (the profile's errors at this time of day), so the band cannot invert.
            expected = seasonal;
            sigmaHigh = Math.Max(seasonalSigma, floor);
            sigmaLow = sigmaHigh;
        }

        if (_o.CountFloor && IsCount && expected < 0)
        {
            // A count's floor is known: zero. A forecast below it (a Holt trend carried over a night of zeros, a profile
            // offset moved by a shift) only moves the band away from every value the series can take.
            expected = 0;
        }

        var varianceLow = double.NaN;
        var shiftLow = double.NaN;
        var positiveLowActs = false;
        if (_o.PositiveLow && _positive && !profileExpects && expected > 0 && _count > _o.MinPoints && _logDown > 0
            && expected - (_o.K * sigmaLow) <= 0 && _transform.Kind == TransformKind.Identity)
        {
            // A lower edge at or below zero on a series that has never been there cannot catch any drop: the symmetric
            // heavy tail (a latency's slow requests) has sized it. There the lower side is the series' own lower spread
            // in log space, mapped back at this level: a ×0.5 drop of a latency whose ordinary noise is ±15 % crosses it.
            var logSigma = Math.Max(HalfMeanToSigma * _logDown, _logTailDown / SideTailToSigma);
            var capped = Math.Max(expected * (1 - Math.Exp(-_o.K * logSigma)) / _o.K, floor);
            if (capped < sigmaLow)
            {
                positiveLowActs = true;
                // The variance test keeps the symmetric σ: it asks "noisier?", and the lower side's own spread would call
                // every slow request a burst.
                varianceLow = sigmaLow;
                sigmaLow = capped;
                if (_o.PositiveLowShift)
                {
                    // The shift test sums points inside κ·σ: at one σ the lower side's spread is E·(1 − exp(−σ_log)),
                    // half as wide again as the point edge's σ, which is sized for k σ.
                    shiftLow = Math.Min(Math.Max(expected * (1 - Math.Exp(-logSigma)), capped), varianceLow);
                }
            }
        }

        // The far tail for isolated points: the contract uses it only where it is wider than the side's σ.
        var isolatedHigh = double.NaN;
        var isolatedLow = double.NaN;
        if (_o.IsolatedFarTail && _o.HeavyTail)
        {
            var symmetric = (_tail + (ExcessToFar * _meanExcess)) / FarTailToSigma;
            isolatedHigh = _o.SideTail ? Math.Min(symmetric, (_tailUp + (ExcessToFar * _meanExcessUp)) / SideFarTailToSigma) : symmetric;
            isolatedLow = _o.SideTail ? Math.Min(symmetric, (_tailDown + (ExcessToFar * _meanExcessDown)) / SideFarTailToSigma) : symmetric;
            // ProfileTailsSeasoned: not where the profile's σ here comes from less than a day of scored visits (the profile's
            // first forecasting day), which says nothing of a tail.
            if (profileExpects && _o.ProfileTails > 0 && (!_o.ProfileTailsSeasoned || _profile!.Seasoned(timestampMs)))
            {
                // The far tail was learned on the Holt forecast's errors: on a daily curve those hold the lag behind every
                // bend, yesterday's burst and the evening after a drop, so next to the profile's σ it is several times
                // wider (request_rate_1: 67 against 20), and a missing peak's flat day stayed inside it as "isolated"
                // points. ProfileTails 1 keeps the tail's shape (far tail over near σ) on the profile's σ; 2 offers no
                // isolated-point edge while the profile forecasts.
                isolatedHigh = _o.ProfileTails == 1 && holtHigh > 0 ? isolatedHigh * sigmaHigh / holtHigh : double.NaN;
                isolatedLow = _o.ProfileTails == 1 && holtLow > 0 ? isolatedLow * sigmaLow / holtLow : double.NaN;
            }
        }

        var noveltyHigh = double.PositiveInfinity;
        var noveltyLow = double.NegativeInfinity;
        if (_o.Novelty && _count >= _o.NoveltyMinPoints && range > 0)
        {
            // Per side (NoveltySideRange), each side's tolerance is measured on that side's own reach from the expectation
            // (twice it, so a symmetric series keeps the full range): a latency's slow requests stretch the range upwards,
            // and a tolerance of a tenth of that range put its lower novelty edge below zero, where no drop can cross it.
            var toleranceHigh = _o.NoveltySideRange ? Math.Min(range, 2 * Math.Max(_max - expected, 0)) : range;
            var toleranceLow = _o.NoveltySideRange ? Math.Min(range, 2 * Math.Max(expected - _min, 0)) : range;
            noveltyHigh = Math.Max(_max + (_o.NoveltyTolerance * toleranceHigh), expected + (_o.NoveltyMinSigma * sigmaHigh));
            noveltyLow = Math.Min(_min - (_o.NoveltyTolerance * toleranceLow), expected - (_o.NoveltyMinSigma * sigmaLow));
            if (_o.IntegerEdges && _integers && _transform.Kind == TransformKind.Identity)
            {
                // A count of 22 against an edge of max + 0.1·range = 22 would sit exactly on it (score 1, normal by the
                // contract, yet a new extreme): half-way between integers, rounded outwards, no count is ever on the edge.
                noveltyHigh = Math.Ceiling(noveltyHigh - 0.5) + 0.5;
                noveltyLow = Math.Floor(noveltyLow + 0.5) - 0.5;
            }
        }

        double contextLow = double.NaN, contextHigh = double.NaN;
        if (_season > 0 && _anomalousRun < _season - _o.SeasonSlack)
        {
            // Only seasons that ended before the current anomalous run began: an incident never excuses itself.
            // Last season's values at this phase ± slack points.
            var lo = double.PositiveInfinity;
            var hi = double.NegativeInfinity;
            for (var j = -_o.SeasonSlack; j <= _o.SeasonSlack; j++)
            {
                var back = _season - j; // points ago (1 = the previous point)
                var idx = _historyHead - back;
                if (idx < 0)
                {
                    idx += _history.Length;
                }

                lo = Math.Min(lo, _history[idx]);
                hi = Math.Max(hi, _history[idx]);
            }

            contextLow = lo - (_o.SeasonK * sigmaLow);
            contextHigh = hi + (_o.SeasonK * sigmaHigh);
        }

        if (_o.DailyContext > 0 && !profileExpects && _profile is not null
            && _profile.TryUsual(timestampMs, out var usual, out var usualSigma))
        {
            // The daily context: a request rate's evening curve that comes back after a missing peak or a drop is a jump
            // against a Holt level that followed the incident (it was slow enough to look normal) or froze before the
            // curve's fall, yet it is what this time of day looked like on earlier days. The side towards that usual level
            // covers it ± DailyContext σ of the profile, a prediction made before the point (as the return memory: "it may
            // go back to the usual"); the other side is untouched, so a drop below a usual afternoon is judged as before.
            // The buckets learn normal points only (an incident never excuses itself), and without the offset, which
            // follows the last hours and so learns whatever the Holt level learned.
            if (usual > expected)
            {
                var high = usual + (_o.DailyContext * usualSigma);
                contextHigh = double.IsNaN(contextHigh) ? high : Math.Max(contextHigh, high);
            }
            else
            {
                var low = usual - (_o.DailyContext * usualSigma);
                contextLow = double.IsNaN(contextLow) ? low : Math.Min(contextLow, low);
            }
        }

        // ReturnCurve: what this time of day usually looks like, for the return memory to follow (working scale, as the
        // profile learns on it).
        var usualLevel = double.NaN;
        if (_o.ReturnCurve && _decided && _profile is not null && _profile.TryUsual(timestampMs, out var usualHere, out _))
        {
            usualLevel = usualHere;
        }

        prediction = new Prediction(expected, sigmaLow, sigmaHigh, noveltyLow, noveltyHigh, contextLow, contextHigh)
        {
            Usual = usualLevel,
            // The shift test judges by the core spread (no heavy-tail term) when CoreShiftSigma is set.
            ShiftSigmaLow = _o.CoreShiftSigma ? Math.Max(HalfMeanToSigma * _down, floor) : shiftLow,
            ShiftSigmaHigh = _o.CoreShiftSigma ? Math.Max(HalfMeanToSigma * _up, floor) : double.NaN,
            SlowShiftApplies = !_o.PositiveSlowShift || positiveLowActs,
            ClimbReturn = _o.PositiveLowReturn && positiveLowActs,
            IsolatedSigmaLow = isolatedLow,
            IsolatedSigmaHigh = isolatedHigh,
            IsolatedNoveltySigma = _o.IsolatedNovelty,
            // With PositiveLow the variance test keeps the symmetric σ below (varianceLow).
            VarianceSigmaLow = _o.VarianceCoreSigma ? Math.Max(HalfMeanToSigma * _down, floor) : varianceLow,
            VarianceSigmaHigh = _o.VarianceCoreSigma ? Math.Max(HalfMeanToSigma * _up, floor) : double.NaN,
        };
        return _count >= _o.MinPoints;
    }

    public void Learn(long timestampMs, double value, double weight = 1)
    {
        if (!_decided)
        {
            // Warm-up: buffer the raw values (and keep a rough level to show) until there are enough to choose the
            // working scale; then learn them all on it, oldest first, as if it had been chosen from the start.
            if (_o.Transform == AutoOptions.TransformNone)
            {
                // Values are already on the working scale: the profile starts learning the day at once.
                _profile?.Learn(timestampMs, value, _level, weight);
            }

            _count++;
            _level = _count == 1 ? value : _level + (0.2 * (value - _level));
            Remember(value);
            if (_count >= _o.MinPoints)
            {
                Decide();
            }

            return;
        }

        if (_profile is { Active: true })
        {
            // The profile is the expectation: its offset is what learning moves (its buckets learn over days).
            var before = _profile.Offset;
            _profile.Learn(timestampMs, value, Forecast, weight);
            _learnedProfile += _profile.Offset - before;
            LearnWorking(value, weight, learned: false);
            return;
        }

        _profile?.Learn(timestampMs, value, Forecast, weight);
        LearnWorking(value, weight);
    }

    public bool TrySlowShape(long timestampMs, out double shape)
    {
        shape = double.NaN;
        return _decided && _profile is not null && _profile.TryShape(timestampMs, out shape);
    }

    public double LearnedShift => _learnedLevel + (_o.TrendDamping * _trend) + _learnedProfile;

    public void Unlearn(double amount)
    {
        if (!double.IsFinite(amount) || amount == 0)
        {
            return;
        }

        if (_profile is { Active: true })
        {
            _profile.Nudge(-amount);
            _learnedProfile -= amount;
            return;
        }

        // The trend learned from the same errors goes with it (the incident's points carry it on undamped otherwise);
        // the forecast moves by exactly −amount.
        var back = amount - (_o.TrendDamping * _trend);
        _level -= back;
        _learnedLevel -= back;
        _trend = 0;
    }

    private void Decide()
    {
        var n = _fitCount;
        var warm = n <= 1024 ? stackalloc float[n] : new float[n];
        for (var i = 0; i < n; i++)
        {
            warm[i] = _fit![i];
        }

        _transform = ChooseTransform(warm, _o.Transform, _o.LogKnee);
        _decided = true;
        _count = 0;
        _level = 0;
        _trend = 0;
        _min = double.PositiveInfinity;
        _max = double.NegativeInfinity;
        var fit = _fit!;
        _fitCount = 0;
        for (var i = 0; i < n; i++)
        {
            // Converted in place (LearnWorking remembers each at index i): from now on the detection buffer and the
            // season ring hold working values.
            LearnWorking(_transform.ToWorking(fit[i]), 1);
        }
    }

    /// <summary>
    /// The working scale for a series, from its warm-up values: non-negative integers are counts (square root);
    /// other non-negative series whose spread grows with their level are put on the log scale; anything that goes
    /// negative stays as it is.
    /// </summary>
    internal static ValueTransform ChooseTransform(ReadOnlySpan<float> values, string mode, double knee)
    {
        if (mode == AutoOptions.TransformNone)
        {
            return ValueTransform.Identity;
        }

        var min = double.PositiveInfinity;
        var integers = true;
        Span<double> sorted = values.Length <= 1024 ? stackalloc double[values.Length] : new double[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            double v = values[i];
            sorted[i] = v;
            min = Math.Min(min, v);
            integers &= v == Math.Round(v);
        }

        sorted.Sort();
        var median = sorted[sorted.Length / 2];
        double mean = 0, m2 = 0;
        for (var i = 0; i < sorted.Length; i++)
        {
            var d = sorted[i] - mean;
            mean += d / (i + 1);
            m2 += d * (sorted[i] - mean);
        }

        // Counts vary at least as much as their mean (Poisson); an integer gauge that barely moves (a temperature in
        // whole degrees, a replica count) is not a count and keeps its own scale.
        var dispersion = mean > 0 ? m2 / Math.Max(1, sorted.Length - 1) / mean : 0;
        if (mode == AutoOptions.TransformCounts || (mode == AutoOptions.TransformAuto && min >= 0 && integers && dispersion >= 0.5))
        {
            return new ValueTransform(TransformKind.Counts, 1);
        }

        var logOk = min >= 0 && median > 0;
        if (logOk && (mode == AutoOptions.TransformLog || mode == AutoOptions.TransformAuto))
        {
            return new ValueTransform(TransformKind.Log, knee * median);
        }

        return ValueTransform.Identity;
    }

    public void LearnClipped(long timestampMs, double value, double low, double high, double weight)
    {
        if (!_decided)
        {
            Learn(timestampMs, value, weight);
            return;
        }

        // (The profile does not learn winsorised points: only the Holt part moves, and it counts only while it forecasts.)
        // ContextRunForgiven: a point the contract forgave past the near edge (an isolated point, a routine excursion)
        // continues the excursion for the seasonal context's guard, so it cannot excuse the next points of the same run.
        var forgiven = _o.ContextRunForgiven && (value < low || value > high);
        LearnWorking(value, weight, low, high, learned: _profile is not { Active: true }, forgiven);
    }

    private void LearnWorking(double value, double weight, double low = double.NegativeInfinity, double high = double.PositiveInfinity, bool learned = true, bool forgiven = false)
    {
        _count++;
        _min = Math.Min(_min, value);
        _max = Math.Max(_max, value);
        _integers &= value == Math.Round(value);
        _positive &= value > 0;
        Remember(value);
        if (_count == 1)
        {
            _level = value;
            return;
        }

        _excludedRun = 0;
        // The seasonal context's guard counts the current excursion: an anomalous point, or (ContextRunForgiven) one
        // forgiven past the near edge. A daily curve at one-minute steps has a detected season of a few points (5, 6
        // and 17 on the scenario suite's request rates and business counts), so its context is the last few points:
        // the first flat point of a missing peak, forgiven as an isolated point, excused the flat points after it
        // (request_rate_1 01-07: four anomalous points in an eight-hour missing peak).
        _anomalousRun = forgiven ? Math.Min(_anomalousRun + 1, int.MaxValue - 1) : 0;
        var forecast = Forecast;
        var error = Math.Clamp(value, low, high) - forecast;
        var alpha = _o.LevelAlpha * weight;
        var levelError = error;
        var mean = 0.5 * (_up + _down);
        if (_o.RobustLevel > 0 && _count > _o.MinPoints && mean > 0)
        {
            // Huber on the level: a latency's slow request, winsorised at a near edge its own tail puts far out, would
            // move the level by α × that edge and teach the trend a climb; at most RobustLevel core σ of its side here
            // (never less than of the two sides' mean, so a side that has been flat does not freeze the level).
            var c = _o.RobustLevel * HalfMeanToSigma;
            levelError = Math.Clamp(error, -c * Math.Max(_down, mean), c * Math.Max(_up, mean));
        }

        if (learned)
        {
            // The learned part follows the level's recursion, L' = L + φT + α·e (the trend is all learned).
            _learnedLevel += (_o.TrendDamping * _trend) + (alpha * levelError);
        }

        _level = forecast + (alpha * levelError);
        _trend = (_o.TrendDamping * _trend) + (alpha * _o.TrendBeta * levelError);

        // Weighted like a running mean at first, so the first residuals set the scale instead of a zero start.
        var w = weight * Math.Max(_o.ScaleAlpha, 1.0 / (_count - 1));
        var scaleError = error;
        if (_o.ScaleClip > 0 && _count > _o.MinPoints)
        {
            // Huber: a point inside the band but far out (a variance burst, the start of a shift) moves the scale by at
            // most ScaleClip σ, so an incident cannot widen the band it is judged by within a few dozen points.
            scaleError = Math.Clamp(error, -_o.ScaleClip * HalfMeanToSigma * _down, _o.ScaleClip * HalfMeanToSigma * _up);
        }

        _up += w * (Math.Max(scaleError, 0) - _up);
        _down += w * (Math.Max(-scaleError, 0) - _down);
        if (_o.PositiveLow && _positive && forecast > 0)
        {
            // ln(F / y) of the point as learned (winsorised like the scale), 0 above the forecast.
            var logError = Math.Max(0, Math.Log(forecast / Math.Max(forecast + scaleError, forecast * 1e-3)));
            _logDown += w * (logError - _logDown);
            var step = Math.Max(_logDown, _o.TailStep * _logTailDown);
            _logTailDown = Math.Max(_logTailDown + (weight * (logError > _logTailDown ? TailP * step : -(1 - TailP) * step)), 0);
        }

        // Stochastic-approximation quantile (Robbins–Monro): up by p·step on an exceedance, down by (1 − p)·step
        // otherwise, so it settles where 1 % of normal errors exceed it. The step is the mean |error|: scale-free.
        // The step is at least a fraction of the tail itself (TailStep): with the mean |error| alone, a tail learned in
        // a burst on a series that then went flat (mean |error| ≈ 0) never came down again.
        if (_o.SideTail)
        {
            // Each side's quantile of its own errors over all points (P(error > q) = 1 %): a point on the other side is
            // a non-exceedance, so both sides come down at the same pace as the symmetric quantile does.
            LearnSideTail(error, weight, ref _tailUp, ref _meanExcessUp);
            LearnSideTail(-error, weight, ref _tailDown, ref _meanExcessDown);
        }

        LearnSideTail(Math.Abs(error), weight, ref _tail, ref _meanExcess);

        var farStep = TailStepOf(_farTail);
        _farTail += weight * (Math.Abs(error) > _farTail ? FarTailP * farStep : -(1 - FarTailP) * farStep);
        _farTail = _o.FarTail ? Math.Max(_farTail, 0) : 0;
        _tail = Math.Max(_tail, 0);
    }

    private void LearnSideTail(double error, double weight, ref double tail, ref double meanExcess)
    {
        if (error > tail && tail > 0)
        {
            meanExcess += weight * ExcessAlpha * (error - tail - meanExcess);
        }

        var step = TailStepOf(tail);
        tail = Math.Max(tail + (weight * (error > tail ? TailP * step : -(1 - TailP) * step)), 0);
    }

    public void Exclude(long timestampMs, double value, AnomalyTest test = AnomalyTest.None)
    {
        Remember(double.IsFinite(value) ? value : Forecast);
        var previousMs = _profile?.LastMs ?? long.MinValue;
        _profile?.Advance(timestampMs);
        if (double.IsFinite(value))
        {
            _anomalousRun = Math.Min(_anomalousRun + 1, int.MaxValue - 1);
        }

        if (_count > 0 && test == AnomalyTest.Point && _excludedRun < SpikeRun)
        {
            // The first points of a run of point anomalies count as tail exceedances: a series that spikes routinely
            // (a load balancer's periodic bursts) widens its tail until its spikes are 1 % events, while a sustained
            // incident (longer than SpikeRun points) or a shift teaches the tail nothing.
            _excludedRun++;
            var signed = value - Forecast;
            var deviation = Math.Abs(signed);
            if (_o.SideTail)
            {
                // A routine dip widens the lower tail only, a routine spike the upper one.
                if (signed < 0)
                {
                    CountSpike(deviation, ref _tailDown, ref _meanExcessDown);
                }
                else
                {
                    CountSpike(deviation, ref _tailUp, ref _meanExcessUp);
                }
            }

            var dip = _o.PositiveLow && _positive && signed < 0;
            // A dip inside the symmetric tail is no exceedance of it (PositiveLowDips): only the log-space lower side,
            // tighter than that tail, excluded it, and counted it would raise the tail that sizes the band above.
            if (!(_o.PositiveLowTail && dip) && !(_o.PositiveLowDips && dip && deviation <= _tail))
            {
                // With PositiveLow the lower side is judged on its own log spread: a latency's dips past it (the deep
                // points of a variance burst) would otherwise widen the symmetric tail that sizes the upper side.
                CountSpike(deviation, ref _tail, ref _meanExcess);
            }

            if (_o.FarTail && deviation > _farTail)
            {
                _farTail += FarTailP * Math.Max(TailStepOf(_farTail), _o.SpikeStep * deviation);
            }
        }

        if (_count > 0)
        {
            // Time moves on for the trend and the season; the anomaly itself teaches the level and scale nothing.
            // The trend is carried on undamped: through an hour-long incident on a daily curve, the expectation keeps
            // following the curve's slope as it was before the incident.
            // With DampIncidentTrend the trend is carried on as the damped-trend model forecasts it several steps ahead
            // (L + φT, then φT): a trend learned from the last minutes' noise moves the expectation by at most
            // φ/(1 − φ) of itself through an incident, not by one trend per point for as long as the incident lasts.
            if (_o.IncidentShape && _decided && _profile is { Active: false } && previousMs != long.MinValue
                && previousMs < timestampMs && _profile.TryShapeDelta(previousMs, timestampMs, out var shapeDelta))
            {
                // The incident teaches the level nothing, but time still moves along the day: where the profile knows this
                // series' daily shape, the expectation follows it from the last trusted level (a drop in the afternoon
                // returns to the afternoon's fall, not to the level at its onset). Not learned: LearnedShift is unchanged,
                // and the trend is kept for after the incident (the shape replaces it, adding both would count the slope twice).
                _level += shapeDelta;
                return;
            }

            var carried = _o.DampIncidentTrend ? _o.TrendDamping * _trend : _trend;
            if (_o.IncidentTrendCap > 0 && !_o.DampIncidentTrend)
            {
                // The undamped carry moves the expectation by one trend per point for as long as the incident lasts: a
                // trend learned from one noise point of a flat gauge walked it a band's width away through a burst, and a
                // ramp's own slope carried a request rate's expectation 240 above the ramp's top for three hours. At most
                // IncidentTrendCap core σ in all (the trend is constant while carried undamped, so the run's length says
                // how far it has moved already).
                var cap = _o.IncidentTrendCap * HalfMeanToSigma * Math.Max(_up, _down);
                var room = Math.Max(cap - (Math.Max(_anomalousRun - 1, 0) * Math.Abs(_trend)), 0);
                carried = Math.CopySign(Math.Min(Math.Abs(_trend), room), _trend);
            }

            _level += carried;
            if (_o.DampIncidentTrend)
            {
                _trend = carried;
            }

            if (_profile is not { Active: true })
            {
                _learnedLevel += carried;
            }
        }
    }

    private void CountSpike(double deviation, ref double tail, ref double meanExcess)
    {
        if (deviation > tail)
        {
            // Counted as at most one tail's height past the tail: a single spike of a hundred σ (a sensor glitch)
            // must not widen the isolated-point edge over the next outliers.
            meanExcess += ExcessAlpha * (Math.Min(deviation - tail, tail) - meanExcess);
        }

        tail += TailP * Math.Max(TailStepOf(tail), _o.SpikeStep * deviation);
    }

    private double TailStepOf(double tail) => Math.Max(0.5 * (_up + _down), _o.TailStep * tail);

    private void Remember(double value)
    {
        if (_history.Length > 0)
        {
            _history[_historyHead] = (float)value;
            _historyHead = _historyHead + 1 == _history.Length ? 0 : _historyHead + 1;
            return;
        }

        if (_fit is null)
        {
            return;
        }

        if (_fitCount == _fit.Length && _fit.Length < FitLength)
        {
            _fit = _fit.Resize(_fitCount, NextFitLength(_fit.Length));
        }

        _fit[_fitCount++] = (float)value;
        if (_fitCount < FitLength || !_decided)
        {
            return;
        }

        if (_o.SeasonSlack < 0)
        {
            _fit = null;
            return;
        }

        // Detected once, from the first FitPoints points. The copy in doubles is rented, not allocated: 4.8 KB of
        // garbage per series at the 600th point was ≈ 0.5 GB per start at 100k series (scale10's trace, issue 15).
        var length = _fit.Length;
        var rented = ArrayPool<double>.Shared.Rent(length);
        int season;
        try
        {
            var values = rented.AsSpan(0, length);
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = _fit[i];
            }

            season = SeasonLength.Detect(values, HoltWintersOptions.DefaultMinAutocorrelation);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }

        if (season > 1 && season + _o.SeasonSlack + 1 <= _fit.Length)
        {
            _history = new float[season + _o.SeasonSlack + 1];
            for (var i = 0; i < _history.Length; i++)
            {
                _history[i] = _fit[_fit.Length - _history.Length + i];
            }
            _historyHead = 0;
            _season = season;
        }

        _fit = null;
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
        // RebaselineWithinRun 1 keeps it to counts: on NAB's daily square waves the profile-based level cost false onsets.
        var withinRun = _o.RebaselineWithinRun == 2 || (_o.RebaselineWithinRun == 1 && IsCount);
        if ((_o.RebaselineFromProfile || withinRun) && _profile is { Active: true } && timestampsMs.Length > 0
            && _profile.TryForecast(timestampsMs[^1], out var profileForecast, out _)
            && (_o.RebaselineFromProfile || OutsideRun(_level + shift, values)))
        {
            // The residuals were measured against the profile's forecast: the Holt level moves from there, not from where
            // the Holt level stood. Through the incident it followed nothing: the count test's give-back at the page
            // nudged the profile, not it, and it carried the trend it had learned from the change's first minutes, so on
            // a business count of peak 6 that moved to 0.37× at noon it stood at −2.8 by 15:10 with the profile at 4.7,
            // and the run's median residual (−3.6, against the profile) put the expectation at −6.4 with the run's values
            // at 0–5: every later count paged (RebaselineWithinRun, docs/detectors.md, auto item 37). The trend is reset
            // below, so the new forecast is the profile's plus the shift.
            _level = profileForecast;
        }

        _level += shift;
        _profile?.Shift(shift);
        _trend = 0;
        _anomalousRun = 0;
        _excludedRun = 0;
        double up = 0, down = 0;
        var n = 0;
        // RebaselineScalePoints: the scale is the spread of the newest points around their own median, the new regime's
        // noise, not the spread of a run that holds the incident itself (a ramp and its return, a burst, an expectation
        // that the carried trend walked away): that made a utilisation's band ±0.6 wide on a level of 0.6 for hours.
        var from = _o.RebaselineScalePoints > 0 ? Math.Max(0, values.Length - _o.RebaselineScalePoints) : 0;
        var centre = from > 0 ? SeasonalBaseline.MedianOfFinite(residuals[from..]) : shift;
        if (!double.IsFinite(centre))
        {
            centre = shift;
        }

        for (var i = 0; i < values.Length; i++)
        {
            _min = Math.Min(_min, values[i]);
            _max = Math.Max(_max, values[i]);
            _integers &= values[i] == Math.Round(values[i]);
            _positive &= values[i] > 0;
            if (i >= from && double.IsFinite(residuals[i]))
            {
                var r = residuals[i] - centre;
                up += Math.Max(r, 0);
                down += Math.Max(-r, 0);
                n++;
            }
        }

        if (n >= 8)
        {
            _up = up / n;
            _down = down / n;
            // The tail starts where a Gaussian of that spread would put it, and learns the real one from here.
            _tail = TailToSigma * HalfMeanToSigma * Math.Max(_up, _down);
            _meanExcess = GaussianExcess * HalfMeanToSigma * Math.Max(_up, _down);
            if (_o.SideTail)
            {
                _tailUp = SideTailToSigma * HalfMeanToSigma * _up;
                _tailDown = SideTailToSigma * HalfMeanToSigma * _down;
                _meanExcessUp = GaussianExcess * HalfMeanToSigma * _up;
                _meanExcessDown = GaussianExcess * HalfMeanToSigma * _down;
            }

            _farTail = _o.FarTail ? FarTailToSigma * HalfMeanToSigma * Math.Max(_up, _down) : 0;
        }
    }

    /// <summary>Every value learned so far is a non-negative whole number, on the identity scale: a count of events.</summary>
    private bool IsCount => _integers && _min >= 0 && _transform.Kind == TransformKind.Identity;

    /// <summary>Whether <paramref name="level"/> lies outside every finite value of a rebaselined run.</summary>
    private static bool OutsideRun(double level, ReadOnlySpan<double> values)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (var v in values)
        {
            if (double.IsFinite(v))
            {
                lo = Math.Min(lo, v);
                hi = Math.Max(hi, v);
            }
        }

        return lo <= hi && (level < lo || level > hi);
    }

    public void Write(BinaryWriter writer)
    {
        writer.Write(_count);
        writer.Write(_level);
        writer.Write(_trend);
        writer.Write(_up);
        writer.Write(_down);
        writer.Write(_tail);
        writer.Write(_farTail);
        writer.Write(_meanExcess);
        writer.Write(_tailUp);
        writer.Write(_meanExcessUp);
        writer.Write(_tailDown);
        writer.Write(_meanExcessDown);
        writer.Write(_integers);
        writer.Write(_positive);
        writer.Write(_logDown);
        writer.Write(_logTailDown);
        writer.Write(_excludedRun);
        writer.Write(_anomalousRun);
        writer.Write(_min);
        writer.Write(_max);
        writer.Write(_decided);
        writer.Write((byte)_transform.Kind);
        writer.Write(_transform.Knee);
        writer.Write(_fit is not null);
        if (_fit is not null)
        {
            writer.Write(_fitCount);
            for (var i = 0; i < _fitCount; i++)
            {
                writer.Write(_fit[i]);
            }
        }

        // The season ring is written oldest first, so its position is not part of the format.
        writer.Write(_season);
        writer.Write(_history.Length);
        for (var i = 0; i < _history.Length; i++)
        {
            writer.Write(_history[(_historyHead + i) % _history.Length]);
        }

        writer.Write(_profile is not null);
        _profile?.Write(writer);
        writer.Write(_learnedLevel);
        writer.Write(_learnedProfile);
    }

    public void Read(BinaryReader reader)
    {
        _count = reader.ReadInt64();
        _level = reader.ReadDouble();
        _trend = reader.ReadDouble();
        _up = reader.ReadDouble();
        _down = reader.ReadDouble();
        _tail = reader.ReadDouble();
        _farTail = reader.ReadDouble();
        _meanExcess = reader.ReadDouble();
        _tailUp = reader.ReadDouble();
        _meanExcessUp = reader.ReadDouble();
        _tailDown = reader.ReadDouble();
        _meanExcessDown = reader.ReadDouble();
        _integers = reader.ReadBoolean();
        _positive = reader.ReadBoolean();
        _logDown = reader.ReadDouble();
        _logTailDown = reader.ReadDouble();
        if (!(_logDown >= 0) || !double.IsFinite(_logDown) || !(_logTailDown >= 0) || !double.IsFinite(_logTailDown))
        {
            throw new InvalidDataException("auto: lower log spread out of range.");
        }
        _excludedRun = reader.ReadInt32();
        _anomalousRun = reader.ReadInt32();
        _min = reader.ReadDouble();
        _max = reader.ReadDouble();
        if (_count < 0)
        {
            throw new InvalidDataException("auto: negative point count.");
        }

        _decided = reader.ReadBoolean();
        var kind = reader.ReadByte();
        var knee = reader.ReadDouble();
        if (kind > (byte)TransformKind.Log || !(knee > 0) || !double.IsFinite(knee) || (!_decided && kind != 0))
        {
            throw new InvalidDataException("auto: working scale out of range.");
        }

        _transform = new ValueTransform((TransformKind)kind, knee);

        if (reader.ReadBoolean())
        {
            var n = reader.ReadInt32();
            if ((uint)n >= (uint)Math.Max(_o.FitPoints, _o.MinPoints) || (!_decided && n < _count))
            {
                throw new InvalidDataException("auto: season detection buffer does not fit these options.");
            }

            var fit = new float[n];
            for (var i = 0; i < n; i++)
            {
                fit[i] = reader.ReadSingle();
            }

            _fit = PackedFloats.Of(fit, Math.Min(FitLength, Math.Max(FitFirstLength, n)));

            _fitCount = n;
        }
        else
        {
            _fit = null;
            _fitCount = 0;
        }

        _season = reader.ReadInt32();
        var length = reader.ReadInt32();
        if (length < 0 || length > _o.FitPoints || (_season > 0 && length != _season + _o.SeasonSlack + 1))
        {
            throw new InvalidDataException("auto: season history does not fit these options.");
        }

        _history = new float[length];
        for (var i = 0; i < length; i++)
        {
            _history[i] = reader.ReadSingle();
        }

        _historyHead = 0;
        if (reader.ReadBoolean() != _profile is not null)
        {
            throw new InvalidDataException("auto: seasonal profile state does not fit these options (seasonal_profile changed).");
        }

        _profile?.Read(reader);
        _learnedLevel = reader.ReadDouble();
        _learnedProfile = reader.ReadDouble();
        if (!double.IsFinite(_learnedLevel) || !double.IsFinite(_learnedProfile))
        {
            throw new InvalidDataException("auto: learned shift out of range.");
        }
    }
}
