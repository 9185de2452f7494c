using System.Diagnostics;

namespace Vigil.Alerting.Tests;

/// <summary>
/// Redis going down and coming back under a running notifier: a server of its own (stopped and restarted by PID),
/// so the shared fixture of <see cref="RedisDedupTests"/> is never taken away from other tests.
/// </summary>
public sealed class RedisOutageTests : IDisposable
{
    private static readonly TimeSpan ReconnectDeadline = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir = new("vigil-alerting-redis-outage-");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task PublishAsync_RedisDownThenBack_FailsOpenCountsEachFailureThenDeduplicatesAgain()
    {
        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        var dedup = new RedisDedupStore(redis.Configuration);
        var receiver = new RecordingReceiver("am");
        var harness = await AlertingHarness.CreateAsync(new AlertingOptions(), _time, [receiver], sqlitePath: _dir.File("outage.db"), dedup: _ => dedup);
        await using (harness)
        await using (dedup)
        {
            // Up: the second publish of a key is deduplicated, nothing counted.
            var before = AlertingHarness.Alert("before:9100");
            Assert.Equal(AlertPublishOutcome.Sent, await harness.Notifier.PublishAsync(before, default));
            Assert.Equal(AlertPublishOutcome.Deduplicated, await harness.Notifier.PublishAsync(before, default));
            Assert.Equal(0, harness.ErrorCount("dedup"));

            // Down: fail-open (docs/alerting.md): each alert is still delivered, and each failed claim is counted.
            await redis.StopAsync();
            var during = AlertingHarness.Alert("during:9100");
            Assert.Equal(AlertPublishOutcome.Sent, await harness.Notifier.PublishAsync(during, default));
            Assert.Equal(AlertPublishOutcome.Sent, await harness.Notifier.PublishAsync(during, default));
            Assert.Equal(2, harness.ErrorCount("dedup"));
            Assert.Equal(3, receiver.Batches.Count);

            // Back (same port, empty: the fixture keeps no data): the same multiplexer reconnects by itself.
            await redis.StartAsync();
            await WaitForClaimAsync(dedup);
            var after = AlertingHarness.Alert("after:9100");
            Assert.Equal(AlertPublishOutcome.Sent, await harness.Notifier.PublishAsync(after, default));
            Assert.Equal(AlertPublishOutcome.Deduplicated, await harness.Notifier.PublishAsync(after, default));
            Assert.Equal(2, harness.ErrorCount("dedup"));
            Assert.Equal(4, receiver.Batches.Count);
            Assert.StartsWith(":", await redis.CommandAsync("PTTL", after.DedupKey), StringComparison.Ordinal);
        }
    }

    /// <summary>Probes the store directly (not through the deduplicator, so the probes are not counted) until Redis answers.</summary>
    private static async Task WaitForClaimAsync(RedisDedupStore dedup)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await dedup.TryClaimAsync("vigil-test-probe-" + Guid.NewGuid().ToString("N"), TimeSpan.FromSeconds(5), default);
                return;
            }
            catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException && deadline.Elapsed < ReconnectDeadline)
            {
                await Task.Delay(100);
            }
        }
    }
}
