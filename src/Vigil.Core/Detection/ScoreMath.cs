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

    /// <summary>
    /// Score of <paramref name="value"/> against the band [<paramref name="lower"/>, <paramref name="upper"/>] around
    /// <paramref name="expected"/>: the deviation over the half-width on the value's side. Defined exactly at the edge,
    /// in floating point: a value on an edge scores exactly 1 (both sides of the division are the same subtraction),
    /// a value inside scores at most 1 (correctly rounded division is monotone), and a value outside the band always
    /// scores above 1 (a rounded ratio of 1 is lifted to the next double up). So "score &gt; 1" and "outside the band"
    /// are one and the same test, whatever the magnitudes.
    /// </summary>
    public static double FromBand(double value, double expected, double lower, double upper)
    {
        if (double.IsNaN(value) || double.IsNaN(expected))
        {
            return 0;
        }

        double score;
        if (value > expected)
        {
            score = FromDeviation(value - expected, upper - expected);
            if (value > upper && !(score > 1))
            {
                score = Math.BitIncrement(1.0);
            }
        }
        else if (value < expected)
        {
            score = FromDeviation(expected - value, expected - lower);
            if (value < lower && !(score > 1))
            {
                score = Math.BitIncrement(1.0);
            }
        }
        else
        {
            score = 0;
        }

        return score;
    }
}
