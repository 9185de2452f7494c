using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Vigil.Core.Detection;
using Vigil.Postgres;
using Vigil.Postgres.Aggregation;
using Vigil.Postgres.Detection;
using Vigil.Postgres.Ingest;
using Vigil.Postgres.Migrations;

namespace Vigil.Postgres.Benchmarks;

internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>A fresh migrated database on the server named by VIGIL_PG, with factories for the pipeline.</summary>
internal sealed class BenchDb : IAsyncDisposable
{
    private BenchDb(string connectionString, BusinessMetricsOptions options, ManualClock clock)
    {
        ConnectionString = connectionString;
        DataSource = NpgsqlDataSource.Create(connectionString);
        Options = options;
        Clock = clock;
    }

    public string ConnectionString { get; }

    public NpgsqlDataSource DataSource { get; }

    public BusinessMetricsOptions Options { get; }

    public ManualClock Clock { get; }

    public BusinessMetricsTelemetry Telemetry { get; } = new();

    public static async Task<BenchDb> CreateAsync(string name, DateTimeOffset now, Func<BusinessMetricsOptions, BusinessMetricsOptions>? configure = null, bool reuse = false)
    {
        var server = Environment.GetEnvironmentVariable("VIGIL_PG") ?? throw new InvalidOperationException("Set VIGIL_PG (scripts/pg/start.sh prints it).");
        if (!reuse)
        {
        await using (var admin = new NpgsqlConnection(server))
        {
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }
        }

        var options = new BusinessMetricsOptions { MigrateOnStartup = false, Aggregation = new AggregationOptions { SettleDelay = TimeSpan.Zero, Enabled = false } };
        options = configure?.Invoke(options) ?? options;
        var builder = new NpgsqlConnectionStringBuilder(server) { Database = name };
        var db = new BenchDb(builder.ConnectionString, options, new ManualClock(now));
        await new DbMigrator(db.DataSource, NullLogger<DbMigrator>.Instance).MigrateAsync();
        return db;
    }

    public EventIngestor Ingestor() => new(DataSource, Options, Clock, Telemetry, NullLogger<EventIngestor>.Instance);

    public Aggregator Aggregator() => new(DataSource, Options, Clock, Telemetry, NullLogger<Aggregator>.Instance);

    public AnomalyScorer Scorer() => new(DataSource, Options, DetectorRegistry.CreateDefault().Create(Options.Detector), Clock, Telemetry, NullLogger<AnomalyScorer>.Instance);

    public async Task ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        command.CommandTimeout = 0;
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>EXPLAIN output of a statement, for docs/business-metrics.md.</summary>
    public async Task<string> ExplainAsync(string sql, params object[] parameters)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var jit = new NpgsqlCommand("SET LOCAL jit = off", connection, transaction))
        {
            await jit.ExecuteNonQueryAsync();
        }

        await using var command = new NpgsqlCommand("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) " + sql, connection, transaction);
        command.CommandTimeout = 0;
        foreach (var p in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = p });
        }

        var lines = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                lines.Add(reader.GetString(0));
            }
        }

        await transaction.RollbackAsync();
        return string.Join('\n', lines);
    }

    public async ValueTask DisposeAsync() => await DataSource.DisposeAsync();

    public static async Task<TimeSpan> TimeAsync(Func<Task> action)
    {
        var clock = Stopwatch.StartNew();
        await action();
        return clock.Elapsed;
    }
}
