namespace Vigil.Core.Detection;

/// <summary>
/// The parameters of the detection contract that every univariate detector shares (docs/detectors.md, "The score
/// contract"): the shift test, the variance test and how long an anomaly may last before it becomes the new normal. Read by each detector
/// factory with <see cref="Read"/>, so the names and defaults are the same for every type.
/// </summary>
public sealed record ContractOptions
{
    public const string ShiftSlackKey = "shift_slack";
    public const string ShiftThresholdKey = "shift_threshold";
    public const string AdaptAfterKey = "adapt_after";
    public const string AdaptQuietKey = "adapt_quiet";
    public const string ShiftDecorrelateKey = "shift_decorrelate";
    public const string ShiftClipKey = "shift_clip";
    public const string VarianceSlackKey = "variance_slack";
    public const string VarianceThresholdKey = "variance_threshold";
    public const string VarianceClipKey = "variance_clip";
    public const string SlowShiftSlackKey = "slow_shift_slack";
    public const string SlowShiftThresholdKey = "slow_shift_threshold";
    public const string SlowShiftWindowKey = "slow_shift_window";
    public const string SlowShiftClipKey = "slow_shift_clip";
    public const string SlowShiftReferenceKey = "slow_shift_reference";
    public const string SlowShiftDownOnlyKey = "slow_shift_down_only";
    public const string RoutineMarginKey = "routine_margin";
    public const string RoutineRateKey = "routine_rate";
    public const string RoutineCountKey = "routine_count";
    public const string RoutineWindowKey = "routine_window";
    public const string RoutineBurstKey = "routine_burst";
    public const string RoutineKeepKey = "routine_keep";
    public const string AlarmEndResetKey = "alarm_end_reset";
    public const string RoutineBurstReachKey = "routine_burst_reach";
    public const string RoutineVarianceGateKey = "routine_variance_gate";
    public const string ReturnMemoryKey = "return_memory";
    public const string ReturnMemoryCountsKey = "return_memory_counts";
    public const string CountRunStartKey = "count_run_start";
    public const string CountShiftThresholdKey = "count_shift_threshold";
    public const string CountShiftPowerKey = "count_shift_power";
    public const string CountShiftMaxCountKey = "count_shift_max_count";
    public const string CountShiftRisesKey = "count_shift_rises";
    public const string CountShiftProtectKey = "count_shift_protect";
    public const string CountShiftDayKey = "count_shift_day";
    public const string ShiftUnlearnKey = "shift_unlearn";
    public const string ShiftUnlearnMinKey = "shift_unlearn_min";
    public const string CountShiftRiseClipKey = "count_shift_rise_clip";
    public const string CountShiftHoursKey = "count_shift_hours";
    public const string CountShiftRiseMinKey = "count_shift_rise_min";
    public const string CountOrdinaryTailKey = "count_ordinary_tail";

    public static ContractOptions Default { get; } = new();

    /// <summary>
    /// The default of the single-model detectors (all but <c>auto</c>): the shift test is off (h = 0) unless configured,
    /// because their expectation lags a trend or daily curve by design (a window mean, a slow EWMA), and a CUSUM on that
    /// lag fired dozens of times an hour on the demo's request curve. <c>shift_threshold</c> turns it on.
    /// </summary>
    public static ContractOptions WithoutShift { get; } = new() { ShiftThreshold = 0 };

    /// <summary>
    /// CUSUM slack κ, in σ: residuals smaller than this never accumulate evidence, and the shift band is never narrower
    /// than κ·σ. Default 1: shifts of about 2σ per point are caught within about 10 points (a 30 % drop of a count of 50
    /// a minute). Smaller slacks catch smaller shifts but fire on the slightly autocorrelated residuals a forecast
    /// leaves on smooth seasonal series (0.5 raised hundreds of alerts on a clean daily sine).
    /// </summary>
    public double ShiftSlack { get; init; } = 1.0;

    /// <summary>
    /// CUSUM decision threshold h, in σ; 0 disables the shift test. Default 10: with κ = 1 the in-control run length on
    /// Gaussian noise is far beyond a series-year a side (Siegmund's approximation), and a 2σ shift is caught after
    /// about 11 points.
    /// </summary>
    public double ShiftThreshold { get; init; } = 10;

    /// <summary>
    /// How long (in the series' own timestamps) an anomaly may last before the detector takes it as the new normal and
    /// rebaselines from the points since it began. Default 3 hours.
    /// </summary>
    public TimeSpan AdaptAfter { get; init; } = TimeSpan.FromHours(3);

