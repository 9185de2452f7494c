using Vigil.Postgres.Ingest;
using Vigil.Postgres.Tests.Infrastructure;
using static Vigil.Postgres.Tests.Infrastructure.TestDb;

namespace Vigil.Postgres.Tests.Aggregation;

[Collection(PostgresFixture.Collection)]
public sealed class AggregatorTests(PostgresServer server)
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 10, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task RunOnceAsync_NoEvents_DoesNothingAndSetsNoWatermark()
    {
        await using var db = await CreateAsync(server);

        var result = await db.Aggregator().RunOnceAsync();

        Assert.True(result.CaughtUp);
        Assert.Null(result.Watermark);
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM aggregated_metrics"));
    }

    [Fact]
    public async Task RunOnceAsync_MinutesWithoutEvents_AreZeroNotGaps()
    {
        await using var db = await CreateAsync(server, now: T0.AddMinutes(10));
        await db.Ingestor().IngestAsync([Event("signup", T0.AddSeconds(10)), Event("signup", T0.AddSeconds(20)), Event("signup", T0.AddMinutes(5)), Event("order", T0.AddMinutes(2))]);

        await db.Aggregator().CatchUpAsync();

        var signups = await ValuesAsync(db, "signup", T0, 10);
        var orders = await ValuesAsync(db, "order", T0.AddMinutes(2), 8);
        Assert.Equal([2.0, 0, 0, 0, 0, 1, 0, 0, 0, 0], signups);
        Assert.Equal([1.0, 0, 0, 0, 0, 0, 0, 0], orders);
        Assert.Null(await db.ValueAsync("order", T0.AddMinutes(1))); // no zeros before a type's first event
        Assert.Equal(0L, await db.MismatchesAgainstGroupByAsync());
    }

    [Fact]
    public async Task RunOnceAsync_OpenMinute_NotAggregatedUntilClosedAndSettled()
    {
        await using var db = await CreateAsync(server, o => o with { Aggregation = o.Aggregation with { SettleDelay = TimeSpan.FromSeconds(5) } }, now: T0.AddMinutes(1).AddSeconds(4));
        await db.Ingestor().IngestAsync([Event("signup", T0.AddSeconds(30))]);

        await db.Aggregator().RunOnceAsync();
        var before = await db.ValueAsync("signup", T0);
        db.Time.Advance(TimeSpan.FromSeconds(1));
        await db.Aggregator().RunOnceAsync();

        Assert.Null(before);
        Assert.Equal(1.0, await db.ValueAsync("signup", T0));
    }

    [Fact]
    public async Task CatchUpAsync_FirstRun_StartsAtEarliestEventInBoundedBatches()
    {
        await using var db = await CreateAsync(server, o => o with { Aggregation = o.Aggregation with { MaxMinutesPerRun = 60 } }, now: T0.AddHours(5));
        await db.Ingestor().IngestAsync([Event("signup", T0.AddMinutes(7).AddSeconds(1)), Event("signup", T0.AddHours(4))]);
        var aggregator = db.Aggregator();

        var first = await aggregator.RunOnceAsync();
        var runs = 1 + await aggregator.CatchUpAsync();

        Assert.Equal((60, false), (first.Minutes, first.CaughtUp));
        Assert.Equal(T0.AddMinutes(67), first.Watermark);
        Assert.Equal(5, runs); // 293 minutes in batches of 60, and nothing more
        Assert.Equal(293L, await db.ScalarAsync<long>("SELECT count(*) FROM aggregated_metrics"));
        Assert.Equal(T0.AddHours(5), (await aggregator.RunOnceAsync()).Watermark);
        Assert.Equal(0L, await db.MismatchesAgainstGroupByAsync());
    }

    [Fact]
    public async Task CatchUpAsync_ConfiguredStart_IgnoresEarlierEvents()
    {
        await using var db = await CreateAsync(server, o => o with { Aggregation = o.Aggregation with { StartAt = T0.AddMinutes(30) } }, now: T0.AddHours(1));
        await db.Ingestor().IngestAsync([Event("signup", T0), Event("signup", T0.AddMinutes(40))]);

        await db.Aggregator().CatchUpAsync();

        Assert.Equal(T0.AddMinutes(30), await db.ScalarAsync<DateTime>("SELECT min(metric_timestamp) FROM aggregated_metrics"));
    }

    [Fact]
    public async Task RunOnceAsync_LateEventWithinAllowedLateness_ReaggregatesItsMinute()
    {
        await using var db = await CreateAsync(server, o => o with { Aggregation = o.Aggregation with { AllowedLateness = TimeSpan.FromMinutes(30) } }, now: T0.AddMinutes(20));
        await db.Ingestor().IngestAsync([Event("signup", T0), Event("signup", T0.AddMinutes(15))]);
        await db.Aggregator().CatchUpAsync();

        var late = await db.Ingestor().IngestAsync([Event("signup", T0.AddMinutes(3)), Event("signup", T0.AddMinutes(3).AddSeconds(1))]);
        var run = await db.Aggregator().RunOnceAsync();

        Assert.Equal(2, late.LateReaggregated);
        Assert.Equal(1, run.DirtyMinutes);
        Assert.Equal(2.0, await db.ValueAsync("signup", T0.AddMinutes(3)));
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM aggregation_dirty_minutes"));
        Assert.Equal(0L, await db.MismatchesAgainstGroupByAsync());
    }

    [Fact]
    public async Task IngestAsync_EventLaterThanAllowedLateness_CountedButNotReaggregated()
    {
        await using var db = await CreateAsync(server, o => o with { Aggregation = o.Aggregation with { AllowedLateness = TimeSpan.FromMinutes(5) } }, now: T0.AddMinutes(20));
        await db.Ingestor().IngestAsync([Event("signup", T0)]);
        await db.Aggregator().CatchUpAsync();

        var result = await db.Ingestor().IngestAsync([Event("signup", T0.AddMinutes(2)), Event("signup", T0.AddMinutes(18))]);
        await db.Aggregator().RunOnceAsync();

        Assert.Equal((1, 1), (result.TooLate, result.LateReaggregated));
        Assert.Equal(1L, db.Telemetry.EventsTooLateTotal);
        Assert.Equal(0.0, await db.ValueAsync("signup", T0.AddMinutes(2)));
        Assert.Equal(1.0, await db.ValueAsync("signup", T0.AddMinutes(18)));
    }

    [Fact]
    public async Task IngestAsync_BackfillMode_ReaggregatesEvenBeyondAllowedLateness()
    {
        await using var db = await CreateAsync(server, o => o with { Aggregation = o.Aggregation with { AllowedLateness = TimeSpan.Zero } }, now: T0.AddMinutes(20));
        await db.Ingestor().IngestAsync([Event("signup", T0)]);
        await db.Aggregator().CatchUpAsync();

        await db.Ingestor().IngestAsync([Event("signup", T0.AddMinutes(2))], mode: IngestMode.Backfill);
        await db.Aggregator().RunOnceAsync();

        Assert.Equal(1.0, await db.ValueAsync("signup", T0.AddMinutes(2)));
    }

    [Fact]
    public async Task RunOnceAsync_NewTypeArrivingLate_ZeroFilledFromItsFirstMinute()
    {
        await using var db = await CreateAsync(server, o => o with { Aggregation = o.Aggregation with { AllowedLateness = TimeSpan.FromMinutes(30) } }, now: T0.AddMinutes(20));
        await db.Ingestor().IngestAsync([Event("signup", T0)]);
        await db.Aggregator().CatchUpAsync();

        await db.Ingestor().IngestAsync([Event("refund", T0.AddMinutes(5)), Event("refund", T0.AddMinutes(7))]);
        await db.Aggregator().CatchUpAsync();

        var refunds = await ValuesAsync(db, "refund", T0.AddMinutes(5), 5);
        Assert.Equal([1.0, 0, 1, 0, 0], refunds);
        Assert.Equal(15L, await db.ScalarAsync<long>("SELECT count(*) FROM aggregated_metrics WHERE metric_name = 'refund'"));
        Assert.Equal(0L, await db.MismatchesAgainstGroupByAsync());
    }

    [Fact]
    public async Task RunOnceAsync_SumField_SumsNumericPayloadAndIgnoresNonNumbers()
    {
        await using var db = await CreateAsync(server, o => o with { Aggregation = o.Aggregation with { SumFields = new Dictionary<string, string> { ["order"] = "amount" } } }, now: T0.AddMinutes(3));
        await db.Ingestor().IngestAsync([
            Event("order", T0, "{\"amount\": 10.5}"),
            Event("order", T0.AddSeconds(1), "{\"amount\": 2}"),
            Event("order", T0.AddSeconds(2), "{\"amount\": \"n/a\"}"),
            Event("order", T0.AddSeconds(3)),
            Event("order", T0.AddMinutes(2), "{\"amount\": 1}"),
        ]);

        await db.Aggregator().CatchUpAsync();

        Assert.Equal(4.0, await db.ValueAsync("order", T0));
        Assert.Equal(12.5, await db.ValueAsync("order:sum:amount", T0));
        Assert.Equal(0.0, await db.ValueAsync("order:sum:amount", T0.AddMinutes(1)));
        Assert.Equal(1.0, await db.ValueAsync("order:sum:amount", T0.AddMinutes(2)));
    }

    [Fact]
    public async Task RunOnceAsync_EventTypeAllowList_AggregatesOnlyListedTypes()
    {
        await using var db = await CreateAsync(server, o => o with { Aggregation = o.Aggregation with { EventTypes = ["signup"] } }, now: T0.AddMinutes(2));
        await db.Ingestor().IngestAsync([Event("signup", T0), Event("debug", T0)]);

        var result = await db.Aggregator().CatchUpAsync();

        Assert.Equal(["signup"], await NamesAsync(db));
        Assert.Equal(1, result);
    }

    [Fact]
    public async Task RunOnceAsync_RerunOfSameRange_IsIdempotent()
    {
        await using var db = await CreateAsync(server, now: T0.AddMinutes(5));
        await db.Ingestor().IngestAsync([Event("signup", T0), Event("signup", T0.AddMinutes(1))]);
        await db.Aggregator().CatchUpAsync();

        // Simulate a crash after commit but before the caller learned of it: the state is simply re-read.
        await db.ScalarAsync<int>("UPDATE aggregation_state SET watermark = watermark - interval '3 minutes' RETURNING 1");
        await db.Aggregator().CatchUpAsync();

        Assert.Equal(0L, await db.MismatchesAgainstGroupByAsync());
        Assert.Equal(5L, await db.ScalarAsync<long>("SELECT count(*) FROM aggregated_metrics"));
    }

    private static async Task<double[]> ValuesAsync(TestDb db, string metric, DateTimeOffset from, int minutes)
    {
        var values = new double[minutes];
        for (var i = 0; i < minutes; i++)
        {
            values[i] = await db.ValueAsync(metric, from.AddMinutes(i)) ?? double.NaN;
        }

        return values;
    }

    private static async Task<List<string>> NamesAsync(TestDb db)
    {
        await using var command = db.DataSource.CreateCommand("SELECT DISTINCT metric_name FROM aggregated_metrics ORDER BY 1");
        await using var reader = await command.ExecuteReaderAsync();
        var names = new List<string>();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }
}
