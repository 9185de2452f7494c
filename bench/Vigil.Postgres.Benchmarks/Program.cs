using System.Globalization;
using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Vigil.Postgres;
using Vigil.Postgres.Aggregation;
using Vigil.Postgres.Api;
using Vigil.Postgres.Benchmarks;
using Vigil.Postgres.Ingest;

// Usage (VIGIL_PG must name a server; scripts/pg/bench.sh does it all):
//   copy [events]              ingest throughput through EventIngestor (binary COPY) and plain COPY
//   http [events]              ingest throughput through POST /api/v1/events on Kestrel (loopback)
//   catchup [events] [days]    catch-up aggregation + scoring, steady-state minute, EXPLAINs
//   baseline [minutes]         the reference design's per-minute loop on the catch-up data (run after catchup)
var mode = args.Length > 0 ? args[0] : "all";
long Arg(int i, long fallback) => args.Length > i ? long.Parse(args[i], CultureInfo.InvariantCulture) : fallback;
var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
string[] types = [.. Enumerable.Range(0, 8).Select(i => "type_" + i)];

if (mode is "copy" or "all")
{
    var total = (int)Arg(1, 1_000_000);
    var events = MakeEvents(total, keys: false);

    await using (var db = await BenchDb.CreateAsync("bench_copy_plain", start.AddDays(31)))
    {
        var elapsed = await BenchDb.TimeAsync(async () =>
        {
            await using var connection = await db.DataSource.OpenConnectionAsync();
            await using var writer = await connection.BeginBinaryImportAsync("COPY business_events (event_type, event_timestamp, payload) FROM STDIN (FORMAT BINARY)");
            foreach (var e in events)
            {
                await writer.StartRowAsync();
                await writer.WriteAsync(e.EventType, NpgsqlDbType.Varchar);
                await writer.WriteAsync(e.Timestamp, NpgsqlDbType.TimestampTz);
                await writer.WriteAsync(e.PayloadJson!, NpgsqlDbType.Jsonb);
            }

            await writer.CompleteAsync();
        });
        Report($"plain COPY into business_events ({total:N0} events)", total, elapsed);
    }

    foreach (var batch in new[] { 10_000, 50_000 })
    {
        await using var db = await BenchDb.CreateAsync("bench_copy_ingestor", start.AddDays(31));
        var ingestor = db.Ingestor();
        var elapsed = await BenchDb.TimeAsync(async () =>
        {
            foreach (var chunk in events.Chunk(batch))
            {
                await ingestor.IngestAsync(chunk);
            }
        });
        Report($"EventIngestor, batches of {batch:N0}, no keys ({total:N0} events)", total, elapsed);
    }

    var keyed = MakeEvents(total / 2, keys: true);
    await using (var db = await BenchDb.CreateAsync("bench_copy_keys", start.AddDays(31)))
    {
        var ingestor = db.Ingestor();
        var elapsed = await BenchDb.TimeAsync(async () =>
        {
            foreach (var chunk in keyed.Chunk(50_000))
            {
                await ingestor.IngestAsync(chunk);
            }
        });
        Report($"EventIngestor, batches of 50,000, every event keyed ({keyed.Length:N0} events)", keyed.Length, elapsed);

        // The same batches again: every event a duplicate, so each batch also runs the reused-key check (one index
        // probe per keyed event) before it is skipped.
        var retry = await BenchDb.TimeAsync(async () =>
        {
            foreach (var chunk in keyed.Chunk(50_000))
            {
                await ingestor.IngestAsync(chunk);
            }
        });
        Report($"EventIngestor, the same keyed batches retried (all duplicates, reused-key check) ({keyed.Length:N0} events)", keyed.Length, retry);
    }
}

