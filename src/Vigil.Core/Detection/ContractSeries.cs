namespace Vigil.Core.Detection;

/// <summary>
/// The detection contract, implemented once for every univariate detector on top of its <see cref="IBaseline"/>
/// (docs/detectors.md, "The score contract"):
/// <list type="bullet">
/// <item><b>Band from history.</b> Each side's edge is the tightest of the tests, each computed before the point is seen:
/// the point edge E ± k·σ; the shift edge, where the point would push a CUSUM on r = (x − E)/σ over h
/// (E + σ·(h − S⁺ + κ), never closer than κ·σ); the variance edge, where the point would push a CUSUM on r² over h_v
/// (E ± σ·√(h_v − V + κ_v), while that is inside the clip); and the baseline's novelty edge, if it has one.</item>
/// <item><b>Score on the band.</b> <see cref="ScoreMath.FromBand"/>: the deviation over the half-width on that side,
/// exactly 1 on the edge, above 1 exactly when outside; <see cref="Verdict.Test"/> names the edge that was crossed.</item>
/// <item><b>An incident does not teach the baseline.</b> Points scoring above 1 are excluded from learning, and the
/// CUSUM stays saturated while they come, so a sustained incident keeps scoring above 1.</item>
/// <item><b>Real changes become normal.</b> An anomalous run that lasts <see cref="ContractOptions.AdaptAfter"/> (series
/// time) rebaselines from the recent points; operator feedback (<see cref="ISeriesFeedback"/>) does so at once.</item>
/// <item><b>Maturity.</b> Until the baseline says it can judge, points are <see cref="VerdictKind.Warmup"/>, never guesses.</item>
/// <item><b>Time goes forward.</b> A timestamp that does not increase is skipped as <see cref="VerdictKind.Invalid"/>
/// and never touches state (Prometheus drops such samples the same way).</item>
/// </list>
/// </summary>
internal sealed class ContractSeries : ISerializableSeriesDetector, ISeriesFeedback
{
    // 4 is the first layout under the contract; every detector's earlier layouts (1–3) predate it and are rejected.
    // 5: auto's baseline stores its working scale (transform) and buffers its warm-up; 4 is rejected, the series re-learns.
    // 6: the contract remembers whether the last point passed the near point edge (isolated-point edge), and auto's
    // baseline stores its tail's mean excess; 5 is rejected, the series re-learns.
    // 7: auto's baseline stores its daily profile (the seasonal expectation); 6 is rejected, the series re-learns.
    // 8: the contract stores the variance test's statistics; 7 is rejected, the series re-learns.
    // 9: auto's baseline stores a tail per side and whether its values are integers; 8 is rejected, the series re-learns.
    // 10: the contract stores the slow shift test, auto's baseline its learned shift; older layouts are rejected.
    // 11: the contract stores each side's routine excursions (rate, reach, count); 10 is rejected, the series re-learns.
    // 12: the slow shift test stores its daily-shape reference (offset, last shape); 10 and 11 are rejected.
    // 13: (the detect11 branch's layout, never released) the contract stored the count shift test.
    // 14: (main between two merges, never released) the contract stored the return memory.
    // 15: the contract stores the return memory (where the series was before an adapt_after rebaseline) and the count
    // shift test (dispersion, evidence, reference mark); older layouts are rejected and the series re-learns.
    // 16: (a parallel branch, never released) the count shift test stored what the series showed at each hour of the day.
    // 17: the count shift test stores what the series showed at each hour of the day (count_shift_hours), and the
    // contract, per side, the baseline's learned shift when the shift evidence last stood at 0 (shift_unlearn); older
    // layouts are rejected and the series re-learns.
    // 18: the return memory stores a count's dispersion, its levels before and after the rebaseline and the evidence
    // for the old rate (a count's return judged on counting noise); older layouts are rejected and the series re-learns.
    // 19: each side's routine excursions store the current burst's length, the learned burst length and whether the
    // burst has raised the high-water mark (routine_burst); older layouts are rejected and the series re-learns.
    // 21: the count shift test stores what the series showed at each hour of the day on its last two visits, unscaled
    // (rises judged above the higher of the two); older layouts are rejected and the series re-learns.
    // 22: the return memory stores the daily curve's value it remembers (return_curve); older layouts are rejected.
    // 23: the count shift test stores the series' usual rate (a day of memory: count_ordinary_tail's novelty floor);
    // older layouts are rejected and the series re-learns.
    // 24: the count shift test stores when each side's evidence last rose from 0 (count_run_start); older layouts are
    // rejected and the series re-learns.
    private const byte Version = 24;


    private readonly IBaseline _baseline;
    private readonly double _k;
    private readonly double _kappa;
    private readonly double _h;
    private readonly long _adaptAfterMs;
    private readonly int _quietPoints;
    private readonly bool _decorrelate;
    private readonly double _rClip;
    private readonly double _vKappa;
    private readonly double _vH;
    private readonly double _vClip;
    private readonly RecentPoints _recent = new();
    private readonly SlowShiftTest _slow;
    private readonly CountShiftTest _countShift;
    private readonly ContractOptions _options;

    // What each side routinely spikes to (isolated excursions past the near edge): an isolated point within that reach
    // on a side that spikes routinely is not a page (RoutineExcursions).
    private RoutineExcursions _routineUp;
    private RoutineExcursions _routineDown;

    // Where the series was before the last adapt_after rebaseline, for ReturnMemory (auto item 16): a return to it is
    // not judged against the incident's level.
    private ReturnMemory _return;
    private readonly long _returnMemoryMs;

    private bool _started;
    private long _lastMs;
    private double _shiftUp;
    private double _shiftDown;
    private bool _alarmed;

    // The baseline's LearnedShift when the shift evidence on each side last stood at 0 (ShiftUnlearn): at an alarm's
    // onset the baseline gives back what it learned since, so a drop it began to follow is judged against the level before.
    private double _markUp;
    private double _markDown;

    // Variance CUSUM: V = max(0, V + min(r², clip) − κ_v), capped at h_v (docs/detectors.md, "The variance test").
    private double _variance;

