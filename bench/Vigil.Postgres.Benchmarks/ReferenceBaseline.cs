using System.Diagnostics;
using Npgsql;

namespace Vigil.Postgres.Benchmarks;

/// <summary>
/// The reference design's loop, reproduced faithfully as a baseline (but for every event type, so it does the same
/// work as ours): per minute and type a count(*) query, an INSERT … RETURNING id, a query of the last 180 values for
/// 3-sigma, an UPDATE when anomalous; at the end UPDATE business_events SET is_processed = true. One transaction,
/// one round trip per statement, as with Exposed. Runs on the catch-up benchmark's database.
/// </summary>
internal static class ReferenceBaseline
{
    public static async Task RunAsync(DateTimeOffset start, int minutes, string[] types)
    {
        var server = Environment.GetEnvironmentVariable("VIGIL_PG")!;
        await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(server) { Database = "bench_catchup" }.ConnectionString);
        await using (var setup = dataSource.CreateBatch())
        {
            foreach (var sql in new[]
            {
                "ALTER TABLE business_events ADD COLUMN IF NOT EXISTS is_processed boolean NOT NULL DEFAULT false",
                "UPDATE business_events SET is_processed = false WHERE is_processed",
                "CREATE INDEX IF NOT EXISTS idx_business_events_processed ON business_events (is_processed, event_timestamp)",
                "DROP TABLE IF EXISTS reference_metrics",
                "CREATE TABLE reference_metrics (id bigserial PRIMARY KEY, metric_name varchar(100) NOT NULL, metric_timestamp timestamptz NOT NULL, metric_value bigint NOT NULL, is_anomaly boolean NOT NULL DEFAULT false, anomaly_context jsonb, UNIQUE (metric_name, metric_timestamp))",
                "CREATE INDEX idx_reference_metrics_name_timestamp ON reference_metrics (metric_name, metric_timestamp DESC)",
            })
            {
                setup.BatchCommands.Add(new NpgsqlBatchCommand(sql));
            }

            await setup.ExecuteNonQueryAsync();
        }

        var clock = Stopwatch.StartNew();
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM business_events WHERE event_type = $1 AND event_timestamp >= $2 AND event_timestamp < $3", connection, transaction);
        await using var insert = new NpgsqlCommand("INSERT INTO reference_metrics (metric_name, metric_timestamp, metric_value) VALUES ($1, $2, $3) RETURNING id", connection, transaction);
        await using var history = new NpgsqlCommand("SELECT metric_value FROM reference_metrics WHERE metric_name = $1 AND metric_timestamp < $2 ORDER BY metric_timestamp DESC LIMIT 180", connection, transaction);
        await using var flag = new NpgsqlCommand("UPDATE reference_metrics SET is_anomaly = true, anomaly_context = $2::jsonb WHERE id = $1", connection, transaction);
        count.Parameters.Add(new NpgsqlParameter<string>());
        count.Parameters.Add(new NpgsqlParameter<DateTimeOffset>());
        count.Parameters.Add(new NpgsqlParameter<DateTimeOffset>());
        insert.Parameters.Add(new NpgsqlParameter<string>());
        insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset>());
        insert.Parameters.Add(new NpgsqlParameter<long>());
        history.Parameters.Add(new NpgsqlParameter<string>());
        history.Parameters.Add(new NpgsqlParameter<DateTimeOffset>());
        flag.Parameters.Add(new NpgsqlParameter<long>());
        flag.Parameters.Add(new NpgsqlParameter<string>());
        var values = new List<long>(180);
        var anomalies = 0;
        for (var m = 0; m < minutes; m++)
        {
            var windowStart = start.AddMinutes(m);
            foreach (var type in types)
            {
                count.Parameters[0].Value = type;
                count.Parameters[1].Value = windowStart;
                count.Parameters[2].Value = windowStart.AddMinutes(1);
                var n = (long)(await count.ExecuteScalarAsync())!;
                insert.Parameters[0].Value = type;
                insert.Parameters[1].Value = windowStart.AddMinutes(1);
                insert.Parameters[2].Value = n;
                var id = (long)(await insert.ExecuteScalarAsync())!;
                history.Parameters[0].Value = type;
                history.Parameters[1].Value = windowStart.AddMinutes(1);
                values.Clear();
                await using (var reader = await history.ExecuteReaderAsync())
                {
                    while (await reader.ReadAsync())
                    {
                        values.Add(reader.GetInt64(0));
                    }
                }

                if (values.Count >= 90)
                {
                    var mean = values.Average();
                    var std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Count);
                    if (n > mean + (3 * std) || n < mean - (3 * std))
                    {
                        anomalies++;
                        flag.Parameters[0].Value = id;
                        flag.Parameters[1].Value = FormattableString.Invariant($"{{\"method\":\"3-sigma\",\"mean\":{mean},\"std_dev\":{std}}}");
                        await flag.ExecuteNonQueryAsync();
                    }
                }
            }
        }

        var loop = clock.Elapsed;
        await using (var mark = new NpgsqlCommand("UPDATE business_events SET is_processed = true WHERE event_timestamp < $1", connection, transaction))
        {
            mark.CommandTimeout = 0;
            mark.Parameters.Add(new NpgsqlParameter { Value = start.AddMinutes(minutes) });
            await mark.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
        var totalElapsed = clock.Elapsed;
        var scale = 30 * 1440.0 / minutes;
        Console.WriteLine($"reference per-minute loop, {minutes} minutes x {types.Length} types ({anomalies} anomalies): loop {loop.TotalSeconds:F1} s + is_processed UPDATE {(totalElapsed - loop).TotalSeconds:F1} s = {totalElapsed.TotalSeconds:F1} s");
        Console.WriteLine($"reference extrapolated linearly to 30 days ({scale:F0}x): {totalElapsed.TotalSeconds * scale:F0} s ({totalElapsed.TotalMinutes * scale:F1} min)");
    }
}