if (mode is "http" or "all")
{
    var total = (int)Arg(1, 500_000);
    const int perRequest = 10_000;
    await using var db = await BenchDb.CreateAsync("bench_http", start.AddDays(31), o => o with { Ingest = o.Ingest with { Retention = TimeSpan.FromDays(3650) } });
    var builder = WebApplication.CreateBuilder();
    builder.Logging.ClearProviders();
    builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
    builder.Services.AddSingleton(db.DataSource);
    builder.Services.AddSingleton<TimeProvider>(db.Clock);
    builder.Services.AddBusinessMetrics(db.Options);
    await using var app = builder.Build();
    app.MapBusinessMetricsApi();
    await app.StartAsync();
    var address = app.Urls.First();

    var bodies = MakeEvents(total, keys: false).Chunk(perRequest).Select(chunk =>
    {
        var sb = new StringBuilder(chunk.Length * 110);
        foreach (var e in chunk)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{{\"event_type\":\"{e.EventType}\",\"timestamp\":\"{e.Timestamp:yyyy-MM-ddTHH:mm:ss.fffZ}\",\"payload\":{e.PayloadJson}}}\n");
        }

        return Encoding.UTF8.GetBytes(sb.ToString());
    }).ToArray();

    using var client = new HttpClient { BaseAddress = new Uri(address) };
    foreach (var concurrency in new[] { 1, 4 })
    {
        await db.ExecuteAsync("TRUNCATE business_events");
        var next = -1;
        var elapsed = await BenchDb.TimeAsync(() => Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < bodies.Length)
            {
                using var content = new ByteArrayContent(bodies[i]);
                content.Headers.ContentType = new("application/x-ndjson");
                using var response = await client.PostAsync(new Uri("/api/v1/events", UriKind.Relative), content);
                response.EnsureSuccessStatusCode();
            }
        })));
        var stored = await db.ScalarAsync<long>("SELECT count(*) FROM business_events");
        Report($"HTTP POST /api/v1/events, NDJSON {perRequest:N0}/request, {concurrency} client(s) ({stored:N0} events stored)", total, elapsed);
    }

    await app.StopAsync();
}

if (mode is "catchup" or "all")
{
    var total = Arg(1, 10_000_000);
    var days = (int)Arg(2, 30);
    var end = start.AddDays(days);
    await using var db = await BenchDb.CreateAsync("bench_catchup", end, o => o with { Aggregation = o.Aggregation with { MaxMinutesPerRun = 1440 } });

    // Events in time order (as they arrive), 8 types with skewed rates; generated server-side.
    var load = await BenchDb.TimeAsync(async () =>
    {
        await db.ExecuteAsync(string.Create(CultureInfo.InvariantCulture, $"""
            INSERT INTO business_events (event_type, event_timestamp, payload, ingested_at)
            SELECT 'type_' || floor(8 * power(random(), 1.7))::int,
                   timestamptz '{start:O}' + (i * ({days} * 86400.0 / {total})) * interval '1 second',
                   jsonb_build_object('amount', round((random() * 100)::numeric, 2)),
                   timestamptz '{end:O}'
            FROM generate_series(0, {total} - 1) AS i
            """));
        await db.ExecuteAsync("INSERT INTO business_event_types SELECT event_type, date_bin('1 minute', min(event_timestamp), timestamptz '2000-01-01Z') FROM business_events GROUP BY 1");
        await db.ExecuteAsync("VACUUM ANALYZE business_events");
    });
    Console.WriteLine($"setup: {total:N0} events over {days} days loaded server-side in {load.TotalSeconds:F1} s (not a measurement)");

    var aggregator = db.Aggregator();
    var runs = 0;
    var catchUp = await BenchDb.TimeAsync(async () => runs = await aggregator.CatchUpAsync());
    var rows = await db.ScalarAsync<long>("SELECT count(*) FROM aggregated_metrics");
    Report($"catch-up aggregation: {runs} transactions of <= 1440 minutes, {rows:N0} metric rows", total, catchUp);
    var mismatches = await db.ScalarAsync<long>("""
        SELECT count(*) FROM (SELECT event_type, date_trunc('minute', event_timestamp) m, count(*) n FROM business_events GROUP BY 1, 2) r
        LEFT JOIN aggregated_metrics a ON a.metric_name = r.event_type AND a.metric_timestamp = r.m
        WHERE a.metric_value IS DISTINCT FROM r.n
        """);
    Console.WriteLine($"check: {mismatches} minutes differ from GROUP BY");

    var scorer = db.Scorer();
    var scoring = await BenchDb.TimeAsync(() => scorer.CatchUpAsync());
    Console.WriteLine($"catch-up scoring (rolling_sigma, {rows:N0} points, context jsonb written): {scoring.TotalSeconds:F2} s");

    await SteadyStateAsync(db, end, (int)(total / (days * 1440L)));

    var sql = AggregationSql.Build(withSums: false, withDirty: false);
    Console.WriteLine("\nEXPLAIN catch-up run (1440 minutes):\n" + await db.ExplainAsync(sql, start.AddDays(10), start.AddDays(11), 1000, DBNull.Value, end));
    Console.WriteLine("\nEXPLAIN steady-state run (1 minute):\n" + await db.ExplainAsync(sql, end.AddMinutes(199), end.AddMinutes(200), 1000, DBNull.Value, end));
    Console.WriteLine("\nEXPLAIN scorer read (steady state):\n" + await db.ExplainAsync(
        "SELECT metric_name, metric_timestamp, metric_value FROM aggregated_metrics WHERE metric_timestamp >= $1 AND metric_timestamp < $2 ORDER BY metric_name, metric_timestamp",
        end.AddMinutes(199 - 180), end.AddMinutes(200)));
}

