namespace Vigil.Core.Detectors.Auto;

/// <summary>
/// <c>auto</c>'s seasonal expectation: the series' shape over the UTC day, folded into <see cref="Buckets"/> buckets of
/// twelve minutes whatever the step (a day at one-minute steps is 1 440 points, more than a detection buffer can hold; on
/// the wall clock it is 120 buckets), plus a slow deseasonalised offset. The forecast for a point is the profile
/// interpolated between the two nearest bucket centres plus the offset; the scale is the mean |error| of that forecast
/// in the neighbouring buckets, so a quiet night is judged on the night's noise, not on the afternoon's.
/// <para>
/// <see cref="Active"/> says whether the profile explains the series better than the Holt one-step forecast: over the
/// normal points it forecast out of sample (a day after it started), its mean |error| is at most
/// <see cref="AutoOptions.SeasonalRatio"/> × Holt's, and at most <see cref="AutoOptions.SeasonalGain"/> × that of the same
/// slow offset without the profile (the profile explains most of what a slow level leaves). A random walk fails both
/// (Holt follows it; a profile adds nothing a slow level does not), white noise or a latency with a weak daily bump
/// under heavy noise fails the second (every forecast's error is the noise). Re-checked at every point, with a 10 % hysteresis so the band does not flap between the two forecasts.
/// </para>
/// <para>Learned only from points the contract judged normal: an incident never teaches the profile.</para>
/// </summary>
internal sealed class DailyProfile
{
    // 12-minute buckets: 120 of them keep the profile at 1.3 KB, so a series stays within its 8 KB state budget even
    // in warm-up (the contract's recent points take 4 KB, the season detection buffer 2.4 KB).
    public const int Buckets = 120;
    private const long DayMs = 86_400_000;
    private const long BucketMs = DayMs / Buckets;

    // σ = √(π/2) · E|r| for normal errors.
    private const double AbsToSigma = 1.2533;

    // A bucket's level remembers about three days (at one-minute steps 36 visits), its error scale about a week (at
    // least 20 visits, so a 5-minute series' two visits a day do not give a scale from a handful of points).
    private const double LevelMemoryDays = 3;
    private const double ScaleMemoryDays = 7;
    private const int MinScaleVisits = 20;

    // Out-of-sample evidence needed before the profile may take over: six hours of series time and 72 points.
    private const long MinEvidenceMs = 6 * 3_600_000L;
    private const int MinEvidencePoints = 72;
    private const double Hysteresis = 1.1;

    // The per-bucket scale never falls below this fraction of the profile's overall error: a bucket's scale learned
    // from a few quiet visits must not make the band razor-thin.
    private const double BucketScaleFloor = 0.3;

    private readonly double _ratio;
    private readonly double _gain;
    private readonly double _offsetAlpha;
    private readonly bool _scaleFallback;
    private readonly int _thinShrink;

    private readonly float[] _level = new float[Buckets];
    private readonly float[] _abs = new float[Buckets];
    private readonly byte[] _visits = new byte[Buckets];
    private readonly byte[] _scaleVisits = new byte[Buckets];

    private long _startMs = long.MinValue;
    private long _lastMs = long.MinValue;
    private double _stepMs;
    private double _offset;
    private double _seasonalAbs;
    private double _holtAbs;
    private long _evidence;
    private long _evidenceFromMs;
    private double _flat = double.NaN;

    // The "explains the shape" test works on errors averaged over each bucket's visit (12 minutes): one-minute noise
    // dominates single errors of every forecast alike, while a slow level's lag behind a daily curve does not average out.
    private double _flatAbs;
    private double _smoothAbs;
    private double _sumSeasonal;
    private double _sumFlat;
    private int _sumCount;
    private int _sumBucket = -1;
    private long _smoothEvidence;
    private bool _active;

    public DailyProfile(AutoOptions options)
    {
        _ratio = options.SeasonalRatio;
        _gain = options.SeasonalGain;
        _offsetAlpha = options.SeasonalLevelAlpha;
        _scaleFallback = options.ProfileScaleFallback;
        _thinShrink = options.ProfileThinShrink;
    }

    /// <summary>Whether the seasonal forecast currently replaces the Holt one (see the class remarks).</summary>
    public bool Active => _active;

    /// <summary>The deseasonalised offset the forecast adds to the profile (the slow shift test reads how learning moves it).</summary>
    internal double Offset => _offset;

    /// <summary>Moves the offset by <paramref name="amount"/> without re-deciding (the slow shift test's unlearning).</summary>
    public void Nudge(double amount) => _offset += amount;