    // The series' own mean r² (clipped), learned from normal points: r² is judged relative to it, so the test asks "got
    // noisier than this series usually is" whatever the σ estimate's bias on heavy-tailed or autocorrelated residuals.
    private double _r2Mean = 1;
    private const double R2Alpha = 0.005;

    // Recent mean of r on normal points (about ten points): the variance test measures spread around it, so a forecast
    // that lags a smooth daily curve (residuals biased one way for hours) is not mistaken for more noise.
    private double _rMean;
    private const double RMeanAlpha = 0.1;
    private const double MinR2Mean = 0.05;

    // Whether the previous scored point lay past the near point edge (k·σ) above / below: the next point on that side is
    // then judged on the near edge even if the baseline offers a wider one for isolated points.
    private bool _nearUp;
    private bool _nearDown;

    // Lag-1 autocorrelation of the standardised residuals of normal points (EWMA of r·r₋₁ over EWMA of r²).
    private double _lagProduct;
    private double _residualSquare;
    private double _previousR;
    private long _runStartMs;
    private bool _inRun;
    private int _quiet;
    private long _rebaselinedFromMs = long.MinValue;

    public ContractSeries(IBaseline baseline, double pointK, ContractOptions options)
    {
        _baseline = baseline;
        _k = pointK;
        _kappa = options.ShiftSlack;
        _h = options.ShiftThreshold;
        _adaptAfterMs = (long)options.AdaptAfter.TotalMilliseconds;
        _quietPoints = options.AdaptQuietPoints;
        _decorrelate = options.ShiftDecorrelate;
        _rClip = options.ShiftClip > 0 ? Math.Min(options.ShiftClip, pointK) : pointK;
        _vKappa = options.VarianceSlack;
        _vH = options.VarianceThreshold;
        _vClip = options.VarianceClip;
        _slow = new SlowShiftTest(options);
        _countShift = new CountShiftTest(options);
        _options = options;
        _returnMemoryMs = (long)options.ReturnMemory.TotalMilliseconds;
    }

    internal IBaseline Baseline => _baseline;

