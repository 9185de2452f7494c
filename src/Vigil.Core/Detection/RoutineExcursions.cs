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
/// <para>
/// Bursts (<see cref="ContractOptions.RoutineBurst"/>, item 25): a CPU gauge's cron job runs for 10–15 minutes, so at
/// 5-minute steps its burst is three points past the near edge, and only the first was an isolated excursion: the
/// second and third were judged on the near edge and paged, several times a day. With bursts on, the side also learns
/// how many points in a row its excursions last (a Robbins–Monro 90th percentile of the burst lengths, from their
/// first isolated point to the first point back inside the near edge), and a point that continues a burst no longer than
/// that (and than the parameter) is judged on the routine edge like the burst's first point. A burst's later points may
/// raise the high-water mark too, but one burst raises it by at most one step (a quarter of its height), as one
/// isolated excursion does.
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

    // Points of the current burst so far (0: the last point was not part of one), the learned burst length (a 90th
    // percentile, in points) and whether this burst has already raised the high-water mark and the reach.
    private int _run;
    private double _length;
    private bool _raised;
    private bool _reached;
    private const int MaxRun = 1000;

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
    /// Whether the next point past the near edge would continue a routine burst: bursts are on, the side is routine, a
    /// burst is under way and the side's bursts have lasted at least one point more (its learned length, rounded, and never
    /// more than <see cref="ContractOptions.RoutineBurst"/>).
    /// </summary>
    public readonly bool Continues(ContractOptions o) =>
        o.RoutineBurst > 1 && _run >= 1 && IsRoutine(o) && _run < Math.Min(o.RoutineBurst, Math.Floor(_length + 0.5));

    /// <summary>The learned burst length, in points (0 until a burst has ended).</summary>
    public readonly double Length => _length;

    /// <summary>
    /// One scored point: <paramref name="excursion"/> is its size in σ when it was an isolated excursion, else 0;
    /// <paramref name="value"/>, <paramref name="expected"/> and <paramref name="nearEdge"/> are on the side's axis
    /// (negated for the lower side).
    /// </summary>
    public void Observe(double excursion, double value, double expected, double nearEdge, ContractOptions o, bool past = false, double size = 0)
    {
        var rateAlpha = 1.0 / Math.Max(1, o.RoutineWindow);
        var hit = excursion > 0;
        _rate += rateAlpha * ((hit ? 1 : 0) - _rate);
        if (!hit)
        {
            if (o.RoutineBurst > 1 && _run > 0)
            {
                ObserveBurst(past, value, expected, o.RoutineBurstReach ? size : 0);
            }

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
        if (o.RoutineBurst > 1)
        {
            _run = 1;
            _raised = _high > from;
            _reached = false;
        }
    }

    // A point after a burst's first: past the near edge it continues the burst (and may raise the mark, once per burst);
    // back inside it ends the burst, whose length teaches the side how long its bursts last.
    private void ObserveBurst(bool past, double value, double expected, double size)
    {
        if (past)
        {
            _run = Math.Min(_run + 1, MaxRun);
            if (!_reached && size > _reach)
            {
                // The burst's size is its peak, not its first 5-minute average (a job that starts mid-interval): one more
                // step of the reach per burst, as far as one excursion moves it.
                _reach += ReachStep * _reach * ReachP;
                _reached = true;
            }

            if (!_raised && value > _high && _high > expected)
            {
                _high = Math.Min(value, _high + (HighStep * (_high - expected)));
                _raised = true;
            }

            return;
        }

        _length = _length == 0 ? _run : _length + (ReachStep * _length * (_run > _length ? ReachP : -(1 - ReachP)));
        _run = 0;
    }

    public void Reset() => this = default;

    /// <summary>Forgets the burst under way (a rebaseline that kept the level keeps what the side learned).</summary>
    public void EndBurst() => _run = 0;

    public readonly void Write(BinaryWriter writer)
    {
        writer.Write(_rate);
        writer.Write(_reach);
        writer.Write(_count);
        writer.Write(_high);
        writer.Write(_run);
        writer.Write(_length);
        writer.Write(_raised);
        writer.Write(_reached);
    }

    public void Read(BinaryReader reader, string name)
    {
        _rate = reader.ReadDouble();
        _reach = reader.ReadDouble();
        _count = reader.ReadInt32();
        _high = reader.ReadDouble();
        _run = reader.ReadInt32();
        _length = reader.ReadDouble();
        _raised = reader.ReadBoolean();
        _reached = reader.ReadBoolean();
        if (_run < 0 || _run > MaxRun || !(_length >= 0) || !double.IsFinite(_length) || double.IsNaN(_high) || !(_rate >= 0 && _rate <= 1) || !(_reach >= 0) || !double.IsFinite(_reach) || _count < 0 || _count > MaxCount)
        {
            throw new InvalidDataException($"{name}: routine excursion state out of range.");
        }
    }
}
