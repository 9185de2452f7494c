namespace Vigil.Core.Detection;

/// <summary>
/// The count shift test (docs/detectors.md, <c>auto</c> item 15): a likelihood-ratio CUSUM for a change of rate on
/// series that look like counts or ratios of counts (<see cref="Kind"/>), such as sign-ups per
/// minute, a Poisson count of 3 a minute or an error ratio of 0.9 %.
/// <para>
/// Why: the contract's shift test standardises by the point σ, which on a low count carries the heavy-tail term (a count
/// of 3 spikes to 15 now and then) and is symmetric, so a drop to a third of the level is about one σ below and adds no
/// evidence against a slack of one σ; meanwhile the level follows the drop within five points. Counting noise is
/// known in shape: a count's variance is its mean (Poisson), an error ratio's is its mean over the requests behind it
/// (quasi-Poisson, var = φ·μ). So the evidence a point brings about a rate change by a factor ρ is the log-likelihood
/// ratio u·ln ρ − λ·(ρ − 1), with u = y/φ the point in "effective counts" and λ = R/φ the reference rate.
/// </para>
/// <para>
/// How: φ is the pooled ratio of the squared residuals to the expectation on normal points (about 50 points of
/// memory, so an error ratio's noise can follow the daily swing of its denominator). The alternative ρ is chosen per
/// point so that a point brings <c>count_shift_power</c> of evidence on average if the rate did change by ρ
/// (λ·(ρ − 1 − ln ρ) ≈ λ·(1 − ρ)²/2, so |1 − ρ| = √(2·power/λ), at most ½ below and 1 above): a count of 20 is watched
/// for a 17 % change, a count of 2 for a halving, and either is flagged after about threshold/power points of such a
/// change, sooner for larger ones. The reference R is the expectation minus what the baseline learned since the
/// evidence last stood at 0 (<see cref="IBaseline.LearnedShift"/>), so a drop the level starts to follow is still
/// judged against the level before it; when the test fires the baseline unlearns that part. A drop is judged against the
/// lower of R and a slow level around the daily shape, a rise against the higher (a small count's fast forecast is noisy,
/// and winsorised learning leaves it below the mean of a skewed count); before the baseline knows the day, with
/// <c>count_shift_hours</c>, also against the level the series showed at this hour and the next on its last visit there.
/// A rise's points count at most the alternative's mean plus <c>count_shift_rise_clip</c> of its σ, so a burst is one
/// point of a rise, not a rise. Each increment is capped at
/// half the threshold (one point cannot fire it alone), and the test stands down where the effective count is above
/// <c>count_shift_max_count</c> (a rate that is not small: its noise is the point σ's business) or φ is not learned yet.
/// </para>
/// <para>
/// The edge, known before the point: the value at which the increment would take the statistic over the threshold,
/// y = φ·(λ·(1 − ρ) − (h − S))/(−ln ρ) below and y = φ·(λ·(ρ − 1) + (h − S))/ln ρ above (none while h − S exceeds the
/// cap). Saturated at h, the lower edge lies at (1 − ρ)/(−ln ρ) of the reference (0.92 of it for a count of 20), so a
/// drop keeps scoring above 1 on most of its points.
/// </para>
/// </summary>
internal sealed class CountShiftTest
{
    private const double DispersionAlpha = 0.02;
    private const int MinLearned = 60;
    private const double ClipSquares = 16;
    private const double MaxDrop = 0.5;
    private const double MaxRise = 1;
    private const double SlowAlpha = 1.0 / 60;
    private const double MaxAutocorrelation = 0.9;
    private const int HoursPerDay = 24;
    private const long MsPerHour = 3_600_000;

    // Counts whose variance around the forecast is more than this many times their mean are not counts of events.
    private const double MaxDispersion = 4;

    // Nor are whole numbers whose variance is less than this share of their mean (a gauge: replicas, a queue length).
    private const double MinDispersion = 0.25;

    // Below about one event per step a drop takes hours to show (a run of zeros is routine), and a series that is mostly
    // 0 with bursts (its mean is its bursts) would read every quiet stretch as a drop.
    private const double MinCount = 1;
    private const double IntegerAlpha = 0.01;

    // After a day of values (1440 points at one-minute steps) the share of whole numbers has about 1000 points of memory:
    // what kind of series it is is a property of the series, not of an hour. An hour-long variance burst of fractional
    // values (or a scrape's interpolated rates) took a Poisson count's share below 0.9 within 20 minutes, the test stood
    // down while the burst's zeros pulled the level below 0, and the return to the count's rate paged on the shift test
    // (poisson_count_0 and _1 on the scenario suite, with count_shift_rises). A series that turns into a gauge for good
    // still stops being a count, within a few hours.
    private const double SettledIntegerAlpha = 0.001;
    private const long SettledPoints = 1440;
    private const double MinIntegerShare = 0.9;