    public Verdict Observe(long timestampMs, ReadOnlySpan<double> features)
    {
        var x = features[0];
        if (_started && timestampMs <= _lastMs)
        {
            return Verdict.Invalid;
        }

        _started = true;
        _lastMs = timestampMs;
        if (!double.IsFinite(x))
        {
            _baseline.Exclude(timestampMs, double.NaN);
            return Verdict.Invalid;
        }

        if (_countShift.Enabled)
        {
            // Whether the series looks like a count or a ratio of counts, from every value (warm-up included).
            _countShift.See(x);
        }

        if (!_baseline.TryPredict(timestampMs, out var p))
        {
            // Still maturing: the transform is undecided (identity) or fixed; the baseline learns on its working scale.
            var tw = _baseline.Transform;
            _baseline.Learn(timestampMs, tw.ToWorking(x));
            _recent.Add(timestampMs, x, double.NaN, excluded: false);
            return Verdict.Warmup(tw.FromWorking(p.Expected));
        }

        // Everything below is on the baseline's working scale (y), then the band is mapped back to values: the map is
        // strictly increasing, so "outside the mapped band" is "outside the working band".
        var t = _baseline.Transform;
        var y = t.ToWorking(x);
        var e = p.Expected;
        if (_options.ShiftUnlearn)
        {
            if (_shiftUp == 0)
            {
                _markUp = _baseline.LearnedShift;
            }

            if (_shiftDown == 0)
            {
                _markDown = _baseline.LearnedShift;
            }
        }

        // While an alarm holds, the saturated statistic is judged without the widening: an incident's points past κ·σ
        // keep scoring above 1 (the widening guards the onset against autocorrelated noise, not the incident's course).
        var inflation = _alarmed ? 1 : ShiftInflation();
        var shiftHigh = double.IsNaN(p.ShiftSigmaHigh) ? p.SigmaHigh : p.ShiftSigmaHigh;
        var shiftLow = double.IsNaN(p.ShiftSigmaLow) ? p.SigmaLow : p.ShiftSigmaLow;
        // The baseline may keep the slow shift test to the series it is meant for (auto's positive_slow_shift: a latency
        // whose slow requests size its band): elsewhere it starts afresh at every point, so it never holds evidence there.
        var slowOn = _slow.Enabled && p.SlowShiftApplies;
        if (_slow.Enabled && !slowOn)
        {
            _slow.Reset(_baseline.LearnedShift);
        }

        // An isolated point (after a point inside the near edge, outside an alarm) must pass the far tail to page on its
        // own: a latency's routine 1 % of slow requests is not an incident. Two in a row past the near edge, or an alarm
        // in progress, are judged on the near edge; sustained changes are the shift test's, which keeps the near σ.
        var alarmed = _alarmed || _slow.Alarmed || _countShift.Alarmed;
        var isolatedUp = !alarmed && !_nearUp && _shiftUp < IsolatedEvidence && !double.IsNaN(p.IsolatedSigmaHigh);
        var isolatedDown = !alarmed && !_nearDown && _shiftDown < IsolatedEvidence && !double.IsNaN(p.IsolatedSigmaLow);
        var pointHigh = isolatedUp && p.IsolatedSigmaHigh > p.SigmaHigh ? p.IsolatedSigmaHigh : p.SigmaHigh;
        var pointLow = isolatedDown && p.IsolatedSigmaLow > p.SigmaLow ? p.IsolatedSigmaLow : p.SigmaLow;
        // Novelty is a property of a level, not of one point: an isolated point never seen before (a latency's slow
        // request past the range of the normal ones, which never learned the excluded slow requests) is judged by the
        // far tail alone; a second point past the novelty edge is judged on it again (_nearUp/_nearDown below).
        var noveltyUp = p.NoveltyUpper - e;
        var noveltyDown = e - p.NoveltyLower;
        var isolatedNovelty = p.IsolatedNoveltySigma > 0;
        if (isolatedNovelty)
        {
            noveltyUp = isolatedUp ? Math.Max(noveltyUp, p.IsolatedNoveltySigma * pointHigh) : noveltyUp;
            noveltyDown = isolatedDown ? Math.Max(noveltyDown, p.IsolatedNoveltySigma * pointLow) : noveltyDown;
        }

        // The count shift test: on counts and ratios, a likelihood-ratio CUSUM on counting noise (CountShiftTest). Its
        // edges are tightened in below; it is asked first because it knows the counting law the novelty edge must respect.
        double countUp = double.PositiveInfinity, countDown = double.PositiveInfinity;
        var ordinaryUp = 0.0;
        if (_countShift.Enabled)
        {
            var countLearned = _baseline.LearnedShift;
            var hasShape = _baseline.TrySlowShape(timestampMs, out var countShape);
            (countUp, countDown) = _countShift.Edges(timestampMs, e, t.Kind == TransformKind.Identity, countLearned, hasShape, countShape);
            if (_options.CountOrdinaryTail > 0 && !alarmed && _shiftUp < IsolatedEvidence && _countShift.RiseEvidence < 0.5)
            {
                // A count's ordinary values are not an incident on their own: neither the point edge (σ learned from a quiet
                // stretch of zeros) nor the novelty edge (the largest value of the first hours, never moved since: what
                // passes it is excluded) lies below the largest value the counting law at the learned rate makes ordinary
                // (count_ordinary_tail, auto item 33). Only while no alarm holds and neither the shift test nor the count
                // test's rise side has half its evidence: a night step's 4s and 5s on a count of 0.6 are part of a rise
                // the tests have seen building, and are judged on the edges as before.
                // The point edge at the rate the series has now (a business count's night is not its midday), the novelty
                // edge at its usual rate (a ramp's new levels are still new); the latter only where it could be the edge.
                var identity = t.Kind == TransformKind.Identity;
                ordinaryUp = Math.Max(_countShift.OrdinaryPoint(e, identity, _options.CountOrdinaryTail) - e, 0);
                if (noveltyUp < Math.Max(_k * pointHigh, ordinaryUp))
                {
                    noveltyUp = Math.Max(noveltyUp, _countShift.OrdinaryNovelty(identity, _options.CountOrdinaryTail) - e);
                }
            }
        }

        var (upHalf, upTest) = Edge(pointHigh, shiftHigh, _shiftUp, noveltyUp, inflation, ordinaryUp);
        var (downHalf, downTest) = Edge(pointLow, shiftLow, _shiftDown, noveltyDown, inflation);
        // The slow shift test: against a reference that has not followed the last hour's learning (SlowShiftTest).
        double learned = 0, drift = 0, slowInflation = 1;
        if (slowOn)
        {
            learned = _baseline.LearnedShift;
            if (_slow.UsesLearnedShift)
            {
                drift = _slow.Drift(learned);
            }
            else
            {
                var hasShape = _baseline.TrySlowShape(timestampMs, out var shape);
                drift = _slow.ShapeDrift(e, hasShape, shape);
            }

            slowInflation = _slow.Inflation();
            var (slowUp, slowDown) = _slow.Edges(shiftHigh, shiftLow, drift, slowInflation);
            Tighten(ref upHalf, ref upTest, slowUp, AnomalyTest.Shift);
            Tighten(ref downHalf, ref downTest, slowDown, AnomalyTest.Shift);
        }

        if (_countShift.Enabled)
        {
            Tighten(ref upHalf, ref upTest, countUp, AnomalyTest.Shift);
            Tighten(ref downHalf, ref downTest, countDown, AnomalyTest.Shift);
        }

        // The variance edge, in r² units the same on both sides: where one more point would push V over h_v.
        var varianceR = VarianceEdge();
        var varianceBefore = _variance;
        var varianceHigh = double.IsNaN(p.VarianceSigmaHigh) ? shiftHigh : p.VarianceSigmaHigh;
        var varianceLow = double.IsNaN(p.VarianceSigmaLow) ? shiftLow : p.VarianceSigmaLow;
        // Centred on the recent mean residual, so each side is |r − r̄| = √(...) from there (and never inside κ·σ).
        var varianceUp = varianceHigh * (_rMean + varianceR);
        var varianceDown = varianceLow * (varianceR - _rMean);
        if (varianceUp < upHalf)
        {
            upHalf = Math.Max(varianceUp, _kappa * shiftHigh);
            upTest = AnomalyTest.Variance;
        }

        if (varianceDown < downHalf)
        {
            downHalf = Math.Max(varianceDown, _kappa * shiftLow);
            downTest = AnomalyTest.Variance;
        }

        // Routine excursions: an isolated point on a side that has spiked this far many times before is judged against
        // that reach, not against the range of normal values (which never held the excluded spikes) or the far tail.
        // A point that continues a routine burst (the previous point was its first or a later one, and the side's bursts
        // last this long) is judged against the same edge: a CPU's cron job is three points at 5-minute steps, not one.
        // Not while the variance test's evidence is past half its threshold (the excursions are not learned then either):
        // spikes at their usual rate never build it, the same spikes ten times as often are a variance incident.
        var routine = _options.RoutineMargin > 0;
        var routineEdge = routine && (!_options.RoutineVarianceGate || _vH <= 0 || _variance <= _vH / 2);
        var burstUp = routine && !alarmed && _nearUp && _routineUp.Continues(_options);
        var burstDown = routine && !alarmed && _nearDown && _routineDown.Continues(_options);
        var routineUp = routineEdge && (isolatedUp || burstUp) ? _routineUp.Half(_options, e, p.SigmaHigh) : 0;
        var routineDown = routineEdge && (isolatedDown || burstDown) ? _routineDown.Half(_options, -e, p.SigmaLow) : 0;
        if (routineUp > upHalf)
        {
            upHalf = routineUp;
            upTest = AnomalyTest.Point;
        }

        if (routineDown > downHalf)
        {
            downHalf = routineDown;
            downTest = AnomalyTest.Point;
        }

        // Seasonal context: a value the series showed at this phase of its last season is normal, however far it is
        // from the forecast (a daily batch job, a square wave). Known before the point arrives, so the band stays a
        // prediction. It only counts where it reaches past the point band: inside it, noise in last season's values
        // must not blunt the shift test.
        // Not on a side where the count shift test's evidence is past half its threshold: the context is about single
        // values (last season's batch job), the count test about a rate over many points, and a business count's noisy
        // midday yesterday must not forgive a drop to a third today.
        var contextUp = p.ContextUpper - e > _k * p.SigmaHigh && _countShift.RiseEvidence < 0.5;
        var contextDown = e - p.ContextLower > _k * p.SigmaLow && _countShift.Evidence < 0.5;
        if (contextUp && p.ContextUpper - e > upHalf)
        {
            upHalf = p.ContextUpper - e;
        }

        if (contextDown && e - p.ContextLower > downHalf)
        {
            downHalf = e - p.ContextLower;
        }

        // Return memory: after an anomaly became the new normal, the side towards the old level covers the old band (a
        // prediction like the seasonal context: "it may go back to where it was").
        if (_returnMemoryMs > 0)
        {
            _return.Follow(e, p.Usual);
        }

        var returning = _returnMemoryMs > 0 && _return.Active(timestampMs);
        double returnUp = 0, returnDown = 0;
        if (returning)
        {
            (returnUp, returnDown) = _return.Halves(timestampMs, _k, p.SigmaLow, p.SigmaHigh);
            upHalf = Math.Max(upHalf, returnUp);
            downHalf = Math.Max(downHalf, returnDown);
        }

        var expected = t.FromWorking(e);
        var upper = t.FromWorking(e + upHalf);
        var lower = t.FromWorking(e - downHalf);
        var score = ScoreMath.FromBand(x, expected, lower, upper);
        var anomalous = score > 1;
        var test = !anomalous ? AnomalyTest.None : x > expected ? upTest : downTest;
        var sigma = 0.5 * (t.FromWorking(e + p.SigmaHigh) - t.FromWorking(e - p.SigmaLow));
        var verdict = new Verdict(score, expected, lower, upper, VerdictKind.Scored, test, sigma);

        // A value that the seasonal context explains adds no evidence of a shift.
        var explained = !anomalous && ((contextUp && y > e + (_k * p.SigmaHigh)) || (contextDown && y < e - (_k * p.SigmaLow)));
        // Back in the old band, beyond the new near edge: explained by the return memory (no shift evidence, not a spike).
        // On a count: on the old level's side and likelier under the old rate than under the incident's (ReturnMemory).
        // Following the day: on the old curve's side of the expectation and within its band, inside the new near band as
        // well (the evening curve comes back through it, and its points must not build the shift evidence that pages).
        var back = returning && !anomalous && (_return.Counting
            ? y > e && _return.CountEvidence(y) > 0
            : _return.FollowsDay
                ? (_return.OldExpected(e) > e ? y > e : y < e)
                : y > e + (_k * p.SigmaHigh) || y < e - (_k * p.SigmaLow)) && _return.InOldBand(y, e, _k, p.SigmaLow, p.SigmaHigh);
        explained |= back;
        // A burst's later point forgiven by the routine edge: the burst is the series' routine, not evidence of a shift
        // or of more variance, and it teaches the level nothing (its first point already taught it as far as the edge).
        var routineBurst = !anomalous && ((burstUp && y > e + (_k * p.SigmaHigh)) || (burstDown && y < e - (_k * p.SigmaLow)));
        // An alarm's onset after evidence had built up on the incident's side (not a spike out of nothing).
        var onset = anomalous && !_alarmed && (y > e ? _shiftUp : _shiftDown) > 0;
        UpdateShift(explained || routineBurst ? 0 : y - e, y > e ? shiftHigh : shiftLow, anomalous, inflation);
        var unlearn = slowOn ? _slow.Update(explained ? 0 : y - e, y > e ? shiftHigh : shiftLow, drift, learned, anomalous, slowInflation) : 0;
        var varianceSigma = y > e ? varianceHigh : varianceLow;
        // Trusted as the baseline will trust this point: the count test's own evidence and the shift test's lower it.
        var countUnlearn = _countShift.Enabled ? _countShift.Update(timestampMs, y, e, anomalous, anomalous ? 0 : TrustWeight()) : 0;
        if (routine)
        {
            // Learned from isolated excursions only (the first point past the near edge after one inside it, outside an
            // alarm), in σ of that side: a sustained incident's points and the seasonal context's values are not spikes.
            // Not while the variance test's evidence is building up: a variance burst's points are the incident.
            var counts = _vH <= 0 || varianceBefore <= _vH / 2;
            var excursionUp = counts && isolatedUp && !explained && p.SigmaHigh > 0 && y > e + (_k * p.SigmaHigh) ? (y - e) / p.SigmaHigh : 0;
            var excursionDown = counts && isolatedDown && !explained && p.SigmaLow > 0 && y < e - (_k * p.SigmaLow) ? (e - y) / p.SigmaLow : 0;
            var pastUp = !explained && y > e + (_k * p.SigmaHigh);
            var pastDown = !explained && y < e - (_k * p.SigmaLow);
            var sizeUp = pastUp && p.SigmaHigh > 0 ? (y - e) / p.SigmaHigh : 0;
            var sizeDown = pastDown && p.SigmaLow > 0 ? (e - y) / p.SigmaLow : 0;
            _routineUp.Observe(excursionUp, y, e, e + (_k * p.SigmaHigh), _options, pastUp, sizeUp);
            _routineDown.Observe(excursionDown, -y, -e, -e + (_k * p.SigmaLow), _options, pastDown, sizeDown);
        }

        _nearUp = !explained && (y > e + (_k * p.SigmaHigh) || (isolatedNovelty && y > p.NoveltyUpper));
        _nearDown = !explained && (y < e - (_k * p.SigmaLow) || (isolatedNovelty && y < p.NoveltyLower));
        _recent.Add(timestampMs, x, y - e, anomalous);
        if (anomalous)
        {
            UpdateVariance(explained ? 0 : y - e, varianceSigma, anomalous: true, 0);
            var learnedAtPoint = p.ClimbReturn ? _baseline.LearnedShift : 0;
            _baseline.Exclude(timestampMs, y, test);
            // The tests that fire on the same point traced the same incident: the baseline gives back what it learned of
            // it once, as far as the farthest of them reaches, not the sum (three give-backs of one drop's build-up had
            // put a count of 20 dropping to 14 at an expectation of 24.4).
            var given = onset && _options.ShiftUnlearn ? UnlearnBuildUp(y > e, y > e ? shiftHigh : shiftLow) : 0;
            if (onset && y < e && p.ClimbReturn)
            {
                // The forecast now, after the build-up's give-back and the trend carried through this point.
                given += UnlearnClimb(y, e, e + (_baseline.LearnedShift - learnedAtPoint), shiftLow, _k * p.SigmaLow);
            }
            if (unlearn != 0)
            {
                given += UnlearnBeyond(unlearn, given);
                _slow.Rebase(_baseline.LearnedShift);
            }

            if (countUnlearn != 0)
            {
                // The count test just fired: the level goes back to where it stood before the evidence began.
                UnlearnBeyond(countUnlearn, given);
                _countShift.Rebase(_baseline.LearnedShift);
                _slow.Rebase(_baseline.LearnedShift);
            }
            if (!_inRun)
            {
                _inRun = true;
                _runStartMs = timestampMs;
                if (_options.CountRunStart && _countShift.Alarmed)
                {
                    // The count test paged after its evidence built up over the change's first points: the run (and so
                    // adapt_after and the rebaseline's points) starts where that evidence began, at most adapt_after/4
                    // back (a count that crept for hours is a drift, whose start is where it paged).
                    var since = _countShift.EvidenceSinceMs(down: y < e);
                    _runStartMs = Math.Min(timestampMs, Math.Max(since, timestampMs - (_adaptAfterMs / 4)));
                }
            }

            _quiet = 0;
            _return.Observe(timestampMs, back: false);
            if (timestampMs - _runStartMs >= _adaptAfterMs)
            {
                // The anomaly has lasted adapt_after: it is the new normal. The verdict above still reports it. Where the
                // series was before it is remembered, with the σ it was judged by then, so a return to it is recognised.
                // On a count (identity scale, dispersion known; return_memory_counts) the return is judged on counting
                // noise from the level the incident was judged against (e) and the one it moved to.
                var phi = _options.ReturnMemoryCounts && _countShift.Enabled && t.Kind == TransformKind.Identity ? _countShift.Dispersion : double.NaN;
                // A run whose median residual is within the shift test's slack found no new level (a spiky series' bursts,
                // paged one after another, kept it open): with routine_keep its routine excursions are kept.
                var keep = _options.RoutineKeep ? _kappa : 0;
                if (Rebaseline(_runStartMs, out var moved, keep * shiftLow, keep * shiftHigh) && _returnMemoryMs > 0)
                {
                    _return.Remember(moved, p.SigmaLow, p.SigmaHigh, timestampMs + _returnMemoryMs, e, phi, p.Usual);
                }
            }
        }
        else
        {
            // Trust falls as evidence of a shift accumulates, so the baseline does not learn a small shift away.
            // Zero once the evidence reaches half the threshold: past that, a shift is more likely than noise.
            var weight = TrustWeight();
            if (_slow.Alarmed || _countShift.Alarmed)
            {
                // While a slow-shift alarm holds, the incident's points inside the band do not teach the baseline either.
                weight = 0;
            }
            if (routineBurst)
            {
                weight = 0;
            }

            UpdateVariance(explained || routineBurst ? 0 : y - e, varianceSigma, anomalous: false, weight);

            // Winsorised learning: a normal point past the near edge (forgiven as an isolated point, or explained by the
            // seasonal context) teaches level and scale only as much as a point on that edge, while the baseline still
            // remembers the value itself (range, season). Routine slow requests and last season's batch job then do not
            // widen the near band or drag the level a sustained step is judged by.
            var low = e - (_k * p.SigmaLow);
            var high = e + (_k * p.SigmaHigh);
            if (_vH > 0 && _variance > _vH / 2)
            {
                // Variance evidence past half the threshold: a burst's points that stay inside the band teach level and
                // scale only as far as one σ, so the burst does not widen the band it is judged by (the burst is the
                // incident), while the level keeps following the series (freezing it made the residuals, and so the
                // evidence, grow on their own).
                low = Math.Max(low, e - varianceLow);
                high = Math.Min(high, e + varianceHigh);
            }
            var learnedBefore = _baseline.LearnedShift;
            if (y > high || y < low)
            {
                _baseline.LearnClipped(timestampMs, y, low, high, weight);
            }
            else
            {
                _baseline.Learn(timestampMs, y, weight);
            }
            if (_inRun && ++_quiet >= _quietPoints)
            {
                _inRun = false;
            }

            if (returning)
            {
                // Three points in a row back in the old band (on a count: the old rate's evidence): the series has
                // returned, and is judged against it again.
                if (_return.Counting)
                {
                    _return.ObserveCount(timestampMs, _return.CountEvidence(y));
                }
                else
                {
                    _return.Observe(timestampMs, back);
                }

                if (_return.Confirmed && _return.Counting)
                {
                    // A count's rate is back: the level goes back to the one the incident was judged against. Not a
                    // rebaseline from the few points that confirmed it: on a count of 3 those set the novelty edge at
                    // 9.5 where the series had shown 13 before, and its next ordinary burst paged.
                    var forecast = e + (_baseline.LearnedShift - learnedBefore);
                    _baseline.Unlearn(forecast - _return.OldLevel);
                    var rebased = _baseline.LearnedShift;
                    _slow.Rebase(rebased);
                    _countShift.Rebase(rebased);
                    _markUp = rebased;
                    _markDown = rebased;
                    _return.Reset();
                }
                else if (_return.Confirmed)
                {
                    Rebaseline(_return.RunStartMs);
                }
                else if (!back && ((returnUp > 0 && y > e + (_k * p.SigmaHigh)) || (returnDown > 0 && y < e - (_k * p.SigmaLow))))
                {
                    // Past the near edge towards the old level but short of (or past) its band: not a return. This point
                    // was forgiven by the widened side; the memory ends, so the next such point is judged on the near band
                    // (a level that drifts that way, or settles between the two, is a change like any other).
                    _return.Reset();
                }
            }
        }

        return verdict;
    }

