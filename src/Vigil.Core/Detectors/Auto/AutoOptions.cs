using Vigil.Core.Detection;

namespace Vigil.Core.Detectors.Auto;

/// <summary>
/// Options of <c>auto</c>, the default detector (docs/detectors.md explains each mechanism). Every default is one
/// global setting chosen by leave-one-category-out cross-validation on NAB's DEV data (docs/benchmarks.md); none is per series.
/// </summary>
public sealed record AutoOptions
{
    /// <summary>Points learned before the first verdict; earlier points are <see cref="VerdictKind.Warmup"/>. Default 48.</summary>
    public int MinPoints { get; init; } = 48;

    /// <summary>
    /// Weight of the newest normal point's error in the level (Holt's α). Default 0.2: the level follows a daily curve
    /// closely; the shift test's weight (learning slows as evidence accumulates) keeps it from learning a small shift away.
    /// </summary>
    public double LevelAlpha { get; init; } = 0.2;

    /// <summary>Share of the level correction that goes into the trend (Holt's β in error-correction form). Default 0.05.</summary>
    public double TrendBeta { get; init; } = 0.05;

    /// <summary>Trend damping per step: a trend fades instead of being extrapolated for ever. Default 0.95.</summary>
    public double TrendDamping { get; init; } = 0.95;

    /// <summary>Weight of the newest normal residual in the scale on each side. Default 0.02 (about 50 points of memory).</summary>
    public double ScaleAlpha { get; init; } = 0.02;

    /// <summary>Point band half-width, in σ of that side. Default 5 (6 scores better on NAB DEV but raised 72 alarms in a week of a clean 5-minute daily sine).</summary>
    public double K { get; init; } = 5;

    /// <summary>Scale floor as a fraction of the range of normal values seen so far: quantised or flat series do not score every wiggle. Default 0.01.</summary>
    public double RangeFloor { get; init; } = 0.01;

    /// <summary>Whether the novelty edge (all-time extreme plus a tolerance) is one of the band's edges. Default true.</summary>
    public bool Novelty { get; init; } = true;

    /// <summary>Fraction of the range by which a value must pass the all-time min/max of normal values to be novel. Default 0.1.</summary>
    public double NoveltyTolerance { get; init; } = 0.1;

    /// <summary>Points learned before the novelty edge applies (the range must be known first). Default 300.</summary>
    public int NoveltyMinPoints { get; init; } = 300;

    /// <summary>The novelty edge is never closer to the expectation than this many σ: a trend passing its old extreme slowly does not alert. Default 2.</summary>
    public double NoveltyMinSigma { get; init; } = 2;

    /// <summary>
    /// Points buffered to detect a season by autocorrelation (as <c>holt_winters</c> does); seasons up to half of this are
    /// found. Default 600 (two days at 5-minute steps). Stored as 4-byte floats, released after detection.
    /// </summary>
    public int FitPoints { get; init; } = 600;

    /// <summary>Points either side of "one season ago" that the seasonal context looks at; −1 disables it. Default 2.</summary>
    public int SeasonSlack { get; init; } = 2;

    /// <summary>The seasonal context covers last season's values ± this many σ. Default 2.</summary>
    public double SeasonK { get; init; } = 2;

    /// <summary>
    /// The daily context (detect15; 0 = off): once the daily profile has seen this time of day on an earlier day, a value
    /// within its forecast ± this many of its σ is normal where that reaches past the point edge, whether or not the
    /// profile is the expectation. A request rate whose evening curve comes back after a missing peak or a drop, against a
    /// Holt level that followed the incident or froze before the curve's fall, is back at what this time of day looks like.
    /// </summary>
    public double DailyContext { get; init; }

    public const string TransformAuto = "auto";
    public const string TransformNone = "none";
    public const string TransformCounts = "counts";
    public const string TransformLog = "log";

    /// <summary>
    /// The working scale the baseline learns on (docs/detectors.md, "Working scale"): <c>none</c> (default: values as
    /// they are; <c>auto</c> is not the default yet, it raised false alarms on clean daily curves), <c>auto</c> chooses from
    /// the warm-up values: non-negative integers → <c>counts</c> (Anscombe square root), other non-negative series →
    /// <c>log</c> (asinh with a knee at <see cref="LogKnee"/> × the warm-up median), anything negative → <c>none</c>.
    /// </summary>
    public string Transform { get; init; } = TransformNone;