    /// <summary>
    /// The seasonal forecast and its σ at <paramref name="timestampMs"/>, if the profile has seen both neighbouring
    /// buckets a day or more ago. From history only.
    /// </summary>
    public bool TryForecast(long timestampMs, out double expected, out double sigma, double unscoredFloor = 0, double thinPrior = 0)
    {
        expected = double.NaN;
        sigma = double.NaN;
        if (_startMs == long.MinValue || timestampMs - _startMs < DayMs)
        {
            return false;
        }

        var (i0, i1, f) = Phase(timestampMs);
        // A phase whose buckets have no out-of-sample error yet (the first day the profile forecasts) takes the profile's
        // overall error where ScaleFallback allows (and that is known): the expectation keeps following the day there
        // instead of handing over to a Holt level that stands wherever the series was at the last visited bucket.
        var unscaled = _scaleVisits[i0] == 0 && _scaleVisits[i1] == 0;
        if (_visits[i0] == 0 || _visits[i1] == 0 || (unscaled && !(_scaleFallback && _seasonalAbs > 0)))
        {
            return false;
        }

        expected = ((1 - f) * _level[i0]) + (f * _level[i1]) + _offset;
        var local = LocalAbs(i0, i1, thinPrior);
        sigma = AbsToSigma * Math.Max(unscaled && local == 0 ? WidestAbs() : local, BucketScaleFloor * _seasonalAbs);
        // A phase whose buckets have less than a day of out-of-sample visits: their error is from one or two points (0.9
        // on a series whose noise is 2), so the band is held at least as wide as the ordinary spread the caller gives.
        var thin = VisitCap(1, 4);
        if (_scaleVisits[i0] < thin || _scaleVisits[i1] < thin)
        {
            sigma = Math.Max(sigma, unscoredFloor);
        }

        return true;
    }

    /// <summary>
    /// Whether both buckets of this phase have at least a day of out-of-sample visits, so the profile's σ here is learned
    /// from the errors of a day's points, not from one or two.
    /// </summary>
    public bool Seasoned(long timestampMs)
    {
        var (i0, i1, _) = Phase(timestampMs);
        var thin = VisitCap(1, 4);
        return _scaleVisits[i0] >= thin && _scaleVisits[i1] >= thin;
    }

    /// <summary>
    /// What this time of day looked like on earlier days (bucket levels interpolated, without the offset, which follows the
    /// last hours) and the profile's σ here, for the daily context. Same conditions as <see cref="TryForecast"/>. (Gated by
    /// <see cref="TryShape"/> as well it never applied on the scenario suite's request rates: a missing peak learned as
    /// normal had spoiled the shape's evidence; docs/benchmarks.md, detect15.)
    /// </summary>
    public bool TryUsual(long timestampMs, out double usual, out double sigma)
    {
        if (!TryForecast(timestampMs, out usual, out sigma))
        {
            return false;
        }

        usual -= _offset;
        return true;
    }

    /// <summary>
    /// The profile's shape at this phase (bucket levels interpolated, without the offset) for the slow shift test's
    /// reference, once the profile has seen the day and, averaged over each 12-minute visit, forecasts at least
    /// <see cref="ShapeGain"/> times better than the same slow offset without it (the same comparison as
    /// <see cref="Active"/>, looser: the shape only has to bend where the series bends, not to beat Holt). When false,
    /// <paramref name="shape"/> is NaN while that is not known yet and 0 once the profile has shown it explains nothing.
    /// </summary>
    public bool TryShape(long timestampMs, out double shape)
    {
        // NaN: not known yet (no day and six hours of compared visits); 0: known, and the day explains nothing a flat
        // level does not.
        shape = double.NaN;
        if (_startMs == long.MinValue || timestampMs - _startMs < DayMs || _smoothEvidence < MinShapeVisits)
        {
            return false;
        }

        if (!(_smoothAbs <= ShapeGain * _flatAbs))
        {
            // No day a flat level misses: a slow level is then the reference, but only once half a day of visits has
            // been compared (six hours of night say nothing of the day) and where a flat slow level forecasts about as
            // well as Holt point by point (a level with noise; on a random walk or a drifting gauge a slow level lags
            // and would see a shift every hour).
            shape = _smoothEvidence >= FlatVisits && _flatPointAbs <= FlatPointRatio * _holtAbs ? 0 : double.NaN;
            return false;
        }

        var (i0, i1, f) = Phase(timestampMs);
        if (_visits[i0] == 0 || _visits[i1] == 0)
        {
            return false;
        }

        shape = ((1 - f) * _level[i0]) + (f * _level[i1]);
        return true;
    }

