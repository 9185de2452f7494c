using Vigil.EventStore;
using Vigil.Pipeline.Telemetry;

namespace Vigil.Alerting.Tests;

public sealed class AlertNotifierTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _dir = new("vigil-alerting-");
    private readonly FakeTimeProvider _time = new(Start);

    public void Dispose() => _dir.Dispose();

    private Task<AlertingHarness> Create(AlertingOptions options, params IAlertReceiver[] receivers)
        => AlertingHarness.CreateAsync(options, _time, receivers, sqlitePath: _dir.File("events.db"));

    [Fact]
    public async Task PublishAsync_SameAlertTwiceInWindow_SecondIsDeduplicated()
    {
        var receiver = new RecordingReceiver("am");
        await using var harness = await Create(new AlertingOptions(), receiver);

        Assert.Equal(AlertPublishOutcome.Sent, await harness.Notifier.PublishAsync(AlertingHarness.Alert(), default));
        _time.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(AlertPublishOutcome.Deduplicated, await harness.Notifier.PublishAsync(AlertingHarness.Alert(), default));
        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(AlertPublishOutcome.Sent, await harness.Notifier.PublishAsync(AlertingHarness.Alert(), default));
        Assert.Equal(2, receiver.Batches.Count);
    }

    [Fact]
    public async Task PublishAsync_RestartInsideWindow_StillDeduplicated()
    {
        var receiver = new RecordingReceiver("am");
        await using (var first = await Create(new AlertingOptions(), receiver))
        {
            Assert.Equal(AlertPublishOutcome.Sent, await first.Notifier.PublishAsync(AlertingHarness.Alert(), default));
        }

        _time.Advance(TimeSpan.FromMinutes(10));
        await using var restarted = await Create(new AlertingOptions(), receiver);
        Assert.Equal(AlertPublishOutcome.Deduplicated, await restarted.Notifier.PublishAsync(AlertingHarness.Alert(), default));
    }

    [Fact]
    public async Task PublishAsync_ShadowMode_RecordedButNothingDelivered()
    {
        var receiver = new RecordingReceiver("am");
        await using var harness = await Create(new AlertingOptions { ShadowMode = true }, receiver);

        Assert.Equal(AlertPublishOutcome.Shadow, await harness.Notifier.PublishAsync(AlertingHarness.Alert(), default));
        _time.Advance(TimeSpan.FromMinutes(5));
        await harness.Notifier.RunCycleAsync(default);

        Assert.Empty(receiver.Batches);
        var stored = Assert.Single(await harness.Store.ListAlertsAsync(AlertStatus.Firing, 10, default));
        Assert.True(OutboxRecord.FromJson(stored.Payload).Shadow);
        Assert.Equal(1, harness.AlertMetrics.Notifications.WithLabels("am", "shadow").Value);
    }

    [Fact]
    public async Task PublishAsync_AlertOwnShadowFlag_NotDeliveredEvenWhenGlobalShadowOff()
    {
        var receiver = new RecordingReceiver("am");
        await using var harness = await Create(new AlertingOptions(), receiver);

        Assert.Equal(AlertPublishOutcome.Shadow, await harness.Notifier.PublishAsync(AlertingHarness.Alert() with { Shadow = true }, default));
        Assert.Empty(receiver.Batches);
    }

    [Fact]
    public async Task PublishAsync_DedupBackendThrows_FailsOpenAndCountsError()
    {
        var receiver = new RecordingReceiver("am");
        await using var harness = await AlertingHarness.CreateAsync(
            new AlertingOptions(), _time, [receiver], sqlitePath: _dir.File("events.db"), dedup: _ => new ThrowingDedupStore());

        Assert.Equal(AlertPublishOutcome.Sent, await harness.Notifier.PublishAsync(AlertingHarness.Alert(), default));
        Assert.Equal(AlertPublishOutcome.Sent, await harness.Notifier.PublishAsync(AlertingHarness.Alert(), default));
        Assert.Equal(2, harness.ErrorCount(ErrorTypes.Dedup));
    }

    [Fact]
    public async Task RunCycleAsync_FiringAlert_ResentEachIntervalWithLeaseOfFourIntervals()
    {
        var receiver = new RecordingReceiver("am");
        var options = new AlertingOptions { ResendInterval = TimeSpan.FromMinutes(1) };
        await using var harness = await Create(options, receiver);
        await harness.Notifier.PublishAsync(AlertingHarness.Alert(), default);
        Assert.Equal(Start + TimeSpan.FromMinutes(4), Assert.Single(receiver.Batches[0]).EndsAt);

        _time.Advance(TimeSpan.FromSeconds(30));
        await harness.Notifier.RunCycleAsync(default);
        _time.Advance(TimeSpan.FromSeconds(30));
        await harness.Notifier.RunCycleAsync(default);
        _time.Advance(TimeSpan.FromSeconds(30));
        await harness.Notifier.RunCycleAsync(default);

        // Cycle at 30 s: first full resend (nothing sent by a cycle yet); at 60 s: too early; at 90 s: due again.
        Assert.Equal(3, receiver.Batches.Count);
        Assert.Equal(Start + TimeSpan.FromSeconds(90) + TimeSpan.FromMinutes(4), Assert.Single(receiver.Batches[2]).EndsAt);
        Assert.Equal(1, harness.AlertMetrics.ActiveAlerts.Unlabelled.Value);
    }

    [Fact]
    public async Task ResolveAsync_ResolutionSentWithEndsAtThenResentFor15Minutes()
    {
        var receiver = new RecordingReceiver("am");
        await using var harness = await Create(new AlertingOptions(), receiver);
        var alert = AlertingHarness.Alert();
        await harness.Notifier.PublishAsync(alert, default);
        var resolvedAt = Start + TimeSpan.FromMinutes(2);
        _time.Advance(TimeSpan.FromMinutes(3));

        await harness.Notifier.ResolveAsync(alert.DedupKey, resolvedAt, default);
        Assert.Equal(resolvedAt, Assert.Single(receiver.Batches[^1]).EndsAt);

        _time.Advance(TimeSpan.FromMinutes(14));
        await harness.Notifier.RunCycleAsync(default);
        Assert.Equal(resolvedAt, Assert.Single(receiver.Batches[^1]).EndsAt);
        var count = receiver.Batches.Count;

        _time.Advance(TimeSpan.FromMinutes(5));
        await harness.Notifier.RunCycleAsync(default);
        Assert.Equal(count, receiver.Batches.Count);
        Assert.Equal(AlertStatus.Resolved, (await harness.Store.GetAlertAsync(alert.DedupKey, default))!.Status);
    }

    [Fact]
    public async Task PublishAsync_ReceiverDown_QueuedThenDeliveredAfterBackoffAndOutboxEmpties()
    {
        var am = new RecordingReceiver("am");
        var hook = new RecordingReceiver("hook", resendsActive: false) { Failing = true };
        await using var harness = await Create(new AlertingOptions { RetryBaseDelay = TimeSpan.FromSeconds(5) }, am, hook);

        Assert.Equal(AlertPublishOutcome.Queued, await harness.Notifier.PublishAsync(AlertingHarness.Alert(), default));
        Assert.Equal(1, harness.ErrorCount(ErrorTypes.AlertDelivery));
        hook.Failing = false;

        _time.Advance(TimeSpan.FromSeconds(4));
        await harness.Notifier.RunCycleAsync(default);
        Assert.Empty(hook.Batches);
        Assert.Equal(1, harness.AlertMetrics.OutboxDepth.Unlabelled.Value);

        _time.Advance(TimeSpan.FromSeconds(1));
        await harness.Notifier.RunCycleAsync(default);
        Assert.Single(hook.Batches);
        Assert.Equal(0, harness.AlertMetrics.OutboxDepth.Unlabelled.Value);

        // The webhook got the firing state once; later cycles do not repeat it.
        _time.Advance(TimeSpan.FromMinutes(2));
        await harness.Notifier.RunCycleAsync(default);
        Assert.Single(hook.Batches);
    }

    [Fact]
    public async Task RunCycleAsync_AfterRestart_PendingAlertStillDelivered()
    {
        var hook = new RecordingReceiver("hook", resendsActive: false) { Failing = true };
        await using (var first = await Create(new AlertingOptions(), hook))
        {
            Assert.Equal(AlertPublishOutcome.Queued, await first.Notifier.PublishAsync(AlertingHarness.Alert(), default));
        }

        hook.Failing = false;
        await using var restarted = await Create(new AlertingOptions(), hook);
        await restarted.Notifier.RunCycleAsync(default);

        var delivered = Assert.Single(Assert.Single(hook.Batches));
        Assert.Equal("node", delivered.Alert.Labels["job"]);
    }

    [Fact]
    public async Task RunCycleAsync_FiringAlertNotRaisedForAWindow_IsResolved()
    {
        var receiver = new RecordingReceiver("am");
        await using var harness = await Create(new AlertingOptions { DedupWindow = TimeSpan.FromMinutes(30) }, receiver);
        var alert = AlertingHarness.Alert();
        await harness.Notifier.PublishAsync(alert, default);
        _time.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(AlertPublishOutcome.Deduplicated, await harness.Notifier.PublishAsync(alert, default));

        _time.Advance(TimeSpan.FromMinutes(20));
        await harness.Notifier.RunCycleAsync(default);
        Assert.Equal(AlertStatus.Firing, (await harness.Store.GetAlertAsync(alert.DedupKey, default))!.Status);

        _time.Advance(TimeSpan.FromMinutes(11));
        await harness.Notifier.RunCycleAsync(default);
        Assert.Equal(AlertStatus.Resolved, (await harness.Store.GetAlertAsync(alert.DedupKey, default))!.Status);
        Assert.Equal(_time.GetUtcNow(), Assert.Single(receiver.Batches[^1]).EndsAt);
    }

    [Fact]
    public async Task PublishAsync_Labels_CarryAlertnameSeveritySensorAndGeneratorUrl()
    {
        var receiver = new RecordingReceiver("am");
        await using var harness = await Create(new AlertingOptions { ExternalUrl = new Uri("https://vigil.example/ui/") }, receiver);
        await harness.Notifier.PublishAsync(AlertingHarness.Alert(), default);

        var (alert, _) = Assert.Single(receiver.Batches[0]);
        Assert.Equal("VigilBaselineDeviation", alert.Labels["alertname"]);
        Assert.Equal("critical", alert.Labels["severity"]);
        Assert.Equal("baseline", alert.Labels["sensor"]);
        Assert.Equal("a:9100", alert.Labels["instance"]);
        Assert.Equal("0.96999999999999997", alert.Annotations["value"]);
        Assert.Equal("https://vigil.example/ui/series?job=node", alert.GeneratorUrl);
    }
}