    /// <summary>Where the log scale turns linear, as a fraction of the warm-up median: values well below it are judged on their absolute spread. Default 0.1.</summary>
    public double LogKnee { get; init; } = 0.1;

    /// <summary>Whether σ is at least that of a Gaussian with the series' streaming 99th percentile of |error| (the heavy-tail term).</summary>
    public bool HeavyTail { get; init; } = true;

    /// <summary>Errors fed to the scale are clipped at this many σ of their side (Huber); 0 (default) turns clipping off.</summary>
    public double ScaleClip { get; init; }

    /// <summary>
    /// The heavy-tail quantile moves by at least this fraction of itself per step (0 = by the mean |error| only).
    /// Default 0.2: a tail learned in a burst comes down within a few hundred normal points even where the series then
    /// goes flat (with the mean |error| alone it never did, and a flat gauge kept a σ of a third of its level).
    /// </summary>
    public double TailStep { get; init; } = 0.2;

    /// <summary>A routine spike moves the heavy-tail quantile by at least this fraction of its own deviation (0 = off).</summary>
    public double SpikeStep { get; init; }

    /// <summary>Whether σ is also at least the 99.9th percentile of |error| over 3.29 (the far-tail term). Default false: it ends the latency false alarms but widens every band (scenario detection 80 % → 55 %).</summary>
    public bool FarTail { get; init; }

    /// <summary>
    /// Whether an isolated point (one following a point inside the near point edge, outside an alarm, with less than
    /// half the shift threshold of evidence on its side) is judged on the far tail: σ at least the estimated 99.9th
    /// percentile of |error| over 3.29, the 99th percentile plus ln 10 mean excesses over it. A second point in a row
    /// past the near edge, and every point of an alarm, keep the near σ. Default true: routine isolated excursions of a
    /// heavy-tailed series stop paging one by one, a sustained step still alarms by its second point. On a series with
    /// Gaussian errors both σ are about the same.
    /// </summary>
    public bool IsolatedFarTail { get; init; } = true;

    /// <summary>
    /// Whether the heavy-tail quantile and its mean excess are learned per side (the upper side's from positive errors,
    /// the lower side's from negative ones) instead of from |error|. Default true: a latency's slow requests widen only
    /// the band above it, so a drop to a fraction of its level is judged on its ordinary noise (docs/detectors.md, item 11).
    /// </summary>
    public bool SideTail { get; init; }

    /// <summary>
    /// For an isolated point, the novelty edge lies at least this many far-tail σ from the expectation (0 = off; the
    /// point edge is k of them): one point past the range of normal values must also pass the far tail, a second point
    /// in a row past the novelty edge is judged on it again. A latency's routine slow request is not a level never seen before.
    /// </summary>
    public double IsolatedNovelty { get; init; }

    /// <summary>
    /// Whether, on a series whose values have all been integers, the novelty edges lie half-way between integers
    /// (rounded outwards), so a count can never sit exactly on one. Default true.
    /// </summary>
    public bool IntegerEdges { get; init; } = true;

    /// <summary>Whether the shift test standardises by the core spread of each side (without the heavy-tail terms). Default false.</summary>
    public bool CoreShiftSigma { get; init; }

    /// <summary>
    /// Whether the lower side of a positive series whose symmetric band reaches down to zero is sized by its own lower
    /// spread in log space (detect14; default true since session 11, with <see cref="PositiveLowShift"/>,
    /// <see cref="PositiveLowDips"/> and <see cref="PositiveLowReturn"/>: docs/benchmarks.md, "Final main after session 11").
    /// </summary>
    public bool PositiveLow { get; init; } = true;

    /// <summary>
    /// A level the upper tail cannot drag (detect17; 0 = off): the error that teaches the Holt level and trend is clipped
    /// at this many core σ of its side (2.5066 × that side's mean error, without the heavy-tail terms). A latency's slow
    /// requests, learned winsorised at the near edge that its own tail puts far out, moved the level by α × that edge
    /// (a third of the level) and the trend with it; clipped, one slow request moves it by at most α·c core σ.
    /// </summary>
    public double RobustLevel { get; init; }

