using System.Collections.Concurrent;
using Npgsql;
using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.Exposition;
using Vigil.Pipeline.Verdicts;

namespace Vigil.Postgres;

/// <summary>
/// Self-health of the pipeline as families of the host's <see cref="MetricRegistry"/> (a private registry when
/// none is given, e.g. in tests and the CLI), plus the latest value of every business metric, rendered by a
/// collector as <c>vigil_business_metric_value{metric=…}</c>. Scored minutes go out on the verdict seam as source
/// <c>business_metrics</c>, series <c>{metric=…}</c>, so they reach /metrics, history and episodes like every other score.
/// </summary>
public sealed class BusinessMetricsTelemetry
{
    public const string ValueMetric = "vigil_business_metric_value";

    /// <summary>The source (exported <c>job</c> label) of business-metric verdicts.</summary>
    public const string Source = "business_metrics";

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
    private readonly IVerdictSink? _verdicts;
    private readonly string _detector;
    private readonly ConcurrentDictionary<string, ScoredSeries> _series = new(StringComparer.Ordinal);
    private readonly Lock _publishGate = new();
    private readonly VerdictBatch _batch = new(Source, 1);

    /// <param name="registry">The host's registry; null: a private one (tests, the CLI).</param>
    /// <param name="verdicts">Where scored minutes are published (the pipeline's publisher); null: nowhere.</param>
    /// <param name="detector">The detector type scoring the metrics, carried on each published series.</param>
    public BusinessMetricsTelemetry(MetricRegistry? registry = null, IVerdictSink? verdicts = null, string detector = "rolling_sigma")
    {
        _verdicts = verdicts;
        _detector = detector;
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
        if (_verdicts is null)
        {
            return;
        }

        // One metric's latest minute per call: the batch is reused under a lock (scoring runs on the leader's loop,
        // but the CLI and tests may call from elsewhere).
        var series = _series.GetOrAdd(metric, m => new ScoredSeries(Source, Labels.From(new Label("metric", m)), _detector));
        lock (_publishGate)
        {
            _batch.Clear();
            _batch.Add(new ScoredPoint(series, reading.Minute.ToUnixTimeMilliseconds(), reading.Value, reading.Verdict));
            _verdicts.Publish(_batch);
            _batch.Clear();
        }
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
