using Microsoft.Extensions.Time.Testing;
using Vigil.Inspection.Sensors;
using Vigil.Logs.Mining;

namespace Vigil.Inspection.Tests.Sensors;

public sealed class LogPatternSensorTests
{
    [Fact]
    public async Task InspectAsync_SameTemplateIdTwice_ReportedOnce()
    {
        var source = new QueueSource();
        var sensor = new LogPatternSensor([source], InspectionHarness.Options());
        source.Next.Add(Template("7", "disk <*> full"));
        source.Next.Add(Template("7", "disk <*> full"));
        source.Next.Add(Template("8", "user <*> locked out"));

        var first = await sensor.InspectAsync(new InspectionContext("r1", InspectionHarness.Start, true), CancellationToken.None);
        source.Next.Add(Template("8", "user <*> locked out"));
        var second = await sensor.InspectAsync(new InspectionContext("r2", InspectionHarness.Start, true), CancellationToken.None);

        Assert.Equal(["7", "8"], first.Findings.Select(f => f.Labels["template_id"]));
        Assert.Equal(3, first.Inspected);
        Assert.Empty(second.Findings);
        Assert.Equal(1, second.Inspected);
        Assert.Equal("VigilNewLogPattern", first.Findings[0].AlertName);
        Assert.Equal("app", first.Findings[0].Labels["log_source"]);
    }

    [Fact]
    public async Task InspectAsync_NoSource_InspectsNothing()
    {
        var sensor = new LogPatternSensor([], InspectionHarness.Options());

        var result = await sensor.InspectAsync(new InspectionContext("r", InspectionHarness.Start, true), CancellationToken.None);

        Assert.False(sensor.HasSources);
        Assert.Equal(0, result.Inspected);
    }

    [Fact]
    public async Task MinedTemplateFeed_LinesThroughMiner_OnlyCreatedTemplatesDrainedOnce()
    {
        var feed = new MinedTemplateFeed(new TemplateMiner(), "app", new FakeTimeProvider(InspectionHarness.Start));
        feed.Observe("connection from 10.0.0.1 closed");
        feed.Observe("connection from 10.0.0.2 closed");
        feed.Observe("disk sda1 is full");

        var drained = await feed.DrainAsync(CancellationToken.None);
        var again = await feed.DrainAsync(CancellationToken.None);

        Assert.Equal(2, drained.Count);
        Assert.Equal(2, drained.Select(t => t.TemplateId).Distinct().Count());
        Assert.All(drained, t => Assert.Equal("app", t.Source));
        Assert.Empty(again);
    }

    private static NewLogTemplate Template(string id, string text) => new(id, text, "app", InspectionHarness.Start);

    private sealed class QueueSource : INewTemplateSource
    {
        public List<NewLogTemplate> Next { get; } = [];

        public ValueTask<IReadOnlyList<NewLogTemplate>> DrainAsync(CancellationToken cancellationToken)
        {
            IReadOnlyList<NewLogTemplate> drained = [.. Next];
            Next.Clear();
            return ValueTask.FromResult(drained);
        }
    }
}