    /// <summary>
    /// With <see cref="PositiveLow"/>, whether the shift test's lower σ is the log-space spread mapped at one σ,
    /// E·(1 − exp(−σ_log)), instead of the point edge's E·(1 − exp(−k·σ_log))/k (detect17; 0 = off). The point edge's
    /// σ is sized for k σ and is two thirds of the lower side's ordinary spread at one σ, so the CUSUM summed ordinary
    /// noise below a latency's level as evidence. Default true since session 11.
    /// </summary>
    public bool PositiveLowShift { get; init; } = true;

    /// <summary>
    /// With <see cref="PositiveLow"/>, whether a point excluded below the expectation is kept out of the symmetric
    /// heavy tail (detect17; 0 = off): the lower side is sized in log space, and a burst's deep dips counted as tail
    /// exceedances widened the band above, where a ×2.7 step then stayed inside it.
    /// </summary>
    public bool PositiveLowTail { get; init; }

    /// <summary>
    /// With <see cref="PositiveLow"/>, whether a point excluded below the expectation counts as an exceedance of the
    /// symmetric heavy tail only where it passes it (detect22; 0 = every excluded point counts, as before). The log-space
    /// lower side excludes a latency's dips long before they reach the tail its slow requests set, and each dip counted
    /// as an exceedance raised that tail by a fifth: a burst's dips widened the band above, and a ×2.7 step after it
    /// stayed inside. A dip that does pass the tail still counts, so a series that routinely dips keeps its band. Default
    /// true since session 11.
    /// </summary>
    public bool PositiveLowDips { get; init; } = true;

    /// <summary>
    /// With <see cref="PositiveLow"/>, whether an alarm's onset below the expectation, on a point where the log-space
    /// lower side sizes the band, takes back a climb the level learned over the recent points when the point lies back at
    /// the level from before that climb (detect26; 0 = off). A latency ramp (×2.3 over 85 minutes) is learned by the
    /// level as it climbs; at its end the series is back at its usual level, a drop against the ramp's top, and the shift
    /// evidence that drop builds freezes the level there, so the tight log-space side paged again and again through the
    /// return. The level goes back to the tenth percentile of the expectation over the recent points (the contract's ring
    /// of 192), the level the series left. Default true since session 11.
    /// </summary>
    public bool PositiveLowReturn { get; init; } = true;

    /// <summary>
    /// Whether the contract's slow shift test (<c>slow_shift_threshold</c>) judges only the points where
    /// <see cref="PositiveLow"/> sizes the lower side, i.e. a positive series whose heavy right tail (a latency's slow
    /// requests) sizes its symmetric band down to zero (detect19; 0 = every point). There the fast Holt level follows a
    /// ×0.5 drop or a ×1.5 level shift (2–4 body σ) before the CUSUM on its residuals fires; the slow test's reference does
    /// not follow the last hour. Elsewhere (request rates, utilisation, counts) it raised false alarms by the dozen.
    /// Default true since session 12 (detect31), with <c>auto</c>'s slow test on (<see cref="AutoSlowShiftThreshold"/>).
    /// </summary>
    public bool PositiveSlowShift { get; init; } = true;

    /// <summary>
    /// How far the trend carried undamped through an incident may move the expectation in all, in core σ (the larger
    /// side's 2.5066 × mean error; detect17; default 1 since detect18, with routine bursts: item 25; 0 = no limit). An hour-long incident on a daily curve still ends near the
    /// curve; a trend learned from noise, or from a ramp that is the incident itself, no longer walks the expectation away.
    /// </summary>
    public double IncidentTrendCap { get; init; } = 1;

    /// <summary>
    /// Through an incident, the Holt expectation follows the daily profile's shape instead of carrying the trend (detect21;
    /// default 0 = off): once the profile has seen this time of day and the one before on an earlier day and its shape
    /// explains the day (<see cref="DailyProfile.TryShape"/>), each excluded point moves the level by the shape's change
    /// between the two. A request rate that dropped to half for 90 minutes in the afternoon returns to the curve's
    /// afternoon fall, not to the level frozen at the drop's onset.
    /// </summary>
    public bool IncidentShape { get; init; }