    /// <summary>
    /// At an alarm's onset (ShiftUnlearn): what the baseline learned towards the incident while the evidence on its side
    /// built up is taken back, with the trend it learned from those points, when it moved the forecast by more than κ·σ.
    /// A latency that drops to a fifth is flagged after a few points, but by then the level has followed a third of the
    /// way and its trend carries it further through the alarm; the edge then meets the drop and the rest of it is
    /// learned as normal. A spike (no evidence before it) gives back nothing.
    /// </summary>
    private double UnlearnBuildUp(bool up, double sigma)
    {
        var learned = _baseline.LearnedShift;
        var amount = learned - (up ? _markUp : _markDown);
        if (!(up ? amount > _options.ShiftUnlearnMin * sigma : amount < -_options.ShiftUnlearnMin * sigma))
        {
            return 0;
        }

        Unlearn(amount);
        return amount;
    }

    // Takes a learned move back from the baseline, and rebases the tests that measure from the learned shift on it.
    private void Unlearn(double amount)
    {
        _baseline.Unlearn(amount);
        var rebased = _baseline.LearnedShift;
        _slow.Rebase(rebased);
        _countShift.Rebase(rebased);
        _markUp = rebased;
        _markDown = rebased;
    }

    /// <summary>
    /// At an alarm's onset below the expectation (auto's <c>positive_low_return</c>): where the recent points show the
    /// expectation climbed (the tenth percentile of the ring's expectations lies more than <c>shift_unlearn_min</c> σ
    /// below the forecast) and this point is back at that level (nearer it than the forecast, and inside its near lower
    /// edge: the point's lower half-width <paramref name="nearLow"/> scaled to that level, as the log-space side is), the
    /// climb is taken back with the trend that carried it. A point far below the old level is a drop, not a return, and
    /// is judged against the expectation as before. A latency ramp is learned as it climbs; its end is the series back at
    /// its usual level, and judged against the ramp's top, the shift evidence it built froze the level there and paged
    /// through the return. The point itself was judged before (its band is a prediction); the points after it are judged
    /// against the level the series left. Returns what it unlearned.
    /// </summary>
    private double UnlearnClimb(double y, double expected, double forecast, double sigma, double nearLow)
    {
        var before = _recent.ExpectationQuantile(ClimbQuantile);
        var climb = forecast - before;
        if (!(climb > Math.Max(_options.ShiftUnlearnMin, _kappa) * sigma) || !(y < before + (0.5 * climb))
            || !(y >= before - (nearLow * before / expected)))
        {
            return 0;
        }

        Unlearn(climb);
        return climb;
    }

