namespace Vigil.Core.Detection;

/// <summary>
/// The state of one detector for one series (or one entity, for multivariate detectors).
/// Implementations are causal: a point is scored against what was learned before it, then learned.
/// Not thread-safe: the pipeline drives each series from one cycle at a time.
/// </summary>
public interface ISeriesDetector
{
    /// <summary>
    /// Scores one observation and then learns from it. <paramref name="features"/> has
    /// <see cref="IDetector.FeatureCount"/> values (one for univariate detectors).
    /// Must not allocate on the hot path.
    /// </summary>
    Verdict Observe(long timestampMs, ReadOnlySpan<double> features);
}
