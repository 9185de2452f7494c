using Npgsql;
using Vigil.Postgres.Detection;
using Vigil.Postgres.Ingest;
using Vigil.Postgres.Tests.Infrastructure;

namespace Vigil.Postgres.Tests.Detection;

[Collection(PostgresFixture.Collection)]
public sealed class AnomalyScorerTests(PostgresServer server)
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 10, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task RunOnceAsync_SpikeAfterStableHistory_FlagsAnomalyWithFullContext()
    {
        await using var db = await TestDb.CreateAsync(server, now: T0.AddMinutes(200));
        var events = new List<BusinessEvent>();
        for (var m = 0; m < 200; m++)
        {
            var count = m == 195 ? 40 : 10 + (m % 3); // 10..12 per minute, one spike of 40
            events.AddRange(Enumerable.Range(0, count).Select(i => TestDb.Event("signup", T0.AddMinutes(m).AddSeconds(i))));
        }

        await db.Ingestor().IngestAsync(events);
        await db.Aggregator().CatchUpAsync();

        await db.Scorer().CatchUpAsync();

        var anomalies = await ReadAsync(db, "SELECT metric_timestamp, anomaly_context::text FROM aggregated_metrics WHERE is_anomaly");
        var (minute, json) = Assert.Single(anomalies);
        Assert.Equal(T0.AddMinutes(195), minute);
        var context = AnomalyContext.FromJson(json)!;
        Assert.Equal(("rolling_sigma", 180, 180, false), (context.Method, context.WindowSize, context.PointsUsed, context.InsufficientHistory));
        Assert.InRange(context.Mean!.Value, 10.5, 11.5);
        Assert.True(context.UpperBoundary < 40 && context.LowerBoundary < context.Mean && context.StdDev > 0);
        Assert.Equal(context.Mean!.Value + (3 * context.StdDev!.Value), context.UpperBoundary!.Value, 9);
        Assert.StartsWith("rolling_sigma/", context.DetectorVersion, StringComparison.Ordinal);
        Assert.True(db.Telemetry.LatestReadings["signup"].Minute == T0.AddMinutes(199));
    }

    [Fact]
    public async Task RunOnceAsync_LessThanHalfAWindow_NoVerdictAndContextSaysInsufficientHistory()
    {
        await using var db = await TestDb.CreateAsync(server, now: T0.AddMinutes(30));
        await db.Ingestor().IngestAsync([TestDb.Event("signup", T0), TestDb.Event("signup", T0.AddMinutes(29)), TestDb.Event("signup", T0.AddMinutes(29))]);
        await db.Aggregator().CatchUpAsync();

        await db.Scorer().CatchUpAsync();

        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM aggregated_metrics WHERE is_anomaly OR anomaly_score IS NOT NULL"));
        Assert.Equal(30L, await db.ScalarAsync<long>("SELECT count(*) FROM aggregated_metrics WHERE (anomaly_context->>'insufficient_history')::bool"));
    }

    [Fact]
    public async Task RunOnceAsync_LateEventChangesScoredMinute_MinuteIsRescored()
    {
        await using var db = await TestDb.CreateAsync(server, o => o with { Aggregation = o.Aggregation with { AllowedLateness = TimeSpan.FromHours(1) } }, now: T0.AddMinutes(150));
        await db.Ingestor().IngestAsync([.. Enumerable.Range(0, 150).SelectMany(m => Enumerable.Range(0, 10 + (m % 2)).Select(i => TestDb.Event("signup", T0.AddMinutes(m).AddSeconds(i))))]);
        await db.Aggregator().CatchUpAsync();
        await db.Scorer().CatchUpAsync();
        var late = T0.AddMinutes(140);

        await db.Ingestor().IngestAsync([.. Enumerable.Range(0, 50).Select(i => TestDb.Event("signup", late.AddSeconds(30 + (i / 10.0))))]);
        await db.Aggregator().CatchUpAsync();
        var rescored = await db.Scorer().RunOnceAsync();

        Assert.Equal(late, await db.ScalarAsync<DateTime>("SELECT metric_timestamp FROM aggregated_metrics WHERE is_anomaly"));
        Assert.Equal(10, rescored.Points); // minutes 140..149: the revised minute and those after it
    }

    [Fact]
    public async Task RunOnceAsync_ScoredInSmallBatches_SameVerdictsAsOneBatch()
    {
        // Statelessness between runs: warming from the table must reproduce an uninterrupted run exactly.
        var contexts = new List<List<(DateTimeOffset, string)>>();
        foreach (var batch in new[] { 1440, 7 })
        {
            await using var db = await TestDb.CreateAsync(server, o => o with { Aggregation = o.Aggregation with { MaxDetectionMinutesPerRun = batch } }, now: T0.AddMinutes(150));
            var random = new Random(42);
            await db.Ingestor().IngestAsync([.. Enumerable.Range(0, 3000).Select(_ => TestDb.Event("signup", T0.AddSeconds(random.Next(150 * 60))))]);
            await db.Aggregator().CatchUpAsync();
            await db.Scorer().CatchUpAsync();
            contexts.Add(await ReadAsync(db, "SELECT metric_timestamp, anomaly_context::text FROM aggregated_metrics ORDER BY 1"));
        }

        Assert.Equal(150, contexts[0].Count);
        Assert.Equal(contexts[0], contexts[1]);
    }

    private static async Task<List<(DateTimeOffset, string)>> ReadAsync(TestDb db, string sql)
    {
        await using var command = db.DataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(DateTimeOffset, string)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetFieldValue<DateTimeOffset>(0), reader.GetString(1)));
        }

        return rows;
    }
}