    // Where the recent expectation stood before a climb: a low quantile, so one dip the level followed is not the reference.
    private const double ClimbQuantile = 0.1;

    /// <summary>
    /// Unlearns what <paramref name="amount"/> asks beyond what this point already gave back (<paramref name="given"/>,
    /// the same direction); returns what it unlearned.
    /// </summary>
    private double UnlearnBeyond(double amount, double given)
    {
        var rest = given == 0 || Math.Sign(amount) != Math.Sign(given) ? amount
            : Math.Abs(amount) > Math.Abs(given) ? amount - given : 0;
        if (rest != 0)
        {
            _baseline.Unlearn(rest);
        }

        return rest;
    }

    /// <summary>
    /// How much a normal point teaches the baseline: 1 − 2·S/h on the shift test's evidence (and the count shift test's,
    /// where it runs), zero from half the threshold, so a baseline does not learn a small shift away before it is flagged.
    /// </summary>
    private double TrustWeight()
    {
        var weight = _h > 0 ? Math.Max(0, 1 - (2 * Math.Max(_shiftUp, _shiftDown) / _h)) : 1;
        return _countShift.Enabled && _options.CountShiftProtect ? Math.Min(weight, Math.Max(0, 1 - (2 * _countShift.Evidence))) : weight;
    }

