using Vigil.Exposition;

namespace Vigil.Logs.Service;

/// <summary>The log families of the host's <c>/metrics</c> (docs/metrics.md, docs/logs.md).</summary>
public sealed class LogTelemetry
{
    /// <summary>A full syslog queue: the receiver drops rather than stall its senders.</summary>
    public const string DroppedQueueFull = "queue_full";

    /// <summary>A malformed syslog octet count: the rest of that TCP connection is dropped.</summary>
    public const string DroppedFraming = "framing";

    private readonly CounterFamily _lines;
    private readonly GaugeFamily _templates;
    private readonly CounterFamily _dropped;

    public LogTelemetry(MetricRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _lines = registry.CreateCounter("vigil_log_lines_total", "Log lines mined, by source (each counted in exactly one template).", "source");
        _templates = registry.CreateGauge("vigil_log_templates", "Live templates of the source's miner.", "source");
        _dropped = registry.CreateCounter("vigil_log_lines_dropped_total", "Log lines received but not mined, by reason (queue_full, framing).", "reason");
    }

    public void LinesMined(string source, long count) => _lines.WithLabels(source).Inc(count);

    public double LinesTotal(string source) => _lines.WithLabels(source).Value;

    public void SetTemplates(string source, int count) => _templates.WithLabels(source).Set(count);

    public void Dropped(string reason, long count)
    {
        if (count > 0)
        {
            _dropped.WithLabels(reason).Inc(count);
        }
    }

    public double DroppedTotal(string reason) => _dropped.WithLabels(reason).Value;
}
