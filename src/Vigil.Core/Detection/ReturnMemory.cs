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
/// </summary>
internal struct ReturnMemory
{
    /// <summary>Points in a row within the old band that make the return the normal again.</summary>
    public const int ConfirmPoints = 3;

    // How far the adapt_after rebaseline moved the expectation (working scale): the old level is E − _shift.
    private double _shift;
    private double _sigmaLow;
    private double _sigmaHigh;
    private long _untilMs;
    private int _run;
    private long _runStartMs;

    /// <summary>Whether a return to the old level is being looked for at <paramref name="timestampMs"/>.</summary>
    public readonly bool Active(long timestampMs) => _untilMs > 0 && timestampMs <= _untilMs && _shift != 0;

    /// <summary>The expectation before the incident, seen from the current one.</summary>
    public readonly double OldExpected(double expected) => expected - _shift;

    /// <summary>The first point of the current run inside the old band (valid once <see cref="Confirmed"/>).</summary>
    public readonly long RunStartMs => _runStartMs;

    public readonly bool Confirmed => _run >= ConfirmPoints;

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

        if (_shift < 0)
        {
            // The old level lies above: its band's lower half must clear the new upper near edge.
            var old = Math.Max(_sigmaLow, sigmaLow);
            return -_shift - (k * old) > k * sigmaHigh ? ((-_shift) + (k * Math.Max(_sigmaHigh, sigmaHigh)), 0) : (0, 0);
        }

        var oldHigh = Math.Max(_sigmaHigh, sigmaHigh);
        return _shift - (k * oldHigh) > k * sigmaLow ? (0, _shift + (k * Math.Max(_sigmaLow, sigmaLow))) : (0, 0);
    }

    /// <summary>Whether <paramref name="y"/> lies within the old band (old expectation ± k σ, the larger of that side's σ before the incident and now).</summary>
    public readonly bool InOldBand(double y, double expected, double k, double sigmaLow, double sigmaHigh)
    {
        var old = OldExpected(expected);
        return y >= old ? y - old <= k * Math.Max(_sigmaHigh, sigmaHigh) : old - y <= k * Math.Max(_sigmaLow, sigmaLow);
    }

    /// <summary>Remembers a rebaseline after <c>adapt_after</c>: it moved the expectation by <paramref name="shift"/>.</summary>
    public void Remember(double shift, double sigmaLow, double sigmaHigh, long untilMs)
    {
        this = default;
        if (double.IsFinite(shift) && double.IsFinite(sigmaLow) && double.IsFinite(sigmaHigh) && sigmaLow >= 0 && sigmaHigh >= 0)
        {
            _shift = shift;
            _sigmaLow = sigmaLow;
            _sigmaHigh = sigmaHigh;
            _untilMs = untilMs;
        }
    }

    /// <summary>One point, after it was scored: <paramref name="back"/> when it lay in the old band beyond the new near edge.</summary>
    public void Observe(long timestampMs, bool back)
    {
        if (!back)
        {
            _run = 0;
            return;
        }

        if (_run == 0)
        {
            _runStartMs = timestampMs;
        }

        _run++;
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
    }

    public void Read(BinaryReader reader, string name)
    {
        _shift = reader.ReadDouble();
        _sigmaLow = reader.ReadDouble();
        _sigmaHigh = reader.ReadDouble();
        _untilMs = reader.ReadInt64();
        _run = reader.ReadInt32();
        _runStartMs = reader.ReadInt64();
        if (!double.IsFinite(_shift) || !(_sigmaLow >= 0) || !double.IsFinite(_sigmaLow) || !(_sigmaHigh >= 0) || !double.IsFinite(_sigmaHigh) || _run < 0 || _run > ConfirmPoints)
        {
            throw new InvalidDataException($"{name}: return memory state out of range.");
        }
    }
}