    /// <summary>
    /// Where the daily profile is the expectation but this time of day has not been forecast out of sample yet (its first
    /// day of being trusted), its σ is the widest error any bucket has (at least the profile's overall error) instead of the
    /// profile standing down there (detect21; default 0 = off). Without it the expectation flipped to the Holt level at every bucket not yet visited: a request rate
    /// that dropped at 14:28 on that day was judged from 14:42 against a Holt level frozen at the drop's onset, which did
    /// not follow the afternoon's fall, and its return paged.
    /// </summary>
    public bool ProfileScaleFallback { get; init; }

    /// <summary>
    /// With <see cref="ProfileScaleFallback"/>, a time of day not yet forecast out of sample is judged on no tighter a σ
    /// than the Holt band's (detect27; default 0 = off): the fallback's widest bucket error is still the first day's,
    /// which its night dominates, and a noisy request rate's evening after a drop rebuilt shift evidence on it.
    /// </summary>
    public bool ProfileFallbackFloor { get; init; }

    /// <summary>
    /// The isolated-point far tail while the daily profile is the expectation (detect27; 0 = the Holt forecast's, as
    /// learned; 1 = its shape, far tail over near σ, on the profile's σ; 2 = none). The far tail is learned on the Holt
    /// forecast's errors, several times the profile's σ on a daily curve, so a missing peak's flat day was forgiven point
    /// by point as isolated excursions. Default 1 since session 11, with <see cref="ProfileTailsSeasoned"/>.
    /// </summary>
    public int ProfileTails { get; init; } = 1;

    /// <summary>
    /// With <see cref="ProfileTails"/> 1, the far tail moves to the profile's σ only where this time of day has a day of
    /// out-of-sample visits (detect28; default 0 = everywhere the profile forecasts). On the profile's first forecasting
    /// day its σ comes from one or two scored points per bucket: scaling the tail onto it split the noisy evening after a
    /// request rate's drop into a second paging episode (docs/benchmarks.md, detect28). Default true since session 11.
    /// </summary>
    public bool ProfileTailsSeasoned { get; init; } = true;

    /// <summary>
    /// Whether a point forgiven past the near edge (isolated point, routine excursion) counts in the run the seasonal
    /// context's guard excludes (detect27; default 1; 0 = only anomalous points, as before). The context never lets the
    /// current anomalous run excuse itself, but a forgiven first point was not part of the run, and where the detected
    /// season is a few points long (a one-minute daily curve) it excused the sustained points after it.
    /// </summary>
    public bool ContextRunForgiven { get; init; } = true;

    /// <summary>
    /// A time of day the daily profile has scored on fewer than a day of visits is judged on its few errors weighed
    /// against the profile's overall error, the missing visits counted at that error (detect33; default 0 = the few
    /// errors alone, floored at 0.3 of the overall error; 2 = the weighed error only where it is the larger, so a bucket is
    /// never judged quieter on few errors, only noisier; 3 = as 2, weighed against the Holt forecast's mean |error| without
    /// its tail terms instead). On the profile's first forecasting day a bucket's first scored
    /// point after an incident says nothing of the noise there (a request rate's evening after a drop got σ 8 on noise of
    /// 23), and the shift test summed that evening's ordinary points as evidence until it paged.
    /// </summary>
    public int ProfileThinShrink { get; init; }

    /// <summary>
    /// The return memory follows the day (detect21; default 0 = off): where the daily profile has seen this time of day,
    /// the baseline offers its usual level (<see cref="Detection.Prediction.Usual"/>) and the old expectation after an
    /// <c>adapt_after</c> rebaseline moves along it from where it stood relative to it then. A request rate whose peak did
    /// not come returns in the evening to the evening's curve, not to the level of 13:00 the rebaseline moved away from.
    /// </summary>
    public bool ReturnCurve { get; init; }