    // What the series looks like, from every finite value: the share of whole numbers (about 100 points of memory, 1000
    // after a day, so a variance burst's widened values do not make a count a non-count), and whether it ever went
    // negative, above 1 or to exactly 0.
    private double _integerShare;
    private long _seen;
    private bool _negative;
    private bool _aboveOne;
    private bool _zero;

    private readonly double _h;
    private readonly double _power;
    private readonly double _maxCount;
    private readonly double _cap;
    private readonly bool _rises;
    private readonly bool _knownDay;
    private readonly double _riseClip;
    private readonly bool _hours;
    private readonly double _riseMin;

    // Pooled dispersion: EWMA of the (winsorised) squared residual and of the expectation on normal points.
    private double _square;
    private double _mean;

    // Lag-1 autocorrelation of the residuals (EWMA of d·d₋₁ beside that of d²): a forecast that lags a daily curve
    // leaves residuals on one side for many points, and summed as if independent they look like a drop.
    private double _lag;
    private double _previous;

    // A slow level of the series around its daily shape (about an hour of normal points, trusted as the baseline trusts
    // them; the shape is the daily profile's where the baseline has learned the day, else 0): the reference is never
    // above shape + slow level, so neither the fast forecast's noise on a small count (a Holt level moves by a fifth of
    // each error) nor a forecast that lags the evening decline of a daily curve becomes evidence of a drop. NaN until
    // the first point, and again when the shape appears or goes.
    private double _slow = double.NaN;

    // The series' usual rate: a level of its normal points with about a day of memory (a running mean until then),
    // trusted as the baseline trusts them. A count's novelty edge is never below what the counting law makes ordinary at
    // this rate (OrdinaryNovelty): a ramp or an hour's rise moves it little, so a level the series never reached is still
    // new, while its ordinary noise is not. NaN until the first learned point.
    private double _usual = double.NaN;

    // The last counting-law quantiles of OrdinaryPoint and OrdinaryNovelty: where CountQuantile starts its walk (the rate
    // moves little between points). A hint for speed only, not state: any value gives the same quantile.
    private int _pointQuantile;
    private int _noveltyQuantile;
    private const double UsualAlpha = 1.0 / 1440;
    private bool _shaped;
    private double _shape;
    private int _learned;

    // Normal points since the last rebaseline: a rebaselined level is a median of the run that ended it, and the test
    // waits until the baseline has learned MinLearned points around it before it judges a drop against it.
    private int _settled;
    private double _up;
    private double _down;
    private bool _alarmed;

    // When each side's evidence last rose from 0 (ms; meaningful while that side's evidence is above 0): where a drop
    // the test fires on began, so an adapted drop's adapt_after counts from the change, not from the page (count_run_start).
    private long _upSinceMs;
    private long _downSinceMs;

    // The baseline's LearnedShift when the evidence last stood at 0 (NaN: take it at the next point).
    private double _mark = double.NaN;

    // What the series showed at each hour of the (UTC) day on its last visit there: the mean of that hour's normal
    // points, NaN where no hour has been seen yet. Until the baseline knows the day, a drop is judged only against a
    // level the series has shown at this time of day (and a rise only above one), so the evening decline of a daily
    // curve is not a drop and its morning climb not a rise (count_shift_hours).
    private readonly double[] _hourly = CreateHours();

    // For rises: what the series showed at each hour on its last two visits there, as it showed it (not scaled on a
    // rebaseline). A rise is judged above the higher of the two, so a day that was itself an incident (a business count's
    // missing peak: its 10:00 was a third of any other 10:00) does not turn the next morning's ordinary climb into a
    // rise, and an adapted variance burst (whose mean is up: the drop side's hours are scaled up by it) does not lift the
    // bar above every rise of the next day. After an adapted drop the old, higher day stays the bar for two days: a
    // climb back to what the series did at this hour is not a new rise.
    private readonly double[] _shownLast = CreateHours();
    private readonly double[] _shownBefore = CreateHours();
    private int _hour = -1;
    private double _hourSum;
    private int _hourCount;

    // The hour in progress's sum and number of all points (anomalous ones too), for the rise side's hours.
    private double _shownSum;
    private int _shownCount;

