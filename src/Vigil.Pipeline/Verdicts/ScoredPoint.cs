using Vigil.Core.Detection;

namespace Vigil.Pipeline.Verdicts;

/// <summary>
/// One scored point, the unit every source publishes and every sink consumes: a struct of 48 bytes held in the batch's
/// array, so publishing allocates nothing per point.
/// </summary>
/// <param name="Series">The series' identity (shared by all its points).</param>
/// <param name="TimestampMs">The point's own timestamp, Unix milliseconds.</param>
/// <param name="Value">
/// The observed value; for a multivariate job (one feature vector per point) its first feature, since the vector itself
/// is the job's input and the verdict's expected value and band are about the score, not one feature.
/// </param>
/// <param name="Verdict">The detector's verdict: score, expected value, band, kind and test.</param>
public readonly record struct ScoredPoint(ScoredSeries Series, long TimestampMs, double Value, Verdict Verdict);
