namespace Vigil.Core.Detection;

/// <summary>
/// Which test put a point outside its band. Operators read it next to the score: a <see cref="Point"/> verdict is one
/// value far from its expectation; a <see cref="Shift"/> verdict is accumulated evidence of a sustained move that is
/// small per point (a 30 % drop in a noisy count); a <see cref="Variance"/> verdict is accumulated evidence that the
/// series got noisier on both sides. All use the same score scale.
/// </summary>
public enum AnomalyTest : byte
{
    /// <summary>The point is inside its band (or was not scored).</summary>
    None = 0,

    /// <summary>The value alone lies beyond the point band.</summary>
    Point = 1,

    /// <summary>The value lies beyond the band of the accumulated-evidence (shift) test.</summary>
    Shift = 2,

    /// <summary>The value lies outside the configured valid range (<c>data_range</c>).</summary>
    Range = 3,

    /// <summary>The value lies beyond the novelty edge: past everything the series has shown so far (all-time extreme plus a tolerance).</summary>
    Novelty = 4,

    /// <summary>
    /// The value lies beyond the band of the variance test: accumulated evidence that deviations got larger or more
    /// frequent (a variance burst, routine spikes coming more often), symmetric around the expectation.
    /// </summary>
    Variance = 5,
}
