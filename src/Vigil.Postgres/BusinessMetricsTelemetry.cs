using System.Collections.Concurrent;
using Npgsql;
using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.Exposition;

namespace Vigil.Postgres;

/// <summary>
/// Self-health of the pipeline as families of the host's <see cref="MetricRegistry"/> (a private registry when
/// none is given, e.g. in tests and the CLI), plus the latest value of every business metric, rendered by a
/// collector as <c>vigil_business_metric_value{metric=…}</c>.
/// </summary>
public sealed class BusinessMetricsTelemetry
{
    public const string ValueMetric = "vigil_business_metric_value";

    /// <summary>Seconds; one aggregation transaction is ~1 ms in steady state and up to seconds in catch-up.</summary>
    private static readonly double[] DurationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly Counter _ingested;
    private readonly Counter _aggregated;
    private readonly Counter _tooLate;
    private readonly Histogram _duration;
    private readonly Gauge _lag;
    private readonly Gauge _leader;
    private readonly CounterFamily _dbErrors;
    private readonly ConcurrentDictionary<string, MetricReading> _latest = new(StringComparer.Ordinal);

    public BusinessMetricsTelemetry(MetricRegistry? registry = null)
    {
        Registry = registry ?? new MetricRegistry();
        _ingested = Registry.CreateCounter("vigil_business_events_ingested_total", "Business events stored (duplicates by idempotency key excluded).").Unlabelled;
        _aggregated = Registry.CreateCounter("vigil_business_events_aggregated_total", "Business events counted into per-minute metrics (re-aggregated minutes count again).").Unlabelled;
        _tooLate = Registry.CreateCounter("vigil_business_events_too_late_total", "Business events older than the watermark minus the allowed lateness: stored, not re-aggregated.").Unlabelled;
        _duration = Registry.CreateHistogram("vigil_business_aggregation_duration_seconds", "Duration of one aggregation transaction.", DurationBuckets).Unlabelled;
        _lag = Registry.CreateGauge("vigil_business_watermark_lag_seconds", "Now minus the aggregation watermark after the last run.").Unlabelled;
        _leader = Registry.CreateGauge("vigil_business_leader", "1 while this instance holds the aggregation leader lock, else 0.").Unlabelled;
        _dbErrors = Registry.CreateCounter("vigil_business_db_errors_total", "Database errors of the business-metrics pipeline by type (connection, timeout, serialization, shutdown, resources, constraint, server, other).", "error_type");
        Registry.Register(new ValueCollector(_latest));
    }

    public MetricRegistry Registry { get; }

    /// <summary>
    /// Called with each metric's latest scored minute. The host connects it to its score store so business metrics
    /// appear as <c>vigil_anomaly_score{job="business_metrics",metric=…}</c> next to every other scored series.
    /// </summary>
    public Action<string, Verdict, DateTimeOffset>? ScoreSink { get; set; }

    public long EventsIngestedTotal => (long)_ingested.Value;

    public long EventsAggregatedTotal => (long)_aggregated.Value;

    public long EventsTooLateTotal => (long)_tooLate.Value;

    public bool IsLeader => _leader.Value > 0;

    public double WatermarkLagSeconds => _lag.Value;

    public long AggregationRuns => _duration.Count;

    /// <summary>Latest scored minute of every business metric.</summary>
    public IReadOnlyDictionary<string, MetricReading> LatestReadings => _latest;

    public long DatabaseErrors(string errorType) => (long)_dbErrors.WithLabels(errorType).Value;

    public void EventsIngested(long count) => _ingested.Inc(count);

    public void EventsAggregated(long count) => _aggregated.Inc(count);

    public void EventsTooLate(long count) => _tooLate.Inc(count);

    public void SetLeader(bool isLeader) => _leader.Set(isLeader ? 1 : 0);

    public void SetWatermarkLag(TimeSpan lag) => _lag.Set(Math.Max(0, lag.TotalSeconds));

    public void AggregationDuration(TimeSpan duration) => _duration.Observe(duration.TotalSeconds);

    public void MetricScored(string metric, MetricReading reading)
    {
        ArgumentNullException.ThrowIfNull(metric);
        _latest[metric] = reading;
        ScoreSink?.Invoke(metric, reading.Verdict, reading.Minute);
    }

    public void DatabaseError(Exception exception, string operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        _dbErrors.WithLabels(Classify(exception)).Inc();
    }

    /// <summary>Bounded label values: a SQLSTATE class name for server errors, else the failure kind.</summary>
    internal static string Classify(Exception exception) => exception switch
    {
        PostgresException { SqlState: var s } when s.StartsWith("40", StringComparison.Ordinal) => "serialization",
        PostgresException { SqlState: var s } when s.StartsWith("57", StringComparison.Ordinal) => "shutdown",
        PostgresException { SqlState: var s } when s.StartsWith("53", StringComparison.Ordinal) => "resources",
        PostgresException { SqlState: var s } when s.StartsWith("23", StringComparison.Ordinal) => "constraint",
        PostgresException => "server",
        NpgsqlException { InnerException: TimeoutException } => "timeout",
        NpgsqlException => "connection",
        TimeoutException => "timeout",
        _ => "other",
    };

    private sealed class ValueCollector(ConcurrentDictionary<string, MetricReading> latest) : IMetricCollector
    {
        public void Collect(ExpositionWriter writer)
        {
            ArgumentNullException.ThrowIfNull(writer);
            writer.WriteHeader(ValueMetric, "Latest aggregated per-minute value of each business metric (event count or payload sum).", MetricType.Gauge);
            foreach (var (metric, reading) in latest.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                writer.WriteSample(ValueMetric, [new Label("metric", metric)], reading.Value);
            }
        }
    }
}

/// <summary>A metric's latest scored minute: its value and the detector's verdict.</summary>
public readonly record struct MetricReading(DateTimeOffset Minute, double Value, Verdict Verdict)
{
    public double Score => Verdict.Kind == VerdictKind.Scored ? Verdict.Score : 0;

    public bool IsAnomaly => Verdict.IsAnomaly;
}
