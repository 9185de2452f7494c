namespace Vigil.Core.Detection;

/// <summary>
/// Where the series was before an anomaly that lasted <see cref="ContractOptions.AdaptAfter"/> became the new normal
/// (docs/detectors.md, <c>auto</c> item 16): how far that rebaseline moved the expectation, and the σ of each side
/// before it, kept for <see cref="ContractOptions.ReturnMemory"/> of series time.
/// <para>
/// Why: a gauge that dropped for four hours, or a request rate whose peak did not come, is the new normal after
/// <c>adapt_after</c> (3 h); when it then comes back, the return was judged against the incident's level and paged for
/// up to another <c>adapt_after</c>. An operator reads an alarm on recovery as noise: "it went back to what it was". So,
/// while the memory lasts, the side towards the old level is widened to cover the old expectation ± k σ of that side
/// before the incident (known before the point, like the seasonal context), and once <see cref="ConfirmPoints"/> points
/// in a row lie within that old band, beyond the near edge of the new one, the contract rebaselines from the first of
/// them: the series is back, and is judged against its old level again. A point that lands between the two levels, or
/// past the old band, is judged as before; only values the series showed before the incident are forgiven.
/// </para>
/// <para>
/// On a count that dropped (the count shift test knows its dispersion φ), the return is judged on counting noise
/// instead: a count of 3 that dropped to 1 has heavy-tail bands that overlap (about [−2, 8] and [−1.5, 7]), so no point
/// lies in the old band beyond the new near edge, and its return from 1 to 3 paged on the shift test. There the question
/// is the count shift test's, "is the rate the old one rather than the incident's?": every normal point adds its
/// log-likelihood ratio of the old rate over the incident's (Poisson in effective counts y/φ, at most half the confirming
/// evidence a point; the sum never below 0), a point above the new level that favours the old rate is explained (no
/// shift evidence), once the return has begun the upper side covers the old level's counting band (k √(φ·old) above
/// it), and evidence of
/// <see cref="ConfirmEvidence"/> puts the level back where it was (the contract unlearns the difference). Only where the
/// two rates are apart by at least <see cref="MinSeparation"/> of expected evidence a point, and only after a drop: after
/// an adapted rise a drop's zeros favour the lower old rate too, and would be forgiven.
/// </para>
/// </summary>
internal struct ReturnMemory
{
    /// <summary>Points in a row within the old band that make the return the normal again.</summary>
    public const int ConfirmPoints = 3;

    /// <summary>A count's likelihood-ratio evidence for the old rate that makes the return the normal again (half the count shift test's threshold of 12).</summary>
    public const double ConfirmEvidence = 6;

    /// <summary>
    /// The least expected evidence a point at the old rate brings against the incident's rate (the count shift test's
    /// power: a count of 3 against 1 brings 1.4, a count of 20 against 14 brings 1.1, 20 against 18 only 0.1).
    /// </summary>
    public const double MinSeparation = 0.5;

    // A rate is never taken as lower than this share of the other: a drop to 0 still has a finite ratio.
    private const double MinRateShare = 0.05;

    // How far the adapt_after rebaseline moved the expectation (working scale): the old level is E − _shift.
    private double _shift;
    private double _sigmaLow;
    private double _sigmaHigh;
    private long _untilMs;
    private int _run;
    private long _runStartMs;

    // On a count: its dispersion φ at the rebaseline (0: not a count), the levels before and after it (working scale, as
    // they stood then: the count's rates, not moved by what the level learns afterwards), and the evidence for the old rate.
    private double _phi;
    private double _oldLevel;
    private double _newLevel;
    private double _evidence;

    // Following the day (Prediction.Usual): the old expectation's distance from the usual level at the rebaseline; from
    // then on the old expectation is that usual level plus the gap, wherever the day has moved it.
    private bool _curve;
    private double _gap;

    /// <summary>Whether a return to the old level is being looked for at <paramref name="timestampMs"/>.</summary>
    public readonly bool Active(long timestampMs) => _untilMs > 0 && timestampMs <= _untilMs && _shift != 0;

    /// <summary>The expectation before the incident, seen from the current one.</summary>
    public readonly double OldExpected(double expected) => expected - _shift;

    /// <summary>Whether the old expectation follows the day (<see cref="Follow"/>).</summary>
    public readonly bool FollowsDay => _curve;

    /// <summary>The first point of the current run inside the old band (valid once <see cref="Confirmed"/>).</summary>
    public readonly long RunStartMs => _runStartMs;

    public readonly bool Confirmed => _phi > 0 ? _evidence >= ConfirmEvidence : _run >= ConfirmPoints;

    /// <summary>On a count: the level the incident was judged against (working scale), where a confirmed return goes back to.</summary>
    public readonly double OldLevel => _oldLevel;

    /// <summary>Whether the return is judged on counting noise (the rebaseline was of a count, its two rates apart).</summary>
    public readonly bool Counting => _phi > 0;

