using System.Diagnostics;
using Vigil.Inspection.Tracing;
using Vigil.Pipeline.Telemetry;
using Vigil.Testing.Tracing;

namespace Vigil.Inspection.Tests.Tracing;

public sealed class InspectionTracingTests
{
    [Fact]
    public async Task RunRoundAsync_TwoSensorsOneBroken_RoundSpanWithSensorAndNotifyChildren()
    {
        using var recorder = new SpanRecorder(InspectionTracing.SourceName);
        var broken = new FakeSensor("broken", (_, _) => throw new InvalidOperationException("boom"));
        var healthy = FakeSensor.Finding("healthy", findings: 2);
        await using var h = await InspectionHarness.CreateAsync([broken, healthy], new RecordingPublisher(), InspectionHarness.Options(shadow: true));

        var report = await h.Inspector.RunRoundAsync(CancellationToken.None);

        var round = recorder.Find(InspectionTracing.Round, "vigil.inspection.round_id", report.RoundId);
        Assert.Equal(true, round.GetTagItem("vigil.inspection.shadow"));
        Assert.Equal(2, round.GetTagItem("vigil.inspection.alerts"));
        Assert.Equal(1, round.GetTagItem("vigil.inspection.errors"));
        var children = SpanRecorder.ChildrenOf(recorder.TraceOf(round), round);

        var sensors = children.Where(c => c.OperationName == InspectionTracing.Sensor).ToDictionary(c => (string)c.GetTagItem("vigil.inspection.sensor")!);
        Assert.Equal(["broken", "healthy"], sensors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(ActivityStatusCode.Error, sensors["broken"].Status);
        Assert.Equal(ErrorTypes.InspectionSensor, sensors["broken"].GetTagItem("error.type"));
        Assert.Contains("boom", sensors["broken"].StatusDescription, StringComparison.Ordinal);
        Assert.Equal(ActivityStatusCode.Unset, sensors["healthy"].Status);
        Assert.Equal(2, sensors["healthy"].GetTagItem("vigil.inspection.findings"));

        var notifications = children.Where(c => c.OperationName == InspectionTracing.Notify).ToList();
        Assert.Equal(2, notifications.Count);
        Assert.All(notifications, n =>
        {
            Assert.Equal("healthy", n.GetTagItem("vigil.inspection.sensor"));
            Assert.Equal("VigilTestFinding", n.GetTagItem("vigil.alert.name"));
            Assert.Equal("shadow", n.GetTagItem("vigil.alert.outcome"));
        });
        Assert.Equal(4, children.Count);
    }
}
