namespace Vigil.Alerting.Tests;

/// <summary>Two Vigil instances (separate stores and notifiers) sharing one real PostgreSQL database.</summary>
[Collection(PostgresDedupTests.Collection)]
public sealed class PostgresDedupTests(PostgresServer server)
{
    public const string Collection = "alerting-postgres";

    [Fact]
    public async Task PublishAsync_TwoInstancesSharedPostgres_OneAlertPerWindow()
    {
        var database = await server.CreateDatabaseAsync();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
        var first = new RecordingReceiver("am");
        var second = new RecordingReceiver("am");
        await using var a = await AlertingHarness.CreateAsync(new AlertingOptions(), time, [first], postgres: database);
        await using var b = await AlertingHarness.CreateAsync(new AlertingOptions(), time, [second], postgres: database);

        var outcomes = await Task.WhenAll(
            a.Notifier.PublishAsync(AlertingHarness.Alert(), default).AsTask(),
            b.Notifier.PublishAsync(AlertingHarness.Alert(), default).AsTask());

        Assert.Single(outcomes, o => o == AlertPublishOutcome.Sent);
        Assert.Single(outcomes, o => o == AlertPublishOutcome.Deduplicated);
        Assert.Equal(1, first.Batches.Count + second.Batches.Count);

        // A restarted instance (new store handle and notifier) still sees the window.
        await using var restarted = await AlertingHarness.CreateAsync(new AlertingOptions(), time, [first], postgres: database);
        Assert.Equal(AlertPublishOutcome.Deduplicated, await restarted.Notifier.PublishAsync(AlertingHarness.Alert(), default));
    }
}

[CollectionDefinition(PostgresDedupTests.Collection)]
public sealed class AlertingPostgresFixture : ICollectionFixture<PostgresServer>;