    // This point's test, fixed before the point is seen (Edges) and used by Update: per side, whether it runs, the
    // reference it judges by (the value the baseline unlearns back to when it fires), the log of the alternative ratio
    // and the slack λ·|ρ − 1|.
    private bool _active;
    private bool _activeDown;
    private bool _activeUp;
    private double _phi;
    private double _reference;
    private double _referenceUp;
    private double _lnDrop;
    private double _dropSlack;
    private double _lnRise;
    private double _riseSlack;

    // The largest effective count a point adds to the rise evidence as (the alternative's mean plus count_shift_rise_clip
    // of its counting σ): a burst is one point of a rise at most, a sustained rise is many.
    private double _riseCap;

    public CountShiftTest(ContractOptions options)
    {
        _h = options.CountShiftThreshold;
        _power = options.CountShiftPower;
        _maxCount = options.CountShiftMaxCount;
        _cap = _h / 2;
        _rises = options.CountShiftRises;
        _knownDay = options.CountShiftDay;
        _riseClip = options.CountShiftRiseClip;
        _hours = options.CountShiftHours;
        _riseMin = options.CountShiftRiseMin;
    }

    private static double[] CreateHours()
    {
        var hours = new double[HoursPerDay];
        Array.Fill(hours, double.NaN);
        return hours;
    }

    public bool Enabled => _h > 0;

    /// <summary>
    /// Counts: never negative and (almost) all whole numbers; ratios of counts: never negative, never above 1, and exactly
    /// 0 at least once (a minute without errors; a latency or a utilisation in [0, 1] never is).
    /// </summary>
    public CountKind Kind => _negative || _seen < MinLearned ? CountKind.None
        : _integerShare >= MinIntegerShare ? CountKind.Counts
        : !_aboveOne && _zero ? CountKind.Ratios
        : CountKind.None;

    /// <summary>
    /// The pooled dispersion φ (var = φ·μ) where the series is a count or a ratio of counts and φ has been learned, else
    /// NaN: the return memory judges a count's return on it (<see cref="ReturnMemory"/>).
    /// </summary>
    public double Dispersion => _h > 0 && Kind != CountKind.None && _learned >= MinLearned && _mean > 0 && _square > 0 ? _square / _mean : double.NaN;

    /// <summary>Remembers what <paramref name="value"/> says about the kind of series (every finite value, normal or not).</summary>
    public void See(double value)
    {
        _seen = Math.Min(_seen + 1, long.MaxValue - 1);
        var a = Math.Max(_seen >= SettledPoints ? SettledIntegerAlpha : IntegerAlpha, 1.0 / _seen);
        _integerShare += a * ((value == Math.Round(value) ? 1 : 0) - _integerShare);
        _negative |= value < 0;
        _aboveOne |= value > 1;
        _zero |= value == 0;
    }

    /// <summary>
    /// Whether an alarm holds: a point was anomalous with this test saturated, and the evidence has not fallen below half
    /// the threshold since.
    /// </summary>
    public bool Alarmed => _alarmed;

    /// <summary>
    /// When the evidence on the side of a drop (<paramref name="down"/>) or a rise last rose from 0, or
    /// <see cref="long.MaxValue"/> while that side holds none: where the change the test traces began.
    /// </summary>
    public long EvidenceSinceMs(bool down) => down ? (_down > 0 ? _downSinceMs : long.MaxValue) : (_up > 0 ? _upSinceMs : long.MaxValue);

    /// <summary>
    /// The drop side's evidence over the threshold, in [0, 1] (0 when off or standing down): it lowers how much normal
    /// points teach the baseline. The rise side's does not: a count's daily climb builds some rise evidence every
    /// morning, and a forecast frozen by it would read the rest of the climb as the rise (the reference corrects for
    /// what the baseline learned, so following a rise does not hide it from the test).
    /// </summary>
    public double Evidence => _h > 0 ? _down / _h : 0;

    /// <summary>The rise side's evidence over the threshold, in [0, 1] (0 when off, standing down or rises are off).</summary>
    public double RiseEvidence => _h > 0 ? _up / _h : 0;

