namespace Vigil.Core.Detection;

/// <summary>The one mapping from a deviation to the shared score scale (see <see cref="Verdict"/>).</summary>
public static class ScoreMath
{
    /// <summary>Scores are capped so a zero-width band on a flat series yields a large, finite number.</summary>
    public const double MaxScore = 1000.0;

    /// <summary>
    /// Score of a value <paramref name="deviation"/> away from the expectation when the band edge lies
    /// <paramref name="halfWidth"/> away: <c>|deviation| / halfWidth</c>, so 1.0 at the edge.
    /// A zero-width band scores 0 for an exact match and <see cref="MaxScore"/> otherwise.
    /// </summary>
    public static double FromDeviation(double deviation, double halfWidth)
    {
        var distance = Math.Abs(deviation);
        if (double.IsNaN(distance))
        {
            return 0;
        }

        if (halfWidth <= 0 || double.IsNaN(halfWidth))
        {
            return distance == 0 ? 0 : MaxScore;
        }

        return Math.Min(distance / halfWidth, MaxScore);
    }
}
