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

/// <summary>Reads a metric's minutes with their bands for <c>GET /api/v1/metrics/{name}</c>.</summary>
public sealed class MetricSeriesReader
{
    /// <summary>At most this many minutes per request (a week), so one request cannot read the whole table.</summary>
    public const int MaxPoints = 7 * 24 * 60;

    private readonly NpgsqlDataSource _dataSource;

    public MetricSeriesReader(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));
    }

    public async Task<MetricSeries> ReadAsync(string metric, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
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
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
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

        return new MetricSeries(metric, from, to, points);
    }

    private static double? Number(JsonElement element, string name)
        => element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;
}