    /// <summary>
    /// On a count: the log-likelihood ratio <paramref name="y"/> adds for the old rate over the incident's, capped at half
    /// of <see cref="ConfirmEvidence"/> (one point cannot confirm a return alone); 0 when not counting.
    /// </summary>
    public readonly double CountEvidence(double y)
    {
        if (!(_phi > 0))
        {
            return 0;
        }

        var (lo, ln) = Rates();
        return Math.Min((Math.Max(y, 0) / _phi * Math.Log(lo / ln)) - (lo - ln), ConfirmEvidence / 2);
    }

    /// <summary>The old level's counting σ, √(φ·old) (on a count).</summary>
    private readonly double CountingSigma => Math.Sqrt(_phi * Math.Max(_oldLevel, 0));

    /// <summary>The old and the incident's rates in effective counts (neither below <see cref="MinRateShare"/> of the other).</summary>
    private readonly (double Old, double New) Rates()
    {
        var old = Math.Max(_oldLevel, 0) / _phi;
        var now = Math.Max(_newLevel, 0) / _phi;
        return (Math.Max(old, MinRateShare * now), Math.Max(now, MinRateShare * old));
    }

    /// <summary>
    /// The half-width on the side towards the old level that covers the old band (0 on the other side, or when the
    /// memory is not active): from the current expectation to the old one plus k σ of that side before the incident.
    /// </summary>
    /// <remarks>
    /// Only where the old band lies clear of the new near band: a rebaseline that moved the level by less than the two
    /// bands' widths (a baseline that went wrong, rebaselined a little way off) leaves nothing to return to, and widening
    /// by it would only blunt the band. σ of each band is the larger of the side's σ before the incident and now.
    /// </remarks>
    public readonly (double Up, double Down) Halves(long timestampMs, double k, double sigmaLow, double sigmaHigh)
    {
        if (!Active(timestampMs))
        {
            return (0, 0);
        }

        if (_phi > 0)
        {
            // A count: its return lies mostly inside the near band (the bands overlap); what paged was the shift evidence
            // its points built, and those that favour the old rate are explained instead. Once the return has begun (the
            // evidence for the old rate is above 0), the upper side covers the old level's counting band, k √(φ·old)
            // above it, so an ordinary high count of the old rate (a 10 on a count of 3) is not a page either. Not before:
            // widened for the whole memory, an error ratio whose ramp had been adapted on the way down missed a ×2.8
            // spike five hours later (the "old level" was the ramp's).
            return _evidence > 0 ? (-_shift + (k * CountingSigma), 0) : (0, 0);
        }

        if (_curve)
        {
            // Following the day, the old expectation is a trajectory the series was on, not a constant it left: the side
            // towards it covers it ± k σ of that side (the larger of before the incident and now), wherever it lies (a
            // rebaseline on a request rate's profile left bands that overlap by construction, the profile's σ being wide,
            // and the evening curve comes back through the new near band as well as past it).
            return _shift < 0
                ? (-_shift + (k * Math.Max(_sigmaHigh, sigmaHigh)), 0)
                : (0, _shift + (k * Math.Max(_sigmaLow, sigmaLow)));
        }

        if (_shift < 0)
        {
            // The old level lies above: its band's lower half must clear the new upper near edge.
            var old = Math.Max(_sigmaLow, sigmaLow);
            return -_shift - (k * old) > k * sigmaHigh ? ((-_shift) + (k * Math.Max(_sigmaHigh, sigmaHigh)), 0) : (0, 0);
        }

        var oldHigh = Math.Max(_sigmaHigh, sigmaHigh);
        return _shift - (k * oldHigh) > k * sigmaLow ? (0, _shift + (k * Math.Max(_sigmaLow, sigmaLow))) : (0, 0);
    }

    /// <summary>
    /// Whether <paramref name="y"/> lies within the old band (old expectation ± k σ, the larger of that side's σ before the
    /// incident and now; on a count, k of the old level's counting σ).
    /// </summary>
    public readonly bool InOldBand(double y, double expected, double k, double sigmaLow, double sigmaHigh)
    {
        var old = OldExpected(expected);
        if (_phi > 0)
        {
            return Math.Abs(y - old) <= k * CountingSigma;
        }

        return y >= old ? y - old <= k * Math.Max(_sigmaHigh, sigmaHigh) : old - y <= k * Math.Max(_sigmaLow, sigmaLow);
    }