    /// <summary>The timestamp of the last point the profile saw (learned or advanced over).</summary>
    public long LastMs => _lastMs;

    /// <summary>
    /// How much the day's shape changes from <paramref name="fromMs"/> to <paramref name="toMs"/> (bucket levels
    /// interpolated, without the offset), where <see cref="TryShape"/> holds at both: what a level frozen through an
    /// incident should move by to keep following the day (AutoOptions.IncidentShape).
    /// </summary>
    public bool TryShapeDelta(long fromMs, long toMs, out double delta)
    {
        delta = 0;
        if (!TryShape(fromMs, out var from) || !TryShape(toMs, out var to))
        {
            return false;
        }

        delta = to - from;
        return true;
    }

    // Six hours of visits compared before the shape is trusted, and it must leave at most 0.8 of a flat level's error.
    private const int MinShapeVisits = 30;
    private const double ShapeGain = 0.8;
    private const double FlatPointRatio = 1.1;
    private const int FlatVisits = Buckets / 2;

    // Mean |error| of the flat slow level, point by point, on the same points as _holtAbs.
    private double _flatPointAbs;

    /// <summary>Learns a normal point; <paramref name="holtForecast"/> is what the Holt level forecast for it (for the gate).</summary>
    public void Learn(long timestampMs, double value, double holtForecast, double weight)
    {
        if (_startMs == long.MinValue)
        {
            _startMs = timestampMs;
            _evidenceFromMs = long.MinValue;
        }

        Advance(timestampMs);
        if (!(weight > 0))
        {
            return;
        }

        if (double.IsNaN(_flat))
        {
            _flat = value;
        }

        var (i0, i1, f) = Phase(timestampMs);
        var levelCap = VisitCap(LevelMemoryDays, 4);
        var scaleCap = VisitCap(ScaleMemoryDays, MinScaleVisits);
        if (_visits[i0] > 0 && _visits[i1] > 0)
        {
            var error = value - (((1 - f) * _level[i0]) + (f * _level[i1]) + _offset);
            var absError = Math.Abs(error);
            if (timestampMs - _startMs >= DayMs)
            {
                // The scale too is learned from out-of-sample errors only: on the first day a bucket's level was set
                // by the point before, and its error would say the series is far quieter than it is.
                LearnScale(i0, (1 - f) * weight, absError, scaleCap);
                LearnScale(i1, f * weight, absError, scaleCap);

                // Out of sample: the profile at this phase was learned on earlier days. Both forecasts are judged on
                // the same normal points, with a memory of about a day.
                if (_evidence == 0)
                {
                    _evidenceFromMs = timestampMs;
                }

                _evidence++;
                var rate = Math.Max(1.0 / _evidence, _stepMs > 0 ? Math.Min(1, _stepMs / DayMs) : 0);
                _seasonalAbs += rate * (absError - _seasonalAbs);
                _holtAbs += rate * (Math.Abs(value - holtForecast) - _holtAbs);
                _flatPointAbs += rate * (Math.Abs(value - (double.IsNaN(_flat) ? value : _flat)) - _flatPointAbs);
                if (i0 != _sumBucket)
                {
                    CloseVisit();
                    _sumBucket = i0;
                }

                _sumSeasonal += error;
                _sumFlat += value - _flat;
                _sumCount++;

                // The offset follows the deseasonalised level slowly: a drift over days, a week's level. (On the
                // first day there is nothing to deseasonalise against yet.)
                _offset += _offsetAlpha * weight * error;
            }
        }

        var target = value - _offset;
        LearnLevel(i0, (1 - f) * weight, target, levelCap);
        LearnLevel(i1, f * weight, target, levelCap);

        // The same slow level without the profile: what the profile's forecast must beat by a wide margin.
        _flat += _offsetAlpha * weight * (value - _flat);

        Decide(timestampMs);
    }

    /// <summary>Time passes without learning (an anomalous or missing point).</summary>
    public void Advance(long timestampMs)
    {
        if (_lastMs != long.MinValue && timestampMs > _lastMs)
        {
            // The typical step (only used to size the memories in visits): an EWMA of the gaps below a day.
            var dt = (double)(timestampMs - _lastMs);
            if (dt < DayMs)
            {
                _stepMs = _stepMs > 0 ? _stepMs + (0.05 * (dt - _stepMs)) : dt;
            }
        }

        if (timestampMs > _lastMs)
        {
            _lastMs = timestampMs;
        }
    }

