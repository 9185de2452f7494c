using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Vigil.Postgres.Api;

/// <summary>One minute of a business metric, as charts need it.</summary>
public sealed record MetricPoint(
    DateTimeOffset Timestamp,
    double Value,
    bool IsAnomaly,
    double? Score,
    double? Expected,
    double? Lower,
    double? Upper);

public sealed record MetricSeries(string Metric, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<MetricPoint> Points)
{
    public IEnumerable<MetricPoint> Anomalies => Points.Where(p => p.IsAnomaly);
}

/// <summary>
/// One business metric in <c>GET /api/v1/metrics</c>: its aggregated range (null before its first aggregated minute),
/// the number of minutes stored, and the score of its latest scored minute (null before the first verdict).
/// </summary>
public sealed record MetricSummary(
    string Name,
    DateTimeOffset? FirstMinute,
    DateTimeOffset? LastMinute,
    long Minutes,
    DateTimeOffset? LastScoredMinute,
    double? LastScore,
    bool? LastIsAnomaly);

/// <summary>Reads business metrics for <c>GET /api/v1/metrics</c> and a metric's minutes with their bands for <c>GET /api/v1/metrics/{name}</c>.</summary>
public sealed class MetricSeriesReader
{
    /// <summary>At most this many minutes per request (a week), so one request cannot read the whole table.</summary>
    public const int MaxPoints = 7 * 24 * 60;

    private readonly NpgsqlDataSource _dataSource;

    public MetricSeriesReader(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));
    }

    /// <summary>
    /// The metric's minutes in [<paramref name="from"/>, <paramref name="to"/>), or null when no such metric exists:
    /// neither an aggregated metric nor a registered event type (a type ingested but not aggregated yet is known and
    /// has no points).
    /// </summary>
    public async Task<MetricSeries?> ReadAsync(string metric, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metric);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            """
            SELECT metric_timestamp, metric_value, is_anomaly, anomaly_score, anomaly_context
            FROM aggregated_metrics
            WHERE metric_name = $1 AND metric_timestamp >= $2 AND metric_timestamp < $3
            ORDER BY metric_timestamp
            LIMIT $4
            """,
            connection);
        command.Parameters.Add(new NpgsqlParameter { Value = metric });
        command.Parameters.Add(new NpgsqlParameter { Value = from.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = to.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = MaxPoints });
        var points = new List<MetricPoint>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            await ReadPointsAsync(reader, points, cancellationToken).ConfigureAwait(false);
        }

        if (points.Count == 0)
        {
            // Only an empty range needs the second look-up (two primary-key probes): a typo is a 404, not a flat chart.
            await using var exists = new NpgsqlCommand(
                "SELECT EXISTS (SELECT 1 FROM aggregated_metrics WHERE metric_name = $1) OR EXISTS (SELECT 1 FROM business_event_types WHERE event_type = $1)",
                connection);
            exists.Parameters.Add(new NpgsqlParameter { Value = metric });
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
            {
                return null;
            }
        }

        return new MetricSeries(metric, from, to, points);
    }

    /// <summary>Every business metric (aggregated metrics and registered event types), by name.</summary>
    public async Task<IReadOnlyList<MetricSummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

        // Names by a skip scan of the primary key (one index probe per metric instead of reading every row), then
        // per metric: first and last minute and the count from the same index, and the latest scored minute.
        await using var command = new NpgsqlCommand(
            """
            WITH RECURSIVE names AS (
                (SELECT metric_name FROM aggregated_metrics ORDER BY metric_name LIMIT 1)
                UNION ALL
                SELECT (SELECT a.metric_name FROM aggregated_metrics a WHERE a.metric_name > n.metric_name ORDER BY a.metric_name LIMIT 1)
                FROM names n WHERE n.metric_name IS NOT NULL
            ), metrics AS (
                SELECT metric_name FROM names WHERE metric_name IS NOT NULL
                UNION
                SELECT event_type FROM business_event_types
            )
            SELECT m.metric_name, r.first_minute, r.last_minute, r.minutes, s.metric_timestamp, s.anomaly_score, s.is_anomaly
            FROM metrics m
            CROSS JOIN LATERAL (
                SELECT min(metric_timestamp) AS first_minute, max(metric_timestamp) AS last_minute, count(*) AS minutes
                FROM aggregated_metrics WHERE metric_name = m.metric_name
            ) r
            LEFT JOIN LATERAL (
                SELECT metric_timestamp, anomaly_score, is_anomaly FROM aggregated_metrics
                WHERE metric_name = m.metric_name AND anomaly_score IS NOT NULL
                ORDER BY metric_timestamp DESC LIMIT 1
            ) s ON true
            ORDER BY m.metric_name
            """,
            connection);
        var metrics = new List<MetricSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            metrics.Add(new MetricSummary(
                reader.GetString(0),
                reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1),
                reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
                reader.GetInt64(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
                reader.IsDBNull(5) ? null : reader.GetDouble(5),
                reader.IsDBNull(6) ? null : reader.GetBoolean(6)));
        }

        return metrics;
    }

    private static async Task ReadPointsAsync(NpgsqlDataReader reader, List<MetricPoint> points, CancellationToken cancellationToken)
    {
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            double? expected = null, lower = null, upper = null;
            if (!reader.IsDBNull(4))
            {
                using var context = JsonDocument.Parse(reader.GetString(4));
                expected = Number(context.RootElement, "mean");
                lower = Number(context.RootElement, "lower_boundary");
                upper = Number(context.RootElement, "upper_boundary");
            }

            points.Add(new MetricPoint(
                reader.GetFieldValue<DateTimeOffset>(0),
                reader.GetDouble(1),
                reader.GetBoolean(2),
                reader.IsDBNull(3) ? null : reader.GetDouble(3),
                expected,
                lower,
                upper));
        }
    }

    private static double? Number(JsonElement element, string name)
        => element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;
}
