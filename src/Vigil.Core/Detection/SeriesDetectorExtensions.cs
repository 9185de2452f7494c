namespace Vigil.Core.Detection;

public static class SeriesDetectorExtensions
{
    /// <summary>Univariate convenience: wraps the value in a one-element span without allocating.</summary>
    public static Verdict Observe(this ISeriesDetector detector, long timestampMs, double value)
    {
        ArgumentNullException.ThrowIfNull(detector);
        return detector.Observe(timestampMs, new ReadOnlySpan<double>(in value));
    }
}
