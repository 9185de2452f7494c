using Vigil.Exposition;

namespace Vigil.Inspection;

/// <summary>The inspector's own metrics, on the shared registry.</summary>
internal sealed class InspectionMetrics
{
    public InspectionMetrics(MetricRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        Rounds = registry.CreateCounter("vigil_inspection_rounds_total", "Inspection rounds by outcome (ok: every sensor finished; sensor_errors: at least one sensor failed or timed out; failed: the round itself failed).", "outcome");
        RoundDuration = registry.CreateHistogram("vigil_inspection_round_duration_seconds", "Duration of an inspection round: sensors, alert publishing and the report.", DefaultBuckets.Latency);
        Alerts = registry.CreateCounter("vigil_inspection_alerts_total", "Inspection findings raised as alerts, by sensor and severity (shadow and deduplicated ones included).", "sensor", "severity");
        SensorErrors = registry.CreateCounter("vigil_inspection_sensor_errors_total", "Sensors that threw or overran their timeout in a round.", "sensor");
        ShadowMode = registry.CreateGauge("vigil_inspection_shadow_mode", "1 when inspection.shadow_mode is on (findings recorded, not delivered), else 0.");
        Retrains = registry.CreateCounter("vigil_inspection_retrains_total", "Background baseline retrainings by outcome (started, skipped, completed, failed, cancelled).", "outcome");
        LastRound = registry.CreateGauge("vigil_inspection_last_round_timestamp_seconds", "Unix time (host clock) the last inspection round finished.");
    }

    public CounterFamily Rounds { get; }

    public HistogramFamily RoundDuration { get; }

    public CounterFamily Alerts { get; }

    public CounterFamily SensorErrors { get; }

    public GaugeFamily ShadowMode { get; }

    public CounterFamily Retrains { get; }

    public GaugeFamily LastRound { get; }
}
