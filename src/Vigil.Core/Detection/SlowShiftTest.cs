namespace Vigil.Core.Detection;

/// <summary>
/// The slow shift test (docs/detectors.md, "The slow shift test"): a second CUSUM, with a small slack, on residuals
/// against a <b>slow reference</b> that does not follow a sustained small shift within the hour.
/// <para>
/// Why: the contract's shift test accumulates residuals from the baseline's fast forecast (Holt α 0.2), and a fast
/// forecast follows a shift of about 1σ within ten points, so its residuals return to 0 before the CUSUM (κ = 1σ, h = 10)
/// reaches h: all the evidence a fast forecast's residuals can ever hold about a step δ is δ/α, against noise of the
/// same order. A 30 % drop in a count of 20 a minute (1.3σ) was never flagged, and a drop that was flagged stopped
/// scoring above 1 once the level had followed it.
/// </para>
/// <para>
/// How: the baseline reports how far learning has moved its forecast (<see cref="IBaseline.LearnedShift"/>, cumulative);
/// the test keeps a slow average of that figure (about <c>slow_shift_window</c> points, frozen while its evidence grows).
/// Their difference D is what the forecast learned recently, so R = E − D is the forecast as it would stand had it
/// learned the last hour or so only slowly: on a flat series a slow level, on a daily curve still the Holt forecast's
/// shape (its trend is not learning of errors in this sense, it carries the curve). The CUSUM runs on
/// z = (y − R)/σ, decorrelated like the fast test (a forecast lagging a smooth curve leaves residuals on one side), and
/// inverted into an edge known before the point: y − E &gt; σ·c·(h_s − S + κ_s) − D on the upper side. When it fires,
/// the baseline is told to unlearn D (<see cref="IBaseline.Unlearn"/>), so the expectation is the level before the shift
/// and the incident's points keep scoring above 1 (they are excluded, and normal points are not learned while the
/// evidence is past half its threshold).
/// </para>
/// </summary>
internal sealed class SlowShiftTest
{
    private const double AutocorrelationAlpha = 0.01;
    private const double MaxAutocorrelation = 0.9;

    private readonly double _kappa;
    private readonly double _h;
    private readonly double _lambda;
    private readonly double _clip;
    private readonly int _mode;
    private readonly bool _downOnly;

    // Modes 1 and 2 (slow_shift_reference): R = shape + offset, the offset following y − shape over about
    // slow_shift_window normal points and frozen while evidence builds; NaN until the next point (re)starts it at E.
    private double _offset = double.NaN;
    private double _lastShape;
    private bool _shaped;

    // Slow average of the baseline's cumulative learned shift; NaN until the first scored point.
    private double _reference = double.NaN;
    private double _up;
    private double _down;
    private bool _alarmed;
    private double _lagProduct;
    private double _square;
    private double _previous;

    public SlowShiftTest(ContractOptions options)
    {
        _kappa = options.SlowShiftSlack;
        _h = options.SlowShiftThreshold;
        _lambda = 1.0 / Math.Max(1, options.SlowShiftWindow);
        _clip = options.SlowShiftClip;
        _mode = options.SlowShiftReference;
        _downOnly = options.SlowShiftDownOnly;
    }

    /// <summary>Whether the reference is the forecast minus recent learning (detect8) rather than the daily shape.</summary>
    public bool UsesLearnedShift => _mode == LearnedReference;

    private const int LearnedReference = 0;
    private const int ProfileOnlyReference = 2;
    private const int KnownReference = 3;

    public bool Enabled => _h > 0;

    /// <summary>Whether the last point was anomalous with this test saturated (an alarm holds).</summary>
    public bool Alarmed => _alarmed;

    /// <summary>The larger side's evidence over the threshold, in [0, 1] (0 when off).</summary>
    public double Evidence => _h > 0 ? Math.Max(_up, _down) / _h : 0;

    public double Up => _up;

    public double Down => _down;

    /// <summary>D: how far learning moved the forecast recently (the slow reference is E − D).</summary>
    public double Drift(double learned) => double.IsNaN(_reference) ? 0 : learned - _reference;

    /// <summary>
    /// D = E − R for the daily-shape reference R = shape + offset, where <paramref name="hasShape"/> says whether the
    /// baseline knows the day here (else R is a slow level: shape 0). NaN where the test stands down (profile-only mode
    /// without a shape): it then forgets its evidence and restarts at E when the shape returns. Computed before the
    /// point is seen; it only advances the reference's bookkeeping.
    /// </summary>
    public double ShapeDrift(double expected, bool hasShape, double shape)
    {
        if (!hasShape)
        {
            if (_mode == ProfileOnlyReference || (_mode == KnownReference && double.IsNaN(shape)))
            {
                Reset(0);
                _offset = double.NaN;
                return double.NaN;
            }

            shape = 0;
        }

        if (double.IsNaN(_offset))
        {
            _offset = expected - shape;
        }
        else if (hasShape != _shaped)
        {
            // The shape appeared (or went): R stays where it was, so the switch itself is no evidence.
            _offset += _lastShape - shape;
        }

        _shaped = hasShape;
        _lastShape = shape;
        return expected - (shape + _offset);
    }

    /// <summary>√((1 + ρ)/(1 − ρ)) for the lag-1 autocorrelation ρ ≥ 0 of z on normal points; 1 while an alarm holds.</summary>
    public double Inflation()
    {
        if (_alarmed || !(_square > 0))
        {
            return 1;
        }

        var rho = Math.Clamp(_lagProduct / _square, 0, MaxAutocorrelation);
        return Math.Sqrt((1 + rho) / (1 - rho));
    }

