using System.Collections.Concurrent;
using Npgsql;

namespace Vigil.Postgres;

/// <summary>
/// Self-health of the pipeline, kept as plain thread-safe state so this assembly does not depend on the
/// exposition format; the host maps it onto its metric registry (see <c>BusinessMetricsCollector</c> in the docs).
/// </summary>
public sealed class BusinessMetricsTelemetry
{
    /// <summary>Upper bounds (seconds) of the aggregation-duration histogram buckets.</summary>
    public static readonly IReadOnlyList<double> DurationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly long[] _durationCounts = new long[DurationBuckets.Count + 1];
    private readonly ConcurrentDictionary<string, long> _dbErrors = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, MetricReading> _latest = new(StringComparer.Ordinal);
    private readonly Lock _durationLock = new();
    private double _durationSum;
    private long _ingested;
    private long _aggregated;
    private long _tooLate;
    private long _isLeader;
    private long _watermarkLagTicks = -1;

    public long EventsIngestedTotal => Interlocked.Read(ref _ingested);

    public long EventsAggregatedTotal => Interlocked.Read(ref _aggregated);

    public long EventsTooLateTotal => Interlocked.Read(ref _tooLate);

    public bool IsLeader => Interlocked.Read(ref _isLeader) != 0;

    /// <summary>Now minus the aggregation watermark at the end of the last run; null before the first run.</summary>
    public TimeSpan? WatermarkLag => Interlocked.Read(ref _watermarkLagTicks) is var t and >= 0 ? TimeSpan.FromTicks(t) : null;

    public IReadOnlyDictionary<string, long> DatabaseErrors => _dbErrors;

    /// <summary>Latest scored minute of every business metric (for <c>vigil_business_metric_value</c> / <c>vigil_anomaly_score</c>).</summary>
    public IReadOnlyDictionary<string, MetricReading> LatestReadings => _latest;

    public (long[] BucketCounts, long Count, double Sum) AggregationDurations
    {
        get
        {
            lock (_durationLock)
            {
                var counts = (long[])_durationCounts.Clone();
                return (counts, counts.Sum(), _durationSum);
            }
        }
    }

    public void EventsIngested(long count) => Interlocked.Add(ref _ingested, count);

    public void EventsAggregated(long count) => Interlocked.Add(ref _aggregated, count);

    public void EventsTooLate(long count) => Interlocked.Add(ref _tooLate, count);

    public void SetLeader(bool isLeader) => Interlocked.Exchange(ref _isLeader, isLeader ? 1 : 0);

    public void SetWatermarkLag(TimeSpan lag) => Interlocked.Exchange(ref _watermarkLagTicks, Math.Max(0, lag.Ticks));

    public void AggregationDuration(TimeSpan duration)
    {
        var seconds = duration.TotalSeconds;
        var bucket = 0;
        while (bucket < DurationBuckets.Count && seconds > DurationBuckets[bucket])
        {
            bucket++;
        }

        lock (_durationLock)
        {
            _durationCounts[bucket]++;
            _durationSum += seconds;
        }
    }

    public void MetricScored(string metric, MetricReading reading) => _latest[metric] = reading;

    public void DatabaseError(Exception exception, string operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        _dbErrors.AddOrUpdate(Classify(exception), 1, (_, n) => n + 1);
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
        NpgsqlException { InnerException: IOException or System.Net.Sockets.SocketException } => "connection",
        NpgsqlException => "connection",
        TimeoutException => "timeout",
        _ => "other",
    };
}

/// <summary>The value and anomaly score of a metric's latest scored minute.</summary>
public readonly record struct MetricReading(DateTimeOffset Minute, double Value, double Score, bool IsAnomaly);
