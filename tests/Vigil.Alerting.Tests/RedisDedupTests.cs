using System.Globalization;

namespace Vigil.Alerting.Tests;

/// <summary>Two Vigil instances (each its own event store and notifier) deduplicating through one real Redis.</summary>
[Collection(RedisDedupTests.Collection)]
public sealed class RedisDedupTests(RedisServer redis) : IDisposable
{
    public const string Collection = "alerting-redis";
    private readonly TempDirectory _dir = new("vigil-alerting-redis-");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => _dir.Dispose();

    private async Task<(AlertingHarness Harness, RedisDedupStore Dedup, RecordingReceiver Receiver)> InstanceAsync(string name, string configuration)
    {
        var dedup = new RedisDedupStore(configuration);
        var receiver = new RecordingReceiver("am");
        var harness = await AlertingHarness.CreateAsync(new AlertingOptions(), _time, [receiver], sqlitePath: _dir.File(name + ".db"), dedup: _ => dedup);
        return (harness, dedup, receiver);
    }

    [Fact]
    public async Task PublishAsync_TwoInstancesSharedRedis_OneAlertPerWindow()
    {
        // A key of its own per test: the fixture's Redis is shared by the tests of this collection.
        var alert = AlertingHarness.Alert("two-instances:9100");
        var (a, dedupA, receiverA) = await InstanceAsync("a", redis.Configuration);
        var (b, dedupB, receiverB) = await InstanceAsync("b", redis.Configuration);
        await using (a)
        await using (b)
        await using (dedupA)
        await using (dedupB)
        {
            var outcomes = await Task.WhenAll(a.Notifier.PublishAsync(alert, default).AsTask(), b.Notifier.PublishAsync(alert, default).AsTask());

            Assert.Single(outcomes, o => o == AlertPublishOutcome.Sent);
            Assert.Single(outcomes, o => o == AlertPublishOutcome.Deduplicated);
            Assert.Equal(1, receiverA.Batches.Count + receiverB.Batches.Count);
        }

        // The key's TTL is the window: Redis, not Vigil, ends it, so it holds across Vigil restarts.
        var ttl = long.Parse((await redis.CommandAsync("PTTL", alert.DedupKey)).TrimStart(':'), CultureInfo.InvariantCulture);
        Assert.InRange(ttl, 1, (long)new AlertingOptions().DedupWindow.TotalMilliseconds);
    }

    [Fact]
    public async Task PublishAsync_RestartedInstanceInsideWindow_StillDeduplicated()
    {
        var alert = AlertingHarness.Alert("restart:9100");
        var (first, firstDedup, _) = await InstanceAsync("first", redis.Configuration);
        await using (first)
        await using (firstDedup)
        {
            Assert.Equal(AlertPublishOutcome.Sent, await first.Notifier.PublishAsync(alert, default));
        }

        // A new process: a new connection and an empty event store of its own; only Redis remembers.
        var (restarted, restartedDedup, receiver) = await InstanceAsync("restarted", redis.Configuration);
        await using (restarted)
        await using (restartedDedup)
        {
            Assert.Equal(AlertPublishOutcome.Deduplicated, await restarted.Notifier.PublishAsync(alert, default));
            Assert.Empty(receiver.Batches);
        }
    }

    [Fact]
    public async Task PublishAsync_RedisUnreachable_FailsOpenAndCountsDedupError()
    {
        // Nothing listens on a freshly freed port: every claim fails to connect.
        var (instance, dedup, receiver) = await InstanceAsync("unreachable", "127.0.0.1:" + ServerProcess.FreePort().ToString(CultureInfo.InvariantCulture));
        await using (instance)
        await using (dedup)
        {
            var outcome = await instance.Notifier.PublishAsync(AlertingHarness.Alert("unreachable:9100"), default);

            Assert.Equal(AlertPublishOutcome.Sent, outcome);
            Assert.Single(receiver.Batches);
            Assert.Equal(1, instance.ErrorCount("dedup"));
        }
    }
}

[CollectionDefinition(RedisDedupTests.Collection)]
public sealed class AlertingRedisFixture : ICollectionFixture<RedisServer>;
