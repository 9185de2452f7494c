using System.Buffers;

namespace Vigil.Core.Detectors.HoltWinters;

/// <summary>Season length from the autocorrelation function of linearly detrended data.</summary>
internal static class SeasonLength
{
    /// <summary>
    /// The lag in [4, n/2] whose autocorrelation is a local maximum and the highest one, if it reaches
    /// <paramref name="minAutocorrelation"/>; otherwise 1 (no season). Multiples of the true period also
    /// peak, so a peak at a divisor that is nearly as high (within 10%) is preferred: it fits with fewer parameters.
    /// O(n²/2) once per series, at the end of warm-up.
    /// </summary>
    public static int Detect(ReadOnlySpan<double> values, double minAutocorrelation)
    {
        var n = values.Length;
        if (n < 16)
        {
            return 1;
        }

        // The residuals and the autocorrelations are scratch: rented, not allocated. Allocated, they were 7 KB of garbage
        // per series at the 600th point, ≈ 0.7 GB per start at 100k series (scale10's trace, issue 15). Every element
        // read below is written first, so what a rented array held before does not matter.
        var residual = ArrayPool<double>.Shared.Rent(n);
        var acf = ArrayPool<double>.Shared.Rent((n / 2) + 2);
        try
        {
            return Detect(values, minAutocorrelation, residual.AsSpan(0, n), acf.AsSpan(0, (n / 2) + 2));
        }
        finally
        {
            ArrayPool<double>.Shared.Return(acf);
            ArrayPool<double>.Shared.Return(residual);
        }
    }

    private static int Detect(ReadOnlySpan<double> values, double minAutocorrelation, Span<double> residual, Span<double> acf)
    {
        var n = values.Length;

        // Remove the least-squares line so a trend does not read as correlation at every lag.
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (var i = 0; i < n; i++)
        {
            sx += i;
            sy += values[i];
            sxx += (double)i * i;
            sxy += i * values[i];
        }

        var slope = ((n * sxy) - (sx * sy)) / ((n * sxx) - (sx * sx));
        var intercept = (sy - (slope * sx)) / n;
        double variance = 0;
        for (var i = 0; i < n; i++)
        {
            residual[i] = values[i] - (intercept + (slope * i));
            variance += residual[i] * residual[i];
        }

        if (variance <= 0)
        {
            return 1;
        }

        var maxLag = n / 2;
        for (var lag = 1; lag <= maxLag + 1 && lag < n; lag++)
        {
            double sum = 0;
            for (var i = lag; i < n; i++)
            {
                sum += residual[i] * residual[i - lag];
            }

            // Normalised per pair (n − lag), not by n: the biased estimator shrinks with the lag and would pull the
            // peak of a daily season seen only twice to a shorter lag.
            acf[lag] = (sum / (n - lag)) / (variance / n);
        }

        var best = 1;
        var bestAcf = minAutocorrelation;
        for (var lag = 4; lag <= maxLag; lag++)
        {
            if (acf[lag] >= acf[lag - 1] && acf[lag] >= acf[lag + 1] && acf[lag] > bestAcf)
            {
                best = lag;
                bestAcf = acf[lag];
            }
        }

        if (best > 1)
        {
            for (var divisor = 2; best / divisor >= 4; divisor++)
            {
                var candidate = (int)Math.Round(best / (double)divisor);
                if (acf[candidate] >= 0.9 * bestAcf && acf[candidate] >= acf[candidate - 1] && acf[candidate] >= acf[candidate + 1])
                {
                    return candidate;
                }
            }
        }

        return best;
    }
}