    /// <summary>
    /// Half-widths from E where one more point fires the test: y − R beyond σ·c·(h_s − S + κ_s), shifted by D; +∞ where no
    /// single (clipped) point can fire it. Never closer to E than κ_s·σ.
    /// </summary>
    public (double Up, double Down) Edges(double sigmaHigh, double sigmaLow, double drift, double inflation)
    {
        if (double.IsNaN(drift))
        {
            return (double.PositiveInfinity, double.PositiveInfinity);
        }

        var mUp = _h - _up + _kappa;
        var mDown = _h - _down + _kappa;
        var up = mUp < _clip && !_downOnly ? Math.Max((sigmaHigh * inflation * mUp) - drift, _kappa * sigmaHigh) : double.PositiveInfinity;
        var down = mDown < _clip ? Math.Max((sigmaLow * inflation * mDown) + drift, _kappa * sigmaLow) : double.PositiveInfinity;
        return (up, down);
    }

    /// <summary>
    /// Learns one scored point: <paramref name="deviation"/> is y − E, <paramref name="sigma"/> the σ of its side.
    /// Returns the drift the baseline should unlearn (non-zero only when this point starts an alarm).
    /// </summary>
    public double Update(double deviation, double sigma, double drift, double learned, bool anomalous, double inflation)
    {
        if (double.IsNaN(drift))
        {
            return 0;
        }

        var z = sigma > 0 ? (deviation + drift) / sigma : 0;
        var q = Math.Clamp(z / inflation, -_clip, _clip);
        if (!anomalous && Evidence < 0.5)
        {
            // Normal points outside any build-up only: an incident's run of same-signed residuals (its points inside the
            // band included) is not autocorrelated noise, and learning it as such blunted the test for the next hours.
            var zc = Math.Clamp(z, -_clip, _clip);
            _lagProduct += AutocorrelationAlpha * ((zc * _previous) - _lagProduct);
            _square += AutocorrelationAlpha * ((zc * zc) - _square);
            _previous = zc;
        }

        _up = _downOnly ? 0 : Math.Clamp(_up + q - _kappa, 0, _h);
        _down = Math.Clamp(_down - q - _kappa, 0, _h);
        var unlearn = 0.0;
        if (anomalous && (_up >= _h || _down >= _h))
        {
            if (!_alarmed)
            {
                // The alarm starts: what the forecast learned of the shift before it could be flagged is given back, so
                // the expectation is the level before the shift while the incident lasts.
                unlearn = drift;
            }

            _alarmed = true;
        }
        else if (!anomalous && _up < _h / 2 && _down < _h / 2)
        {
            // Points inside the band during the incident (a count that happens to land near the old level) do not end
            // the alarm; the evidence falling below half its threshold does.
            _alarmed = false;
        }

        if (_mode != LearnedReference)
        {
            // The daily-shape reference: the offset follows y − R on normal points over about the window, less as
            // evidence builds and not at all past half the threshold (a drop must not become the reference). Clipped,
            // so a forgiven spike does not move it.
            if (!anomalous)
            {
                var weight = Math.Max(0, 1 - (2 * Evidence));
                var limit = _clip * sigma;
                _offset += _lambda * weight * Math.Clamp(deviation + drift, -limit, limit);
            }

            return unlearn;
        }

        // The reference follows what was learned slowly, and not at all while the evidence is past half the threshold.
        if (double.IsNaN(_reference))
        {
            _reference = learned;
        }
        else if (!anomalous)
        {
            var weight = Math.Max(0, 1 - (2 * Evidence));
            _reference += _lambda * weight * (learned - _reference);
        }

        return unlearn;
    }

    /// <summary>The baseline unlearned the drift: the reference is what it has learned now (D = 0), the evidence stays.</summary>
    public void Rebase(double learned) => _reference = learned;

    /// <summary>The baseline was rebaselined or unlearned: the reference restarts at what it has learned now.</summary>
    public void Reset(double learned)
    {
        _reference = learned;
        _offset = double.NaN;
        _up = 0;
        _down = 0;
        _alarmed = false;
    }

    public void Write(BinaryWriter writer)
    {
        writer.Write(_reference);
        writer.Write(_up);
        writer.Write(_down);
        writer.Write(_alarmed);
        writer.Write(_lagProduct);
        writer.Write(_square);
        writer.Write(_previous);
        writer.Write(_offset);
        writer.Write(_lastShape);
        writer.Write(_shaped);
    }

    public void Read(BinaryReader reader, string name)
    {
        _reference = reader.ReadDouble();
        _up = reader.ReadDouble();
        _down = reader.ReadDouble();
        _alarmed = reader.ReadBoolean();
        _lagProduct = reader.ReadDouble();
        _square = reader.ReadDouble();
        _previous = reader.ReadDouble();
        _offset = reader.ReadDouble();
        _lastShape = reader.ReadDouble();
        _shaped = reader.ReadBoolean();
        if (double.IsInfinity(_offset) || !double.IsFinite(_lastShape) || !(double.IsNaN(_reference) || double.IsFinite(_reference)) || !(_up >= 0 && _up <= Math.Max(_h, 0)) || !(_down >= 0 && _down <= Math.Max(_h, 0))
            || !double.IsFinite(_lagProduct) || !(_square >= 0) || !double.IsFinite(_square) || !double.IsFinite(_previous))
        {
            throw new InvalidDataException($"{name}: slow shift test state out of range (written with other slow_shift options?).");
        }
    }
}
