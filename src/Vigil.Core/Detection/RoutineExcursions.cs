namespace Vigil.Core.Detection;

/// <summary>
/// What a series routinely spikes to (docs/detectors.md, <c>auto</c> item 14): per side, how often isolated points pass
/// the near point edge and how far they reach, learned from those isolated excursions only.
/// <para>
/// Why: a latency whose 1 % of slow requests run at 2–5× its level puts a dozen points a day past any band drawn from
/// its ordinary noise, and the range of normal values never holds them (they were excluded), so each one was a new
/// extreme and paged. An operator calls the slow request the series has shown many times before routine, and a
/// point beyond anything it has spiked to before an incident. So once a side has shown enough isolated excursions (at
/// least <see cref="ContractOptions.RoutineCount"/> of them, at a rate of at least
/// <see cref="ContractOptions.RoutineRate"/> per point), an isolated point on that side is judged against them: the band
/// is widened to the smaller of <see cref="ContractOptions.RoutineMargin"/> × their reach and their high-water mark plus a
/// tenth of its height. A series that spiked once or twice keeps the novelty and point edges as they are, so its first
/// new extreme still pages, and so does a point past the highest the series has spiked to (a CPU at a new high).
/// </para>
/// <para>
/// Neither can be taught much by one incident: the reach is a Robbins–Monro estimate of the 90th percentile of the
/// excursions' size in σ of that side, moving by a tenth of itself (one injected ×10 spike raises it by 9 %, however
/// large the spike); the high-water mark is a value, raised by at most a quarter of its height above the expectation
/// per excursion, starting from the near edge. Excursions are counted outside alarms, outside the seasonal context
/// and while the variance test's evidence is under half its threshold (a variance burst's points are the incident),
/// and a rebaseline forgets them (what the series spiked to around the old level says nothing about the new one).
/// </para>
/// </summary>
internal struct RoutineExcursions
{
    private const double ReachP = 0.9;
    private const double ReachStep = 0.1;
    private const int MaxCount = 1000;

    // How far one excursion may raise the high-water mark, as a fraction of its height above the expectation.
    private const double HighStep = 0.25;

    private double _rate;
    private double _reach;
    private int _count;

    // The farthest value an isolated excursion on this side has reached (working scale, signed as the side: the
    // largest value above, the negated smallest below), raised by at most a quarter of its height at a time.
    private double _high;

    /// <summary>Excursions per point (an EWMA of the indicator over scored points).</summary>
    public readonly double Rate => _rate;

    /// <summary>The 90th percentile of the excursions' size, in σ of the side.</summary>
    public readonly double Reach => _reach;

    public readonly int Count => _count;

    /// <summary>Whether this side spikes routinely: enough excursions, often enough.</summary>
    public readonly bool IsRoutine(ContractOptions o) => _count >= o.RoutineCount && _rate >= o.RoutineRate;

    /// <summary>The farthest an isolated excursion has gone on this side, as a value on the side's axis (see <see cref="Observe"/>).</summary>
    public readonly double High => _high;

    /// <summary>
    /// The half-width an isolated point on a routinely spiking side is judged on: the reach times the margin, but never
    /// past the high-water mark plus a tenth of its height (a point beyond anything the series has spiked to pages).
    /// 0 while the side is not routine. <paramref name="expected"/> and the result are on the side's axis.
    /// </summary>
    public readonly double Half(ContractOptions o, double expected, double sigma)
    {
        if (!IsRoutine(o) || !(_high > expected))
        {
            return 0;
        }

        return Math.Min(o.RoutineMargin * _reach * sigma, (1 + HighTolerance) * (_high - expected));
    }

    private const double HighTolerance = 0.1;

    /// <summary>
    /// One scored point: <paramref name="excursion"/> is its size in σ when it was an isolated excursion, else 0;
    /// <paramref name="value"/>, <paramref name="expected"/> and <paramref name="nearEdge"/> are on the side's axis
    /// (negated for the lower side).
    /// </summary>
    public void Observe(double excursion, double value, double expected, double nearEdge, ContractOptions o)
    {
        var rateAlpha = 1.0 / Math.Max(1, o.RoutineWindow);
        var hit = excursion > 0;
        _rate += rateAlpha * ((hit ? 1 : 0) - _rate);
        if (!hit)
        {
            return;
        }

        if (_count == 0)
        {
            _reach = excursion;
        }
        else
        {
            _reach += ReachStep * _reach * (excursion > _reach ? ReachP : -(1 - ReachP));
        }

        // From the near edge up, a quarter of the height at a time: one injected ×10 spike (or the series' first
        // excursion, which may be an incident) raises the mark by a quarter of its height, not to the spike; a mark
        // below the near edge (the level has risen since) restarts from the edge.
        var from = _count == 0 || _high < nearEdge ? nearEdge : _high;
        _high = Math.Max(from, Math.Min(value, from + (HighStep * (from - expected))));

        _count = Math.Min(_count + 1, MaxCount);
    }

    public void Reset() => this = default;

    public readonly void Write(BinaryWriter writer)
    {
        writer.Write(_rate);
        writer.Write(_reach);
        writer.Write(_count);
        writer.Write(_high);
    }

    public void Read(BinaryReader reader, string name)
    {
        _rate = reader.ReadDouble();
        _reach = reader.ReadDouble();
        _count = reader.ReadInt32();
        _high = reader.ReadDouble();
        if (double.IsNaN(_high) || !(_rate >= 0 && _rate <= 1) || !(_reach >= 0) || !double.IsFinite(_reach) || _count < 0 || _count > MaxCount)
        {
            throw new InvalidDataException($"{name}: routine excursion state out of range.");
        }
    }
}
