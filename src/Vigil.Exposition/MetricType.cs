namespace Vigil.Exposition;

/// <summary>The metric types of the Prometheus text format 0.0.4 that Vigil writes (no summaries).</summary>
public enum MetricType
{
    Counter,
    Gauge,
    Histogram,
    Untyped,
}
