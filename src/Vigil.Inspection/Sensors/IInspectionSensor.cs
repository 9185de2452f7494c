using Vigil.Alerting;
using Vigil.Core.Series;

namespace Vigil.Inspection.Sensors;

/// <summary>What one round tells its sensors: its id, the data clock's "now" (the replay's accelerated clock in the demo) and the shadow flag.</summary>
public sealed record InspectionContext(string RoundId, DateTimeOffset Now, bool Shadow);

/// <summary>
/// One sensor of an inspection round. The round runs every enabled sensor concurrently under its own
/// <see cref="Timeout"/>; a sensor that throws or hangs is recorded in the round's errors and counted, the others finish.
/// Expected per-metric failures (a query that fails) are the sensor's to report in <see cref="SensorResult.Errors"/>.
/// </summary>
public interface IInspectionSensor
{
    /// <summary><c>baseline</c>, <c>trend</c>, <c>log_patterns</c>: the <c>sensor</c> label of alerts and metrics.</summary>
    string Name { get; }

    bool Enabled { get; }

    TimeSpan Timeout { get; }

    Task<SensorResult> InspectAsync(InspectionContext context, CancellationToken cancellationToken);
}

/// <summary>What a sensor found: its findings, how many series (or templates) it looked at, and what failed on the way.</summary>
public sealed record SensorResult(IReadOnlyList<Finding> Findings, int Inspected, IReadOnlyList<string> Errors)
{
    public static SensorResult Empty { get; } = new([], 0, []);
}

/// <summary>
/// One thing worth telling someone about: becomes an <see cref="AlertEvent"/> (sensor, name, labels) and an entry of the
/// round's report (with <see cref="Numbers"/> and <see cref="Facts"/>, e.g. current, expected, deviation_sigma, slope_per_hour).
/// </summary>
public sealed record Finding
{
    public required string Sensor { get; init; }

    /// <summary>The alertname, e.g. <c>VigilBaselineDeviation</c>.</summary>
    public required string AlertName { get; init; }

    /// <summary>The monitored metric's name, or the log source for a template.</summary>
    public required string Subject { get; init; }

    /// <summary>The series' own labels (<c>__name__</c> as <c>metric_name</c>) plus the configured ones; the dedup identity.</summary>
    public required IReadOnlyDictionary<string, string> Labels { get; init; }

    public required AlertSeverity Severity { get; init; }

    public required string Summary { get; init; }

    public required string Description { get; init; }

    public double? Value { get; init; }

    public IReadOnlyDictionary<string, double> Numbers { get; init; } = new Dictionary<string, double>(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string> Facts { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Alert labels for a series of a monitored metric: the series' labels, <c>metric</c>, and the configured labels (which win).</summary>
    public static Dictionary<string, string> SeriesLabels(MonitoredMetric metric, Labels series)
    {
        ArgumentNullException.ThrowIfNull(metric);
        ArgumentNullException.ThrowIfNull(series);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var label in series)
        {
            // Alertmanager keeps names starting with "__" for itself; the score store calls it metric_name too.
            labels[label.Name == "__name__" ? "metric_name" : label.Name] = label.Value;
        }

        labels["metric"] = metric.Name;
        foreach (var (key, value) in metric.Labels)
        {
            labels[key] = value;
        }

        return labels;
    }
}
