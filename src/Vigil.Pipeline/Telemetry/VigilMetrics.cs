using System.Reflection;
using Vigil.Exposition;

namespace Vigil.Pipeline.Telemetry;

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
        Errors = new ErrorCounters();
        registry.Register(Errors);
        InvalidSamples = registry.CreateCounter("vigil_invalid_samples_total", "Samples that were NaN or infinite and so were not scored nor learned.", "job");
        Cycles = registry.CreateCounter("vigil_cycles_total", "Detection cycles by outcome (success, failure).", "job", "outcome");
        LastSuccess = registry.CreateGauge("vigil_last_successful_run_timestamp_seconds", "Unix time of the job's last successful cycle.", "job");
        CycleDuration = registry.CreateHistogram("vigil_cycle_duration_seconds", "Duration of a detection cycle: query, scoring and publishing.", DefaultBuckets.Latency, "job");
        Series = registry.CreateGauge("vigil_series", "Series currently scored by the job.", "job");
        SeriesWarming = registry.CreateGauge("vigil_series_warming", "Series of the job whose detector is still warming up (no score exported yet); 0 once every series scores.", "job");
        FeatureRowsSkipped = registry.CreateCounter("vigil_feature_rows_skipped_total", "Feature rows of multivariate jobs not scored, by reason (missing_component, non_finite, missing_join_label, duplicate_series).", "job", "reason");
        ModelAge = registry.CreateGauge("vigil_model_age_seconds", "Age of the job's active model (since its creation).", "job");
        ModelTrainingDuration = registry.CreateGauge("vigil_model_training_duration_seconds", "Duration of the job's last successful scheduled training.", "job");
        ModelTrainings = registry.CreateCounter("vigil_model_trainings_total", "Scheduled trainings that produced a candidate.", "job");
        ModelTrainingFailures = registry.CreateCounter("vigil_model_training_failures_total", "Scheduled trainings that failed; the active model kept scoring.", "job");
        ModelPromotions = registry.CreateCounter("vigil_model_promotions_total", "Candidates promoted to active by the promotion policy.", "job");
        ModelDiscards = registry.CreateCounter("vigil_model_discards_total", "Candidates the promotion policy rejected.", "job");
        ModelRollbacks = registry.CreateCounter("vigil_model_rollbacks_total", "Rollbacks of the job's active model to an earlier version.", "job");
        ModelShadowing = registry.CreateGauge("vigil_model_shadowing", "1 while a candidate is scored beside the active model, else 0.", "job");
        Episodes = registry.CreateCounter("vigil_anomaly_episodes_total", "Anomaly episodes opened (onsets): one per incident however long its score stays above 1.", "job");
        ForeignSeries = registry.CreateGauge("vigil_shard_foreign_series", "Series the job's query returned in its last cycle that belong to other shards (sharding only).", "job");
        RestoredSeries = registry.CreateGauge("vigil_state_restored_series", "Series whose detector state the job restored from server.state_dir when it started (0: it warms up from history).", "job");
        registry.Register(new ProcessMetricsCollector());
    }

    public MetricRegistry Registry { get; }

    public CounterFamily Predictions { get; }

    public CounterFamily Anomalies { get; }

    /// <summary><c>vigil_errors_total{error_type, job}</c>.</summary>
    public ErrorCounters Errors { get; }

    public CounterFamily InvalidSamples { get; }

    public CounterFamily Cycles { get; }

    public GaugeFamily LastSuccess { get; }

    public HistogramFamily CycleDuration { get; }

    public GaugeFamily Series { get; }

    public GaugeFamily SeriesWarming { get; }

    public CounterFamily FeatureRowsSkipped { get; }

    public GaugeFamily ModelAge { get; }

    public GaugeFamily ModelTrainingDuration { get; }

    public CounterFamily ModelTrainings { get; }

    public CounterFamily ModelTrainingFailures { get; }

    public CounterFamily ModelPromotions { get; }

    public CounterFamily ModelDiscards { get; }

    public CounterFamily ModelRollbacks { get; }

    public GaugeFamily ModelShadowing { get; }

    public CounterFamily Episodes { get; }

    public GaugeFamily ForeignSeries { get; }

    public GaugeFamily RestoredSeries { get; }

    /// <summary>Counts an error that belongs to no job.</summary>
    public void CountError(string errorType) => Errors.Count(errorType);

    /// <summary>Counts an error of <paramref name="job"/>.</summary>
    public void CountError(string errorType, string job) => Errors.Count(errorType, job);
}