    /// <summary>
    /// The series changed for good (adapt_after, new_normal): the offset moves by the shift the contract measured, and
    /// the profile must prove itself again before it is the expectation. A level shift of a rate or a count scales
    /// its daily shape as well as its level; an additive offset alone put the evening of a doubled request rate 25 %
    /// below what was expected, and the Holt forecast judges better until the profile has re-learned the day.
    /// </summary>
    public void Shift(double shift)
    {
        if (_active)
        {
            _offset += shift;
        }

        _active = false;
        _evidence = 0;
        _seasonalAbs = 0;
        _holtAbs = 0;
        _flatPointAbs = 0;
        _flatAbs = 0;
        _smoothAbs = 0;
        _smoothEvidence = 0;
        _sumSeasonal = 0;
        _sumFlat = 0;
        _sumCount = 0;
        _sumBucket = -1;
        _flat = double.NaN;
    }

    private void Decide(long timestampMs)
    {
        if (_evidence < MinEvidencePoints || timestampMs - _evidenceFromMs < MinEvidenceMs || !(_holtAbs > 0))
        {
            _active = false;
            return;
        }

        var slack = _active ? Hysteresis : 1;
        _active = _seasonalAbs <= _ratio * slack * _holtAbs && _smoothAbs <= _gain * slack * _flatAbs;
    }

    private void CloseVisit()
    {
        if (_sumCount > 0)
        {
            _smoothEvidence++;
            var rate = Math.Max(1.0 / _smoothEvidence, 1.0 / Buckets);
            _smoothAbs += rate * ((Math.Abs(_sumSeasonal) / _sumCount) - _smoothAbs);
            _flatAbs += rate * ((Math.Abs(_sumFlat) / _sumCount) - _flatAbs);
        }

        _sumSeasonal = 0;
        _sumFlat = 0;
        _sumCount = 0;
    }

    private int VisitCap(double days, int least)
    {
        // Visits a bucket gets per day at this step (12 at one-minute steps, 2.4 at five).
        var perDay = _stepMs > 0 ? BucketMs / _stepMs : 1;
        return (int)Math.Clamp(Math.Round(days * perDay), least, byte.MaxValue);
    }

    private void LearnLevel(int i, double w, double target, int cap)
    {
        if (!(w > 0))
        {
            return;
        }

        if (_visits[i] == 0)
        {
            _level[i] = (float)target;
            _visits[i] = 1;
            return;
        }

        // A running mean until the cap, then an EWMA over about cap visits.
        var n = Math.Min(_visits[i] + 1, cap);
        _level[i] += (float)(w / n * (target - _level[i]));
        if (_visits[i] < byte.MaxValue)
        {
            _visits[i]++;
        }
    }

    private void LearnScale(int i, double w, double absError, int cap)
    {
        if (!(w > 0))
        {
            return;
        }

        if (_scaleVisits[i] == 0)
        {
            _abs[i] = (float)absError;
            _scaleVisits[i] = 1;
            return;
        }

        var n = Math.Min(_scaleVisits[i] + 1, cap);
        var current = (double)_abs[i];
        _abs[i] = (float)(current + (w / n * (absError - current)));
        if (_scaleVisits[i] < byte.MaxValue)
        {
            _scaleVisits[i]++;
        }
    }

    // A phase not forecast out of sample yet is judged on the widest error any bucket has (at least the overall one): the
    // noise at a time of day the profile has not yet seen is unknown, and a business count's afternoon is noisier than
    // its night, whose errors dominate the overall mean on the first day.
    private double WidestAbs()
    {
        var widest = _seasonalAbs;
        for (var i = 0; i < Buckets; i++)
        {
            if (_scaleVisits[i] > 0)
            {
                widest = Math.Max(widest, _abs[i]);
            }
        }

        return widest;
    }

    private double LocalAbs(int i0, int i1, double thinPrior)
    {
        // The two buckets either side of this phase, those with a scale.
        var prev = i0 == 0 ? Buckets - 1 : i0 - 1;
        var next = i1 == Buckets - 1 ? 0 : i1 + 1;
        // ProfileThinShrink: a bucket scored on fewer than a day of visits counts the missing ones at the profile's
        // overall error (a prior worth a day of visits), so one quiet point cannot make the band razor-thin.
        // ProfileThinShrink 2 only lifts such a bucket: its few errors may say it is noisier than the rest of the day
        // (a business count's afternoon), never quieter.
        // ProfileThinShrink 3 lifts it towards the caller's prior instead: the Holt forecast's mean |error| without its tail
        // terms, the series' own one-step noise (the profile's overall error on its first day can be far wider).
        var prior = _thinShrink == 3 ? thinPrior : _seasonalAbs;
        var thin = _thinShrink > 0 && prior > 0 ? VisitCap(1, 4) : 0;
        double sum = 0;
        var n = 0;
        Add(prev);
        Add(i0);
        Add(i1);
        Add(next);
        return n > 0 ? sum / n : 0;

        void Add(int i)
        {
            var v = _scaleVisits[i];
            if (v > 0)
            {
                var shrunk = v < thin ? ((v * _abs[i]) + ((thin - v) * prior)) / thin : _abs[i];
                sum += _thinShrink >= 2 ? Math.Max(shrunk, _abs[i]) : shrunk;
                n++;
            }
        }
    }