    /// <summary>
    /// An <c>adapt_after</c> rebaseline while the daily profile is the expectation moves the Holt level from the profile's
    /// forecast (detect21; default 0 = off: from the Holt level, which the profile's incident never saw): the median
    /// residual was measured against the profile, so a missing peak rebaselined at 13:00 put a request rate's level at 35
    /// where its values sat at 47. <see cref="RebaselineWithinRun"/> does it only where the Holt level would put the new
    /// level outside every value of the run.
    /// </summary>
    public bool RebaselineFromProfile { get; init; }

    /// <summary>
    /// An <c>adapt_after</c> rebaseline while the daily profile is the expectation moves the Holt level from the profile's
    /// forecast where moving it from the Holt level would leave it outside the range of the run's own values (detect32):
    /// a business count of peak 6 that moved to 0.37× was rebaselined at −6.4 with its values at 0–5, and every later count
    /// paged. 1 (the default) on counts only (every value so far a non-negative whole number, identity scale), 2 on every
    /// series (costs NAB DEV and a recovery alarm: docs/benchmarks.md, detect32), 0 off.
    /// </summary>
    public int RebaselineWithinRun { get; init; } = 1;

    /// <summary>
    /// A count is never expected below zero (detect32; default 1, 0 = off): on a series whose every value so far is a
    /// non-negative whole number (identity scale), the expectation is at least 0. The damped trend a Holt level learned
    /// from an evening's decline carries it a few hundredths below zero over a night of zeros; the band is drawn around
    /// the floored expectation, so it stays a prediction.
    /// </summary>
    public bool CountFloor { get; init; } = true;

    /// <summary>
    /// How many of the newest points of a rebaselined run size the new scale, around their own median (detect17; 0 = the
    /// whole run, around the run's median). A run that holds a ramp and its return, or a burst, otherwise teaches the
    /// new level the incident's spread.
    /// </summary>
    public int RebaselineScalePoints { get; init; }

    /// <summary>
    /// Whether each side's novelty tolerance is a tenth of twice that side's reach from the expectation (at most the
    /// range) instead of a tenth of the range (detect14; 0 = off). On a positive series with a heavy upper tail (a
    /// latency) the range is mostly slow requests, and the lower novelty edge sat below zero.
    /// </summary>
    public bool NoveltySideRange { get; init; }

    /// <summary>
    /// Whether the variance test standardises by the core spread of each side (without the heavy-tail terms), so a
    /// routine spike counts as a large r² (clipped) and spikes that come more often than usual accumulate evidence.
    /// With the tail terms, a spiky series' σ is set by its spikes and a denser run of them looks ordinary.
    /// </summary>
    /// Default false: on DEV the core spread fired on every heavy-tailed series (NAB 55.2 against 65.7 at h_v = 150).
    public bool VarianceCoreSigma { get; init; }

    /// <summary>
    /// Whether the trend is damped while an incident's points are excluded (docs/detectors.md, <c>auto</c> item 16):
    /// the expectation then moves as the damped-trend forecast does several steps ahead, at most φ/(1 − φ) trends in
    /// all. Default false: the trend is carried on undamped, so an hour-long incident on a daily curve ends where the
    /// curve would be (item 1); a trend learned from noise just before a drop then moved a latency's expectation 25 %
    /// away from its level in an hour, and the return to normal alarmed.
    /// </summary>
    public bool DampIncidentTrend { get; init; }

    /// <summary>Least σ of a count on its square-root scale (Poisson noise is 1 there). Default 1.</summary>
    public double CountsSigma { get; init; } = 1;

    /// <summary>
    /// Whether the daily profile (docs/detectors.md, <c>auto</c> item 8) may replace the Holt forecast where it explains
    /// the series better: a clean daily curve is then expected to have its peak, and a day without it alerts. Default
    /// true (<c>seasonal_profile=0</c> turns it off): it finds missing and flattened daily peaks and night-time steps that
    /// the Holt level learns as normal (NAB DEV 64.37 → 68.29 at score &gt; 1, leave-one-category-out mean 58.30 → 69.85),
    /// at the cost of two more false onsets in the scenario suite's 29.6 series-days and one level shift alerted later
    /// (docs/benchmarks.md, "Daily profile"). Series it does not explain better keep today's verdicts bit for bit.
    /// </summary>
    public bool SeasonalProfile { get; init; } = true;

