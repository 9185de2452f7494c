using System.Reflection;
using Vigil.Exposition;

namespace Vigil.Telemetry;

/// <summary>Vigil's own health, in the spirit of the reference design's exporter and vmanomaly's reader/model/writer families.</summary>
public sealed class VigilMetrics
{
    public VigilMetrics(MetricRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        Registry = registry;
        var version = typeof(VigilMetrics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        registry.CreateGauge("vigil_build_info", "Vigil build; the value is always 1.", "version").WithLabels(version).Set(1);
        Predictions = registry.CreateCounter("vigil_predictions_total", "Points scored by a detector (warm-up points excluded).", "job");
        Anomalies = registry.CreateCounter("vigil_anomalies_total", "Scored points whose anomaly score exceeded 1.", "job");
        Errors = registry.CreateCounter("vigil_errors_total", "Errors by type: prometheus_query, prometheus_response, data_processing, model_predict.", "error_type");
        InvalidSamples = registry.CreateCounter("vigil_invalid_samples_total", "Samples that were NaN or infinite and so were not scored nor learned.", "job");
        Cycles = registry.CreateCounter("vigil_cycles_total", "Detection cycles by outcome (success, failure).", "job", "outcome");
        LastSuccess = registry.CreateGauge("vigil_last_successful_run_timestamp_seconds", "Unix time of the job's last successful cycle.", "job");
        CycleDuration = registry.CreateHistogram("vigil_cycle_duration_seconds", "Duration of a detection cycle: query, scoring and publishing.", DefaultBuckets.Latency, "job");
        Series = registry.CreateGauge("vigil_series", "Series currently scored by the job.", "job");
        FeatureRowsSkipped = registry.CreateCounter("vigil_feature_rows_skipped_total", "Feature rows of multivariate jobs not scored, by reason (missing_component, non_finite, missing_join_label, duplicate_series).", "job", "reason");
        registry.Register(new ProcessMetricsCollector());
    }

    public MetricRegistry Registry { get; }

    public CounterFamily Predictions { get; }

    public CounterFamily Anomalies { get; }

    public CounterFamily Errors { get; }

    public CounterFamily InvalidSamples { get; }

    public CounterFamily Cycles { get; }

    public GaugeFamily LastSuccess { get; }

    public HistogramFamily CycleDuration { get; }

    public GaugeFamily Series { get; }

    public CounterFamily FeatureRowsSkipped { get; }

    public void CountError(string errorType) => Errors.WithLabels(errorType).Inc();
}
