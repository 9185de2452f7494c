using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Vigil.Core.Detection;
using Vigil.Pipeline.Verdicts;
using Vigil.Postgres.Aggregation;
using Vigil.Postgres.Detection;
using Vigil.Postgres.Ingest;
using Vigil.Postgres.Migrations;

namespace Vigil.Postgres.Tests.Infrastructure;

/// <summary>A fresh, migrated database per test, with a manual clock and factories for the pipeline's classes.</summary>
public sealed class TestDb : IAsyncDisposable
{
    public static readonly DateTimeOffset DefaultNow = new(2026, 1, 10, 12, 0, 0, TimeSpan.Zero);

    private TestDb(string connectionString, BusinessMetricsOptions options, DateTimeOffset now, IVerdictSink? verdicts)
    {
        Telemetry = new BusinessMetricsTelemetry(verdicts: verdicts);
        ConnectionString = connectionString;
        DataSource = NpgsqlDataSource.Create(connectionString);
        Options = options;
        Time = new FakeTimeProvider(now);
    }

    public string ConnectionString { get; }

    public NpgsqlDataSource DataSource { get; }

    public BusinessMetricsOptions Options { get; }

    public FakeTimeProvider Time { get; }

    public BusinessMetricsTelemetry Telemetry { get; }

    /// <param name="verdicts">Receives the scored minutes the telemetry publishes on the verdict seam.</param>
    public static async Task<TestDb> CreateAsync(PostgresServer server, Func<BusinessMetricsOptions, BusinessMetricsOptions>? configure = null, DateTimeOffset? now = null, IVerdictSink? verdicts = null)
    {
        var options = new BusinessMetricsOptions { Aggregation = new AggregationOptions { SettleDelay = TimeSpan.Zero } };
        options = configure?.Invoke(options) ?? options;
        Assert.Empty(options.Validate());
        var db = new TestDb(await server.CreateDatabaseAsync(), options, now ?? DefaultNow, verdicts);
        await db.Migrator().MigrateAsync();
        return db;
    }

    public DbMigrator Migrator() => new(DataSource, NullLogger<DbMigrator>.Instance);

    public EventValidation Validation() => new(Options.Ingest, Time);

    public EventIngestor Ingestor() => new(DataSource, Options, Time, Telemetry, NullLogger<EventIngestor>.Instance);

    public Aggregator Aggregator() => new(DataSource, Options, Time, Telemetry, NullLogger<Aggregator>.Instance);

    public AnomalyScorer Scorer() => new(DataSource, Options, DetectorRegistry.CreateDefault().Create(Options.Detector), Time, Telemetry, NullLogger<AnomalyScorer>.Instance);

    public LeaderLease Lease() => new(DataSource, Options, Telemetry, NullLogger<LeaderLease>.Instance);

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async Task<double?> ValueAsync(string metric, DateTimeOffset minute)
    {
        await using var command = DataSource.CreateCommand("SELECT metric_value FROM aggregated_metrics WHERE metric_name = $1 AND metric_timestamp = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = metric });
        command.Parameters.Add(new NpgsqlParameter { Value = minute });
        return await command.ExecuteScalarAsync() is double d ? d : null;
    }

    /// <summary>
    /// Rows of aggregated_metrics (count metrics) that differ from a direct GROUP BY over the raw events,
    /// zero-filled from each type's first minute to the watermark, written independently of the aggregator's SQL
    /// (date_trunc instead of date_bin, a lateral series per type). 0 means exactly once for every minute.
    /// </summary>
    public Task<long> MismatchesAgainstGroupByAsync() => ScalarAsync<long>("""
        WITH wm AS (SELECT watermark FROM aggregation_state WHERE id = 1),
        raw AS (SELECT event_type, date_trunc('minute', event_timestamp) AS m, count(*) AS n FROM business_events GROUP BY 1, 2),
        expected AS (
            SELECT t.event_type AS metric_name, g.m AS metric_timestamp, coalesce(raw.n, 0)::float8 AS metric_value
            FROM business_event_types t CROSS JOIN wm
            CROSS JOIN LATERAL generate_series(t.first_minute, wm.watermark - interval '1 minute', interval '1 minute') AS g(m)
            LEFT JOIN raw ON raw.event_type = t.event_type AND raw.m = g.m
        ),
        actual AS (SELECT metric_name, metric_timestamp, metric_value FROM aggregated_metrics WHERE metric_name NOT LIKE '%:sum:%')
        SELECT count(*) FROM expected e FULL JOIN actual a USING (metric_name, metric_timestamp)
        WHERE e.metric_value IS DISTINCT FROM a.metric_value
        """);

    public static BusinessEvent Event(string type, DateTimeOffset at, string? payload = null, string? key = null) => new(type, at, payload, key);

    public async ValueTask DisposeAsync() => await DataSource.DisposeAsync();
}