    /// <summary>
    /// Remembers a rebaseline after <c>adapt_after</c>: it moved the expectation by <paramref name="shift"/> from
    /// <paramref name="oldLevel"/>. <paramref name="phi"/> is the count shift test's dispersion where the series is a
    /// count (NaN otherwise): the return is then judged on counting noise, if the two rates are apart.
    /// </summary>
    public void Remember(double shift, double sigmaLow, double sigmaHigh, long untilMs, double oldLevel = double.NaN, double phi = double.NaN, double usual = double.NaN)
    {
        this = default;
        if (!(double.IsFinite(shift) && double.IsFinite(sigmaLow) && double.IsFinite(sigmaHigh) && sigmaLow >= 0 && sigmaHigh >= 0))
        {
            return;
        }

        _shift = shift;
        _sigmaLow = sigmaLow;
        _sigmaHigh = sigmaHigh;
        _untilMs = untilMs;
        if (!(phi > 0 && double.IsFinite(phi) && double.IsFinite(oldLevel) && shift < 0))
        {
            // The gap is persisted as one float (the 8 KB budget), so it is held as that float from the start: a restart
            // inside the memory then changes no verdict. A gap beyond float's range has no curve to follow.
            var gap = (float)(oldLevel - usual);
            if (double.IsFinite(usual) && double.IsFinite(oldLevel) && float.IsFinite(gap))
            {
                _curve = true;
                _gap = gap;
            }

            // Not a count, or a count whose adapted incident was a rise: judged on the bands. After an adapted rise the
            // zeros of a drop favour the lower old rate too, and forgiving them as a return hid an error ratio's drop to
            // 0.07× within the memory.
            return;
        }

        _phi = phi;
        _oldLevel = oldLevel;
        _newLevel = oldLevel + shift;
        var (lo, ln) = Rates();
        if (!((lo * Math.Log(lo / ln)) - (lo - ln) >= MinSeparation))
        {
            // Too close to tell apart on counting noise: nothing to return to.
            this = default;
        }
    }

    /// <summary>
    /// Before a point is scored: where the memory follows the day and <paramref name="usual"/> is known, the old
    /// expectation is the usual level at this time of day plus the gap it had at the rebaseline, so the distance from the
    /// current expectation (<paramref name="expected"/>) is re-measured; otherwise it keeps the last one.
    /// </summary>
    public void Follow(double expected, double usual)
    {
        if (_curve && double.IsFinite(usual) && double.IsFinite(expected))
        {
            var shift = expected - (usual + _gap);
            // Never exactly 0 (that reads as "no memory"): a return memory whose old level meets the new one has nothing to widen.
            _shift = shift == 0 ? double.Epsilon : shift;
        }
    }

    /// <summary>One point, after it was scored: <paramref name="back"/> when it lay in the old band beyond the new near edge.</summary>
    public void Observe(long timestampMs, bool back)
    {
        if (!back)
        {
            _run = 0;
            _evidence = 0;
            return;
        }

        if (_run == 0)
        {
            _runStartMs = timestampMs;
        }

        _run++;
    }

    /// <summary>
    /// One point of a count, after it was scored: <paramref name="evidence"/> is its <see cref="CountEvidence"/> (0 for an
    /// anomalous point); the sum, never below 0, restarts where it last stood at 0.
    /// </summary>
    public void ObserveCount(long timestampMs, double evidence)
    {
        if (_evidence == 0 && evidence > 0)
        {
            _runStartMs = timestampMs;
        }

        _evidence = Math.Max(_evidence + evidence, 0);
    }

    public void Reset() => this = default;

    public readonly void Write(BinaryWriter writer)
    {
        writer.Write(_shift);
        writer.Write(_sigmaLow);
        writer.Write(_sigmaHigh);
        writer.Write(_untilMs);
        writer.Write(_run);
        writer.Write(_runStartMs);
        writer.Write(_phi);
        writer.Write(_oldLevel);
        writer.Write(_newLevel);
        writer.Write(_evidence);
        // One float, NaN when the memory does not follow the day (the 8 KB budget of a warm-up series has 5 bytes to spare).
        writer.Write(_curve ? (float)_gap : float.NaN);
    }

    public void Read(BinaryReader reader, string name)
    {
        _shift = reader.ReadDouble();
        _sigmaLow = reader.ReadDouble();
        _sigmaHigh = reader.ReadDouble();
        _untilMs = reader.ReadInt64();
        _run = reader.ReadInt32();
        _runStartMs = reader.ReadInt64();
        _phi = reader.ReadDouble();
        _oldLevel = reader.ReadDouble();
        _newLevel = reader.ReadDouble();
        _evidence = reader.ReadDouble();
        var gap = reader.ReadSingle();
        _curve = !float.IsNaN(gap);
        _gap = _curve ? gap : 0;
        if (float.IsInfinity(gap) || !(_phi >= 0) || !double.IsFinite(_phi) || !double.IsFinite(_oldLevel) || !double.IsFinite(_newLevel) || !(_evidence >= 0) || !double.IsFinite(_evidence) || !double.IsFinite(_shift) || !(_sigmaLow >= 0) || !double.IsFinite(_sigmaLow) || !(_sigmaHigh >= 0) || !double.IsFinite(_sigmaHigh) || _run < 0 || _run > ConfirmPoints)
        {
            throw new InvalidDataException($"{name}: return memory state out of range.");
        }
    }
}