    /// <summary>
    /// This point's edges as half-widths from <paramref name="expected"/> (+∞ where the test cannot fire), from the state
    /// before the point at <paramref name="timestampMs"/>. <paramref name="identity"/> says whether the baseline learns
    /// the values as they are (its working scale is the identity); <paramref name="learned"/> its
    /// <see cref="IBaseline.LearnedShift"/>; <paramref name="hasShape"/> and <paramref name="shape"/> its
    /// <see cref="IBaseline.TrySlowShape"/>.
    /// </summary>
    public (double Up, double Down) Edges(long timestampMs, double expected, bool identity, double learned, bool hasShape, double shape)
    {
        _active = false;
        _activeDown = false;
        _activeUp = false;
        if (hasShape != _shaped || (hasShape && !double.IsFinite(shape)))
        {
            _shaped = hasShape && double.IsFinite(shape);
            _slow = double.NaN;
        }

        _shape = _shaped ? shape : 0;
        var kind = identity ? Kind : CountKind.None;
        var early = _knownDay && !hasShape && !(shape == 0);
        if (early && !_hours)
        {
            // The baseline does not know the series' day yet (shape NaN): a slow reference would lag a daily curve's
            // decline and read it as a drop, so the test waits (count_shift_day).
            return (double.PositiveInfinity, double.PositiveInfinity);
        }

        if (kind == CountKind.None || _learned < MinLearned || _settled < MinLearned || !(_mean > 0) || !(_square > 0))
        {
            return (double.PositiveInfinity, double.PositiveInfinity);
        }

        if (double.IsNaN(_mark))
        {
            _mark = learned;
        }

        var reference = expected - (learned - _mark);
        if (double.IsNaN(_slow))
        {
            _slow = expected - _shape;
        }

        // Drops are judged against the lower of the reference and the slow level, rises against the higher: a small
        // count's fast forecast is noisy, and winsorised learning leaves it below the mean of a skewed count, neither of
        // which is a change of rate.
        var down = Math.Min(reference, _shape + _slow);
        var up = Math.Max(reference, _shape + _slow);
        if (early)
        {
            // Before the day is known: only against levels the series has shown at this hour and the next on its last
            // visit there (none yet: the test waits for that side).
            var hour = HourOf(timestampMs);
            var now = _hourly[hour];
            var next = _hourly[(hour + 1) % HoursPerDay];
            down = Math.Min(down, Math.Min(now, next));
            up = Math.Max(up, HighestShown(hour));
        }
        else if (_rises && _hours)
        {
            // Once the day is known, a rise is still judged above what the series showed at this hour and the next on
            // its last two visits there (where it has): the slow level lags a business count's morning climb, and read
            // the rest of the climb as a rise (detect13's false alarms of count_shift_rises).
            var hour = HourOf(timestampMs);
            var highest = HighestShown(hour);
            if (double.IsFinite(highest))
            {
                up = Math.Max(up, highest);
            }
        }

        // Quasi-likelihood with the dispersion of sums: φ·(1 + ρ)/(1 − ρ) for residuals with lag-1 autocorrelation ρ.
        var rho = Math.Clamp(_lag / _square, 0, MaxAutocorrelation);
        _phi = _square / _mean;
        if (kind == CountKind.Counts && _phi > MaxDispersion)
        {
            // Whole numbers that vary far more than events do (a travel time in seconds, bytes per interval): not a count.
            return (double.PositiveInfinity, double.PositiveInfinity);
        }

        _phi *= (1 + rho) / (1 - rho);
        _reference = down;
        _referenceUp = up;
        var lambdaDown = down / _phi;
        var lambdaUp = up / _phi;
        _activeDown = Runs(lambdaDown, MinCount);
        _activeUp = _rises && Runs(lambdaUp, _riseMin);
        _active = _activeDown || _activeUp;
        if (!_active)
        {
            return (double.PositiveInfinity, double.PositiveInfinity);
        }

        var upHalf = double.PositiveInfinity;
        if (_activeUp)
        {
            var rise = 1 + Math.Min(Math.Sqrt(2 * _power / lambdaUp), MaxRise);
            _lnRise = Math.Log(rise);
            _riseSlack = lambdaUp * (rise - 1);
            _riseCap = _riseClip > 0 ? (lambdaUp * rise) + (_riseClip * Math.Sqrt(lambdaUp * rise)) : double.PositiveInfinity;
            var needUp = Holding(_up) ? 0 : _h - _up;
            var edge = (_riseSlack + needUp) / _lnRise;
            if (needUp <= _cap && edge <= _riseCap)
            {
                upHalf = (_phi * edge) - expected;
            }
        }

        var downHalf = double.PositiveInfinity;
        if (_activeDown)
        {
            var drop = 1 - Math.Min(Math.Sqrt(2 * _power / lambdaDown), MaxDrop);
            _lnDrop = Math.Log(drop);
            _dropSlack = lambdaDown * (1 - drop);
            var needDown = Holding(_down) ? 0 : _h - _down;
            if (needDown <= _cap)
            {
                downHalf = expected - (_phi * (_dropSlack - needDown) / -_lnDrop);
            }
        }

        // Never inside half a counting σ of the expectation: while the baseline has followed a change the other way
        // (reference and expectation apart), the edge must still leave the expectation inside the band.
        var least = 0.5 * Math.Sqrt(_phi * Math.Max(expected, 0));
        return (Math.Max(upHalf, least), Math.Max(downHalf, least));
    }

