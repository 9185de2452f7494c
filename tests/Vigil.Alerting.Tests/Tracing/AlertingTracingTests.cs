using Vigil.Alerting.Tracing;
using Vigil.Testing.Tracing;

namespace Vigil.Alerting.Tests.Tracing;

public sealed class AlertingTracingTests : IDisposable
{
    private readonly TempDirectory _dir = new("vigil-alerting-");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task PublishAsync_SentThenDeduplicated_OneSpanEachWithItsOutcome()
    {
        using var recorder = new SpanRecorder(AlertingTracing.SourceName);
        await using var harness = await AlertingHarness.CreateAsync(new AlertingOptions(), _time, [new RecordingReceiver("am")], sqlitePath: _dir.File("events.db"));
        var alert = AlertingHarness.Alert(instance: $"trace-{Guid.NewGuid():N}");

        await harness.Notifier.PublishAsync(alert, default);
        await harness.Notifier.PublishAsync(alert, default);
        await harness.Notifier.ResolveAsync(alert.DedupKey, _time.GetUtcNow(), default);

        var spans = recorder.Spans.Where(s => Equals(s.GetTagItem("vigil.alert.dedup_key"), alert.DedupKey)).ToList();
        Assert.Equal([AlertingTracing.Publish, AlertingTracing.Publish, AlertingTracing.Resolve], spans.Select(s => s.OperationName));
        Assert.Equal(["sent", "deduplicated"], spans.Take(2).Select(s => s.GetTagItem("vigil.alert.outcome")));
        Assert.All(spans.Take(2), s =>
        {
            Assert.Equal("inspection", s.GetTagItem("vigil.alert.source"));
            Assert.Equal("VigilBaselineDeviation", s.GetTagItem("vigil.alert.name"));
            Assert.Equal(false, s.GetTagItem("vigil.alert.shadow"));
        });
    }
}