    /// <summary>
    /// Consecutive normal points that end an anomalous run for adaptation. Default 10 (an episode's quiet count). Longer
    /// (e.g. 60) makes a baseline that is wrong, with a shift the test flags every few minutes and normal points in
    /// between, count as one long anomaly that is rebaselined after <see cref="AdaptAfter"/> instead of staying wrong.
    /// </summary>
    public int AdaptQuietPoints { get; init; } = EpisodeTracker.DefaultQuietPoints;

    /// <summary>
    /// Whether the shift test widens its σ by the residuals' lag-1 autocorrelation (√((1 + ρ)/(1 − ρ)), ρ learned from
    /// normal points), so a forecast lagging a smooth curve does not look like a shift. Default true.
    /// </summary>
    public bool ShiftDecorrelate { get; init; } = true;

    /// <summary>
    /// The shift test's standardised residuals are clipped at ± this many σ (0 = at the point band's k, the default):
    /// a heavy-tailed series' single large deviations then add little evidence of a shift.
    /// </summary>
    public double ShiftClip { get; init; }

    /// <summary>
    /// Variance CUSUM slack κ_v, in σ²: each point adds min(r², <see cref="VarianceClip"/>) − κ_v of evidence that the
    /// series got noisier (r the standardised residual on the shift test's σ). Gaussian noise adds 1 on average, so the
    /// statistic drifts down by κ_v − 1 per point in control; noise three times as wide adds about 9 − κ_v. Default 4.
    /// </summary>
    public double VarianceSlack { get; init; } = 4;

    /// <summary>
    /// Variance CUSUM decision threshold h_v, in σ²; 0 (the default here, for every type but <c>auto</c>) disables the
    /// variance test. <c>auto</c> uses 150 (docs/detectors.md, "The variance test").
    /// </summary>
    public double VarianceThreshold { get; init; }

    /// <summary>
    /// Largest r² one point adds to the variance statistic, relative to the series' own mean r² (default 36, i.e. 6σ):
    /// one huge spike adds at most clip − κ_v, less than h_v, so it cannot fire the test alone; spikes that come more
    /// often than about one in (clip − κ_v)/(κ_v − 1) points can.
    /// </summary>
    public double VarianceClip { get; init; } = 36;

    /// <summary>
    /// Slow shift test slack κ_s, in σ (docs/detectors.md, "The slow shift test"): residuals against the slow reference
    /// smaller than this add no evidence. Default 0.5: a shift of 1.3σ per point adds about 0.8 a point.
    /// </summary>
    public double SlowShiftSlack { get; init; } = 0.5;

    /// <summary>Slow shift test threshold h_s, in σ; 0 (the default here, for every type but <c>auto</c>) disables it.</summary>
    public double SlowShiftThreshold { get; init; }

    /// <summary>
    /// How many points the slow reference takes to follow what the baseline learned (the memory of its average, in
    /// points). Default 60: an hour at one-minute steps.
    /// </summary>
    public int SlowShiftWindow { get; init; } = 60;

    /// <summary>Largest |z| one point adds to the slow statistic, in σ (default 3): one spike cannot fire it alone.</summary>
    public double SlowShiftClip { get; init; } = 3;

    /// <summary>
    /// The slow shift test's reference (docs/detectors.md, "The slow shift test"): 0 (default) the forecast minus what
    /// learning moved it recently (detect8); 1 the daily profile's shape at this phase plus a slow offset where the
    /// baseline has learned the day, else a slow level without trend; 2 the profile's shape only (the test stands down
    /// where the baseline has no day that explains the series); 3 the profile's shape where it explains the day, a slow
    /// level where the baseline has shown there is no day, off until it knows.
    /// </summary>
    public int SlowShiftReference { get; init; }

    /// <summary>Whether the slow shift test looks only for drops (1) or both ways (0, default).</summary>
    public bool SlowShiftDownOnly { get; init; }

    /// <summary>
    /// Routine excursions (docs/detectors.md, <c>auto</c> item 14): an isolated point on a side that spikes routinely is
    /// judged against this many times the reach of that side's isolated excursions (0 = off; the default here, and for
    /// every type without an isolated-point edge).
    /// </summary>
    public double RoutineMargin { get; init; }

    /// <summary>Least rate of isolated excursions, per point, for a side to count as spiking routinely (default 0.002: about three a day at one-minute steps).</summary>
    public double RoutineRate { get; init; } = 0.002;