    /// <summary>
    /// The least upper point edge on a count or a ratio of counts (working scale; −∞ where the series is not one, or its
    /// dispersion is not learned yet): half-way past the largest value that the counting law at the rate the series has
    /// now reaches with probability above <paramref name="tail"/> per point (count_ordinary_tail, docs/detectors.md,
    /// <c>auto</c> item 33). The rate is the higher of the expectation and the slow level around the daily shape: a small
    /// count's fast forecast falls after a few zeros, the slow level is an hour of normal points. Call after
    /// <see cref="Edges"/> for the same point.
    /// <para>
    /// Why: on a count of 0.1 a minute the point σ is learned from a quiet stretch of zeros, and a minute of 2 (P ≈ 0.5 %,
    /// seven a day) passed the point edge. Counting noise has a known law: with the dispersion φ (var = φ·μ, at least 1 on
    /// counts: a count of events varies at least as a Poisson count does) a count is negative binomial (Poisson at φ = 1)
    /// and a ratio of counts, in effective counts y/φ, Poisson. Only where the effective rate is at most 20 events a step:
    /// above it the noise is nearly Gaussian and the point σ describes it.
    /// </para>
    /// </summary>
    public double OrdinaryPoint(double expected, bool identity, double tail)
    {
        if (!TryLaw(identity, out var kind, out var phi))
        {
            return double.NegativeInfinity;
        }

        var local = double.IsFinite(_slow) ? Math.Max(expected, _shape + _slow) : expected;
        return Ordinary(local, phi, tail, kind, ref _pointQuantile);
    }

    /// <summary>
    /// The least upper novelty edge on a count or a ratio of counts, as <see cref="OrdinaryPoint"/> but at the series'
    /// usual rate (a day of memory): the novelty edge is drawn from the largest normal value, and a value past it is
    /// excluded, so it is never learned. On a flat count of 0.6 a minute the first five hours showed at most 3, and every
    /// later 4 (P(X ≥ 4) ≈ 0.34 %, five a day) paged as a level never seen before; an error ratio's night has fewer
    /// requests behind it, so its noise is wider than the range of a day that saw one night. At the usual rate, not the
    /// current one: a ramp's new levels are still new.
    /// </summary>
    public double OrdinaryNovelty(bool identity, double tail)
        => TryLaw(identity, out var kind, out var phi) ? Ordinary(_usual, phi, tail, kind, ref _noveltyQuantile) : double.NegativeInfinity;

    /// <summary>Whether the series is a count (dispersion <paramref name="phi"/> at least 1) or a ratio of counts with its dispersion learned.</summary>
    private bool TryLaw(bool identity, out CountKind kind, out double phi)
    {
        kind = identity ? Kind : CountKind.None;
        phi = _square / _mean;
        if (kind == CountKind.None || _learned < MinLearned || !(_mean > 0) || !(_square > 0))
        {
            return false;
        }

        if (kind == CountKind.Counts)
        {
            // Whole numbers that vary far more than events do (bytes per interval), or far less (a gauge in whole numbers:
            // replicas, a queue that sits at 16), are not counts of events. A count of events varies at least as a Poisson
            // count does: a dispersion learned a little under 1 from a quiet hour does not tighten the edge.
            if (phi > MaxDispersion || phi < MinDispersion)
            {
                return false;
            }

            phi = Math.Max(phi, 1);
        }

        return true;
    }

    /// <summary>Half-way past the largest value the counting law at <paramref name="rate"/> reaches with probability above <paramref name="tail"/> (−∞ off its range).</summary>
    private static double Ordinary(double rate, double phi, double tail, CountKind kind, ref int last)
    {
        var lambda = rate / phi;
        if (!(lambda > 0) || lambda > MaxOrdinaryCount)
        {
            return double.NegativeInfinity;
        }

        // A count is judged in counts: the law with this mean and variance φ·mean (negative binomial, Poisson at φ = 1),
        // half-way past its largest ordinary value, so no count lies on the edge. A ratio in effective counts y/φ.
        return kind == CountKind.Counts ? CountQuantile.Upper(rate, phi, tail, ref last) + 0.5 : phi * (CountQuantile.Upper(lambda, 1, tail, ref last) + 0.5);
    }

