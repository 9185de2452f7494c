using System.Diagnostics;
using Vigil.Postgres.Aggregation;
using Vigil.Postgres.Tests.Infrastructure;
using static Vigil.Postgres.Tests.Infrastructure.TestDb;

namespace Vigil.Postgres.Tests.Aggregation;

[Collection(PostgresFixture.Collection)]
public sealed class LeaderLeaseTests(PostgresServer server)
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 10, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task TryAcquireOrConfirmAsync_TwoInstances_ExactlyOneLeads()
    {
        await using var db = await CreateAsync(server);
        await using var a = db.Lease();
        await using var b = db.Lease();

        Assert.True(await a.TryAcquireOrConfirmAsync());
        Assert.False(await b.TryAcquireOrConfirmAsync());
        Assert.True(await a.TryAcquireOrConfirmAsync());
        Assert.False(await b.TryAcquireOrConfirmAsync());
    }

    [Fact]
    public async Task ReleaseAsync_GracefulShutdown_FollowerTakesOverOnNextAttempt()
    {
        await using var db = await CreateAsync(server);
        await using var a = db.Lease();
        await using var b = db.Lease();
        await a.TryAcquireOrConfirmAsync();

        await a.ReleaseAsync();

        Assert.True(await b.TryAcquireOrConfirmAsync());
    }

    [Fact]
    public async Task Cycle_LeaderSessionKilled_FollowerTakesOverAndOldLeaderStepsDown()
    {
        await using var db = await CreateAsync(server, now: T0.AddMinutes(10));
        await db.Ingestor().IngestAsync([Event("signup", T0)]);
        await using var leaseA = db.Lease();
        await using var leaseB = db.Lease();
        var a = new AggregationCycle(leaseA, db.Aggregator(), db.Scorer());
        var b = new AggregationCycle(leaseB, db.Aggregator(), db.Scorer());

        var first = (await a.RunAsync(), await b.RunAsync());
        await db.Ingestor().IngestAsync([Event("signup", T0.AddMinutes(10))]);
        db.Time.Advance(TimeSpan.FromMinutes(1));

        // The leader's database session dies (crash, network partition, idle timeout): PostgreSQL frees the lock.
        // The timeout argument waits until the backend has really exited.
        await db.ScalarAsync<bool>($"SELECT bool_and(pg_terminate_backend(pid, 10000)) FROM pg_locks WHERE locktype = 'advisory' AND objid = {unchecked((uint)BusinessMetricsConstants.LeaderLockKey)}");
        var second = (await b.RunAsync(), await a.RunAsync());

        Assert.Equal((true, false), (first.Item1.IsLeader, first.Item2.IsLeader));
        Assert.Equal((true, false), (second.Item1.IsLeader, second.Item2.IsLeader));
        Assert.Equal(1.0, await db.ValueAsync("signup", T0.AddMinutes(10)));
    }

    [Fact]
    public async Task TryAcquireOrConfirmAsync_LeaderProcessSigkilled_FollowerLeadsWithinOneInterval()
    {
        await using var db = await CreateAsync(server);
        await using var follower = db.Lease();
        using var leader = FaultToleranceTests.StartWorker("lead", db.ConnectionString);
        try
        {
            using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            {
                Assert.Equal("LEADER", await leader.StandardOutput.ReadLineAsync(cts.Token));
            }

            Assert.False(await follower.TryAcquireOrConfirmAsync());
            leader.Kill();
            await leader.WaitForExitAsync();

            // The follower tries once per interval; the lock must be free by its next attempt. Poll with a
            // deadline of one (test) interval to absorb the moment PostgreSQL needs to notice the dead socket.
            var interval = TimeSpan.FromSeconds(5);
            var clock = Stopwatch.StartNew();
            var acquired = false;
            while (!acquired && clock.Elapsed < interval)
            {
                acquired = await follower.TryAcquireOrConfirmAsync();
            }

            Assert.True(acquired, $"follower did not take over within {interval}");
        }
        finally
        {
            if (!leader.HasExited)
            {
                leader.Kill();
            }
        }
    }
}