    /// <summary>Least number of isolated excursions seen before a side can count as spiking routinely (default 10).</summary>
    public int RoutineCount { get; init; } = 10;

    /// <summary>Memory of the excursion rate, in points (default 1440: a day at one-minute steps).</summary>
    public int RoutineWindow { get; init; } = 1440;

    /// <summary>
    /// Routine bursts (docs/detectors.md, <c>auto</c> item 25): the most points a routine excursion may last and still be
    /// judged against the routine edge (its first point is the isolated excursion; each further point past the near edge
    /// is forgiven within that edge while the side's bursts have lasted that long), 0 or 1 = off (the default): a CPU
    /// gauge whose cron job runs 10–15 minutes at 5-minute steps puts three points in a row past the near edge.
    /// </summary>
    public int RoutineBurst { get; init; }

    /// <summary>
    /// Whether an <see cref="AdaptAfter"/> rebaseline that moved the level by less than the shift test's slack (κ σ of
    /// that side) keeps the routine excursions (docs/detectors.md, <c>auto</c> item 25; default off: every rebaseline
    /// forgets them). A spiky series whose bursts page a few hours apart keeps one anomalous run open (it ends only after
    /// <see cref="AdaptQuietPoints"/> normal points), and its rebaseline at the old level used to forget its spikes.
    /// </summary>
    public bool RoutineKeep { get; init; }

    /// <summary>
    /// Whether the first normal point after an alarm that brings no evidence on a side ends that side's shift evidence
    /// (detect21; default off: the evidence is halved, to h/2). A request rate that came back from a 90-minute drop to
    /// its expectation kept half the threshold of evidence on the drop's side, and two ordinary −3σ points of its noisy
    /// evening paged again 12 minutes after the return.
    /// </summary>
    public bool AlarmEndReset { get; init; }

    /// <summary>
    /// Whether a routine burst's later point larger than the reach moves the reach by one more step (once per burst;
    /// opt-in, default off): a burst's size is its peak, not its first partial 5-minute average. It quiets more synthetic
    /// bursts but costs the NAB leave-one-category-out mean (docs/benchmarks.md, detect18).
    /// </summary>
    public bool RoutineBurstReach { get; init; }

    /// <summary>
    /// Whether the routine edge stands down while the variance test's evidence is past half its threshold (default off;
    /// <c>auto</c> on): spikes at their usual rate never build that evidence, the same spikes far denser do, and those are a
    /// variance incident rather than routine (docs/detectors.md, <c>auto</c> item 25).
    /// </summary>
    public bool RoutineVarianceGate { get; init; }

    /// <summary>
    /// How long after an <see cref="AdaptAfter"/> rebaseline a return to the level before the incident is recognised
    /// (docs/detectors.md, <c>auto</c> item 16): the side towards the old level covers its old
    /// band, and three points in a row there rebaseline back to it. Zero (the default here) turns it off.
    /// </summary>
    public TimeSpan ReturnMemory { get; init; }

    /// <summary>
    /// Whether the return memory judges a count's return on counting noise (1) after an adapted drop of a count or a
    /// ratio of counts (docs/detectors.md, <c>auto</c> item 16): the evidence for the old rate over the incident's,
    /// points that favour it explained, the level put back when it is confirmed. 0 (default) judges every series on its
    /// bands; measured as a trade (docs/benchmarks.md, detect16).
    /// </summary>
    public bool ReturnMemoryCounts { get; init; }

    /// <summary>
    /// Whether an anomalous run that the count shift test opens starts, for <see cref="AdaptAfter"/>, where that test's
    /// evidence on the run's side last rose from 0 (at most <see cref="AdaptAfter"/>/4 before the page) instead of at the
    /// page (docs/detectors.md, <c>auto</c> item 36). A business count that dropped to a third was paged 20 minutes
    /// into the drop (the test needs that many points at a count of 5) and was rebaselined 3 h 20 min after the change:
    /// the drop's adapt_after counts from the change, as the operator's clock does.
    /// </summary>
    public bool CountRunStart { get; init; }

    /// <summary>
    /// Count shift test threshold (docs/detectors.md, <c>auto</c> item 15), in log-likelihood-ratio units; 0 (the default
    /// here, and for every baseline that does not recognise counts) disables it.
    /// </summary>
    public double CountShiftThreshold { get; init; }

    /// <summary>
    /// The evidence per point the count shift test is tuned to (its alternative rate ρ solves λ·(1 − ρ)²/2 = power):
    /// smaller values watch for smaller changes and take longer. Default 0.3.
    /// </summary>
    public double CountShiftPower { get; init; } = 0.3;