    /// <summary>
    /// The largest k with P(X ≥ k) &gt; <paramref name="tail"/> for a count X of mean <paramref name="mean"/> and variance
    /// <paramref name="dispersion"/> × mean (≥ 1): negative binomial, Poisson at 1 (the pmf's recursion
    /// p(k + 1) = p(k)·(mean + k(φ − 1))/(φ(k + 1)), p(0) = exp(−mean·ln φ/(φ − 1)), is both). The cumulative sum from 0
    /// until the rest of the mass is at most the tail: about mean + 4.3 σ terms at 1e-5.
    /// </summary>
    internal static int CountUpper(double mean, double dispersion, double tail)
    {
        var excess = dispersion - 1;
        var pmf = Math.Exp(-mean * (excess > 1e-9 ? Math.Log(dispersion) / excess : 1));
        var cdf = pmf;
        var k = 0;
        while (1 - cdf > tail && k < MaxQuantile && pmf >= 0)
        {
            pmf *= (mean + (k * excess)) / (dispersion * (k + 1));
            k++;
            cdf += pmf;
        }

        return k;
    }

    private const int MaxQuantile = 1000;

    // Above 20 effective events a step the counting noise is nearly Gaussian: the point σ and the range of normal values
    // already hold it (and the quantile's sum, about λ + 4σ terms, would cost more than the rest of the point).
    private const double MaxOrdinaryCount = 20;

    /// <summary>
    /// Whether an alarm holds on a side with <paramref name="evidence"/>: once fired, the alarm stays until the evidence
    /// falls below half the threshold (as the slow shift test's does), and its edge stays where the saturated statistic
    /// puts it. A few high counts inside a drop (a count of 14 lands at 22 or 25 now and then) take the evidence from 12
    /// to 9: still a drop, not a return; a band that widened there let the next ordinary points of the drop score normal,
    /// and the alert closed and re-opened inside one drop. A return to the reference takes about 0.5 a point off
    /// (count_shift_power), so the hold ends about a dozen points after it.
    /// </summary>
    private bool Holding(double evidence) => _alarmed && evidence >= _cap;

    /// <summary>
    /// The highest the series showed at <paramref name="hour"/> and the next on its last visit there (NaN where either has
    /// not been seen: the rise side then waits before the day is known) and on the visit before, where it has.
    /// </summary>
    private double HighestShown(int hour)
    {
        var next = (hour + 1) % HoursPerDay;
        var last = Math.Max(_shownLast[hour], _shownLast[next]);
        var before = Math.Max(_shownBefore[hour], _shownBefore[next]);
        return double.IsFinite(last) && double.IsFinite(before) ? Math.Max(last, before) : last;
    }

    // The rise side may run below one event a step (count_shift_rise_min): a run of zeros is no evidence of a rise, and
    // a rise to a few events a step shows within minutes; it must run before the rise, or its reference (taken when the
    // evidence starts) is the level the fast forecast has already learned.
    private bool Runs(double lambda, double least) => lambda >= least && lambda <= _maxCount && double.IsFinite(lambda);

    private static int HourOf(long timestampMs) => (int)(((timestampMs / MsPerHour) % HoursPerDay + HoursPerDay) % HoursPerDay);

    /// <summary>
    /// Learns the point <paramref name="y"/> at <paramref name="timestampMs"/> (after it was scored against
    /// <paramref name="expected"/>). Returns what the baseline should unlearn (its learning since the evidence began)
    /// when the test has just fired, else 0.
    /// </summary>
    public double Update(long timestampMs, double y, double expected, bool anomalous, double weight)
    {
        if (!anomalous && double.IsFinite(expected))
        {
            // Dispersion from normal points, trusted as the baseline trusts them; a spike counts as at most 4 of its σ.
            var d = y - expected;
            var square = d * d;
            if (_learned >= MinLearned)
            {
                square = Math.Min(square, ClipSquares * _square);
            }

            var a = weight * Math.Max(DispersionAlpha, 1.0 / (_learned + 1));
            _square += a * (square - _square);
            var clipped = Math.Sqrt(square) * Math.Sign(d);
            _lag += a * ((clipped * _previous) - _lag);
            _previous = clipped;
            _mean += a * (Math.Max(expected, 0) - _mean);
            if (weight > 0 && _learned < int.MaxValue)
            {
                _learned++;
            }

            _settled = Math.Min(_settled + 1, MinLearned);
            if (weight > 0)
            {
                _usual = double.IsNaN(_usual) ? y : _usual + (weight * Math.Max(UsualAlpha, 1.0 / Math.Max(_learned, 1)) * (y - _usual));
            }

            _slow = double.IsNaN(_slow) ? y - _shape : _slow + (weight * SlowAlpha * (y - _shape - _slow));
        }

        if (_hours)
        {
            LearnHour(timestampMs, y, !anomalous && weight > 0);
        }

        if (!_active)
        {
            // Standing down (not a count, or not yet known): no evidence is carried over.
            _up = 0;
            _down = 0;
            _alarmed = false;
            _mark = double.NaN;
            return 0;
        }

        var u = y / _phi;
        var wasFired = _alarmed;
        var upBefore = _up;
        var downBefore = _down;
        _up = _activeUp ? Math.Clamp(_up + Math.Min((Math.Min(u, _riseCap) * _lnRise) - _riseSlack, _cap), 0, _h) : 0;
        _down = _activeDown ? Math.Clamp(_down + Math.Min(_dropSlack + (u * _lnDrop), _cap), 0, _h) : 0;
        if (upBefore == 0 && _up > 0)
        {
            _upSinceMs = timestampMs;
        }

        if (downBefore == 0 && _down > 0)
        {
            _downSinceMs = timestampMs;
        }

        var saturated = _up >= _h || _down >= _h;
        _alarmed = (anomalous && saturated) || Holding(_up) || Holding(_down);
        var unlearn = 0.0;
        if (_alarmed && !wasFired)
        {
            // Fired: what the baseline learned while the evidence built up was the change itself. The expectation goes
            // back to the reference the test judged by (never past the slow level).
            unlearn = _down >= _h ? Math.Min(expected - _reference, 0) : Math.Max(expected - _referenceUp, 0);
        }

        if (_up == 0 && _down == 0)
        {
            _mark = double.NaN;
        }

        return unlearn;
    }