if (mode is "recatchup")
{
    // Re-times catch-up on the database catchup left behind (skips the 10 M-event load): resets the state first.
    var end = start.AddDays((int)Arg(1, 30));
    await using var db = await BenchDb.CreateAsync("bench_catchup", end, o => o with { Aggregation = o.Aggregation with { MaxMinutesPerRun = 1440 } }, reuse: true);
    await db.ExecuteAsync($"DELETE FROM business_events WHERE event_timestamp >= '{end:O}'");
    await db.ExecuteAsync("TRUNCATE aggregated_metrics, aggregation_dirty_minutes");
    await db.ExecuteAsync("UPDATE aggregation_state SET watermark = NULL");
    await db.ExecuteAsync("UPDATE detection_state SET detected_until = NULL");
    await db.ExecuteAsync("VACUUM ANALYZE");
    var total = await db.ScalarAsync<long>("SELECT count(*) FROM business_events");
    var runs = 0;
    var catchUp = await BenchDb.TimeAsync(async () => runs = await db.Aggregator().CatchUpAsync());
    Report($"catch-up aggregation: {runs} transactions of <= 1440 minutes", total, catchUp);
    var scoring = await BenchDb.TimeAsync(() => db.Scorer().CatchUpAsync());
    Console.WriteLine($"catch-up scoring: {scoring.TotalSeconds:F2} s");
}

if (mode is "steady")
{
    // Re-runs the steady-state measurement on the database the catchup mode left behind.
    await using var db = await BenchDb.CreateAsync("bench_catchup", start, reuse: true);
    var watermark = await db.ScalarAsync<DateTime>("SELECT watermark FROM aggregation_state");
    await SteadyStateAsync(db, new DateTimeOffset(watermark, TimeSpan.Zero), (int)Arg(1, 231));
}

if (mode is "baseline" or "all")
{
    var minutes = (int)Arg(1, 1440);
    await ReferenceBaseline.RunAsync(start, minutes, types);
}

// Steady state: one new minute at a time, aggregation and scoring timed separately.
async Task SteadyStateAsync(BenchDb db, DateTimeOffset end, int perMinute)
{
    var aggregator = db.Aggregator();
    var scorer = db.Scorer();
    var ingestor = db.Ingestor();
    var aggregate = new List<double>();
    var score = new List<double>();
    var both = new List<double>();
    var random = new Random(1);
    for (var m = 0; m < 200; m++)
    {
        var minute = end.AddMinutes(m);
        await ingestor.IngestAsync([.. Enumerable.Range(0, perMinute).Select(i => new BusinessEvent(types[random.Next(8)], minute.AddMilliseconds(i * 60_000.0 / perMinute), "{\"amount\":1}"))]);
        db.Clock.Now = minute.AddMinutes(1);
        var sw = Stopwatch.StartNew();
        var result = await aggregator.RunOnceAsync();
        aggregate.Add(sw.Elapsed.TotalMilliseconds);
        sw.Restart();
        await scorer.RunOnceAsync();
        score.Add(sw.Elapsed.TotalMilliseconds);
        both.Add(aggregate[^1] + score[^1]);
        if (result.Minutes != 1)
        {
            throw new InvalidOperationException($"expected one minute, got {result.Minutes}");
        }
    }

    Console.WriteLine($"steady state, one new minute ({perMinute} events, 8 types), 200 minutes: aggregate median {Percentile(aggregate, 0.5):F2} ms p95 {Percentile(aggregate, 0.95):F2} ms; score median {Percentile(score, 0.5):F2} ms p95 {Percentile(score, 0.95):F2} ms; both median {Percentile(both, 0.5):F2} ms");
}

static BusinessEvent[] MakeEvents(int count, bool keys)
{
    var random = new Random(7);
    var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    return [.. Enumerable.Range(0, count).Select(i => new BusinessEvent(
        "type_" + random.Next(8),
        start.AddMilliseconds(i * 10.0),
        string.Create(CultureInfo.InvariantCulture, $"{{\"amount\":{random.Next(10_000) / 100.0}}}"),
        keys ? "k-" + i.ToString(CultureInfo.InvariantCulture) : null))];
}

static void Report(string what, long events, TimeSpan elapsed)
    => Console.WriteLine($"{what}: {elapsed.TotalSeconds:F2} s, {events / elapsed.TotalSeconds:N0} events/s");

static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToList();
    return sorted[(int)Math.Min(sorted.Count - 1, Math.Round(p * (sorted.Count - 1)))];
}
