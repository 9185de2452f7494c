namespace Vigil.Inspection.Sensors;

/// <summary>
/// Ordinary least squares of value on time, with time measured in seconds from an anchor (the round's evaluation time),
/// so <see cref="Intercept"/> is the fitted value <em>at the anchor</em>, exactly as Prometheus's
/// <c>predict_linear(v[range], t)</c> puts its intercept at the evaluation timestamp and returns intercept + slope·t.
/// </summary>
internal readonly record struct LinearFit(double Slope, double Intercept, double R2, int N, double MeanX, double Sxx, double ResidualSigma)
{
    /// <summary>z of a two-sided 95 % band on the fitted line (normal approximation; n is in the tens to hundreds here).</summary>
    public const double BandZ = 1.96;

    /// <summary>Slope per hour, the unit the report uses.</summary>
    public double SlopePerHour => Slope * 3600;

    /// <summary>The fitted value <paramref name="seconds"/> after the anchor (negative: before it).</summary>
    public double At(double seconds) => Intercept + (Slope * seconds);

    /// <summary>Half-width of the band on the fitted line at <paramref name="seconds"/> (grows away from the data's centre).</summary>
    public double HalfBand(double seconds)
        => BandZ * ResidualSigma * Math.Sqrt((1.0 / N) + ((seconds - MeanX) * (seconds - MeanX) / Sxx));

    /// <summary>
    /// Fits the finite points; null when fewer than 3 remain or all share one timestamp. Two passes (means, then centred
    /// sums) keep the precision Prometheus gets with Kahan sums: epoch-second x values would lose it in one pass.
    /// </summary>
    public static LinearFit? Fit(ReadOnlySpan<long> timestampsMs, ReadOnlySpan<double> values, long anchorMs)
    {
        var n = 0;
        double sumX = 0, sumY = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (double.IsFinite(values[i]))
            {
                n++;
                sumX += (timestampsMs[i] - anchorMs) / 1000.0;
                sumY += values[i];
            }
        }

        if (n < 3)
        {
            return null;
        }

        var meanX = sumX / n;
        var meanY = sumY / n;
        double sxx = 0, sxy = 0, syy = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (double.IsFinite(values[i]))
            {
                var dx = ((timestampsMs[i] - anchorMs) / 1000.0) - meanX;
                var dy = values[i] - meanY;
                sxx += dx * dx;
                sxy += dx * dy;
                syy += dy * dy;
            }
        }

        if (sxx <= 0)
        {
            return null;
        }

        var slope = sxy / sxx;
        var intercept = meanY - (slope * meanX);
        // A constant series is fitted perfectly (R² 1, no residual): a flat line never crosses a threshold anyway.
        var sse = Math.Max(0, syy - (slope * sxy));
        var r2 = syy > 0 ? Math.Clamp(1 - (sse / syy), 0, 1) : 1;
        return new LinearFit(slope, intercept, r2, n, meanX, sxx, Math.Sqrt(sse / (n - 2)));
    }

    /// <summary>
    /// The first time in (0, <paramref name="horizonSeconds"/>] at which <paramref name="curve"/> reaches
    /// <paramref name="threshold"/> from below (<paramref name="above"/>) or from above; null when it does not.
    /// A scan of 512 steps finds the first crossing, bisection refines it to a millisecond.
    /// </summary>
    public static double? FirstCrossing(Func<double, double> curve, double threshold, bool above, double horizonSeconds)
    {
        const int Steps = 512;
        bool Crossed(double x) => above ? curve(x) >= threshold : curve(x) <= threshold;
        if (Crossed(0))
        {
            return 0;
        }

        var previous = 0.0;
        for (var i = 1; i <= Steps; i++)
        {
            var x = horizonSeconds * i / Steps;
            if (Crossed(x))
            {
                var (lo, hi) = (previous, x);
                while (hi - lo > 0.001)
                {
                    var mid = 0.5 * (lo + hi);
                    (lo, hi) = Crossed(mid) ? (lo, mid) : (mid, hi);
                }

                return hi;
            }

            previous = x;
        }

        return null;
    }
}