    /// <summary>
    /// The hour of the day's mean of normal points, kept for its next visit (count_shift_hours), and for the rise side
    /// the mean of all its points: on a business count's first morning the climb itself pages (nothing is learned yet),
    /// and the mean of the normal points left was its lowest minutes, so the next morning's climb was read as a rise.
    /// </summary>
    private void LearnHour(long timestampMs, double y, bool normal)
    {
        var hour = HourOf(timestampMs);
        if (hour != _hour)
        {
            if (_hour >= 0 && _hourCount > 0)
            {
                _hourly[_hour] = _hourSum / _hourCount;
            }

            if (_hour >= 0 && _shownCount > 0)
            {
                _shownBefore[_hour] = _shownLast[_hour];
                _shownLast[_hour] = _shownSum / _shownCount;
            }

            _hour = hour;
            _hourSum = 0;
            _hourCount = 0;
            _shownSum = 0;
            _shownCount = 0;
        }

        if (normal)
        {
            _hourSum += y;
            _hourCount++;
        }

        _shownSum += y;
        _shownCount++;
    }

    /// <summary>After the baseline unlearned: the reference is the expectation again.</summary>
    public void Rebase(double learned) => _mark = learned;

    /// <summary>
    /// A rebaseline from the run of <paramref name="values"/> (working scale) with their <paramref name="residuals"/>:
    /// the evidence starts again from 0 (the dispersion is kept: the noise did not change), and what the series showed at
    /// each hour is scaled by the run's mean over what was expected during it, so the new level is judged against its
    /// own day (a business count that moved to a third of its level has a third of its evening too). The rise side's
    /// hours are kept as shown.
    /// </summary>
    public void Reset(ReadOnlySpan<double> values, ReadOnlySpan<double> residuals)
    {
        double sum = 0, expected = 0;
        for (var i = 0; i < values.Length && i < residuals.Length; i++)
        {
            if (double.IsFinite(values[i]) && double.IsFinite(residuals[i]))
            {
                sum += values[i];
                expected += values[i] - residuals[i];
            }
        }

        var ratio = expected > 0 ? sum / expected : double.NaN;
        for (var i = 0; i < HoursPerDay; i++)
        {
            _hourly[i] = ratio >= 0 && double.IsFinite(ratio) ? _hourly[i] * ratio : double.NaN;
        }

        if (ratio >= 0 && double.IsFinite(ratio))
        {
            // A new level has a new usual rate (a count that moved to a third for good is judged on a third of its noise).
            _usual *= ratio;
        }

        Reset();
    }

    /// <summary>The evidence starts again from 0.</summary>
    private void Reset()
    {
        _up = 0;
        _down = 0;
        _alarmed = false;
        _mark = double.NaN;
        _slow = double.NaN;
        _settled = 0;
        _hour = -1;
        _hourSum = 0;
        _hourCount = 0;
        _shownSum = 0;
        _shownCount = 0;
    }