    /// <summary>
    /// Half-width on one side and the test that sets it: the tightest edge, never under κ·σ (the shift test's σ). The point
    /// edge is never inside <paramref name="pointFloor"/> (a count's ordinary values, item 33).
    /// </summary>
    private (double Half, AnomalyTest Test) Edge(double sigma, double shiftSigma, double cusum, double novelty, double inflation, double pointFloor = 0)
    {
        var half = Math.Max(_k * sigma, pointFloor);
        var test = AnomalyTest.Point;
        if (_h > 0)
        {
            var shift = shiftSigma * inflation * (_h - cusum + _kappa);
            Tighten(ref half, ref test, shift, AnomalyTest.Shift);
        }

        Tighten(ref half, ref test, novelty, AnomalyTest.Novelty);

        var min = _kappa * shiftSigma;
        return (Math.Max(half, min), test);
    }

    /// <summary>
    /// How much wider the CUSUM's σ must be than the point σ: √((1 + ρ) / (1 − ρ)) for lag-1 autocorrelation ρ ≥ 0 of
    /// the residuals, the long-run standard deviation of a sum of AR(1) residuals over that of independent ones. A
    /// forecast that lags a smooth daily curve leaves residuals that stay on one side for many points: summed as if
    /// independent they look like a shift every few hours. White noise (ρ ≈ 0) keeps the full sensitivity.
    /// </summary>
    private double ShiftInflation()
    {
        if (!_decorrelate || !(_residualSquare > 0))
        {
            return 1;
        }

        var rho = Math.Clamp(_lagProduct / _residualSquare, 0, MaxAutocorrelation);
        return Math.Sqrt((1 + rho) / (1 - rho));
    }

    private const double MaxAutocorrelation = 0.9;

    // A point is isolated only while the shift statistic on its side holds less than half its threshold (where normal
    // points stop being learned, see Observe): once a shift is building up or an alarm has just ended, the near edge applies.
    private double IsolatedEvidence => _h > 0 ? _h / 2 : double.PositiveInfinity;
    private const double AutocorrelationAlpha = 0.01;

