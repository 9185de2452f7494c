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
    public async Task IngestAsync_SameKeyTwiceInOneBatchWithDifferentContent_ThrowsConflictNamingKeyAndIndexAndStoresNothing()
    {
        await using var db = await CreateAsync(server);

        var ex = await Assert.ThrowsAsync<IdempotencyConflictException>(() => db.Ingestor().IngestAsync(
            [Event("signup", T0, key: "other"), Event("signup", T0, key: "same"), Event("signup", T0.AddSeconds(1), key: "same")]));

        Assert.Equal(("same", 2), (ex.IdempotencyKey, ex.Index));
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM business_events"));
    }

    [Fact]
    public async Task IngestAsync_KeyStoredEarlierWithOtherPayload_ThrowsConflict()
    {
        await using var db = await CreateAsync(server);
        await db.Ingestor().IngestAsync([Event("order", T0, "{\"amount\":5}", key: "o-1")]);

        var ex = await Assert.ThrowsAsync<IdempotencyConflictException>(() => db.Ingestor().IngestAsync([Event("order", T0, "{\"amount\":6}", key: "o-1")]));

        Assert.Equal(("o-1", 0), (ex.IdempotencyKey, ex.Index));
        Assert.Equal(5.0, await db.ScalarAsync<double>("SELECT (payload->>'amount')::float8 FROM business_events"));
    }

    [Fact]
    public async Task IngestAsync_RequestKeyReplayedWithOtherEvents_ThrowsConflictAndInsertsNothing()
    {
        await using var db = await CreateAsync(server);
        await db.Ingestor().IngestAsync([Event("signup", T0)], requestKey: "req-1");

        var ex = await Assert.ThrowsAsync<IdempotencyConflictException>(() => db.Ingestor().IngestAsync([Event("signup", T0), Event("signup", T0)], requestKey: "req-1"));

        Assert.Equal(("req-1", (int?)null), (ex.IdempotencyKey, ex.Index));
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM business_events"));
    }

    [Fact]
    public async Task IngestAsync_RequestKeyRecordedBeforeBodyHashes_ReplayAcceptedAsUnknownContent()
    {
        await using var db = await CreateAsync(server);

        // A request accepted by a Vigil older than migration 2 has no body hash: its content is unknown, so a replay
        // under the same key is accepted as a replay (the pre-upgrade behaviour) rather than rejected.
        await db.ScalarAsync<int>("INSERT INTO ingest_requests (idempotency_key, event_count) VALUES ('legacy', 3) RETURNING 1");

        var replay = await db.Ingestor().IngestAsync([Event("signup", T0)], requestKey: "legacy");

        Assert.True(replay.Replayed);
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM business_events"));
    }

    [Fact]
    public async Task IngestAsync_ConcurrentRequestsWithOneEventKeyAndDifferentContent_OneStoredOtherConflicts()
    {
        await using var db = await CreateAsync(server);

        // Both transactions may pass any pre-check before either commits: the loser must still see the winner's row.
        var results = await Task.WhenAll(Enumerable.Range(0, 2).Select(i => Task.Run(async () =>
        {
            try
            {
                await db.Ingestor().IngestAsync([Event("signup", T0.AddSeconds(i), key: "race")]);
                return "stored";
            }
            catch (IdempotencyConflictException)
            {
                return "conflict";
            }
        })));

        Assert.Equal(["conflict", "stored"], results.Order(StringComparer.Ordinal));
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM business_events"));
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