    /// <summary>
    /// Largest effective count (expectation over dispersion) on which the count shift test runs (default 50): above it
    /// counting noise is nearly Gaussian and the point σ already describes it.
    /// </summary>
    public double CountShiftMaxCount { get; init; } = 50;

    /// <summary>
    /// Whether the count shift test also looks for rises (1; <c>auto</c>'s default since detect20) or only for drops (0,
    /// default here): a ×3 step on a count of 2 a minute is inside its heavy-tail point band on most of its points, and
    /// only accumulated counting evidence holds it.
    /// </summary>
    public bool CountShiftRises { get; init; }

    /// <summary>
    /// Whether the count shift test's evidence lowers how much normal points teach the baseline (1 − 2·S/h, as the shift
    /// test's does; 1, default) or only its alarm stops learning (0).
    /// </summary>
    public bool CountShiftProtect { get; init; } = true;

    /// <summary>
    /// Whether the count shift test waits until the baseline knows the series' day (1, default): its daily shape is
    /// learned, or it is known to have none a flat level misses. Until then the test's slow reference cannot tell the
    /// evening decline of a daily curve from a drop (business counts: 0.67 false episodes per series-day without the
    /// wait, 0 with it, docs/benchmarks.md). 0 runs it from its 60th learned point.
    /// </summary>
    public bool CountShiftDay { get; init; } = true;

    /// <summary>
    /// Whether an alarm's onset takes back what the baseline learned while the shift evidence on that side was building
    /// (detect14; 0, default here): the level that followed the first points of a drop, and the trend it learned from
    /// them, go back to where they stood when the evidence last stood at 0, so the incident is judged against the level
    /// before it until <see cref="AdaptAfter"/> and the return to that level scores normal.
    /// </summary>
    public bool ShiftUnlearn { get; init; }

    /// <summary>
    /// The least move (in σ of the side, default 1 = κ) <see cref="ShiftUnlearn"/> takes back: below it, giving back a
    /// latency's small build-ups zeroed its trend after every tail record and raised false alarms (docs/benchmarks.md, detect14).
    /// </summary>
    public double ShiftUnlearnMin { get; init; } = 1;

    /// <summary>
    /// Where the count shift test's rise side bounds a point (docs/detectors.md, <c>auto</c> item 15): at the alternative
    /// rate plus this many of its counting σ, so a routine burst adds one point's worth of evidence, not a rise's.
    /// 0 (default) does not bound it.
    /// </summary>
    public double CountShiftRiseClip { get; init; }

    /// <summary>
    /// The least reference rate, in effective events per step, at which the count shift test's rise side runs
    /// (docs/detectors.md, <c>auto</c> item 32). Default 1, as the drop side: below one event a step a drop takes hours
    /// to show, but a rise to several events a step shows within minutes (a business count's night step ×3 from 0.6 a
    /// minute).
    /// </summary>
    public double CountShiftRiseMin { get; init; } = 1;

    /// <summary>
    /// On a count or a ratio of counts (as the count shift test recognises them), neither the point edge nor the novelty
    /// edge lies below the largest value the counting law at the learned rate reaches with more than this probability per
    /// point (docs/detectors.md, <c>auto</c> item 33; 0 = off, the default; 1e-4 measured and recommended): a flat error
    /// count of 0.6 a minute shows a 4 five times a day, and a record of that noise is not a level never seen before.
    /// </summary>
    public double CountOrdinaryTail { get; init; }

    /// <summary>
    /// Whether the count shift test runs before the baseline knows the series' day (1), judging a drop only against
    /// levels the series showed at this hour and the next on its last visit there, and a rise only above them; 0
    /// (default) waits for the day as <see cref="CountShiftDay"/> says.
    /// </summary>
    public bool CountShiftHours { get; init; }

