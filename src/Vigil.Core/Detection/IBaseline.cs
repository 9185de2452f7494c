namespace Vigil.Core.Detection;

/// <summary>
/// What a baseline knows about the next point before it is seen: the expectation, the scale of normal deviations on
/// each side (σ, possibly asymmetric), optional novelty edges (±∞ when the baseline has none), and an optional context
/// interval: values the series showed at this phase of its season, which the band is widened to cover (NaN when none).
/// The shift test may use a different (core) σ per side, see <see cref="ShiftSigmaLow"/>.
/// </summary>
internal readonly record struct Prediction(double Expected, double SigmaLow, double SigmaHigh, double NoveltyLower, double NoveltyUpper, double ContextLower = double.NaN, double ContextUpper = double.NaN)
{
    /// <summary>
    /// The σ of each side that the shift test standardises by, when it differs from the point σ (NaN: the same). A
    /// baseline whose point σ includes a heavy-tail term gives its core spread here: a tail of rare large deviations says
    /// nothing about how far a sustained shift must move the mean.
    /// </summary>
    public double ShiftSigmaLow { get; init; } = double.NaN;

    /// <summary>
    /// What this time of day usually looks like (a daily profile's bucket levels, without its offset), NaN where the
    /// baseline has no daily shape to offer: the return memory follows it, so the level "where the series was" moves along
    /// the day (a missing peak's return is to the evening curve, not to the level at the rebaseline).
    /// </summary>
    public double Usual { get; init; } = double.NaN;

    public double ShiftSigmaHigh { get; init; } = double.NaN;

    /// <summary>
    /// Whether the slow shift test (when it is on) judges this point; a baseline can keep it to the series it suits
    /// (auto's <c>positive_slow_shift</c>: a positive series whose heavy right tail sizes its band down to zero).
    /// </summary>
    public bool SlowShiftApplies { get; init; } = true;

    /// <summary>
    /// Whether an alarm's onset below the expectation at this point may take back a climb the baseline learned over the
    /// contract's recent points, when the point lies back at the level from before it (auto's <c>positive_low_return</c>:
    /// a latency ramp learned as it climbed, whose end is a drop against its top).
    /// </summary>
    public bool ClimbReturn { get; init; }

    /// <summary>
    /// σ of the point edge for an isolated point (one that follows a point inside the near point edge, outside an
    /// alarm): the far tail of a heavy-tailed series, NaN when the baseline has none. A second point in a row past the
    /// near edge is judged on <see cref="SigmaLow"/>/<see cref="SigmaHigh"/>.
    /// </summary>
    public double IsolatedSigmaLow { get; init; } = double.NaN;

    /// <inheritdoc cref="IsolatedSigmaLow"/>
    public double IsolatedSigmaHigh { get; init; } = double.NaN;

    /// <summary>
    /// For an isolated point, the novelty edge lies at least this many isolated σ from the expectation (0: no such floor):
    /// novelty is a property of a level, not of one point, so one point past the range of normal values must also pass
    /// the far tail. A point past the novelty edge makes the next point on that side non-isolated, so a second one is
    /// judged on the novelty edge again.
    /// </summary>
    public double IsolatedNoveltySigma { get; init; }

    /// <summary>
    /// The σ of each side the variance test standardises by (NaN: the shift test's). A baseline with a heavy-tail term
    /// gives its core spread, so routine spikes count as large deviations and a denser run of them is evidence.
    /// </summary>
    public double VarianceSigmaLow { get; init; } = double.NaN;

    /// <inheritdoc cref="VarianceSigmaLow"/>
    public double VarianceSigmaHigh { get; init; } = double.NaN;

    public static Prediction Symmetric(double expected, double sigma) => new(expected, sigma, sigma, double.NegativeInfinity, double.PositiveInfinity);

    public static Prediction None(double expected = double.NaN) => new(expected, 0, 0, double.NegativeInfinity, double.PositiveInfinity);
}