    public void Write(BinaryWriter writer)
    {
        writer.Write(_integerShare);
        writer.Write(_seen);
        writer.Write(_negative);
        writer.Write(_aboveOne);
        writer.Write(_zero);
        writer.Write(_square);
        writer.Write(_mean);
        writer.Write(_lag);
        writer.Write(_previous);
        writer.Write(_learned);
        writer.Write(_settled);
        writer.Write(_up);
        writer.Write(_down);
        writer.Write(_alarmed);
        writer.Write(_mark);
        writer.Write(_slow);
        writer.Write(_shaped);
        // Only the hours seen so far (a mask, then their levels): a series in its warm-up has seen a few, and its state
        // must stay under 8 KB with the rise side's two visits beside the drop side's hours.
        WriteHours(writer, _hourly);
        WriteHours(writer, _shownLast);
        WriteHours(writer, _shownBefore);
        writer.Write(_hour);
        writer.Write(_hourSum);
        writer.Write(_hourCount);
        writer.Write(_shownSum);
        writer.Write(_shownCount);
        writer.Write(_usual);
        writer.Write(_upSinceMs);
        writer.Write(_downSinceMs);
    }

    private static void WriteHours(BinaryWriter writer, double[] hours)
    {
        var mask = 0;
        for (var i = 0; i < HoursPerDay; i++)
        {
            mask |= double.IsNaN(hours[i]) ? 0 : 1 << i;
        }

        writer.Write(mask);
        for (var i = 0; i < HoursPerDay; i++)
        {
            if ((mask & (1 << i)) != 0)
            {
                writer.Write(hours[i]);
            }
        }
    }

    /// <summary>Reads what <see cref="WriteHours"/> wrote; false where it is out of range.</summary>
    private static bool ReadHours(BinaryReader reader, double[] hours)
    {
        var mask = reader.ReadInt32();
        var valid = mask >= 0 && mask < 1 << HoursPerDay;
        for (var i = 0; i < HoursPerDay; i++)
        {
            hours[i] = (mask & (1 << i)) != 0 ? reader.ReadDouble() : double.NaN;
            valid &= double.IsFinite(hours[i]) || (mask & (1 << i)) == 0;
        }

        return valid;
    }

    public void Read(BinaryReader reader, string name)
    {
        _integerShare = reader.ReadDouble();
        _seen = reader.ReadInt64();
        _negative = reader.ReadBoolean();
        _aboveOne = reader.ReadBoolean();
        _zero = reader.ReadBoolean();
        _square = reader.ReadDouble();
        _mean = reader.ReadDouble();
        _lag = reader.ReadDouble();
        _previous = reader.ReadDouble();
        _learned = reader.ReadInt32();
        _settled = reader.ReadInt32();
        _up = reader.ReadDouble();
        _down = reader.ReadDouble();
        _alarmed = reader.ReadBoolean();
        _mark = reader.ReadDouble();
        _slow = reader.ReadDouble();
        _shaped = reader.ReadBoolean();
        var hoursValid = ReadHours(reader, _hourly) & ReadHours(reader, _shownLast) & ReadHours(reader, _shownBefore);

        _hour = reader.ReadInt32();
        _hourSum = reader.ReadDouble();
        _hourCount = reader.ReadInt32();
        _shownSum = reader.ReadDouble();
        _shownCount = reader.ReadInt32();
        _usual = reader.ReadDouble();
        _upSinceMs = reader.ReadInt64();
        _downSinceMs = reader.ReadInt64();
        hoursValid &= _hour >= -1 && _hour < HoursPerDay && double.IsFinite(_hourSum) && _hourCount >= 0 && double.IsFinite(_shownSum) && _shownCount >= 0;
        if (!hoursValid || !(_integerShare >= 0 && _integerShare <= 1) || _seen < 0 || !(_square >= 0) || !double.IsFinite(_square) || !double.IsFinite(_mean) || !double.IsFinite(_lag) || !double.IsFinite(_previous) || _learned < 0 || _settled < 0 || _settled > MinLearned
            || !(_up >= 0 && _up <= Math.Max(_h, 0)) || !(_down >= 0 && _down <= Math.Max(_h, 0)) || double.IsInfinity(_mark) || double.IsInfinity(_slow) || double.IsInfinity(_usual))
        {
            throw new InvalidDataException($"{name}: count shift test state out of range (written with other count_shift options?).");
        }
    }
}

/// <summary>What kind of count a series is, for the count shift test (docs/detectors.md, <c>auto</c> item 15).</summary>
internal enum CountKind
{
    /// <summary>Not a count: the test stays off.</summary>
    None,

    /// <summary>Non-negative whole numbers (events per step).</summary>
    Counts,

    /// <summary>Values in [0, 1] that have been exactly 0 (errors over requests: a step with no error).</summary>
    Ratios,
}
