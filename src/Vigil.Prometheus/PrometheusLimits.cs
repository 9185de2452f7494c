namespace Vigil.Prometheus;

/// <summary>Limits of the Prometheus HTTP API that every caller plans around, defined once.</summary>
public static class PrometheusLimits
{
    /// <summary>
    /// Prometheus refuses a range query that would return more than 11,000 points per series
    /// ("exceeded maximum resolution of 11,000 points per timeseries", promql/engine.go), so a range is never planned
    /// longer than this: the detection loop's catch-up, the trainer's chunking and the replay source's guard all use it.
    /// </summary>
    public const int MaxPointsPerSeries = 11_000;
}
