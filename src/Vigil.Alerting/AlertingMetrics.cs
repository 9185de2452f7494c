using Vigil.Exposition;

namespace Vigil.Alerting;

internal sealed class AlertingMetrics
{
    public AlertingMetrics(MetricRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        Notifications = registry.CreateCounter("vigil_notifications_total", "Alert notifications by receiver and outcome (sent, failed, shadow).", "receiver", "outcome");
        OutboxDepth = registry.CreateGauge("vigil_alert_outbox_depth", "Alerts in the outbox with at least one receiver that has not acknowledged their current state.");
        ActiveAlerts = registry.CreateGauge("vigil_alerts_active", "Firing alerts (shadow ones included), as of the last delivery cycle.");
        Published = registry.CreateCounter("vigil_alerts_published_total", "PublishAsync calls by outcome (sent, queued, deduplicated, shadow).", "outcome");
    }

    public CounterFamily Notifications { get; }

    public GaugeFamily OutboxDepth { get; }

    public GaugeFamily ActiveAlerts { get; }

    public CounterFamily Published { get; }
}