/// <summary>
/// The part of a univariate detector that learns what normal looks like. <see cref="ContractSeries"/> turns it into
/// verdicts under the one detection contract (band from history, score on the band, incidents excluded from learning,
/// shift test, adaptation, feedback), so every detector keeps that contract by construction.
/// </summary>
internal interface IBaseline
{
    /// <summary>Detector type, for state errors.</summary>
    string Name { get; }

    /// <summary>
    /// The working scale: <see cref="TryPredict"/>'s prediction and every value passed to <see cref="Learn"/>,
    /// <see cref="Exclude"/> and <see cref="Rebaseline"/> are on it (identity unless the baseline chooses otherwise; it
    /// may change once, when the baseline matures, and the baseline converts what it learned during warm-up).
    /// </summary>
    ValueTransform Transform => ValueTransform.Identity;

    /// <summary>
    /// The prediction for a point at <paramref name="timestampMs"/>, from history only. Returns false while the baseline
    /// is not mature (too little history to judge); <paramref name="prediction"/> may then still carry an expectation to show.
    /// </summary>
    bool TryPredict(long timestampMs, out Prediction prediction);

    /// <summary>
    /// Learns a point judged normal (or any point during warm-up). <paramref name="weight"/> in [0, 1] is how much to
    /// trust it: it falls as the shift test accumulates evidence, so a baseline that honours it does not chase a small
    /// sustained shift before the test can flag it (baselines with a window, not a weight, learn it fully).
    /// </summary>
    void Learn(long timestampMs, double value, double weight = 1);

    /// <summary>
    /// Learns a normal point that lay past the near point edge (forgiven as an isolated point, or explained by the
    /// seasonal context): level and scale learn it as if it lay at <paramref name="low"/>/<paramref name="high"/>
    /// (winsorised), while what the baseline remembers of the series (range, season) is the value itself.
    /// </summary>
    void LearnClipped(long timestampMs, double value, double low, double high, double weight) => Learn(timestampMs, Math.Clamp(value, low, high), weight);

    /// <summary>
    /// A point judged anomalous, or a missing one (<paramref name="value"/> NaN): not learned, but position-keeping
    /// state (a season index) moves on so the baseline stays aligned with the step grid.
    /// </summary>
    /// <paramref name="test"/> says which edge the point crossed (<see cref="AnomalyTest.None"/> for a missing point).
    void Exclude(long timestampMs, double value, AnomalyTest test = AnomalyTest.None);

    /// <summary>
    /// Replaces the level (and, where the baseline can, the scale) with what <paramref name="values"/> show: the series
    /// changed for good. <paramref name="residuals"/> are the values' deviations from what was expected at the time
    /// (NaN where nothing was expected), oldest first.
    /// </summary>
    void Rebaseline(ReadOnlySpan<long> timestampsMs, ReadOnlySpan<double> values, ReadOnlySpan<double> residuals);

    /// <summary>
    /// How far learning (not the passage of time) has moved the forecast, cumulative, on the working scale: the slow
    /// shift test compares it with its own slow average to know what the forecast learned recently. 0 for baselines
    /// that do not report it (the test then runs on their own residuals).
    /// </summary>
    double LearnedShift => 0;

    /// <summary>
    /// Moves the forecast back by <paramref name="amount"/> (and <see cref="LearnedShift"/> with it): what it learned of
    /// a shift before the slow shift test could flag it. Baselines that do not report <see cref="LearnedShift"/> ignore it.
    /// </summary>
    void Unlearn(double amount)
    {
    }

    /// <summary>
    /// The shape of the series' day at <paramref name="timestampMs"/> (on the working scale, without any level offset),
    /// where the baseline has learned a day that explains the series better than a flat level: the slow shift test's
    /// reference then keeps the daily curve's bends. False where it has not: <paramref name="shape"/> is 0 where the
    /// baseline knows the series has no day a flat level misses, NaN where it does not know (yet, or at all).
    /// </summary>
    bool TrySlowShape(long timestampMs, out double shape)
    {
        shape = double.NaN;
        return false;
    }

    void Write(BinaryWriter writer);

    void Read(BinaryReader reader);
}