    /// <summary>The profile takes over only if its mean |error| is at most this multiple of the Holt forecast's. Default 1.25.</summary>
    public double SeasonalRatio { get; init; } = 1.25;

    /// <summary>
    /// The profile takes over only if its mean |error| is at most this fraction of a slow level's without it (the same
    /// offset, no daily shape). Default 0.7: the daily shape must explain a good part of what a slow level cannot (0.5 kept it off on the scenario suite's request rates, whose one-minute noise hides a smooth curve).
    /// </summary>
    public double SeasonalGain { get; init; } = 0.7;

    /// <summary>Weight of a normal point's seasonal error in the profile's deseasonalised offset. Default 0.02.</summary>
    public double SeasonalLevelAlpha { get; init; } = 0.02;

    /// <summary>The shared contract parameters: shift test and <c>adapt_after</c> (see <see cref="ContractOptions"/>).</summary>
    public ContractOptions Contract { get; init; } = DefaultContract;

    /// <summary>
    /// <c>auto</c>'s contract defaults: the shared ones (κ = 1, h = 10, adapt_after 3 h, the shift test decorrelated)
    /// with an anomalous run ending only after 60 normal points, so a baseline that went wrong is rebaselined, the return
    /// memory on (6 h: a return to the level before an incident that became the new normal is not an alarm), the count
    /// shift test on (threshold 12, power 0.5: item 15; before the baseline knows the day, drops judged against the level
    /// seen at this hour yesterday: <c>count_shift_hours</c>; rises too, above the highest this hour showed on its last two
    /// visits: <c>count_shift_rises</c>, detect20), an alarm's onset taking back what the level learned while the
    /// shift evidence built up (<c>shift_unlearn</c>, moves of 2 σ or more: item 19), and the
    /// variance test on (h_v = 150, κ_v = 4, clip 36: docs/detectors.md, "The variance test"), and
    /// routine excursions on (<c>routine_margin</c> 2: docs/detectors.md, item 14): an isolated point on a side that spikes
    /// routinely is judged against what it has spiked to before, and so are the later points of a burst as long as the
    /// series' bursts (<c>routine_burst</c> 4, <c>routine_keep</c>: item 25); on counts, the rise side running down to
    /// 0.3 events a minute (<c>count_shift_rise_min</c>: item 32) and a count's ordinary values, those its counting law
    /// makes likelier than 1e-4 a point, never paging on their own (<c>count_ordinary_tail</c>: item 34; session 11); and the
    /// slow shift test (h_s 12, κ_s 1), which <see cref="PositiveSlowShift"/> keeps to heavy-tailed positive series (item
    /// 26; session 12); and an adapted count shift's <c>adapt_after</c> counted from where the count test's evidence
    /// began, not from its page (<c>count_run_start</c>: item 36; session 12).
    /// </summary>
    public static ContractOptions DefaultContract { get; } = ContractOptions.Default with { AdaptQuietPoints = 60, VarianceThreshold = AutoVarianceThreshold, RoutineMargin = AutoRoutineMargin, ReturnMemory = AutoReturnMemory, CountShiftThreshold = AutoCountShiftThreshold, CountShiftPower = AutoCountShiftPower, ShiftUnlearn = true, ShiftUnlearnMin = AutoShiftUnlearnMin, CountShiftHours = true, CountShiftRises = true, RoutineBurst = AutoRoutineBurst, RoutineKeep = true, CountShiftRiseMin = AutoCountShiftRiseMin, CountOrdinaryTail = AutoCountOrdinaryTail, SlowShiftThreshold = AutoSlowShiftThreshold, SlowShiftSlack = AutoSlowShiftSlack, CountRunStart = true };

    /// <summary>
    /// <c>auto</c>'s slow shift test (docs/detectors.md, "The slow shift test" and item 26): on, at h_s = 12, kept by
    /// <see cref="PositiveSlowShift"/> to the points where the log-space lower side acts (a latency whose slow requests size
    /// its band down to zero). There a ×0.48 drop the fast level follows within minutes is held. Default since session 12.
    /// </summary>
    public static double AutoSlowShiftThreshold => 12;