public sealed class BackoffTests
{
    [Fact]
    public void Fail_ConsecutiveFailures_DoublesUpToCapAndSuccessResets()
    {
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var backoff = new Backoff(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30));

        Assert.Equal([5, 10, 20, 30, 30], Enumerable.Range(0, 5).Select(_ => backoff.Fail(now).TotalSeconds).ToArray());
        Assert.False(backoff.CanAttempt(now + TimeSpan.FromSeconds(29)));
        Assert.True(backoff.CanAttempt(now + TimeSpan.FromSeconds(30)));

        backoff.Succeed();
        Assert.Equal(0, backoff.Failures);
        Assert.Equal(TimeSpan.FromSeconds(5), backoff.Fail(now));
    }
}

public sealed class AlertingOptionsTests
{
    [Fact]
    public void Validate_Defaults_NoErrorsAndLeaseIsFourResends()
    {
        var options = new AlertingOptions();
        Assert.Empty(options.Validate());
        Assert.Equal(TimeSpan.FromMinutes(4), options.Lease);
        Assert.Equal(TimeSpan.FromMinutes(30), options.DedupWindow);
    }

    [Fact]
    public void Validate_BadValues_EachNamesItsKey()
    {
        var errors = new AlertingOptions
        {
            ResendInterval = TimeSpan.Zero,
            Alertmanagers = [new AlertmanagerTarget { Url = new Uri("ftp://x") }],
            RedisUrl = " ",
        }.Validate();

        Assert.Contains(errors, e => e.StartsWith("alerting.resend_interval", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("alerting.alertmanagers[0].url", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("redis.url", StringComparison.Ordinal));
    }
}