    /// <summary>Reads the contract parameters from <paramref name="p"/> (before its <c>RejectUnknown</c>), falling back to <paramref name="defaults"/>.</summary>
    public static ContractOptions Read(DetectorParameters p, ContractOptions? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(p);
        var d = defaults ?? Default;
        return new ContractOptions
        {
            ShiftSlack = p.ReadDouble(ShiftSlackKey, d.ShiftSlack, 0, 100),
            ShiftThreshold = p.ReadDouble(ShiftThresholdKey, d.ShiftThreshold, 0, 1000),
            AdaptAfter = p.ReadDuration(AdaptAfterKey, d.AdaptAfter, TimeSpan.FromSeconds(1), TimeSpan.FromDays(365)),
            ShiftClip = p.ReadDouble(ShiftClipKey, d.ShiftClip, 0, 100),
            ShiftDecorrelate = p.ReadFlag(ShiftDecorrelateKey, d.ShiftDecorrelate),
            AdaptQuietPoints = p.ReadInt(AdaptQuietKey, d.AdaptQuietPoints, 1, 100_000),
            VarianceSlack = p.ReadDouble(VarianceSlackKey, d.VarianceSlack, 1, 100),
            VarianceThreshold = p.ReadDouble(VarianceThresholdKey, d.VarianceThreshold, 0, 10_000),
            VarianceClip = p.ReadDouble(VarianceClipKey, d.VarianceClip, 1, 10_000),
            SlowShiftSlack = p.ReadDouble(SlowShiftSlackKey, d.SlowShiftSlack, 0.01, 100),
            SlowShiftThreshold = p.ReadDouble(SlowShiftThresholdKey, d.SlowShiftThreshold, 0, 1000),
            SlowShiftWindow = p.ReadInt(SlowShiftWindowKey, d.SlowShiftWindow, 1, 100_000),
            SlowShiftClip = p.ReadDouble(SlowShiftClipKey, d.SlowShiftClip, 0.1, 100),
            SlowShiftReference = p.ReadInt(SlowShiftReferenceKey, d.SlowShiftReference, 0, 3),
            SlowShiftDownOnly = p.ReadFlag(SlowShiftDownOnlyKey, d.SlowShiftDownOnly),
            RoutineMargin = p.ReadDouble(RoutineMarginKey, d.RoutineMargin, 0, 100),
            RoutineRate = p.ReadDouble(RoutineRateKey, d.RoutineRate, 0, 1),
            RoutineCount = p.ReadInt(RoutineCountKey, d.RoutineCount, 1, 1000),
            RoutineWindow = p.ReadInt(RoutineWindowKey, d.RoutineWindow, 1, 10_000_000),
            RoutineBurst = p.ReadInt(RoutineBurstKey, d.RoutineBurst, 0, 60),
            RoutineKeep = p.ReadFlag(RoutineKeepKey, d.RoutineKeep),
            AlarmEndReset = p.ReadFlag(AlarmEndResetKey, d.AlarmEndReset),
            RoutineBurstReach = p.ReadFlag(RoutineBurstReachKey, d.RoutineBurstReach),
            RoutineVarianceGate = p.ReadFlag(RoutineVarianceGateKey, d.RoutineVarianceGate),
            ReturnMemory = p.ReadDuration(ReturnMemoryKey, d.ReturnMemory, TimeSpan.Zero, TimeSpan.FromDays(365)),
            ReturnMemoryCounts = p.ReadFlag(ReturnMemoryCountsKey, d.ReturnMemoryCounts),
            CountRunStart = p.ReadFlag(CountRunStartKey, d.CountRunStart),
            CountShiftThreshold = p.ReadDouble(CountShiftThresholdKey, d.CountShiftThreshold, 0, 1000),
            CountShiftPower = p.ReadDouble(CountShiftPowerKey, d.CountShiftPower, 0.001, 100),
            CountShiftMaxCount = p.ReadDouble(CountShiftMaxCountKey, d.CountShiftMaxCount, 0.001, 1e9),
            CountShiftRises = p.ReadFlag(CountShiftRisesKey, d.CountShiftRises),
            CountShiftProtect = p.ReadFlag(CountShiftProtectKey, d.CountShiftProtect),
            CountShiftDay = p.ReadFlag(CountShiftDayKey, d.CountShiftDay),
            ShiftUnlearn = p.ReadFlag(ShiftUnlearnKey, d.ShiftUnlearn),
            ShiftUnlearnMin = p.ReadDouble(ShiftUnlearnMinKey, d.ShiftUnlearnMin, 0, 100),
            CountShiftRiseClip = p.ReadDouble(CountShiftRiseClipKey, d.CountShiftRiseClip, 0, 100),
            CountShiftRiseMin = p.ReadDouble(CountShiftRiseMinKey, d.CountShiftRiseMin, 0.1, 50),
            CountShiftHours = p.ReadFlag(CountShiftHoursKey, d.CountShiftHours),
            CountOrdinaryTail = p.ReadDouble(CountOrdinaryTailKey, d.CountOrdinaryTail, 0, 0.1),
        };
    }
}
