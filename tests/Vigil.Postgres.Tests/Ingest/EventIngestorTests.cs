using Npgsql;
using Vigil.Postgres.Ingest;
using Vigil.Postgres.Tests.Infrastructure;
using static Vigil.Postgres.Tests.Infrastructure.TestDb;

namespace Vigil.Postgres.Tests.Ingest;

[Collection(PostgresFixture.Collection)]
public sealed class EventIngestorTests(PostgresServer server)
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 10, 11, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task IngestAsync_Batch_InsertsEveryEventAndRegistersTypesAtFirstMinute()
    {
        await using var db = await CreateAsync(server);

        var result = await db.Ingestor().IngestAsync([Event("signup", T0.AddSeconds(70)), Event("signup", T0.AddSeconds(5)), Event("order", T0.AddMinutes(3), "{\"amount\":12.5}")]);

        Assert.Equal(new IngestResult(3, 3, 0, 0, 0, false), result);
        Assert.Equal(3L, await db.ScalarAsync<long>("SELECT count(*) FROM business_events"));
        Assert.Equal(T0, await db.ScalarAsync<DateTime>("SELECT first_minute FROM business_event_types WHERE event_type = 'signup'"));
        Assert.Equal(3L, db.Telemetry.EventsIngestedTotal);
    }

    [Fact]
    public async Task IngestAsync_RetryWithSameEventKeys_InsertsEachEventOnce()
    {
        await using var db = await CreateAsync(server);
        BusinessEvent[] batch = [Event("signup", T0, key: "a"), Event("signup", T0, key: "b"), Event("signup", T0)];
        await db.Ingestor().IngestAsync(batch);

        var retry = await db.Ingestor().IngestAsync([.. batch.Take(2), Event("signup", T0, key: "c")]);

        Assert.Equal((1, 2), (retry.Inserted, retry.Duplicates));
        Assert.Equal(4L, await db.ScalarAsync<long>("SELECT count(*) FROM business_events"));
    }

    [Fact]
    public async Task IngestAsync_DuplicateKeyInsideOneBatch_InsertedOnce()
    {
        await using var db = await CreateAsync(server);

        var result = await db.Ingestor().IngestAsync([Event("signup", T0, key: "same"), Event("signup", T0, key: "same")]);

        Assert.Equal((1, 1), (result.Inserted, result.Duplicates));
    }

    [Fact]
    public async Task IngestAsync_ReplayedRequestKey_InsertsNothing()
    {
        await using var db = await CreateAsync(server);
        await db.Ingestor().IngestAsync([Event("signup", T0), Event("signup", T0)], requestKey: "req-1");

        var replay = await db.Ingestor().IngestAsync([Event("signup", T0), Event("signup", T0)], requestKey: "req-1");

        Assert.True(replay.Replayed);
        Assert.Equal(2L, await db.ScalarAsync<long>("SELECT count(*) FROM business_events"));
    }

    [Fact]
    public async Task IngestAsync_OneEventFailsInTheDatabase_NothingOfTheBatchIsStored()
    {
        await using var db = await CreateAsync(server);
        var batch = Enumerable.Range(0, 1000).Select(i => Event("signup", T0.AddSeconds(i))).ToList();
        batch[700] = Event("signup", T0, payload: "{not json"); // bypasses validation: the database rejects it mid-COPY

        await Assert.ThrowsAnyAsync<NpgsqlException>(() => db.Ingestor().IngestAsync(batch));

        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM business_events"));
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM business_event_types"));
    }

    [Fact]
    public async Task IngestAsync_ConcurrentBatchesWithTypesInDifferentOrders_NoDeadlockAndAllStored()
    {
        await using var db = await CreateAsync(server, now: T0.AddHours(1));
        string[] types = ["a", "b", "c", "d", "e", "f"];

        // Each batch meets the types in its own order; keyed and unkeyed batches take the two ingest paths.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker);
            for (var batch = 0; batch < 5; batch++)
            {
                var order = types.OrderBy(_ => random.Next()).ToArray();
                var keyed = batch % 2 == 0;
                await db.Ingestor().IngestAsync([.. Enumerable.Range(0, 60).Select(i => Event(
                    order[i % order.Length],
                    T0.AddSeconds(random.Next(3600)),
                    key: keyed ? FormattableString.Invariant($"{worker}-{batch}-{i}") : null))]);
            }
        })));

        Assert.Equal(8L * 5 * 60, await db.ScalarAsync<long>("SELECT count(*) FROM business_events"));
        Assert.Equal(6L, await db.ScalarAsync<long>("SELECT count(*) FROM business_event_types"));
    }
}