    private void UpdateShift(double deviation, double sigma, bool anomalous, double inflation)
    {
        if (_h <= 0)
        {
            return;
        }

        // Standardised residual, clipped at the point edge: one spike adds at most k − κ of evidence, so a lone spike
        // cannot make the next ordinary point an alarm.
        var r = sigma > 0 ? deviation / sigma : deviation == 0 ? 0 : Math.CopySign(_rClip, deviation);
        r = Math.Clamp(r, -_rClip, _rClip);
        if (!anomalous)
        {
            // Learned from normal points only: an incident's run of same-signed residuals is not autocorrelated noise.
            _lagProduct += AutocorrelationAlpha * ((r * _previousR) - _lagProduct);
            _residualSquare += AutocorrelationAlpha * ((r * r) - _residualSquare);
            _previousR = r;
        }

        var rs = r / inflation;
        var endsAlarm = !anomalous && _alarmed && _options.AlarmEndReset;
        // AlarmEndReset: the point that ends an alarm, where it adds nothing on a side, starts that side from zero (the
        // incident is over; what it built says nothing of the noise after it).
        _shiftUp = endsAlarm && rs - _kappa <= 0 ? 0 : Math.Clamp(_shiftUp + rs - _kappa, 0, _h);
        _shiftDown = endsAlarm && -rs - _kappa <= 0 ? 0 : Math.Clamp(_shiftDown - rs - _kappa, 0, _h);
        if (anomalous)
        {
            // Saturated at h while the incident lasts: each further point past κ·σ keeps scoring above 1.
            _alarmed = true;
        }
        else if (_alarmed)
        {
            // The first normal point after an alarm halves the evidence, so the return to normal is judged against a
            // wide shift edge instead of the κ·σ one the saturated statistic would give.
            _alarmed = false;
            _shiftUp = Math.Min(_shiftUp, _h / 2);
            _shiftDown = Math.Min(_shiftDown, _h / 2);
        }
    }

    /// <summary>
    /// The variance test's edge in σ of the shift test: the |r| at which min(r², clip) − κ_v would take V over h_v,
    /// √(h_v − V + κ_v), or +∞ while that r² is beyond the clip (no single point can fire it then). Known before the
    /// point is seen, and symmetric: more variance moves points both ways.
    /// </summary>
    private double VarianceEdge()
    {
        if (_vH <= 0)
        {
            return double.PositiveInfinity;
        }

        var r2 = _vH - _variance + _vKappa;
        return r2 < _vClip ? Math.Sqrt(r2 * _r2Mean) : double.PositiveInfinity;
    }

    private void UpdateVariance(double deviation, double sigma, bool anomalous, double weight)
    {
        if (_vH <= 0)
        {
            return;
        }

        var r = sigma > 0 ? deviation / sigma : deviation == 0 ? 0 : Math.CopySign(_rClip, deviation);
        var raw = r - _rMean;
        if (!anomalous)
        {
            _rMean += RMeanAlpha * (Math.Clamp(r, -_rClip, _rClip) - _rMean);
            // Normal points only, trusted as the baseline trusts them: a burst does not become the norm it is judged by.
            _r2Mean += R2Alpha * weight * (Math.Min(raw * raw, _vClip * _r2Mean) - _r2Mean);
            _r2Mean = Math.Max(_r2Mean, MinR2Mean);
        }

        // Clipped: one spike adds at most clip − κ_v < h_v. Capped at h_v while points keep crossing the edge, so the
        // burst keeps scoring above 1 on an edge of √κ_v σ; normal points bring it down by κ_v − r² each.
        var r2 = Math.Min(raw * raw / _r2Mean, _vClip);
        _variance = Math.Clamp(_variance + r2 - _vKappa, 0, _vH);
    }

    private bool Rebaseline(long fromMs) => Rebaseline(fromMs, out _);

    /// <summary>Rebaselines from <paramref name="fromMs"/>; <paramref name="moved"/> is how far the level moved (the median residual).</summary>
    private bool Rebaseline(long fromMs, out double moved, double keepRoutineLow = 0, double keepRoutineHigh = 0)
    {
        moved = 0;
        var count = _recent.Since(fromMs);
        if (count == 0)
        {
            return false;
        }

        Span<long> ts = stackalloc long[count];
        Span<double> values = stackalloc double[count];
        Span<double> residuals = stackalloc double[count];
        _recent.CopySince(fromMs, ts, values, residuals);
        ToWorking(values);
        moved = Detectors.Seasonal.SeasonalBaseline.MedianOfFinite(residuals);
        _baseline.Rebaseline(ts, values, residuals);
        _slow.Reset(_baseline.LearnedShift);
        _return.Reset();
        _countShift.Reset(values, residuals);
        _recent.ClearExcluded(fromMs, long.MaxValue);
        _shiftUp = 0;
        _shiftDown = 0;
        // A new level: what the series spiked to around the old one says nothing about the new one's routine. A level
        // that moved by less than the caller's tolerance (routine_keep: the shift test's slack) is the old level, and
        // what the series routinely spikes to around it still holds; only the burst under way ends.
        if (moved >= -keepRoutineLow && moved <= keepRoutineHigh && (keepRoutineLow > 0 || keepRoutineHigh > 0))
        {
            _routineUp.EndBurst();
            _routineDown.EndBurst();
        }
        else
        {
            _routineUp.Reset();
            _routineDown.Reset();
        }
        _variance = 0;
        _r2Mean = 1;
        _rMean = 0;
        _alarmed = false;
        _nearUp = false;
        _nearDown = false;
        _inRun = false;
        _quiet = 0;
        _rebaselinedFromMs = fromMs;
        return true;
    }