    /// <summary>
    /// <c>auto</c>'s slow shift slack κ_s = 1σ (the contract's default is 0.5): at 0.5 the test raised latency false alarms
    /// on clean days (detect19); at 1 it raises none on the scenario suite (detect30). Default since session 12.
    /// </summary>
    public static double AutoSlowShiftSlack => 1;

    /// <summary>
    /// <c>auto</c>'s count shift test rise side runs down to this many events a minute (item 32): a flat error count of 0.6
    /// a minute that triples at night is flagged within the step. Default since session 11.
    /// </summary>
    public static double AutoCountShiftRiseMin => 0.3;

    /// <summary>
    /// <c>auto</c>'s counting-law tail (item 34): a count's value the negative binomial at its learned rate and variance
    /// makes likelier than this a point is ordinary, so a flat count of 0.6 a minute does not page on its 4s. Default since
    /// session 11.
    /// </summary>
    public static double AutoCountOrdinaryTail => 1e-4;

    /// <summary>
    /// <c>auto</c>'s routine bursts (docs/detectors.md, item 25): a burst may last up to 4 points (and as long as the side's
    /// bursts have lasted) and be judged on the routine edge, and a rebaseline that found no new level keeps the routine
    /// excursions (<c>routine_keep</c>). A CPU's 15-minute cron job at 5-minute steps is three points.
    /// </summary>
    public static int AutoRoutineBurst => 4;

    /// <summary>
    /// <c>auto</c>'s return memory (docs/detectors.md, item 16): for six hours after an <c>adapt_after</c> rebaseline, a
    /// return to the level before the incident is recognised (an incident up to 9 h long at the default adapt_after of
    /// 3 h, the length of a missing daily peak). A day blunted later incidents on the scenario suite (docs/benchmarks.md, detect12).
    /// </summary>
    public static TimeSpan AutoReturnMemory => TimeSpan.FromHours(6);

    /// <summary>
    /// <c>auto</c>'s count shift test (docs/detectors.md, item 15): on counts and ratios of counts, once the baseline
    /// knows the series' day, a likelihood-ratio CUSUM on counting noise flags a sustained drop (sign-ups down 30 %)
    /// within about 20 minutes. Threshold 12 at power 0.5 were measured on the scenario suite; NAB DEV has no series it
    /// changes an onset of (docs/benchmarks.md, detect11 and "the count shift test by default").
    /// </summary>
    public static double AutoCountShiftThreshold => 12;

    /// <summary>
    /// <c>auto</c>'s least learned move an alarm's onset takes back (item 19), in σ of the side: 2. At 0 a latency's
    /// small build-ups before its tail records were given back and its trend zeroed after each (latency false alarms
    /// 0.96 → 2.63 per series-day); at 1 three returns to normal alarmed; at 2 only the moves a level shift makes are
    /// taken back (one more shift quiet after adapt_after, nothing else moved: docs/benchmarks.md, detect14 and lead).
    /// </summary>
    public static double AutoShiftUnlearnMin => 2;

    /// <summary><c>auto</c>'s count shift power (item 15): a count of 20 is watched for a 22 % drop, a count of 2 for a halving.</summary>
    public static double AutoCountShiftPower => 0.5;

    /// <summary>
    /// <c>auto</c>'s routine margin: an isolated point on a routinely spiking side is normal within twice the 90th
    /// percentile of its isolated excursions (in σ), and never past their high-water mark plus a tenth. Chosen on the
    /// scenario suite and NAB DEV among {1, 1.2, 1.5, 2} (docs/benchmarks.md, detect9).
    /// </summary>
    public const double AutoRoutineMargin = 2;

    /// <summary>
    /// <c>auto</c>'s variance threshold h_v. With κ_v = 4 and a clip of 36 the statistic drifts down by about 3 per point
    /// on Gaussian noise and cannot reach 150 in control; a ×5 burst (about 16 a point) alarms after about ten points,
    /// a ×3 one after about 25. Chosen on DEV among h_v ∈ {20 … 150} (docs/benchmarks.md, detect6).
    /// </summary>
    public const double AutoVarianceThreshold = 150;
}