    private static (int I0, int I1, double F) Phase(long timestampMs)
    {
        var ms = timestampMs % DayMs;
        if (ms < 0)
        {
            ms += DayMs;
        }

        // Position relative to bucket centres, so the profile is linear between them.
        var pos = ((double)ms / BucketMs) - 0.5;
        var floor = Math.Floor(pos);
        var f = pos - floor;
        var i0 = (int)floor;
        if (i0 < 0)
        {
            i0 += Buckets;
        }

        var i1 = i0 + 1 == Buckets ? 0 : i0 + 1;
        return (i0, i1, f);
    }

    public void Write(BinaryWriter writer)
    {
        writer.Write(_startMs);
        writer.Write(_lastMs);
        writer.Write(_stepMs);
        writer.Write(_offset);
        writer.Write(_seasonalAbs);
        writer.Write(_holtAbs);
        writer.Write(_evidence);
        writer.Write(_evidenceFromMs);
        writer.Write(_flat);
        writer.Write(_flatPointAbs);
        writer.Write(_flatAbs);
        writer.Write(_smoothAbs);
        writer.Write(_sumSeasonal);
        writer.Write(_sumFlat);
        writer.Write(_sumCount);
        writer.Write(_sumBucket);
        writer.Write(_smoothEvidence);
        writer.Write(_active);
        for (var i = 0; i < Buckets; i++)
        {
            writer.Write(_level[i]);
            writer.Write(_abs[i]);
            writer.Write(_visits[i]);
            writer.Write(_scaleVisits[i]);
        }
    }

    public void Read(BinaryReader reader)
    {
        _startMs = reader.ReadInt64();
        _lastMs = reader.ReadInt64();
        _stepMs = reader.ReadDouble();
        _offset = reader.ReadDouble();
        _seasonalAbs = reader.ReadDouble();
        _holtAbs = reader.ReadDouble();
        _evidence = reader.ReadInt64();
        _evidenceFromMs = reader.ReadInt64();
        _flat = reader.ReadDouble();
        _flatPointAbs = reader.ReadDouble();
        _flatAbs = reader.ReadDouble();
        _smoothAbs = reader.ReadDouble();
        _sumSeasonal = reader.ReadDouble();
        _sumFlat = reader.ReadDouble();
        _sumCount = reader.ReadInt32();
        _sumBucket = reader.ReadInt32();
        _smoothEvidence = reader.ReadInt64();
        _active = reader.ReadBoolean();
        if (!(_stepMs >= 0) || !double.IsFinite(_stepMs) || !double.IsFinite(_offset) || !(_seasonalAbs >= 0) || !(_holtAbs >= 0)
            || !double.IsFinite(_seasonalAbs) || !double.IsFinite(_holtAbs) || _evidence < 0 || double.IsInfinity(_flat)
            || !(_flatPointAbs >= 0) || !double.IsFinite(_flatPointAbs) || !(_flatAbs >= 0) || !double.IsFinite(_flatAbs) || !(_smoothAbs >= 0) || !double.IsFinite(_smoothAbs)
            || !double.IsFinite(_sumSeasonal) || !double.IsFinite(_sumFlat) || _sumCount < 0 || _sumBucket < -1
            || _sumBucket >= Buckets || _smoothEvidence < 0)
        {
            throw new InvalidDataException("auto: seasonal profile state out of range.");
        }

        for (var i = 0; i < Buckets; i++)
        {
            _level[i] = reader.ReadSingle();
            _abs[i] = reader.ReadSingle();
            _visits[i] = reader.ReadByte();
            _scaleVisits[i] = reader.ReadByte();
            if (!float.IsFinite(_level[i]) || !(_abs[i] >= 0) || !float.IsFinite(_abs[i]))
            {
                throw new InvalidDataException("auto: seasonal profile bucket out of range.");
            }
        }
    }
}
