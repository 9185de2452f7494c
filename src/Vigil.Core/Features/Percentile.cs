namespace Vigil.Core.Features;

/// <summary>numpy's default ("linear") percentile, so thresholds match scikit-learn's <c>np.percentile</c>.</summary>
public static class Percentile
{
    /// <param name="sorted">Ascending values, at least one.</param>
    /// <param name="percent">In [0, 100].</param>
    public static double OfSorted(ReadOnlySpan<double> sorted, double percent)
    {
        if (sorted.IsEmpty)
        {
            throw new ArgumentException("At least one value is required.", nameof(sorted));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(percent, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        var rank = percent / 100.0 * (sorted.Length - 1);
        var lower = (int)Math.Floor(rank);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        var t = rank - lower;
        var a = sorted[lower];
        var b = sorted[upper];

        // numpy's _lerp: interpolate from the nearer end so t = 1 returns b exactly.
        return t >= 0.5 ? b - ((b - a) * (1 - t)) : a + ((b - a) * t);
    }
}