    /// <summary>The ring keeps raw values (feedback ranges and reports are in values); the baseline learns on its scale.</summary>
    private void ToWorking(Span<double> values)
    {
        var t = _baseline.Transform;
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = t.ToWorking(values[i]);
        }
    }

    public bool ApplyFeedback(FeedbackKind kind, long fromMs, long toMs)
    {
        if (toMs < fromMs)
        {
            return false;
        }

        switch (kind)
        {
            case FeedbackKind.NewNormal:
                // Idempotent: feedback is re-applied after a restart, and the state may already hold it.
                return fromMs == _rebaselinedFromMs || Rebaseline(fromMs);
            case FeedbackKind.NotAnomaly:
                return NotAnomaly(fromMs, toMs);
            default:
                return _recent.Overlaps(fromMs, toMs);
        }
    }

    private bool NotAnomaly(long fromMs, long toMs)
    {
        if (!_recent.Overlaps(fromMs, toMs))
        {
            return false;
        }

        if (_inRun && _runStartMs <= toMs)
        {
            // The episode is still going on: its level is normal, so rebaseline from where it (or the range) began.
            Rebaseline(Math.Min(fromMs, _runStartMs));
            return true;
        }

        // A finished episode: learn the points that were held out, so the scale widens to cover such values and the
        // same excursion does not alert again. Re-applying finds nothing left to learn.
        var count = _recent.Excluded(fromMs, toMs);
        if (count > 0)
        {
            Span<long> ts = stackalloc long[count];
            Span<double> values = stackalloc double[count];
            _recent.CopyExcluded(fromMs, toMs, ts, values);
            ToWorking(values);
            for (var i = 0; i < count; i++)
            {
                _baseline.Learn(ts[i], values[i]);
            }

            _recent.ClearExcluded(fromMs, toMs);
        }

        return true;
    }

    public void WriteState(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(Version);
        writer.Write(_started);
        writer.Write(_lastMs);
        writer.Write(_shiftUp);
        writer.Write(_shiftDown);
        writer.Write(_alarmed);
        writer.Write(_markUp);
        writer.Write(_markDown);
        writer.Write(_nearUp);
        writer.Write(_nearDown);
        writer.Write(_lagProduct);
        writer.Write(_residualSquare);
        writer.Write(_previousR);
        writer.Write(_inRun);
        writer.Write(_runStartMs);
        writer.Write(_quiet);
        writer.Write(_rebaselinedFromMs);
        writer.Write(_variance);
        writer.Write(_r2Mean);
        writer.Write(_rMean);
        _routineUp.Write(writer);
        _routineDown.Write(writer);
        _return.Write(writer);
        _slow.Write(writer);
        _countShift.Write(writer);
        _recent.Write(writer);
        _baseline.Write(writer);
    }

    public void ReadState(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var version = reader.ReadByte();
        if (version != Version)
        {
            // What each older layout lacks, so the log line says why the series re-learns.
            var lacking = version switch
            {
                < 4 => "the detection contract",
                4 => "the working-scale layout",
                5 => "the isolated-point edge",
                6 => "the seasonal-profile layout",
                7 => "the variance test",
                8 => "the per-side tail",
                9 => "the slow shift test",
                10 => "the routine excursions",
                11 => "the slow shift test's daily-shape reference",
                12 => "the return memory and the count shift test",
                13 => "the return memory",
                14 => "the count shift test",
                15 => "the count shift test's hours of the day and the shift test's learned-shift marks",
                16 => "the shift test's learned-shift marks and the count-aware return memory",
                17 => "the count-aware return memory",
                18 => "the routine bursts",
                19 or 20 => "the count shift test's hours of the day as shown on the last two visits and the return memory that follows the day, and the count shift test's usual rate and evidence start",
                21 => "the return memory that follows the day, and the count shift test's usual rate and evidence start",
                22 => "the count shift test's usual rate and evidence start",
                23 => "the count shift test's evidence start",
                _ => null,
            };
            throw new InvalidDataException(lacking is null
                ? $"{_baseline.Name}: state version {version} is not supported (expected {Version})."
                : $"{_baseline.Name}: state version {version} predates {lacking} (version {Version}); the series re-learns.");
        }

        _started = reader.ReadBoolean();
        _lastMs = reader.ReadInt64();
        _shiftUp = reader.ReadDouble();
        _shiftDown = reader.ReadDouble();
        _alarmed = reader.ReadBoolean();
        _markUp = reader.ReadDouble();
        _markDown = reader.ReadDouble();
        _nearUp = reader.ReadBoolean();
        _nearDown = reader.ReadBoolean();
        _lagProduct = reader.ReadDouble();
        _residualSquare = reader.ReadDouble();
        _previousR = reader.ReadDouble();
        _inRun = reader.ReadBoolean();
        _runStartMs = reader.ReadInt64();
        _quiet = reader.ReadInt32();
        _rebaselinedFromMs = reader.ReadInt64();
        _variance = reader.ReadDouble();
        _r2Mean = reader.ReadDouble();
        _rMean = reader.ReadDouble();
        if (!(_variance >= 0 && _variance <= Math.Max(_vH, 0)) || !(_r2Mean >= MinR2Mean) || !double.IsFinite(_r2Mean) || !(Math.Abs(_rMean) <= _rClip) || !double.IsFinite(_lagProduct) || !(_residualSquare >= 0) || !double.IsFinite(_residualSquare) || !double.IsFinite(_previousR) || !double.IsFinite(_markUp) || !double.IsFinite(_markDown)
            || !(_shiftUp >= 0 && _shiftUp <= _h) || !(_shiftDown >= 0 && _shiftDown <= _h) || _quiet < 0 || _quiet > _quietPoints)
        {
            throw new InvalidDataException($"{_baseline.Name}: contract state out of range (written with other shift options?).");
        }

        _routineUp.Read(reader, _baseline.Name);
        _routineDown.Read(reader, _baseline.Name);
        _return.Read(reader, _baseline.Name);
        _slow.Read(reader, _baseline.Name);
        _countShift.Read(reader, _baseline.Name);
        _recent.Read(reader, _baseline.Name);
        _baseline.Read(reader);
    }

    /// <summary>Each side's edge is the tightest of the tests: <paramref name="edge"/> replaces the half-width if closer.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void Tighten(ref double half, ref AnomalyTest test, double edge, AnomalyTest which)
    {
        if (edge < half)
        {
            half = edge;
            test = which;
        }
    }
}
